"""A typed message as tokens, for the number reader (heel_bot/language/numbers.py).

`Message` folds the text (lower case, ASCII digits, plain dashes and apostrophes) and cuts it
into tokens once, keeping each token's offsets and sentence, with every digit token read as a
number. The readers (numwords, numhedges, numunits, numages, numdates) look tokens up by index:
`PAD` empty tokens either side spare them bounds checks. `Message` also answers the questions
about a number's surroundings that they share: is its sentence about shoes, is the message
nothing but it, is an onset word near. `Found` and `Reading` are the records they pass around.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass

from heel_bot.language.numvocab import (
    APPROX,
    BOUNDARY_TOKENS,
    CLAUSE_EDGE,
    DISTANCE,
    DURATION,
    EVENTS,
    EXPECT,
    FILLER,
    HIT_NOT,
    HURT_SINCE,
    ONSET,
    SHOE_WORDS,
    TREND_WORDS,
    VULGAR,
    WAKER,
)

PAD = 8  # empty tokens either side, so lookups a few tokens away need no bounds checks
MAX_DIGITS = 9  # longer digit runs are not quantities (and would overflow to inf)
# Dictation's homophones of two and four before a span: "about to weeks", "for for weeks",
# "the last to months", "for weeks ago" (not "hurt for weeks": many weeks).
_SOUNDS = {"to": "two", "too": "two", "for": "four", "fore": "four"}
_SOUND_SPANS = frozenset({"days", "weeks", "months", "years", "wks", "mnths"})
_SOUND_AFTER = frozenset({"about", "around", "roughly", "like", "maybe", "nearly", "almost",
                          "for", "last", "past", "only", "just", "approximately", "approx"})
# Words that restart an answer spoken aloud: what follows the last one is the answer meant.
RESTARTS = frozenset({"sorry", "wait", "actually", "correction", "oops", "sry", "soz"})

_FOLD = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'", "ʼ": "'", "′": "'",
                       "–": "-", "—": "-", "‐": "-", "‑": "-", "‒": "-", "−": "-", "―": "-",
                       "\u00a0": " ", "\u2009": " ", "\u202f": " ", "\u2007": " ",
                       "×": "x", "⁄": "/", "∼": "~", "≈": "~", "～": "~", "≥": ">", "≤": "<"})
_TOKEN = re.compile(r"[0-9]+(?:,[0-9]{3})+(?![0-9])(?:\.[0-9]+)?"
                    r"|[0-9]+(?:[.,][0-9]+)?"
                    r"|[a-z]+(?:'[a-z]+)?"
                    r"|\S")


def normalise(text: str) -> str:
    """Lower case, ASCII digits, plain dashes and apostrophes; one character per character, so
    offsets in the result are offsets in `text`."""
    if text.isascii():
        return text.lower()
    out = []
    for ch in text.translate(_FOLD):
        if ch.isdecimal():
            out.append(str(unicodedata.decimal(ch, 0)))
        else:
            lower = ch.lower()
            out.append(lower if len(lower) == 1 else ch)
    return "".join(out)


def digits(token: str) -> float | None:
    """The number a digit token means ("11", "1.5", "1,5", "1,000"), or None."""
    if not token[0].isdigit() or len(token) > MAX_DIGITS + 4:
        return None
    if "," in token:
        head = token.split(".", maxsplit=1)[0].split(",")
        token = token.replace(",", "") if all(len(p) == 3 for p in head[1:]) else (
            token.replace(",", "."))
    if len(token.split(".")[0]) > MAX_DIGITS:
        return None
    try:
        return float(token)
    except ValueError:
        return None


@dataclass
class Found:
    """A quantity found: its kind, value and range, tokens [first, last), hedge tag."""

    kind: str
    value: float
    low: float
    high: float
    first: int  # token index of the first word (hedge included)
    last: int  # token index after the last word
    hedge: str
    event: bool = False  # a day dated by an injury ("fell yesterday"), not by the pain


@dataclass
class Reading:
    """A number being read: its range, tokens [first, end), hedges met so far."""

    value: float
    low: float
    high: float
    first: int
    end: int
    tags: list[str]
    vague: bool
    spread: float = APPROX  # what "about" adds either side, as a fraction

    def scale(self, f: float) -> None:
        self.value, self.low, self.high = self.value * f, self.low * f, self.high * f

    def shift(self, d: float) -> None:
        self.value, self.low, self.high = self.value + d, self.low + d, self.high + d


Phrases = dict[str, list[tuple[tuple[str, ...], str]]]


class Message:
    """One message, tokenised: tokens `t` at [PAD, n), their offsets, sentences and numbers."""

    def __init__(self, text: str, today: datetime.date | None, expect: str | None, *,
                 opening: bool = False) -> None:
        self.text = text
        self._today = today
        self.expect = EXPECT.get(expect or "")
        self.opening = opening  # the first message, no question asked: "38, pain..." is an age
        norm = normalise(text)
        toks: list[str] = [""] * PAD
        starts: list[int] = [0] * PAD
        ends: list[int] = [0] * PAD
        sentence: list[int] = [0] * PAD
        sent, prev_end = 0, 0
        for m in _TOKEN.finditer(norm):
            tok = m.group()
            if "\n" in norm[prev_end:m.start()]:
                sent += 1
            toks.append(tok)
            starts.append(m.start())
            ends.append(m.end())
            sentence.append(sent)
            if tok in BOUNDARY_TOKENS:
                sent += 1
            prev_end = m.end()
        self.n = len(toks)  # tokens are at [PAD, n)
        end = len(text)
        self.t = _homophones(toks) + [""] * PAD
        self.starts = starts + [end] * PAD
        self.ends = ends + [end] * PAD
        self.sent = sentence + [sent + 1] * PAD
        self.nums: list[float | None] = [
            digits(tok) if tok[:1].isdigit() else None for tok in self.t]
        self.floor = 0  # where the last quantity found ends: hedges before the next stop here
        self._shoe_sentences: set[int] | None = None
        self._meaningful: list[int] | None = None
        self._restart = 0

    @property
    def today(self) -> datetime.date:
        """The date relative dates count back from (`datetime.date.today()` if not given)."""
        if self._today is None:
            self._today = datetime.date.today()
        return self._today

    def shoe_context(self, k: int) -> bool:
        """Whether token k's sentence is about shoes (or the caller asked about them)."""
        if self.expect == DISTANCE:
            return True
        if self._shoe_sentences is None:
            self._shoe_sentences = {self.sent[j] for j in range(PAD, self.n)
                                    if self.t[j] in SHOE_WORDS}
        return self.sent[k] in self._shoe_sentences

    def bare(self, first: int, last: int) -> bool:
        """Whether the message is only tokens [first, last) plus filler and punctuation."""
        if self._meaningful is None:
            self._meaningful = [j for j in range(PAD, self.n)
                                if (self.t[j][:1].isalnum() and self.t[j] not in FILLER)
                                or self.t[j] in VULGAR]
            self._restart = self._last_restart()
        m = self._meaningful
        # "12.. sorry 21": only what follows the correction counts (not for a bare number of
        # days to months: "6 weeks... actually maybe 5" keeps its weeks unsaid)
        if first > self._restart and self.expect != DURATION:
            m = [j for j in m if j > self._restart]
        return not m or (m[0] >= first and m[-1] < last)

    def _last_restart(self) -> int:
        """The last word of a spoken self-correction ("sorry", "no wait", "actually", "I mean",
        "oops"), or 0: what follows it is the answer meant ("three hundred, no wait, 550")."""
        for j in range(self.n - 1, PAD - 1, -1):
            w = self.t[j]
            if w in RESTARTS or (w == "mean" and self.t[j - 1] == "i"):
                return j
        return 0

    def onset_near(self, k: int) -> bool:
        """An onset word ("started", "since"...) within eight tokens before k, same sentence,
        or twelve in the same clause ("felt a pop in the back of my ankle playing pickleball
        yesterday"); "it woke me" is the pain at night, not its onset."""
        return self.onset_before(k) is not None

    def onset_before(self, k: int) -> int | None:
        """The index of the nearest onset word of `onset_near`, or None."""
        t, s = self.t, self.sent[k]
        for j in range(k - 1, max(0, k - 12) - 1, -1):
            if t[j] in ONSET and self.sent[j] == s and not (
                    t[j] == "woke" and t[j + 1] in WAKER) and not (
                    t[j] == "hit" and not self._blow(j)) and not self.trend_before(j) and (
                    k - j <= 8 or CLAUSE_EDGE.isdisjoint(t[j + 1:k])):
                return j
        return None

    def event_before(self, k: int) -> bool:
        """Whether the onset word nearest before token k is an injury's ("fell", "twisted",
        "a pop"), not the pain's own ("started", "since"; "kicked in")."""
        j = self.onset_before(k)
        if j is None or self.t[j] not in EVENTS:
            return False
        nxt = self.t[j + 1]
        if self.t[j] == "felt":  # "felt a pop", not "felt fine, then Monday..."
            return nxt in ("a", "an", "something", "it")
        return not (self.t[j] == "kicked" and nxt == "in")

    def _blow(self, j: int) -> bool:
        """Whether "hit" at token j is a blow ("hit my heel on a step"), not a target ("hit
        50 miles", "hit a new pb", "hit the wall")."""
        t = self.t
        return self.nums[j + 1] is None and HIT_NOT.isdisjoint(t[j + 1:j + 3])

    def onset_after(self, j: int) -> bool:
        """Whether the words from token j say the pain followed what was dated: "ran a half on
        Sunday, now the heel hurts", "did a 100k at the weekend and now...", "... and it's
        hurt ever since" (the onset word after the date)."""
        t = self.t
        k = j
        while t[k] in (",", "and", "&", "-", "but", "so") and k < j + 3:
            k += 1
        if t[k] == "now":  # but "... and now it's worse": a change, not the start
            return not any(t[x] in TREND_WORDS for x in range(k + 1, k + 5))
        if any(t[x] == "since" and (t[x - 1] == "ever" or t[x + 1] in (
                "then", "", ".", "!", ",", ";")) for x in range(j, min(j + 6, self.n))
                if self.sent[x] == self.sent[j - 1]):
            return True
        # "... in February and landed hard. It's never been right since.": the next sentence
        # ends on "since"
        return any(t[x] == "since" and t[x + 1] in ("", ".", "!") and not HURT_SINCE.isdisjoint(
            t[x - 4:x]) for x in range(j, min(j + 16, self.n))
            if self.sent[x] <= self.sent[j - 1] + 1)

    def trend_before(self, j: int) -> bool:
        """Whether a change of the pain comes just before token j: "worse since Saturday",
        "gone downhill since the race" date the change, not the start of the pain."""
        return any(self.t[i] in TREND_WORDS for i in range(max(0, j - 3), j))

    def phrase_at(self, table: Phrases, j: int) -> tuple[str, int] | None:
        """The tag and end of the phrase of `table` (keyed by first word) at token j."""
        t = self.t
        for words, tag in table.get(t[j], ()):
            if tuple(t[j:j + len(words)]) == words:
                return tag, j + len(words)
        return None

    def prev_skipping(self, k: int, skip: frozenset[str]) -> int:
        """The index of the nearest token before k that is not in `skip`."""
        j = k - 1
        while j > 0 and self.t[j] in skip:
            j -= 1
        return j


def _homophones(toks: list[str]) -> list[str]:
    """Tokens with dictation's "to"/"for" read as "two"/"four" where only a number fits."""
    out = list(toks)
    for j in range(1, len(toks) - 1):
        if toks[j] in _SOUNDS and toks[j + 1] in _SOUND_SPANS and (
                toks[j - 1] in _SOUND_AFTER or toks[j + 2:j + 3] == ["ago"]):
            out[j] = _SOUNDS[toks[j]]
    return out
