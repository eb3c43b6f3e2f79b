"""Round twenty-three (blind sets BD and BE, and the rules alone re-read on sets BB and BC):
what the rules missed, as cases. `alone=False` reads a message by the rules alone (the
learned second opinion judges single questions only), which is what a bot whose model
failed to load does."""

from __future__ import annotations

import pytest

from heel_bot.engine import Engine
from heel_bot.language.understand import Understanding


def rules(engine: Engine, text: str, question: str) -> Understanding:
    return engine.language.understand(text, engine.dialog.questions[question], {},
                                      alone=False)


@pytest.mark.parametrize("text", [
    "no, but there's a hard bump at the back of the heel where my shoe rubs",
    "there's a lump where the shoe digs in",
])
def test_a_bump_where_the_shoe_rubs_is_the_heels_not_the_shoes(engine: Engine,
                                                               text: str) -> None:
    # "my shoe" marks what is said of the shoe ("my shoes are misshapen"); here it only
    # says where the bump is: it was dropped, and "no" made the red flag reassuring
    u = rules(engine, text, "deformity")
    assert u.answer is None and "deformity" in u.confirm


def test_a_misshapen_shoe_is_still_not_a_misshapen_heel(engine: Engine) -> None:
    u = rules(engine, "no, my shoes are a bit misshapen though", "deformity")
    assert u.facts.get("deformity") != "yes"


@pytest.mark.parametrize(("text", "age"), [
    ("Heel pain. 41. Not diabetic. Been a month.", "16_plus"),
    ("Heel sore. 14. Plays football.", "under_16"),
])
def test_an_age_said_as_a_sentence_of_its_own_in_an_opening(engine: Engine, text: str,
                                                              age: str) -> None:
    assert engine.language.understand(text, None, {}).facts.get("age_group") == age


@pytest.mark.parametrize("text", ["Ran 12. Then it hurt.", "Pain. 7. Since Monday."])
def test_a_number_after_a_word_or_a_small_one_is_not_an_age(engine: Engine,
                                                            text: str) -> None:
    assert "age_group" not in engine.language.understand(text, None, {}).facts


def read(engine: Engine, text: str, question: str | None) -> Understanding:
    q = engine.dialog.questions[question] if question else None
    return engine.language.understand(text, q, {}, alone=False)


# sets BD and BE; then BF and BG, read after their fixes; then BH and BI, after BF and BG's
READINGS = [
    ("tendon_gap", "no, definately no gap, it's just sore", "tendon_gap", "no"),
    ("mileage_jump", "I'm following a plan so it goes up gradually", "mileage_jump", "no"),
    ("mileage_jump", "back after 6 months off and went straight back to 25k a week",
     "mileage_jump", "yes"),
    ("heel_squeeze", "no. been upping my mileage fast for a spring marathon mind",
     "mileage_jump", "yes"),
    (None, "G'day, sore heel since I upped my k's heaps for the half marathon", "mileage_jump",
     "yes"),
    ("hard_surface", "mostly grass at parkrun, the odd road run", "hard_surface", "no"),
    ("severity", "severe, I can't do the school run without limping", "weight_bearing",
     "with_pain"),
    ("severity", "can run thru it", "severity", "mild"),
    ("severity", "pretty bad I suppose", "severity", "moderate"),
    ("weight_bearing", "walking ok just a dull ache", "weight_bearing", "with_pain"),
    ("every_step", "sharp on the first few then ok", "every_step", "no"),
    ("tight_calves", "not that I notice", "tight_calves", "no"),
    ("diabetes", "t2 since 2019, 64 yrs old", "diabetes", "yes"),
    (None, "62 and been running 30 yrs, never had this", "age_group", "16_plus"),
    (None, "17f xc runner, back of heel sore", "age_group", "16_plus"),
    ("morning_pain", "no, mornings are fine. 55 and creaky everywhere else mind", "age_group",
     "16_plus"),
    (None, "heel bone sore all round, squeezing the sides hurts", "pain_location", "whole_heel"),
    ("heel_squeeze", "not sharp, just slightly sore", "heel_squeeze", "no"),
    ("heel_squeeze", "dull ache, no sharp pain. 2nd week of this", "heel_squeeze", "no"),
    (None, "Dzień dobry. I have pain in back of heel, the tendon, 2 months. I increase "
     "kilometers very fast for marathon.", "mileage_jump", "yes"),
    (None, "Something hit the back of my leg like a kick while I was playing tennis",
     "injury", "pop_or_kick"),
    ("morning_pain", "no different in the morning", "morning_pain", "no"),
    ("hard_surface", "been doing more sidewalk since the trails flooded", "hard_surface",
     "yes"),
    ("hard_surface", "no, I actually got new Hokas last week", "shoe_age", "under_300_miles"),
    ("severity", "I can't get through a day at work", "severity", "severe"),
    ("pain_location", "hole heel tbh", "pain_location", "whole_heel"),
    ("rest_pain", "nah. 39 by the way", "age_group", "16_plus"),
    ("diabetes", "can't feel my toes properly some days", "numbness", "yes"),
    ("mileage_jump", "maybe a little, I'm in a marathon block", "mileage_jump", "yes"),
    ("trend", "getting wrose", "trend", "worse"),
    ("injury", "got whacked on the heel by a hockey stick at training", "injury",
     "fall_or_impact"),
    ("tendon_gap", "ive checked both legs and theyre the same", "tendon_gap", "no"),
    ("tendon_gap", "can't see one, but feeling along it there's a soft bit that gives",
     "tendon_gap", "yes"),
    ("rest_pain", "Not during the night. When I rest it is calm.", "rest_pain", "no"),
    ("every_step", "it's more of a constant ache than stabbing", "every_step", "no"),
    ("every_step", "not when walking, it's only sharp when I sprint", "every_step", "no"),
    (None, "an ache at the back of my heel which has come on slowly over the past month",
     "injury", "none"),
    (None, "felt a pop at the back of my ankle during a sprint session, can still walk",
     "weight_bearing", "yes"),
]


@pytest.mark.parametrize(("question", "text", "slot", "value"), READINGS)
def test_round_twenty_three_readings(engine: Engine, question: str | None, text: str,
                                     slot: str, value: str) -> None:
    assert read(engine, text, question).facts.get(slot) == value


@pytest.mark.parametrize(("question", "text", "slot"), [
    (None, "i think i felt something snap at the back of my ankle sprinting not sure", "injury"),
    ("diabetes", "my toes are like ice blocks all winter", "diabetes"),
    ("numbness", "only when I sit cross legged on it", "numbness"),
    ("age_group", "too old for this lark", "age_group"),
    ("age_group", "old 😂", "age_group"),
])
def test_round_twenty_three_asks_again(engine: Engine, question: str | None, text: str,
                                       slot: str) -> None:
    u = read(engine, text, question)
    assert slot in u.confirm and slot not in u.facts


@pytest.mark.parametrize("text", ["its so hot on this bus omg", "wdym by unwell"])
def test_heat_on_a_bus_and_a_question_back_record_nothing(engine: Engine, text: str) -> None:
    assert not read(engine, text, "infection_signs").facts


def test_walking_fine_and_sore_after_runs_is_not_limping(engine: Engine) -> None:
    u = read(engine, "my heel hurts, no fall, can walk fine, just sore after long runs", None)
    assert u.facts.get("weight_bearing") == "yes"

def test_a_hedged_not_noticed_is_asked_again(engine: Engine) -> None:
    u = read(engine, "I haven't really noticed", "rest_pain")
    assert u.answer is None and "rest_pain" in u.confirm
