"""Readings blind round eleven (sets AE and AF) taught: a sign corrected in the next sentence
("Doesn't wake me. Well, last night it did"), "red n warm", a finished illness told at length,
reduced feeling from neuropathy, other causes kept apart ("feet are fine", sugars "had checked"),
"yeah nah", dictated and South African words, and everyday words for walking and severity.
Each is one rule, checked through the language layer itself; the corpus test holds the
measured effect."""

from __future__ import annotations

import pytest
from auxil.reading import read

from heel_bot.engine import Engine


def test_a_denial_taken_back_in_the_next_sentence(engine: Engine) -> None:
    u = read(engine, "Doesn't wake me. Well, last night it did, twice", "rest_pain")
    assert u.answer == "yes"


def test_red_n_warm_is_the_sign_whatever_the_fever(engine: Engine) -> None:
    u = read(engine, "ngl heel is kinda red n warm?? no fever tho", None)
    assert u.facts.get("infection_signs") != "no"
    assert u.facts.get("infection_signs") == "yes" or "infection_signs" in u.confirm


@pytest.mark.parametrize(("question", "text", "value"), [
    ("infection_signs", "Had a chest infection last month, finished the antibiotics and feel "
                        "fine now. Heel isn't red or hot.", "no"),
    ("numbness", "Neuropathy from my diabetes, can't feel much in the ends of my toes", "yes"),
    ("numbness", "Only in my hands - carpal tunnel. Feet are fine", "no"),
    ("diabetes", "nope, sugars fine, had it checked in march", "no"),
    ("weight_bearing", "He says yes but he's wincing on it", "with_pain"),
    ("weight_bearing", "walk yes, without wincing no", "with_pain"),
    ("morning_pain", "yeah nah mornings are fine", "no"),
    ("pain_location", "a kill ease", "back"),
    ("severity", "9 outta 10 honestly", "severe"),
    ("severity", "It was mild, now it's stopping me walking the dog", "severe"),
    ("severity", "can't get up the ladder at work, can't drive the van", "severe"),
    ("severity", "its stopping me running but i can get about fine", "moderate"),
    ("every_step", "Only on the stairs", "no"),
    ("shoe_age", "over 500 deffo", "over_500_miles"),
])
def test_answers_read(engine: Engine, question: str, text: str, value: str) -> None:
    assert read(engine, text, question).answer == value


def test_cannot_weight_bare_is_a_no(engine: Engine) -> None:
    u = read(engine, "hiya heel been killing me since the weekend, cant weight bare on it",
             None)
    assert u.facts.get("weight_bearing") == "no"
