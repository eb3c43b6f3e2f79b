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
    # "absolutely" alone is a yes; before "fine" it only says how fine. Read by the rules: the
    # model retrained in round 38 asks again about "perfectly ok" at the rest-pain question
    # (the safer reading; the rules' no stands everywhere else).
    assert read(engine, text, question, alone=False).answer == "no"
    assert read(engine, text, question).answer in ("no", None)


@pytest.mark.parametrize("text", FINE)
def test_an_intensified_fine_is_walking_normally(engine: Engine, text: str) -> None:
    assert read(engine, text, "weight_bearing").answer == "yes"


def test_a_bare_absolutely_is_still_a_yes(engine: Engine) -> None:
    assert read(engine, "absolutely", "numbness").answer == "yes"


@pytest.mark.parametrize("question", ["weight_bearing", "numbness", "deformity", "every_step"])
@pytest.mark.parametrize("text", ["certainly not", "of course not", "unfortunately not",
                                  "sadly not", "thankfully not", "nup", "not in the slightest"])
def test_a_negated_sentence_adverb_is_a_no(engine: Engine, question: str, text: str) -> None:
    # "certainly" alone is a yes: "certainly not" was read as one ("can you walk?" -> yes).
    # The rules read the no; the learned second opinion may still ask again (it did for
    # "thankfully not" at deformity once trained on sets BD and BE), never a yes.
    q = engine.dialog.questions[question]
    assert engine.language.understand(text, q, {}, alone=False).answer == "no"
    assert read(engine, text, question).answer in ("no", None)


@pytest.mark.parametrize("text", ["pretty sure not", "I'm fairly sure it isn't", "hopefully not"])
def test_a_confident_or_hopeful_no_is_hedged(engine: Engine, text: str) -> None:
    u = read(engine, text, "numbness")
    assert u.answer is None and "numbness" in u.confirm
    assert read(engine, text, "morning_pain").answer == "no"


@pytest.mark.parametrize("text", ["very much so", "hell yeah", "unfortunately yes", "sadly yes"])
def test_an_emphatic_yes_is_a_yes(engine: Engine, text: str) -> None:
    assert read(engine, text, "morning_pain").answer == "yes"


@pytest.mark.parametrize(("question", "text"), [
    (None, "38, heel sore for 2 weeks, no injury I can think of"),
    ("injury", "nothing I can think of"),
    ("injury", "2 weeks ago I stepped off a kerb wrong, didn't fall though"),
    ("diabetes", "my feet are always freezing"),
])
def test_a_hedged_or_partial_red_flag_is_confirmed(engine: Engine, question: str | None,
                                                   text: str) -> None:
    u = read(engine, text, question)
    slot = question or "injury"
    assert u.answer is None and slot in u.confirm and slot not in u.facts


@pytest.mark.parametrize(("question", "text", "slot", "value"), [
    (None, "took a puck to the heel last week", "injury", "fall_or_impact"),
    ("diabetes", "my GP said the pulses in my feet were weak", "diabetes", "yes"),
    ("weight_bearing", "not without hobbling", "weight_bearing", "with_pain"),
    ("deformity", "the whole foot looks kind of twisted since I fell", "deformity", "yes"),
    ("infection_signs", "I nearly fainted this morning", "infection_signs", "yes"),
    ("age_group", "teenager, well 14 actually", "age_group", "under_16"),
    ("morning_pain", "no morning pain, it only hurts running. 41 btw", "age_group", "16_plus"),
    ("mileage_jump", "went from parkrun once a week to running 5 days a week", "mileage_jump",
     "yes"),
    ("mileage_jump", "from twice a week to 4 times a week", "mileage_jump", "yes"),
])
def test_round_twentytwo_readings(engine: Engine, question: str | None, text: str, slot: str,
                                  value: str) -> None:
    assert read(engine, text, question).facts.get(slot) == value


@pytest.mark.parametrize(("question", "text"), [
    ("tight_calves", "dunno, what counts as tight?"),
    ("hard_surface", "no idea what counts as hard tbh"),
    ("hard_surface", "the concrete in my garden needs redoing lol"),
])
def test_a_question_about_a_word_or_a_garden_records_nothing(engine: Engine, question: str,
                                                             text: str) -> None:
    assert question not in read(engine, text, question).facts


def test_sitting_on_the_foot_is_a_numbness_to_confirm(engine: Engine) -> None:
    u = read(engine, "only when I sit on my foot lol", "numbness")
    assert u.answer is None and "numbness" in u.confirm
