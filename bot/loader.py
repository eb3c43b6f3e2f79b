"""Load dialogs/ and content/ into the frozen model, refusing anything invalid.

Every problem is reported with its file:line:column and what would be allowed there; all
problems of a load are collected and raised together as one DefinitionError.
"""

from __future__ import annotations

import string
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import TypeVar

from bot import uikeys
from bot.checkin import read_checkin
from bot.errors import DefinitionError, Mark, Problem
from bot.model import (
    LEVEL_PARTS,
    OUTCOME,
    Bundle,
    Content,
    Dialog,
    LearnTopic,
    Option,
    Question,
    Rules,
    SafetyNet,
    Transition,
    Vocabulary,
)
from bot.read_rules import check_bans_covered, read_rules, read_vocabulary
from bot.reading import Reader, read_condition, shown
from bot.yamlsrc import Y, load_file

T = TypeVar("T")

SECTIONS = ("red_flags", "pain", "training")
VOCABULARY_FILE = "vocabulary.yaml"
DIALOG_FILE = "triage.yaml"
RULES_FILE = "rules.yaml"
LEARN_FILE = "learn.yaml"
CHECKIN_FILE = "checkin.yaml"


# ---------------------------------------------------------------- dialog


def _read_dialog(r: Reader, y: Y, vocab: Vocabulary, file: str) -> Dialog | None:
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


def _read_range(r: Reader, y: Y) -> tuple[int, int] | None:
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
    r: Reader, qid: str, y: Y, vocab: Vocabulary, targets: tuple[str, ...], *,
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
            when = read_condition(r, tm["when"], vocab.slots, f"{what}: when")
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



def _read_learn(r: Reader, y: Y) -> tuple[LearnTopic, ...]:
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


def _flatten(r: Reader, y: Y, prefix: str, texts: dict[str, str],
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


def _check_placeholders(r: Reader, content: Content) -> None:
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


def _structure(r: Reader, d: Dialog) -> None:
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
    r = Reader()

    def read(name: str, parse: Callable[[Y, str], T]) -> T | None:
        path = ddir / name
        where = shown(path)
        try:
            y = load_file(path, where)
        except DefinitionError as exc:
            r.problems.extend(exc.problems)
            return None
        return parse(y, where)

    vocab = read(VOCABULARY_FILE, lambda y, _f: read_vocabulary(r, y))
    if vocab is None:
        raise DefinitionError(r.problems or [Problem(Mark(shown(ddir / VOCABULARY_FILE), 1, 1),
                                                     "the vocabulary is invalid")])
    dialog = read(DIALOG_FILE, lambda y, f: _read_dialog(r, y, vocab, f))
    rules = read(RULES_FILE, lambda y, _f: read_rules(r, y, vocab))
    learn = read(LEARN_FILE, lambda y, _f: _read_learn(r, y)) or ()
    checkin = read(CHECKIN_FILE, lambda y, f: read_checkin(r, y, vocab, f))
    content_obj, key_marks = _read_content(r, cdir)
    if dialog is None or rules is None or checkin is None or r.problems:
        raise DefinitionError(r.problems or [Problem(Mark(shown(ddir), 1, 1),
                                                     "the definitions are invalid")])
    dialog = replace(dialog, alarming=_alarming(vocab, rules))
    check_bans_covered(r, vocab, rules)
    bundle = Bundle(vocab, dialog, rules, learn, content_obj, checkin)
    _structure(r, dialog)
    _check_keys(r, _used_keys(bundle, r.refs), key_marks, content_obj, cdir)
    if r.problems:
        raise DefinitionError(r.problems)
    return bundle


def _read_content(r: Reader, cdir: Path) -> tuple[Content, dict[str, Mark]]:
    """Every content file flattened into one key -> text mapping (and where each key is)."""
    texts: dict[str, str] = {}
    marks: dict[str, Mark] = {}
    key_marks: dict[str, Mark] = {}
    files = sorted(cdir.glob("*.yaml")) if cdir.is_dir() else []
    if not files:
        r.fail(Mark(shown(cdir), 1, 1), "no content files (*.yaml) found")
    for path in files:
        try:
            _flatten(r, load_file(path, shown(path)), "", texts, marks, key_marks=key_marks)
        except DefinitionError as exc:
            r.problems.extend(exc.problems)
    content = Content(texts, marks)
    _check_placeholders(r, content)
    return content, key_marks


def _check_keys(r: Reader, used: Mapping[str, Mark | None], key_marks: Mapping[str, Mark],
                content: Content, cdir: Path) -> None:
    """No key used without a text, and no text that nothing uses."""
    for key, where in used.items():
        if key not in content.texts:
            who = "" if where else " (needed by the code or by convention)"
            r.fail(where or Mark(shown(cdir), 1, 1),
                   f"missing content key {key!r}{who}; add it to a file in {shown(cdir)}")
    for key, key_mark in key_marks.items():
        if key not in used:
            r.fail(key_mark, f"content key {key!r} is not used by any dialog, rule or code; "
                   "remove it or refer to it")
