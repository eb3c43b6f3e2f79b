"""Readings blind round fourteen (sets AK and AL) taught: feeling "crook" (Australian for
ill); circulation that is, one is told, rather good; blood tests that were fine; "sugar is
there, taking tablets"; well again after the flu; neither better nor worse; the same miles;
not walking even to the bus. Each is one rule, checked through the language layer itself;
the corpus test holds the measured effect."""

from __future__ import annotations

import pytest
from auxil.reading import read

from heel_bot.engine import Engine


@pytest.mark.parametrize(("question", "text", "value"), [
    ("infection_signs", "nah but I've been feeling pretty crook the last couple of days",
     "yes"),
    ("diabetes", "I do not have diabetes. My circulation is, I am told, rather good for a man "
                 "of my age.", "no"),
    ("diabetes", "Sugar is there, taking tablets", "yes"),
    ("trend", "I would say it has neither improved nor deteriorated.", "same"),
    ("trend", "not better, not worse", "same"),
    ("mileage_jump", "no same 20 miles a week for years", "no"),
    ("mileage_jump", "I run same, 5 km every day, not increase", "no"),
    ("severity", "its bad bad, couldnt even walk to the bus today 😭", "severe"),
    ("severity", "can't even get to work", "severe"),
    ("injury", "felt a snapp in my achillies going up a hill", "pop_or_kick"),
])
def test_answers_read(engine: Engine, question: str, text: str, value: str) -> None:
    assert read(engine, text, question).answer == value
