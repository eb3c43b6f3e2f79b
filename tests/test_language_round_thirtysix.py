"""Round thirty-six (blind sets DF to DI): what the rules missed on first sight, as cases,
read by the rules alone (`alone=False`), as a bot whose model failed to load reads them."""

from __future__ import annotations

import pytest
from auxil.reading import read

from heel_bot.engine import Engine
from heel_bot.language.understand import Understanding


def rules(engine: Engine, text: str, question: str | None) -> Understanding:
    return read(engine, text, question, alone=False)


@pytest.mark.parametrize(("question", "text", "slot", "value"), [
    ("shoe_age", "30 parkruns, nothing else", "shoe_age", "under_300_miles"),
    ("shoe_age", "like 30 parkruns", "shoe_age", "under_300_miles"),
    ("trend", "slowly getting worse tbh", "trend", "worse"),
    (None, "70 and on blood pressure tablets. Heel's been getting steadily worse", "trend",
     "worse"),
    ("infection_signs", "no, it's not red and I feel fine", "infection_signs", "no"),
    (None, "ran a half on the road sunday in my old racing flats", "hard_surface", "yes"),
    ("hard_surface", "Our parkrun course moved onto the tarmac loop for the winter",
     "hard_surface", "yes"),
    (None, "sharp stabbing pain in my heel every single step, didn't fall or twist anything",
     "injury", "none"),
    ("tendon_gap", "it feels like it dips in on one side compared to my other leg",
     "tendon_gap", "yes"),
    ("rest_pain", "no, it settles down when I'm sat on the sofa", "rest_pain", "no"),
    ("mileage_jump", "not really, but I did double my long run last weekend", "mileage_jump",
     "yes"),
    ("mileage_jump", "about ten percent a week", "mileage_jump", "no"),
    ("severity", "I can't get my shoes on in the morning and I need the stick to get around "
     "the house", "severity", "severe"),
    ("severity", "Had to pull out halfway round the 5k last Saturday", "severity", "moderate"),
    ("run_pattern", "Starts off ok but by 3 miles it's really hurting", "run_pattern",
     "worsens_during"),
])
def test_round_thirty_six_readings(engine: Engine, question: str | None, text: str,
                                   slot: str, value: str) -> None:
    assert rules(engine, text, question).facts.get(slot) == value


@pytest.mark.parametrize(("question", "text", "slot"), [
    # never tested is no denial: read as no, it was a red flag lost by the strict count
    ("diabetes", "Never been tested to be honest", "diabetes"),
    ("age_group", "in grade ten", "age_group"),
])
def test_round_thirty_six_asks_again(engine: Engine, question: str, text: str,
                                     slot: str) -> None:
    u = rules(engine, text, question)
    assert slot in u.confirm and slot not in u.facts


def test_standing_on_concrete_at_work_is_no_running_surface(engine: Engine) -> None:
    assert rules(engine, "concrete floors at work all day, 12 hr shifts",
                 "hard_surface").facts == {}


def test_a_month_alone_is_the_rules_to_date_not_the_models(engine: Engine) -> None:
    # the model learnt no dates: "got them in Jan" says nothing of the shoes' distance
    assert read(engine, "got them in Jan", "shoe_age").answer is None
