"""Numbers in opening messages (no question asked yet): a bare number standing as its own item
is the person's age ("38, pain under heel..."), and a day tied to an injury is when the pain
began ("fell off a wall sat") unless the pain's own duration is given ("heel pain 10 days, fell
yesterday"). heel_bot/language/numages.py, numdates.py, paintime.py."""

from __future__ import annotations

import datetime

import pytest

from heel_bot.engine import Engine
from heel_bot.language.numbers import find_quantities, slot_value

TODAY = datetime.date(2025, 5, 14)  # a Wednesday
ADULT, CHILD = "16_plus", "under_16"
U1, W13, O3 = "under_1_week", "1_to_3_weeks", "over_3_weeks"


def facts(engine: Engine, text: str, question: str | None = None) -> dict[str, str]:
    q = engine.dialog.questions[question] if question else None
    return dict(engine.language.understand(text, q, {}, today=TODAY).facts)


def answer(engine: Engine, text: str, question: str) -> str | None:
    return engine.language.understand(text, engine.dialog.questions[question], {},
                                      today=TODAY).answer


# ---------------------------------------------------------------- ages


@pytest.mark.parametrize(("text", "want"), [
    ("hey im 17 n my heel hurts wen i run", ADULT),
    ("im 12", CHILD),
    ("im 12 n my heel hurts after football", CHILD),
    ("38, pain under heel towards arch, 2 months, worst first thing am", ADULT),
    ("Type 2 diabetic here, 61, pain under my heel for ages", ADULT),
    ("heel tingles n burns at night, wakes me up, 45", ADULT),
    ("Morning! 17, doing A levels, play netball for the county", ADULT),
    ("12, heel hurts after football", CHILD),
    ("heel pain after netball, 14", CHILD),
    ("38 years, pain under heel", ADULT),
    ("38 yo, pain under heel", ADULT),
    ("17 y/o, heel sore after running", ADULT),
])
def test_an_age_in_an_opening(engine: Engine, text: str, want: str) -> None:
    assert facts(engine, text).get("age_group") == want


@pytest.mark.parametrize("text", [
    "pain 6/10 under my heel, worse in the mornings",
    "3 runs, 40 miles a week, heel pain",
    "ran 10, 12, 15 miles last week, heel sore now",
    "pain level, 7, worst in the morning",
    "on a scale of 1-10, 7, heel pain",
    "woke up at 5, heel sore",
    "5, 6 times a week, heel hurts after",
    "size 9, heel pain",
    "heel sore, 3, maybe 4 weeks",
    "heel pain since 12 May, sore every morning",
    "36.8, heel feels warm",
    "heel pain, 20 years, on and off",  # how long it has hurt, not an age
    "heel pain. 4, then 5 on the stairs",
])
def test_no_age_in_an_opening(engine: Engine, text: str) -> None:
    assert "age_group" not in facts(engine, text)


@pytest.mark.parametrize(("question", "text"), [
    ("severity", "7, hurts a lot"),
    ("severity", "about a 6, 45"),
    ("duration", "hurts every morning, 45"),
    ("run_pattern", "worse after, 17, doing A levels"),
])
def test_a_bare_number_at_a_question_is_no_age(engine: Engine, question: str, text: str) -> None:
    assert "age_group" not in facts(engine, text, question)


@pytest.mark.parametrize(("question", "text", "want"), [
    ("severity", "I'm 17, it hurts a lot", ADULT),
    ("severity", "17 yo, it hurts a lot", ADULT),
    ("morning_pain", "yes, im 15 n it's worst first thing", CHILD),
])
def test_a_clear_age_at_a_question(engine: Engine, question: str, text: str, want: str) -> None:
    assert facts(engine, text, question).get("age_group") == want


def test_a_bare_number_at_the_age_question() -> None:
    # the age question reads it already; the opening reading changes nothing there
    got = find_quantities("17, doing A levels", today=TODAY, expect="age_group")
    assert [slot_value(q) for q in got] == [("age_group", ADULT)]


def test_the_number_reader_reads_items_as_ages_only_in_an_opening() -> None:
    text = "Type 2 diabetic here, 61, pain under my heel"
    assert [slot_value(q) for q in find_quantities(text, today=TODAY)] == []
    got = find_quantities(text, today=TODAY, opening=True)
    assert [(q.text, slot_value(q)) for q in got] == [("61", ("age_group", ADULT))]


# ---------------------------------------------------------------- the day of an injury


@pytest.mark.parametrize(("text", "want"), [
    ("fell off a wall sat, heel swollen n cant put weight on it", U1),
    ("bruised my heel stepping on a rock on the trail saturday", U1),
    ("my foot has gone cold and sort of blue since I twisted it this afternoon", U1),
    ("felt a pop playing squash last night", U1),
    ("rolled my ankle thurs, heel sore", U1),
    ("hit my heel on a step saturday", U1),
    ("landed badly off a box jump on Monday, heel bruised", U1),
    ("fell last Tuesday, heel sore", W13),  # 8 days back
    ("fell off a ladder on Tuesday last week", W13),
    ("heel pain 10 days, fell yesterday", W13),  # the pain's own duration wins
    ("fell yesterday, but the heel has hurt for 10 days", W13),
    ("heel pain for 3 weeks since i fell on saturday", W13),
    ("rolled it 2 weeks ago and fell on it again last night", W13),
])
def test_the_day_of_an_injury(engine: Engine, text: str, want: str) -> None:
    assert facts(engine, text).get("duration") == want


@pytest.mark.parametrize("text", [
    "I run on Saturdays and my heel hurts after",
    "my race is on Sunday and my heel is sore",
    "parkrun saturday, heel pain",
    "heel sore, parkrun sat",
    "I sat on a wall and my heel hurts",
    "hit 50 miles last week, heel sore",
    "hit a new pb saturday, heel sore",
    "fell asleep in the sun, heel hurt",
    "twisted my ankle at parkrun, my race is on sunday",
    "twisted my ankle, my race is on sunday",
])
def test_no_day_of_an_injury(engine: Engine, text: str) -> None:
    assert "duration" not in facts(engine, text)


def test_a_day_dated_by_an_injury_is_marked() -> None:
    got = find_quantities("heel pain 10 days, fell yesterday", today=TODAY)
    assert [(q.text, q.event) for q in got] == [("10 days", False), ("yesterday", True)]
    started = find_quantities("it started hurting on saturday", today=TODAY)
    assert [(q.text, q.event) for q in started] == [("saturday", False)]


def test_a_time_of_something_else_does_not_beat_the_injury(engine: Engine) -> None:
    # "10 years" is the running's, so the fall dates the pain
    assert facts(engine, "been running 10 years, fell yesterday").get("duration") == U1


def test_the_pain_started_and_an_injury_disagree(engine: Engine) -> None:
    # two onsets of the pain itself that disagree: no duration is recorded (as before)
    assert "duration" not in facts(engine, "started hurting 10 days ago, started again monday")
