"""Round thirty-eight (blind sets DN to DQ): what the rules missed on first sight, as cases,
read by the rules alone (`alone=False`), as a bot whose model failed to load reads them."""

from __future__ import annotations

import pytest
from auxil.reading import read

from heel_bot.engine import Engine
from heel_bot.language.understand import Understanding


def rules(engine: Engine, text: str, question: str | None) -> Understanding:
    return read(engine, text, question, alone=False)


@pytest.mark.parametrize(("question", "text", "slot", "value"), [
    (None, "Came off a stepladder at the weekend and landed right on my heel, can't put any "
     "weight on it at all", "injury", "fall_or_impact"),
    (None, "my heel is really sore first thing when I get up, then it loosens off. not red or "
     "anything", "infection_signs", "no"),
    ("every_step", "maybe 1 in 3 steps", "every_step", "no"),
])
def test_round_thirty_eight_readings(engine: Engine, question: str | None, text: str,
                                     slot: str, value: str) -> None:
    assert rules(engine, text, question).facts.get(slot) == value


@pytest.mark.parametrize(("question", "text", "slot"), [
    # walking "a bit" is not walking fine (an opening read it so: a red flag lost)
    (None, "felt a pop at the back of my heel at parkrun saturday, can still walk on it a bit",
     "weight_bearing"),
    ("age_group", "doing my GCSEs this summer", "age_group"),
    ("age_group", "a lady never tells 😉", "age_group"),
])
def test_round_thirty_eight_asks_again(engine: Engine, question: str | None, text: str,
                                       slot: str) -> None:
    u = rules(engine, text, question)
    assert slot in u.confirm and slot not in u.facts


def test_on_the_bottom_alone_names_no_place(engine: Engine) -> None:
    assert rules(engine, "on the bottom", "pain_location").answer is None
