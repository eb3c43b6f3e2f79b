"""Round twenty-eight (blind sets BZ to CC): what was missed on first sight, as cases, read by
the rules alone (`alone=False`) unless the second opinion is part of what is tested."""

from __future__ import annotations

import pytest
from auxil.reading import read

from heel_bot.engine import Engine
from heel_bot.language.understand import Understanding


def rules(engine: Engine, text: str, question: str | None) -> Understanding:
    return read(engine, text, question, alone=False)


READINGS = [
    # a fraction is never an age: "6/10" had been read as 0.6 years, then "10" as 10
    ("age_group", "47. also I've had chest pain since the run, like a 6/10", "age_group",
     "16_plus"),
    ("mileage_jump", "tapering, down 30% this week", "mileage_jump", "no"),
    ("mileage_jump", "up 30% this week", "mileage_jump", "yes"),
    ("mileage_jump", "yes I know I know, too much too soon", "mileage_jump", "yes"),
    ("diabetes", "no diabetes, but I've got reduced feeling in both soles", "diabetes", "yes"),
    ("rest_pain", "aches a little when I'm resting but nothing bad, never wakes me",
     "rest_pain", "no"),
    ("rest_pain", "it drops to about 1/10 at rest", "rest_pain", "no"),
    ("tight_calves", "not tight, and I live in Saskatchewan, 0 hills", "tight_calves", "no"),
    ("every_step", "squeezing didn't hurt btw", "heel_squeeze", "no"),
    ("deformity", "Looks grand", "deformity", "no"),
    ("weight_bearing", "Can", "weight_bearing", "yes"),
    (None, "Sec 1 boy here, my heel pain when i play football", "age_group", "under_16"),
    ("shoe_age", "Over 500 mils", "shoe_age", "over_500_miles"),
    ("shoe_age", "not shore", "shoe_age", "unsure"),
    ("morning_pain", "👍", "morning_pain", "yes"),
]


@pytest.mark.parametrize(("question", "text", "slot", "value"), READINGS)
def test_round_twenty_eight_readings(engine: Engine, question: str | None, text: str,
                                     slot: str, value: str) -> None:
    assert rules(engine, text, question).facts.get(slot) == value


@pytest.mark.parametrize(("question", "text", "slot"), [
    # a thumbs up to a red flag is a bare "ok": asked again with buttons (labelling rule 5)
    ("weight_bearing", "👍", "weight_bearing"),
    ("deformity", "👍👍", "deformity"),
    ("tendon_gap", "ja no", "tendon_gap"),
    ("infection_signs", "I feel rubbish but that's the hangover from Saturday", "infection_signs"),
    ("heel_squeeze", "I'm not squeezing it, it hurts enough already lol", "heel_squeeze"),
    ("age_group", "Form 4", "age_group"),
])
def test_round_twenty_eight_asks_again(engine: Engine, question: str | None, text: str,
                                       slot: str) -> None:
    u = rules(engine, text, question)
    assert slot in u.confirm and slot not in u.facts


def test_a_thumbs_up_beside_words_hedges_nothing(engine: Engine) -> None:
    assert rules(engine, "looks totally normal 👍 just hurts", "deformity").answer == "no"


def test_a_tight_chest_said_in_passing_is_an_emergency(engine: Engine) -> None:
    u = rules(engine, "the heel? yeah. my chest has been tight and my left arm aches since the "
              "run though", "weight_bearing")
    assert u.emergency


def test_the_second_opinion_fills_nothing_from_another_questions_words(engine: Engine) -> None:
    # with the model: it had answered "every step" yes from "squeezing didn't hurt"
    assert engine.language.review is not None
    u = read(engine, "squeezing didn't hurt btw", "every_step")
    assert u.answer is None and u.facts == {"heel_squeeze": "no"}
