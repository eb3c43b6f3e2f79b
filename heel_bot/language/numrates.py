"""The pieces of the training arithmetic (numtraining.py, numshoes.py): numbers, hedges, units
and weekly rates as regular expressions, and the numbers and days they mean.

Pure: the expressions are compiled when first used (`compiled`), not on import, since `heel-bot
serve` imports the language layer at start-up.
"""

from __future__ import annotations

import functools
import re

from heel_bot.language.numvocab import ONES, TEENS, TENS

DAY_UNITS = {"day": 1.0, "week": 7.0, "wk": 7.0, "month": 30.4, "mo": 30.4, "year": 365.0,
             "yr": 365.0, "fortnight": 14.0}
WORDS = {**ONES, **TEENS, **TENS, "a": 1, "an": 1, "half a": 0.5, "a couple of": 2,
         "a couple": 2, "couple of": 2}
# A count of runs said as an adverb ("from twice a week to 4 times"): a number only where a
# count of runs is read (numtraining), never a distance ("run twice a week" is not 2 miles)
TIMES = {"once": 1, "twice": 2}
_VALUES = {**WORDS, **TIMES}  # what a word says, in a count of runs
_WORD = "|".join(sorted((re.escape(w) for w in WORDS), key=len, reverse=True))
NUM = rf"(?:\d+(?:[.,]\d+)?|(?:{_WORD})(?:[- ](?:{'|'.join(ONES)}))?(?: hundred)?)"
COUNT = rf"(?:{NUM}|{'|'.join(TIMES)})"
HEDGE = (r"(?:(?:about|around|roughly|approx|approximately|maybe|like|probably|prob|bout|abt|"
         r"~)\s*)?")
DIST = r"(?:miles?|mi|mls|km|kms|k|kilomet(?:re|er)s?)"
WEEKLY = r"(?:\s*(?:a|per|each|every|/)\s*(?:week|wk)\b|\s*(?:mpw|kpw)\b)"
TIME = (
    rf"(?P<n>{HEDGE}{NUM})\s*-?\s*(?P<u>days?|weeks?|wks?|months?|mos?|years?|yrs?)\b"
    rf"(?P<half>\s+and\s+a\s+half)?")
_FORTNIGHTS = rf"(?P<n>{NUM})\s*(?P<u>fortnight)s?"

compiled = functools.cache(re.compile)


def number(words: str) -> tuple[float, float, float] | None:
    """A number with its hedge ("about 25": 22.5-27.5), as (low, value, high)."""
    words = words.strip()
    hedged = re.match(HEDGE, words)
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
    if core in _VALUES:
        return float(_VALUES[core])
    total = 0.0
    for p in parts:
        if p == "hundred":
            total = (total or 1.0) * 100
        elif p in WORDS:
            total += WORDS[p]
        else:
            return None
    return total or None


def days(period: str) -> float | None:
    """The days of a period ("two weeks", "a fortnight", "3 months")."""
    period = period.strip()
    if period == "a fortnight":
        return 14.0
    m = compiled(TIME).fullmatch(period) or compiled(_FORTNIGHTS).fullmatch(period)
    if m is None:
        return None
    n = number(m["n"])
    u = unit(m["u"])
    return None if n is None or u is None else n[1] * u


def unit(word: str) -> float | None:
    """Days in a unit of time ("weeks", "mo", "yrs")."""
    for name, d in DAY_UNITS.items():
        if word.rstrip("s") == name:
            return d
    return None
