"""Round twenty-nine (blind sets CD to CG): what the rules missed on first sight, as cases,
read by the rules alone (`alone=False`), as a bot whose model failed to load reads them."""

from __future__ import annotations

import pytest
from auxil.reading import read

from heel_bot.engine import Engine
from heel_bot.language.understand import Understanding


def rules(engine: Engine, text: str, question: str | None) -> Understanding:
    return read(engine, text, question, alone=False)


READINGS = [
    # a kick with nobody there is the torn tendon's kick, not a blow
    ("injury", "thought the guy behind me kicked me in the heel during the beep test, turned "
     "round and nobody there", "injury", "pop_or_kick"),
    ("age_group", "junior in high school", "age_group", "16_plus"),
    ("shoe_age", "only a fortnight old", "shoe_age", "under_300_miles"),
    ("rest_pain", "slept fine", "rest_pain", "no"),
    ("rest_pain", "no - absolutely fine at rest. it's been 10 days and it's improving",
     "rest_pain", "no"),
    ("deformity", "Both heels look exactly the same to me", "deformity", "no"),
    ("heel_squeeze", "didn't do anything when I squeezed it", "heel_squeeze", "no"),
    ("mileage_jump", "no but I've started doing two runs a day instead of one this month",
     "mileage_jump", "yes"),
    ("injury", "someone's studs came down on my heel at rugby training", "injury",
     "fall_or_impact"),
]


@pytest.mark.parametrize(("question", "text", "slot", "value"), READINGS)
def test_round_twenty_nine_readings(engine: Engine, question: str | None, text: str,
                                    slot: str, value: str) -> None:
    assert rules(engine, text, question).facts.get(slot) == value


@pytest.mark.parametrize(("question", "text", "slot"), [
    # the squeeze test not done is not a no
    ("heel_squeeze", "didn't do it, I don't want to hurt him", "heel_squeeze"),
    ("rest_pain", "He never complains at night but he's 14, he wouldn't tell me", "rest_pain"),
    (None, "Pain at the back of my heel since Easter. No dent in the tendon that I can feel",
     "tendon_gap"),
])
def test_round_twenty_nine_asks_again(engine: Engine, question: str | None, text: str,
                                      slot: str) -> None:
    u = rules(engine, text, question)
    assert slot in u.confirm and slot not in u.facts


@pytest.mark.parametrize(("question", "text"), [
    ("weight_bearing", "sorry on exercise, no signal, will answer later"),
    ("numbness", "brb dinners burning"),
    ("mileage_jump", "10% off at the sports shop this weekend if anyone needs boots"),
    ("morning_pain", "morning training is at 7 on saturdays btw"),
    (None, "sorry wrong chat, meant for the under 10s parents group"),
])
def test_round_twenty_nine_off_topic_records_nothing(engine: Engine, question: str | None,
                                                     text: str) -> None:
    assert rules(engine, text, question).facts == {}


def test_another_complaint_that_wakes_them_is_no_rest_pain(engine: Engine) -> None:
    assert rules(engine, "the sciatica keeps me awake, the heel doesn't",
                 "rest_pain").facts.get("rest_pain") != "yes"


def test_a_weekday_in_the_lexicon_does_not_become_a_date_by_correction(engine: Engine) -> None:
    # "saturdays" once became "saturday" (a date) when a lexicon phrase named the day, and the
    # second date hid "since Easter"
    u = rules(engine, "G'day, had a crook heel since Easter, mostly after parkrun on Saturdays",
              None)
    assert u.facts.get("duration") == "over_3_weeks"


@pytest.mark.parametrize("word", ["saturdays", "eighty", "fortnights", "sevens"])
def test_no_word_is_corrected_into_a_number_or_calendar_word(engine: Engine, word: str) -> None:
    assert engine.language.pipeline.clean(word) == word
