"""Round twenty-seven (blind sets BV to BY): what was missed on first sight, as cases, read by
the rules alone (`alone=False`) unless the second opinion was the one at fault."""

from __future__ import annotations

import pytest
from auxil.reading import read

from heel_bot.engine import Engine
from heel_bot.language.understand import Understanding


def rules(engine: Engine, text: str, question: str | None) -> Understanding:
    return read(engine, text, question, alone=False)


READINGS = [
    ("infection_signs", "it's red and roasting to touch", "infection_signs", "yes"),
    ("injury", "A pallet truck ran over my heel at work on Monday", "injury", "fall_or_impact"),
    (None, "my son is 12 plays footy, both heels sore at the back", "age_group", "under_16"),
    (None, "g'day heel's been crook since i started running on the bitumen heaps",
     "hard_surface", "yes"),
    ("age_group", "shes in class 8", "age_group", "under_16"),
    ("hard_surface", "no, but i did up my miles a lot", "mileage_jump", "yes"),
    ("morning_pain", "yes defiantly, n my calfs r tite", "tight_calves", "yes"),
    # after the round's retrain, from sets BX and BY (in-sample)
    ("deformity", "nope, totally normal looking", "deformity", "no"),
    ("numbness", "tingling in my hands from pregnancy carpal tunnel, but my feet are fine",
     "numbness", "no"),
    ("injury", "No sudden thing. Been a slow build up ache for 2 months", "injury", "none"),
    ("injury", "a kid stomped my heel with his cleats at soccer", "injury", "fall_or_impact"),
    ("rest_pain", "no it calms down when I'm sittin", "rest_pain", "no"),
    (None, "Wicked sore heel here in Boston, ramped my miles way too fast for the marathon",
     "mileage_jump", "yes"),
]


@pytest.mark.parametrize(("question", "text", "slot", "value"), READINGS)
def test_round_twenty_seven_readings(engine: Engine, question: str | None, text: str,
                                     slot: str, value: str) -> None:
    assert rules(engine, text, question).facts.get(slot) == value


def test_an_australian_crook_heel_is_not_an_illness(engine: Engine) -> None:
    u = rules(engine, "g'day heel's been crook since i started running on the bitumen", None)
    assert "infection_signs" not in u.facts and "infection_signs" not in u.confirm


@pytest.mark.parametrize(("question", "text", "slot"), [
    # a reply sent in two halves: the denial before "but" is not the answer yet
    ("infection_signs", "no fever but", "infection_signs"),
    ("deformity", "not really but...", "deformity"),
    # born in 2009: 15 or 16 in 2025, either side of the line
    ("age_group", "born in 09", "age_group"),
])
def test_round_twenty_seven_asks_again(engine: Engine, question: str | None, text: str,
                                       slot: str) -> None:
    u = rules(engine, text, question)
    assert slot in u.confirm and slot not in u.facts


def test_a_denial_that_ends_with_though_is_still_a_denial(engine: Engine) -> None:
    assert rules(engine, "no fever though", "infection_signs").answer == "no"


def test_two_digits_after_born_in_are_a_year_only_at_the_clauses_end(engine: Engine) -> None:
    assert rules(engine, "born in 88 degree heat", "age_group").facts == {}


@pytest.mark.parametrize(("text", "value"), [
    ("nine days", "1_to_3_weeks"), ("eight days", "1_to_3_weeks"),
    ("a couple of months", "over_3_weeks"), ("a fortnight", "1_to_3_weeks"),
])
def test_the_second_opinion_leaves_a_number_in_words_to_the_rules(
        engine: Engine, text: str, value: str) -> None:
    # with the model: it once read "nine days" as under a week, over the rules' reading
    assert engine.language.review is not None
    assert read(engine, text, "duration").answer == value


def test_a_childs_age_is_not_the_writers(engine: Engine) -> None:
    u = rules(engine, "old enough to have a 7 year old and a 10 year old 😂", "age_group")
    assert u.facts.get("age_group") != "under_16"
    assert rules(engine, "I'm a 45 year old runner", "age_group").answer == "16_plus"
