"""A concept found in a typed message, with its sense; the text normalisation every reader shares.

Kept apart from the spaCy pipeline so that reading its results needs no spaCy import.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Set
from dataclasses import dataclass, replace

MAX_INPUT = 500  # characters read; longer messages are cut, never rejected
EMERGENCY = "EMERGENCY"  # the label of emergency signs (they have no slot of their own)
IGNORE = "IGNORE"  # the label of phrases that mean nothing here ("oh snap", "good morning")
# A sign said, then asked about: it is said with doubt ("i stubbed it? does that count lol").
_COUNTS = re.compile(r"\b(?:does|do|would|will) (?:that|this|it) count\b")
_CONTROL = re.compile(
    r"[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


@dataclass(frozen=True)
class Mention:
    """A concept found in a message: slot = value (or the emergency label), and its sense."""

    slot: str
    value: str
    anywhere: bool  # False: it means this value only as the answer to the slot's question
    negated: bool
    uncertain: bool  # hedged: "maybe", "I think", "kind of"
    start: int  # character offsets in the normalised text
    end: int
    text: str
    unknown: bool = False  # in the scope of "not sure", "idk": not known either way
    unclear: bool = False  # words that raise the value only in part ("red" without heat)
    other: bool = False  # said of someone or something else, or only supposed ("if", "what")
    deniers: tuple[str, ...] = ()  # the words that negate it ("no", "not", "is fine")
    supposed: bool = False  # other only as supposed ("if", "in case"), not someone else's

    @property
    def clear(self) -> bool:
        """Affirmed outright: not denied, hedged, unknown, partial or said of another."""
        return not (self.negated or self.uncertain or self.unknown or self.unclear
                    or self.other)

    @property
    def doubtful(self) -> bool:
        """Raised, but not clearly: hedged, unknown, partial or said of another."""
        return self.uncertain or self.unknown or (self.unclear and not self.negated) or (
            self.other)


@dataclass(frozen=True)
class Reading:
    """A message as the pipeline reads it."""

    cleaned: str  # normalised, typos corrected
    mentions: tuple[Mention, ...]
    used: tuple[tuple[int, int], ...]  # character spans of the triggers that modified a mention
    ignored: tuple[tuple[int, int], ...] = ()  # spans of the lexicon's `ignore` phrases

    def without_ignored(self) -> str:
        """The cleaned text with the `ignore` phrases blanked out (offsets kept): "not really
        an injury" says nothing for or against an injury, so it is no bare hedge either."""
        text = self.cleaned
        for a, b in self.ignored:
            text = text[:a] + " " * (b - a) + text[b:]
        return text


def normalise(text: str) -> str:
    """Lower case, NFKC, no control or direction marks, single spaces, typographic quotes."""
    text = unicodedata.normalize("NFKC", text[: MAX_INPUT * 2])[:MAX_INPUT]
    text = _CONTROL.sub(" ", text).casefold().replace("’", "'").replace("‘", "'")
    return " ".join(text.split())


def asks_back(cleaned: str, asking: re.Pattern[str] | None) -> bool:
    """Whether the whole message is a question asked back ("is that 10% a week or a month?"):
    a number in it is the question's, not an answer."""
    return cleaned.rstrip().endswith("?") and bool(asking and asking.match(cleaned))


def questioned(cleaned: str, mentions: list[Mention], careful: Set[str],
               asking: re.Pattern[str] | None, contrast: re.Pattern[str] | None = None
               ) -> list[Mention]:
    """A statement that ends in "?" (or is asked about: "does that count") is said with doubt
    ("there's like a little dip when I run my finger down it?"): a red flag (a `careful` slot)
    affirmed in it is confirmed, not taken; after a `contrast`, only what follows it ("can
    walk ok but my foot's gone blue??" doubts the foot, not the walking). A question asked
    back (`asking`: "..., is that related?") leaves what was said as it was."""
    text = cleaned.rstrip()
    counts = _COUNTS.search(text)
    if counts:
        return [replace(m, uncertain=True) if m.slot in careful and m.clear
                and m.start < counts.start() else m for m in mentions]
    doubted: list[tuple[int, int]] = []  # every sentence asked, not only the last ("A pop?
    for q in re.finditer(r"[^.!?…]*\?+", text):  # Don't think so.": the pop is asked back)
        body = q.group(0).rstrip("?")
        clause = max(body.rfind(c) for c in ",;") + 1
        if asking and (asking.match(body.strip()) or asking.match(body[clause:].strip())):
            continue
        turns = [c.end() for c in contrast.finditer(body)] if contrast else []
        doubted.append((q.start() + (turns[-1] if turns else 0), q.end()))
    return [replace(m, uncertain=True) if m.slot in careful and m.clear
            and any(a <= m.start < b for a, b in doubted) else m for m in mentions]
