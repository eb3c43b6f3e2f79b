"""Calendar days that messages date things by, for the number reader: Easter, Thanksgiving,
the holidays and the seasons (numdates.py dates the pain by them, numshoes.py the shoes).

Pure: no I/O; every function takes the day the message is read (`today`).
"""

from __future__ import annotations

import datetime

# The first month of each season (northern hemisphere, meteorological: three months each).
SEASONS = {"spring": 3, "summer": 6, "autumn": 9, "fall": 9, "winter": 12}


def easter(year: int) -> datetime.date:
    """Western Easter Sunday (anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    el = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * el) // 451
    month = (h + el - 7 * m + 114) // 31
    day = (h + el - 7 * m + 114) % 31 + 1
    return datetime.date(year, month, day)


def thanksgiving(year: int) -> datetime.date:
    """US Thanksgiving: the fourth Thursday of November."""
    first = datetime.date(year, 11, 1)
    return first + datetime.timedelta(days=(3 - first.weekday()) % 7 + 21)


# "… Day"s on a fixed date (month, day) or a rule (month, weekday, nth: -1 the last).
DAY_HOLIDAYS: dict[str, tuple[int, int] | tuple[int, int, int]] = {
    "anzac": (4, 25), "valentine's": (2, 14), "valentines": (2, 14), "valentine": (2, 14),
    "patrick's": (3, 17), "patricks": (3, 17), "paddy's": (3, 17), "paddys": (3, 17),
    "boxing": (12, 26), "memorial": (5, 0, -1), "father's": (6, 6, 3), "fathers": (6, 6, 3),
    "father": (6, 6, 3)}


def named_day(today: datetime.date, name: str) -> datetime.date:
    """The latest day of holiday `name` ("new year's", "christmas", "xmas", "easter",
    "thanksgiving", "black friday", "halloween", "bank", a key of DAY_HOLIDAYS) or race (a key
    of RACES) not after today."""
    if name == "bank":
        return bank_holiday(today)
    if name in DAY_HOLIDAYS:
        return day_holiday(today, DAY_HOLIDAYS[name])
    if name in RACES:
        return race_day(today, name)
    return holiday(today, name)


def day_holiday(today: datetime.date,
                 rule: tuple[int, int] | tuple[int, int, int]) -> datetime.date:
    for year in (today.year, today.year - 1):
        day = (datetime.date(year, rule[0], rule[1]) if len(rule) == 2
               else nth_weekday(year, *rule))
        if day <= today:
            return day
    return day


def holiday(today: datetime.date, name: str) -> datetime.date:
    """The latest day of holiday `name` ("new year's", "christmas", "xmas", "easter",
    "thanksgiving", "black friday", "halloween") not after today."""
    day = today
    for year in (today.year, today.year - 1):
        if name == "easter":
            day = easter(year)
        elif name in ("thanksgiving", "black friday"):
            day = thanksgiving(year) + datetime.timedelta(days=name != "thanksgiving")
        elif name.startswith("new"):
            day = datetime.date(year, 1, 1)
        else:
            day = datetime.date(year, 10, 31) if name == "halloween" else datetime.date(
                year, 12, 25)
        if day <= today:
            return day
    return day


def latest_month(today: datetime.date, month: int, over: int) -> datetime.date:
    """The 1st of the latest `month` begun at least `over` months before this one ("last
    summer": the latest summer begun three months ago or more, so over by now)."""
    year = today.year
    while (today.year - year) * 12 + today.month - month < over or (
            datetime.date(year, month, 1) > today):
        year -= 1
    return datetime.date(year, month, 1)


def season(today: datetime.date, name: str, which: str = "") -> tuple[datetime.date,
                                                                    datetime.date]:
    """The first and last day of season `name`: "last summer" (`which` "last") the latest one
    over by now, else the latest one begun by today."""
    first = latest_month(today, SEASONS[name], 3 if which == "last" else 0)
    end = first.month + 3
    last = datetime.date(first.year + (end > 12), (end - 1) % 12 + 1, 1) - datetime.timedelta(
        days=1)
    return first, last


def nth_weekday(year: int, month: int, weekday: int, n: int) -> datetime.date:
    """The `n`th `weekday` (Monday 0) of a month; `n` = -1 is the last."""
    if n > 0:
        first = datetime.date(year, month, 1)
        return first + datetime.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    last = datetime.date(year + month // 12, month % 12 + 1, 1) - datetime.timedelta(days=1)
    return last - datetime.timedelta(days=(last.weekday() - weekday) % 7)


def _bank_holidays(year: int) -> list[datetime.date]:
    """England's bank holidays (substitute days left out: a weekday off is dated by its
    holiday)."""
    e = easter(year)
    return [datetime.date(year, 1, 1), e - datetime.timedelta(days=2),
            e + datetime.timedelta(days=1), nth_weekday(year, 5, 0, 1),
            nth_weekday(year, 5, 0, -1), nth_weekday(year, 8, 0, -1),
            datetime.date(year, 12, 25), datetime.date(year, 12, 26)]


def bank_holiday(today: datetime.date) -> datetime.date:
    """The latest bank holiday (England's) not after today."""
    return max(d for y in (today.year, today.year - 1) for d in _bank_holidays(y) if d <= today)


# Races people date things by, whose day follows a rule: (month, weekday, nth of the month).
# The London marathon has no such rule (late April, but October in 2020-2022): not read.
RACES = {"boston": (4, 0, 3), "chicago": (10, 6, 2), "berlin": (9, 6, -1)}


def race_day(today: datetime.date, name: str) -> datetime.date:
    """The latest day of the race `name` (a key of RACES) not after today."""
    month, weekday, n = RACES[name]
    day = nth_weekday(today.year, month, weekday, n)
    return day if day <= today else nth_weekday(today.year - 1, month, weekday, n)
