"""Hedges for the number reader (heel_bot/language/numbers.py): the words that soften or bound a
number ("about", "over", "at least", "-ish", "or more", "nearly", "not yet") and the range a
hedged number means (`finish`).
"""

from __future__ import annotations

import math

from heel_bot.language.numtokens import Found, Message, Phrases, Reading
from heel_bot.language.numvocab import (
    AGE,
    APPROX,
    BETWEEN,
    CLAUSE_EDGE,
    HEDGE_APPROX,
    HEDGE_AT_LEAST,
    HEDGE_AT_MOST,
    HEDGE_NEARLY,
    INF,
)

OVER, ATLEAST, UNDER, ATMOST = "over", "atleast", "under", "atmost"  # internal bounds
JUST_OVER = "just_over"


def _phrases(spec: dict[str, str]) -> Phrases:
    """{tag: "phrase, phrase"} -> {last word: [(phrase tokens, tag)]}, longest first."""
    out: Phrases = {}
    for tag, phrases in spec.items():
        for phrase in phrases.split(","):
            words = tuple(phrase.split())
            out.setdefault(words[-1], []).append((words, tag))
    for items in out.values():
        items.sort(key=lambda p: -len(p[0]))
    return out


def _first_word(spec: dict[str, str]) -> Phrases:
    """{tag: "phrase, phrase"} -> {first word: [(phrase tokens, tag)]}, longest first."""
    out: Phrases = {}
    for tag, phrases in spec.items():
        for phrase in phrases.split(","):
            words = tuple(phrase.split())
            out.setdefault(words[0], []).append((words, tag))
    for items in out.values():
        items.sort(key=lambda p: -len(p[0]))
    return out


BEFORE = _phrases({
    HEDGE_APPROX: "about, around, approx, approximately, roughly, maybe, perhaps, probably, "
                  "prob, probs, possibly, like, circa, ca, ~, close to, something like, "
                  "give or take, abt, round about, roundabout, some, about like, "
                  "somewhere around, somewhere about, guessing, est, estimated",
    OVER: "over, more than, longer than, greater than, above, beyond, well over, way over, "
          "well past, upwards of, north of, in excess of, more then, >",
    # a little over the number, not anything over it ("just over a fortnight": 1-3 weeks)
    JUST_OVER: "just over, a bit over, a little over, a bit more than, a little more than, "
               "just past, a tad over, slightly over, slightly more than, just more than",
    ATLEAST: "at least, atleast, minimum, a minimum of, a good, no less than, not less than, "
             "a solid, > =, at the very least",
    UNDER: "under, less than, fewer than, shorter than, below, not even, less then, <",
    ATMOST: "up to, at most, no more than, not more than, max, maximum, < =, at the most",
    HEDGE_NEARLY: "nearly, almost, close on, coming up on, coming up to, approaching, "
                  "not far off, getting on for, just shy of, shy of, nearly about, "
                  "not quite, just under, a bit under, a little under, slightly under, "
                  "just less than, a bit less than, a little less than",
})
# "3 weeks+", "500+ miles": more than the number, as those who write it mean ("3 weeks or
# more" and "at least 3 weeks" include it).
AFTER = _first_word({
    HEDGE_APPROX: "or so, ish, - ish, give or take, roughly, approx, approximately, "
                  "or thereabouts, thereabouts, or something",
    OVER: "+, plus",
    ATLEAST: "or more, or longer, or over, at least, minimum, min, and counting, "
             "and more, or above, or even more, at the least, or longer than that",
    ATMOST: "or less, or under, or fewer, or shorter, at most, max, maximum, tops, at the most, "
            "or below",
})
# Between a number and its unit: "6ish weeks", "500+ miles", "40-odd miles", "6 or so weeks".
MIDDLE = _first_word({
    HEDGE_APPROX: "ish, - ish, odd, - odd, or so, something, - something",
    OVER: "+, plus, - plus",
})
_HEDGE_TAG = {HEDGE_APPROX: HEDGE_APPROX, OVER: HEDGE_AT_LEAST, ATLEAST: HEDGE_AT_LEAST,
              JUST_OVER: HEDGE_AT_LEAST,
              UNDER: HEDGE_AT_MOST, ATMOST: HEDGE_AT_MOST, HEDGE_NEARLY: HEDGE_NEARLY}


def hedges_before(m: Message, i: int, floor: int) -> tuple[list[str], int]:
    """Hedge phrases ending right before token i (nearest first), and where they start."""
    t, tags, k = m.t, [], i
    for _ in range(3):
        best: tuple[tuple[str, ...], str] | None = None
        for words, tag in BEFORE.get(t[k - 1], ()):
            if k - len(words) >= floor and tuple(t[k - len(words):k]) == words:
                best = (words, tag)
                break
        if best is None:
            break
        tags.append(best[1])
        k -= len(best[0])
    return tags, k


def prev_index(m: Message, i: int) -> int:
    """The index of the token before the hedges that end right before token i."""
    return hedges_before(m, i, 0)[1] - 1


def finish(m: Message, kind: str, r: Reading) -> Found | None:
    """Hedges after the quantity, then before it; the range they mean."""
    _hedge_after(m, r)
    floor = m.floor
    before, first = hedges_before(m, r.first, floor)
    if m.t[first - 1] in BETWEEN and first - 1 >= floor:
        first -= 1  # "between 10 and 14 days"
    tags = before + r.tags
    t = m.t
    if t[first - 1] == "not" or (t[first - 1] == "yet" and t[first - 2] == "not"):
        if t[first - 1] != "yet" and t[r.end] != "yet":
            return None  # "not 13, 31": a number denied is no reading
        tags.insert(0, UNDER)  # "not 16 yet", "not yet 16"
    bound = next((tag for tag in tags if tag != HEDGE_APPROX), None)
    approx = HEDGE_APPROX in tags
    if bound is None and approx and not r.vague and r.low == r.high:  # (a range is its own
        v, lo, hi = r.value, r.low * (1 - r.spread), r.high * (1 + r.spread)  # margin)
    else:
        v, lo, hi = _bounded(bound, r.value, r.low, r.high)
    tail = _corrected(m, r, v, lo, hi)
    if tail is not None:  # "about three weeks? Maybe a bit less": just under, not over
        v, lo, hi, less = tail
        bound, approx = (HEDGE_NEARLY, approx) if less else (bound, True)
    if kind == AGE and not 0 < v <= 120:
        return None
    hedge = _HEDGE_TAG[bound] if bound else (HEDGE_APPROX if approx or r.vague else "")
    return Found(kind, v, max(lo, 0.0), hi, first, r.end, hedge)


def _bounded(bound: str | None, v: float, lo: float, hi: float) -> tuple[float, float, float]:
    """The (value, low, high) a bound hedge makes of a quantity."""
    if bound == OVER:
        lo, hi = math.nextafter(lo, INF), INF
        v = max(v, lo)
    elif bound == ATLEAST:
        hi = INF
    elif bound == JUST_OVER:
        lo, hi = math.nextafter(lo, INF), hi * (1 + APPROX)
        v = max(v, lo)
    elif bound == UNDER:
        hi = math.nextafter(hi, -INF)
        lo, v = 0.0, min(v, hi)
    elif bound == ATMOST:
        lo = 0.0
    elif bound == HEDGE_NEARLY:
        hi = math.nextafter(hi, -INF)
        lo, v = lo * (1 - APPROX), min(v, hi)
    return v, lo, hi


def _hedge_after(m: Message, r: Reading) -> None:
    """A hedge right after the quantity ("6 weeks or so"; after a comma: "500 miles, give or
    take", "3 weeks, at least", not "500 miles, plus ..."): added to `r`."""
    after = m.phrase_at(AFTER, r.end)
    if after is None and m.t[r.end] == ",":
        after = m.phrase_at(AFTER, r.end + 1)
        after = None if after is None or after[0] == OVER else after
    if after is not None:
        r.tags.append(after[0])
        r.end = after[1]


def _corrected(m: Message, r: Reading, v: float, lo: float, hi: float
               ) -> tuple[float, float, float, bool] | None:
    """The range (value, low, high) after a softened correction ("? Maybe a bit less": just
    under the number; ", or a little more": just over), and whether it is less; `r.end` moves
    past it. None without one."""
    tail = _tail(m, r.end)
    if tail is None:
        return None
    r.end, less = tail
    if less:
        hi = math.nextafter(r.high, -INF)
        return min(v, hi), min(lo, r.low * (1 - APPROX)), hi, True
    lo = math.nextafter(r.low, INF)
    return max(v, lo), lo, max(hi, r.high * (1 + APPROX)), False


_TAIL_SKIP = frozenset({",", "?", "-", ".", "maybe", "perhaps", "possibly", "probably", "or",
                        "a", "bit", "little", "slightly", "tad", "touch", "but"})
_LESS, _MORE = frozenset({"less", "under", "shorter", "fewer"}), frozenset({"more", "longer"})


def _tail(m: Message, j: int) -> tuple[int, bool] | None:
    """A correction after the quantity, with a softener: "? Maybe a bit less", ", or a little
    more": where it ends, and whether it is less. Alone ("3 weeks, less") it is not read."""
    t, k = m.t, j
    while t[k] in _TAIL_SKIP and k < j + 5:
        k += 1
    soft = {"maybe", "perhaps", "possibly", "probably", "bit", "little", "slightly", "tad",
            "touch"} & set(t[j:k])
    if not soft or t[k] not in _LESS | _MORE or t[k + 1] not in CLAUSE_EDGE:
        return None
    return k + 1, t[k] in _LESS
