"""Training arithmetic in free text: how fast the weekly distance went up, how far shoes went.

The number reader (heel_bot/language/numbers.py) leaves rates aside ("30 miles a week" is no
shoe distance, "in two weeks" no pain duration when it is the time an increase took). This
module reads what those rates say about two questions:

- `mileage_jump` ("more than about 10% a week?"): an increase of the weekly distance, "went
  from 20 to 35 miles in two weeks", "40 to 44 km a week", "30 km to 32 km" (both with a unit),
  "from 3 runs a week to 6", "from 30 miles a week to 50 over the last three weeks", "20 → 25
  → 35" (arrows, at the question), "peak week was 70mpw, up from 45", "I added a 15 mile long
  run on top of my usual 20", "went 20 to 35 miles", "5 miles a day instead of my usual 2",
  "I run about 30 miles a week and just bumped it to 40": the
  growth per week, (B / A) ** (1 / weeks) - 1, one week when no time is said; from zero ("went
  from zero to 20 miles a week in a month") always more; a percentage, "5% a week", "upped it
  more than 15%", at the question without "a week" ("maybe 20%", "10% max"; "10% or so"
  straddles); "I follow the (10%) rule" (the bare "rule" at the question); "I doubled" (not
  "never doubled"). Exactly 10% is not more than 10%. "35-40 miles a week" is a range.
- `shoe_age`: the time × the weekly distance, runs, a time alone, races (numshoes.py).

`read` returns each reading with the characters it was read from, so that the caller does not
also take those words for the pain's duration ("in two weeks") or an age ("a year old"). Pure:
regular expressions compiled when first used (`heel-bot serve` imports this module at
start-up), no I/O; `today` dates "in March".
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from heel_bot.language import numshoes
from heel_bot.language.numbers import Quantity, slot_value
from heel_bot.language.numrates import (
    COUNT,
    DIST,
    HEDGE,
    NUM,
    WEEKLY,
    compiled,
    days,
    number,
)
from heel_bot.language.numvocab import DISTANCE, KM_PER_MILE

JUMP = 0.10  # the question's "more than about 10% a week"
SHOES, MILEAGE = "shoe_age", "mileage_jump"
_COUNT = r"(?:runs?|sessions?|times|days?)"  # "from 3 runs a week to 6"
_DOING = r"(?:running|doing|jogging|training)"  # "from 20k a week to running 35k"
_PERIOD = (
    rf"(?:\s+(?:in|over|within|across)\s+(?:the\s+)?(?:last\s+|past\s+|space of\s+|course of\s+)?"
    rf"(?P<period>{NUM}\s*(?:days?|weeks?|wks?|months?|fortnight)|a fortnight))?")
_INCREASE = (
    rf"(?P<from>\b(?:(?:went|gone|jumped|increased|upped|bumped|ramped)(?:\s+(?:it|up|mileage))*"
    rf"\s+(?:from\s+)?|from\s+))?(?P<a>{HEDGE}{COUNT})(?:\s*(?P<ua>{DIST})|\s+(?P<ca>{_COUNT}))?"
    rf"(?:(?P<wa>{WEEKLY})|\b)\s*(?P<to>to|->|→|-|up to|>)\s*(?:{_DOING}\s+)?"
    rf"(?P<b>{HEDGE}{COUNT})"
    rf"(?:\s*(?P<ub>{DIST})|\s+(?P<cb>{_COUNT}))?(?:(?P<wb>{WEEKLY})|\b)" + _PERIOD)
# "peak week was 70mpw, up from 45 the week before"
_UP_FROM = (
    rf"(?P<b>{NUM})(?:\s*(?P<ub>{DIST}))?(?:(?P<wb>{WEEKLY})|\b)\s*[,(-]?\s*(?:up|increased|"
    rf"jumped|rose|went up)\s+from\s+(?P<a>{HEDGE}{NUM})(?:\s*(?P<ua>{DIST}))?"
    rf"(?:(?P<wa>{WEEKLY})|\b)" + _PERIOD)
# "added a 15 mile long run on top of my usual 20"
_ADDED = (
    rf"\badded\s+(?:an?\s+)?(?:extra\s+)?(?P<x>{NUM})\s*(?P<ux>{DIST})?\b[^.;!?]{{0,30}}?"
    rf"\b(?:on top of|to)\s+(?:my|the)?\s*(?:usual|normal|regular|weekly)?\s*(?P<y>{NUM})"
    rf"(?:\s*(?P<uy>{DIST}))?\b")
# "I run about 30 miles a week and just bumped it to 40": a weekly distance, then raised to B
_BUMPED = (
    rf"(?P<a>{HEDGE}{NUM})(?:\s*(?P<ua>{DIST}))?{WEEKLY}[^.;!?]{{0,20}}?\b(?:bumped|upped|"
    rf"increased|raised|pushed|jumped|ramped|built)(?:\s+(?:it|that|this|mileage|up))*\s+to\s+"
    rf"(?P<b>{HEDGE}{NUM})(?:\s*(?P<ub>{DIST}))?(?:{WEEKLY}|\b)" + _PERIOD)
# "5 miles a day instead of my usual 2": from A to B at once
_INSTEAD = (
    rf"(?P<b>{NUM})(?:\s*(?P<ub>{DIST}))?(?P<per>\s*(?:a|per|each|every|/)\s*(?:day|week|wk)\b|"
    rf"\s*(?:mpw|kpw)\b)?\s*,?\s*(?:instead of|rather than|compared (?:to|with))\s+(?:my|the|our)?"
    rf"\s*(?:usual|normal|regular|typical|old)?\s*(?P<a>{NUM})(?:\s*(?P<ua>{DIST}))?\b")
# "I follow the (10%) rule", "stick to the 10 percent rule": no more than 10% a week
_RULE = (
    r"\b(?P<verb>follow|follows|following|stick to|sticking to|stuck to|keep to|kept to|go by|"
    r"stay within|obey)\s+(?:the\s+)?(?P<ten>10\s*(?:%|percent|per cent)\s+)?rule\b")
_NEGATED = re.compile(r"\b(?:not|never|no|don't|dont|doesn't|didn't|didnt|do not|won't)\b")
# A hedge after a percentage: "10% or so", "10 percent ish"
_AFTER_HEDGE = r"\s*-?\s*(?:or so|ish|or thereabouts|give or take)\b"
_AFTER_MOST = r"\s*(?:max|tops|at most|at the most|or less|or under)\b"  # "10% max"
# What may follow a percentage said of the increase with no "a week" (at the question): not
# "80% on roads", "the 10% rule"
_AFTER_BARE = (_AFTER_HEDGE + "|" + _AFTER_MOST
               + r"|\s*(?:more|increase|up|jump)\b|\s*(?:[,.;!?)]|$)")
_DOUBLED = r"\b(?:doubled|tripled)\b"  # at the question: "only last week I doubled"
_DOWN = re.compile(r"\b(?:down|cut|cutting|dropped|reduced|reducing|less|fewer|lower|taper\w*)\b")
_NOT = re.compile(r"\b(?:not|never|no|didn't|didnt|haven't|havent|hadn't|wasn't|n't)\b")
_PERCENT = (
    r"(?P<cmp>more than|over|above|at least|less than|under|below|about|around|roughly|"
    r"maybe|~)?\s*(?P<p>\d+(?:\.\d+)?)\s*(?:%|percent|per cent)(?P<weekly>\s*(?:a|per|each|"
    r"every)\s*week|\s*weekly)?")


@dataclass(frozen=True)
class Training:
    """What a message says of the weekly increase and the shoes, with where it was said."""

    jump: str | None = None  # "yes" / "no" for mileage_jump
    shoes: tuple[float, float] | None = None  # miles the shoes have gone, low and high
    spans: tuple[tuple[int, int], ...] = ()  # characters these were read from
    shoes_alone: bool = False  # `shoes` is a bound from a time or races alone


def read(text: str, *, today: datetime.date, shoes: bool, asked: str | None = None
         ) -> Training:
    """The increase and, when `shoes` (the shoe question, or words about shoes), the shoes'
    distance in `text` (lower case, as the language layer cleans it); `asked`: the slot of
    the question answered, if any."""
    spans: list[tuple[int, int]] = []
    at_question = asked == MILEAGE
    jump = (_increase(text, spans, at_question) or _up_from(text, spans, _UP_FROM)
            or _up_from(text, spans, _BUMPED)
            or _added(text, spans) or _instead(text, spans)
            or _percent(text, spans, at_question) or _rule(text, spans, at_question)
            or (_doubled(text, spans) if at_question else None))
    got = numshoes.read(text, today, list(spans), asked=asked == SHOES) if shoes else None
    if got is None:
        return Training(jump, None, tuple(spans))
    return Training(jump, (got.low, got.high), (*spans, *got.spans), got.alone)


def record(cleaned: str, training: Training, readings: dict[str, list[tuple[str, int]]],
           quotes: dict[str, str], seen: set[str]) -> None:
    """Add the weekly increase and the shoes' distance worked out to the language layer's
    `readings` (slot -> [(value, offset)]; "" for a value that straddles a bound), `quotes`
    (slot -> words) and `seen` (slots with a quantity) (heel_bot/language/understand.py)."""
    at = training.spans[0] if training.spans else (0, 0)
    if training.jump is not None:
        readings.setdefault(MILEAGE, []).append((training.jump, at[0]))
        quotes.setdefault(MILEAGE, cleaned[at[0]:at[1]])
    if training.shoes is None or (training.shoes_alone and SHOES in seen):
        return  # a distance said outright beats a time or races alone
    low, high = training.shoes
    found = slot_value(Quantity(DISTANCE, (low + high) / 2, low, high, ""))
    seen.add(SHOES)
    if found is None:
        readings[SHOES] = [("", 0)]  # worked out, but it straddles: no value
    else:
        first = min(a for a, _ in training.spans)
        readings[SHOES] = [(found[1], first)]  # the worked-out distance says it all
        quotes[SHOES] = cleaned[first:max(b for _, b in training.spans)]


def _increase(text: str, spans: list[tuple[int, int]], asked: bool) -> str | None:
    for m in compiled(_INCREASE).finditer(text):
        weekly = bool(m["wa"] or m["wb"])
        units = bool(m["ua"] or m["ub"] or ((m["ca"] or m["cb"]) and weekly))
        arrow = m["to"] in ("->", "→", ">")
        if not (units or weekly or (arrow and asked)) or not (
                m["from"] or weekly or m["period"] or arrow or (m["ua"] and m["ub"])):
            continue  # "2 to 3 weeks" is no distance; "20 - 30" alone no increase
        if m["to"] == "-" and not (m["from"] or m["period"]):
            continue  # "35-40 miles a week": a range
        found = _growth(m, spans)
        if found is not None:
            return found
    return None


def _growth(m: re.Match[str], spans: list[tuple[int, int]]) -> str | None:
    """Whether the increase from A to B (in `m`) is more than 10% a week."""
    a, b = number(m["a"]), number(m["b"])
    if a is None or b is None or a[1] < 0 or b[1] <= a[1]:
        return None
    if a[1] == 0:  # "went from zero to 20 miles a week": any start is a jump
        spans.append(m.span())
        return "yes"
    ratio = b[1] / a[1] * _unit_ratio(m["ua"], m["ub"])
    weeks = 1.0
    if m["period"]:
        d = days(m["period"])
        if d is None:
            return None
        weeks = max(d / 7.0, 1.0)
    growth = ratio ** (1.0 / weeks) - 1.0
    spans.append(m.span())
    return "yes" if growth > JUMP + 1e-9 else "no"


def _up_from(text: str, spans: list[tuple[int, int]], pattern: str) -> str | None:
    """ "70mpw, up from 45" (`_UP_FROM`), "30 miles a week and just bumped it to 40"
    (`_BUMPED`, weekly by its pattern)."""
    for m in compiled(pattern).finditer(text):
        if m["ua"] or m["ub"] or pattern is _BUMPED or m["wa"] or m["wb"]:
            found = _growth(m, spans)
            if found is not None:
                return found
    return None


def _added(text: str, spans: list[tuple[int, int]]) -> str | None:
    """ "Added X on top of my usual Y": from Y to Y + X in a week."""
    m = compiled(_ADDED).search(text)
    if m is None:
        return None
    x, y = number(m["x"]), number(m["y"])
    if x is None or y is None or y[1] <= 0 or (m["ux"] and m["uy"] and (
            m["ux"].startswith("mi") != m["uy"].startswith("mi"))):
        return None
    spans.append(m.span())
    return "yes" if x[1] / y[1] > JUMP + 1e-9 else "no"


def _instead(text: str, spans: list[tuple[int, int]]) -> str | None:
    """ "5 miles a day instead of my usual 2": from A to B in a week (a unit or a rate said)."""
    for m in compiled(_INSTEAD).finditer(text):
        if not (m["ub"] or m["ua"] or m["per"]):
            continue  # "2 instead of 3" (sets? pairs?)
        a, b = number(m["a"]), number(m["b"])
        if a is None or b is None or a[1] <= 0:
            continue
        spans.append(m.span())
        return "yes" if b[1] / a[1] * _unit_ratio(m["ua"], m["ub"]) > 1 + JUMP + 1e-9 else "no"
    return None


def _rule(text: str, spans: list[tuple[int, int]], asked: bool) -> str | None:
    """ "I follow the rule" (at the question), "I stick to the 10% rule": no (not "I don't
    follow the 10% rule")."""
    for m in compiled(_RULE).finditer(text):
        clause = re.split(r"[,.;!?]|\bbut\b", text[:m.start()])[-1]
        if not (asked or m["ten"]) or _NEGATED.search(" ".join(clause.split()[-3:])):
            continue
        spans.append(m.span())
        return "no"
    return None


def _doubled(text: str, spans: list[tuple[int, int]]) -> str | None:
    """ "I doubled", "tripled it" (not "never doubled", "haven't doubled")."""
    for m in compiled(_DOUBLED).finditer(text):
        clause = re.split(r"[,.;!?]", text[:m.start()])[-1]
        if _NOT.search(" ".join(clause.split()[-3:])):
            continue
        spans.append(m.span())
        return "yes"
    return None


def _unit_ratio(ua: str | None, ub: str | None) -> float:
    """B's unit over A's: "from 20 miles to 40 km" (both said, and different)."""
    if not ua or not ub:
        return 1.0
    miles_a, miles_b = ua.startswith("mi"), ub.startswith("mi")
    if miles_a == miles_b:
        return 1.0
    return 1 / KM_PER_MILE if miles_a else KM_PER_MILE


def _percent(text: str, spans: list[tuple[int, int]], asked: bool) -> str | None:
    """ "5% a week", "more than 15%", at the question "10% or so" (not "10% a month")."""
    for m in compiled(_PERCENT).finditer(text):
        if not m["weekly"] and "week" not in text and not (
                asked and compiled(_AFTER_BARE).match(text, m.end())
                and not re.search(r"\b(?:month|year)", text)):
            continue
        if re.match(r"\s*off\b", text[m.end():]):
            continue  # "10% off at the sports shop": a discount
        p, cmp = float(m["p"]), m["cmp"] or ""
        if _DOWN.search(text, max(0, m.start() - 25), m.start()):
            spans.append(m.span())
            return "no"  # "tapering, down 30% this week": less, not more
        if not cmp and compiled(_AFTER_HEDGE).match(text, m.end()):
            cmp = "about"
        elif not cmp and compiled(_AFTER_MOST).match(text, m.end()):
            cmp = "under"
        spans.append(m.span())
        if cmp in ("more than", "over", "above", "at least"):
            return "yes" if p >= 10 else None
        if cmp in ("less than", "under", "below"):
            return "no" if p <= 10 else None
        if cmp:
            return "yes" if p > 11.5 else "no" if p < 8.5 else None
        return "yes" if p > 10 else "no"
    return None
