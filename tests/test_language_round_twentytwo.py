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


@pytest.mark.parametrize("question", ["weight_bearing", "numbness", "deformity", "every_step"])
@pytest.mark.parametrize("text", ["certainly not", "of course not", "unfortunately not",
                                  "sadly not", "thankfully not", "nup", "not in the slightest"])
def test_a_negated_sentence_adverb_is_a_no(engine: Engine, question: str, text: str) -> None:
    # "certainly" alone is a yes: "certainly not" was read as one ("can you walk?" -> yes)
    assert read(engine, text, question).answer == "no"


@pytest.mark.parametrize("text", ["pretty sure not", "I'm fairly sure it isn't", "hopefully not"])
def test_a_confident_or_hopeful_no_is_hedged(engine: Engine, text: str) -> None:
    u = read(engine, text, "numbness")
    assert u.answer is None and "numbness" in u.confirm
    assert read(engine, text, "morning_pain").answer == "no"


@pytest.mark.parametrize("text", ["very much so", "hell yeah", "unfortunately yes", "sadly yes"])
def test_an_emphatic_yes_is_a_yes(engine: Engine, text: str) -> None:
    assert read(engine, text, "morning_pain").answer == "yes"
