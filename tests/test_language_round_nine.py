"""Readings blind round nine (sets AA and AB) taught: a contrast word that ends its clause
("I'm 15 tho"), a number kept beside words we cannot read, "I am one" as a pronoun, an age said
of a parent, a temperature typed as a number, checked-out circulation, a twice-negated "no".
Each is one rule of the lexicon, the number reader or the policy, checked through the language
layer itself; the corpus test holds the measured effect."""

from __future__ import annotations

import pytest
from auxil.reading import read

from heel_bot.engine import Engine


@pytest.mark.parametrize(("question", "text"), [
    ("tendon_gap", "no gap. I'm 15 tho if that matters"),
    ("infection_signs", "Nope. I'm diabetic though if that matters"),
])
def test_if_that_matters_opens_no_unread_clause(engine: Engine, question: str,
                                                text: str) -> None:
    u = read(engine, text, question)
    assert u.answer == "no" and question not in u.confirm


def test_a_contrast_with_unread_words_still_asks_again(engine: Engine) -> None:
    u = read(engine, "no gap tho it feels weird and soft", "tendon_gap")
    assert u.answer is None and u.confirm == ("tendon_gap",)


@pytest.mark.parametrize(("text", "age"), [
    ("Well I never thought I'd be talking to a robot about my feet but here goes. I'm 69",
     "16_plus"),
    ("Hello, I am writing on behalf of my mother who is 79. Her heel hurts", "16_plus"),
    ("my mother, who is 81, has heel pain", "16_plus"),
])
def test_an_age_is_kept_beside_words_we_cannot_read(engine: Engine, text: str,
                                                    age: str) -> None:
    assert read(engine, text, None).facts.get("age_group") == age


def test_i_am_one_after_an_old_man_is_no_age(engine: Engine) -> None:
    u = read(engine, "I hobble to the loo at 6am like an old man. Well, I am one",
             "weight_bearing")
    assert "age_group" not in u.facts and u.answer == "with_pain"


@pytest.mark.parametrize(("text", "value"), [
    ("🌡️ 38.5 this morning", "yes"), ("101.3 last night", "yes"), ("37.2", "no")])
def test_a_temperature_typed_as_a_number(engine: Engine, text: str, value: str) -> None:
    assert read(engine, text, "infection_signs").answer == value


@pytest.mark.parametrize(("text", "value"), [
    ("diet controlled", "yes"),
    ("No sugar problems, and my circulation checked out fine at my last physical", "no"),
])
def test_the_diabetes_question_read(engine: Engine, text: str, value: str) -> None:
    assert read(engine, text, "diabetes").answer == value


def test_i_wouldnt_say_no_is_confirmed(engine: Engine) -> None:
    u = read(engine, "I wouldn't say no", "numbness")
    assert u.answer is None and u.confirm == ("numbness",)


@pytest.mark.parametrize("text", ["not diabetic tho my feet go a bit numb sometimes",
                                  "not numb but it sort of buzzes when I sit"])
def test_numbness_after_tho_or_buzzing_counts(engine: Engine, text: str) -> None:
    u = read(engine, text, "numbness")
    assert u.answer == "yes"


def test_no_injury_to_speak_of_is_asked_again(engine: Engine) -> None:
    u = read(engine, "heel sore for 10 days, no injury to speak of", None)
    assert "injury" not in u.facts and "injury" in u.confirm


@pytest.mark.parametrize(("question", "text", "value"), [
    ("rest_pain", "She sleeps right through, it's only after matches", "no"),
    ("severity", "can barely get to work", "severe"),
    ("severity", "had to bail on my long run sunday at 8 miles", "moderate"),
    ("pain_location", "bak of the heel where the shoe rubs", "back"),
    ("pain_location", "it hurts all the way round", "whole_heel"),
])
def test_plain_answers_read(engine: Engine, question: str, text: str, value: str) -> None:
    assert read(engine, text, question).answer == value


@pytest.mark.parametrize(("question", "text"), [
    ("injury", "I sort of stumbled on a tree root but didn't actually go over"),
    ("diabetes", "ask my doctor lol"),
])
def test_asked_again(engine: Engine, question: str, text: str) -> None:
    u = read(engine, text, question)
    assert u.answer is None and question in u.confirm


def test_sciatica_at_the_numbness_question_is_a_yes(engine: Engine) -> None:
    assert read(engine, "only when my sciatica flares up", "numbness").answer == "yes"


@pytest.mark.parametrize("text", ["about a 7", "7/10"])
def test_a_score_between_the_options_is_understood_not_recorded(engine: Engine,
                                                                 text: str) -> None:
    u = read(engine, text, "severity")
    assert u.understood and u.answer is None and not u.facts


@pytest.mark.parametrize("text", ["8", "8/10", "8 out of 10", "eight out of ten", "8/10 most days"])
def test_eight_out_of_ten_is_severe(engine: Engine, text: str) -> None:
    # Ten of the eleven annotators who labelled a bare 8/10 read it as severe (7/10: 13 of 19
    # recorded nothing), as pain scales do (7-10 severe).
    assert read(engine, text, "severity").answer == "severe"


@pytest.mark.parametrize("text", [
    "Can walk a few steps then have to sit down, it's agony",
    "a few steps yeah, more than that it's killing me",
])
def test_a_few_steps_in_pain_is_walking_with_pain(engine: Engine, text: str) -> None:
    assert read(engine, text, "weight_bearing").answer == "with_pain"


@pytest.mark.parametrize("text", ["a few steps maybe, then I have to sit, agony",
                                  "i can walk a few steps then i have to stop"])
def test_a_few_steps_hedged_or_without_pain_is_asked_again(engine: Engine, text: str) -> None:
    u = read(engine, text, "weight_bearing")
    assert u.answer is None and u.confirm == ("weight_bearing",)


@pytest.mark.parametrize(("text", "value"), [
    ("hang on let me check... no, it's smooth all the way down", "no"),
    ("not that I can see, but when I run my finger down there's a little dip", "yes"),
])
def test_checking_the_tendon_with_a_finger(engine: Engine, text: str, value: str) -> None:
    assert read(engine, text, "tendon_gap").answer == value


def test_tingling_fingers_are_not_the_foot(engine: Engine) -> None:
    u = read(engine, "no, though my fingers tingle with the carpal tunnel", "numbness")
    assert u.answer != "yes" and u.facts.get("numbness") != "yes"
