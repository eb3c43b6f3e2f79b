"""The lexicon's literal phrases, matched in one pass over a message's tokens.

medspaCy's TargetMatcher gives every phrase a rule, and spaCy's PhraseMatcher a key and a Doc, of
its own; spaCy stores each key as a new lexeme. With the lexicon's ~47,000 expanded phrases that
cost 2.7 s of start-up and most of the pipeline's memory (docs/benchmarks.md). Here a phrase is
its tuple of lower-case tokens (spaCy's tokenizer, word by word: it splits on spaces first, so a
word's tokens do not depend on its neighbours) in one dictionary, with the set of their proper
prefixes so that a walk from each token stops as soon as no phrase goes on. The TargetMatcher
keeps the rules that need it: token patterns (markers such as <start>) and regular expressions.
Matching is the PhraseMatcher's: token by token on the lower-cased text, every match kept.
"""

from __future__ import annotations

from collections.abc import Iterable

from spacy.language import Language
from spacy.tokens import Doc, Span

Tokens = tuple[str, ...]


class Phrases:
    """Every literal phrase of the lexicon under its labels; the matches go to a span group."""

    def __init__(self, nlp: Language, group: str) -> None:
        self._tokenizer = nlp.tokenizer
        self._group = group
        self._words: dict[str, Tokens] = {}
        self._labels: dict[Tokens, list[str]] = {}
        self._prefixes: set[Tokens] = set()
        self._longest = 0

    def add(self, label: str, texts: Iterable[str]) -> None:
        """Phrases that mean `label` (added to those it has)."""
        for text in texts:
            tokens = self._split(text)
            if not tokens:
                continue
            labels = self._labels.setdefault(tokens, [])
            if label not in labels:
                labels.append(label)
            self._prefixes.update(tokens[:k] for k in range(1, len(tokens)))
            self._longest = max(self._longest, len(tokens))

    def __call__(self, doc: Doc) -> Doc:
        """`doc` with a span for every match added to the group (overlaps all kept)."""
        lowers = [t.lower_ for t in doc]
        found = list(doc.spans[self._group]) if self._group in doc.spans else []
        for i in range(len(lowers)):
            for j in range(i + 1, min(len(lowers), i + self._longest) + 1):
                key = tuple(lowers[i:j])
                found += [Span(doc, i, j, label=lab) for lab in self._labels.get(key, ())]
                if key not in self._prefixes:
                    break
        doc.spans[self._group] = found
        return doc

    def _split(self, text: str) -> Tokens:
        out: list[str] = []
        for word in text.lower().split():
            tokens = self._words.get(word)
            if tokens is None:
                tokens = self._words[word] = tuple(t.lower_ for t in self._tokenizer(word))
            out += tokens
        return tuple(out)
