"""What a person says about their own answer rather than about the heel: a spoken
self-correction of a bare answer ("no wait yes, I can walk on it", "no... well yes", "the
mornings are fine no sorry I mean yes"), and an option named by its place ("the first one").

People who dictate or type as they think correct themselves mid-message; the words before
the correction are then not their answer. Pure: no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Set
from typing import TYPE_CHECKING

from heel_bot.language.mentions import Reading
from heel_bot.model import Question

if TYPE_CHECKING:
    from heel_bot.language.pipeline import Pipeline

# Words that restart an answer between a bare yes and a bare no ("well" only right between
# them: "no... well yes"; "no, well, it hurts" restarts nothing).
_RESTART = r"(?:wait|sorry|sorry i mean|i mean|actually|oops|hang on|no wait|no sorry)"
_GAP = r"[\s,.!…\-]*"
# An option by its place, said alone ("the first one", "yeah the second option").
_PLACES = {"first": 0, "1st": 0, "second": 1, "2nd": 1, "third": 2, "3rd": 2, "fourth": 3,
           "4th": 3, "fifth": 4, "5th": 4, "last": -1}  # (not "bottom": of the heel)
_PLACE = re.compile(r"(?:(?:yes|yeah|yep|ya|ok|okay)[ ,]+)?(?:the )?(" + "|".join(_PLACES)
                    + r")(?: one| option| answer| box| button)?(?: please| pls)?")
# An option's number, typed in ASCII digits: "-1", "¹" and "１" are not option 1.
_NUMBERED = re.compile(r"(?:option |number |#)?([0-9]{1,2})")
MIN_OPTIONS = 3  # "the first one" of a yes/no question is left to the buttons


class Restarts:
    """Finds a spoken correction between a bare yes and a bare no (either way round)."""

    def __init__(self, affirm: Iterable[str], deny: Iterable[str]) -> None:
        yes, no = _alternatives(affirm), _alternatives(deny)
        self._turns = [re.compile(rf"\b(?:{a})\b{_GAP}(?:(?:{_RESTART}){_GAP})+(?=(?:{b})\b)")
                       for a, b in ((yes, no), (no, yes))]
        # After "well" only a one-word answer: "no... well yes" (not "no, well, I can shuffle
        # to the loo": a hedge, not a correction).
        yes1, no1 = _alternatives(affirm, words_most=1), _alternatives(deny, words_most=1)
        self._well = [re.compile(rf"\b(?:{a})\b{_GAP}well{_GAP}(?=(?:{b})\b)")
                      for a, b in ((yes1, no1), (no1, yes1))]

    def cut(self, cleaned: str) -> int | None:
        """Where the answer meant begins (the later bare word), or None: no correction."""
        found = [m.end() for r in (*self._turns, *self._well) for m in r.finditer(cleaned)]
        return max(found) if found else None

    def reread(self, reading: Reading, question: Question | None, careful: Set[str],
               pipeline: Pipeline) -> Reading | None:
        """A bare answer corrected aloud ("no wait yes, I can walk on it"): what follows the
        correction, read alone; None if the words dropped say something of another slot (or
        of the asked red flag), or a red flag's correction is a bare word ("yes wait no":
        the policy's own rules for a yes taken back decide that)."""
        at = self.cut(reading.cleaned) if question is not None else None
        if at is None or question is None or any(
                m.start < at and (m.slot != question.slot or m.slot in careful)
                for m in reading.mentions):
            return None
        rest = pipeline.read(reading.cleaned[at:], question.slot)
        if question.slot in careful and not any(m.slot == question.slot for m in rest.mentions):
            return None
        return rest


def _alternatives(words: Iterable[str], *, words_most: int = 9) -> str:
    plain = sorted({w for w in words if re.fullmatch(r"[a-z' ]+", w)
                    and len(w.split()) <= words_most}, key=len, reverse=True)
    return "|".join(re.escape(w) for w in plain)


class Options:
    """The options of every question, as a message may name them outright."""

    def __init__(self, questions: Iterable[Question], texts: Mapping[str, str]) -> None:
        self.labels = {q.slot: _labels(q, texts) for q in questions}

    def exact(self, q: Question, cleaned: str, typed: str) -> str | None:
        """The option a message names outright: its number (as typed, before any
        normalisation), value or label, nothing else."""
        text = cleaned.strip(" ,.!-–—'\"")  # not "?": "no?" is not an answer
        number = _NUMBERED.fullmatch(" ".join(typed.casefold().split()).strip(" ,.!'\""))
        if number and 1 <= int(number.group(1)) <= len(q.options):
            return q.options[int(number.group(1)) - 1].value
        return self.labels[q.slot].get(text)

    @staticmethod
    def by_place(q: Question, cleaned: str) -> str | None:
        """The value of the option named by its place alone ("the first one", "the last
        one"), for questions of three options or more; None otherwise."""
        m = _PLACE.fullmatch(cleaned.strip(" ,.!-–—'\""))
        if m is None or len(q.options) < MIN_OPTIONS:
            return None
        i = _PLACES[m.group(1)]
        return q.options[i].value if i < len(q.options) else None


def _labels(q: Question, texts: Mapping[str, str]) -> dict[str, str]:
    """Every way of naming an option outright: its label, value and value in words."""
    out: dict[str, str] = {}
    for o in q.options:
        for form in (texts[o.label], o.value, o.value.replace("_", " ")):
            out.setdefault(" ".join(form.casefold().split()).strip(" .!"), o.value)
    return out
