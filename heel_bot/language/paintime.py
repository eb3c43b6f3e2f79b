"""Whose time a duration is: the pain's, or something else's (the training, a condition, a
lump, the shoes), for the language layer's number reading (heel_bot/language/understand.py);
and which of the pain's times wins: its own duration over the day of an injury."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from heel_bot.language.numbers import Quantity
from heel_bot.language.numvocab import DURATION

# Words of the pain itself: a duration typed at the shoe question counts as the pain's only
# with one of them ("I've had them 6 months" is the shoes' age).
TIME = re.compile(r"\b(?:days?|weeks?|wks?|months?|mos?|mths?|years?|yrs?|ago|since)\b")
# A time said of something other than the pain, just before it: "been running 10 years",
# "type 2 since 2015", "married for years", a lump (`_THING`) "been there for years".
_OTHER_TIME = re.compile(r"\b(?:running|run|jogging|racing|training|runner|diabetic|diabetes|"
                         r"type (?:1|2|one|two|i|ii)|t[12]d?m?|married|(?P<there>there)|sat|"
                         r"sitting)"
                         r"(?:\s+(?:for|since|about|around|over|nearly|almost|like|the|last|"
                         r"past|a|few|many|several|couple|of|\d+))*\s*$")
_THING = re.compile(r"\b(?:bump|lump|spur|bony|knot|swelling|callus|cyst|nodule|scar|wart)s?\b")
PAIN = re.compile(r"\b(?:pain|hurt|hurts|hurting|hurted|sore|ache|aches|aching|started|began|"
                  r"injur\w*|heel|foot)\b")


def other_time(cleaned: str, at: int) -> bool:
    """Whether the time at offset `at` is said of something other than the pain ("it's been
    there since March" is the pain's when no lump or bump is named)."""
    found = _OTHER_TIME.search(cleaned[max(0, at - 40):at])
    return found is not None and not (found["there"] and not _THING.search(cleaned))


# The shoes' time, just before it: "switched to minimalist shoes a couple of weeks ago" (not
# when the pain is dated by them: "since I switched to new shoes 10 days ago").
_SHOES_TIME = re.compile(r"\b(?:shoes|trainers|sneakers|runners|pair|spikes|boots)\s*$")
_DATED_BY = re.compile(r"\b(?:since|(?:started|began|begun|start(?:ing)?) when)\b[^.;,]*$")


def shoes_time(cleaned: str, at: int) -> bool:
    """Whether the time at offset `at` is the shoes' (said right after them), not the pain's."""
    before = cleaned[max(0, at - 60):at]
    return bool(_SHOES_TIME.search(before)) and not _DATED_BY.search(before)


def within(span: tuple[int, int], spans: Iterable[tuple[int, int]]) -> bool:
    """Whether `span` lies inside one of `spans`."""
    return any(a <= span[0] and span[1] <= b for a, b in spans)


def pain_first(found: Sequence[Quantity], cleaned: str,
               elsewhere: Iterable[tuple[int, int]] = ()) -> list[Quantity]:
    """`found` without the durations up to the day of an injury ("fell yesterday") when
    another is the pain's own: "heel pain 10 days, fell yesterday" has hurt 10 days (a time
    said of something else, `other_time` or within `elsewhere`, is not the pain's)."""
    spans = tuple(elsewhere)
    own = any(q.kind == DURATION and not q.event and not other_time(cleaned, q.span[0])
              and not within(q.span, spans) for q in found)
    return [q for q in found if not (own and q.event)]
