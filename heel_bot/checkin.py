"""The follow-up check-in as data: dialogs/checkin.yaml read, validated and proven.

A check-in asks how the heel is now (better / same / worse); the store supplies the days of
self-care since the check. The first rule that holds decides the least level, whether the
red-flag questions are asked again and what to say. This is clinical logic, so it lives in the
dialog definitions (not in an adapter) and `heel-bot check` proves it against the
specification's check-in requirements for every answer and day count.
"""

from __future__ import annotations

from collections.abc import Mapping

from heel_bot import rules as rules_mod
from heel_bot.errors import Mark, Problem
from heel_bot.model import Bundle, Checkin, CheckinRule, Option, Vocabulary
from heel_bot.read_rules import CHECKIN_ANSWERS
from heel_bot.reading import Reader
from heel_bot.yamlsrc import Y

# Day counts the proof tries: every day up to well past the longest threshold.
PROOF_DAYS = 120


def read_checkin(r: Reader, y: Y, vocab: Vocabulary, file: str) -> Checkin | None:
    """The check-in definition, or None (with problems recorded) when it is invalid."""
    m = r.mapping(y, "the check-in", ("question", "short", "options", "rules"))
    if m is None or any(k not in m for k in ("question", "short", "options", "rules")):
        return None
    question = r.ref(r.string(m["question"], "question"), m["question"])
    short = r.ref(r.string(m["short"], "short"), m["short"])
    options = _read_options(r, m["options"])
    entries = r.seq(m["rules"], "check-in rules")
    rules = [rule for i, item in enumerate(entries)
             if (rule := _read_rule(r, item, vocab, last=i == len(entries) - 1))]
    if not entries:
        r.fail(m["rules"].mark, "the check-in needs at least one rule")
    if question is None or short is None or len(rules) != len(entries):
        return None
    return Checkin(question, short, options, tuple(rules), file)


def _read_options(r: Reader, y: Y) -> tuple[Option, ...]:
    options: list[Option] = []
    for item in r.seq(y, "check-in options"):
        om = r.mapping(item, "a check-in option", ("value", "label"))
        if om is None or "value" not in om or "label" not in om:
            continue
        value = r.member(om["value"], "check-in answer", CHECKIN_ANSWERS)
        label = r.ref(r.string(om["label"], "label"), om["label"])
        if value and label:
            options.append(Option(value, label))
    values = [o.value for o in options]
    if sorted(values) != sorted(CHECKIN_ANSWERS):
        r.fail(y.mark, f"the check-in must offer each of {', '.join(CHECKIN_ANSWERS)} once; "
               f"it offers {', '.join(values) or 'none'}")
    return tuple(options)


def _read_rule(r: Reader, y: Y, vocab: Vocabulary, *, last: bool) -> CheckinRule | None:
    m = r.mapping(y, "a check-in rule", ("level", "text"),
                  ("when", "rescreen", "offer_checkin", "set", "also"))
    if m is None or "level" not in m or "text" not in m:
        return None
    answer, days = _read_when(r, m["when"]) if "when" in m else (None, 0)
    if last and "when" in m:
        r.fail(y.mark, "the last check-in rule must have no 'when', so every answer leads "
               "somewhere")
    if not last and "when" not in m:
        r.fail(y.mark, "a check-in rule without 'when' must be last; the rules after it could "
               "never be taken")
    level = r.member(m["level"], "level", vocab.levels)
    text = r.ref(r.string(m["text"], "text"), m["text"])
    rescreen = r.flag(m["rescreen"], "rescreen") if "rescreen" in m else False
    offer = r.flag(m["offer_checkin"], "offer_checkin") if "offer_checkin" in m else False
    facts = _read_set(r, m["set"], vocab) if "set" in m else {}
    also = tuple(r.ref(k, m["also"]) or k for k, _ in r.strings(m["also"], "also")) if (
        "also" in m) else ()
    if (level is None or text is None or rescreen is None or offer is None or facts is None
            or days is None):
        return None
    return CheckinRule(answer, days, level, text, rescreen, offer, facts, also, y.mark)


def _read_when(r: Reader, y: Y) -> tuple[frozenset[str] | None, int | None]:
    wm = r.mapping(y, "a check-in rule's when", (), ("answer", "days_at_least"))
    if wm is None:
        return None, None
    answer = None
    if "answer" in wm:
        a = wm["answer"]
        items = a.value if isinstance(a.value, list) else [a]
        answer = frozenset(v for i in items if (v := r.member(i, "check-in answer",
                                                              CHECKIN_ANSWERS)))
    days = r.integer(wm["days_at_least"], "days_at_least") if "days_at_least" in wm else 0
    return answer, days


def _read_set(r: Reader, y: Y, vocab: Vocabulary) -> dict[str, str] | None:
    if not isinstance(y.value, dict):
        r.fail(y.mark, f"set must map slots to values, got {y.kind}")
        return None
    facts: dict[str, str] = {}
    for slot, val in y.value.items():
        if slot not in vocab.slots or slot in vocab.red_flag_slots:
            allowed = [s for s in vocab.slots if s not in vocab.red_flag_slots]
            r.fail(y.key_mark(slot), f"set may keep a non-red-flag slot (the red flags are "
                   f"asked again); allowed: {', '.join(allowed)}")
            return None
        value = r.member(val, f"value of {slot}", vocab.slots[slot])
        if value is None:
            return None
        facts[slot] = value
    return facts


def prove_checkin(bundle: Bundle) -> list[Problem]:
    """Every check-in answer, on every day up to PROOF_DAYS, meets the requirements.

    A rule that asks the red-flag questions again must also reach its own level from the
    answers it keeps: the new conversation can only add answers, and triage rules only raise
    the level, so its outcome is then never below that level.
    """
    vocab, checkin = bundle.vocabulary, bundle.checkin
    problems: dict[Mark, Problem] = {}
    for rule in checkin.rules:
        if rule.rescreen:
            level, _ = rules_mod.triage(vocab, bundle.rules, rule.set)
            if vocab.rank(level) > vocab.rank(rule.level):
                problems.setdefault(rule.mark, Problem(rule.mark, (
                    f"this rule promises at least {rule.level}, but the answers it keeps "
                    f"({_facts(rule.set)}) only reach {level}: a calm re-screen would end "
                    "below it")))
    for req in vocab.checkin_requirements:
        for days in range(req.days, PROOF_DAYS + 1):
            rule = checkin.decide(req.answer, days)
            if vocab.rank(rule.level) > vocab.rank(req.level) or (req.rescreen
                                                                   and not rule.rescreen):
                need = " and the red-flag questions again" if req.rescreen else ""
                problems.setdefault(req.mark, Problem(req.mark, (
                    f"a check-in answered {req.answer!r} after {days} days must lead to at "
                    f"least {req.level}{need}; the rule at {rule.mark} gives {rule.level}"
                    f"{' with a re-screen' if rule.rescreen else ''}")))
                break
    return sorted(problems.values(), key=lambda p: (p.mark, p.message))


def _facts(facts: Mapping[str, str]) -> str:
    return ", ".join(f"{k}={v}" for k, v in facts.items()) or "none"
