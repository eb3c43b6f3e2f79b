"""Rounds thirty-one and thirty-two (blind sets CL to CS): what the rules missed on first sight,
as cases, read by the rules alone (`alone=False`), as a bot whose model failed to load reads
them."""

from __future__ import annotations

import pytest
from auxil.reading import read

from heel_bot.engine import Engine
from heel_bot.language.understand import Understanding


def rules(engine: Engine, text: str, question: str | None) -> Understanding:
    return read(engine, text, question, alone=False)


@pytest.mark.parametrize(("question", "text", "slot", "value"), [
    (None, "can't even put my foot on the floor this morning WTF. what has happened to my heel",
     "weight_bearing", "no"),
    ("shoe_age", "over 500 for sure, the soles are bald", "shoe_age", "over_500_miles"),
    ("shoe_age", "over 500 easily, they're older than my kid", "shoe_age", "over_500_miles"),
])
def test_round_thirty_one_readings(engine: Engine, question: str | None, text: str,
                                   slot: str, value: str) -> None:
    assert rules(engine, text, question).facts.get(slot) == value


def test_not_really_no_to_a_red_flag_asks_again(engine: Engine) -> None:
    u = rules(engine, "not really no", "rest_pain")
    assert "rest_pain" in u.confirm and "rest_pain" not in u.facts
    assert rules(engine, "not really no", "morning_pain").answer == "no"


def test_a_hot_flat_is_not_a_fever(engine: Engine) -> None:
    u = rules(engine, "it's so damn hot in this flat I can't sleep", "infection_signs")
    assert "infection_signs" not in u.facts and "infection_signs" not in u.confirm


@pytest.mark.parametrize(("question", "text", "slot"), [
    ("weight_bearing", "which foot? the left's fine, the right one I can only walk on if I go up "
     "on my toes", "weight_bearing"),
    ("tendon_gap", "where's the tendon exactly? I've felt round the back of my heel and there's "
     "nothing odd", "tendon_gap"),
])
def test_round_thirty_two_asks_again(engine: Engine, question: str, text: str,
                                     slot: str) -> None:
    u = rules(engine, text, question)
    assert slot in u.confirm and slot not in u.facts


@pytest.mark.parametrize(("question", "text"), [
    ("infection_signs", "what time does parkrun start on a Saturday?"),
    ("numbness", "ha me bum's numb from the bus journey"),
    ("hard_surface", "aye whatever, is the Toon on the telly later?"),
    ("infection_signs", "It's 95 degrees in Phoenix today, hot hot hot"),
])
def test_round_thirty_two_off_topic_records_nothing(engine: Engine, question: str,
                                                    text: str) -> None:
    assert rules(engine, text, question).facts == {}
