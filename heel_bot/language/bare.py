"""Bare answers: a yes, a no, a "not sure" or an "ok", wherever a clause says it.

A message is cut into clauses at punctuation and contrast words ("no, but…" is two). Filler
words ("lol", "tbh", "well") are set aside; a clause that is then one of the lexicon's answer
words, starts with a yes or no word ("nah mostly the gym"), ends with one ("walking no"), or
holds a hedge ("no I don't think so") is a bare answer. A yes or no word that ConText already
read as the negation of a mention ("no gap": the gap is denied) or that is part of a phrase
("no injury") is not bare: the mention says it. The words all come from the lexicon.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

from heel_bot.language.mentions import Reading, normalise
from heel_bot.language.words import END, START, Language

YES, NO, UNSURE, LIKELY_YES, LIKELY_NO, ACK, DOUBT = (
    "yes", "no", "unsure", "likely_yes", "likely_no", "acknowledge", "doubt")
KINDS = {"unsure": UNSURE, "likely_no": LIKELY_NO, "likely_yes": LIKELY_YES, "deny": NO,
         "affirm": YES, "acknowledge": ACK, "doubt": DOUBT}
HEDGES = (UNSURE, LIKELY_NO, LIKELY_YES)  # looked for anywhere in a clause, in this order
SHORT = 3  # words: "numb?" echoes the question (the answer after it is about it), "does that
# count?" asks something else
_PUNCT = r"[,;:.!?…()\[\]\"]+|\s-+\s"
_LEAD = re.compile(r"[^\w']+")
_TRAIL = re.compile(r"[^\w']+$")


@dataclass(frozen=True)
class Bare:
    """One bare answer: what it says, where, and whether a contrast came before it."""

    kind: str  # YES, NO, UNSURE, LIKELY_YES, LIKELY_NO, ACK, or DOUBT (a doubt that leans
    # neither way: "as far as I can see", "no?")
    start: int  # character offset in the cleaned text
    after_contrast: bool


class BareReader:
    """Finds bare answers with one lexicon's words."""

    def __init__(self, lexicon: Language) -> None:
        self.words = {kind: tuple(sorted({normalise(w.replace(START, "").replace(END, ""))
                                          for w in lexicon.wordlist(name)}, key=len,
                                         reverse=True))
                      for name, kind in KINDS.items()}
        # 👍 alone is a likely yes; beside words ("looks normal 👍") it hedges nothing
        self.worded = {k: tuple(w for w in ws if re.search(r"\w", w))
                       for k, ws in self.words.items()}
        # a softener said alone is a "not sure"; inside a clause it softens, it does not doubt
        self.softeners = frozenset(normalise(w) for w in lexicon.wordlist("softeners"))
        self.fillers = tuple(sorted(lexicon.wordlist("filler"), key=len, reverse=True))
        contrast = sorted(lexicon.wordlist("contrast"), key=len, reverse=True)
        self.splitter = re.compile(
            _PUNCT + "|" + r"\b(?:" + "|".join(map(re.escape, contrast)) + r")\b"
            if contrast else _PUNCT)
        self.single = {k: frozenset(w for w in self.words[k] if " " not in w) for k in (YES, NO)}
        # "no one", "no sign of": a negation, not a bare no
        self.negations = tuple(t.text for t in lexicon.triggers
                               if t.kind == "negated" and " " in t.text)
        asks = [t.text.removeprefix(START).strip() for t in lexicon.triggers
                if t.kind == "hypothetical" and t.text.startswith(START)]
        self.asking = re.compile(r"(?:" + "|".join(map(re.escape, asks)) + r")\b") if (
            asks) else None

    def read(self, reading: Reading) -> list[Bare]:
        """Every bare answer in the message, in order (none in a question asked back, nor
        right after one: "numb? no. sore? yes" — the yes is about being sore)."""
        taken = [(m.start, m.end) for m in reading.mentions] + list(reading.used)
        mentions = [(m.start, m.end) for m in reading.mentions]
        out: list[Bare] = []
        after, replying = False, False
        for start, sentence in _sentences(reading.without_ignored()):
            core = self._core(sentence)[0]
            asked_back = bool(self.asking and self.asking.match(core))
            answers: list[Bare] = []
            for at, clause, contrast in self._clauses(sentence, start):
                after = after or contrast
                found = self._clause(clause, at, taken, mentions)
                if found is not None:
                    answers.append(Bare(found[0], found[1], after))
                doubt = _find(clause, self.words[DOUBT])
                if doubt is not None and (found is None or found[0] not in HEDGES):
                    answers.append(Bare(DOUBT, at + doubt, after))
            if answers and sentence.rstrip().endswith("?") and len(core.split()) <= SHORT:
                answers.append(Bare(DOUBT, start, after))  # "no?": asked, not told
            if not (asked_back or replying):
                out += answers
            replying = sentence.rstrip().endswith("?") and not answers and len(
                core.split()) <= SHORT
        return out

    def _clauses(self, text: str, offset: int) -> Iterable[tuple[int, str, bool]]:
        pos, contrast = 0, False
        for m in self.splitter.finditer(text):
            yield offset + pos, text[pos:m.start()], contrast
            contrast = bool(re.search(r"[a-z]", m.group(0)))
            pos = m.end()
        yield offset + pos, text[pos:], contrast

    def _clause(self, clause: str, start: int, taken: list[tuple[int, int]],
                mentions: list[tuple[int, int]]) -> tuple[str, int] | None:
        symbols = clause.strip()
        if symbols and not re.search(r"\w", symbols):
            # (an emoji may be a hedge: 👍 is a "likely yes", confirmed at a red flag)
            kind = next((k for k in (UNSURE, LIKELY_NO, LIKELY_YES, NO, YES) for w in self.words[k]
                         if not re.search(r"\w", w) and w in symbols), None)
            return (kind, start) if kind else None
        core, offset = self._core(clause)
        if not core:
            return None
        at = start + offset
        if core in self.softeners:
            return UNSURE, at
        for kind in (*HEDGES, NO, YES, ACK):
            if core in self.words[kind]:  # a hedge counts even over a sign's words
                return (kind, at) if kind in HEDGES or not _inside(at, at + len(core),
                                                                    taken) else None
        for kind in (LIKELY_NO, LIKELY_YES, UNSURE):  # "i don't think so" before "i think"
            hit = _find(core, self.worded[kind] if kind == LIKELY_YES else self.words[kind])
            if hit is not None:
                return kind, at + hit
        return self._edge(core, at, taken, mentions)

    def _edge(self, core: str, at: int, taken: list[tuple[int, int]],
              mentions: list[tuple[int, int]]) -> tuple[str, int] | None:
        """A yes or no word opening the clause ("nah mostly the gym"), or closing one that
        names nothing ("walking no")."""
        first, _, rest = core.partition(" ")
        last = core.rsplit(" ", 1)[-1]
        end = at + len(core)
        for kind, other in ((NO, YES), (YES, NO)):  # "yeah no mornings are fine": a no
            words = core.split(" ", 2)
            if (len(words) == 3 and words[0] in self.single[other]
                    and words[1] in self.single[kind]
                    and " ".join(words[:2]) in self.words[kind]
                    and not _inside(at, at + len(words[0]) + 1 + len(words[1]), mentions)):
                return kind, at  # (not "yeah no problem walking": a phrase we read)
        for kind in (NO, YES):
            if rest and first in self.single[kind] and not _inside(at, at + len(first), taken) \
                    and not any(core.startswith(n + " ") or core == n for n in self.negations):
                return kind, at
            if rest and last in self.single[kind] and not _inside(end - len(last), end, taken) \
                    and not _inside(at, end, mentions):
                return kind, end - len(last)
        return None

    def _core(self, clause: str) -> tuple[str, int]:
        """The clause without fillers and stray symbols at its ends, and where it starts."""
        text, offset = clause, 0
        while True:
            lead = _LEAD.match(text)
            if lead:
                offset, text = offset + lead.end(), text[lead.end():]
            text = _TRAIL.sub("", text)
            if text in self.fillers:
                return "", offset
            front = next((f for f in self.fillers if text.startswith(f + " ")), None)
            if front is not None:
                offset, text = offset + len(front) + 1, text[len(front) + 1:]
                continue
            back = next((f for f in self.fillers if text.endswith(" " + f)), None)
            if back is None:
                return text, offset
            text = text[: -len(back) - 1]


def _sentences(text: str) -> Iterable[tuple[int, str]]:
    """The sentences of a message (ending at . ! ? or …), with where each starts."""
    for m in re.finditer(r"[^.!?…]+[.!?…]*", text):
        yield m.start(), m.group(0)


def _find(text: str, phrases: tuple[str, ...]) -> int | None:
    """Where the first of `phrases` (longest first) found in `text` is, as a whole phrase."""
    if not _any(phrases).search(text):  # most clauses have none: one quick search
        return None
    m = _pattern(phrases, False).search(text)
    if m is None:
        return None
    if next(i for i, g in enumerate(m.groups()) if g is not None) == 0:
        return m.start()
    # An earlier phrase of `phrases` found elsewhere (overlapping ones too) comes first.
    best: tuple[int, int] | None = None  # (the phrase's place in `phrases`, where it is)
    for m in _pattern(phrases, True).finditer(text):
        first = next(i for i, g in enumerate(m.groups()) if g is not None)
        if best is None or first < best[0]:
            best = (first, m.start())
            if first == 0:
                break  # nothing comes before the first phrase
    return None if best is None else best[1]


Trie = dict[str, "Trie"]  # a character -> the phrases' rest ("" -> {}: a phrase ends here)


@functools.lru_cache(maxsize=64)
def _any(phrases: tuple[str, ...]) -> re.Pattern[str]:
    """Whether any of `phrases` is in a text, as a whole phrase: one expression shaped like a
    trie of the phrases, which re runs in time about the text's length, where a flat list of
    hundreds of alternatives is tried one by one at every position (a fifth of a message's
    time, measured)."""
    trie: Trie = {}
    for p in phrases:
        node = trie
        for ch in p:
            node = node.setdefault(ch, {})
        node[""] = {}
    return re.compile(r"(?<![\w'])(?:" + (_trie(trie) or "(?!)") + r")(?![\w'])")


def _trie(node: Trie) -> str:
    """The expression for a trie node: its branches, longest first (then the phrase ending
    here, so that re backtracks to it when the longer one fails the word boundary)."""
    branches = [re.escape(ch) + _trie(child) for ch, child in sorted(node.items()) if ch]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if "" in node:
        return "(?:" + body + ")?" if len(branches) == 1 else body + "?"
    return body


@functools.lru_cache(maxsize=64)
def _pattern(phrases: tuple[str, ...], everywhere: bool) -> re.Pattern[str]:
    """All of `phrases` in one expression, each a group: the leftmost match, or (`everywhere`,
    a lookahead) a match at every position. One expression per word list, never one per
    phrase: the lists run to hundreds of phrases, and compiling each thrashed re's cache."""
    alternatives = "|".join(f"({re.escape(p)})" for p in phrases) or "(?!)"
    body = r"(?:" + alternatives + r")(?![\w'])"
    return re.compile(r"(?<![\w'])" + (r"(?=" + body + ")" if everywhere else body))


def _inside(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(a < end and start < b for a, b in spans)
