"""The scan of one message for the number reader (heel_bot/language/numbers.py).

`Scan` walks the tokens left to right and, at each, tries the readers in turn: a date
(numdates), a decade of life (numdecades), a number with its unit (numunits), a plural unit
alone ("for weeks"), a school year. A quantity found is kept and the walk goes on after it;
last, neighbours joined by "to" / "or" / "between ... and" become one range ("2 weeks to a
month").
"""

from __future__ import annotations

from heel_bot.language.numages import school
from heel_bot.language.numdates import relative
from heel_bot.language.numdecades import decade
from heel_bot.language.numtokens import PAD, Found, Message
from heel_bot.language.numunits import clinical, plural_span, quantity
from heel_bot.language.numvocab import (
    DECADE_MODS,
    INF,
    MONTHS,
    ORDINALS,
    PLURAL_SPANS,
    RELATIVE_STARTS,
    TRIGGERS,
    UNITS,
)

# Words of a self-correction between two quantities: the later one is meant ("I'm 16 - wait
# no, 15", "3 weeks, sorry, 4").
CORRECTIONS = frozenset({"wait", "sorry", "mean", "correction", "actually", "scratch", "oops",
                         "rather", "well", "*"})


class Scan(Message):
    """One message, tokenised (`Scan(text, today, expect)`); `run` finds its quantities."""

    def quick_reject(self) -> bool:
        """Whether the message has no digit and no word that may start a quantity."""
        return not any(x is not None for x in self.nums) and TRIGGERS.isdisjoint(
            self.t[PAD:self.n])

    def day_of_month(self, i: int) -> bool:
        """Whether token i is a day number before its month: "on 27 April", "the 3rd of May"
        (without "since" too: "since the race on 27 April" is the 27th, not the 1st), or a
        date in digits after "since"/"on" or an onset word ("started 1/5")."""
        t = self.t
        if self.nums[i] is None:
            return False
        if t[i + 1] == "/" and self.nums[i + 2] is not None:
            return t[i - 1] in ("since", "from", "on") or self.onset_near(i)  # "started 1/5"
        k = i + 1 + (t[i + 1] in ORDINALS)
        return t[k] in MONTHS or (t[k] == "of" and t[k + 1] in MONTHS)

    def run(self) -> list[Found]:
        """The quantities in the message, in order (`find_quantities` drops any whose range
        is not low ≤ value ≤ high)."""
        if self.quick_reject():
            return []
        found: list[Found] = []
        i, n, t, nums = PAD, self.n, self.t, self.nums
        while i < n:
            w = t[i]
            got = None
            if nums[i] is not None:
                got = clinical(self, i)  # "2/52", before a date ("worst first thing, 2/12")
            if got is None and (w in TRIGGERS or w in RELATIVE_STARTS or self.day_of_month(i)):
                got = relative(self, i)
            if got is None and (w in TRIGGERS or w in DECADE_MODS or nums[i] is not None):
                got = decade(self, i)
            if got is None and (nums[i] is not None or w in TRIGGERS or w in ("a", "an")):
                got = quantity(self, i)
            if got is None and w in PLURAL_SPANS:
                got = plural_span(self, i)
            year = nums[i + 1]
            if (got is None and w in ("year", "grade") and year is not None
                    and "." not in t[i + 1] and t[i + 2] not in UNITS):
                got = school(self, i, i + 2, year + (4 if w == "year" else 5))
            if got is None:
                i += 1
                continue
            if found and got.first < found[-1].last:
                got.first = found[-1].last
            found.append(got)
            self.floor = got.last
            i = max(got.last, i + 1)
        return corrected(t, merge(t, found))


def merge(t: list[str], found: list[Found]) -> list[Found]:
    """ "2 weeks to a month", "3 weeks or a month", "between 2 weeks and a month": quantities
    `found` in tokens `t`, neighbours joined by "to" / "or" / "-" / "between ... and" as one."""
    out = list[Found]()
    for f in found:
        if out:
            p = out[-1]
            conn = t[p.last] if f.first == p.last + 1 else ""
            between = conn in ("and", "&") and t[p.first - 1] in ("between", "btwn")
            if p.kind == f.kind and (conn in ("-", "to", "or") or between):
                # A hedge before a range is no wider than the range ("maybe a week or two")
                low, high = (min(p.value, f.value), max(p.value, f.value)) if p.hedge else (
                    min(p.low, f.low), max(p.high, f.high))
                mid = (low + high) / 2 if high < INF else max(p.value, f.value)
                out[-1] = Found(p.kind, mid, low, high, p.first, f.last,
                                p.hedge or f.hedge, p.event and f.event)
                continue
        out.append(f)
    return out


def corrected(t: list[str], found: list[Found]) -> list[Found]:
    """`found` without a quantity corrected by the next of its kind a few words on."""
    out = list[Found]()
    for f in found:
        if out and out[-1].kind == f.kind and f.first - out[-1].last <= 6 and any(
                t[k] in CORRECTIONS for k in range(out[-1].last, f.first)):
            out[-1] = f
            continue
        out.append(f)
    return out
