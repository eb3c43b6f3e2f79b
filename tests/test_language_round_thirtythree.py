"""Round thirty-three (blind sets CT to CW): what the rules missed on first sight, as cases,
read by the rules alone (`alone=False`), as a bot whose model failed to load reads them."""

from __future__ import annotations

import pytest
from auxil.reading import read

from heel_bot.engine import Engine
from heel_bot.language.understand import Understanding


def rules(engine: Engine, text: str, question: str | None) -> Understanding:
    return read(engine, text, question, alone=False)


@pytest.mark.parametrize(("question", "text", "slot", "value"), [
    # numbers: "and a bit" is a little more; "just under"/"just over" a little either side
    (None, "is this plantar fasciitis? under my heel near the arch, 2 and a bit months now",
     "duration", "over_3_weeks"),
    ("duration", "a week and a bit", "duration", "1_to_3_weeks"),
    ("duration", "just over a fortnight", "duration", "1_to_3_weeks"),
    ("duration", "just under 3 weeks", "duration", "1_to_3_weeks"),
    ("duration", "not quite 3 weeks", "duration", "1_to_3_weeks"),
    ("duration", "just over 3 weeks", "duration", "over_3_weeks"),
    ("shoe_age", "just under 400 miles per strava", "shoe_age", "300_to_500_miles"),
    ("shoe_age", "a bit over 300 miles", "shoe_age", "300_to_500_miles"),
    # ages
    ("age_group", "I'm 14 going on 15", "age_group", "under_16"),
    ("age_group", "16 going on 17", "age_group", "16_plus"),
    ("age_group", "im 15 going on 30 lol", "age_group", "under_16"),
    (None, "my daughters 14, back of her heel hurts after netball", "age_group", "under_16"),
    (None, "Coach here. One of my 1500 girls (15) has heel pain", "age_group", "under_16"),
    # pain scores
    ("severity", "a 4 maybe 5", "severity", "moderate"),
    ("severity", "meh, 3ish", "severity", "mild"),
    # words
    ("rest_pain", "fine at rest, 0/10 on the couch", "rest_pain", "no"),
    ("rest_pain", "eases off after about 20 mins of sitting", "rest_pain", "no"),
    ("heel_squeeze", "no. hurts every single step though", "heel_squeeze", "no"),
    ("heel_squeeze", "no. hurts every single step though", "every_step", "yes"),
    ("deformity", "looks totally normal to me, not even bruised", "deformity", "no"),
    (None, "my heel looks a bit swollen and bigger than the other one since I twisted it",
     "deformity", "yes"),
    ("every_step", "every step, yes, and it's worse than a week ago", "trend", "worse"),
    ("duration", "a month and it's worse than ever", "trend", "worse"),
    ("severity", "pretty bad, cut my last 3 runs short", "severity", "moderate"),
    ("severity", "bad enough that I pulled out of the half ironman", "severity", "moderate"),
    ("severity", "cutting my long runs from 20 to 12k", "severity", "moderate"),
    ("run_pattern", "not at the start, but it ramps up towards the end", "run_pattern",
     "worsens_during"),
    ("hard_surface", "new trainers, nothing worn, all grass and track", "hard_surface", "no"),
    ("every_step", "maybe 1 step in 10", "every_step", "no"),
    ("every_step", "first 10 steps in the morning then it settles", "every_step", "no"),
])
def test_round_thirty_three_readings(engine: Engine, question: str | None, text: str,
                                     slot: str, value: str) -> None:
    assert rules(engine, text, question).facts.get(slot) == value


@pytest.mark.parametrize(("question", "text"), [
    # "a bit" inside "two and a bit months" qualifies the number, not the denial
    ("injury", "No pop no fall, been building for two and a bit months"),
])
def test_a_number_with_a_bit_does_not_hedge(engine: Engine, question: str, text: str) -> None:
    u = rules(engine, text, question)
    assert u.answer == "none" and u.facts.get("duration") == "over_3_weeks"


def test_a_duration_compared_with_than_is_not_how_long(engine: Engine) -> None:
    u = rules(engine, "every step, yes, and it's worse than a week ago", "every_step")
    assert "duration" not in u.facts


@pytest.mark.parametrize(("question", "text", "slot"), [
    ("infection_signs", "hungover lol but no", "infection_signs"),
])
def test_round_thirty_three_asks_again(engine: Engine, question: str, text: str,
                                       slot: str) -> None:
    u = rules(engine, text, question)
    assert slot in u.confirm and slot not in u.facts


def test_someone_elses_diabetes_then_ones_own_is_a_yes(engine: Engine) -> None:
    # "my mum has it" is hers (ConText's other experiencer); "so do I" ends that scope
    assert rules(engine, "no but my mum has it and so do I", "diabetes").answer == "yes"
    assert rules(engine, "no but my mum has it", "diabetes").answer == "no"


@pytest.mark.parametrize(("text", "value"), [
    ("was a 6 now a 3", "improving"),
    ("3/10 last week, 6/10 now", "worse"),
    ("worse. from a 2 to a 5 in 10 days", "worse"),
    ("was about 7, now more like a 4", "improving"),
    ("it was a 5 and now it's a 5", "same"),
])
def test_two_pain_scores_tell_the_trend(engine: Engine, text: str, value: str) -> None:
    assert rules(engine, text, "trend").answer == value
    # the model reads no numbers: a trend read from two scores stands (policy rule 3)
    assert read(engine, text, "trend").answer == value
