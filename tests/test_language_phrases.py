"""The lexicon's literal phrases (heel_bot/language/phrases.py) match as spaCy's PhraseMatcher
on lower-cased tokens would, which medspaCy's TargetMatcher used for them before."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy
from spacy.matcher import PhraseMatcher

from heel_bot.language import corpus
from heel_bot.language.phrases import Phrases
from heel_bot.model import Bundle

GROUP = "test"


def _spans(doc: spacy.tokens.Doc) -> set[tuple[str, int, int]]:
    return {(s.label_, s.start, s.end) for s in doc.spans[GROUP]}


@pytest.fixture(scope="module")
def nlp() -> spacy.language.Language:
    return spacy.blank("en")


def test_a_phrase_matches_whatever_its_case_and_contractions(nlp: spacy.language.Language
                                                            ) -> None:
    phrases = Phrases(nlp, GROUP)
    phrases.add("walk=no", ["can't walk", "cannot put weight on it"])
    doc = phrases(nlp.make_doc("I Can't Walk, I cannot put weight on it!"))
    assert {(s.label_, s.text) for s in doc.spans[GROUP]} == {
        ("walk=no", "Can't Walk"), ("walk=no", "cannot put weight on it")}


def test_the_same_words_under_two_labels_give_two_spans_and_one_label_one(
        nlp: spacy.language.Language) -> None:
    phrases = Phrases(nlp, GROUP)
    phrases.add("a", ["sore heel", "sore heel"])
    phrases.add("b", ["sore heel", "heel"])
    assert sorted(_spans(phrases(nlp.make_doc("my sore heel")))) == [
        ("a", 1, 3), ("b", 1, 3), ("b", 2, 3)]


def test_matches_are_added_to_the_spans_already_found(nlp: spacy.language.Language) -> None:
    phrases = Phrases(nlp, GROUP)
    phrases.add("a", ["heel"])
    doc = nlp.make_doc("heel")
    doc.spans[GROUP] = [doc[0:1]]
    assert len(phrases(doc).spans[GROUP]) == 2


def test_the_lexicon_matches_as_spacys_phrase_matcher_does(
        bundle: Bundle, nlp: spacy.language.Language) -> None:
    """Every phrase of the lexicon, over every message of the corpus's
    per-question files:
    the same (label, start, end) triples as spaCy's PhraseMatcher on LOWER."""
    from heel_bot.language.pipeline import _target_rules

    _, literal = _target_rules(bundle.language, lambda text: [])  # type: ignore[arg-type]
    labels = sorted(literal)
    ours, theirs = Phrases(nlp, GROUP), PhraseMatcher(nlp.vocab, attr="LOWER")
    for label in labels:
        ours.add(label, literal[label])
        theirs.add(label, [nlp.make_doc(t.lower()) for t in literal[label]])
    cases = corpus.read_cases([Path(__file__).parent / "language"])
    compared = 0
    for case in cases:
        doc = nlp.make_doc(case.text.lower())
        expected = {(nlp.vocab.strings[k], a, b) for k, a, b in theirs(doc)}
        assert _spans(ours(nlp.make_doc(case.text.lower()))) == expected, case.text
        compared += bool(expected)
    assert compared > 500  # the lexicon does match something
