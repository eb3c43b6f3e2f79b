"""Readings blind round nineteen (sets AU, runners who answer in numbers, and AV, anxious
people who over-explain) taught: a hedge before a range is no wider than the range ("about
300-350", "maybe a week or two"); a pain score "2/10" is no date and a time "19:42" no age;
"33M here" is an age; "0 trauma" is no trauma; a foot that has "felt dead" is numb; hopping
round the kitchen is not bearing weight. Each is one rule, checked through the language
layer itself; the corpus test holds the measured effect."""

from __future__ import annotations

import pytest
from auxil.reading import read

from heel_bot.engine import Engine


@pytest.mark.parametrize(("question", "text", "value"), [
    ("shoe_age", "about 300-350", "300_to_500_miles"),
    ("shoe_age", "not sure, maybe 300-400?", "300_to_500_miles"),
    ("duration", "not long maybe a week or two", "1_to_3_weeks"),
    ("duration", "not sure, maybe 2 or 3 weeks?", "1_to_3_weeks"),
])
def test_a_hedged_range_is_the_range(engine: Engine, question: str, text: str,
                                     value: str) -> None:
    assert read(engine, text, question).answer == value


def test_a_hedged_number_alone_still_straddles(engine: Engine) -> None:
    assert read(engine, "about 3 weeks", "duration").answer is None  # 18 to 24 days


def test_a_pain_score_is_no_date(engine: Engine) -> None:
    u = read(engine, "gets worse every km, 2/10 at the start and 7/10 by 10k", "run_pattern")
    assert "duration" not in u.facts


@pytest.mark.parametrize(("text", "value"), [("my 5k PB is 19:42", None), ("Age: 14", "under_16")])
def test_a_time_of_day_is_no_age(engine: Engine, text: str, value: str | None) -> None:
    assert read(engine, text, "age_group").answer == value


@pytest.mark.parametrize("text", ["Hey, 33M here, I run about 20 miles a week",
                                  "no it looks normal, nothing. 34F btw"])
def test_an_age_and_sex_with_words_after(engine: Engine, text: str) -> None:
    assert read(engine, text, None).facts.get("age_group") == "16_plus"


@pytest.mark.parametrize(("question", "text", "value"), [
    ("injury", "gradual, 0 trauma", "none"),
    ("deformity", "no. 0 bruising, 0 swelling", "no"),
    ("weight_bearing", "0 steps without crutches", "no"),
    ("weight_bearing", "not without hopping", "no"),
    ("numbness", "No tingling. But the whole sole of the foot has felt sort of dead", "yes"),
])
def test_answers_read(engine: Engine, question: str, text: str, value: str) -> None:
    assert read(engine, text, question).answer == value


@pytest.mark.parametrize(("text", "slot", "value"), [
    ("today I can barely put it down, I'm hopping round the kitchen", "weight_bearing", "no"),
    ("woke up at 3am with my heel throbbing, 3rd night in a row. 41M", "rest_pain", "yes"),
])
def test_facts_volunteered(engine: Engine, text: str, slot: str, value: str) -> None:
    assert read(engine, text, None).facts.get(slot) == value


def test_a_couple_of_steps_only_is_asked_again(engine: Engine) -> None:
    u = read(engine, "Honestly not for more than a couple of steps, then I have to stop "
                     "because it's so painful.", "weight_bearing")
    assert u.answer is None and "weight_bearing" in u.confirm


@pytest.mark.parametrize(("question", "text", "value"), [
    ("infection_signs", "No, it's not red or hot, and I feel fine in myself, no temperature. "
                        "Sorry, I'm a bit of a hypochondriac.", "no"),
    ("age_group", "I'm an adult. Sorry, I'd rather not say exactly, I'm a bit funny about my age",
     "16_plus"),
])
def test_a_qualifier_of_the_person_is_no_doubt_of_the_answer(engine: Engine, question: str,
                                                              text: str, value: str) -> None:
    assert read(engine, text, question).answer == value


def test_a_contrast_with_unread_words_is_still_asked_again(engine: Engine) -> None:
    u = read(engine, "no, but I'm a bit worried about the skin there", "deformity")
    assert u.answer is None and "deformity" in u.confirm


@pytest.mark.parametrize(("text", "value"), [
    ("not getting better", None),  # same or worse: four of six annotators ask again
    ("not getting better, not getting worse", "same"),
])
def test_not_getting_better_says_not_which(engine: Engine, text: str, value: str | None) -> None:
    assert read(engine, text, "trend").answer == value
