"""What blind set C (tests/language/blind/set_c.yaml: ordinary runners typing on a phone) found
the language layer misreading, one behaviour at a time; each failed before its fix."""

from __future__ import annotations

from pathlib import Path

import pytest
from auxil.reading import read

from heel_bot.engine import Engine
from heel_bot.language.lexicon import read_language
from heel_bot.language.words import Implication, Language
from heel_bot.model import Bundle
from heel_bot.reading import Reader
from heel_bot.yamlsrc import parse

DIALOGS = Path(__file__).parent.parent / "dialogs"



@pytest.mark.parametrize("text", ["nothing sharp just a dull ache", "tender but not sharp",
                                  "no, just a dull ache when I squeeze",
                                  "did the squeeze test, nothing sharp"])
def test_tenderness_with_the_sharp_pain_denied_is_the_squeeze_question_s_no(
        engine: Engine, text: str) -> None:
    # Relabelled for sets D-G: their four annotators all read these as the question's no.
    assert read(engine, text, "heel_squeeze").answer == "no"


def test_a_bare_no_after_a_contrast_is_read(engine: Engine) -> None:
    # "no, but <words nobody reads>" is asked again; "but I don't" is read.
    assert read(engine, "my dad has it but I dont", "diabetes").answer == "no"
    assert read(engine, "no, but I'm not sure", "diabetes").confirm == ("diabetes",)
    # A hedge is no reading of what follows it: a volunteered denial is not kept.
    assert "diabetes" not in read(engine, "no diabetes, maybe something else though").facts


@pytest.mark.parametrize(("question", "text", "facts"), [
    (None, "Hi. Heel pain. 8 weeks. Getting worse. Not injured.", {"injury": "none"}),
    ("injury", "stepped on a rock on a trail run and bruised it", {"injury": "fall_or_impact"}),
    ("weight_bearing", "I felt faint when I stood up on it", {"infection_signs": "yes"}),
    ("weight_bearing", "yes, 61 and still walk 5 miles a day", {"weight_bearing": "yes"}),
    ("rest_pain", "nope sleep like a baby", {"rest_pain": "no"}),
    ("run_pattern", "it's worse at the start and then ok", {"run_pattern": "eases_when_warm"}),
    ("run_pattern", "by mile 10 it's killing me", {"run_pattern": "worsens_during"}),
    ("every_step", "evry step ugh", {"every_step": "yes"}),
    ("hard_surface", "no hard ground, new shoes, pain started 2 weeks ago",
     {"hard_surface": "no", "duration": "1_to_3_weeks"}),
    ("mileage_jump", "just the usual 3 runs a week", {"mileage_jump": "no"}),
    ("mileage_jump", "yes, and I've been doing more hills", {"tight_calves": "yes"}),
    ("severity", "its bad, I cant even walk the dog", {"severity": "severe"}),
])
def test_what_set_c_said_is_read(engine: Engine, question: str | None, text: str,
                                 facts: dict[str, str]) -> None:
    u = read(engine, text, question)
    assert {s: u.facts.get(s) for s in facts} == facts


def test_faintness_also_raises_the_emergency_notice(engine: Engine) -> None:
    assert read(engine, "I felt faint when I stood up on it", "weight_bearing").emergency


@pytest.mark.parametrize(("question", "text"), [
    ("rest_pain", "Liverpool won 3-1 last night!"),
])
def test_off_topic_messages_record_nothing(engine: Engine, question: str, text: str) -> None:
    assert read(engine, text, question).facts == {}


def test_night_pain_last_night_is_still_read(engine: Engine) -> None:
    assert read(engine, "it hurt last night", "rest_pain").answer == "yes"
    assert read(engine, "throbbed all last night", "rest_pain").answer == "yes"
    assert read(engine, "yes. also woke me up last night", "morning_pain").facts.get(
        "rest_pain") == "yes"


def test_a_severity_range_is_understood_but_records_nothing(engine: Engine) -> None:
    u = read(engine, "mild to moderate", "severity")
    assert u.understood and u.answer is None and not u.facts


@pytest.mark.parametrize("text", ["a few months old", "they're pretty old, over a year"])
def test_the_shoes_age_in_time_alone_says_no_distance(engine: Engine, text: str) -> None:
    u = read(engine, text, "shoe_age")
    assert u.answer is None and u.facts == {}


def test_old_shoes_without_a_time_and_new_ones_with_one_are_still_read(engine: Engine) -> None:
    assert read(engine, "pretty old", "shoe_age").answer == "over_500_miles"
    assert read(engine, "brand new, bought them last week", "shoe_age").answer == (
        "under_300_miles")


def test_worn_out_shoes_by_their_distance_are_a_hard_surface_yes(engine: Engine) -> None:
    u = read(engine, "no, though my shoes have done about 600 miles", "hard_surface")
    assert u.answer == "yes" and u.facts["shoe_age"] == "over_500_miles"
    assert u.quotes["hard_surface"] == u.quotes["shoe_age"]  # the read-back quotes the shoes
    # Said elsewhere, the distance is the shoes' only (sets D-G's annotators never added the
    # hard-surface answer): that question is still asked.
    opening = read(engine, "my shoes have 900 km on them")
    assert opening.facts.get("shoe_age") == "over_500_miles"
    assert "hard_surface" not in opening.facts
    assert "hard_surface" not in read(engine, "about 600 miles", "shoe_age").facts
    assert read(engine, "no", "hard_surface").answer == "no"


def test_the_lexicon_reads_its_implications_and_reports_a_wrong_one(bundle: Bundle) -> None:
    assert isinstance(bundle.language, Language)
    assert Implication("shoe_age", "over_500_miles", "hard_surface", "yes") in (
        bundle.language.implies)
    text = (DIALOGS / "language.yaml").read_text(encoding="utf-8")
    broken = text.replace("means: {hard_surface: ", "means: {hard_surfce: ", 1)
    assert broken != text
    r = Reader()
    read_language(r, parse(broken, "language.yaml"), bundle.vocabulary)
    assert any("hard_surfce" in str(p) for p in r.problems), r.problems


def test_a_trigger_listed_twice_with_different_settings_is_reported(bundle: Bundle) -> None:
    # medspaCy's ConText keeps one rule per phrase: "kinda" forward and "kinda" backward with
    # a scope of 3 was read forward only, silently.
    text = (DIALOGS / "language.yaml").read_text(encoding="utf-8")
    was = "    backward: [{phrase: exactly, max_scope: 2},"
    broken = text.replace(was, was.replace("[", "[{phrase: maybe, max_scope: 3}, "), 1)
    assert broken != text
    r = Reader()
    read_language(r, parse(broken, "language.yaml"), bundle.vocabulary)
    assert any("'maybe'" in str(p) and "max_scope" in str(p) for p in r.problems), r.problems
