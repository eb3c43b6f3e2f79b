"""Load dialogs/ and content/ into the frozen model, refusing anything invalid.

Every problem is reported with its file:line:column and what would be allowed there; all
problems of a load are collected and raised together as one DefinitionError.
"""

from __future__ import annotations

import string
from collections.abc import Callable, Mapping
from dataclasses import replace
from importlib import resources
from pathlib import Path
from typing import TypeVar

from heel_bot import uikeys
from heel_bot.checkin import read_checkin
from heel_bot.errors import DefinitionError, Mark, Problem
from heel_bot.language.lexicon import read_language
from heel_bot.model import (
    OUTCOME,
    Bundle,
    Content,
    Dialog,
    LearnTopic,
    Rules,
    Vocabulary,
)
from heel_bot.read_dialog import read_dialog
from heel_bot.read_rules import check_bans_covered, read_rules, read_vocabulary
from heel_bot.reading import Reader, shown
from heel_bot.screen_check import check_bypasses, check_screens, check_skips
from heel_bot.yamlsrc import Y, load_file

T = TypeVar("T")

# Where the wheel puts dialogs/ and content/ inside the package (pyproject.toml's
# force-include says the same).
DATA_DIR = "_data"
VOCABULARY_FILE = "vocabulary.yaml"
DIALOG_FILE = "triage.yaml"
RULES_FILE = "rules.yaml"
LEARN_FILE = "learn.yaml"
CHECKIN_FILE = "checkin.yaml"
LANGUAGE_FILE = "language.yaml"
ANSWERS_FILE = "answers.json.gz"  # the learned answer model (heel_bot/language/training.py)

# The Telegram adapter still imports short_key from here; it now lives in heel_bot/uikeys.py.
short_key = uikeys.short_key


# ---------------------------------------------------------------- learn menu


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
        for key in (q.text, q.why, uikeys.short_key(q.id), *(o.label for o in q.options)):
            used.setdefault(key, q.mark)
    for screen in b.dialog.screens.values():
        used.setdefault(uikeys.screen_short_key(screen.id), screen.mark)
    for rule in b.rules.triage:
        used.setdefault(rule.because, rule.mark)
        used.setdefault(uikeys.reason_line_key(rule.because), rule.mark)
    for note in b.rules.notes:
        used.setdefault(uikeys.note_line_key(note.text), note.mark)
    for t in b.learn:
        for key in (t.title, *t.body):
            used.setdefault(key, t.mark)
    by_code = (*(k for c in b.vocabulary.causes for k in uikeys.cause_keys(c)),
               *(k for a in b.vocabulary.advice for k in uikeys.advice_keys(a)),
               *(uikeys.advice_line_key(a) for a in b.vocabulary.advice),
               *(k for lvl in b.vocabulary.levels for k in uikeys.level_keys(lvl)),
               *uikeys.ALL)
    for key in by_code:
        used.setdefault(key, None)
    return used


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
    """dialogs/ or content/: in a checkout (the package beside pyproject.toml) the folder at
    the repository's root, where clinicians edit it; in an installed package the copy the
    wheel ships inside it (`heel_bot/_data/<name>`, see pyproject.toml), found with
    importlib.resources so that it does not matter which folder the command runs in."""
    checkout = Path(__file__).resolve().parent.parent
    if (checkout / "pyproject.toml").is_file() and (checkout / name).is_dir():
        return checkout / name
    shipped = resources.files("heel_bot").joinpath(DATA_DIR, name)
    # Installed wheels are unpacked, so this is a real folder (a Path); the loader globs it.
    return shipped if isinstance(shipped, Path) else Path(str(shipped))


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
    dialog = read(DIALOG_FILE, lambda y, f: read_dialog(r, y, vocab, f))
    rules = read(RULES_FILE, lambda y, _f: read_rules(r, y, vocab))
    learn = read(LEARN_FILE, lambda y, _f: _read_learn(r, y)) or ()
    checkin = read(CHECKIN_FILE, lambda y, f: read_checkin(r, y, vocab, f))
    language = read(LANGUAGE_FILE, lambda y, _f: read_language(r, y, vocab))
    content_obj, key_marks = _read_content(r, cdir)
    if dialog is None or rules is None or checkin is None or language is None or r.problems:
        raise DefinitionError(r.problems or [Problem(Mark(shown(ddir), 1, 1),
                                                     "the definitions are invalid")])
    dialog = replace(dialog, alarming=_alarming(vocab, rules))
    check_bans_covered(r, vocab, rules)
    bundle = Bundle(vocab, dialog, rules, learn, content_obj, checkin, language, _answers(ddir))
    _structure(r, dialog)
    check_screens(r, dialog, vocab, rules)
    check_skips(r, dialog, rules)
    check_bypasses(r, dialog, rules)
    _check_keys(r, _used_keys(bundle, r.refs), key_marks, content_obj, cdir)
    if r.problems:
        raise DefinitionError(r.problems)
    return bundle


def _answers(ddir: Path) -> tuple[str, bytes] | None:
    """The learned answer model's file, as read (parsed when the language layer is built)."""
    path = ddir / ANSWERS_FILE
    return (shown(path), path.read_bytes()) if path.is_file() else None


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
