"""Numbers in a tokenised message, for the number reader (heel_bot/language/numbers.py).

Digits ("11", "1.5", "1,000", "1k"), fractions ("½", "6 1/2", "6½", "and a half", "half a"),
number words to 999,999 ("forty", "twenty-one", "one hundred and twenty", "fifteen hundred"),
"a dozen", the vague "couple" / "few" / "several", and ranges ("2-3", "2 to 3", "2/3",
"between 10 and 14"). Each reader takes the `Message` and a token index and gives the number
there with where it ends, or None; units are read elsewhere (numunits).
"""

from __future__ import annotations

from heel_bot.language.numhedges import prev_index
from heel_bot.language.numtokens import Message
from heel_bot.language.numvocab import (
    APPROX,
    BETWEEN,
    HALVES,
    ONES,
    TEENS,
    TENS,
    UNITS,
    VAGUE,
    VULGAR,
)

# A number read: (value, low, high, end token, vague).
NumberRead = tuple[float, float, float, int, bool]


def spread(n: float) -> float:
    """What "about n" adds either side, as a fraction of n: 15%, but no more than half the
    rounding step n was written to ("about 750 km": 725-775; "about 40 days": 35-45)."""
    if n <= 0:
        return APPROX
    if n != int(n):
        step = 0.5 if (2 * n) == int(2 * n) else 0.1
    else:
        step = next((s for s in (100, 50, 10, 5) if n >= s and n % s == 0), 1)
    return min(APPROX, step / 2 / n)


def small(m: Message, i: int) -> tuple[float, int] | None:
    """A number word below a hundred at token i ("seven", "fifteen", "twenty-one")."""
    t = m.t
    w = t[i]
    if w in ONES:
        return float(ONES[w]), i + 1
    if w in TEENS:
        return float(TEENS[w]), i + 1
    if w in TENS:
        v = float(TENS[w])
        if t[i + 1] == "-" and ONES.get(t[i + 2], 0) > 0:
            return v + ONES[t[i + 2]], i + 3
        if ONES.get(t[i + 1], 0) > 0:
            return v + ONES[t[i + 1]], i + 2
        return v, i + 1
    return None


def below_thousand(m: Message, i: int) -> tuple[float, int] | None:
    """A number below a thousand in words ("a hundred", "one hundred and twenty", "5 hundred")."""
    t = m.t
    if t[i] in ("a", "an", "one") and t[i + 1] == "hundred":
        head, j = 1.0, i + 1
    else:
        got = small(m, i)
        if got is None:
            nv = m.nums[i]
            if nv is None or t[i + 1] != "hundred":
                return None
            got = (nv, i + 1)
        head, j = got
    if t[j] == "hundred":
        head *= 100
        j += 1
        k = j + 1 if t[j] in ("and", "&") else j
        rest = small(m, k)
        if rest is not None:
            head += rest[0]
            j = rest[1]
    return head, j


def cardinal(m: Message, i: int) -> tuple[float, int] | None:
    """Number words: "forty", "twenty-one", "one hundred and twenty", "two thousand"."""
    t = m.t
    if t[i] in ("a", "an") and t[i + 1] == "thousand":
        got: tuple[float, int] | None = (1.0, i + 1)
    else:
        got = below_thousand(m, i)
    if got is None:
        return None
    v, j = got
    if t[j] == "thousand":
        v *= 1000
        j += 1
        k = j + 1 if t[j] in ("and", "&") else j
        rest = below_thousand(m, k)
        if rest is not None:
            v += rest[0]
            j = rest[1]
    return v, j


def fraction_after(m: Message, j: int) -> tuple[float, int]:
    """ "and a half", "& a quarter", "and half", "and a bit" after a whole number: (added,
    end)."""
    t = m.t
    if t[j] in ("and", "&"):
        k = j + 2 if t[j + 1] in ("a", "an", "one") else j + 1
        if t[k] in HALVES:
            return HALVES[t[k]], k + 1
        if t[k] == "bit" and k == j + 2:  # "two and a bit months": a little over two
            return 0.25, k + 1
        if t[k] == "three" and t[k + 1] == "quarters":
            return 0.75, k + 2
    return 0.0, j


def number(m: Message, i: int, *, alone: bool = False) -> NumberRead | None:
    """A number at token i: (value, low, high, end, vague). With `alone`, "a"/"an" need
    not be followed by a unit."""
    t = m.t
    w = t[i]
    got = single(m, i, alone=alone)
    if got is None:
        return None
    v, lo, hi, j, vague = got
    if vague:
        return v, lo, hi, j, vague
    # A range: "2-3", "2 to 3", "2 or 3", "10 and 14" after "between".
    conn = t[j]
    if conn in ("-", "to", "or", "and", "&") and w not in ("a", "an"):
        if conn in ("and", "&") and t[prev_index(m, i)] not in BETWEEN:
            return v, lo, hi, j, vague
        second = single(m, j + 1, alone=alone)
        if second is not None and not second[4] and second[0] > v:
            v2, _, hi2, j2, _ = second
            return (v + v2) / 2, lo, hi2, j2, False
    return v, lo, hi, j, vague


def single(m: Message, i: int, *, alone: bool = False) -> NumberRead | None:
    """One number (no range) at token i: (value, low, high, end, vague)."""
    t, nums = m.t, m.nums
    nv = nums[i]
    if nv is None:
        return _word_number(m, i, alone=alone)
    j = i + 1
    if t[j] == "/" and nums[j + 1] is not None and "." not in t[i] + t[j + 1]:
        a, b = nv, nums[j + 1]
        assert b is not None
        if b == a + 1 and a >= 2 and t[j + 2] != "of" and not alone:
            return (a + b) / 2, a, b, j + 2, False  # "2/3 weeks": a range
        if 0 < a < b <= 16:
            return a / b, a / b, a / b, j + 2, False  # "1/2"
        return None
    if (nums[j] is not None and t[j + 1] == "/" and nums[j + 2] is not None
            and "." not in t[j] and m.ends[i] < m.starts[j]):
        top, bottom = nums[j], nums[j + 2]
        assert top is not None and bottom is not None
        if 0 < top < bottom <= 16:
            nv += top / bottom  # "6 1/2"
            j += 3
    elif t[j] in VULGAR:
        nv += VULGAR[t[j]]  # "6½"
        j += 1
    else:
        add, j = fraction_after(m, j)
        nv += add
    if t[j] in ("hundred", "thousand") and nv == int(nv):
        nv *= 100 if t[j] == "hundred" else 1000
        j += 1
    return nv, nv, nv, j, False


def _word_number(m: Message, i: int, *, alone: bool) -> NumberRead | None:
    """One number in words (no range) at token i: "½", "half a", "a few", "a dozen", "a
    hundred", "a week" (one), "forty", "one and a half"."""
    t = m.t
    w = t[i]
    if w in VULGAR:
        v = VULGAR[w]
        return v, v, v, i + 1, False
    if w == "half":
        return _half(m, i, alone=alone)
    if w in ("a", "an"):
        nxt = t[i + 1]
        if nxt in VAGUE:
            return vague(m, i + 1)
        if nxt == "dozen":
            return 12.0, 12.0, 12.0, i + 2 + (t[i + 2] == "of"), False
        if nxt in ("half", "quarter") and (alone or t[i + 2] in UNITS):
            v = HALVES[nxt]
            return v, v, v, i + 2, False
        if nxt in ("hundred", "thousand"):
            got = cardinal(m, i)
            if got is None:
                return None
            return got[0], got[0], got[0], got[1], False
        if (nxt in UNITS and len(nxt) > 1) or (nxt == "-" and t[i + 2] in UNITS):
            return 1.0, 1.0, 1.0, i + 1, False
        return None
    if w in VAGUE:
        return vague(m, i)
    if w == "dozen":
        return 12.0, 12.0, 12.0, i + 1 + (t[i + 1] == "of"), False
    got = cardinal(m, i)
    if got is None:
        return None
    v, j = got
    add, j = fraction_after(m, j)
    v += add
    return v, v, v, j, False


def _half(m: Message, i: int, *, alone: bool) -> NumberRead | None:
    """ "half a", "half an" (+ unit), "half a dozen / hundred / thousand" at token i; "half"
    alone with `alone`."""
    t = m.t
    k = i + 2 if t[i + 1] in ("a", "an") else i + 1
    if t[k] == "dozen":
        return 6.0, 6.0, 6.0, k + 1, False
    if t[k] in ("hundred", "thousand") and k == i + 2:  # "half a thousand miles"
        v = 50.0 if t[k] == "hundred" else 500.0
        return v, v, v, k + 1, False
    if t[i + 1] in ("a", "an") or alone:
        return 0.5, 0.5, 0.5, k, False
    return None


def vague(m: Message, i: int) -> NumberRead:
    """ "couple", "few", "several" at token i ("few hundred", "couple of", "couple more")."""
    t = m.t
    v, lo, hi = VAGUE[t[i]]
    j = i + 1
    if t[j] in ("hundred", "thousand"):
        f = 100 if t[j] == "hundred" else 1000
        v, lo, hi, j = v * f, lo * f, hi * f, j + 1
    if t[j] == "of":
        j += 1
    if t[j] == "more":  # "a couple more weeks": still the same count
        j += 1
    return v, lo, hi, j, True
