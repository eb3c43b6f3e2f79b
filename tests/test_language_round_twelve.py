"""Readings blind round twelve (sets AG and AH) taught: "felt like someone kicked the back of
my leg" is the rupture sign, not a blow; an illness "mostly over" is not over; "that I can
think of" hedges only what is near it; "feel rubbish today" is about the person, not the
weather; bare ranges and first clauses at the shoe question; everyday words for falls,
severity and walking. Each is one rule, checked through the language layer itself; the corpus
test holds the measured effect."""

from __future__ import annotations

import pytest
from auxil.reading import read

from heel_bot.engine import Engine


def test_as_if_kicked_in_the_back_of_the_leg_is_the_rupture_sign(engine: Engine) -> None:
    u = read(engine, "Felt like someone kicked the back of my leg when I pushed off", "injury")
    assert u.answer == "pop_or_kick"
    assert read(engine, "someone kicked the back of my leg in a tackle",
                "injury").answer == "fall_or_impact"


def test_an_illness_mostly_over_is_asked_about(engine: Engine) -> None:
    u = read(engine, "had the flu last week, mostly over it now, heel isn't red",
             "infection_signs")
    assert u.answer is None and u.confirm == ("infection_signs",)
    assert read(engine, "had covid last month but I'm fine now", "infection_signs").answer == "no"


def test_that_i_can_think_of_hedges_what_is_near_it(engine: Engine) -> None:
    u = read(engine, "heel is agony, can't walk on it at all, no injury that I can think of",
             None)
    assert u.facts.get("weight_bearing") == "no" and "injury" in u.confirm


def test_feeling_rubbish_today_is_the_person(engine: Engine) -> None:
    u = read(engine, "heel's a normal colour but I'm shivery and feel rubbish today",
             "infection_signs")
    assert u.answer == "yes"


def test_hot_today_is_the_weather(engine: Engine) -> None:
    u = read(engine, "it's so hot today", "infection_signs")
    assert u.answer is None and not u.facts


@pytest.mark.parametrize(("text", "value"), [
    ("between 300 and 500 I think", "300_to_500_miles"),
    ("somewhere between 300 and 400 I think", "300_to_500_miles"),
    ("way over 500, there's holes in them", "over_500_miles"),
    ("under 300. the pain is sharp every step tho", "under_300_miles"),
])
def test_shoe_distances_typed_bare(engine: Engine, text: str, value: str) -> None:
    assert read(engine, text, "shoe_age").answer == value


@pytest.mark.parametrize(("question", "text", "value"), [
    ("injury", "not really, but i did go down the stairs on my bum last month",
     "fall_or_impact"),
    ("severity", "not severe, I can still get through a run, it just nags", "mild"),
    ("severity", "I can run through it", "mild"),
    ("severity", "not severe, not mild either", "moderate"),
    ("severity", "had to bail on a 10k at 6k, otherwise fine day to day", "moderate"),
    ("severity", "pretty bad, can't even do the food shop", "severe"),
    ("weight_bearing", "can still walk on it, just sore", "with_pain"),
])
def test_answers_read(engine: Engine, question: str, text: str, value: str) -> None:
    assert read(engine, text, question).answer == value


def test_a_hollow_in_the_tendon_said_at_another_question(engine: Engine) -> None:
    u = read(engine, "shape's fine but the tendon above it has like a hollow bit", "deformity")
    assert u.answer == "no" and u.facts.get("tendon_gap") == "yes"


def test_too_swollen_to_tell_is_asked_again(engine: Engine) -> None:
    u = read(engine, "too swollen to tell", "tendon_gap")
    assert u.answer is None and u.confirm == ("tendon_gap",)
