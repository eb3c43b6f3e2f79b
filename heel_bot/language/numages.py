"""Ages, for the number reader (heel_bot/language/numbers.py), and numbers without a unit.

Who a number is said of ("I'm", "she's", "my son is", "aged"), age suffixes ("13yo", "13 years
old"), "born in 2012" or "'88", "16 next month", school years ("year 9", "8th grade"), decades
of life ("in my forties", "mid 30s", "late teens", "a teenager"), "Runner, 32F", "34 and
healthy", "my son (9)"; and a bare number read in the unit of the slot asked (`expect=`).
Decades of life are read in heel_bot/language/numdecades.py.
"""

from __future__ import annotations

import math
import re

from heel_bot.language.numhedges import OVER, finish, hedges_before, prev_index
from heel_bot.language.numtokens import PAD, Found, Message, Reading
from heel_bot.language.numvocab import (
    AGE,
    AGE_LEADS,
    AGE_NEXT,
    AGE_NEXT_SYMBOLS,
    AGE_SKIP,
    CATEGORY_LETTERS,
    CATEGORY_WORDS,
    CLAUSE_EDGE,
    CLAUSE_LEADS,
    DISTANCE,
    DURATION,
    FUTURE_AGE,
    INF,
    ITEM_EDGES,
    KM_PER_MILE,
    LAUGHS,
    MONTH,
    MONTHS,
    ONES,
    ORDINALS,
    PEOPLE,
    PERSON_LEADS,
    PROFILE_BEFORE,
    PROFILE_NEXT,
    SCORE_WORDS,
    SEXES,
    TEENS,
    TENS,
    THEY_LEADS,
    WEEKDAYS,
    YEAR_WORDS,
)


def age_suffix(m: Message, j: int) -> int | None:
    """The end of "yo", "y/o", "y.o.", "years old", "year-old", "yrs of age" at j."""
    t = m.t
    w = t[j]
    if w in ("yo", "yoa", "yrsold", "yearsold", "yo's", "yos"):  # "my 10yo's heel"
        return j + 1 + (t[j + 1] == ".")
    if w == "y" and t[j + 1] in ("/", ".") and t[j + 2] == "o":
        return j + 3 + (t[j + 3] == ".")
    if w in YEAR_WORDS:
        k = j + 2 if t[j + 1] == "-" else j + 1
        if t[k] in ("old", "young", "old's", "olds"):  # "our 14 year old's heel"
            return k + 1
        if t[k] == "of" and t[k + 1] == "age":
            return k + 2
    return None


def _no_age(m: Message, r: Reading) -> bool:
    """A vague number, "a"/"an", the "one" of "eighty-one", or a time of day ("19:42")."""
    t, i = m.t, r.first
    clock = (t[i - 1] == ":" and m.nums[i - 2] is not None) or (
        t[r.end] == ":" and m.nums[r.end + 1] is not None) or "/" in t[i - 1:r.end + 1]
    # (a fraction is never an age: "like a 6/10" is a score, not 0.6 or 10 years)
    tiny = r.value < 3 and r.value != int(r.value)  # "1,85 m" tall, not 1.85 years old
    return clock or tiny or r.vague or _turning(m, r) is None or (
        m.nums[i] is None and t[i] in ("a", "an") and m.expect != DISTANCE) or (
        t[i - 1] == "-" and t[i - 2] in TENS)


def person_before(m: Message, i: int) -> bool:
    """ "I'm", "she's", "my son is", "age", "aged" just before token i (hedges skipped)."""
    t = m.t
    _, k = hedges_before(m, i, 0)
    p = m.prev_skipping(k, AGE_SKIP)
    w = t[p]
    if w in PERSON_LEADS or (w == ":" and t[p - 1] == "age"):
        return True
    if w in THEY_LEADS:
        return not m.shoe_context(i)
    if (w in ("am", "m") and t[p - 1] == "i") or (w == "am" and p == PAD):
        return True
    if w in ("who's", "whos") and (t[p - 1] in PEOPLE or t[p - 2] in PEOPLE):
        return True  # "asking for my daughter who's 12"
    if w in ("is", "are"):
        q = t[p - 1]
        if q in ("she", "he", "age") or q in PEOPLE or t[p - 2] in PEOPLE or (
                q == "who" and (t[p - 2] in PEOPLE or t[p - 3] in PEOPLE)):
            return True  # "my son Alfie is 10", "my husband Dennis who is 80"
        if q == "they":
            return not m.shoe_context(i)
    # "my son's 12", and with the apostrophe left out ("my daughters 14")
    return (w.endswith("'s") and w[:-2] in PEOPLE) or (
        w.endswith("s") and w[:-1] in PEOPLE and t[p - 1] in ("my", "our"))


def have_years(m: Message, i: int) -> bool:
    """ "I have 35 years" (an age, as in French, Spanish...), "healthy man, 38 years"."""
    t = m.t
    p = prev_index(m, i)
    if t[p] == "having":
        return t[p - 1] in ("am", "i'm", "im", "is", "she's", "he's")
    if t[p] == ",":
        return t[p - 1] in SEXES
    return t[p] in ("have", "has") and t[p - 1] in ("i", "she", "he") and (
        t[p - 2] in CLAUSE_EDGE)  # "I have 35 years", "she has 11 years"


def age_follows(m: Message, j: int) -> bool:
    """What may follow a bare age: end, punctuation, "and", "years", "now"..."""
    w = m.t[j]
    if w in ("'", "/"):
        return False
    return w == "" or w in AGE_NEXT or (len(w) == 1 and w in AGE_NEXT_SYMBOLS) or (
        w.endswith(("'s", "'m")))


def unitless(m: Message, r: Reading) -> Found | None:
    """A number with no unit: an age after "I'm...", "32F", "(12)" after "my son", "16 next
    month", "born in 2012"; with `expect`, a bare answer."""
    t, i = m.t, r.first
    if _no_age(m, r):
        return None
    if t[r.end] == "+":
        r.tags.append(OVER)  # "500+": more than 500
        r.end += 1
    nxt = t[r.end]
    got = born(m, r) or category(m, r) or glued_profile(m, r)
    if got is not None:
        return got
    before = t[prev_index(m, i)]
    turning = _turning(m, r)
    # "16 next month", "turning 16": not 16 yet ("turned 16 on Saturday": 16 already)
    if turning or (future_age(m, r.end) and before not in ("turned", "was")):
        r.value, r.low, r.high = r.value - 1, r.low - 1, math.nextafter(r.high, -INF)
        if turning or m.expect == AGE or person_before(m, i):
            return finish(m, AGE, r)
    if m.expect == AGE and nxt in ("till", "until", "til") and m.nums[i] is not None:
        return finish(m, AGE, r)  # "16. well, 15 till next week"
    if person_before(m, i) and age_follows(m, r.end) and t[i : r.end] != ["one"]:
        return finish(m, AGE, r)  # ("like an old man. Well, I am one": a pronoun)
    if nxt in ORDINALS and t[r.end + 1] == "grade" and m.nums[i] is not None:
        return school(m, i, r.end + 2, r.value + 5)  # "8th grade" (US)
    # "teenager, well 14 actually": a discourse word after a clause edge is an edge too
    lead = t[i - 1] in CLAUSE_EDGE or (t[i - 1] in AGE_LEADS and t[i - 2] in CLAUSE_EDGE)
    alone = lead and (edge(nxt) or nxt in AGE_NEXT or nxt == "if")
    if alone and 1 <= r.value < 100 and m.nums[i] is not None:
        got = _profile_age(m, r)
        if got is not None:
            return got
    if (m.expect == AGE and alone) or (  # "retired, 71" to "How old are you?"
            t[i - 1] == "(" and nxt == ")" and (_person(t[i - 2]) or _person(t[i - 3]))):
        return finish(m, AGE, r)  # "my son (9)", "my daughter Maddie (12)", "my girls (15)"
    if m.opening and own_item(m, r.first, r.end):
        return finish(m, AGE, r)  # "38, pain under heel towards arch, 2 months, ..."
    return _bare_answer(m, r)


def _turning(m: Message, r: Reading) -> bool | None:
    """Whether the age at `r` is one about to be reached: "turning 16", "he turns 16 in July",
    "15 going on 16";
    None when it is a joke ("15 going on 30")."""
    k = prev_index(m, r.first)
    if m.t[k] == "on" and m.t[k - 1] == "going":
        return True if m.nums[k - 2] == r.value - 1 else None
    return m.t[k] in ("turning", "turns")


def _person(w: str) -> bool:
    """A word for a person, or for people ("girls", "athletes")."""
    return w in PEOPLE or (w.endswith("s") and w[:-1] in PEOPLE)


def own_item(m: Message, i: int, end: int) -> bool:
    """Whether the whole number 5-99 in digits at token i (its unit, if any, ending at `end`)
    stands as an item of its own in a list of facts, between commas or a sentence's start and
    end: "38, pain under heel", "Type 2 diabetic here, 61, pain...", "..., wakes me up, 45",
    "Morning! 17, doing A levels"; not one of a list of numbers ("10, 12, 15 miles"), a score
    ("pain: 7, ...") or a time ("at 5, ...")."""
    t, v = m.t, m.nums[i]
    if v is None or v != int(v) or not 5 <= v <= 99 or "." in t[i] or "," in t[i]:
        return False
    before, after = t[i - 1], t[end]
    if before not in ITEM_EDGES or after not in ITEM_EDGES or (
            before == after == "." and (v < 12 or t[i - 2] in SCORE_WORDS)):
        return False  # a sentence of its own: "Heel pain. 41. Not diabetic." (not "Pain. 7.")
    return not (before == "," and (_number_like(m, i - 2) or t[i - 2] in SCORE_WORDS)) and not (
        after == "," and _number_like(m, end + 1))


def years_item(m: Message, i: int, end: int) -> bool:
    """ "38 years" as an opening's own item, 16 or more, opening its sentence or after a word
    of a profile: "38 years, pain under heel", "T2 diabetic, 61 yrs, ..." (but "heel pain, 20
    years, on and off" is how long it has hurt)."""
    t = m.t
    return m.opening and (m.nums[i] or 0) >= 16 and own_item(m, i, end) and (
        t[i - 1] != "," or t[i - 2] in PROFILE_BEFORE or t[i - 2] == "here")


def _number_like(m: Message, k: int) -> bool:
    """A number in digits or words at token k ("3, 4 or 5")."""
    w = m.t[k]
    return m.nums[k] is not None or w in ONES or w in TEENS or w in TENS


def _profile_age(m: Message, r: Reading) -> Found | None:
    """An age in a profile: "Runner, 32F", "52 M, type 2", "29, F.", "45, diabetic, ..."."""
    t, i, nxt = m.t, r.first, m.t[r.end]
    if t[i - 1] == "," and t[i - 2] in PEOPLE and nxt in (",", ".", "", ";", ")"):
        return finish(m, AGE, r)  # "writing for my husband, 58, ...", "my son, 9, ..."
    if r.value < 10 or r.value != int(r.value):
        return None
    after = t[r.end + 1]
    if ((nxt == "f" and 90 <= r.value <= 110) or (nxt == "c" and 34 <= r.value <= 43)) and (
            FEVERISH.search(m.text.lower())):
        return None  # "99 F, is that a fever?": degrees, not a 99-year-old woman
    if nxt in SEXES and (edge(after) or (after in _SEX_TAIL and m.ends[i] == m.starts[r.end])
                         ) and (len(nxt) > 1 or t[i - 1] in ("", ",", "(", ".", ";", "!")):
        r.end += 1
        return finish(m, AGE, r)  # "Runner, 32F, ...", "52 M, ...", "sore. 45M", "32F marathoner"
    if nxt == "," and after in SEXES and edge(t[r.end + 2]):
        return finish(m, AGE, r)  # "Runner, 29, F."
    if nxt in (",", "and") and t[i - 1] in ("", ".", "!", ";", ",") and after in PROFILE_NEXT:
        return finish(m, AGE, r)  # "45, diabetic, ...", "heel pain, 45, diabetic", "34 and fit"
    if t[i - 1] == "," and t[i - 2] in PROFILE_BEFORE and nxt in (",", ".", "", ";", "!"):
        return finish(m, AGE, r)  # "T2 diabetic, 57, heel pain...", "... not diabetic, 38"
    aside = (nxt in ("btw", "fyi") and edge(after)) or (
        t[r.end:r.end + 3] == ["by", "the", "way"] and edge(t[r.end + 3])) or (
        nxt == "if" and after in ("that", "it") and t[r.end + 2] in _MATTERS)
    if aside and t[i - 1] in ("", ".", "!", ";", ","):
        return finish(m, AGE, r)  # "it only hurts running. 41 btw", "19 if that matters"
    if nxt == "but" and m.nums[r.end + 1] is not None and future_age(m, r.end + 2):
        return finish(m, AGE, r)  # "15 but 16 in june"
    return None


_MATTERS = frozenset({"matters", "helps", "counts"})


def glued_profile(m: Message, r: Reading) -> Found | None:
    """ "runner 38M", "triathlete 45f": an age and a sex glued, after a word of a profile."""
    t, i, nxt = m.t, r.first, m.t[r.end]
    if (t[i - 1] in PROFILE_BEFORE and nxt in ("m", "f") and m.ends[i] == m.starts[r.end]
            and m.nums[i] is not None and 10 <= r.value < 100
            and (edge(t[r.end + 1]) or t[r.end + 1] in _SEX_TAIL)):
        r.end += 1
        return finish(m, AGE, r)
    return None


# after "17f" glued: "17f xc runner", "32m trail runner"
_SEX_TAIL = PROFILE_NEXT | {"here", "btw", "fyi", "lol", "and", "if", "who", "so", "with", "xc",
                            "trail", "track", "road", "parkrunner", "triathlete", "athlete"}
FEVERISH = re.compile(r"\b(?:fever\w*|temp|temps|temperature|degrees|thermometer)\b|°|🌡")


def edge(w: str) -> bool:
    """Whether token `w` ends a clause: punctuation, the end, an emoji ("61 😂")."""
    return w in CLAUSE_EDGE or (len(w) == 1 and not w.isalnum() and w not in "'%$£€+*#@")


def category(m: Message, r: Reading) -> Found | None:
    """A veterans' or masters' age category: "V45" (45 to 49), "M50", "F55", "W40", "VM40"; the
    letters M, F and W only at the age question or with "masters", "vet", "club"..."""
    t, i = m.t, r.first
    letters = t[i - 1]
    if (letters not in CATEGORY_LETTERS or m.ends[i - 1] != m.starts[i] or len(t[i]) != 2
            or r.value % 5 or not 35 <= r.value <= 95 or m.t[r.end] in ("-", "/")):
        return None
    if "v" not in letters and m.expect != AGE and CATEGORY_WORDS.isdisjoint(m.t[PAD:m.n]):
        return None  # "the M50" (a road), "W40" (a lubricant?)
    return Found(AGE, r.value + 2, r.value, r.value + 4, i - 1, r.end, "")


def _bare_answer(m: Message, r: Reading) -> Found | None:
    """A number that is the whole answer, read in the unit of the slot asked (`expect`)."""
    if m.expect is None or not (m.bare(r.first, r.end) or _own_clause(m, r)):
        return None
    if m.expect == DISTANCE:
        # miles: the shoe question's options are in miles first ("Over 500 miles (800 km)");
        # but digits with "-ish" ("350ish", "700-ish"), a runner's shorthand for a watch's
        # count, may be km too: read as either ("four hundred ish", "like 350" stay miles)
        ish = m.nums[r.first] is not None and "ish" in m.t[r.end:r.end + 2]
        got = finish(m, DISTANCE, r)
        if got is not None and ish:
            got.low = got.low / KM_PER_MILE
        return got
    if m.expect == DURATION:  # days to months
        if r.value > 100:
            return None
        r.high *= MONTH
    return finish(m, m.expect, r)


def _own_clause(m: Message, r: Reading) -> bool:
    """At the shoe question, a number of 20 or more that is its own last clause, hedges and
    "so" aside: "two marathons and a training block, so prob 500+"; or its own first clause,
    "I reckon" aside: "Under 300 I reckon, got them at Easter"."""
    if m.expect == AGE:
        return _last_age(m, r)
    if m.expect != DISTANCE or r.value < 20:
        return False
    hedges, start = hedges_before(m, r.first, 0)
    p = m.prev_skipping(start, CLAUSE_LEADS)
    if m.t[p] not in CLAUSE_EDGE:
        return False
    if m.t[p] == "":
        k = r.end
        while m.t[k] in CLAUSE_LEADS and k < r.end + 3:
            k += 1
        if m.t[k] in (",", ".", ";", "-", "!") and (k > r.end or bool(hedges)):
            # ("way over 500, there's holes in them"; but "300, got them at Easter" is not
            # read: a bare number with a time after it may be the shoes' km, or a slip)
            return True
    return all(edge(m.t[k]) for k in range(r.end, m.n))


def _last_age(m: Message, r: Reading) -> bool:
    """At the age question, two digits that end the message after an emoji, a laugh or a
    clause's end: "old enough to know better 😂 52", "haha 58", "retired now. 71"."""
    if m.nums[r.first] is None or not 10 <= r.value < 100 or r.end - r.first != 1:
        return False
    if not all(edge(m.t[k]) for k in range(r.end, m.n)):
        return False
    before = m.t[r.first - 1]
    return before in CLAUSE_EDGE or before in LAUGHS or not before[:1].isalnum()


def future_age(m: Message, j: int) -> bool:
    """ "next month", "on Friday", "in August", "soon", "tomorrow" after an age."""
    t = m.t
    w, nxt = t[j], t[j + 1]
    if w not in FUTURE_AGE:
        return False
    if w == "next":
        return nxt in ("week", "month", "year", "birthday") or nxt in WEEKDAYS
    if w == "on":
        return nxt in WEEKDAYS or nxt == "the" or m.nums[j + 1] is not None
    if w == "in":
        return (nxt in MONTHS or nxt in ("a", "an", "few") or nxt in ONES
                or m.nums[j + 1] is not None)
    return True


def born(m: Message, r: Reading) -> Found | None:
    """ "born in 2012", "born 1990", "born in '88" (the latest such year not after this one):
    an age of (this year - year - 1) to (this year - year)."""
    t, i = m.t, r.first
    # "'88", or "born in 09" (two digits after "born in", ending the clause: not "born in 88
    # degree heat")
    short = len(t[i]) == 2 and (t[i - 1] == "'" or (
        t[i - 2:i] == ["born", "in"] and edge(t[r.end])))
    p = i - 1 - (t[i - 1] == "'")
    p -= t[p] == "in"
    year = r.value
    if t[p] != "born" or len(t[i]) != 4 - 2 * short or year != int(year):
        return None
    if short:
        year += 2000 if 2000 + year <= m.today.year else 1900
    try:
        age = m.today.year - year
    except (ValueError, OverflowError):  # pragma: no cover
        return None
    if not 0 < age <= 120:
        return None
    return Found(AGE, age - 0.5, age - 1, age, p, r.end, "")


def school(m: Message, first: int, end: int, lowest: float) -> Found | None:
    """A school year as an age: "year 9" (UK, 13-14), "8th grade" / "grade 8" (US, 13-14)."""
    if not 4 <= lowest <= 19 or m.t[end] == "of":
        return None
    prev = m.t[first - 1]
    if not (prev == "in" or m.bare(first, end) or (
            m.expect == AGE and prev in CLAUSE_EDGE)):
        return None
    return Found(AGE, lowest + 0.5, lowest, lowest + 1, first, end, "")

