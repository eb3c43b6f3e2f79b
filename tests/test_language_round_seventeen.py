"""Readings blind round seventeen (sets AQ and AR) taught: a snap felt with a word between
("felt a massive snap", "felt a proper snap") is the rupture sign; a heel the same temperature
as the other and a normal colour is no infection sign; weak pulses in the feet answer the
circulation question. Each is one rule, checked through the language layer itself; the
corpus test holds the measured effect."""

from __future__ import annotations

import pytest
from auxil.reading import read

from heel_bot.engine import Engine


@pytest.mark.parametrize("text", [
    "Help!! felt a massive snap in my heel playing netball, can't walk on it",
    "felt a proper snap at the back of my ankle during 5-a-side, can still hobble about",
])
def test_a_snap_felt_with_a_word_between(engine: Engine, text: str) -> None:
    assert read(engine, text, None).facts.get("injury") == "pop_or_kick"


@pytest.mark.parametrize(("question", "text", "value"), [
    ("infection_signs", "looks a normal colour and feels the same temperature as the other one",
     "no"),
    ("diabetes", "my feet are always freezing and the nurse said the pulses in my feet are weak",
     "yes"),
])
def test_answers_read(engine: Engine, question: str, text: str, value: str) -> None:
    assert read(engine, text, question).answer == value


def test_feet_always_freezing_alone_is_asked_again(engine: Engine) -> None:
    u = read(engine, "not diabetic but my feet are always freezing", "diabetes")
    assert u.answer is None and u.confirm == ("diabetes",)
