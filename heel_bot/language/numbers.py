"""Numbers with units in free text: how long it has hurt, how far the shoes have gone, how old.

Symptom model, *Typed answers* rule 3: "10 days" is 1–3 weeks, "about 40 days" over 3 weeks,
"600 miles" over 500, "900 km" over 500 miles, "I'm 13" under 16. `find_quantities` reads every
such quantity in a message as a `Quantity` (a value, and the range the words may mean);
`slot_value` turns one into a `(slot, value)` pair only when the whole range lies in one value
(bounds: under 7 days / 7–21 days / over 21; under 300 / 300–500 / over 500 miles; under 16 /
16 and over); `read_number` reads a number alone ("forty", "a dozen", "6 1/2", "½").

Pure: no I/O and no state; only calendar dates ("since March", "last week") need today's date,
and `today=` should be passed (without it `datetime.date.today()` is read). Regexes are
compiled once at import. Measured on CPython 3.11: 14 µs per call on average over 10,000
messages drawn from the typed-answer corpus (tests/language/, 31 characters on average), 85 µs
for its longest (242 characters), 7 ms for 10,000 characters; tests/test_language_numbers.py
holds the speed test. It never raises: any text (emoji, 10,000 characters, other scripts) gives
a list, perhaps empty; Unicode decimal digits ("١٣", "１３") are read as digits.

What is read
- Numbers: digits ("11", "1.5", "1,5", "1,000"), fractions ("½", "6 1/2", "6½", "and a half"),
  number words to 999,999 ("forty", "twenty-one", "one hundred and twenty", "a hundred",
  "fifteen hundred"), "a dozen", "half a dozen", "half a thousand", and the vague "couple"
  (2, 1.5–2.5),
  "few" (3, 2–5) and "several" (4, 3–6), also before "hundred" ("a few hundred miles").
- Ranges: "2-3 weeks", "2 to 3", "2 or 3", "2/3 weeks" (a/b with b = a+1 ≥ 3 is a range),
  "between 10 and 14 days", "a week or two", "2 weeks to a month" (value: the midpoint).
- Units: days (d), weeks (wk, wks, w), fortnights, months (mo, mos, mth, mths; 30 days), years
  (yr, yrs, y; 365 days), hours only in "5 hours ago" / "the past 24 hours"; miles (mi, mls),
  kilometres (km, kms, any spelling; 1 mile = 1.609 km) and "k" (see below). A few common typos
  ("weks", "dyas", "monthes", "yeras", "miels"). "2 weeks and 3 days" and "a month and a half"
  add up. "For weeks", "it's been months": at least two of the unit (2–8 weeks, 2–24 months).
- Hedges, recorded in `hedge`: "approx" (about, around, roughly, maybe, probably, like, ~,
  "-ish", "or so": the range widens by 15% either side, but by no more than half the step the
  number was rounded to, so "about 40 days" is 35–45, "about 750 km" 725–775 km, "about 10
  days" 8.5–11.5; "about a week" and "about 3 weeks" straddle a bound and give no value),
  "at_least" (over, more than, just over, "or more", "+": "over 3 weeks" and "3+ weeks" / "3
  weeks+" / "500+" exclude the number itself, "at least 3 weeks" and "3 weeks or more" include
  it), "at_most" (under, less than, not even, up to, "or less", "not 16 yet"), "nearly"
  (nearly, almost: just under the number, down to 15% below it). Vague counts ("a few") are
  hedged "approx". A number denied without "yet" ("not 13, I'm 31") is not read. A softened
  correction after it ("About three weeks? Maybe a bit less", "a week, or a little more") makes
  it just under (hedge "nearly") or just over; "500 miles, give or take" is hedged as "500
  miles give or take".
- Relative dates (durations up to `today`): "yesterday" 1, "today"/"this morning"/"tonight" 0,
  "last night" 0–1, "the other day" 2–6, "last week" the previous Monday–Sunday, "last month"
  and "last year" the previous calendar month or year, "this week"/"this month" so far,
  "last weekend", "at the weekend", "the weekend before last", weekdays ("since Monday": the
  most recent past Monday; "since Saturday's parkrun", "since saturdays parkrun", "since sat",
  "last thurs": abbreviated after since / from / last / on / past; "Tuesday last
  week": the previous calendar week's; "last Tuesday": the previous week's when Tuesday was
  yesterday or is later in the week than today, else both readings, which straddle a week),
  "in April" (any day of it), "since March" (the 1st of the most recent March not after
  today; "mid March" the 15th, "late March" the 22nd, "end of March" its last day; "since 3
  March" / "since March 3rd" / "since March 2024"),
  "since the start of the month / year / week", "since 2022" (1 January), "since Christmas /
  New Year / Easter / Halloween / Thanksgiving / the bank holiday (England's) / the Boston
  (Chicago, Berlin) marathon" (races whose day follows a rule), "since my twenties" (a year or
  more), seasons after since / from / last / this / the
  ("since last summer": the latest one over; "last fall", not "since the fall"), "N weeks ago"
  (also "back", "before 2 weeks"),
  "since 2 weeks" (as non-native speakers say it), "the past week" / "the last month" (7, 30
  days). A date word counts only after "since"/"from", within 8 words after an onset word
  ("started", "began", "noticed", "first", "felt", "kicked in", "flared up"...; 12 with no
  comma between: "felt a pop in the back of my ankle playing pickleball yesterday"), an
  injury's ("fell", "twisted", "rolled", "landed", "a pop", "snap", "bruised", "hit my heel"; an
  abbreviated weekday ending its clause: "fell off a wall sat, ..."; such a day is marked
  `event`: a duration of the pain itself beats it, "heel pain 10 days, fell yesterday"; not what
  something "is on": "my race is on Sunday"), before "(and)
  now" or "ever since" ("ran a half on Sunday, now the heel hurts"; not "now it's worse"),
  before a sentence of the pain ending on "since" ("slipped in February. It's never been right
  since."; not "haven't run since"), or
  when it is the whole answer: "I ran 10 miles yesterday" says nothing about how long it has
  hurt.
- Ages: "I'm 13", "im 13", "I am 13", "she's eleven", "he is 12", "my son is 12", "my son
  Alfie is 10", "my daughter's 10", "my son (9)", "age 9", "aged 9", "just turned 16", "13 years
  old", "13-year-old", "13yo", "13 y/o", "I have 35 years", "Runner, 32F", "born in 2012" (12–13),
  "born in '88", "16 next month" / "turning 16" (15), school years ("year 9" UK 13–14, "8th
  grade" US 13–14, after "in" or as the whole answer), decades with "in my/his/her" or
  early/mid/late ("in my forties" 40–49, "mid 30s" 33–36, "late teens" 17–19; "in the 30s" and
  "it was mid 30s today" are not ages), "a teenager" after "I'm / she's" (13–19), profiles
  ("45M", "32F marathoner", "T2 diabetic, 57, ...", "..., not diabetic, 38", "Walker, 55, ...",
  "34 and healthy"; with `opening=`, any whole number 5-99 in digits standing as its own item
  between commas or a sentence's edges, "38, pain under heel, 2 months", "..., wakes me up,
  45", or "38 years, ..." at 16 or more opening its sentence; not one of a list of numbers,
  a score or a size: "10, 12, 15 miles", "pain level, 7"), club categories ("V45" 45–49;
  "M50", "W40" only at the age question or with "masters", "vet", "club"...). A number alone
  ("forty") is no age unless the caller says which question it answers (`expect=`). A
  self-correction ("I'm 16 - wait no, 15", "3 weeks, sorry, 4") keeps the later quantity of
  the kind.
- `expect=` (the slot asked: "duration", "shoe_age", "age_group"): a bare number is read in
  that slot's unit: years; miles (the question's options name miles first; digits with
  "-ish", "350ish", may be km too: 217–375 miles, no value); days to months (only up to 100).
  For "age_group" a number standing as its
  own clause ("retired, 71", "45, diabetic") is an age; for "shoe_age" "k" needs no shoe words,
  a number of 20 or more ending the message as its own clause is a distance ("two marathons and
  a block, so prob 500+"; "idk" and "dunno" are filler: "dunno, 250ish?"), or its own first
  clause ("Under 300 I reckon, got them at Easter"), and a duration is the shoes' age, not the
  pain's.

What is not read (documented choices)
- Counts and rates: "3 times a week", "3 times one week", "10% a week", "30 miles a week", "3
  days per week", "5 sets", "at 7am", "size 9 shoes", "every 2 weeks", "7/10 pain", minutes.
- The future: "marathon in 3 weeks", "in a month", "next 2 weeks", "3 weeks from now", "3 weeks
  away/out/to go", "in 3 weeks' time"; narrative offsets ("3 weeks later", "3 weeks before the
  race"). "It hurt for 3 days after a hard landing" is read (3 days).
- Other periods than the pain's: rest and running history ("took 2 weeks off", "rested for a
  week", "been running for 5 years", "3 weeks into my plan", "2 weeks of rest", "a 16 week
  plan"), "6 weeks pregnant", the age of things ("shoes are 3 months old", "had these shoes for
  6 months", "bought new trainers 3 months ago"; but "since I switched to minimalist shoes 10
  days ago" is the pain's). A distance of a pair replaced ("the old ones had done 700 miles",
  "my previous pair") is not read.
- Race and run distances: a distance right after "a / an / the / my / this / last / first..."
  ("a 10K race", "my 20 mile long run"; but "my 600+ mile shoes", "my 400-mile trainers":
  beyond 100 miles before a shoe word it names the pair), or followed by race, run, pb, pace,
  steps... ("10k race"), or a rate ("5k 3 times a week"), or after "after / into / until /
  within" ("after 5 miles it hurts", "a mile into my run"), or "at" unless the sentence is
  about shoes, or money ("$800k"). One run's distance, after run / ran / did ("ran 18 miles
  sunday in my 600+ mile shoes", "did 15 miles on tarmac"), up to 100 miles: not after "have"
  ("I've run 400 miles in them"), nor said of the shoes ("the shoes already run 800km", "they
  did 80 miles") or of the runs so far ("ran 80 miles in them so far / in total / since I got
  them"). A number with "k" (and no other unit) is a distance in km only when its sentence is
  about shoes (shoe, trainers, sneakers, runners, pair, kicks, mileage, them / these / they've,
  a few brand names), when the whole message is the answer ("800k", "about 800k"), or when
  `expect="shoe_age"`, and never after run / ran / did ("I run 5k"). Below 10, "k" may be km or
  thousands ("5k on them": 3 to 5,000 miles, no value). Other distances in miles or km are
  reported whatever they are said of: the caller uses them for `shoe_age` only when asking that
  question or when the message is about shoes (as heel_bot/language/understand.py does).

How it is built: this module is the public entry (`Quantity`, `find_quantities`, `slot_value`,
`read_number`); the reading is done by a few private modules, each importing only those below
it: numvocab (the words: number words, units, calendar and context words), numtokens (the
message as tokens, `Message`), numhedges ("about", "over", "at least": the range they mean),
numwords (numbers in digits and words), numcalendar (holidays, seasons), numdates (dates as
durations), numages (ages, and bare numbers), numunits (numbers with units) and numscan (the
scan over the message, `Scan`).
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass

from heel_bot.language.numscan import Scan as _Scan
from heel_bot.language.numtokens import PAD, Message
from heel_bot.language.numvocab import AGE, DISTANCE, DURATION, INF, KM_PER_MILE
from heel_bot.language.numwords import number

__all__ = ["KM_PER_MILE", "Quantity", "find_quantities", "read_number", "slot_value"]


@dataclass(frozen=True)
class Quantity:
    """One quantity read from a message.

    `value` and its range `low`..`high` (low ≤ value ≤ high; `high` may be infinite, and an
    exclusive bound such as "over 3 weeks" is the next float above 21) are in days, miles or
    years. `text` is the words as typed, hedge and all ("about 6 weeks", "since March");
    `span` is where they are in the message. `hedge` says how the number was softened: "",
    "approx", "at_least", "at_most" or "nearly"; `hedged` is `bool(hedge)`.
    """

    kind: str  # "duration" | "distance" | "age"
    value: float  # days, miles or years
    low: float
    high: float
    text: str
    hedged: bool = False
    hedge: str = ""
    span: tuple[int, int] = (0, 0)
    # a duration up to a day dated by an injury ("fell off a wall sat", "felt a pop last
    # night"): the pain's unless a duration of the pain itself is given too
    event: bool = False


# Slot bounds: (slot, [(value, upper bound, whether the bound itself is inside)...]).
_SLOTS: dict[str, tuple[str, tuple[tuple[str, float, bool], ...]]] = {
    DURATION: ("duration", (("under_1_week", 7.0, False), ("1_to_3_weeks", 21.0, True),
                            ("over_3_weeks", INF, True))),
    DISTANCE: ("shoe_age", (("under_300_miles", 300.0, False), ("300_to_500_miles", 500.0, True),
                            ("over_500_miles", INF, True))),
    AGE: ("age_group", (("under_16", 16.0, False), ("16_plus", INF, True))),
}


def slot_value(q: Quantity) -> tuple[str, str] | None:
    """The slot and value `q` means, or None when its range straddles a boundary ("2-4 weeks",
    "about a week", "at least 500 miles") so that no single value is certain."""
    spec = _SLOTS.get(q.kind)
    if spec is None or not (0.0 <= q.low <= q.value <= q.high):  # also rejects NaN
        return None
    slot, bands = spec

    def band(x: float) -> str:
        for value, upper, inside in bands:
            if x < upper or (inside and x == upper):
                return value
        return bands[-1][0]

    lo, hi = band(q.low), band(q.high)
    return (slot, lo) if lo == hi else None


def find_quantities(text: str, *, today: datetime.date | None = None,
                    expect: str | None = None, opening: bool = False) -> list[Quantity]:
    """Every duration, shoe distance and age in `text`, in order.

    `today` anchors relative dates ("since March", "last week"). `expect` is the slot being
    asked ("duration", "shoe_age" or "age_group"), if any: then a bare number ("forty",
    "about 800") is read in that slot's unit (for shoe_age miles or km, for duration days to
    months), and "k" needs no mention of shoes. `opening`: the message opens the conversation
    (no question asked), where a whole number standing as its own item ("38, pain under heel")
    is the person's age. Never raises.
    """
    if not text:
        return []
    try:
        scan = _Scan(text, today, expect, opening=opening)
        out = []
        for f in scan.run():
            a, b = scan.starts[f.first], scan.ends[f.last - 1]
            low, value, high = f.low, f.value, f.high
            if not (0.0 <= low <= value <= high) or math.isnan(value):
                continue
            out.append(Quantity(f.kind, value, low, high, text[a:b], bool(f.hedge), f.hedge,
                                (a, b), f.event))
        return out
    except (ValueError, IndexError, KeyError, OverflowError, AssertionError):  # pragma: no cover
        return []  # a bug must not cost the conversation; the tests look for these


def read_number(text: str) -> float | None:
    """A number written alone ("forty", "twenty-one", "a dozen", "11", "½", "1.5", "6 1/2",
    "one and a half", "a hundred"), or None. Ranges and vague words ("a few") give None."""
    try:
        message = Message(text.strip().rstrip(".!?"), None, None)
        if message.n == PAD:
            return None
        got = number(message, PAD, alone=True)
        if got is None or got[3] != message.n or got[4] or got[1] != got[2]:
            return None
        return got[0]
    except (ValueError, IndexError, KeyError, OverflowError, AssertionError):  # pragma: no cover
        return None
