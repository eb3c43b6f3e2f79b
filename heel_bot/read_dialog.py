"""Read dialogs/triage.yaml into the frozen model: the questions, their options and transitions,
and where each answer leads.

Every problem names its file:line:column and what is allowed there; the loader collects them.
"""

from __future__ import annotations

from heel_bot.errors import Mark
from heel_bot.model import (
    OUTCOME,
    Dialog,
    Option,
    Question,
    Screen,
    ScreenItem,
    Transition,
    Vocabulary,
)
from heel_bot.reading import Reader, read_condition
from heel_bot.yamlsrc import Y

SECTIONS = ("red_flags", "pain", "training")
DIALOG_KEYS = ("dialog", "version", "start", "questions")
QUESTION_KEYS = ("slot", "section", "text", "why", "options", "next")
SCREEN_KEYS = ("text", "why", "items")
MAX_ITEMS = 6  # the symptom model's limit for one checklist screen


def read_dialog(r: Reader, y: Y, vocab: Vocabulary, file: str) -> Dialog | None:
    """The dialog, or None (with problems recorded) when it cannot be built."""
    m = r.mapping(y, "the dialog", DIALOG_KEYS, ("screens",))
    if m is None or any(k not in m for k in DIALOG_KEYS):
        return None
    name = r.string(m["dialog"], "dialog") or "?"
    version = r.integer(m["version"], "version", 1) or 1
    read = _read_questions(r, m["questions"], vocab)
    if read is None:
        return None
    ids, questions = read
    start = r.member(m["start"], "start question", ids)
    if start is None:
        return None
    screens = _read_screens(r, m["screens"], questions) if "screens" in m else {}
    return Dialog(name, version, start, questions, file, screens=screens)


def _read_screens(r: Reader, y: Y, questions: dict[str, Question]) -> dict[str, Screen]:
    """The checklist screens: each groups up to six yes/no questions, each question on one."""
    if not isinstance(y.value, dict):
        r.fail(y.mark, f"screens must map a screen id to a screen, got {y.kind}")
        return {}
    screens: dict[str, Screen] = {}
    owner: dict[str, str] = {}
    for sid, sy in y.value.items():
        m = r.mapping(sy, f"screen {sid}", SCREEN_KEYS)
        if m is None or any(k not in m for k in SCREEN_KEYS):
            continue
        text = r.ref(r.string(m["text"], f"screen {sid}: text"), m["text"])
        why = r.ref(r.string(m["why"], f"screen {sid}: why"), m["why"])
        items = [_read_item(r, iy, sid, questions, owner) for iy in
                 r.seq(m["items"], f"screen {sid}: items")]
        kept = tuple(i for i in items if i is not None)
        if not 2 <= len(items) <= MAX_ITEMS:
            r.fail(m["items"].mark, f"screen {sid} has {len(items)} items; a checklist "
                   f"screen holds 2 to {MAX_ITEMS}")
        if text is not None and why is not None and len(kept) == len(items) and kept:
            screens[sid] = Screen(sid, text, why, kept, y.key_mark(sid))
    return screens


def _read_item(r: Reader, y: Y, sid: str, questions: dict[str, Question],
               owner: dict[str, str]) -> ScreenItem | None:
    """One item: a yes/no question not on another screen, and its statement's content key."""
    m = r.mapping(y, f"an item of screen {sid}", ("question", "label"))
    if m is None or "question" not in m or "label" not in m:
        return None
    qid = r.member(m["question"], "question", questions)
    label = r.ref(r.string(m["label"], "label"), m["label"])
    if qid is None or label is None:
        return None
    values = sorted(o.value for o in questions[qid].options)
    if values != ["no", "yes"]:
        r.fail(m["question"].mark, f"screen {sid}: question {qid} answers "
               f"{', '.join(values)}; a checklist item must be a yes/no question (a question "
               "with more answers keeps a screen of its own)")
        return None
    if qid in owner:
        r.fail(m["question"].mark, f"screen {sid}: question {qid} is already on screen "
               f"{owner[qid]}; each question is on one screen at most")
        return None
    owner[qid] = sid
    return ScreenItem(qid, label)


def _read_questions(r: Reader, qy: Y, vocab: Vocabulary
                    ) -> tuple[tuple[str, ...], dict[str, Question]] | None:
    """Every question id written, and the questions that are valid (one per slot)."""
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
    return ids, questions


def _read_question(
    r: Reader, qid: str, y: Y, vocab: Vocabulary, targets: tuple[str, ...], *,
    mark: Mark
) -> Question | None:
    what = f"question {qid}"
    m = r.mapping(y, what, QUESTION_KEYS, ("if_unsure", "skip_if_settled"))
    if m is None or any(k not in m for k in QUESTION_KEYS):
        return None
    slot = r.member(m["slot"], "slot", vocab.slots)
    section = r.member(m["section"], "section", SECTIONS)
    text = r.ref(r.string(m["text"], f"{what}: text"), m["text"])
    why = r.ref(r.string(m["why"], f"{what}: why"), m["why"])
    if slot is None or section is None or text is None or why is None:
        return None
    values = vocab.slots[slot]
    options = _read_options(r, m["options"], qid, slot, values)
    unsure = None
    if "if_unsure" in m:
        unsure = r.member(m["if_unsure"], f"if_unsure value of slot {slot}", values)
    transitions = _read_next(r, m["next"], qid, vocab, targets)
    skip = False
    if "skip_if_settled" in m:
        if isinstance(m["skip_if_settled"].value, bool):
            skip = m["skip_if_settled"].value
        else:
            r.fail(m["skip_if_settled"].mark, f"{what}: skip_if_settled must be true or false")
    return Question(qid, slot, section, text, why, options, transitions, unsure, mark, skip)


def _read_options(r: Reader, y: Y, qid: str, slot: str, values: tuple[str, ...]
                  ) -> tuple[Option, ...]:
    """A question's options: each value of its slot offered once."""
    what = f"question {qid}"
    options: list[Option] = []
    seen: set[str] = set()
    for item in r.seq(y, f"{what}: options"):
        option = _read_option(r, item, qid, slot, values, seen=seen)
        if option is not None:
            options.append(option)
    missing = [v for v in values if v not in seen]
    if missing and isinstance(y.value, list) and len(options) == len(y.value):
        r.fail(y.mark, f"{what} offers no option for {', '.join(missing)} "
               f"(slot {slot} takes {', '.join(values)})")
    return tuple(options)


def _read_option(r: Reader, y: Y, qid: str, slot: str, values: tuple[str, ...], *,
                 seen: set[str]) -> Option | None:
    """One option; its value joins `seen` (a value offered twice is refused)."""
    om = r.mapping(y, f"an option of {qid}", ("value", "label"))
    if om is None or "value" not in om or "label" not in om:
        return None
    value = r.member(om["value"], f"value of slot {slot}", values)
    label = r.ref(r.string(om["label"], "label"), om["label"])
    if value is None or label is None:
        return None
    if value in seen:
        r.fail(y.mark, f"question {qid} offers the value {value!r} twice")
        return None
    seen.add(value)
    return Option(value, label)


def _read_next(r: Reader, y: Y, qid: str, vocab: Vocabulary, targets: tuple[str, ...]
               ) -> tuple[Transition, ...]:
    """A question's `next` entries: the last one, and only the last, has no `when`."""
    entries = r.seq(y, f"question {qid}: next")
    if not entries:
        r.fail(y.mark, f"question {qid}: next needs at least one entry")
    transitions = (_read_transition(r, item, qid, vocab, targets, last=i == len(entries) - 1)
                   for i, item in enumerate(entries))
    return tuple(t for t in transitions if t is not None)


def _read_transition(r: Reader, y: Y, qid: str, vocab: Vocabulary, targets: tuple[str, ...],
                     *, last: bool) -> Transition | None:
    what = f"question {qid}"
    tm = r.mapping(y, f"a next entry of {qid}", ("goto",), ("when",))
    if tm is None or "goto" not in tm:
        return None
    goto = r.member(tm["goto"], "target", targets)
    if goto == qid:
        r.fail(tm["goto"].mark, f"{what} leads to itself")
        goto = None
    when = None
    if "when" in tm:
        when = read_condition(r, tm["when"], vocab.slots, f"{what}: when")
        if when is None:
            return None
    if when is None and not last:
        r.fail(y.mark, f"{what}: an entry without 'when' must be last; the entries "
               "after it could never be taken")
    if when is not None and last:
        r.fail(y.mark, f"{what}: the last next entry must have no 'when', so every "
               "answer leads somewhere (a dead end otherwise)")
    return Transition(goto, when, y.mark) if goto is not None else None
