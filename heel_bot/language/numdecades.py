"""Decades of life, for the number reader (heel_bot/language/numbers.py): "in my forties",
"mid 30s", "late teens", "early twenties", "30-something", "I'm a teenager"; an age only when
it is said of a person or is the whole answer ("it was mid 30s today" is the weather).
"""

from __future__ import annotations

from heel_bot.language.numages import person_before
from heel_bot.language.numtokens import Found, Message
from heel_bot.language.numvocab import AGE, CLAUSE_EDGE, DECADE_MODS, DECADES, TENS


def decade(m: Message, i: int) -> Found | None:
    """ "in my forties", "mid 30s", "late teens", "early twenties", "I'm a teenager"."""
    t = m.t
    j, mod = i, ""
    if t[j] in DECADE_MODS:
        mod = t[j]
        j += 1
        if t[j] == "-":
            j += 1
    w = t[j]
    nv = m.nums[j]
    if w in DECADES:
        lo, hi = DECADES[w]
        j += 1
    elif nv is not None and nv in (20, 30, 40, 50, 60, 70, 80, 90) and "." not in w:
        if t[j + 1] == "s" and m.ends[j] == m.starts[j + 1]:
            j += 2  # "30s"
        elif (t[j + 1] == "'" and t[j + 2] == "s") or (
                t[j + 1] == "-" and t[j + 2] in ("something", "ish")):
            j += 3  # "30's", "30-something"
        elif t[j + 1] in ("something", "somethings"):
            j += 2
        else:
            return None
        lo, hi = nv, nv + 9
    elif w in TENS and (t[j + 1] in ("something", "somethings") or (
            t[j + 1] == "-" and t[j + 2] in ("something", "somethings"))):
        lo = float(TENS[w])
        hi = lo + 9
        j += 2 if t[j + 1] != "-" else 3
    elif w in ("teen", "teenager") and not mod and t[j - 1] == "a":
        if not person_before(m, j - 1):
            return None
        return Found(AGE, 16.0, 13.0, 19.0, j, j + 1, "")
    else:
        return None
    return _decade_age(m, i, j, lo, hi, mod=mod)


def _decade_age(m: Message, i: int, j: int, lo: float, hi: float, *, mod: str) -> Found | None:
    """Decade `lo`-`hi` at tokens [i, j), after modifier `mod` ("early", "mid", "late"), as an
    age when it is said of a person ("in my forties") or is the whole answer."""
    t = m.t
    before = t[i - 1]
    if before == "the":
        return None  # "in the 30s" (heat, an era)
    people = before in ("my", "his", "her", "their", "our") and t[i - 2] == "in"
    if not (people or person_before(m, i) or (
            (mod or m.expect == AGE) and m.bare(i, j)) or (
            m.expect == AGE and t[i - 1] in CLAUSE_EDGE and t[j] in CLAUSE_EDGE)):
        return None  # "it was mid 30s today": the weather; "mid 30s. I run..." is an age
    if mod in ("early",):
        lo, hi = (13.0, 14.0) if lo == 13 else (lo, lo + 3)
    elif mod in ("mid", "middle"):
        lo, hi = (14.0, 16.0) if lo == 13 else (lo + 3, lo + 6)
    elif mod == "late":
        lo, hi = (17.0, 19.0) if lo == 13 else (lo + 7, lo + 9)
    return Found(AGE, (lo + hi) / 2, lo, hi, i, j, "")
