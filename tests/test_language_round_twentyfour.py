"""Round twenty-four (blind sets BJ to BM): what the rules missed on first sight, as cases,
read by the rules alone (`alone=False`: the learned second opinion judges single questions
only), which is what a bot whose model failed to load does."""

from __future__ import annotations

import pytest
from auxil.reading import read

from heel_bot.engine import Engine
from heel_bot.language.understand import Understanding


def rules(engine: Engine, text: str, question: str | None) -> Understanding:
    return read(engine, text, question, alone=False)


READINGS = [
    # the two red flags lost on first sight: heat said yes beside redness said no, and chest
    # pain at the feeling-unwell question after "no fever"
    ("infection_signs", "hot to touch yes red no", "infection_signs", "yes"),
    ("infection_signs", "No fever. Unrelated but I've had chest pain on and off today",
     "infection_signs", "yes"),
    # a contrast word that closes its clause: what the clause says counts
    ("infection_signs", "nope. been feeling faint on and off today though", "infection_signs",
     "yes"),
    ("infection_signs", "Heel's a normal colour, but I've had the flu since the weekend",
     "infection_signs", "yes"),
    ("injury", "no injury, but it's gone a bit red and hot", "infection_signs", "yes"),
    ("injury", "got a belt of a hurley on the heel at training", "injury", "fall_or_impact"),
    ("injury", "Got stamped on in a rugby ruck", "injury", "fall_or_impact"),
    ("injury", "stepped off the bottom stair wrong and jarred it, no pop tho", "injury",
     "fall_or_impact"),
    ("injury", "Nil trauma, insidious onset", "injury", "none"),
    (None, "not sure what happened, no fall or anything, just started aching at the back of "
     "my heel 2 weeks ago", "injury", "none"),
    ("age_group", "I'm in matric this year", "age_group", "16_plus"),
    ("weight_bearing", "can walk on it yes, but the foot's gone cold and looks a bit blue",
     "weight_bearing", "yes"),
    ("weight_bearing", "I can hobble a few steps then its agony and I have to sit down",
     "weight_bearing", "with_pain"),
    ("heel_squeeze", "tender but no sharp pain", "heel_squeeze", "no"),
    ("heel_squeeze", "not sharp, more of a dull ache on the inside", "heel_squeeze", "no"),
    ("heel_squeeze", "a bit tender, nothing sharp though", "heel_squeeze", "no"),
    ("heel_squeeze", "squeezed it, felt nothing sharp. my calves r tight tho", "heel_squeeze",
     "no"),
    ("rest_pain", "only when I first get up", "rest_pain", "no"),
    ("rest_pain", "only when I first get up", "morning_pain", "yes"),
    ("rest_pain", "Pain 0/10 at rest", "rest_pain", "no"),
    ("severity", "its a 10 and my heel is purple n swollen, foot feels kinda cold", "severity",
     "severe"),
    ("severity", "like a 3, its been getting better tbh", "severity", "mild"),
    ("severity", "4-5ish", "severity", "moderate"),
    (None, "RN here, run 50k/wk. R heel: posterior, tender at insertion, AM stiffness, no "
     "trauma, no numbness", "pain_location", "back"),
    (None, "RN here, run 50k/wk. R heel: posterior, tender at insertion, AM stiffness, no "
     "trauma, no numbness", "morning_pain", "yes"),
    (None, "Goeie more. The pain is in the middle of the heel since I started running on "
     "the tar road", "hard_surface", "yes"),
    (None, "G'day, had a crook heel since Easter, mostly after parkrun on Saturdays",
     "run_pattern", "only_after"),
    ("deformity", "no but the tendon looks kind of dented", "tendon_gap", "yes"),
    ("tight_calves", "calves a bit, no hills", "tight_calves", "yes"),
    ("every_step", "only at push-off when running, walking's fine", "every_step", "no"),
    ("deformity", "looks same as the other foot 👍", "deformity", "no"),
]


@pytest.mark.parametrize(("question", "text", "slot", "value"), READINGS)
def test_round_twenty_four_readings(engine: Engine, question: str | None, text: str,
                                    slot: str, value: str) -> None:
    assert rules(engine, text, question).facts.get(slot) == value


@pytest.mark.parametrize(("question", "text", "slot"), [
    ("age_group", "older than I'd like to admit", "age_group"),
    ("age_group", "why do you need that", "age_group"),
    ("numbness", "only when I sit cross-legged for ages lol", "numbness"),
    ("numbness", "only when i sit on it lol", "numbness"),
    ("weight_bearing", "a few steps maybe then I have to sit down", "weight_bearing"),
    ("weight_bearing", "i can walk a few steps then i have to stop", "weight_bearing"),
    ("injury", "not sure what happened", "injury"),
])
def test_round_twenty_four_asks_again(engine: Engine, question: str | None, text: str,
                                      slot: str) -> None:
    u = rules(engine, text, question)
    assert slot in u.confirm and slot not in u.facts


@pytest.mark.parametrize("text", [
    "two pairs, one new, one about 450 miles",
    "I rotate, the pegasus are nearly dead but the novablasts are new",
    "rotating 2 pairs, 200 and 350 miles",
    "the On Clouds maybe 250 miles, but I also run in Sauconys that have way more",
])
def test_pairs_worn_in_turn_leave_the_shoe_question_open(engine: Engine, text: str) -> None:
    u = rules(engine, text, "shoe_age")
    assert u.answer is None and "shoe_age" not in u.facts


def test_pairs_worn_in_turn_and_not_knowing_is_not_knowing(engine: Engine) -> None:
    assert rules(engine, "I rotate three pairs, dunno", "shoe_age").answer == "unsure"


def test_a_pair_corrected_is_not_two_pairs(engine: Engine) -> None:
    u = rules(engine, "450, no wait that's my other pair, these are 520 miles", "shoe_age")
    assert u.answer == "over_500_miles"


def test_red_said_yes_and_heat_said_no_is_still_asked_again(engine: Engine) -> None:
    u = rules(engine, "red yes hot no", "infection_signs")
    assert u.answer is None and "infection_signs" in u.confirm


@pytest.mark.parametrize("text", [
    "I can walk but my toes have gone a bit blue and icy",
    "can walk on it yes, but the foot's gone cold and looks a bit blue",
])
def test_a_blue_cold_foot_said_beside_an_answer_is_an_emergency(engine: Engine,
                                                                 text: str) -> None:
    assert rules(engine, text, "weight_bearing").emergency
