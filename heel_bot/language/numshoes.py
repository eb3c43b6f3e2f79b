"""How far the shoes have gone, worked out from what a message says (for numtraining.py).

- A time and a weekly distance: "a year old, maybe 15 miles a week", "bought them in January,
  about 20 miles a week", "had them since last summer, 20 a week", "8 months, 35-40 mpw". The
  product of two estimates is read at its central value (the middle of the time, the weekly
  distance said) give or take `MARGIN`: "bought them in January, about 20 miles a week" (today
  14 May) is about 17 weeks × 20 ≈ 340 miles, 300–500; "about 6 months, 20 miles a week"
  (≈ 520) is too near 500 to say. With no unit ("30 a week") both miles and km are tried.
- A time and runs a week: "2 years old, run 3x a week": each run between `RUN_MILES`, so a value
  only when every such length gives the same one (≈ 310 runs: over 500 miles). So are days a
  week ("had them two years, run in them most days": 4–6 runs a week; "every day", "daily":
  6–7), and days of wear ("3 years old and I wear them every day": each day at least
  `WEAR_MILES`, walking).
- Holidays date the purchase like months: "bought them right after New Year's" (1 January),
  "got them for Christmas", "since Easter".
- A time alone, at the shoe question: only when even `MAX_WEEKLY` miles a week stays under 300
  ("2 weeks old"); else it says nothing of the distance ("a year old").
- Races: "about 40 parkruns in them" (5 km each, with warm-ups up to half as far again), "two
  marathons" (at least 52 miles: only a lower bound unless said to be in the shoes).

Time spent not running is not worn ("a couple of weeks off"). Pure; `today` dates "in March".
"""

from __future__ import annotations

import calendar
import datetime
import math
import re
from dataclasses import dataclass

from heel_bot.language.numcalendar import holiday, latest_month, season
from heel_bot.language.numrates import DIST, HEDGE, NUM, TIME, WEEKLY, compiled, number, unit
from heel_bot.language.numvocab import KM_PER_MILE, MONTHS

MARGIN = 0.10  # a worked-out distance: its central value, give or take 10%
RUN_MILES = (2.0, 15.0)  # the shortest and longest plausible average run
WEAR_MILES = (1.0, 15.0)  # a day in shoes worn (not run in): at least a mile of walking
MAX_WEEKLY = 140.0  # miles a week no runner goes beyond
RACE_MILES = {"parkrun": 5 / KM_PER_MILE, "5k": 5 / KM_PER_MILE, "10k": 10 / KM_PER_MILE,
              "half": 13.1, "marathon": 26.2}
WARM_UP = 1.5  # a race day's distance, warm-up and cool-down included, at most
_ONLY = re.compile(r"\b(?:nothing else|and that's (?:it|all)|that's (?:it|all)|only (?:for|in|on)|"
                   r"just (?:for|in|on)|not much else|pretty much it)\b")
_ALONE_WORDS = 4  # "like 30 parkruns", "about 20 parkruns tbh": the races are the answer

_RATE = (
    rf"(?P<w>{HEDGE}{NUM})(?:\s*(?:-|to)\s*(?P<w2>{NUM}))?(?:(?:\s*(?P<u>{DIST}))?\b"
    rf"(?:\s*(?:x\s*)?(?P<times>{NUM})\s*(?:times|x))?{WEEKLY}|\s*(?:mpw|kpw)\b)")
_RUNS = (
    rf"(?:\b(?P<n>{NUM})\s*(?:x|times|runs?|sessions?)|\b(?P<word>once|twice|thrice))"
    r"\s*(?:a|per|each|every|/)\s*(?:week|wk)\b")
# "run in them most days", "I wear them every day": days a week (low, high), by the words
_DAYS_A_WEEK = {"most days": (4, 6), "every day": (6, 7), "everyday": (6, 7), "daily": (6, 7),
                "every single day": (7, 7), "nearly every day": (5, 7),
                "almost every day": (5, 7), "pretty much every day": (5, 7)}
_DAILY = (
    r"\b(?P<verb>run|runs|running|ran|wear|wears|wearing|wore|walk|walks|walking|use|uses|"
    r"using|used)(?:\s+(?:in\s+)?(?:them|these|those|'?em|it))?\s+(?P<freq>"
    + "|".join(sorted(_DAYS_A_WEEK, key=len, reverse=True)) + r")\b")
_OWNERS = r"(?:bought|got|had|have had|purchased|new|pair|them|these|em|wearing)"
_IN_MONTH = (
    rf"\b{_OWNERS}\b[^.;!?]{{0,30}}?\b(?P<prep>in|since|from|at "
    r"the (?:start|beginning|end) of)\s+(?P<month>" + "|".join(MONTHS) + r")\b")
_SEASON = (
    rf"\b{_OWNERS}\b[^.;!?]{{0,30}}?\b(?:in|since|from|over)\s+(?:the\s+)?"
    r"(?P<which>last|this|past)?\s*(?P<season>spring|summer|autumn|fall|winter)\b")
_HOLIDAY = (
    rf"\b{_OWNERS}\b[^.;!?]{{0,30}}?\b(?:in|since|from|at|for|after|around|over|on)\s+"
    r"(?:the\s+)?(?P<day>new year'?s?|christmas|xmas|easter|thanksgiving|halloween|"
    r"black friday)\b")
_OFF = r"\s+(?:off|out|away|of rest|of no running|break)\b"  # "a couple of weeks off"
_RACES = (
    rf"(?P<n>{HEDGE}{NUM})\s+(?P<race>park ?runs?|half[- ]?marathons?|halfs|halves|"
    r"marathons?|(?:5|10) ?ks)\b(?P<own>\s+(?:in|on)\s+(?:them|these|those|'?em|th[eo]se shoes|"
    r"the shoes|my shoes|this pair|the pair)\b)?")

Span = tuple[int, int]


@dataclass(frozen=True)
class Shoes:
    """Miles the shoes have gone (low, high); `alone`: a bound from a time or races alone,
    which a distance said outright overrides."""

    low: float
    high: float
    spans: tuple[Span, ...]
    alone: bool = False


def read(text: str, today: datetime.date, taken: list[Span], *, asked: bool) -> Shoes | None:
    """The shoes' distance in `text` (cleaned, lower case), not from the `taken` spans (an
    increase's own weekly distances); `asked`: at the shoe question."""
    rate = next((r for r in compiled(_RATE).finditer(text) if not overlaps(r.span(), taken)),
                None)
    runs = _outings(text, taken)
    used = [*taken, *([rate.span()] if rate else []), *([runs[2]] if runs else [])]
    time = _time(text, today, used)
    if time is not None and rate is not None:
        weekly = _weekly_miles(rate)
        if weekly is not None:
            mid = (time[0] + time[1]) / 2 / 7
            lo, hi = min(weekly) * mid * (1 - MARGIN), max(weekly) * mid * (1 + MARGIN)
            return Shoes(lo, hi, (rate.span(), time[2]))
    if time is not None and runs is not None:
        (n_lo, n_hi), (short, long), span = runs
        if n_lo:
            return Shoes(time[0] / 7 * n_lo * short, time[1] / 7 * n_hi * long,
                         (span, time[2]))
    if time is not None and rate is None and runs is None and asked:
        top = time[1] / 7 * MAX_WEEKLY
        if top < 300:  # "2 weeks old": under 300 miles whatever the running
            return Shoes(0.0, top, (time[2],), alone=True)
    return _races(text, asked)


Outings = tuple[tuple[float, float], tuple[float, float], Span]


def _outings(text: str, taken: list[Span]) -> Outings | None:
    """Runs (or days of wear) a week, low and high; the miles of each, shortest and longest;
    where: "3x a week", "twice a week", "run in them most days", "wear them daily"."""
    for m in compiled(_RUNS).finditer(text):
        if overlaps(m.span(), taken):
            continue
        per_week = number(m["n"]) if m["n"] else None
        n = per_week[1] if per_week else {"once": 1, "twice": 2, "thrice": 3}.get(
            m["word"] or "", 0)
        return (n, n), RUN_MILES, m.span()
    for m in compiled(_DAILY).finditer(text):
        if overlaps(m.span(), taken):
            continue
        lo, hi = _DAYS_A_WEEK[m["freq"]]
        run = m["verb"].startswith(("run", "ran"))
        return (lo, hi), RUN_MILES if run else WEAR_MILES, m.span()
    return None


def overlaps(span: Span, spans: list[Span]) -> bool:
    return any(a < span[1] and span[0] < b for a, b in spans)


def _weekly_miles(m: re.Match[str]) -> list[float] | None:
    """Miles a week, said ("20 miles a week", "35-40 mpw": its middle) in each unit it may be
    in (no unit: miles or km)."""
    w = number(m["w"])
    if w is None:
        return None
    value = w[1]
    if m["w2"]:
        top = number(m["w2"])
        if top is None or top[1] <= value:
            return None
        value = (value + top[1]) / 2
    times = number(m["times"]) if m["times"] else (1.0, 1.0, 1.0)
    if times is None:
        return None
    value *= times[1]
    u = m["u"] or ""
    if u.startswith("mi") or u == "mls" or "mpw" in m.group():
        return [value]
    if u or "kpw" in m.group():
        return [value / KM_PER_MILE]
    return [value / KM_PER_MILE, value]


def _time(text: str, today: datetime.date, taken: list[Span]) -> tuple[float, float, Span] | None:
    """How long the shoes have been worn, in days (low, high), and where it is said."""
    for m in compiled(TIME).finditer(text):
        if overlaps(m.span(), taken) or compiled(_OFF).match(text, m.end()):
            continue
        n, days = number(m["n"]), unit(m["u"])
        if n is None or days is None:
            continue
        half = 0.5 * days if m["half"] else 0.0
        return n[0] * days + half, n[2] * days + half, m.span()
    month = compiled(_IN_MONTH).search(text)
    if month is not None:
        first = latest_month(today, MONTHS[month["month"]], 1)
        last = first if month["prep"] in ("since", "from") else first.replace(
            day=calendar.monthrange(first.year, first.month)[1])  # "since March": its 1st
        return _back(today, first, last, month.span())
    got = compiled(_SEASON).search(text)
    if got is not None:
        first, last = season(today, got["season"], got["which"] or "")
        return _back(today, first, last, got.span())
    got = compiled(_HOLIDAY).search(text)
    if got is not None:
        day = holiday(today, got["day"])
        return _back(today, day, day, got.span())
    return None


def _back(today: datetime.date, first: datetime.date, last: datetime.date, span: Span
          ) -> tuple[float, float, Span]:
    lo, hi = max((today - min(last, today)).days, 0), (today - first).days
    return float(lo), float(math.inf if hi < 0 else hi), span


def _races(text: str, asked: bool) -> Shoes | None:
    """Races run in the shoes: "about 40 parkruns in them", "two marathons" (at least); all
    they were run in when the answer says so ("30 parkruns, nothing else") or is that alone
    ("like 30 parkruns")."""
    lo = hi = 0.0
    spans: list[Span] = []
    only = asked and bool(_ONLY.search(text) or len(text.split()) <= _ALONE_WORDS)
    for m in compiled(_RACES).finditer(text):
        n = number(m["n"])
        race = m["race"].replace(" ", "").replace("-", "")
        key = next((k for k in RACE_MILES if race.startswith(k)), "")
        if n is None or not key or not (asked or m["own"]):
            continue
        miles = RACE_MILES["half"] if race.startswith(("halfs", "halves")) else RACE_MILES[key]
        lo += n[0] * miles
        hi += n[2] * miles * WARM_UP if m["own"] or only else math.inf
        spans.append(m.span())
    return Shoes(lo, hi, tuple(spans), alone=True) if spans else None
