"""Round twenty-five (blind sets BN to BQ): what the rules missed on first sight, as cases,
read by the rules alone (`alone=False`), as a bot whose model failed to load reads them."""

from __future__ import annotations

import pytest
from auxil.reading import read

from heel_bot.engine import Engine
from heel_bot.language.understand import Understanding


def rules(engine: Engine, text: str, question: str | None) -> Understanding:
    return read(engine, text, question, alone=False)


READINGS = [
    # an Irish "grand" is fine: the circulation denied, not named as a sign
    ("diabetes", "No diabetes, circulation's grand, feeling's grand", "diabetes", "no"),
    ("infection_signs", "finished antibiotics for a chest infection on friday, no fever now and "
     "the heel isn't red", "infection_signs", "no"),
    ("infection_signs", "I've got a stinking cold at the mo", "infection_signs", "yes"),
    ("rest_pain", "nah. felt really faint standing up just now though", "infection_signs",
     "yes"),
    ("rest_pain", "fine resting", "rest_pain", "no"),
    ("diabetes", "gestational diabetes with this pregnancy", "diabetes", "yes"),
    ("weight_bearing", "walks on it ok, just can't run on it. I'm type 2 if that matters",
     "weight_bearing", "yes"),
    ("injury", "thought someone had clipped my heel from behind at parkrun but there was nobody "
     "there", "injury", "pop_or_kick"),
    ("injury", "yeah a hurdle clipped the back of her heel at athletics", "injury",
     "fall_or_impact"),
    ("injury", "no pop, but i did whack my heel on a step last week", "injury",
     "fall_or_impact"),
    ("injury", "guy behind me in the 1500 spiked me right on the heel at the bell", "injury",
     "fall_or_impact"),
    (None, "mum is 82, missed the bottom step yesterday and went over, heel is swollen and she "
     "can't stand on it at all", "injury", "fall_or_impact"),
    ("numbness", "feels kinda dead", "numbness", "yes"),
    ("heel_squeeze", "it's tender when I squeeze but I wouldn't call it sharp", "heel_squeeze",
     "no"),
    ("heel_squeeze", "no sharp pain, just tender-ish", "heel_squeeze", "no"),
    ("every_step", "first few steps in the morning, then fine", "every_step", "no"),
    ("tight_calves", "not tight, but I do a hill session every week", "tight_calves", "yes"),
    ("tight_calves", "a bit tight, nothing major", "tight_calves", "yes"),
    ("mileage_jump", "about 10% a week, following the plan", "mileage_jump", "no"),
    ("mileage_jump", "no change. I'm 17 and pretty new to running", "mileage_jump", "no"),
    ("severity", "four or five", "severity", "moderate"),
    ("severity", "bad enough that I DNF'd the 50k at 30k", "severity", "moderate"),
    (None, "Canadian here, heel's sore since I went from the treadmill all winter back onto the "
     "roads", "hard_surface", "yes"),
    (None, "I'm a nurse, 34. L plantar heel pain, medial, worst first thing AM then settles, "
     "approx 2/12", "duration", "over_3_weeks"),
    ("weight_bearing", "Yes, but it hurst", "weight_bearing", "with_pain"),
]


@pytest.mark.parametrize(("question", "text", "slot", "value"), READINGS)
def test_round_twenty_five_readings(engine: Engine, question: str | None, text: str,
                                    slot: str, value: str) -> None:
    assert rules(engine, text, question).facts.get(slot) == value


@pytest.mark.parametrize(("question", "text", "slot"), [
    ("age_group", "older than I'd like 🙃", "age_group"),
    ("heel_squeeze", "a bit sore when I press the sides", "heel_squeeze"),
    ("infection_signs", "only warm after her run, not otherwise", "infection_signs"),
])
def test_round_twenty_five_asks_again(engine: Engine, question: str | None, text: str,
                                      slot: str) -> None:
    u = rules(engine, text, question)
    assert slot in u.confirm and slot not in u.facts


@pytest.mark.parametrize(("question", "text"), [
    ("injury", "she's popped out to the shop, I'll ask her when she's back"),
    ("diabetes", "not him, his grandad has it"),
])
def test_someone_elses_words_record_no_sign(engine: Engine, question: str,
                                            text: str) -> None:
    u = rules(engine, text, question)
    assert u.facts.get(question) not in ("yes", "pop_or_kick")


def test_a_date_after_an_onset_word_is_not_a_clinicians_duration(engine: Engine) -> None:
    # "5/7" would be five days in a clinician's shorthand; after "started" it is a date
    assert rules(engine, "started 5/7", None).facts.get("duration") != "under_1_week"
