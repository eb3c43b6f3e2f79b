"""Turn what a person typed into an option, a command, or a red-flag alert.

People answer in many ways: the option's number, its value or label, or their own words
("yep", "not sure", "it's more at the back"). Matching is forgiving but never guesses between
two options: an ambiguous or unknown answer is reported as unmatched, and the question is asked
again. Negated yes-words ("not numb") are treated as ambiguous rather than as "yes".
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import Enum

from bot.model import Dialog, Question

MAX_INPUT = 500  # characters looked at; longer messages are cut, never rejected

YES_WORDS = frozenset(
    ["yes", "y", "yep", "yeah", "yea", "yup", "ya", "aye", "sure", "correct", "right", "true",
     "definitely", "absolutely", "certainly", "indeed", "affirmative", "ok", "okay", "👍"]
)
NO_WORDS = frozenset(["no", "n", "nope", "nah", "nay", "never", "none", "negative", "false", "👎"])
YES_PHRASES = ("i do", "it does", "it is", "i can", "i have", "of course")
NO_PHRASES = ("not really", "i don't", "i do not", "it doesn't", "it does not", "it isn't",
              "it is not", "not at all", "i haven't", "i have not", "not that i know",
              "not that i've noticed", "i'm not", "i am not", "it's not", "there isn't")
UNSURE_PHRASES = ("not sure", "unsure", "don't know", "dont know", "do not know", "idk",
                  "no idea", "dunno", "maybe", "perhaps", "can't tell", "cannot tell",
                  "not certain", "no clue", "hard to say", "?")
NEGATIONS = re.compile(r"\b(?:not|no|never|without|hardly|n't)\b|n't\b")

COMMANDS: dict[str, tuple[str, ...]] = {
    "back": ("back", "undo", "previous", "go back"),
    "restart": ("restart", "start over", "start again", "reset"),
    "help": ("help", "commands"),
    "why": ("why", "why?", "why do you ask", "why do you ask?"),
    "summary": ("summary", "summarise", "summarize"),
    "learn": ("learn", "info", "menu", "topics", "browse"),
    "quit": ("quit", "exit", "bye", "goodbye"),
    "start": ("start",),
}
_COMMAND_OF = {word: cmd for cmd, words in COMMANDS.items() for word in words}
_CONTROL = re.compile(r"[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
_EDGE_PUNCT = " \t.,!;:'\"()[]«»“”‘’-–—"


def normalise(text: str) -> str:
    """Casefolded, NFKC, no control or direction marks, single spaces, no edge punctuation."""
    text = unicodedata.normalize("NFKC", text[: MAX_INPUT * 2])[:MAX_INPUT]
    text = _CONTROL.sub(" ", text).casefold().replace("’", "'")
    return " ".join(text.split()).strip(_EDGE_PUNCT)


def parse_command(text: str) -> str | None:
    """The command a message asks for (`/back`, `back`, `/back@heel_bot`), or None."""
    norm = normalise(text)
    if norm.startswith("/"):
        norm = norm[1:].split("@", 1)[0].split(" ", 1)[0]
        return norm if norm in COMMANDS else None
    return _COMMAND_OF.get(norm)


class Kind(Enum):
    """How a typed answer was understood."""

    MATCHED = "matched"
    UNSURE = "unsure"
    UNMATCHED = "unmatched"


@dataclass(frozen=True)
class Match:
    """The understanding of one typed answer."""

    kind: Kind
    value: str | None = None


UNMATCHED = Match(Kind.UNMATCHED)


def _phrase_rx(phrases: list[str]) -> re.Pattern[str] | None:
    if not phrases:
        return None
    alts = sorted({re.escape(p) for p in phrases if p}, key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(alts) + r")(?!\w)")


class QuestionMatcher:
    """Matching tables for one question, compiled once at start-up."""

    def __init__(self, question: Question, labels: dict[str, str]) -> None:
        self.question = question
        self.values = tuple(o.value for o in question.options)
        self.exact: dict[str, str] = {}
        for i, opt in enumerate(question.options, start=1):
            for form in (str(i), opt.value, opt.value.replace("_", " "), normalise(labels[
                    opt.label])):
                self.exact.setdefault(form, opt.value)
        self.yes_no = "yes" in self.values and "no" in self.values
        self.words = [(o.value, _phrase_rx(list(o.match))) for o in question.options]
        self.ranges = [(o.value, o.numbers) for o in question.options if o.numbers]

    def match(self, text: str) -> Match:
        """Understand `text` as an answer to this question."""
        norm = normalise(text)
        if not norm:
            return UNMATCHED
        if norm in self.exact:
            return Match(Kind.MATCHED, self.exact[norm])
        number = re.fullmatch(r"(?:option |number |#)?(\d{1,3})", norm)
        if number and 1 <= int(number.group(1)) <= len(self.values):
            return Match(Kind.MATCHED, self.values[int(number.group(1)) - 1])
        if any(_contains(norm, p) for p in UNSURE_PHRASES):
            return Match(Kind.UNSURE)
        hits: dict[str, list[tuple[int, int]]] = {}
        for value, rx in self.words:
            spans = [m.span() for m in rx.finditer(norm)] if rx is not None else []
            if spans:
                hits[value] = spans
        # A negation outside the matched words ("I didn't feel a pop") turns the words around:
        # such hits are not trusted, except those for "no". Negative words inside a matched
        # phrase ("can't" for "cannot walk") are the answer itself.
        remainder = list(norm)
        for spans in hits.values():
            for a, b in spans:
                remainder[a:b] = " " * (b - a)
        if NEGATIONS.search("".join(remainder)):
            hits = {v: s for v, s in hits.items() if v == "no"}
        generic = self._yes_or_no(norm) if self.yes_no else None
        if len(hits) == 1:
            (value,) = hits
            # A specific option ("yes, but it hurts" → with pain) beats a bare yes or no.
            if generic is None or generic == value or value not in ("yes", "no"):
                return Match(Kind.MATCHED, value)
            return UNMATCHED
        if hits:
            return UNMATCHED
        if generic is not None:
            return Match(Kind.MATCHED, generic)
        return self._ranged(norm)

    def _yes_or_no(self, norm: str) -> str | None:
        first = norm.split(" ", 1)[0].strip(_EDGE_PUNCT)
        if first in NO_WORDS or any(_starts(norm, p) for p in NO_PHRASES):
            return "no"
        if NEGATIONS.search(norm):
            return None
        if first in YES_WORDS or any(_starts(norm, p) for p in YES_PHRASES):
            return "yes"
        return None

    def _ranged(self, norm: str) -> Match:
        """A number typed in words ("I'm 34") for an option that takes a range of numbers."""
        if self.ranges:
            found = re.search(r"(?<![\w.])(\d{1,3})(?![\w.])", norm)
            if found:
                n = int(found.group(1))
                for value, (low, high) in self.ranges:
                    if low <= n <= high:
                        return Match(Kind.MATCHED, value)
        return UNMATCHED


def _starts(norm: str, phrase: str) -> bool:
    """Whether `norm` starts with the whole words of `phrase` ("i can" is not "i can't")."""
    return norm.startswith(phrase) and (len(norm) == len(phrase) or not (
        norm[len(phrase)].isalnum() or norm[len(phrase)] == "'"))


def _contains(norm: str, phrase: str) -> bool:
    if phrase == "?":
        return norm == "?"
    return re.search(r"(?<!\w)" + re.escape(phrase) + r"(?!\w)", norm) is not None


class SafetyNetMatcher:
    """Red-flag words that, typed anywhere, bring a red-flag question forward."""

    def __init__(self, dialog: Dialog) -> None:
        self.entries = [(n.ask, _phrase_rx(list(n.words))) for n in dialog.safety_net]

    def find(self, text: str) -> list[str]:
        """The questions whose red-flag words the text contains, in dialog order."""
        norm = normalise(text).replace("’", "'")
        return [ask for ask, rx in self.entries if rx is not None and rx.search(norm)]
