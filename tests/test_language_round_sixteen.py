"""Readings blind round sixteen (sets AO and AP) taught: "eighty-one" is never an age of one;
a granddad's or neighbour's age; "does that matter?" asks whether a fact matters, not whether
it is true ("I'm diabetic, does that matter?" stays a yes); a joke about a gap; a
self-diagnosis of Sever's; "not herself, a bit muddled"; a soft squishy bit a few fingers
above the heel where the cord should be hard; a rubber band flicked at the back of the ankle;
a weight not put through the foot; someone else's crutches; sugar all normal; fine resting;
nothing's changed. Each is one rule, checked through the language layer itself; the corpus
test holds the measured effect."""

from __future__ import annotations

import pytest
from auxil.reading import read

from heel_bot.engine import Engine


@pytest.mark.parametrize("text", ["typing for my granddad who is eighty-one",
                                  "for my uncle who is eighty-one"])
def test_eighty_one_is_never_one(engine: Engine, text: str) -> None:
    assert read(engine, text, "age_group").answer in ("16_plus", None)
    assert read(engine, text, None).facts.get("age_group") != "under_16"


@pytest.mark.parametrize(("question", "text"), [
    ("weight_bearing", "Mum (79) is getting to the loo with her frame but she won't put her "
                       "full weight through that foot"),
])
def test_asked_again(engine: Engine, question: str, text: str) -> None:
    u = read(engine, text, question)
    assert u.answer is None and question in u.confirm


@pytest.mark.parametrize(("question", "text", "value"), [
    ("tendon_gap", "Haha only a gap in my motivation. No, tendon feels normal", "no"),
    ("tendon_gap", "There's a soft squishy bit about two fingers above the heel where the cord "
                   "should be hard", "yes"),
    ("infection_signs", "Mum's 86 and not herself today, a bit muddled. Heel's not red though.",
     "yes"),
    ("diabetes", "nope, had my bloods done last month, sugar all normal", "no"),
    ("rest_pain", "no, fine resting. 2 weeks now", "no"),
    ("trend", "nothing's changed, 4 weeks now", "same"),
    ("severity", "Mum says it's 'nothing' but she's stopped going to her bowls club and won't "
                 "walk to church", "severe"),
    ("weight_bearing", "I'm on my brother's crutches", "no"),
])
def test_answers_read(engine: Engine, question: str, text: str, value: str) -> None:
    assert read(engine, text, question).answer == value


def test_does_that_matter_keeps_the_fact(engine: Engine) -> None:
    u = read(engine, "I'm diabetic, does that matter?", "weight_bearing")
    assert u.facts.get("diabetes") == "yes"
    u = read(engine, "fell down the stairs last night, does that matter?", "injury")
    assert u.answer == "fall_or_impact"


def test_a_rubber_band_flicked_at_the_ankle(engine: Engine) -> None:
    u = read(engine, "not a pop exactly... more like someone flicked the back of my ankle with "
                     "a massive rubber band, then it went weak", "injury")
    assert u.answer == "pop_or_kick" or "injury" in u.confirm
