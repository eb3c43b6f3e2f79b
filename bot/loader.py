"""Load dialogs/ and content/ into the frozen model, refusing anything invalid.

Every problem is reported with its file:line:column and what would be allowed there; all
problems of a load are collected and raised together as one DefinitionError.
"""

from __future__ import annotations

import difflib
import os
import string
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import TypeVar

from bot import uikeys
from bot.errors import DefinitionError, Mark, Problem
from bot.model import (
    CAUSE_KEY,
    LEVEL_KEY,
    LEVEL_PARTS,
    OUTCOME,
    AdviceRule,
    Bundle,
    CauseSign,
    Condition,
    Content,
    Dialog,
    LearnTopic,
    Option,
    Question,
    Requirement,
    Rules,
    SafetyNet,
    Transition,
    TriageRule,
    Vocabulary,
)
from bot.yamlsrc import Y, load_file

T = TypeVar("T")

SECTIONS = ("red_flags", "pain", "training")
VOCABULARY_FILE = "vocabulary.yaml"
DIALOG_FILE = "triage.yaml"
RULES_FILE = "rules.yaml"
LEARN_FILE = "learn.yaml"


def _shown(path: Path) -> str:
    """A path as errors show it: relative to the working directory when inside it."""
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return str(path)
    return str(path) if rel.startswith("..") else rel


def _guess(word: str, allowed: Iterable[str]) -> str:
    """A hint naming the likely intended word, for a typo; empty when none is close."""
    close = difflib.get_close_matches(word, list(allowed), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _choices(allowed: Iterable[str]) -> str:
    items = sorted(allowed)
    if len(items) > 12:
        return ", ".join(items[:12]) + f", … ({len(items)} in all)"
    return ", ".join(items)


class _Reader:
    """Typed access to Y trees that records problems instead of stopping at the first."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        # Where each content key is referred to, so a missing one is reported at its use.
        self.refs: dict[str, Mark] = {}
        # Places later checks point at (e.g. the contraindications of a cause).
        self.places: dict[str, Mark] = {}

    def ref(self, key: str | None, y: Y) -> str | None:
        """Record that content key `key` is referred to at `y`."""
        if key is not None:
            self.refs.setdefault(key, y.mark)
        return key

    def fail(self, mark: Mark, message: str) -> None:
        self.problems.append(Problem(mark, message))

    def mapping(
        self, y: Y, what: str, required: Iterable[str], optional: Iterable[str] = ()
    ) -> dict[str, Y] | None:
        if not isinstance(y.value, dict):
            self.fail(y.mark, f"{what} must be a mapping, got {y.kind}")
            return None
        req, opt = tuple(required), tuple(optional)
        allowed = (*req, *opt)
        for key in y.value:
            if key not in allowed:
                self.fail(y.key_mark(key), f"unknown key {key!r} in {what}"
                          f"{_guess(key, allowed)}; allowed: "
                          f"{', '.join(allowed)}")
        for key in req:
            if key not in y.value:
                self.fail(y.mark, f"{what} lacks the required key {key!r}")
        return {k: v for k, v in y.value.items() if k in allowed}

    def string(self, y: Y, what: str) -> str | None:
        if isinstance(y.value, bool):
            word = "true" if y.value else "false"
            self.fail(y.mark, f"{what} must be a string, got the boolean {word}; "
                      f"write \"yes\"/\"no\" or quote the value")
            return None
        if not isinstance(y.value, str) or not y.value:
            self.fail(y.mark, f"{what} must be a non-empty string, got {y.kind}")
            return None
        return y.value

    def integer(self, y: Y, what: str, minimum: int = 0) -> int | None:
        if isinstance(y.value, bool) or not isinstance(y.value, int) or y.value < minimum:
            self.fail(y.mark, f"{what} must be a whole number ≥ {minimum}, got {y.kind} "
                      f"{y.value!r}")
            return None
        return y.value

    def seq(self, y: Y, what: str) -> list[Y]:
        if not isinstance(y.value, list):
            self.fail(y.mark, f"{what} must be a list, got {y.kind}")
            return []
        return y.value

    def strings(self, y: Y, what: str, unique: bool = True) -> list[tuple[str, Mark]]:
        out: list[tuple[str, Mark]] = []
        seen: set[str] = set()
        for item in self.seq(y, what):
            s = self.string(item, f"each entry of {what}")
            if s is None:
                continue
            if unique and s in seen:
                self.fail(item.mark, f"{s!r} appears twice in {what}")
                continue
            seen.add(s)
            out.append((s, item.mark))
        return out

    def member(self, y: Y, what: str, allowed: Iterable[str]) -> str | None:
        s = self.string(y, what)
        allowed = tuple(allowed)
        if s is not None and s not in allowed:
            self.fail(y.mark, f"unknown {what} {s!r}{_guess(s, allowed)}; allowed: "
                      f"{_choices(allowed)}")
            return None
        return s


# ---------------------------------------------------------------- vocabulary


def _read_condition(
    r: _Reader, y: Y, slots: Mapping[str, tuple[str, ...]], what: str,
    extra: Mapping[str, tuple[str, ...]] | None = None,
) -> Condition | None:
    if not isinstance(y.value, dict) or not y.value:
        r.fail(y.mark, f"{what} must be a non-empty mapping of slot to value(s), got {y.kind}")
        return None
    keys: dict[str, tuple[str, ...]] = dict(slots)
    if extra:
        keys.update(extra)
    tests: list[tuple[str, frozenset[str]]] = []
    ok = True
    for key, val in y.value.items():
        if key not in keys:
            r.fail(y.key_mark(key), f"unknown slot {key!r} in {what}{_guess(key, keys)}; "
                   f"allowed: {_choices(keys)}")
            ok = False
            continue
        items = val.value if isinstance(val.value, list) else [val]
        if not items:
            r.fail(val.mark, f"{what}: {key} lists no values")
            ok = False
            continue
        values: set[str] = set()
        for item in items:
            v = r.member(item, f"value of {key}", keys[key])
            if v is None:
                ok = False
            else:
                values.add(v)
        tests.append((key, frozenset(values)))
    return Condition(tuple(tests)) if ok else None


def _read_vocabulary(r: _Reader, y: Y) -> Vocabulary | None:
    m = r.mapping(y, "the vocabulary",
                  ("levels", "slots", "red_flag_slots", "requirements", "causes", "advice"),
                  ("never_advise",))
    if m is None or r.problems:
        return None
    levels = tuple(s for s, _ in r.strings(m["levels"], "levels"))
    slots: dict[str, tuple[str, ...]] = {}
    sm = r.mapping(m["slots"], "slots", (), tuple(m["slots"].value) if isinstance(
        m["slots"].value, dict) else ())
    for name, vals in (sm or {}).items():
        values = tuple(s for s, _ in r.strings(vals, f"the values of slot {name}"))
        if not values:
            r.fail(vals.mark, f"slot {name} has no values")
        slots[name] = values
    red = tuple(r.member(s, "red-flag slot", slots) or "" for s in r.seq(
        m["red_flag_slots"], "red_flag_slots"))
    causes = tuple(s for s, _ in r.strings(m["causes"], "causes"))
    advice = tuple(s for s, _ in r.strings(m["advice"], "advice"))
    reqs: list[Requirement] = []
    for item in r.seq(m["requirements"], "requirements"):
        rm = r.mapping(item, "a requirement", ("when", "level"))
        if rm is None or "when" not in rm or "level" not in rm:
            continue
        cond = _read_condition(r, rm["when"], slots, "the requirement's when")
        level = r.member(rm["level"], "level", levels)
        if cond and level:
            reqs.append(Requirement(cond, level, item.mark))
    if not levels:
        r.fail(m["levels"].mark, "at least one level is needed")
    never: dict[str, frozenset[str]] = {}
    never_marks: dict[str, Mark] = {}
    if "never_advise" in m:
        nm = m["never_advise"]
        for cause_key, lst in (nm.value if isinstance(nm.value, dict) else {}).items():
            if cause_key not in causes and cause_key not in levels:
                r.fail(nm.key_mark(cause_key), f"unknown cause {cause_key!r}; allowed: "
                       f"{_choices(causes)}")
                continue
            ids = [r.member(a, "advice id", advice) for a in r.seq(lst, "never_advise")]
            never[cause_key] = frozenset(a for a in ids if a)
            never_marks[cause_key] = lst.mark
        if not isinstance(nm.value, dict):
            r.fail(nm.mark, f"never_advise must be a mapping of cause to advice ids, got {nm.kind}")
    return Vocabulary(levels, slots, red, tuple(reqs), causes, advice, never, never_marks)


# ---------------------------------------------------------------- dialog


def _read_dialog(r: _Reader, y: Y, vocab: Vocabulary, file: str) -> Dialog | None:
    m = r.mapping(y, "the dialog", ("dialog", "version", "start", "questions"), ("safety_net",))
    if m is None or any(k not in m for k in ("dialog", "version", "start", "questions")):
        return None
    name = r.string(m["dialog"], "dialog") or "?"
    version = r.integer(m["version"], "version", 1) or 1
    qy = m["questions"]
    if not isinstance(qy.value, dict) or not qy.value:
        r.fail(qy.mark, f"questions must be a non-empty mapping of question id to question, "
               f"got {qy.kind}")
        return None
    ids = tuple(qy.value)
    if OUTCOME in qy.value:
        r.fail(qy.value[OUTCOME].mark, f"{OUTCOME!r} is reserved for the end of the dialog")
    targets = (*ids, OUTCOME)
    questions: dict[str, Question] = {}
    slots_seen: dict[str, str] = {}
    for qid, q in qy.value.items():
        question = _read_question(r, qid, q, vocab, targets, mark=qy.key_mark(qid))
        if question is None:
            continue
        if question.slot in slots_seen:
            where = q.value["slot"].mark if isinstance(q.value, dict) else q.mark
            r.fail(where, f"question {qid} sets slot {question.slot}, already set by question "
                   f"{slots_seen[question.slot]}; each slot is asked by one question")
        slots_seen[question.slot] = qid
        questions[qid] = question
    start = r.member(m["start"], "start question", ids)
    nets: list[SafetyNet] = []
    if "safety_net" in m:
        for item in r.seq(m["safety_net"], "safety_net"):
            nm = r.mapping(item, "a safety-net entry", ("ask", "words"))
            if nm is None or "ask" not in nm or "words" not in nm:
                continue
            ask = r.member(nm["ask"], "question to ask", ids)
            words = tuple(w.casefold() for w, _ in r.strings(nm["words"], "words"))
            if ask and words:
                nets.append(SafetyNet(ask, words, item.mark))
    if start is None:
        return None
    return Dialog(name, version, start, questions, tuple(nets), file)


def _read_range(r: _Reader, y: Y) -> tuple[int, int] | None:
    """`numbers: [low, high]`: whole numbers, low ≤ high."""
    items = r.seq(y, "numbers")
    ints = [r.integer(i, "each bound of numbers") for i in items]
    if len(ints) != 2 or None in ints:
        if len(ints) != 2:
            r.fail(y.mark, "numbers must be a list of two whole numbers: [low, high]")
        return None
    low, high = ints
    assert low is not None and high is not None
    if low > high:
        r.fail(y.mark, f"numbers: the low bound {low} is above the high bound {high}")
        return None
    return low, high


def _read_question(
    r: _Reader, qid: str, y: Y, vocab: Vocabulary, targets: tuple[str, ...], *,
    mark: Mark
) -> Question | None:
    what = f"question {qid}"
    m = r.mapping(y, what, ("slot", "section", "text", "why", "options", "next"), ("if_unsure",))
    if m is None or any(k not in m for k in ("slot", "section", "text", "why", "options", "next")):
        return None
    slot = r.member(m["slot"], "slot", vocab.slots)
    section = r.member(m["section"], "section", SECTIONS)
    text = r.ref(r.string(m["text"], f"{what}: text"), m["text"])
    why = r.ref(r.string(m["why"], f"{what}: why"), m["why"])
    if slot is None or section is None or text is None or why is None:
        return None
    values = vocab.slots[slot]
    options: list[Option] = []
    seen: set[str] = set()
    for item in r.seq(m["options"], f"{what}: options"):
        om = r.mapping(item, f"an option of {qid}", ("value", "label"), ("match", "numbers"))
        if om is None or "value" not in om or "label" not in om:
            continue
        value = r.member(om["value"], f"value of slot {slot}", values)
        label = r.ref(r.string(om["label"], "label"), om["label"])
        match = tuple(s.casefold() for s, _ in r.strings(om["match"], "match")) if (
            "match" in om) else ()
        if value is None or label is None:
            continue
        if value in seen:
            r.fail(item.mark, f"{what} offers the value {value!r} twice")
            continue
        seen.add(value)
        numbers = _read_range(r, om["numbers"]) if "numbers" in om else None
        options.append(Option(value, label, match, numbers))
    missing = [v for v in values if v not in seen]
    offered = m["options"].value
    if missing and isinstance(offered, list) and len(options) == len(offered):
        r.fail(m["options"].mark, f"{what} offers no option for {', '.join(missing)} "
               f"(slot {slot} takes {', '.join(values)})")
    unsure = None
    if "if_unsure" in m:
        unsure = r.member(m["if_unsure"], f"if_unsure value of slot {slot}", values)
    transitions: list[Transition] = []
    entries = r.seq(m["next"], f"{what}: next")
    if not entries:
        r.fail(m["next"].mark, f"{what}: next needs at least one entry")
    for i, item in enumerate(entries):
        tm = r.mapping(item, f"a next entry of {qid}", ("goto",), ("when",))
        if tm is None or "goto" not in tm:
            continue
        goto = r.member(tm["goto"], "target", targets)
        if goto == qid:
            r.fail(tm["goto"].mark, f"{what} leads to itself")
            goto = None
        when = None
        if "when" in tm:
            when = _read_condition(r, tm["when"], vocab.slots, f"{what}: when")
            if when is None:
                continue
        last = i == len(entries) - 1
        if when is None and not last:
            r.fail(item.mark, f"{what}: an entry without 'when' must be last; the entries "
                   "after it could never be taken")
        if when is not None and last:
            r.fail(item.mark, f"{what}: the last next entry must have no 'when', so every "
                   "answer leads somewhere (a dead end otherwise)")
        if goto is not None:
            transitions.append(Transition(goto, when, item.mark))
    return Question(qid, slot, section, text, why, tuple(options), tuple(transitions), unsure,
                    mark)


# ---------------------------------------------------------------- rules


def _read_rules(r: _Reader, y: Y, vocab: Vocabulary) -> Rules | None:
    m = r.mapping(y, "the rules", ("triage", "causes", "advice"), ("contraindications",))
    if m is None or any(k not in m for k in ("triage", "causes", "advice")):
        return None
    triage: list[TriageRule] = []
    seen: set[str] = set()
    for item in r.seq(m["triage"], "triage"):
        tm = r.mapping(item, "a triage rule", ("id", "when", "level", "because"), ("cause",))
        if tm is None or any(k not in tm for k in ("id", "when", "level", "because")):
            continue
        rid = r.string(tm["id"], "rule id")
        if rid in seen:
            r.fail(tm["id"].mark, f"duplicate triage rule id {rid!r}")
        seen.add(rid or "")
        when = _read_condition(r, tm["when"], vocab.slots, f"triage rule {rid}: when")
        level = r.member(tm["level"], "level", vocab.levels)
        cause = r.member(tm["cause"], "cause", vocab.causes) if "cause" in tm else None
        because = r.ref(r.string(tm["because"], "because"), tm["because"])
        if rid and when and level and because and ("cause" not in tm or cause):
            triage.append(TriageRule(rid, when, level, cause, because, item.mark))
    cm = r.mapping(m["causes"], "causes", ("min_score", "max_listed", "signs"))
    signs: list[CauseSign] = []
    min_score, max_listed = 1, 3
    if cm is not None and all(k in cm for k in ("min_score", "max_listed", "signs")):
        min_score = r.integer(cm["min_score"], "min_score", 1) or 1
        max_listed = r.integer(cm["max_listed"], "max_listed", 1) or 1
        sm = cm["signs"]
        if not isinstance(sm.value, dict):
            r.fail(sm.mark, f"signs must be a mapping of cause to signs, got {sm.kind}")
        else:
            for cause_y_key, lst in sm.value.items():
                if cause_y_key not in vocab.causes:
                    r.fail(sm.key_mark(cause_y_key), f"unknown cause {cause_y_key!r}; allowed: "
                           f"{_choices(vocab.causes)}")
                    continue
                for item in r.seq(lst, f"signs of {cause_y_key}"):
                    im = r.mapping(item, "a sign", ("when", "score"))
                    if im is None or "when" not in im or "score" not in im:
                        continue
                    when = _read_condition(r, im["when"], vocab.slots, "a sign's when")
                    score = r.integer(im["score"], "score", 1)
                    if when and score:
                        signs.append(CauseSign(cause_y_key, when, score))
    extra = {LEVEL_KEY: vocab.levels, CAUSE_KEY: vocab.causes}
    advice: list[AdviceRule] = []
    for item in r.seq(m["advice"], "advice"):
        am = r.mapping(item, "an advice rule", ("when", "add"))
        if am is None or "when" not in am or "add" not in am:
            continue
        when = _read_condition(r, am["when"], vocab.slots, "an advice rule's when", extra)
        adds = []
        for a in r.seq(am["add"], "add"):
            v = r.member(a, "advice id", vocab.advice)
            if v:
                adds.append(v)
        if when:
            advice.append(AdviceRule(when, tuple(adds), item.mark))
    contra: dict[str, frozenset[str]] = {}
    r.places["contraindications"] = y.key_mark("contraindications")
    if "contraindications" in m:
        xm = m["contraindications"]
        if not isinstance(xm.value, dict):
            r.fail(xm.mark, f"contraindications must be a mapping of cause to advice ids, "
                   f"got {xm.kind}")
        else:
            for cause_key, lst in xm.value.items():
                # A key is a cause (while it is listed) or a level (for every such outcome).
                if cause_key not in vocab.causes and cause_key not in vocab.levels:
                    r.fail(xm.key_mark(cause_key), f"unknown cause or level {cause_key!r}; "
                           f"allowed: {_choices((*vocab.causes, *vocab.levels))}")
                    continue
                ids = [r.member(a, "advice id", vocab.advice) for a in r.seq(lst, "advice")]
                contra[cause_key] = frozenset(a for a in ids if a)
                r.places[f"contraindications.{cause_key}"] = xm.key_mark(cause_key)
    return Rules(tuple(triage), tuple(signs), min_score, max_listed, tuple(advice), contra)


def _read_learn(r: _Reader, y: Y) -> tuple[LearnTopic, ...]:
    m = r.mapping(y, "the learn menu", ("topics",))
    if m is None or "topics" not in m:
        return ()
    topics: list[LearnTopic] = []
    seen: set[str] = set()
    for item in r.seq(m["topics"], "topics"):
        tm = r.mapping(item, "a topic", ("id", "title", "body"))
        if tm is None or any(k not in tm for k in ("id", "title", "body")):
            continue
        tid = r.string(tm["id"], "topic id")
        title = r.ref(r.string(tm["title"], "title"), tm["title"])
        body_marks = r.strings(tm["body"], "body")
        for key, where in body_marks:
            r.refs.setdefault(key, where)
        body = tuple(s for s, _ in body_marks)
        if tid in seen:
            r.fail(tm["id"].mark, f"duplicate topic id {tid!r}")
        if tid and title and body:
            seen.add(tid)
            topics.append(LearnTopic(tid, title, body, item.mark))
    return tuple(topics)


# ---------------------------------------------------------------- content


def _flatten(r: _Reader, y: Y, prefix: str, texts: dict[str, str],
             marks: dict[str, Mark], *, key_marks: dict[str, Mark]) -> None:
    if not isinstance(y.value, dict):
        r.fail(y.mark, f"content must be a mapping of keys to texts, got {y.kind}")
        return
    for key, val in y.value.items():
        full = f"{prefix}.{key}" if prefix else key
        if isinstance(val.value, dict):
            _flatten(r, val, full, texts, marks, key_marks=key_marks)
            continue
        text = r.string(val, f"the text of {full}")
        if text is None:
            continue
        if full in marks:
            r.fail(y.key_mark(key), f"content key {full!r} is defined twice (also at "
                   f"{key_marks[full]})")
            continue
        texts[full] = text.strip()
        marks[full] = val.mark
        key_marks[full] = y.key_mark(key)


def _check_placeholders(r: _Reader, content: Content) -> None:
    for key, text in content.texts.items():
        mark = content.marks[key]
        try:
            fields = {f for _, f, _, _ in string.Formatter().parse(text) if f is not None}
        except ValueError as exc:
            r.fail(mark, f"{key}: braces must come in pairs around a placeholder ({exc}); "
                   "write {{ or }} for a literal brace")
            continue
        wanted = uikeys.PLACEHOLDERS.get(key, frozenset())
        if fields != wanted:
            allowed = ", ".join("{" + f + "}" for f in sorted(wanted)) or "none"
            r.fail(mark, f"{key} uses placeholders {sorted(fields)}; it takes exactly: {allowed}")


# ---------------------------------------------------------------- bundle


def _used_keys(b: Bundle, refs: Mapping[str, Mark]) -> dict[str, Mark | None]:
    """Every content key something refers to, with where it is referred to (None: by code)."""
    used: dict[str, Mark | None] = dict(refs)
    for q in b.dialog.questions.values():
        for key in (q.text, q.why, short_key(q.id), *(o.label for o in q.options)):
            used.setdefault(key, q.mark)
    for rule in b.rules.triage:
        used.setdefault(rule.because, rule.mark)
    for t in b.learn:
        for key in (t.title, *t.body):
            used.setdefault(key, t.mark)
    for c in b.vocabulary.causes:
        for key in b.cause_keys(c):
            used.setdefault(key, None)
    for a in b.vocabulary.advice:
        for key in b.advice_keys(a):
            used.setdefault(key, None)
    for lvl in b.vocabulary.levels:
        for part in LEVEL_PARTS:
            used.setdefault(f"level.{lvl}.{part}", None)
    for key in uikeys.ALL:
        used.setdefault(key, None)
    return used


def short_key(question_id: str) -> str:
    """Content key of a question's few-word gist (for summaries and answered messages)."""
    return f"q.{question_id}.short"


def _alarming(vocab: Vocabulary, rules: Rules) -> dict[str, frozenset[str]]:
    """Per slot, the values that on their own reach the most urgent level that slot can give.

    Red-flag words typed later re-ask a question unless its answer is already one of these:
    after "a fall" (see a doctor), a typed "pop" (urgent) must still bring the question back.
    """
    best: dict[str, tuple[int, set[str]]] = {}
    for rule in rules.triage:
        if len(rule.when.tests) != 1 or rule.level == vocab.least_urgent:
            continue
        slot, values = rule.when.tests[0]
        rank = vocab.rank(rule.level)
        if slot not in best or rank < best[slot][0]:
            best[slot] = (rank, set(values))
        elif rank == best[slot][0]:
            best[slot][1].update(values)
    return {k: frozenset(v) for k, (_, v) in best.items()}


def _structure(r: _Reader, d: Dialog) -> None:
    """Graph checks cheap enough for every start: reachability and no cycles."""
    reached = {d.start}
    stack = [d.start]
    while stack:
        q = d.questions.get(stack.pop())
        if q is None:
            continue
        for t in q.next:
            if t.goto not in reached:
                reached.add(t.goto)
                stack.append(t.goto)
    for qid, q in d.questions.items():
        if qid not in reached:
            r.fail(q.mark, f"question {qid} is unreachable: no transition from {d.start} leads "
                   "to it")
    if OUTCOME not in reached:
        r.fail(Mark(d.file, 1, 1), "no path reaches the outcome")
    # Cycles: depth-first search with colours.
    colour: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> None:
        colour[node] = 1
        q = d.questions.get(node)
        for t in q.next if q else ():
            if colour.get(t.goto) == 1:
                loop = " → ".join([*path[path.index(t.goto):], t.goto])
                r.fail(t.mark, f"the dialog loops ({loop}); questions must lead onwards to the "
                       "outcome")
            elif t.goto not in colour:
                visit(t.goto, [*path, t.goto])
        colour[node] = 2

    visit(d.start, [d.start])


def default_dir(name: str) -> Path:
    """dialogs/ or content/ beside the package (a checkout), else the copy inside the wheel."""
    here = Path(__file__).resolve().parent
    repo = here.parent / name
    return repo if repo.is_dir() else here / "_data" / name


def load(dialogs: Path | None = None, content: Path | None = None) -> Bundle:
    """Load and validate everything; raise DefinitionError listing every problem."""
    ddir = dialogs or default_dir("dialogs")
    cdir = content or default_dir("content")
    r = _Reader()

    def read(name: str, parse: Callable[[Y, str], T]) -> T | None:
        path = ddir / name
        shown = _shown(path)
        try:
            y = load_file(path, shown)
        except DefinitionError as exc:
            r.problems.extend(exc.problems)
            return None
        return parse(y, shown)

    vocab = read(VOCABULARY_FILE, lambda y, _f: _read_vocabulary(r, y))
    if vocab is None:
        raise DefinitionError(r.problems or [Problem(Mark(_shown(ddir / VOCABULARY_FILE), 1, 1),
                                                     "the vocabulary is invalid")])
    dialog = read(DIALOG_FILE, lambda y, f: _read_dialog(r, y, vocab, f))
    rules = read(RULES_FILE, lambda y, _f: _read_rules(r, y, vocab))
    learn = read(LEARN_FILE, lambda y, _f: _read_learn(r, y)) or ()

    texts: dict[str, str] = {}
    marks: dict[str, Mark] = {}
    key_marks: dict[str, Mark] = {}
    files = sorted(cdir.glob("*.yaml")) if cdir.is_dir() else []
    if not files:
        r.fail(Mark(_shown(cdir), 1, 1), "no content files (*.yaml) found")
    for path in files:
        try:
            _flatten(r, load_file(path, _shown(path)), "", texts, marks, key_marks=key_marks)
        except DefinitionError as exc:
            r.problems.extend(exc.problems)
    content_obj = Content(texts, marks)
    _check_placeholders(r, content_obj)

    if dialog is None or rules is None or r.problems:
        raise DefinitionError(r.problems or [Problem(Mark(_shown(ddir), 1, 1),
                                                     "the definitions are invalid")])
    dialog = replace(dialog, alarming=_alarming(vocab, rules))
    for cause, banned in vocab.never_advise.items():
        missing = banned - rules.contraindications.get(cause, frozenset())
        if missing:
            # Reported where the fix goes: the cause's contraindications in rules.yaml.
            place = r.places.get(f"contraindications.{cause}", r.places["contraindications"])
            r.fail(place, f"the contraindications of {cause} lack {', '.join(sorted(missing))}: "
                   f"never_advise ({vocab.never_advise_marks[cause]}) says a suspected {cause} "
                   "must never be advised them")
    bundle = Bundle(vocab, dialog, rules, learn, content_obj)
    _structure(r, dialog)
    used = _used_keys(bundle, r.refs)
    for key, where in used.items():
        if key not in texts:
            who = "" if where else " (needed by the code or by convention)"
            r.fail(where or Mark(_shown(cdir), 1, 1),
                   f"missing content key {key!r}{who}; add it to a file in {_shown(cdir)}")
    for key, key_mark in key_marks.items():
        if key not in used:
            r.fail(key_mark, f"content key {key!r} is not used by any dialog, rule or code; "
                   "remove it or refer to it")
    if r.problems:
        raise DefinitionError(r.problems)
    return bundle
