"""Readings blind round fifteen (sets AM and AN) taught: a warning sign echoed back as a
question in any sentence ("A pop? Don't think so.") is asked about, not taken; a relative's
fever or a sibling's injury is theirs; metformin for PCOS; "lookin" normal; not without
crying; walking on his tiptoes; can't (barely) feel his or her feet; woke up with it;
struggling through a day at work; double shifts are not double mileage. Each is one rule,
checked through the language layer itself; the corpus test holds the measured effect."""

from __future__ import annotations

import pytest
from auxil.reading import read

from heel_bot.engine import Engine


@pytest.mark.parametrize(("question", "text"), [
    # a bare yes with the sign denied in words: the yes may be agreement ("ya, it's normal")
    ("deformity", "ya its totally normal lookin"),
    ("deformity", "yeah it looks normal"),
    ("numbness", "yeah it's fine"),
    ("injury", "A pop? Don't think so. It just started hurting after my 10k on Sunday."),
    ("numbness", "numb? no. tingly? kinda"),
    ("weight_bearing", "he can but he walks on his tiptoes on that side so the heel doesn't "
                       "touch"),
])
def test_asked_again(engine: Engine, question: str, text: str) -> None:
    u = read(engine, text, question)
    assert u.answer is None and question in u.confirm


@pytest.mark.parametrize(("question", "text", "value"), [
    ("weight_bearing", "Not without crying", "with_pain"),
    ("rest_pain", "woke up at 3am with it twice this week", "yes"),
    ("severity", "pretty bad, struggling to get through a day at work", "severe"),
    ("severity", "pretty bad, she can't walk round school without crying", "severe"),
    ("mileage_jump", "no - same 20k a week for ages, I've just been doing double shifts", "no"),
    ("mileage_jump", "I've started doing doubles most days", "yes"),
    ("diabetes", "Mum's 83 and has neuropathy from her diabetes, she can barely feel her feet",
     "yes"),
])
def test_answers_read(engine: Engine, question: str, text: str, value: str) -> None:
    assert read(engine, text, question).answer == value


def test_a_brothers_fever_is_not_hers(engine: Engine) -> None:
    u = read(engine, "her brother's got a temperature but she's fine, and the heel isn't red or "
                     "hot", "infection_signs")
    assert u.answer != "yes"


def test_metformin_for_pcos_is_not_diabetes(engine: Engine) -> None:
    u = read(engine, "she takes metformin but it's for her PCOS, not diabetes", "diabetes")
    assert u.answer != "yes"


def test_a_fathers_feet_he_cannot_feel(engine: Engine) -> None:
    u = read(engine, "Dad's 80 and can't feel his feet properly since his stroke", None)
    assert u.facts.get("numbness") == "yes"
