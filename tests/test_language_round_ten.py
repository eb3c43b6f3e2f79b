"""Readings blind round ten (sets AC and AD) taught: a hedged denial said as "I don't think
there's…", a double negative of the verb ("doesn't not hurt"), a clause closed by "tho", a
yellowing blister, an age typed after a joke, a birth year that straddles 16, degrees that are
not an age, and everyday words for injuries, walking and severity. Each is one rule, checked
through the language layer itself; the corpus test holds the measured effect."""

from __future__ import annotations

import pytest
from auxil.reading import read

from heel_bot.engine import Engine


def test_i_dont_think_theres_a_gap_is_asked_again(engine: Engine) -> None:
    u = read(engine, "back of my heel is sore but i don't think there's a gap or anything??",
             None)
    assert "tendon_gap" not in u.facts and "tendon_gap" in u.confirm


@pytest.mark.parametrize(("question", "text"), [
    ("rest_pain", "doesnt not hurt when im resting if you know what i mean"),
    ("infection_signs", "no redness. had a blister there that went yellowy tho"),
])
def test_red_flags_asked_again(engine: Engine, question: str, text: str) -> None:
    u = read(engine, text, question)
    assert u.answer is None and u.confirm == (question,)


def test_a_trailing_tho_after_a_clause_we_can_read_keeps_the_no(engine: Engine) -> None:
    assert read(engine, "no, it's fine tho", "infection_signs").answer == "no"


@pytest.mark.parametrize("text", ["Old enough to know better 😂 52", "haha 58",
                                  "retired now. 71"])
def test_an_age_typed_last(engine: Engine, text: str) -> None:
    assert read(engine, text, "age_group").answer == "16_plus"


@pytest.mark.parametrize("text", ["size 10", "been running 20"])
def test_a_number_that_is_no_age(engine: Engine, text: str) -> None:
    assert read(engine, text, "age_group").answer is None


@pytest.mark.parametrize("text", ["born in 2009", "born 2009"])
def test_a_birth_year_either_side_of_16_is_asked_again(engine: Engine, text: str) -> None:
    u = read(engine, text, "age_group")
    assert u.answer is None and u.confirm == ("age_group",)


def test_degrees_are_no_age(engine: Engine) -> None:
    assert "age_group" not in read(engine, "99 F, is that a fever?", "infection_signs").facts
    assert read(engine, "Nurse, 44F. No fevers", None).facts.get("age_group") == "16_plus"


def test_a_sharp_pain_every_step_after_but(engine: Engine) -> None:
    u = read(engine, "Not stabbing no, but a sharp twinge on every step on the left",
             "every_step")
    assert u.answer == "yes"


@pytest.mark.parametrize(("question", "text", "value"), [
    ("injury", "felt something go ping going up a hill, proper loud", "pop_or_kick"),
    ("injury", "took a studs up tackle right on the heel saturday", "fall_or_impact"),
    ("weight_bearing", "Not without the crutches the hospital gave me", "no"),
    ("weight_bearing", "walked 3 miles round the park with the dog this morning, no bother",
     "yes"),
    ("weight_bearing", "did 8k this morning", "yes"),
    ("severity", "cant do my shifts, been signed off", "severe"),
    ("severity", "bad enough that im cutting my long runs in half", "moderate"),
    ("pain_location", "insertional, at the calcaneal attachment of the TA", "back"),
    ("infection_signs", "naa", "no"),
    ("shoe_age", "know idea", "unsure"),
])
def test_everyday_words(engine: Engine, question: str, text: str, value: str) -> None:
    assert read(engine, text, question).answer == value


def test_an_injury_dated_by_its_day(engine: Engine) -> None:
    u = read(engine, "a horse stood on my heel yesterday lol, bruised and sore", None)
    assert u.facts.get("injury") == "fall_or_impact"
    assert u.facts.get("duration") == "under_1_week"


def test_something_twanged_is_asked_about(engine: Engine) -> None:
    u = read(engine, "don't think so, although something twanged when I sprinted", "injury")
    assert u.answer is None and "injury" in u.confirm


@pytest.mark.parametrize(("text", "value"), [
    ("since the bank holiday Monday", "1_to_3_weeks"),  # 5 May 2025
    ("Since Anzac Day", "1_to_3_weeks"),  # 25 April
    ("since the Easter bank holiday", "over_3_weeks"),  # Easter Monday, 21 April
    ("since Good Friday", "over_3_weeks"),  # 18 April
    ("since st patrick's day", "over_3_weeks"),
    ("since fathers day", "over_3_weeks"),  # June 2024
    ("since mothers day", None),  # 11 May (US) or 30 March (UK): either side of a week
])
def test_named_days_date_the_pain(engine: Engine, text: str, value: str | None) -> None:
    u = read(engine, text, "duration")
    assert u.answer == value and u.understood
