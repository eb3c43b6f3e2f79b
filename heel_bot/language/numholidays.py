"""Named days that date the pain, for the date reader (heel_bot/language/numdates.py):
holidays ("since Christmas", "New Year's Eve", "Easter Monday", "Good Friday", "the bank
holiday Monday", "Anzac Day", "St Patrick's Day", "Valentine's Day", "Father's Day", "Memorial
Day", Mother's Day: the UK's in March or the US's in May, either), races with a rule for their
day ("the Boston marathon") and seasons ("since last summer"). The days themselves are
numcalendar's.
"""

from __future__ import annotations

import datetime

from heel_bot.language.numcalendar import (
    DAY_HOLIDAYS,
    RACES,
    SEASONS,
    day_holiday,
    easter,
    named_day,
    season,
)
from heel_bot.language.numtokens import Message

# A date read: (low, high, value) in days before today, its end token, whether it needs an
# onset word ("started", "since"...) to be the pain's.
DateRead = tuple[float, float, float, int, bool]

_LEADS = ("new", "christmas", "holidays", "bank", "easter", *RACES, *DAY_HOLIDAYS)
_BANK = ("holiday", "holidays", "hol")


def _days(m: Message, d: datetime.date) -> float:
    return float((m.today - d).days)


def holiday(m: Message, k: int) -> DateRead | None:
    """The most recent Christmas (Eve, Day), New Year('s Eve), Halloween, Easter (Sunday,
    Monday, Good Friday), Thanksgiving, bank holiday, a named "… Day", or a race with a rule
    for its day ("the Boston marathon")."""
    t, today = m.t, m.today
    w, j = t[k], k + 1
    if w in ("the", "st", "saint") and t[k + 1] in _LEADS:
        w, j = t[k + 1], k + 2
    if w == "good" and t[j] == "friday":
        return _at(m, _easter_day(today, -2), j + 1)
    if w == "easter" and (t[j] == "monday" or (t[j] == "bank" and t[j + 1] in _BANK)):
        return _at(m, _easter_day(today, 1), j + 1 + (t[j] == "bank"))
    if w in ("mother's", "mothers", "mother", "mothering") and t[j] in ("day", "sunday"):
        # the UK's (three weeks before Easter) or the US's (May's second Sunday): either
        us = day_holiday(today, (5, 6, 2))
        uk = _easter_day(today, -21)
        lo, hi = sorted((_days(m, us), _days(m, uk)))
        return lo, hi, (lo + hi) / 2, j + 1, True
    if w in DAY_HOLIDAYS and t[j] == "day":
        return _at(m, named_day(today, w), j + 1)
    if w == "new" and t[j] in ("year", "years", "year's"):
        j += 1 + (t[j + 1] == "'")
    elif (w == "bank" and t[j] in _BANK) or (w in RACES and t[j] == "marathon"):
        j += 1 + (w == "bank" and t[j + 1] in ("monday", "weekend"))
    elif w not in ("christmas", "xmas", "halloween", "easter", "thanksgiving"):
        return None
    eve = w in ("christmas", "xmas", "new") and t[j] == "eve"
    if eve:  # the latest eve is the day before the holiday as seen from tomorrow
        day = named_day(today + datetime.timedelta(days=1), w) - datetime.timedelta(days=1)
    else:
        day = named_day(today, w)
    j += t[j] in ("day", "eve") and w in ("christmas", "xmas", "new")
    return _at(m, day, j)


def _easter_day(today: datetime.date, offset: int) -> datetime.date:
    """The latest day `offset` days from Easter Sunday, not after today."""
    day = easter(today.year) + datetime.timedelta(days=offset)
    return day if day <= today else easter(today.year - 1) + datetime.timedelta(days=offset)


def _at(m: Message, day: datetime.date, end: int) -> DateRead:
    d = _days(m, day)
    return d, d, d, end, True


def seasonal(m: Message, k: int) -> DateRead | None:
    """ "last summer" (the latest one over by now), "the winter", "since spring": from the
    season's last day (or today) back to its first. Not "no fall", "since the fall" (a fall)."""
    t = m.t
    which = t[k] if t[k] in ("last", "this", "the", "past") else ""
    j = k + bool(which)
    if t[j] not in SEASONS or not (which or t[k - 1] in ("since", "from")) or (
            t[j] == "fall" and which not in ("last", "this", "past")):
        return None
    first, end = season(m.today, t[j], which)
    lo, hi = _days(m, min(end, m.today)), _days(m, first)
    return lo, hi, (lo + hi) / 2, j + 1, True
