"""Readings blind round twenty (sets AW, everyday runners in the issue's style, and AX, a
realistic week of traffic in six Englishes) taught: "no break" after an X-ray is no answer to
walking; "in the fall" is autumn, not a fall; a game of someone else's does not make the
injury theirs; "walking is grand"; pain that stops someone working is severe. Each is one
rule, checked through the language layer itself; the corpus test holds the measured effect."""

from __future__ import annotations

import pytest
from auxil.reading import read

from heel_bot.engine import Engine


@pytest.mark.parametrize(("question", "text", "value"), [
    ("weight_bearing", "yes fine, the ER doc already x-rayed it, no break", "yes"),
    ("weight_bearing", "Walking is grand, it's only running that hurts", "yes"),
    ("injury", "jumped off the bleachers at my brother's game and landed on my heel",
     "fall_or_impact"),
    ("severity", "it's stopping me working, I'm a postie", "severe"),
    ("severity", "can barely make it across the parking lot", "severe"),
])
def test_answers_read(engine: Engine, question: str, text: str, value: str) -> None:
    assert read(engine, text, question).answer == value


def test_the_fall_as_a_season_is_no_injury(engine: Engine) -> None:
    u = read(engine, "not diabetic, had my A1C checked in the fall", "diabetes")
    assert "injury" not in u.facts


def test_my_brothers_injury_is_still_his(engine: Engine) -> None:
    u = read(engine, "no, but my brother fell off a wall last week", "injury")
    assert u.answer != "fall_or_impact"


def test_an_opening_places_the_pain_underneath_on_the_inside(engine: Engine) -> None:
    u = read(engine, "Afternoon! Walker, 66, heel's sore on the inside underneath, about 6 "
                     "weeks now", None)
    assert u.facts.get("pain_location") == "bottom_inner"


@pytest.mark.parametrize("text", ["uh huh", "uh-huh", "mm hmm"])
def test_uh_huh_is_yes(engine: Engine, text: str) -> None:
    assert read(engine, text, "every_step").answer == "yes"


def test_old_enough_to_be_a_grandma(engine: Engine) -> None:
    assert read(engine, "old enough to be a grandma lol", "age_group").answer == "16_plus"
