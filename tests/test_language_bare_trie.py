"""The bare reader's quick check (one trie-shaped expression per word list) finds a phrase
exactly where the flat list of alternatives does, over every corpus message."""

from __future__ import annotations

from pathlib import Path

import pytest

from heel_bot.engine import Engine
from heel_bot.language import corpus
from heel_bot.language.bare import _any, _pattern

CORPUS = Path(__file__).parent / "language"


@pytest.mark.slow  # about 10 s: every message against every list, both ways
def test_the_quick_check_agrees_with_the_word_lists(engine: Engine) -> None:
    lists = engine.language.bare.words.values()
    texts = [c.text.lower() for c in corpus.read_cases([CORPUS, CORPUS / "blind"])]
    texts += ["no way", "nopes", "knot", "not sure lol", "i don't know", "yeah no"]
    for phrases in lists:
        quick, flat = _any(phrases), _pattern(phrases, False)
        for text in texts:
            assert bool(quick.search(text)) == bool(flat.search(text)), (text, phrases[:3])
