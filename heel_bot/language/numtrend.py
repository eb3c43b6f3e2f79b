"""The trend told by two pain scores, the earlier one first: "was a 6 now a 3" (improving),
"3/10 last week, 6/10 now" (worse), "from a 2 to a 5 in 10 days" (worse), "still a 4, same as
last week" is left to the words. People answer "better or worse?" with numbers as often as with
words; a score that went down is an improving heel."""

from __future__ import annotations

import re

TREND = "trend"
_SCORE = (r"(?:a |an |at |about |around |like |maybe |more like |only |just )*"
          r"(?P<{n}>10|[0-9])(?!\d)(?:\s*(?:/|out of)\s*10)?")
_THEN = (r"(?:it was|was|were|from|started at|started as|started out at|used to be|went from|"
         r"it started at|at first|at the start|initially|last week|yesterday|before|earlier)")
_NOW = (r"(?:now|to|today|this week|currently|these days|and now|but now|now it's|now its|"
        r"down to|up to|it's now|its now|it is now)")
_LATER = r"(?:last week|yesterday|before|at first|a week ago|last month|earlier|initially)"
_CURRENT = r"(?:now|today|this week|currently|at the moment|atm|rn)"
# what may follow the later score: not a noun ("from 2 to 4 netball sessions" counts sessions)
_ENDS = r"(?=\s*(?:$|[,.;:!?)]|(?:now|today|in|over|within|this|and|but|after|since|by)\b))"
# "was a 6 now a 3", "from a 2 to a 5"
_WORDS_FIRST = re.compile(r"\b" + _THEN + r"\s+" + _SCORE.format(n="a")
                          + r"[,.;]?\s+(?:and\s+|but\s+)?" + _NOW
                          + r"\s+(?:it's\s+|its\s+|it is\s+)?" + _SCORE.format(n="b") + _ENDS)
# "3/10 last week, 6/10 now"
_SCORES_FIRST = re.compile(r"(?<![\d/])(?P<a>10|[0-9])\s*(?:/|out of)\s*10\s+" + _LATER
                           + r"[,.;]?\s+(?:and\s+|but\s+)?(?:it's\s+|its\s+)?(?P<b>10|[0-9])\s*"
                           r"(?:/|out of)\s*10\s+" + _CURRENT + r"\b")


def trend(cleaned: str) -> tuple[str, int, int] | None:
    """(value, start, end) of the trend two scores tell, or None."""
    for pattern in (_WORDS_FIRST, _SCORES_FIRST):
        m = pattern.search(cleaned)
        if m is not None:
            a, b = int(m["a"]), int(m["b"])
            value = "improving" if b < a else "worse" if b > a else "same"
            return value, m.start(), m.end()
    return None


def record(cleaned: str, readings: dict[str, list[tuple[str, int]]],
           quotes: dict[str, str]) -> None:
    """Add the trend two scores tell to the language layer's `readings` (slot -> [(value,
    offset)]) and `quotes` (heel_bot/language/understand.py)."""
    found = trend(cleaned)
    if found is not None:
        value, start, end = found
        readings.setdefault(TREND, []).append((value, start))
        quotes.setdefault(TREND, cleaned[start:end])
