"""Round thirty-one (blind sets CL to CO): what the rules missed on first sight, as cases, read
by the rules alone (`alone=False`), as a bot whose model failed to load reads them."""

from __future__ import annotations

import pytest
from auxil.reading import read

from heel_bot.engine import Engine
from heel_bot.language.understand import Understanding


def rules(engine: Engine, text: str, question: str | None) -> Understanding:
    return read(engine, text, question, alone=False)


@pytest.mark.parametrize(("question", "text", "slot", "value"), [
    (None, "can't even put my foot on the floor this morning WTF. what has happened to my heel",
     "weight_bearing", "no"),
    ("shoe_age", "over 500 for sure, the soles are bald", "shoe_age", "over_500_miles"),
    ("shoe_age", "over 500 easily, they're older than my kid", "shoe_age", "over_500_miles"),
])
def test_round_thirty_one_readings(engine: Engine, question: str | None, text: str,
                                   slot: str, value: str) -> None:
    assert rules(engine, text, question).facts.get(slot) == value


def test_not_really_no_to_a_red_flag_asks_again(engine: Engine) -> None:
    u = rules(engine, "not really no", "rest_pain")
    assert "rest_pain" in u.confirm and "rest_pain" not in u.facts
    assert rules(engine, "not really no", "morning_pain").answer == "no"


def test_a_hot_flat_is_not_a_fever(engine: Engine) -> None:
    u = rules(engine, "it's so damn hot in this flat I can't sleep", "infection_signs")
    assert "infection_signs" not in u.facts and "infection_signs" not in u.confirm
