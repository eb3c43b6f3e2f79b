"""Round twenty-two (blind sets BB and BC, read first with the learned second opinion): what
their first sight and a re-read of the lexicon showed the rules missing, as cases."""

from __future__ import annotations

import pytest
from auxil.reading import read

from heel_bot.engine import Engine

FINE = ("absolutely fine", "totally fine", "totally normal", "completely fine", "perfectly ok")


@pytest.mark.parametrize("question", ["deformity", "numbness", "diabetes", "every_step",
                                      "morning_pain", "infection_signs", "rest_pain"])
@pytest.mark.parametrize("text", FINE)
def test_an_intensified_fine_is_a_no_not_an_absolutely(engine: Engine, question: str,
                                                       text: str) -> None:
    # "absolutely" alone is a yes; before "fine" it only says how fine
    assert read(engine, text, question).answer == "no"


@pytest.mark.parametrize("text", FINE)
def test_an_intensified_fine_is_walking_normally(engine: Engine, text: str) -> None:
    assert read(engine, text, "weight_bearing").answer == "yes"


def test_a_bare_absolutely_is_still_a_yes(engine: Engine) -> None:
    assert read(engine, "absolutely", "numbness").answer == "yes"
