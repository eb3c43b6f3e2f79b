"""Dates that say how long it has hurt, for the number reader (heel_bot/language/numbers.py).

Relative days ("yesterday", "the other day", "last night"), calendar periods ("last week",
"this month", "last weekend", "since Monday"), months and days ("since March", "mid March",
"the end of March", "since 3 March 2024"), years ("since 2022"), holidays ("since Christmas",
"New Year", "Easter", "Halloween", "Thanksgiving"; the days are numcalendar's), seasons ("since
last summer") and the start of a period ("since the start of the month"): each as a duration in
days up to the message's `today`.
"""

from __future__ import annotations

import calendar
import datetime

from heel_bot.language.numholidays import DateRead, holiday, seasonal
from heel_bot.language.numtokens import Found, Message
from heel_bot.language.numvocab import (
    ABBR_DAY_ENDS,
    ABBR_DAY_NOT_AFTER,
    AMBIGUOUS_MONTHS,
    DECADES,
    DURATION,
    MONTH,
    MONTHS,
    ORDINALS,
    SPANS,
    UNITS,
    WEEKDAY_ABBR,
    WEEKDAY_ABBR_AFTER,
    WEEKDAYS,
    YEAR,
)

_WHERE = {"early": 1, "start": 1, "beginning": 1, "mid": 15, "middle": 15, "late": 22,
          "end": 31}  # "mid March": the 15th
_BEFORE_YEAR = frozenset({",", *MONTHS})
# Before a weekday ("on" aside), words of a day to come: "my race is on Sunday", "the taper
# starts Monday", "back at work Monday".
_PLANNED = frozenset({"is", "are", "it's", "its", "starts", "start", "begins", "begin", "till",
                      "until", "til", "next", "due", "booked", "planned"})
_NEAR_DAY_WORDS = frozenset({"yesterday", "today", "tonight", "this", "earlier", "the", "last",
                             "past"})  # the words that may start a `_near_day`


def relative(m: Message, i: int) -> Found | None:
    """A date at token i as a duration, "since" / "from" / "ever since" included."""
    t = m.t
    since = t[i] in ("since", "from") or (t[i] == "ever" and t[i + 1] == "since")
    k = i + (2 if t[i] == "ever" else 1 if since else 0)
    try:
        got = date_at(m, k, since)
    except (ValueError, OverflowError):  # dates before year 1 or after 9999
        return None
    if got is None or (since and m.trend_before(i)):
        return None
    lo, hi, v, j, needs_anchor = got
    if (needs_anchor and not since and not m.onset_near(k) and not m.onset_after(j)
            and not m.bare(k, j)):
        return None
    event = needs_anchor and not since and m.event_before(k)  # "fell off a wall sat"
    return Found(DURATION, v, lo, hi, i if since else k, j, "", event)


def days_since(m: Message, d: datetime.date) -> float:
    """Whole days from `d` to the message's today."""
    return float((m.today - d).days)


def date_at(m: Message, k: int, since: bool) -> DateRead | None:
    """A relative date at token k: (low, high, value days, end, needs an onset word)."""
    t = m.t
    w, nxt = t[k], t[k + 1]
    if w in _NEAR_DAY_WORDS:
        got = _near_day(m, k)
        if got is not None:
            return got
    if w == "last":
        return last(m, k) or seasonal(m, k)
    if w == "this" and nxt in ("week", "month"):
        today = m.today
        hi = float(today.weekday() if nxt == "week" else today.day - 1)
        return 0.0, hi, hi / 2, k + 2, True
    if since and w in ("my", "his", "her") and nxt in DECADES:  # "since my twenties": years
        return 365.0, 365.0 * 80, 365.0 * 5, k + 2, False
    day = weekday_at(m, k)
    if day is not None:
        if not since and _appointed(m, k):
            return None  # "my race is on Sunday": a day to come, perhaps
        return _weekday(m, day, k + 1)
    if (w == "the" and nxt == "weekend") or w == "weekend":
        end = k + (2 if w == "the" else 1)
        if w == "weekend" and t[k - 1] not in ("last", "past"):
            return None
        if tuple(t[end:end + 2]) == ("before", "last"):  # the weekend before last
            lo, hi, v, _, anchor = weekend(m, end, previous=True)
            return lo + 7, hi + 7, v + 7, end + 2, anchor
        return weekend(m, end, previous=False)
    if t[k + 1] == "/":
        return slashed(m, k)
    got = (_year(m, k) if since else None) or holiday(m, k) or seasonal(m, k)
    if got is not None:
        return got
    return month_date(m, k, since)


def _year(m: Message, k: int) -> DateRead | None:
    """ "(since) 2022": its 1 January."""
    year = m.nums[k]
    if year is None or m.t[k + 1] in UNITS or len(m.t[k]) != 4:
        return None
    if 1900 <= year <= m.today.year and year == int(year):
        d = days_since(m, datetime.date(int(year), 1, 1))
        return d, d, d, k + 1, False
    return None


def _near_day(m: Message, k: int) -> DateRead | None:
    """ "yesterday", "today", "this morning", "the day before yesterday", "the other day",
    "the last week", "the past month" (a span back from today, not a calendar period)."""
    t = m.t
    w, nxt = t[k], t[k + 1]
    if w == "yesterday":
        return 1.0, 1.0, 1.0, k + 1, True
    if w in ("today", "tonight") or (w == "this" and nxt in (
            "morning", "afternoon", "evening", "am", "pm")):
        return 0.0, 0.0, 0.0, k + (1 if w != "this" else 2), True
    if w == "earlier" and nxt == "today":
        return 0.0, 0.0, 0.0, k + 2, True
    if w == "the" and nxt == "day" and t[k + 2] == "before" and t[k + 3] == "yesterday":
        return 2.0, 2.0, 2.0, k + 4, True
    if w == "the" and nxt == "other" and t[k + 2] == "day":
        return 2.0, 6.0, 3.0, k + 3, True
    if w in ("last", "past") and nxt in SPANS and (w == "past" or t[k - 1] in (
            "the", "this")):
        days = SPANS[nxt]  # "the last week", "the past month": a span, not a calendar week
        return days, days, days, k + 2, False
    return None


def last(m: Message, k: int) -> DateRead | None:
    """ "last night/week/month/year/weekend/Monday" (calendar)."""
    t, today = m.t, m.today
    what = t[k + 1]
    if what == "night":
        return 0.0, 1.0, 1.0, k + 2, True
    if what == "week":
        day = weekday_at(m, k + 2)
        if day is not None:  # "last week Tuesday"
            return _in_week_before(m, day, k + 3)
        wd = today.weekday()
        lo, hi = float(wd + 1), float(wd + 7)
        return lo, hi, min(max(7.0, lo), hi), k + 2, True
    if what == "month":
        first_this = today.replace(day=1)
        last_prev = first_this - datetime.timedelta(days=1)
        lo, hi = days_since(m, last_prev), days_since(m, last_prev.replace(day=1))
        return lo, hi, min(max(MONTH, lo), hi), k + 2, True
    if what == "year":
        lo = days_since(m, datetime.date(today.year - 1, 12, 31))
        hi = days_since(m, datetime.date(today.year - 1, 1, 1))
        return lo, hi, min(max(YEAR, lo), hi), k + 2, True
    if what == "weekend":
        return weekend(m, k + 2, previous=True)
    day = weekday_at(m, k + 1)
    if day is None:
        return None
    # "last Tuesday": the Tuesday of the previous week when Tuesday was yesterday (one would
    # say "yesterday" otherwise: said on a Wednesday it is 8 days back) or is later in the week
    # than today (its most recent one is then last week's anyway: on a Wednesday "last Friday"
    # is 5 days back); the same weekday as today is a week back. A weekday earlier this week
    # but not yesterday ("last Monday" on a Wednesday) is read both ways by English speakers:
    # 2 or 9 days, a range that straddles a week and gives no value.
    back = (today.weekday() - day) % 7 or 7
    if back == 1:
        back = 8
    elif back <= today.weekday():
        return float(back), float(back + 7), float(back + 7), k + 2, True
    return float(back), float(back), float(back), k + 2, True


def weekday_at(m: Message, k: int) -> int | None:
    """The weekday named at token k (Monday 0): in full, or abbreviated after "since", "last",
    "on"... ("since sat")."""
    w = m.t[k]
    if m.t[k - 1] in ("a", "every", "each", "any"):
        return None  # "parkrun starts at 9 on a Saturday": any Saturday, not a date
    if w.endswith("'s") or (w.endswith("s") and m.t[k - 1] in ("since", "from")):
        w = w.removesuffix("'s").removesuffix("s")  # "since Saturday's parkrun", "saturdays"
    if w in WEEKDAYS:
        return WEEKDAYS[w]
    if w in WEEKDAY_ABBR and (m.t[k - 1] in WEEKDAY_ABBR_AFTER or _dated_abbr(m, k)):
        return WEEKDAY_ABBR[w]
    return None


def _appointed(m: Message, k: int) -> bool:
    """Whether the weekday at token k is a plan: "my race is on Sunday", "parkrun's on sat"."""
    t = m.t
    p = k - 1 - (t[k - 1] == "on")
    return t[p] in _PLANNED or (t[p].endswith("'s") and p < k - 1)


def _dated_abbr(m: Message, k: int) -> bool:
    """An abbreviated weekday ending the clause of an onset word: "fell off a wall sat, ...",
    "rolled my ankle thurs" (not "I sat", "in the sun", "then sat down")."""
    t = m.t
    return t[k + 1] in ABBR_DAY_ENDS and t[k - 1] not in ABBR_DAY_NOT_AFTER and m.onset_near(k)


def _weekday(m: Message, day: int, end: int) -> DateRead:
    """ "Tuesday": its most recent one before today; "Tuesday last week", "Tuesday of last
    week", "Tuesday the week before": the previous week's."""
    t = m.t
    for words in (("last", "week"), ("of", "last", "week"), ("the", "week", "before")):
        if tuple(t[end:end + len(words)]) == words:
            return _in_week_before(m, day, end + len(words))
    back = (m.today.weekday() - day) % 7 or 7
    return float(back), float(back), float(back), end, True


def _in_week_before(m: Message, day: int, end: int) -> DateRead:
    """Weekday `day` of the calendar week (Monday to Sunday) before this one."""
    back = float(m.today.weekday() - day + 7)
    return back, back, back, end, True


def weekend(m: Message, end: int, *, previous: bool) -> DateRead:
    """The weekend (this one if it is now, unless `previous`), ending at token `end`."""
    wd = m.today.weekday()  # Saturday 5, Sunday 6
    if wd >= 5 and not previous:
        return 0.0, float(wd - 5), float(wd - 5), end, True
    sunday = (wd - 6) % 7 or 7
    return float(sunday), float(sunday + 1), float(sunday), end, True


def this_period(m: Message, j: int, where: int) -> DateRead | None:
    """ "(the start of) the month / this year / the week / last month"."""
    t, today = m.t, m.today
    which = t[j]
    if which not in ("the", "this", "last"):
        return None
    period = t[j + 1]
    if period == "month":
        first = today.replace(day=1)
        if which == "last":
            first = (first - datetime.timedelta(days=1)).replace(day=1)
        length = calendar.monthrange(first.year, first.month)[1]
        d = first.replace(day=min(where, length))
    elif period == "year" and where == 1:
        d = datetime.date(today.year - (which == "last"), 1, 1)
    elif period == "week" and where == 1:
        d = today - datetime.timedelta(days=today.weekday() + 7 * (which == "last"))
    else:
        return None
    if d > today:
        return None
    x = days_since(m, d)
    return x, x, x, j + 2, True


def month_date(m: Message, k: int, since: bool) -> DateRead | None:
    """ "March", "early/mid/late March", "the end of March", "3 March", "March 3rd"."""
    t = m.t
    j = k
    if t[j] == "the":
        j += 1
    where = 1
    if t[j] in _WHERE:
        where = _WHERE[t[j]]
        j += 1
        if t[j] in ("of", "-"):
            j += 1
    day = None  # "3 March", "3rd of March"
    if m.nums[j] is not None and (t[j + 1] in ORDINALS or t[j + 1] == "of"
                                  or t[j + 1] in MONTHS):
        day = m.nums[j]
        j += 1
        if t[j] in ORDINALS:
            j += 1
        if t[j] == "of":
            j += 1
    if where != 1 or t[j - 1] in ("of", "early", "start", "beginning"):
        this = this_period(m, j, where)
        if this is not None:
            return this
    if t[j] not in MONTHS:
        if day is not None and t[k] == "the" and t[j - 1] in ORDINALS:
            return _day_of_month(m, day, j)  # "since the 4th", "the marathon on the 4th"
        return None
    if t[j] in AMBIGUOUS_MONTHS and not since and j == k and t[k - 1] not in (
            "in", "of", "since", "from", "-"):
        return None  # "I may...": abbreviations and May need "since"/"in"
    month = MONTHS[t[j]]
    whole = j == k and t[k - 1] == "in" and not since  # "the marathon in April"
    day, year, j = _after_month(m, j + 1, day)
    if whole and day is None:
        return _whole_month(m, month, year, j)
    return _dated(m, month, where if day is None else day, year, j)


def _whole_month(m: Message, month: int, year: int | None, j: int) -> DateRead | None:
    """ "in April": any day of the most recent April begun by today (or of April `year`),
    from its last day (or today) back to its first."""
    today = m.today
    for y in [year] if year is not None else [today.year, today.year - 1]:
        if not 1 <= y <= 9999:
            return None
        first = datetime.date(y, month, 1)
        if first <= today:
            last = first.replace(day=calendar.monthrange(y, month)[1])
            lo, hi = days_since(m, min(last, today)), days_since(m, first)
            return lo, hi, (lo + hi) / 2, j, True
    return None


def _after_month(m: Message, j: int, day: float | None
                 ) -> tuple[float | None, int | None, int]:
    """The day and year after a month ("March 3rd", "March 2024", "March 3, 2024"), from
    token j: (day, year, end)."""
    t = m.t
    year: int | None = None
    nv = m.nums[j]
    if day is None and nv is not None and t[j + 1] not in UNITS:
        if len(t[j]) == 4 and 1900 <= nv <= 9999:
            year = int(nv)  # "since March 2023"
        else:
            day = nv
            j += 1 + (t[j + 1] in ORDINALS)
    if year is None and m.nums[j] is not None and len(t[j]) == 4 and t[j - 1] in _BEFORE_YEAR:
        year = int(m.nums[j] or 0)
    if year is not None:
        j += 1
    return day, year, j


def slashed(m: Message, k: int) -> DateRead | None:
    """ "3/4", "1/5/25": a date in digits, read day first (as most of the world writes it) and
    month first (as Americans do). Both readings make the range, so a date whose readings
    fall in different answers is asked again ("1/5": 13 days or four months)."""
    t, nums = m.t, m.nums
    a, b = nums[k], nums[k + 2]
    if a is None or b is None or "." in t[k] + t[k + 2] or not (1 <= a <= 31 and 1 <= b <= 31):
        return None
    if b == 10 and t[k - 1] not in ("since", "from", "on"):
        return None  # "2/10 at the start": a pain score
    end, year = k + 3, None
    y = nums[k + 4]
    if t[end] == "/" and y is not None and "." not in t[k + 4] and len(t[k + 4]) in (2, 4):
        year, end = int(y) + (2000 if y < 100 else 0), end + 2
    reads = [r for day, month in ((a, b), (b, a)) if month <= 12
             for r in [_dated(m, int(month), day, year, end)] if r is not None]
    if not reads:
        return None
    lo, hi = min(r[0] for r in reads), max(r[1] for r in reads)
    return lo, hi, reads[0][2], end, True


def _dated(m: Message, month: int, day: float, year: int | None, j: int) -> DateRead | None:
    """Days since day `day` of `month` (1, 15, 22 or 31 for early, mid, late or the end of it)
    in `year`, or since the most recent such day not after today."""
    today = m.today
    if day != int(day) or not 1 <= day <= 31:
        return None
    where = int(day)
    tries = [year] if year is not None else [today.year, today.year - 1]
    for y in tries:
        if not 1 <= y <= 9999:
            return None
        d = datetime.date(y, month, min(where, calendar.monthrange(y, month)[1]))
        if d <= today:
            x = days_since(m, d)
            return x, x, x, j, True
    return None


def _day_of_month(m: Message, day: float, j: int) -> DateRead | None:
    """Days since the most recent day `day` of a month, not after today ("the 4th")."""
    today = m.today
    if day != int(day) or not 1 <= day <= 31:
        return None
    year, month = today.year, today.month
    for _ in range(3):  # the 31st: the latest month that has one
        if day <= calendar.monthrange(year, month)[1]:
            d = datetime.date(year, month, int(day))
            if d <= today:
                x = days_since(m, d)
                return x, x, x, j, True
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return None
