"""Training arithmetic in free text: how fast the weekly distance went up, how far shoes went.

The number reader (heel_bot/language/numbers.py) leaves rates aside ("30 miles a week" is no
shoe distance, "in two weeks" no pain duration when it is the time an increase took). This
module reads what those rates say about two questions:

- `mileage_jump` ("more than about 10% a week?"): an increase of the weekly distance, "went
  from 20 to 35 miles in two weeks", "40 to 44 km a week", "from 30 miles a week to 50 over the
  last three weeks": the growth per week, (B / A) ** (1 / weeks) - 1, one week when no time is
  said; a percentage, "5% a week", "upped it more than 15%". Exactly 10% is not more than 10%.
- `shoe_age`: a time and a weekly distance, "a year old, maybe 15 miles a week", "bought them
  in March, about 25 miles a week", "eight months, 20 mi/wk", "6 months, 5k 3 times a week":
  the time × the weekly distance, as a range in miles ("30 a week" with no unit may be miles or
  km). A time alone says nothing of the distance.

`read` returns each reading with the characters it was read from, so that the caller does not
also take those words for the pain's duration ("in two weeks") or an age ("a year old"). Pure:
regular expressions compiled once, no I/O; `today` dates "in March".
"""

from __future__ import annotations

import calendar
import datetime
import functools
import math
import re
from dataclasses import dataclass

from heel_bot.language.numvocab import KM_PER_MILE, MONTHS, ONES, TEENS, TENS

JUMP = 0.10  # the question's "more than about 10% a week"
DAY_UNITS = {"day": 1.0, "week": 7.0, "wk": 7.0, "month": 30.4, "mo": 30.4, "year": 365.0,
             "yr": 365.0, "fortnight": 14.0}
_WORDS = {**ONES, **TEENS, **TENS, "a": 1, "an": 1, "half a": 0.5, "a couple of": 2,
          "a couple": 2, "couple of": 2}
_WORD = "|".join(sorted((re.escape(w) for w in _WORDS), key=len, reverse=True))
_NUM = rf"(?:\d+(?:[.,]\d+)?|(?:{_WORD})(?:[- ](?:{'|'.join(ONES)}))?(?: hundred)?)"
_HEDGE = r"(?:(?:about|around|roughly|approx|approximately|maybe|like|probably|prob|~)\s*)?"
_DIST = r"(?:miles?|mi|mls|km|kms|k|kilomet(?:re|er)s?)"
_WEEKLY = r"(?:\s*(?:a|per|each|every|/)\s*(?:week|wk)\b|\s*(?:mpw|kpw)\b)"
_INCREASE = (
    rf"(?P<from>\bfrom\s+)?(?P<a>{_HEDGE}{_NUM})(?:\s*(?P<ua>{_DIST}))?\b(?P<wa>{_WEEKLY})?"
    rf"\s*(?:to|->|→|-|up to)\s*(?P<b>{_HEDGE}{_NUM})(?:\s*(?P<ub>{_DIST}))?\b(?P<wb>{_WEEKLY})?"
    rf"(?:\s+(?:in|over|within|across)\s+(?:the\s+)?(?:last\s+|past\s+|space of\s+|course of\s+)?"
    rf"(?P<period>{_NUM}\s*(?:days?|weeks?|wks?|months?|fortnight)|a fortnight))?")
_PERCENT = (
    r"(?P<cmp>more than|over|above|at least|less than|under|below|about|around|roughly|"
    r"maybe|~)?\s*(?P<p>\d+(?:\.\d+)?)\s*(?:%|percent|per cent)(?P<weekly>\s*(?:a|per|each|"
    r"every)\s*week|\s*weekly)?")
_RATE = (
    rf"(?P<w>{_HEDGE}{_NUM})(?:\s*(?P<u>{_DIST}))?\b(?:\s*(?:x\s*)?(?P<times>{_NUM})\s*(?:times|x)"
    rf")?{_WEEKLY}")
_TIME = (
    rf"(?P<n>{_HEDGE}{_NUM})\s*-?\s*(?P<u>days?|weeks?|wks?|months?|mos?|years?|yrs?)\b"
    rf"(?P<half>\s+and\s+a\s+half)?")
_FORTNIGHTS = rf"(?P<n>{_NUM})\s*(?P<u>fortnight)s?"
_IN_MONTH = (
    r"\b(?:bought|got|had|have had|purchased|new|pair|them|these|wearing)\b[^.;!?]{0,30}?\b"
    r"(?P<prep>in|since|from|at "
    r"the (?:start|beginning|end) of)\s+(?P<month>" + "|".join(MONTHS) + r")\b")


# Compiled when first used, not on import: `heel-bot serve` imports this module at start-up.
_compiled = functools.cache(re.compile)


@dataclass(frozen=True)
class Training:
    """What a message says of the weekly increase and the shoes, with where it was said."""

    jump: str | None = None  # "yes" / "no" for mileage_jump
    shoes: tuple[float, float] | None = None  # miles the shoes have gone, low and high
    spans: tuple[tuple[int, int], ...] = ()  # characters these were read from


def read(text: str, *, today: datetime.date, shoes: bool) -> Training:
    """The increase and, when `shoes` (the shoe question, or words about shoes), the shoes'
    distance in `text` (lower case, as the language layer cleans it)."""
    spans: list[tuple[int, int]] = []
    jump = _increase(text, spans)
    if jump is None:
        jump = _percent(text, spans)
    miles = _shoes(text, today, spans) if shoes else None
    return Training(jump, miles, tuple(spans))


def _number(words: str) -> tuple[float, float, float] | None:
    """A number with its hedge ("about 25": 22.5-27.5), as (low, value, high)."""
    words = words.strip()
    hedged = re.match(_HEDGE, words)
    core = words[hedged.end():].strip() if hedged else words
    value = _value(core)
    if value is None:
        return None
    if not hedged or hedged.end() == 0:
        return value, value, value
    step = 10.0 if value % 10 == 0 else 5.0 if value % 5 == 0 else 1.0
    spread = min(value * 0.15, step / 2)
    return value - spread, value, value + spread


def _value(core: str) -> float | None:
    if core[:1].isdigit():
        try:
            return float(core.replace(",", "."))
        except ValueError:
            return None
    parts = core.replace("-", " ").split()
    if core in _WORDS:
        return float(_WORDS[core])
    total = 0.0
    for p in parts:
        if p == "hundred":
            total = (total or 1.0) * 100
        elif p in _WORDS:
            total += _WORDS[p]
        else:
            return None
    return total or None


def _increase(text: str, spans: list[tuple[int, int]]) -> str | None:
    for m in _compiled(_INCREASE).finditer(text):
        weekly = bool(m["wa"] or m["wb"])
        if not (m["ua"] or m["ub"] or weekly) or not (m["from"] or weekly or m["period"]):
            continue  # "2 to 3 weeks" is no distance; "20 - 30" alone no increase
        a, b = _number(m["a"]), _number(m["b"])
        if a is None or b is None or a[1] <= 0 or b[1] <= a[1]:
            continue
        ratio = b[1] / a[1] * _unit_ratio(m["ua"], m["ub"])
        weeks = 1.0
        if m["period"]:
            days = _days(m["period"])
            if days is None:
                continue
            weeks = max(days / 7.0, 1.0)
        growth = ratio ** (1.0 / weeks) - 1.0
        spans.append(m.span())
        return "yes" if growth > JUMP + 1e-9 else "no"
    return None


def _unit_ratio(ua: str | None, ub: str | None) -> float:
    """B's unit over A's: "from 20 miles to 40 km" (both said, and different)."""
    if not ua or not ub:
        return 1.0
    miles_a, miles_b = ua.startswith("mi"), ub.startswith("mi")
    if miles_a == miles_b:
        return 1.0
    return 1 / KM_PER_MILE if miles_a else KM_PER_MILE


def _percent(text: str, spans: list[tuple[int, int]]) -> str | None:
    for m in _compiled(_PERCENT).finditer(text):
        if not m["weekly"] and "week" not in text:
            continue
        p, cmp = float(m["p"]), m["cmp"] or ""
        spans.append(m.span())
        if cmp in ("more than", "over", "above", "at least"):
            return "yes" if p >= 10 else None
        if cmp in ("less than", "under", "below"):
            return "no" if p <= 10 else None
        if cmp:
            return "yes" if p > 11.5 else "no" if p < 8.5 else None
        return "yes" if p > 10 else "no"
    return None


def _days(period: str) -> float | None:
    if period.strip() == "a fortnight":
        return 14.0
    period = period.strip()
    m = _compiled(_TIME).fullmatch(period) or _compiled(_FORTNIGHTS).fullmatch(period)
    if m is None:
        return None
    n = _number(m["n"])
    unit = _unit(m["u"])
    return None if n is None or unit is None else n[1] * unit


def _unit(word: str) -> float | None:
    for name, days in DAY_UNITS.items():
        if word.rstrip("s") == name:
            return days
    return None


def _shoes(text: str, today: datetime.date, spans: list[tuple[int, int]]
           ) -> tuple[float, float] | None:
    taken = list(spans)  # an increase's own weekly distances are no shoe's
    rates = _compiled(_RATE).finditer(text)
    rate = next((r for r in rates if not _overlaps(r.span(), taken)), None)
    if rate is None:
        return None
    weekly = _weekly_miles(rate)
    time = _time(text, today, [*taken, rate.span()])
    if weekly is None or time is None:
        return None
    (lo_days, hi_days, span) = time
    spans += [rate.span(), span]
    return lo_days / 7 * weekly[0], hi_days / 7 * weekly[1]


def _overlaps(span: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    return any(a < span[1] and span[0] < b for a, b in spans)


def _weekly_miles(m: re.Match[str]) -> tuple[float, float] | None:
    """Miles a week, low and high (no unit: miles or km)."""
    w = _number(m["w"])
    times = _number(m["times"]) if m["times"] else (1.0, 1.0, 1.0)
    if w is None or times is None:
        return None
    unit = m["u"] or ""
    lo, hi = w[0] * times[0], w[2] * times[2]
    if unit.startswith("mi") or unit == "mls":
        return lo, hi
    if unit:
        return lo / KM_PER_MILE, hi / KM_PER_MILE
    return lo / KM_PER_MILE, hi


def _time(text: str, today: datetime.date, taken: list[tuple[int, int]]
          ) -> tuple[float, float, tuple[int, int]] | None:
    """How long the shoes have been worn, in days (low, high), and where it is said."""
    for m in _compiled(_TIME).finditer(text):
        if _overlaps(m.span(), taken):
            continue
        n, unit = _number(m["n"]), _unit(m["u"])
        if n is None or unit is None:
            continue
        half = 0.5 * unit if m["half"] else 0.0
        return n[0] * unit + half, n[2] * unit + half, m.span()
    month = _compiled(_IN_MONTH).search(text)
    if month is None:
        return None
    number = MONTHS[month["month"]]
    year = today.year if number <= today.month else today.year - 1
    first = datetime.date(year, number, 1)
    last = datetime.date(year, number, calendar.monthrange(year, number)[1])
    if month["prep"] in ("since", "from"):
        last = first  # "since March": from its first day
    lo, hi = max((today - min(last, today)).days, 0), (today - first).days
    return float(lo), float(math.inf if hi < 0 else hi), month.span()
