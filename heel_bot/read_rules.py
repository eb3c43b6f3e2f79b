"""Read dialogs/vocabulary.yaml and dialogs/rules.yaml into the frozen model.

The vocabulary is the machine-readable specification (slots, levels, requirements, advice that
must never be given); the rules compute outcomes from answers. Both are checked here against
each other's ids; every problem names its file:line:column and what is allowed.
"""

from __future__ import annotations

from collections.abc import Mapping

from heel_bot import uikeys
from heel_bot.errors import Mark
from heel_bot.model import (
    CAUSE_KEY,
    LEVEL_KEY,
    AdviceBan,
    AdviceRule,
    CauseSign,
    CheckinRequirement,
    Condition,
    NoteRule,
    Requirement,
    Rules,
    TextRule,
    TriageRule,
    Vocabulary,
)
from heel_bot.reading import Reader, choices, read_condition
from heel_bot.yamlsrc import Y

CHECKIN_ANSWERS = ("better", "same", "worse")
"""The answers a check-in offers (symptom model, Check-ins)."""

# ---------------------------------------------------------------- vocabulary


def read_vocabulary(r: Reader, y: Y) -> Vocabulary | None:
    """The vocabulary, or None when it is too broken to check anything against."""
    m = r.mapping(y, "the vocabulary",
                  ("levels", "slots", "red_flag_slots", "requirements", "causes", "advice"),
                  ("never_advise", "never_advise_when", "checkin_requirements"))
    if m is None or r.problems:
        return None
    levels = tuple(s for s, _ in r.strings(m["levels"], "levels"))
    if not levels:
        r.fail(m["levels"].mark, "at least one level is needed")
    slots = _read_slots(r, m["slots"])
    red = tuple(r.member(s, "red-flag slot", slots) or "" for s in r.seq(
        m["red_flag_slots"], "red_flag_slots"))
    causes = tuple(s for s, _ in r.strings(m["causes"], "causes"))
    advice = tuple(s for s, _ in r.strings(m["advice"], "advice"))
    reqs = _read_requirements(r, m["requirements"], slots, levels)
    never, never_marks = _read_never_advise(r, m.get("never_advise"), causes, levels, advice)
    extra = {LEVEL_KEY: levels, CAUSE_KEY: causes}
    bans = _read_bans(r, m.get("never_advise_when"), "never_advise_when", slots,
                      extra=extra, advice=advice)
    checkin = _read_checkin_requirements(r, m.get("checkin_requirements"), levels)
    return Vocabulary(levels, slots, red, reqs, causes, advice, never, never_marks, bans,
                      checkin)


def _read_slots(r: Reader, y: Y) -> dict[str, tuple[str, ...]]:
    slots: dict[str, tuple[str, ...]] = {}
    sm = r.mapping(y, "slots", (), tuple(y.value) if isinstance(y.value, dict) else ())
    for name, vals in (sm or {}).items():
        values = tuple(s for s, _ in r.strings(vals, f"the values of slot {name}"))
        if not values:
            r.fail(vals.mark, f"slot {name} has no values")
        slots[name] = values
    return slots


def _read_requirements(r: Reader, y: Y, slots: Mapping[str, tuple[str, ...]],
                       levels: tuple[str, ...]) -> tuple[Requirement, ...]:
    reqs: list[Requirement] = []
    for item in r.seq(y, "requirements"):
        rm = r.mapping(item, "a requirement", ("when", "level"))
        if rm is None or "when" not in rm or "level" not in rm:
            continue
        cond = read_condition(r, rm["when"], slots, "the requirement's when")
        level = r.member(rm["level"], "level", levels)
        if cond and level:
            reqs.append(Requirement(cond, level, item.mark))
    return tuple(reqs)


def _read_never_advise(
    r: Reader, nm: Y | None, causes: tuple[str, ...], levels: tuple[str, ...],
    advice: tuple[str, ...],
) -> tuple[dict[str, frozenset[str]], dict[str, Mark]]:
    never: dict[str, frozenset[str]] = {}
    marks: dict[str, Mark] = {}
    if nm is None:
        return never, marks
    if not isinstance(nm.value, dict):
        r.fail(nm.mark, f"never_advise must be a mapping of cause to advice ids, got {nm.kind}")
        return never, marks
    for key, lst in nm.value.items():
        if key not in causes and key not in levels:
            r.fail(nm.key_mark(key), f"unknown cause {key!r}; allowed: {choices(causes)}")
            continue
        ids = [r.member(a, "advice id", advice) for a in r.seq(lst, "never_advise")]
        never[key] = frozenset(a for a in ids if a)
        marks[key] = lst.mark
    return never, marks


def _read_bans(
    r: Reader, y: Y | None, what: str, slots: Mapping[str, tuple[str, ...]], *,
    extra: Mapping[str, tuple[str, ...]], advice: tuple[str, ...],
) -> tuple[AdviceBan, ...]:
    """`{when, advice}` entries: never_advise_when (vocabulary) and withhold (rules)."""
    bans: list[AdviceBan] = []
    for item in r.seq(y, what) if y is not None else ():
        bm = r.mapping(item, f"an entry of {what}", ("when", "advice"))
        if bm is None or "when" not in bm or "advice" not in bm:
            continue
        when = read_condition(r, bm["when"], slots, f"{what}: when", extra)
        ids = [r.member(a, "advice id", advice) for a in r.seq(bm["advice"], "advice")]
        if when is not None and ids and all(ids):
            bans.append(AdviceBan(when, frozenset(a for a in ids if a), item.mark))
    return tuple(bans)


def _read_checkin_requirements(r: Reader, y: Y | None,
                               levels: tuple[str, ...]) -> tuple[CheckinRequirement, ...]:
    out: list[CheckinRequirement] = []
    for item in r.seq(y, "checkin_requirements") if y is not None else ():
        cm = r.mapping(item, "a check-in requirement", ("when", "level"), ("rescreen",))
        if cm is None or "when" not in cm or "level" not in cm:
            continue
        wm = r.mapping(cm["when"], "a check-in requirement's when", ("answer",),
                       ("days_at_least",))
        level = r.member(cm["level"], "level", levels)
        if wm is None or "answer" not in wm or level is None:
            continue
        answer = r.member(wm["answer"], "check-in answer", CHECKIN_ANSWERS)
        days = r.integer(wm["days_at_least"], "days_at_least") if "days_at_least" in wm else 0
        rescreen = r.flag(cm["rescreen"], "rescreen") if "rescreen" in cm else False
        if answer is not None and days is not None and rescreen is not None:
            out.append(CheckinRequirement(answer, days, level, rescreen, item.mark))
    return tuple(out)


# ---------------------------------------------------------------- rules


def read_rules(r: Reader, y: Y, vocab: Vocabulary) -> Rules | None:
    """The outcome rules, checked against the vocabulary's ids."""
    m = r.mapping(y, "the rules", ("triage", "causes", "advice"),
                  ("contraindications", "withhold", "texts", "notes", "priority"))
    if m is None or any(k not in m for k in ("triage", "causes", "advice")):
        return None
    extra = {LEVEL_KEY: vocab.levels, CAUSE_KEY: vocab.causes}
    triage = _read_triage(r, m["triage"], vocab)
    min_score, max_listed, signs = _read_causes(r, m["causes"], vocab)
    advice: list[AdviceRule] = []
    for item in r.seq(m["advice"], "advice"):
        am = r.mapping(item, "an advice rule", ("when", "add"))
        if am is None or "when" not in am or "add" not in am:
            continue
        when = read_condition(r, am["when"], vocab.slots, "an advice rule's when", extra)
        adds = [v for a in r.seq(am["add"], "add") if (v := r.member(a, "advice id",
                                                                      vocab.advice))]
        if when:
            advice.append(AdviceRule(when, tuple(adds), item.mark))
    r.places["contraindications"] = y.key_mark("contraindications")
    contra = _read_contraindications(r, m.get("contraindications"), vocab)
    withhold = _read_bans(r, m.get("withhold"), "withhold", vocab.slots, extra=extra,
                          advice=vocab.advice)
    texts = _read_texts(r, m.get("texts"), vocab, extra)
    notes = _read_notes(r, m.get("notes"), vocab, extra)
    priority = _read_priority(r, m["priority"], vocab) if "priority" in m else vocab.advice
    return Rules(triage, signs, min_score, max_listed, tuple(advice), contra, withhold, texts,
                 notes, tuple(priority))


def _read_priority(r: Reader, y: Y, vocab: Vocabulary) -> list[str]:
    """The order the result's first screen picks its actions in: every advice id once."""
    got = [(s, mark) for s, mark in r.strings(y, "priority")]
    for s, mark in got:
        if s not in vocab.advice:
            r.fail(mark, f"unknown advice id {s!r} in priority; allowed: "
                   f"{', '.join(vocab.advice)}")
    missing = [a for a in vocab.advice if a not in {s for s, _ in got}]
    if missing:
        r.fail(y.mark, f"priority must list every advice id once; missing: {', '.join(missing)}")
    return [s for s, _ in got if s in vocab.advice]


def _read_triage(r: Reader, y: Y, vocab: Vocabulary) -> tuple[TriageRule, ...]:
    triage: list[TriageRule] = []
    seen: set[str] = set()
    for item in r.seq(y, "triage"):
        tm = r.mapping(item, "a triage rule", ("id", "when", "level", "because"),
                       ("cause", "lists"))
        if tm is None or any(k not in tm for k in ("id", "when", "level", "because")):
            continue
        rid = r.string(tm["id"], "rule id")
        if rid in seen:
            r.fail(tm["id"].mark, f"duplicate triage rule id {rid!r}")
        seen.add(rid or "")
        when = read_condition(r, tm["when"], vocab.slots, f"triage rule {rid}: when")
        level = r.member(tm["level"], "level", vocab.levels)
        cause = r.member(tm["cause"], "cause", vocab.causes) if "cause" in tm else None
        because = r.ref(r.string(tm["because"], "because"), tm["because"])
        lists = [r.member(c, "cause", vocab.causes) for c in r.seq(tm["lists"], "lists")] if (
            "lists" in tm) else []
        if rid and when and level and because and ("cause" not in tm or cause) and all(lists):
            triage.append(TriageRule(rid, when, level, cause, because, item.mark,
                                     tuple(c for c in lists if c)))
    return tuple(triage)


def _read_causes(r: Reader, y: Y, vocab: Vocabulary) -> tuple[int, int, tuple[CauseSign, ...]]:
    cm = r.mapping(y, "causes", ("min_score", "max_listed", "signs"))
    signs: list[CauseSign] = []
    if cm is None or any(k not in cm for k in ("min_score", "max_listed", "signs")):
        return 1, 3, ()
    min_score = r.integer(cm["min_score"], "min_score", 1) or 1
    max_listed = r.integer(cm["max_listed"], "max_listed", 1) or 1
    sm = cm["signs"]
    if not isinstance(sm.value, dict):
        r.fail(sm.mark, f"signs must be a mapping of cause to signs, got {sm.kind}")
        return min_score, max_listed, ()
    for cause, lst in sm.value.items():
        if cause not in vocab.causes:
            r.fail(sm.key_mark(cause), f"unknown cause {cause!r}; allowed: "
                   f"{choices(vocab.causes)}")
            continue
        for item in r.seq(lst, f"signs of {cause}"):
            im = r.mapping(item, "a sign", ("when", "score"))
            if im is None or "when" not in im or "score" not in im:
                continue
            when = read_condition(r, im["when"], vocab.slots, "a sign's when")
            score = r.integer(im["score"], "score", 1)
            if when and score:
                signs.append(CauseSign(cause, when, score))
    return min_score, max_listed, tuple(signs)


def _read_contraindications(r: Reader, xm: Y | None,
                            vocab: Vocabulary) -> dict[str, frozenset[str]]:
    contra: dict[str, frozenset[str]] = {}
    if xm is None:
        return contra
    if not isinstance(xm.value, dict):
        r.fail(xm.mark, f"contraindications must be a mapping of cause to advice ids, "
               f"got {xm.kind}")
        return contra
    for key, lst in xm.value.items():
        # A key is a cause (while it is listed) or a level (for every such outcome).
        if key not in vocab.causes and key not in vocab.levels:
            r.fail(xm.key_mark(key), f"unknown cause or level {key!r}; "
                   f"allowed: {choices((*vocab.causes, *vocab.levels))}")
            continue
        ids = [r.member(a, "advice id", vocab.advice) for a in r.seq(lst, "advice")]
        contra[key] = frozenset(a for a in ids if a)
        r.places[f"contraindications.{key}"] = xm.key_mark(key)
    return contra


def replaceable(vocab: Vocabulary) -> tuple[str, ...]:
    """Content keys a `texts` rule may replace: advice how-tos and lines, the level parts."""
    return (*(uikeys.advice_keys(a)[1] for a in vocab.advice),
            *(uikeys.advice_line_key(a) for a in vocab.advice),
            *(key for lv in vocab.levels for key in uikeys.level_keys(lv)))


def _read_texts(r: Reader, y: Y | None, vocab: Vocabulary,
                extra: Mapping[str, tuple[str, ...]]) -> tuple[TextRule, ...]:
    out: list[TextRule] = []
    allowed = replaceable(vocab)
    for item in r.seq(y, "texts") if y is not None else ():
        tm = r.mapping(item, "a text rule", ("when", "replace", "use"))
        if tm is None or any(k not in tm for k in ("when", "replace", "use")):
            continue
        when = read_condition(r, tm["when"], vocab.slots, "a text rule's when", extra)
        key = r.member(tm["replace"], "text to replace", allowed)
        use = r.ref(r.string(tm["use"], "use"), tm["use"])
        if when and key and use:
            out.append(TextRule(when, key, use, item.mark))
    return tuple(out)


def _read_notes(r: Reader, y: Y | None, vocab: Vocabulary,
                extra: Mapping[str, tuple[str, ...]]) -> tuple[NoteRule, ...]:
    out: list[NoteRule] = []
    for item in r.seq(y, "notes") if y is not None else ():
        nm = r.mapping(item, "a note", ("when", "text"))
        if nm is None or "when" not in nm or "text" not in nm:
            continue
        when = read_condition(r, nm["when"], vocab.slots, "a note's when", extra)
        text = r.ref(r.string(nm["text"], "text"), nm["text"])
        if when and text:
            out.append(NoteRule(when, text, item.mark))
    return tuple(out)


def check_bans_covered(r: Reader, vocab: Vocabulary, rules: Rules) -> None:
    """Every never_advise (by cause) and never_advise_when entry is enforced by the rules.

    A never_advise_when entry is covered when the withhold entries whose condition it implies
    withhold all of its advice: then, whatever the answers, the advice is removed whenever the
    entry holds. Problems are reported where the fix goes.
    """
    for cause, banned in vocab.never_advise.items():
        missing = banned - rules.contraindications.get(cause, frozenset())
        if missing:
            place = r.places.get(f"contraindications.{cause}", r.places["contraindications"])
            r.fail(place, f"the contraindications of {cause} lack {', '.join(sorted(missing))}: "
                   f"never_advise ({vocab.never_advise_marks[cause]}) says a suspected {cause} "
                   "must never be advised them")
    for ban in vocab.never_advise_when:
        withheld: set[str] = set()
        for w in rules.withhold:
            if ban.when.implies(w.when):
                withheld |= w.advice
        missing = ban.advice - withheld
        if missing:
            r.fail(ban.mark, f"rules.yaml withholds {', '.join(sorted(missing))} not always "
                   f"when {_cond_text(ban.when)}: add a withhold entry whose when this implies "
                   "(never_advise_when says they must never be advised then)")


def _cond_text(cond: Condition) -> str:
    return " and ".join(f"{k} is {' or '.join(sorted(v))}" for k, v in cond.tests)
