"""Round thirty (blind sets CH to CK): what the rules missed on first sight, as cases, read by
the rules alone (`alone=False`), as a bot whose model failed to load reads them."""

from __future__ import annotations

import pytest
from auxil.reading import read

from heel_bot.engine import Engine
from heel_bot.language.understand import Understanding


def rules(engine: Engine, text: str, question: str | None) -> Understanding:
    return read(engine, text, question, alone=False)


READINGS = [
    # yes and no in the writer's own language
    ("deformity", "nej", "deformity", "no"),
    ("tendon_gap", "nee hoor", "tendon_gap", "no"),
    ("morning_pain", "kyllä", "morning_pain", "yes"),
    ("every_step", "hindi, hindi bawat hakbang", "every_step", "no"),
    ("infection_signs", "kyllä, punainen ja kuuma", "infection_signs", "yes"),
    # typos inside the answer word itself
    ("heel_squeeze", "bo sharp pain", "heel_squeeze", "no"),
    ("infection_signs", "nit red, not hot, no fever", "infection_signs", "no"),
    # a height is not an age; a European date; the shoe option pasted back with its km
    ("age_group", "age 29, male, 82 kg, 1,85 m", "age_group", "16_plus"),
    ("age_group", "it's for my daughter, she has 11 years", "age_group", "under_16"),
    ("duration", "since 28.04.", "duration", "1_to_3_weeks"),
    ("duration", "10 dagen", "duration", "1_to_3_weeks"),
    ("shoe_age", "Over 500 miles (800 km). way over, they're held together by hope", "shoe_age",
     "over_500_miles"),
    ("injury", "she trod on a lego brick barefoot really hard, that's when it started",
     "injury", "fall_or_impact"),
]


@pytest.mark.parametrize(("question", "text", "slot", "value"), READINGS)
def test_round_thirty_readings(engine: Engine, question: str | None, text: str, slot: str,
                               value: str) -> None:
    assert rules(engine, text, question).facts.get(slot) == value


@pytest.mark.parametrize(("question", "text", "slot"), [
    ("diabetes", "never been told I have", "diabetes"),
    # a softener alone after a full stop hedges the sentence before it
    (None, "heard a POP on the track yesterday, like someone booted me in the heel. can walk "
     "tho. ish.", "weight_bearing"),
    ("weight_bearing", "i can walk. i think", "weight_bearing"),
    ("rest_pain", "I don't really notice it at night", "rest_pain"),
    ("injury", "Not an injury as such, no. But now you mention it I did tread on one of my "
     "son's Lego bricks barefoot about a week before it started, would that count?", "injury"),
])
def test_round_thirty_asks_again(engine: Engine, question: str | None, text: str,
                                 slot: str) -> None:
    u = rules(engine, text, question)
    assert slot in u.confirm and slot not in u.facts


@pytest.mark.parametrize(("question", "text"), [
    ("numbness", "no numbness. I'm a bit numb emotionally after my marathon time"),
])
def test_round_thirty_records_no_sign(engine: Engine, question: str, text: str) -> None:
    assert rules(engine, text, question).facts.get(question) != "yes"


def test_a_decimal_after_since_without_the_dates_dot_is_not_a_date(engine: Engine) -> None:
    # "since 2.5" (no closing dot) stays a number, not the 2nd of May
    assert rules(engine, "since 2.5", "duration").facts.get("duration") is None
