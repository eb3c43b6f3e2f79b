"""Round twenty-three (blind sets BD and BE, and the rules alone re-read on sets BB and BC):
what the rules missed, as cases. `alone=False` reads a message by the rules alone (the
learned second opinion judges single questions only), which is what a bot whose model
failed to load does."""

from __future__ import annotations

import pytest

from heel_bot.engine import Engine
from heel_bot.language.understand import Understanding


def rules(engine: Engine, text: str, question: str) -> Understanding:
    return engine.language.understand(text, engine.dialog.questions[question], {},
                                      alone=False)


@pytest.mark.parametrize("text", [
    "no, but there's a hard bump at the back of the heel where my shoe rubs",
    "there's a lump where the shoe digs in",
])
def test_a_bump_where_the_shoe_rubs_is_the_heels_not_the_shoes(engine: Engine,
                                                               text: str) -> None:
    # "my shoe" marks what is said of the shoe ("my shoes are misshapen"); here it only
    # says where the bump is: it was dropped, and "no" made the red flag reassuring
    u = rules(engine, text, "deformity")
    assert u.answer is None and "deformity" in u.confirm


def test_a_misshapen_shoe_is_still_not_a_misshapen_heel(engine: Engine) -> None:
    u = rules(engine, "no, my shoes are a bit misshapen though", "deformity")
    assert u.facts.get("deformity") != "yes"


@pytest.mark.parametrize(("text", "age"), [
    ("Heel pain. 41. Not diabetic. Been a month.", "16_plus"),
    ("Heel sore. 14. Plays football.", "under_16"),
])
def test_an_age_said_as_a_sentence_of_its_own_in_an_opening(engine: Engine, text: str,
                                                              age: str) -> None:
    assert engine.language.understand(text, None, {}).facts.get("age_group") == age


@pytest.mark.parametrize("text", ["Ran 12. Then it hurt.", "Pain. 7. Since Monday."])
def test_a_number_after_a_word_or_a_small_one_is_not_an_age(engine: Engine,
                                                            text: str) -> None:
    assert "age_group" not in engine.language.understand(text, None, {}).facts
