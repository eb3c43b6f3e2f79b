"""dialogs/language.yaml: the words the language layer reads, validated like the other files.

Every slot and value is checked against the vocabulary, every regular expression compiled,
every phrase pattern expanded, every unknown key refused, each problem at its file:line:column
with what is allowed.

A phrase is words matched word by word in any case, with two shorthands:
- `(a|b|)` alternatives: "(wake|wakes|woke) me (up|)" is six phrases (an empty alternative makes
  the group optional); groups do not nest;
- `<start>` first (the phrase opens a sentence), `<end>` last (the phrase closes a clause:
  punctuation or the end of the message follows), `<thing>` anywhere (one word that is not in
  the `self` list: "my <thing>" is "my coffee", not "my heel").
"""

from __future__ import annotations

import itertools
import re

from heel_bot.errors import Mark
from heel_bot.language.words import (
    ASK,
    END,
    MARKERS,
    START,
    THING,
    Combination,
    Implication,
    Language,
    Sense,
    Trigger,
)
from heel_bot.model import Concept, Lexicon, Phrase, Vocabulary
from heel_bot.reading import Reader
from heel_bot.yamlsrc import Y

MAX_FORMS = 512  # phrases one pattern may expand to
CONTEXT_KINDS = ("negated", "reassured", "possible", "unknown", "other", "hypothetical")
DIRECTIONS = ("forward", "backward", "both")
WORD_LISTS = ("affirm", "deny", "unsure", "likely_yes", "likely_no", "doubt", "acknowledge",
              "filler", "contrast", "qualifiers", "topic", "self", "emergency", "ignore",
              "twice_negated", "softeners", "retract")
TOP_KEYS = ("concepts", "bare", "combine", "imply", "careful", "number_needs", "several",
            *WORD_LISTS, "context", "typos")
UNCLEAR = "unclear"  # a combination's meaning when its values leave the answer open
VALUE_KEYS = ("anywhere", "asked", "unclear", "unclear_asked", "negated")
_GROUP = re.compile(r"\(([^()]*)\)")
_MARKER = re.compile(r"<[^<>]*>")


def read_language(r: Reader, y: Y, vocab: Vocabulary) -> Lexicon | None:
    """The lexicon, or None (with problems recorded) when it is unusable."""
    m = r.mapping(y, "the language file", TOP_KEYS)
    if m is None or any(k not in m for k in TOP_KEYS):
        return None
    concepts = _read_concepts(r, m["concepts"], vocab)
    words = {k: tuple(dict.fromkeys(_expanded_strings(r, m[k], k))) for k in WORD_LISTS}
    triggers = _read_context(r, m["context"], vocab)
    grouped: dict[tuple[str, str], list[str]] = {}
    for t in triggers:
        if t.kind in ("negated", "reassured", "possible"):
            grouped.setdefault((t.kind, t.direction), []).append(t.text)
    context = {k: tuple(v) for k, v in grouped.items()}
    terminate = (*words["contrast"], *(t.text for t in triggers if t.kind == "terminate"))
    careful = frozenset(s for s in (r.member(v, "a careful slot", vocab.slots)
                                    for v in r.seq(m["careful"], "careful")) if s)
    return Language(concepts, words["affirm"], words["deny"], words["unsure"], context,
                    terminate, words["emergency"], _read_typos(r, m["typos"]), words,
                    triggers, _read_bare(r, m["bare"], vocab),
                    _read_combine(r, m["combine"], vocab), careful,
                    _read_slot_words(r, m["number_needs"], vocab, "number_needs"),
                    _read_imply(r, m["imply"], vocab),
                    _read_slot_words(r, m["several"], vocab, "several"))


# ---------------------------------------------------------------- phrases


def expand(text: str) -> list[str] | str:
    """Every phrase a pattern stands for, or what is wrong with it (a message)."""
    parts = _GROUP.split(text)
    literals, groups = parts[0::2], parts[1::2]
    if any(c in lit for lit in literals for c in "()|"):
        return ("unbalanced or nested brackets, or '|' outside brackets; allowed: words and "
                "(a|b|) groups of alternatives, not nested")
    markers = _MARKER.findall(text)
    if any(mk not in MARKERS for mk in markers) or (
            START in text and not text.startswith(START)) or (
            END in text and not text.endswith(END)):
        return f"markers allowed: {START} first, {END} last, {THING} anywhere"
    choices = [[a.strip() for a in g.split("|")] for g in groups]
    total = 1
    for c in choices:
        total *= len(c)
    if total > MAX_FORMS:
        return f"expands to {total} phrases; at most {MAX_FORMS} allowed (split it)"
    # Each piece is split into words once; a form is its pieces' words joined (an empty
    # alternative adds none), so the spacing comes out single without re-splitting each form.
    lits = [lit.casefold().split() for lit in literals]
    alts = [[a.casefold().split() for a in c] for c in choices]
    out: list[str] = []
    for combo in itertools.product(*alts):
        words = list(lits[0])
        for alt, lit in zip(combo, lits[1:], strict=True):
            words += alt
            words += lit
        phrase = " ".join(words)
        if _MARKER.sub("", phrase).strip():
            out.append(phrase)
    return out or "a pattern must leave some words in every form"


def _expand_at(r: Reader, text: str, mark: Mark) -> list[str]:
    got = expand(text)
    if isinstance(got, str):
        r.fail(mark, f"phrase {text!r}: {got}")
        return []
    return got


def _expanded_strings(r: Reader, y: Y, what: str) -> list[str]:
    return [p for s, mark in r.strings(y, what) for p in _expand_at(r, s, mark)]


def _phrases(r: Reader, y: Y) -> tuple[Phrase, ...]:
    out: list[Phrase] = []
    for item in r.seq(y, "phrases"):
        if isinstance(item.value, dict):
            pm = r.mapping(item, "a pattern", ("re",))
            text = r.string(pm["re"], "re") if pm and "re" in pm else None
            if text is None or pm is None:
                continue
            try:
                re.compile(text)
            except re.error as exc:
                r.fail(pm["re"].mark, f"not a regular expression ({exc}); write Python re "
                       "syntax, backslashes doubled inside double quotes")
                continue
            out.append(Phrase(text, True, item.mark))
            continue
        text = r.string(item, "a phrase (or {re: pattern})")
        if text is not None:
            out += [Phrase(p, False, item.mark) for p in _expand_at(r, text, item.mark)]
    return tuple(out)


# ---------------------------------------------------------------- concepts


def _read_concepts(r: Reader, y: Y, vocab: Vocabulary) -> tuple[Concept, ...]:
    out: list[Concept] = []
    slots = r.mapping(y, "concepts", (), tuple(vocab.slots))
    for slot, values_y in (slots or {}).items():
        values = r.mapping(values_y, f"the concepts of {slot}", (), vocab.slots[slot])
        for value, entry in (values or {}).items():
            em = r.mapping(entry, f"the words for {slot}={value}", (), VALUE_KEYS)
            if em is None:
                continue
            lists = {k: _phrases(r, em[k]) if k in em else () for k in VALUE_KEYS[:4]}
            negated = _default_denial(vocab.slots[slot], value)
            if "negated" in em:
                negated = r.member(em["negated"], f"what a denial of {slot}={value} means",
                                   (*vocab.slots[slot], ASK))
            out.append(Sense(slot, value, lists["anywhere"], lists["asked"], lists["unclear"],
                             lists["unclear_asked"], negated))
    return tuple(out)


def _default_denial(values: tuple[str, ...], value: str) -> str | None:
    """A yes/no slot: denying the sign means "no"; denying words for "no" ("doesn't look
    normal") says nothing clear."""
    if set(values) == {"yes", "no"}:
        return "no" if value == "yes" else ASK
    return None


def _read_bare(r: Reader, y: Y, vocab: Vocabulary) -> dict[str, dict[str, str]]:
    """slot -> {"yes"|"no"|"unsure" -> value}: what a bare yes, no or "not sure" means
    (yes/no slots: yes and no mean themselves)."""
    out: dict[str, dict[str, str]] = {s: {"yes": "yes", "no": "no"}
                                      for s, v in vocab.slots.items() if set(v) == {"yes", "no"}}
    for slot, my in (r.mapping(y, "bare", (), tuple(vocab.slots)) or {}).items():
        mm = r.mapping(my, f"the bare answers to {slot}", (), ("yes", "no", "unsure"))
        for word, vy in (mm or {}).items():
            value = r.member(vy, f"what a bare {word} to {slot} means",
                             (*vocab.slots[slot], ASK))
            if value is not None:
                out.setdefault(slot, {})[word] = value
    return out


def _read_slot_words(r: Reader, y: Y, vocab: Vocabulary, key: str
                     ) -> dict[str, tuple[str, ...]]:
    """slot -> phrases (`number_needs`: a number read for the slot out of turn counts only
    with one of them; `several`: they say the slot's answer is more than one thing)."""
    return {slot: tuple(_expanded_strings(r, wy, f"{key}: the phrases of {slot}"))
            for slot, wy in (r.mapping(y, key, (), tuple(vocab.slots)) or {}).items()}


def _read_combine(r: Reader, y: Y, vocab: Vocabulary) -> tuple[Combination, ...]:
    out: list[Combination] = []
    for item in r.seq(y, "combine"):
        cm = r.mapping(item, "a combination", ("slot", "values", "means"))
        if cm is None or len(cm) < 3:
            continue
        slot = r.member(cm["slot"], "slot", vocab.slots)
        if slot is None:
            continue
        values = [r.member(v, f"value of {slot}", vocab.slots[slot])
                  for v in r.seq(cm["values"], "values")]
        # `means: unclear`: said together they leave the question open ("stiff first thing
        # but it doesn't ease" is neither answer to the morning question).
        means = r.member(cm["means"], f"value of {slot}", (*vocab.slots[slot], UNCLEAR))
        if means is not None and all(values) and len(values) > 1:
            out.append(Combination(slot, frozenset(v for v in values if v),
                                   None if means == UNCLEAR else means))
    return tuple(out)


def _read_imply(r: Reader, y: Y, vocab: Vocabulary) -> tuple[Implication, ...]:
    out: list[Implication] = []
    for item in r.seq(y, "imply"):
        im = r.mapping(item, "an implication", ("when", "means"))
        if im is None or len(im) < 2:
            continue
        pairs = [_one_value(r, im[k], k, vocab) for k in ("when", "means")]
        if pairs[0] and pairs[1]:
            out.append(Implication(*pairs[0], *pairs[1]))
    return tuple(out)


def _one_value(r: Reader, y: Y, what: str, vocab: Vocabulary) -> tuple[str, str] | None:
    """A mapping of exactly one slot to one of its values."""
    m = r.mapping(y, what, (), tuple(vocab.slots))
    if m is None or len(m) != 1:
        if m is not None:
            r.fail(y.mark, f"{what}: give exactly one slot and its value")
        return None
    slot, vy = next(iter(m.items()))
    value = r.member(vy, f"value of {slot}", vocab.slots[slot])
    return (slot, value) if value is not None else None


# ---------------------------------------------------------------- context


def _read_context(r: Reader, y: Y, vocab: Vocabulary) -> tuple[Trigger, ...]:
    cm = r.mapping(y, "context", ("terminate",), (*CONTEXT_KINDS, "pseudo", "new_clause"))
    if cm is None:
        return ()
    out: list[Trigger] = []
    for kind in CONTEXT_KINDS:
        if kind not in cm:
            continue
        dm = r.mapping(cm[kind], f"context {kind}", (), DIRECTIONS)
        for direction, lst in (dm or {}).items():
            out += _triggers(r, lst, kind, direction, vocab)
    for kind in ("pseudo", "terminate", "new_clause"):
        if kind in cm:
            out += [Trigger(p, kind, "") for p in _expanded_strings(r, cm[kind], kind)]
    _check_settings(r, cm, out)
    return tuple(out)


def _check_settings(r: Reader, cm: dict[str, Y], triggers: list[Trigger]) -> None:
    """One phrase of one kind has one set of settings: ConText keeps one rule per phrase, so a
    phrase listed both ways with different slots or scopes would be read one way only."""
    seen: dict[tuple[str, str], tuple[tuple[str, ...], int | None]] = {}
    kinds: dict[str, str] = {}
    for t in triggers:
        # Two kinds on one phrase match the same words; ConText keeps one of them by the
        # order of its rules, so adding an unrelated phrase could flip which one counts.
        first = kinds.setdefault(t.text, t.kind)
        if first != t.kind and t.kind in cm:
            r.fail(cm[t.kind].mark, f"context phrase {t.text!r} is listed as {first} and as "
                   f"{t.kind}; ConText would keep only one: list it under one kind")
        settings = (t.slots, t.max_scope)
        if seen.setdefault((t.kind, t.text), settings) != settings and t.kind in cm:
            r.fail(cm[t.kind].mark, f"context {t.kind} phrase {t.text!r} is listed with "
                   "different slots or max_scope; list it once with one set of settings (a "
                   "phrase in both directions looks both ways)")


def _triggers(r: Reader, y: Y, kind: str, direction: str, vocab: Vocabulary) -> list[Trigger]:
    """Trigger phrases: each a string, or {phrase, slots, max_scope}."""
    out: list[Trigger] = []
    for item in r.seq(y, f"context {kind} {direction}"):
        if not isinstance(item.value, dict):
            text = r.string(item, f"a {kind} trigger")
            out += [Trigger(p, kind, direction) for p in _expand_at(r, text, item.mark)
                    ] if text else []
            continue
        tm = r.mapping(item, f"a {kind} trigger", ("phrase",), ("slots", "max_scope"))
        text = r.string(tm["phrase"], "phrase") if tm and "phrase" in tm else None
        if tm is None or text is None:
            continue
        slots = tuple(s for s in (r.member(v, "slot", vocab.slots)
                                  for v in r.seq(tm["slots"], "slots")) if s) if (
            "slots" in tm) else ()
        scope = r.integer(tm["max_scope"], "max_scope", 1) if "max_scope" in tm else None
        out += [Trigger(p, kind, direction, slots, scope)
                for p in _expand_at(r, text, item.mark)]
    return out


def _read_typos(r: Reader, y: Y) -> dict[str, str]:
    typos: dict[str, str] = {}
    if not isinstance(y.value, dict):
        r.fail(y.mark, f"typos must map a misspelt word to the word meant, got {y.kind}")
        return typos
    for wrong, right in y.value.items():
        word = r.string(right, f"the correction of {wrong!r}")
        if word is not None:
            typos[wrong.casefold()] = word.casefold()
    return typos
