"""Numbers with units, for the number reader (heel_bot/language/numbers.py).

A number (numwords) followed by a unit: days to years and hours ("10 days", "a week and a
half", "2 weeks and 3 days", "5 hours ago"), miles and km ("600 miles", "900 km", "800k on
them", "my 600+ mile shoes"), an age suffix ("13 years old"); "for weeks" (a plural unit
alone). Here too is what such a number is not: a rate ("3 times a week"), the future ("in 3
weeks"), rest or running history ("rested for a week"), a race ("a 10K race"), one run ("ran 18
miles sunday"), the age of the shoes in time.
"""

from __future__ import annotations

from heel_bot.language.numages import (
    age_follows,
    age_suffix,
    have_years,
    person_before,
    unitless,
    years_item,
)
from heel_bot.language.numhedges import AFTER, MIDDLE, finish, prev_index
from heel_bot.language.numtokens import Found, Message, Reading
from heel_bot.language.numvocab import (
    AGE,
    ATTRIBUTIVE,
    CLAUSE_EDGE,
    CLINICAL,
    COUNTS,
    DIST_AFTER_BAD,
    DIST_ARTICLES,
    DIST_BEFORE_BAD,
    DIST_WORDS,
    DISTANCE,
    DUR_AFTER_BAD,
    DUR_OF_BAD,
    DURATION,
    FUTURE_BEFORE,
    HAVE,
    HEDGE_APPROX,
    HOURS,
    KM_PER_MILE,
    MAX_RUN,
    ONES,
    ONSET,
    PAIR_KINDS,
    PLURAL_SPANS,
    RATE_AFTER,
    RATE_PREV,
    RATE_WORDS,
    RUN_BEFORE,
    RUN_VERBS,
    SHOE_NOUNS,
    SHOE_WORDS,
    SO_FAR,
    TENS,
    THEY,
    TIME_WORDS,
    UNITS,
    YEAR,
    K,
)
from heel_bot.language.numwords import fraction_after, number, single, spread


def quantity(m: Message, i: int) -> Found | None:
    """A number at token i with its unit (or an age, or a bare number): what it means."""
    t = m.t
    got = number(m, i)
    if got is None:
        return None
    r = Reading(*got[:3], i, got[3], [], got[4], spread(got[1]))
    j = r.end
    mid = m.phrase_at(MIDDLE, j)
    if mid is not None and (t[mid[1]] in UNITS or t[mid[1]] == "-"):
        r.tags.append(mid[0])  # "6ish weeks", "500+ miles", "40-odd miles"
        j = mid[1]
    if t[j] in ("a", "an") and r.value < 1 and t[j + 1] in UNITS:
        j += 1  # "½ a week", "1/2 a mile"
    if t[j] == "k" and UNITS.get(t[j + 1], ("", 0.0))[0] == DISTANCE and m.nums[i] is not None:
        r.scale(1000)  # "1k miles", "1.5k km": thousands
        j += 1
    unit_at = j + 1 if t[j] == "-" and t[j + 1] in UNITS else j
    u = t[unit_at]
    age_end = age_suffix(m, unit_at)
    if age_end is not None and not r.vague:
        return _suffixed_age(m, r, age_end)
    unit = UNITS.get(u)
    if u == "w" and t[unit_at + 1] == "/":
        unit = None  # "3 w/ friends": with
    r.end = j
    if unit is None:
        return unitless(m, _hundreds(m, r))
    kind, factor = unit
    r.end = unit_at + 1
    if kind == DURATION and factor == YEAR and (
            ((person_before(m, i) or have_years(m, i)) and age_follows(m, r.end))
            or (m.expect == AGE and m.bare(i, r.end)) or years_item(m, i, r.end)):
        return finish(m, AGE, r)  # "I'm 13 years", "I have 35 years", "13" to "How old..."
    if kind in (DURATION, HOURS):
        r.scale(factor)
        return duration(m, r, factor, hours=kind == HOURS)
    return distance(m, r, factor, k=kind == K)


def _hundreds(m: Message, r: Reading) -> Reading:
    """At the shoe question, a ones word and a tens word said as hundreds ("four fifty": 450,
    as runners say a shoe's miles)."""
    t, i = m.t, r.first
    if m.expect == DISTANCE and r.end == i + 1 and ONES.get(t[i], 0) > 0 and t[r.end] in TENS:
        r.value = r.low = r.high = ONES[t[i]] * 100.0 + TENS[t[r.end]]
        r.end += 1
    return r


def clinical(m: Message, i: int) -> Found | None:
    """Clinicians' shorthand for a duration: "2/52" (weeks), "3/12" (months), "5/7" (days)."""
    t, n = m.t, m.nums[i]
    per = CLINICAL.get(t[i + 2])
    if (n is None or per is None or t[i + 1] != "/" or m.ends[i] != m.starts[i + 1]
            or m.ends[i + 1] != m.starts[i + 2] or t[i + 3] in UNITS or n >= float(t[i + 2])
            or t[i - 1] in ("since", "from", "on", "until", "till", "by") or t[i - 1] in ONSET):
        return None  # ("since 1/7", "started 2/12" are dates)
    return finish(m, DURATION, Reading(n * per, n * per, n * per, i, i + 3, [], False))


_HAVING = frozenset({"have", "has", "had", "got", "of", "to", "with", "and"})


def _suffixed_age(m: Message, r: Reading, end: int) -> Found | None:
    """An age with a suffix ending at token `end`: "13yo", "13 y/o", "13 y.o.", "13 years
    old", "13-year-old", "13 years of age" (but not "my shoes are 2 years old")."""
    t, i = m.t, r.first
    if not person_before(m, i) and any(t[k] in SHOE_WORDS for k in range(max(0, i - 4), i)):
        return None
    if (t[i] in ("a", "an") or m.expect == DISTANCE) and not person_before(m, i):
        return None  # "a year old", "about 2 years old" to the shoe question: a thing's age
    if t[i - 1] in ("a", "an") and t[i - 2] in _HAVING:
        return None  # "old enough to have a 7 year old", "mum of a 10-year-old": a child's
    r.end = end
    return finish(m, AGE, r)


def plural_span(m: Message, i: int) -> Found | None:
    """ "for weeks", "it's been months", "for many years": at least two of the unit."""
    t = m.t
    prev = t[i - 1]
    if prev not in ("for", "been", "since", "many") or t[i + 1] in RATE_WORDS:
        return None
    lo, hi, v = PLURAL_SPANS[t[i]]
    first = i - 1 if prev == "many" else i
    return Found(DURATION, v, lo, hi, first, i + 1, HEDGE_APPROX)


def duration(m: Message, r: Reading, factor: float, *, hours: bool) -> Found | None:
    """A duration (`r` in days, its unit `factor` days): more of it, "ago", and whether it is
    the pain's."""
    t, i, j = m.t, r.first, r.end
    # "a week and a half", "a month & a half"
    add, j = fraction_after(m, j)
    r.shift(add * factor)
    # "2 weeks and 3 days", "1 year 2 months": smaller units add up
    k = j + 1 if t[j] in ("and", "&") else j
    more = single(m, k)
    if more is not None and not more[4]:
        u2 = UNITS.get(t[more[3]])
        if u2 is not None and u2[0] == DURATION and u2[1] < factor:
            f2 = u2[1]
            r.value, r.low, r.high = (r.value + more[0] * f2, r.low + more[1] * f2,
                                      r.high + more[2] * f2)
            j = more[3] + 1
    # "a week or two", "3 weeks or 4"
    if t[j] in ("or", "to", "-") and m.phrase_at(AFTER, j) is None:
        upper = single(m, j + 1)
        if (upper is not None and not upper[4] and upper[0] * factor > r.high
                and t[upper[3]] not in UNITS and t[upper[3]] != "-"):
            r.high = upper[0] * factor
            r.value = (r.low + r.high) / 2
            j = upper[3]
    ago = t[j] in ("ago", "back", "prior") or (t[j] == "before" and t[j + 1] in (
        "now", "", ".", ",", "!", "?", "and", "but", "so"))  # "2 weeks before" (India)
    r.end = j + (0 if not ago else 2 if t[j + 1] == "now" else 1)
    ago = ago or t[prev_index(m, i)] == "before"  # "before 2 weeks": 2 weeks ago
    if hours and not ago and t[prev_index(m, i)] not in ("last", "past"):
        return None
    if t[prev_index(m, i)] == "than" or (not ago and not_pain_duration(m, i, j)):
        return None  # ("worse than a week ago" compares; "more than" is read as a hedge)
    if _shoes_before(t, i) and not (ago and _since_before(t, i)):
        return None  # "had these shoes for 6 months", "new trainers 3 months ago"
    if not ago and t[i - 1] in ATTRIBUTIVE and t[i] not in ("a", "an"):
        return None  # "a 16 week plan", "my 3-week break"
    if m.expect == DISTANCE and m.bare(i, r.end):
        return None  # the shoes' age in time, not the pain's
    return finish(m, DURATION, r)


def _shoes_before(t: list[str], i: int) -> bool:
    """A shoe word among the 4 tokens before token i, in its clause ("new shoes, pain started 2
    weeks ago" dates the pain)."""
    for k in range(i - 1, max(0, i - 4) - 1, -1):
        if t[k] in CLAUSE_EDGE:
            return False
        if t[k] in SHOE_NOUNS:
            return True
    return False


def _since_before(t: list[str], i: int) -> bool:
    """ "since" among the 8 tokens before token i, in its clause: "(hurts) since I switched to
    minimalist shoes 10 days ago" dates the pain by the shoes."""
    for k in range(i - 1, max(0, i - 8) - 1, -1):
        if t[k] in CLAUSE_EDGE:
            return False
        if t[k] == "since" or (t[k] == "when" and t[k - 1] in ("started", "began", "begun")):
            return True  # ("it started when I switched to barefoot shoes 2 weeks ago")
    return False


def _old_pair_before(t: list[str], i: int) -> bool:
    """ "the old ones", "the old pair / shoes", "my previous pair", "the last pair" among the 8
    tokens before token i, in its clause: a pair replaced, not the one worn."""
    for k in range(i - 1, max(0, i - 8) - 1, -1):
        if t[k] in CLAUSE_EDGE:
            return False
        if (t[k] == "previous" or (t[k] in ("last", "other") and t[k + 1] in ("pair", "ones"))
                or (t[k] == "old" and (t[k + 1] in ("ones", "pair") or t[k - 1] == "the"))):
            return True
    return False


def not_pain_duration(m: Message, i: int, j: int) -> bool:
    """Rates, the future, rest and running history, the age of things."""
    t = m.t
    p = prev_index(m, i)
    prev = t[p]
    if t[i] in ("a", "an", "per") and (prev in RATE_PREV or m.nums[p] is not None):
        return True  # "3 times a week", "10% a week", "30 miles a week"
    if prev in COUNTS or (prev == "x" and m.nums[p - 1] is not None):
        return True  # "I run 3 times one week": a rate
    if prev in FUTURE_BEFORE:
        return True  # "in 3 weeks", "next 2 weeks", "every 2 weeks"
    if prev in RUN_BEFORE or (prev == "for" and (
            t[p - 1] in RUN_BEFORE or t[p - 2] in RUN_BEFORE)):
        return True  # "been running for 5 years", "rested for a week"
    k = j + 1 if t[j] == "'" else j
    nxt = t[k]
    if nxt in DUR_AFTER_BAD:
        return True  # "3 weeks away/later/into training", "a week off"
    if nxt == "from" and t[k + 1] == "now":
        return True
    if nxt == "to" and t[k + 1] == "go":
        return True
    if nxt == "time" and (k > j or t[k + 1] in (".", "", ",", "!")):
        return True  # "in 3 weeks' time"
    if nxt == "of" and t[k + 1] in DUR_OF_BAD:
        return True  # "after 2 weeks of rest"
    if nxt in RATE_WORDS and t[k + 1] in TIME_WORDS:
        return True  # "3 days a week"
    return nxt in RATE_AFTER


def distance(m: Message, r: Reading, factor: float, *, k: bool) -> Found | None:
    """A distance (`r` in the unit, `factor` miles each; `k`: the unit was "k"), if it may be
    the shoes'."""
    t, nums, i, j = m.t, m.nums, r.first, r.end
    if k:
        got = _k_factor(m, r, factor)
        if got is None:
            return None
        factor = got
    # "500 miles or 600" ("500 or 600 miles" is a range of numbers)
    if t[j] in ("or", "to", "-") and m.phrase_at(AFTER, j) is None:
        upper = single(m, j + 1)
        if (upper is not None and not upper[4] and upper[0] > r.high
                and t[upper[3]] not in UNITS):
            r.high, r.value, j = upper[0], (r.low + upper[0]) / 2, upper[3]
    if t[j] in ("a", "an", "per", "each", "every", "/", "p") and (
            t[j + 1] in TIME_WORDS or t[j + 1] == ""):
        return None  # "30 miles a week", "50 km/week"
    named = _names_pair(t, j, r.value * factor)  # "my 600+ mile shoes": the pair's
    if named or (t[j] in ("easy", "easily") and m.expect == DISTANCE):
        pass  # "1200 km easy" to the shoe question: at least that (not an easy run)
    elif t[j] in RATE_AFTER or t[j] in DIST_AFTER_BAD or (
            t[j + 1] in ("times", "x") and (nums[j] is not None or t[j] in ONES)):
        return None  # "5k 3 times a week"
    if t[j] == "in" and (nums[j + 1] is not None or t[j + 1] in ONES):
        return None  # "10k in 45 minutes"
    if (t[j] == "-" and t[j + 1] in DIST_AFTER_BAD) or _old_pair_before(t, i):
        return None  # "10k - race"; "the old ones had done 700 miles": not the pair asked about
    if _not_the_pairs(m, i, j, r.value * factor, named=named):
        return None
    r.scale(factor)
    r.end = j
    return finish(m, DISTANCE, r)


def _not_the_pairs(m: Message, i: int, j: int, miles: float, *, named: bool) -> bool:
    """Whether the distance at tokens [i, j) (`miles`; `named`: it names a pair) is no pair's
    mileage by the words before it: a race, one run, "after 5 miles", money."""
    t = m.t
    p = prev_index(m, i)
    if not named and t[i] not in ("a", "an") and t[i - 1] in DIST_ARTICLES:
        return True  # "a 10K race", "my 20 mile long run"
    # "the shoes already run 800km", "they did 600 miles"
    shoes_ran = t[p] in RUN_VERBS and (_shoes_before(t, p) or t[p - 1] in THEY)
    if t[p] in RUN_VERBS and not shoes_ran and _one_run(m, p, j, miles):
        return True  # "ran 18 miles sunday in my 600+ mile shoes": the run's, not the shoes'
    if t[p] in DIST_BEFORE_BAD or (t[p] in TIME_WORDS and t[p] not in RUN_VERBS) or (
            t[p] == "at" and not m.shoe_context(i)):
        return True  # "after 5 miles it hurts", "$800k", "a session 5 miles"
    return t[i] in ("a", "an") and t[i + 1] in UNITS and not m.shoe_context(i)  # "run a mile"


def _names_pair(t: list[str], j: int, miles: float) -> bool:
    """Whether the distance ending before token j names the pair it is said of, as its
    mileage: "my 600+ mile shoes", "my 400-mile trainers", "200km running shoes" (not "my 10k
    shoes", "my 50 mile shoes": a race they are for, no longer than one run)."""
    k = j + 1 if t[j] in PAIR_KINDS else j
    return miles > MAX_RUN and (t[k] in SHOE_NOUNS or t[k] in ("pair", "pairs"))


def _one_run(m: Message, verb: int, j: int, miles: float) -> bool:
    """Whether a distance after the run verb at token `verb`, ending before token j, is what
    one run covered ("ran 18 miles sunday", "did 15 miles on tarmac", "I run 10 miles"), not
    the sum of runs so far ("I've run 400 miles in them", "ran 80 miles in them so far", "ran
    900 km in them": farther than one run goes)."""
    t = m.t
    if miles > MAX_RUN or any(t[k] in HAVE for k in range(max(0, verb - 3), verb)
                              if CLAUSE_EDGE.isdisjoint(t[k:verb])):
        return False
    k = j
    while k < j + 8 and t[k] not in CLAUSE_EDGE:
        if (t[k] in SO_FAR and (t[k] != "far" or t[k - 1] == "so")) or (
                t[k] == "since" and t[k + 1] in ("i", "buying", "getting", "new")):
            return False
        k += 1
    return True


def _k_factor(m: Message, r: Reading, factor: float) -> float | None:
    """The factor to miles of a distance in "k": None when it is no shoe distance ("10k
    steps", "I run 5k"); below 10 it may be km or thousands ("5k on them"), and `r` becomes
    that range in miles (factor 1.0); else `factor` (km)."""
    t, i, j = m.t, r.first, r.end
    if t[j] in DIST_WORDS:  # "10k km"?
        return None
    if not (m.shoe_context(i) or m.bare(i, j)):
        return None  # "a 10K race", "10k steps", "he ran a 10k"
    if t[prev_index(m, i)] in RUN_VERBS:
        return None  # "I run 5k 3 times a week"
    if r.value < 10:  # "5k on them": 5 km, or thousands of km or miles?
        r.low, r.high = r.low / KM_PER_MILE, r.high * 1000
        r.value = (r.low + r.high) / 2
        return 1.0
    return factor
