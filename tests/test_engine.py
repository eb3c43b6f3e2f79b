"""The dialog engine: turns, back (exact, detours included), restart, queries, stored states."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from bot.engine import MAX_HISTORY, Engine, HistoryEntry, Notice, State
from bot.errors import StateError
from bot.model import OUTCOME, Bundle

RED_FLAGS_CLEAR = {"injury": "none", "weight_bearing": "yes", "deformity": "no", "tendon_gap": "no",
                   "infection_signs": "no", "diabetes": "no", "numbness": "no",
                   "rest_pain": "no", "age_group": "16_plus"}
PLANTAR = {**RED_FLAGS_CLEAR, "pain_location": "bottom_inner", "morning_pain": "yes",
           "run_pattern": "eases_when_warm", "heel_squeeze": "no", "hard_surface": "no",
           "every_step": "no", "severity": "mild", "trend": "improving",
           "duration": "under_1_week", "mileage_jump": "yes", "shoe_age": "under_300_miles",
           "tight_calves": "yes"}
# The longest conversation: every question is asked.
LONGEST = {**RED_FLAGS_CLEAR, "weight_bearing": "with_pain", "diabetes": "yes",
           "numbness": "yes", "rest_pain": "yes", "age_group": "under_16",
           "pain_location": "bottom_center", "morning_pain": "yes",
           "run_pattern": "eases_when_warm", "heel_squeeze": "no", "hard_surface": "yes",
           "every_step": "no", "severity": "moderate", "trend": "same",
           "duration": "under_1_week", "mileage_jump": "yes", "shoe_age": "300_to_500_miles",
           "tight_calves": "yes"}


def walk(engine: Engine, persona: dict[str, str], state: State | None = None,
         stop_at: str | None = None) -> State:
    """Press the persona's answer to each question until `stop_at` or the outcome."""
    state = state or engine.new_state()
    for _ in range(60):
        if state.finished or state.node == stop_at:
            return state
        q = engine.dialog.questions[state.node]
        state = engine.choose(state, q.id, persona[q.slot]).state
    raise AssertionError("the dialog did not end")


def same_place(a: State, b: State) -> bool:
    """Equal in everything but the turn counter."""
    return replace(a, turn=0) == replace(b, turn=0)


def at_pain_location(engine: Engine) -> State:
    state = walk(engine, RED_FLAGS_CLEAR, stop_at="pain_location")
    assert state.node == "pain_location"
    return state


# ---------------------------------------------------------------- turns


def test_start(engine: Engine) -> None:
    reply = engine.start()
    assert reply.state == engine.new_state()
    assert reply.state.node == "injury"
    assert reply.state.answers == {}
    assert reply.state.turn == 0
    assert reply.question is engine.dialog.questions["injury"]
    assert reply.outcome is None
    assert reply.notices == ()


def test_choose_records_and_moves_on(engine: Engine) -> None:
    s0 = engine.new_state()
    reply = engine.choose(s0, "injury", "none")
    assert reply.answered == ("injury", "none")
    assert reply.state.answers == {"injury": "none"}
    assert reply.state.node == "weight_bearing"
    assert reply.question is not None
    assert reply.question.id == "weight_bearing"
    assert reply.state.turn == 1
    assert reply.changed
    assert s0.answers == {}  # the old state is untouched


def test_pop_ends_at_once_urgent(engine: Engine) -> None:
    reply = engine.choose(engine.new_state(), "injury", "pop_or_kick")
    assert reply.state.finished
    assert reply.question is None
    assert reply.outcome is not None
    assert reply.outcome.level == "urgent"
    assert reply.outcome.causes[0] == "achilles_rupture"


def test_whole_conversation(engine: Engine) -> None:
    state = walk(engine, PLANTAR)
    assert state.finished
    outcome = engine.outcome(state)
    assert outcome.level == "self_care"
    assert outcome.causes[0] == "plantar_fasciitis"
    assert engine.show(state).outcome == outcome


@pytest.mark.parametrize(
    ("qid", "value"),
    [("weight_bearing", "yes"), ("injury", "maybe"), ("nowhere", "yes"), ("injury", ""),
     (OUTCOME, "yes")],
)
def test_choose_not_current_raises(engine: Engine, qid: str, value: str) -> None:
    state = engine.new_state()
    before = state.to_json()
    with pytest.raises(StateError):
        engine.choose(state, qid, value)
    assert state.to_json() == before


def test_stale_button_after_moving_on(engine: Engine) -> None:
    s1 = engine.choose(engine.new_state(), "injury", "none").state
    with pytest.raises(StateError):
        engine.choose(s1, "injury", "pop_or_kick")


def test_choose_on_finished_raises(engine: Engine) -> None:
    done = walk(engine, PLANTAR)
    with pytest.raises(StateError):
        engine.choose(done, "tight_calves", "no")


def test_typed_answer(engine: Engine) -> None:
    reply = engine.answer(engine.new_state(), "3")
    assert reply.answered == ("injury", "none")
    assert reply.state.node == "weight_bearing"


def test_unmatched_leaves_state_alone(engine: Engine) -> None:
    state = engine.new_state()
    reply = engine.answer(state, "purple elephants")
    assert reply.state == state
    assert not reply.changed
    assert reply.notices == (Notice("ui.unmatched"),)
    assert reply.question is engine.dialog.questions["injury"]


def test_unsure_takes_the_safer_answer(engine: Engine, bundle: Bundle) -> None:
    s = engine.choose(engine.new_state(), "injury", "none").state
    reply = engine.answer(s, "not sure")
    assert reply.state.answers["weight_bearing"] == "no"
    assert reply.state.finished
    assert reply.outcome is not None
    assert reply.outcome.level == "urgent"
    label = bundle.content["opt.weight_bearing.no"]
    assert reply.notices[0] == Notice("ui.unsure_assumed", {"label": label})


def test_unsure_without_a_default_asks_to_pick(engine: Engine) -> None:
    state = at_pain_location(engine)
    assert engine.dialog.questions["pain_location"].if_unsure is None
    reply = engine.answer(state, "I don't know")
    assert reply.state == state
    assert not reply.changed
    assert reply.notices == (Notice("ui.unsure_pick"),)


def test_answer_after_the_outcome(engine: Engine) -> None:
    done = walk(engine, PLANTAR)
    reply = engine.answer(done, "yes")
    assert reply.state == done
    assert reply.notices == (Notice("ui.finished"),)
    assert not reply.changed


# ---------------------------------------------------------------- back and restart


def test_back_restores_every_earlier_state_exactly(engine: Engine) -> None:
    states = [engine.new_state()]
    while not states[-1].finished:
        s = states[-1]
        q = engine.dialog.questions[s.node]
        states.append(engine.choose(s, q.id, LONGEST[q.slot]).state)
    state = states[-1]
    for earlier in reversed(states[:-1]):
        reply = engine.back(state)
        assert reply.notices == (Notice("ui.back_done",),)
        assert same_place(reply.state, earlier)
        assert reply.state.turn > state.turn
        state = reply.state
    reply = engine.back(state)
    assert reply.notices == (Notice("ui.back_none"),)
    assert not reply.changed
    assert reply.state == state


def test_back_from_the_outcome(engine: Engine) -> None:
    done = engine.choose(engine.new_state(), "injury", "pop_or_kick").state
    reply = engine.back(done)
    assert reply.state.node == "injury"
    assert reply.state.answers == {}
    assert reply.question is not None


def test_back_then_another_answer_takes_the_other_branch(engine: Engine) -> None:
    s = walk(engine, {**PLANTAR, "pain_location": "whole_heel"}, stop_at="run_pattern")
    assert s.answers["pain_location"] == "whole_heel"
    back = engine.back(s).state
    assert back.node == "pain_location"
    assert "pain_location" not in back.answers
    assert engine.choose(back, "pain_location", "back").state.node == "morning_pain"


def test_restart(engine: Engine) -> None:
    s = walk(engine, PLANTAR, stop_at="severity")
    reply = engine.restart(s)
    assert same_place(reply.state, engine.new_state())
    assert reply.state.turn == s.turn + 1
    assert reply.notices == (Notice("ui.restarted"),)
    assert engine.back(reply.state).notices == (Notice("ui.back_none"),)


# ---------------------------------------------------------------- safety net


def test_safety_net_detour_and_return(engine: Engine) -> None:
    s0 = at_pain_location(engine)
    detour = engine.answer(s0, "and now my heel has gone numb")
    assert detour.notices == (Notice("ui.safety_net"),)
    d = detour.state
    assert d.node == "numbness"
    assert d.detour == "pain_location"
    assert d.answers == s0.answers
    assert d.history == s0.history
    # A "yes" escalates and goes back to where the conversation was.
    after = engine.answer(d, "yes").state
    assert after.node == "pain_location"
    assert after.detour is None
    assert after.answers["numbness"] == "yes"
    assert after.history[-1] == HistoryEntry("numbness", "no", "pain_location")
    assert engine.summary(after).level == "see_doctor"
    # Back undoes exactly that answer: the detour question again, with the old answer.
    undone = engine.back(after).state
    assert same_place(undone, d)
    # Another answer returns to the same place.
    again = engine.choose(undone, "numbness", "no").state
    assert again.node == "pain_location"
    assert again.answers == s0.answers


def test_back_before_answering_a_detour(engine: Engine) -> None:
    s0 = engine.new_state()
    d = engine.answer(s0, "I feel feverish").state
    assert (d.node, d.detour) == ("infection_signs", "injury")
    back = engine.back(d)
    assert back.state.node == "injury"
    assert back.state.detour is None


def test_detour_to_an_unasked_question_is_not_asked_again(engine: Engine) -> None:
    s = engine.choose(engine.new_state(), "injury", "none").state
    d = engine.answer(s, "I've got a fever").state
    assert (d.node, d.detour) == ("infection_signs", "weight_bearing")
    s = engine.answer(d, "no").state
    assert s.node == "weight_bearing"
    s = engine.choose(s, "weight_bearing", "yes").state
    s = engine.choose(s, "deformity", "no").state
    s = engine.choose(s, "tendon_gap", "no").state
    assert s.node == "diabetes"  # infection_signs already answered
    assert s.answers["infection_signs"] == "no"


def test_urgent_answer_on_a_detour_ends_the_conversation(engine: Engine) -> None:
    s0 = at_pain_location(engine)
    d = engine.answer(s0, "actually I can't walk on it").state
    assert d.node == "weight_bearing"
    reply = engine.answer(d, "no")
    assert reply.state.finished
    assert reply.outcome is not None
    assert reply.outcome.level == "urgent"


def test_no_detour_when_already_alarming(engine: Engine) -> None:
    s = walk(engine, {**RED_FLAGS_CLEAR, "numbness": "yes"}, stop_at="pain_location")
    reply = engine.answer(s, "it's numb")
    assert reply.state.node == "pain_location"
    assert reply.state.detour is None
    assert Notice("ui.safety_net") not in reply.notices


def test_red_flag_word_on_its_own_question_answers_it(engine: Engine) -> None:
    s = walk(engine, RED_FLAGS_CLEAR, stop_at="numbness")
    reply = engine.answer(s, "numb")
    assert reply.answered == ("numbness", "yes")
    assert Notice("ui.safety_net") not in reply.notices


def test_a_pop_after_a_fall_is_still_asked_about(engine: Engine) -> None:
    s = engine.choose(engine.new_state(), "injury", "fall_or_impact").state
    d = engine.answer(s, "and I think I heard a pop").state
    assert (d.node, d.detour) == ("injury", "weight_bearing")
    reply = engine.choose(d, "injury", "pop_or_kick")
    assert reply.outcome is not None
    assert reply.outcome.level == "urgent"


def test_red_flag_words_after_the_outcome(engine: Engine) -> None:
    done = walk(engine, PLANTAR)
    d = engine.answer(done, "now it's red and hot and I have a fever").state
    assert (d.node, d.detour) == ("infection_signs", OUTCOME)
    reply = engine.answer(d, "yes")
    assert reply.state.finished
    assert reply.outcome is not None
    assert reply.outcome.level == "urgent"


# ---------------------------------------------------------------- queries


def test_summary(engine: Engine) -> None:
    s = walk(engine, PLANTAR, stop_at="pain_location")
    s = engine.answer(s, "numb").state
    s = engine.answer(s, "yes").state
    summary = engine.summary(s)
    assert [q.id for q, _ in summary.answers] == list(RED_FLAGS_CLEAR)
    assert {q.slot: v for q, v in summary.answers} == {**RED_FLAGS_CLEAR,
                                                       "numbness": "yes"}
    assert summary.level == "see_doctor"
    assert "nerve_entrapment" in summary.causes
    assert not summary.finished
    assert engine.summary(walk(engine, PLANTAR)).finished
    empty = engine.summary(engine.new_state())
    assert empty.answers == ()
    assert empty.level == "self_care"


def test_progress(engine: Engine) -> None:
    s = engine.new_state()
    n0, total0 = engine.progress(s)
    assert n0 == 1
    assert total0 >= 10
    seen = 1
    while not s.finished:
        n, total = engine.progress(s)
        assert n == seen
        assert n <= total
        q = engine.dialog.questions[s.node]
        s = engine.choose(s, q.id, PLANTAR[q.slot]).state
        seen += 1


def test_why(engine: Engine, bundle: Bundle) -> None:
    s = engine.new_state()
    assert engine.why(s) == "q.injury.why"
    assert bundle.content[engine.why(s) or ""]
    assert engine.why(walk(engine, PLANTAR)) is None


# ---------------------------------------------------------------- stored states


def test_state_json_round_trip(engine: Engine) -> None:
    s = at_pain_location(engine)
    s = engine.answer(s, "numb").state  # a detour is stored too
    text = s.to_json()
    assert State.from_json(text) == s
    assert engine.restore(text) == s
    assert json.loads(text)["d"] == "pain_location"


def test_longest_state_is_small(engine: Engine) -> None:
    s = walk(engine, LONGEST)
    assert len(s.history) == len(engine.dialog.questions)
    # Plus every safety-net detour once, answered without alarm, and a thousand turns.
    s = engine.back(s).state
    for words in ("pop", "can't walk", "misshapen", "fever"):
        d = engine.answer(s, words).state
        assert d.detour is not None
        q = engine.dialog.questions[d.node]
        safe = next(o.value for o in q.options
                    if o.value not in engine.dialog.alarming.get(q.slot, ()))
        s = engine.choose(d, q.id, safe).state
    s = replace(s, turn=10**6)
    text = s.to_json()
    assert len(text.encode("utf-8")) <= 2048
    assert engine.restore(text) == s


def valid_json(engine: Engine, **changes: object) -> str:
    s = walk(engine, PLANTAR, stop_at="severity")
    data = json.loads(s.to_json())
    data.update(changes)
    return json.dumps(data)


def test_restore_accepts_a_valid_state(engine: Engine) -> None:
    assert engine.restore(valid_json(engine)).node == "severity"


@pytest.mark.parametrize(
    "changes",
    [
        {"v": "triage/999"},
        {"v": "other/1"},
        {"n": "nowhere"},
        {"d": "nowhere"},
        {"a": {"injury": "sprained"}},
        {"a": {"colour": "red"}},
        {"h": [["nowhere", None, None]]},
        {"h": [["injury", "sprained", None]]},
        {"h": [["severity", None, None]]},  # history names an unanswered question
        {"t": -1},
        {"h": [["injury", None, None]] * (MAX_HISTORY + 1)},
    ],
)
def test_restore_rejects_states_that_do_not_fit(engine: Engine, changes: dict[str, object]) -> None:
    with pytest.raises(StateError):
        engine.restore(valid_json(engine, **changes))


@pytest.mark.parametrize(
    "text",
    ["", "not json", "null", "[]", "{}", "42", '"text"', '{"v": "triage/1"}',
     '{"v":"triage/1","n":"injury","a":[],"h":[],"t":0}',
     '{"v":"triage/1","n":"injury","a":{},"h":[[1]],"t":0}',
     '{"v":"triage/1","n":"injury","a":{},"h":5,"t":0}',
     '{"v":"triage/1","n":"injury","a":{},"h":[],"t":"x"}',
     '{"v":"triage/1","n":"injury","a":{},"h":[],"t":null}',
     '{"v":"triage/1","n":"injury","a":{},"h":[],"t":0,"d":["x"]}',
     '{"v":"triage/1","n":"injury","a":{},"h":[],"t":true}',
     '{"v":"triage/1","n":"injury","a":{"injury":1},"h":[],"t":0}',
     '{"v":"triage/1","n":"injury","a":{},"h":[["injury",null]],"t":0}',
     '{"v":"triage/1","n":"injury","a":{},"h":[["injury",null,5]],"t":0}',
     "[" * 100_000 + "]" * 100_000,
     '{"v":"triage/1","n":"injury","a":{},"h":[],"t":1e400}',
     '{"v":"triage/1","n":"injury","a":{},"h":[],"t":NaN}',
     "\x00\xff", "{" * 5000],
)
def test_restore_rejects_garbage(engine: Engine, text: str) -> None:
    with pytest.raises(StateError):
        engine.restore(text)


def test_restore_rejects_an_unknown_detour_in_history(engine: Engine) -> None:
    forged = valid_json(engine, h=[["injury", None, "nowhere"]], n="weight_bearing",
                        a={"injury": "none"})
    with pytest.raises(StateError):
        engine.restore(forged)


def test_repeated_detours_keep_the_state_valid(engine: Engine) -> None:
    # Each detour answered without alarm adds a history entry: the oldest are let go, so a
    # stored conversation stays valid and small however long it runs.
    s = at_pain_location(engine)
    for _ in range(2 * MAX_HISTORY):
        s = engine.answer(s, "a bit numb maybe").state
        s = engine.answer(s, "no").state
        assert s.node == "pain_location"
        assert len(s.to_json().encode("utf-8")) <= 2048
        assert engine.check_state(s) == s
    assert len(s.history) == MAX_HISTORY
    assert s.answers == at_pain_location(engine).answers
    for _ in range(MAX_HISTORY):  # everything kept can still be undone
        s = engine.back(s).state
        assert engine.check_state(s) == s
    assert (s.node, s.detour) == ("numbness", "pain_location")
    s = engine.back(s).state  # out of the detour
    assert (s.node, s.detour) == ("pain_location", None)
    assert engine.back(s).notices == (Notice("ui.back_none"),)  # the rest was let go


def test_a_calmer_answer_on_a_detour_keeps_the_safer_one(engine: Engine, bundle: Bundle) -> None:
    s = engine.choose(engine.new_state(), "injury", "fall_or_impact").state
    d = engine.answer(s, "it popped").state
    assert (d.node, d.detour) == ("injury", "weight_bearing")
    reply = engine.choose(d, "injury", "none")
    assert reply.state.answers["injury"] == "fall_or_impact"
    assert reply.answered == ("injury", "fall_or_impact")
    label = bundle.content["opt.injury.fall_or_impact"]
    assert Notice("ui.kept_safer", {"label": label}) in reply.notices
    assert engine.summary(reply.state).level == "see_doctor"
    assert reply.state.node == "weight_bearing"
    # Back undoes it: the detour question again, with the fall still recorded.
    assert same_place(engine.back(reply.state).state, d)
