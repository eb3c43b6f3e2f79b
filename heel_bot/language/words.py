"""The lexicon's data (dialogs/language.yaml as read by heel_bot/language/lexicon.py).

Kept apart from the reader so that the language layer's readers of it (pipeline, bare answers,
policy, understander) import no file handling: the engine that uses them does no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from heel_bot.model import Concept, Lexicon, Phrase

START, END, THING = "<start>", "<end>", "<thing>"
MARKERS = (START, END, THING)
ASK = "ask"  # `negated: ask`: a denial of these words is not clear either way (confirm)


@dataclass(frozen=True)
class Sense(Concept):
    """A slot value's words: also those that raise it only uncertainly, and what a denial means."""

    unclear: tuple[Phrase, ...] = ()  # anywhere, but always to be confirmed
    unclear_asked: tuple[Phrase, ...] = ()  # the same, only as the answer to the slot's question
    negated: str | None = None  # the value a clear denial means; ASK: confirm; None: nothing


@dataclass(frozen=True)
class Trigger:
    """A ConText trigger: a phrase, what it does, which way it looks, which slots it touches."""

    text: str
    kind: str  # one of CONTEXT_KINDS, or "pseudo" / "terminate"
    direction: str  # forward | backward | both (pseudo and terminate: "")
    slots: tuple[str, ...] = ()  # empty: every slot
    max_scope: int | None = None


@dataclass(frozen=True)
class Combination:
    """Two or more values of one slot said together that mean one value (None: neither)."""

    slot: str
    values: frozenset[str]
    means: str | None


@dataclass(frozen=True)
class Implication:
    """A slot value that says another slot's value too (shoes "over 500 miles" are worn out,
    which the hard-surface question asks about)."""

    slot: str
    value: str
    then_slot: str
    then_value: str


@dataclass(frozen=True)
class Language(Lexicon):
    """Everything dialogs/language.yaml says, beyond the base lexicon."""

    words: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # WORD_LISTS
    triggers: tuple[Trigger, ...] = ()
    bare: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # slot: yes/no -> value
    combine: tuple[Combination, ...] = ()
    careful: frozenset[str] = frozenset()  # slots whose hedges are confirmed like a red flag
    needs: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # slot -> words a number
    # for it needs nearby when another question is asked (a distance is a shoe's only with them)
    implies: tuple[Implication, ...] = ()
    several: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # slot -> words that
    # say its answer is more than one thing ("I rotate two pairs"): the slot is left open

    def wordlist(self, name: str) -> tuple[str, ...]:
        """One of the word lists (WORD_LISTS)."""
        return self.words.get(name, ())


def words_re(words: Iterable[str]) -> re.Pattern[str] | None:
    """Any of `words`, as whole words (None when there are none)."""
    items = sorted({w for w in words if w}, key=len, reverse=True)
    if not items:
        return None
    return re.compile(r"(?<![\w'])(?:" + "|".join(map(re.escape, items)) + r")(?![\w'])")
