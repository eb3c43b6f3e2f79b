"""The language layer through the engine: the issue's examples, the safety policy, read-back.

Each example from the issue was mis-read by v1's keyword matcher (a typed warning sign recorded
as "no", refusals, facts ignored); here each is typed at its question and the conversation
checked.
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import replace

import pytest
from auxil.answering import answer

from heel_bot.engine import Engine, State
from heel_bot.model import OUTCOME, READBACK
from heel_bot.render import Renderer, to_plain
from heel_bot.state import ASSUMED, TYPED, VOLUNTEERED

CLEAR = {"injury": "none", "weight_bearing": "yes", "deformity": "no", "tendon_gap": "no",
         "infection_signs": "no", "diabetes": "no", "numbness": "no", "rest_pain": "no",
         "age_group": "16_plus", "pain_location": "bottom_inner", "morning_pain": "yes",
         "heel_squeeze": "no", "every_step": "no", "severity": "mild", "trend": "same",
         "duration": "1_to_3_weeks", "mileage_jump": "no", "shoe_age": "under_300_miles",
         "tight_calves": "no", "run_pattern": "eases_when_warm", "hard_surface": "no"}


def at(engine: Engine, question: str, persona: Mapping[str, str] = CLEAR) -> State:
    """The state when `question` is asked (for an item of a checklist screen: the screen), the
    earlier questions pressed from `persona`."""
    state = engine.new_state()
    while state.node != question:
        assert not state.finished, f"{question} was never asked"
        screen = engine.screen(state)
        if screen is not None and question in screen.questions:
            return state
        state = answer(engine, state, persona).state
    return state


def alone(engine: Engine, question: str) -> State:
    """An item of a checklist screen asked on its own, as the engine asks a hedged red flag
    (the node is the item, the detour the screen's first question)."""
    state = at(engine, question)
    screen = engine.screen(state)
    assert screen is not None and question in screen.questions
    state = replace(state, node=question, detour=state.node)
    assert engine.check_state(state) == state and engine.screen(state) is None
    return state


# ---------------------------------------------------------------- the examples


def test_no_but_i_can_feel_a_dent_is_a_gap(engine: Engine) -> None:
    reply = engine.answer(at(engine, "tendon_gap"), "no, but I can feel a dent in the tendon")
    assert reply.state.answers["tendon_gap"] == "yes"
    assert reply.state.finished and reply.outcome is not None
    assert reply.outcome.level == "urgent" and reply.outcome.causes[0] == "achilles_rupture"


def test_no_fever_but_red_and_hot_is_an_infection_sign(engine: Engine) -> None:
    reply = engine.answer(at(engine, "infection_signs"), "no fever but the heel is red and hot")
    assert reply.state.answers["infection_signs"] == "yes"
    assert reply.outcome is not None and reply.outcome.level == "urgent"


def test_my_circulation_is_fine_is_no(engine: Engine) -> None:
    reply = engine.answer(alone(engine, "diabetes"), "my circulation is fine")
    assert reply.state.answers["diabetes"] == "no"
    assert reply.state.sources["diabetes"] == TYPED


def test_about_forty_days_is_over_three_weeks(engine: Engine) -> None:
    reply = engine.answer(at(engine, "duration"), "about 40 days")
    assert reply.state.answers["duration"] == "over_3_weeks"
    assert reply.state.said["duration"] == "about 40 days"


def test_ok_to_misshapen_is_confirmed_not_taken_as_yes(engine: Engine) -> None:
    state = alone(engine, "deformity")
    reply = engine.answer(state, "ok")
    assert "deformity" not in reply.state.answers
    assert reply.state.node == "deformity" and reply.state.confirming == "deformity"
    assert [n.key for n in reply.notices] == ["ui.confirm"]
    # the buttons again; pressed, the answer counts
    pressed = engine.choose(reply.state, "deformity", "no")
    assert pressed.state.answers["deformity"] == "no" and pressed.state.confirming is None


def test_a_fall_typed_at_the_location_question_counts(engine: Engine) -> None:
    reply = engine.answer(at(engine, "pain_location"), "under the heel. I fell down the stairs")
    answers = reply.state.answers
    assert answers["pain_location"] == "bottom_inner"
    assert answers["injury"] == "fall_or_impact"  # more alarming than "none": it counts
    assert reply.state.sources["injury"] == VOLUNTEERED
    assert engine.summary(reply.state).level == "see_doctor"


def test_an_opening_message_with_many_facts_is_not_asked_again(engine: Engine) -> None:
    text = ("45, diabetic, pain under the heel for 6 weeks, worst first thing in the morning, "
            "no injury, I can walk fine, no numbness")
    reply = engine.opening(text)
    facts = reply.state.answers
    for slot, value in {"diabetes": "yes", "pain_location": "bottom_inner",
                        "duration": "over_3_weeks", "morning_pain": "yes", "injury": "none",
                        "numbness": "no"}.items():
        assert facts.get(slot) == value, (slot, facts)
    state, asked = reply.state, 0
    while not state.finished:
        if state.node == READBACK:
            state = engine.readback_ok(state).state
            continue
        screen = engine.screen(state)
        if screen is not None:
            assert not {engine.dialog.questions[i].slot for i in screen.questions
                        if engine.dialog.questions[i] in engine.open_items(
                            screen, state.answers)} & set(facts)
        else:
            assert engine.dialog.questions[state.node].slot not in facts
        state = answer(engine, state, CLEAR).state
        asked += 1
    assert asked <= 14
    assert engine.outcome(state).level == "see_doctor"


def test_maybe_600_miles_is_over_500(engine: Engine) -> None:
    reply = engine.answer(at(engine, "shoe_age"), "maybe 600 miles")
    assert reply.state.answers["shoe_age"] == "over_500_miles"


# ---------------------------------------------------------------- the safety policy


@pytest.mark.parametrize(("question", "text"), [
    ("numbness", "maybe a bit numb"),
    ("numbness", "I think so"),
    ("tendon_gap", "not sure, maybe a dip"),
    ("infection_signs", "possibly a bit warm"),
    ("diabetes", "not sure"),
])
def test_a_hedged_red_flag_is_asked_again_never_taken_as_no(
        engine: Engine, question: str, text: str) -> None:
    state = alone(engine, question)
    slot = engine.dialog.questions[question].slot
    first = engine.answer(state, text)
    assert slot not in first.state.answers and first.state.node == question
    # hedged a second time: the safer value, marked assumed
    second = engine.answer(first.state, text)
    q = engine.dialog.questions[question]
    assert second.state.answers[slot] == q.if_unsure
    assert second.state.sources[slot] == ASSUMED


@pytest.mark.parametrize("text", ["not red, no fever", "no fever, not red or hot", "nope none"])
def test_a_clear_negation_is_a_no(engine: Engine, text: str) -> None:
    reply = engine.answer(at(engine, "infection_signs"), text)
    assert reply.state.answers["infection_signs"] == "no"


@pytest.mark.parametrize("text", ["my foot has gone cold and pale", "toes are blue",
                                  "I fainted earlier", "I've got chest pain"])
def test_emergency_signs_get_an_immediate_notice(engine: Engine, text: str) -> None:
    reply = engine.answer(at(engine, "pain_location"), text)
    assert "ui.emergency" in [n.key for n in reply.notices]


def test_a_message_not_understood_is_one_short_line_and_changes_nothing(engine: Engine) -> None:
    state = at(engine, "severity")
    reply = engine.answer(state, "what's the weather like")
    assert not reply.changed and reply.state == state
    doc = Renderer(engine).reply(reply)
    assert to_plain(doc) == engine.bundle.content["ui.unmatched"]


def test_typos_and_texting_style(engine: Engine) -> None:
    assert engine.answer(at(engine, "numbness"), "ya numbe and tingeling").state.answers[
        "numbness"] == "yes"
    assert engine.answer(at(engine, "injury"), "nah came on graduallly").state.answers[
        "injury"] == "none"
    assert engine.answer(at(engine, "rest_pain"), "wakes me at nite").state.answers[
        "rest_pain"] == "yes"


# ---------------------------------------------------------------- read-back


def test_typed_answers_are_read_back_before_the_outcome(engine: Engine) -> None:
    state = engine.answer(at(engine, "duration"), "6 weeks").state
    while state.node not in (READBACK, OUTCOME):
        state = answer(engine, state, CLEAR).state
    assert state.node == READBACK
    reply = engine.show(state)
    assert [g.question.id for g in reply.readback] == ["duration"]
    text = to_plain(Renderer(engine).reply(reply))
    assert "6 weeks" in text
    # change it: the question again, then the read-back again
    changed = engine.answer(state, "1")
    assert changed.state.node == "duration"
    again = engine.answer(changed.state, "2 weeks")
    assert again.state.node == READBACK
    assert engine.answer(again.state, "yes").state.finished


def test_assumed_values_are_marked_in_the_read_back_and_summary(engine: Engine) -> None:
    state = alone(engine, "numbness")
    state = engine.answer(engine.answer(state, "not sure").state, "no idea").state
    summary = to_plain(Renderer(engine).summary(engine.summary(state)))
    assert engine.bundle.content["ui.given.assumed"] in summary


def test_an_urgent_outcome_is_not_held_back_by_the_read_back(engine: Engine) -> None:
    reply = engine.answer(at(engine, "injury"), "I felt a pop")
    assert reply.state.finished and reply.outcome is not None
    assert reply.outcome.level == "urgent"


# ---------------------------------------------------------------- privacy


def test_the_libraries_never_log_the_users_words_above_debug(
        engine: Engine, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    secret = "zebracrossing tingling dent"
    engine.answer(at(engine, "numbness"), secret)
    assert [r for r in caplog.records if r.levelno > logging.DEBUG
            and "zebracrossing" in r.getMessage()] == []


# ---------------------------------------------------------------- heel-bot understand


def run_cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "heel_bot", "understand", *args], input=stdin,
                          capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.slow
def test_understand_prints_one_json_object() -> None:
    done = run_cli("--question", "tendon_gap", "--answered", "injury=none",
                   "no, but I can feel a dent in the tendon at the back of my heel")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["question"] == "tendon_gap" and result["answer"] == "yes"
    assert result["facts"]["tendon_gap"] == "yes" and result["understood"] is True
    assert result["confirm"] == []
    batch = "\n".join(json.dumps(x) for x in [
        {"question": None, "text": "I'm diabetic and it's been 6 weeks", "answered": {}},
        {"question": "severity", "text": "asdfgh", "answered": {}}])
    done = run_cli("--batch", stdin=batch)
    first, second = (json.loads(line) for line in done.stdout.splitlines())
    assert first["facts"] == {"diabetes": "yes", "duration": "over_3_weeks"}
    assert second == {"question": "severity", "answer": None, "facts": {}, "confirm": [],
                      "understood": False, "emergency": False}
    assert run_cli("--question", "nope", "hi").returncode == 2
    assert run_cli("--answered", "injury", "hi").returncode == 2
