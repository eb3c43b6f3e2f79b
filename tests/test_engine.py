"""The dialog engine: turns, back (exact, detours included), restart, typed answers under the
safety policy (red flags typed out of turn, hedges, read-back), queries, stored states."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from auxil.answering import answer, walk

from heel_bot.engine import MAX_HISTORY, Engine, Given, HistoryEntry, Notice, State
from heel_bot.errors import StateError
from heel_bot.model import OUTCOME, READBACK, Bundle
from heel_bot.state import ASSUMED, MAX_SAID, TYPED, VOLUNTEERED

RED_FLAGS_CLEAR = {"injury": "none", "weight_bearing": "yes", "deformity": "no", "tendon_gap": "no",
                   "infection_signs": "no", "diabetes": "no", "numbness": "no",
                   "rest_pain": "no", "age_group": "16_plus"}
PLANTAR = {**RED_FLAGS_CLEAR, "pain_location": "bottom_inner", "morning_pain": "yes",
           "run_pattern": "eases_when_warm", "heel_squeeze": "no", "hard_surface": "no",
           "every_step": "no", "severity": "mild", "trend": "improving",
           "duration": "under_1_week", "mileage_jump": "yes", "shoe_age": "under_300_miles",
           "tight_calves": "yes"}
# The longest conversation: every question is asked (no red flag, so nothing settles the level
# and severity, trend and duration are all asked).
LONGEST = {**RED_FLAGS_CLEAR, "weight_bearing": "with_pain",
           "pain_location": "bottom_center", "morning_pain": "yes",
           "run_pattern": "eases_when_warm", "heel_squeeze": "no", "hard_surface": "yes",
           "every_step": "no", "severity": "moderate", "trend": "same",
           "duration": "under_1_week", "mileage_jump": "yes", "shoe_age": "300_to_500_miles",
           "tight_calves": "yes"}


def same_place(a: State, b: State) -> bool:
    """Equal in everything but the turn counter and the progress bound (which never grows, so
    going back keeps the smaller one)."""
    return replace(a, turn=0, most=0) == replace(b, turn=0, most=0)


def numbness_alone(engine: Engine) -> State:
    """The numbness question asked on its own (a hedged numbness typed at pain_location)."""
    s = engine.answer(at_pain_location(engine), "I think it's a bit numb").state
    assert (s.node, s.detour) == ("numbness", "pain_location")
    assert engine.screen(s) is None
    return s


def at_red_flags(engine: Engine) -> State:
    s = walk(engine, RED_FLAGS_CLEAR, stop_at="deformity")
    assert engine.screen(s) is not None
    return s


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
    # An option's number is as good as a press: nothing to read back.
    reply = engine.answer(engine.new_state(), "3")
    assert reply.answered == ("injury", "none")
    assert reply.state.node == "weight_bearing"
    assert reply.state.sources == {}
    assert reply.state.said == {}


def test_an_answer_in_words_is_marked_typed(engine: Engine) -> None:
    reply = engine.answer(engine.new_state(), "it came on gradually")
    assert reply.answered == ("injury", "none")
    assert reply.state.node == "weight_bearing"
    assert reply.state.sources == {"injury": TYPED}
    assert 0 < len(reply.state.said["injury"]) <= MAX_SAID


def test_unmatched_leaves_state_alone(engine: Engine) -> None:
    state = engine.new_state()
    reply = engine.answer(state, "purple elephants")
    assert reply.state == state
    assert not reply.changed
    assert reply.notices == (Notice("ui.unmatched"),)
    assert reply.question is engine.dialog.questions["injury"]


@pytest.mark.parametrize("hedge", ["not sure", "ok"])
def test_unsure_on_a_red_flag_is_confirmed_once_then_assumed(engine: Engine, bundle: Bundle,
                                                             hedge: str) -> None:
    s = engine.choose(engine.new_state(), "injury", "none").state
    # First time: the buttons once more, nothing recorded.
    first = engine.answer(s, hedge)
    assert first.notices == (Notice("ui.confirm"),)
    assert first.answered is None
    assert first.question is engine.dialog.questions["weight_bearing"]
    assert (first.state.node, first.state.confirming) == ("weight_bearing", "weight_bearing")
    assert first.state.answers == s.answers
    assert first.state.history == s.history
    # Hedged again: the safer answer, marked assumed.
    second = engine.answer(first.state, "not sure")
    assert second.state.answers["weight_bearing"] == "no"
    assert second.state.sources == {"weight_bearing": ASSUMED}
    assert second.state.confirming is None
    assert second.state.finished
    assert second.outcome is not None
    assert second.outcome.level == "urgent"
    label = bundle.content["opt.weight_bearing.no"]
    assert second.notices[0] == Notice("ui.unsure_assumed", {"label": label})


def test_a_clear_answer_after_a_hedge_is_taken(engine: Engine) -> None:
    s = engine.choose(engine.new_state(), "injury", "none").state
    confirming = engine.answer(s, "not sure").state
    reply = engine.choose(confirming, "weight_bearing", "yes")
    assert reply.state.answers["weight_bearing"] == "yes"
    assert reply.state.confirming is None
    assert reply.state.node == "deformity"


def test_unsure_elsewhere_takes_the_safer_answer_at_once(engine: Engine, bundle: Bundle) -> None:
    s = walk(engine, PLANTAR, stop_at="severity")
    assert "severity" not in bundle.vocabulary.red_flag_slots
    reply = engine.answer(s, "not sure")
    assert reply.answered == ("severity", "moderate")
    assert reply.state.sources == {"severity": ASSUMED}
    assert reply.state.node == "trend"
    label = bundle.content["opt.severity.moderate"]
    assert reply.notices == (Notice("ui.unsure_assumed", {"label": label}),)


def test_unsure_without_a_default_asks_to_pick(engine: Engine) -> None:
    state = at_pain_location(engine)
    assert engine.dialog.questions["pain_location"].if_unsure is None
    reply = engine.answer(state, "I don't know")
    assert reply.state == state
    assert not reply.changed
    assert reply.notices == (Notice("ui.unsure_pick"),)


# ---------------------------------------------------------------- odd input (any question)


@pytest.mark.parametrize("text", ["", "   ", "\n\t", "banana", "asdfghjkl", "😀", "...",
                                  "x" * 10_000, "نعم", "\u202bכן\u202c", "\x00\x01"])
def test_odd_messages_change_nothing(engine: Engine, text: str) -> None:
    state = walk(engine, PLANTAR, stop_at="severity")
    reply = engine.answer(state, text)
    assert reply.state == state
    assert not reply.changed
    assert reply.notices == (Notice("ui.unmatched"),)


@pytest.mark.parametrize("text", ["\u202eyes", "yes\u200f", "\u2066yes\u2069", "\u200byes",
                                  "yes\u0000", "\x07yes\x7f", "ｙｅｓ", "yes" + " " * 9_997,
                                  "numb " * 2_000])
def test_control_marks_and_length_do_not_hide_an_answer(engine: Engine, text: str) -> None:
    # Numbness asked on its own (a hedge typed out of turn): a yes however it is dressed up.
    assert engine.answer(numbness_alone(engine), text).answered == ("numbness", "yes")


@pytest.mark.parametrize("text", ["not numb", "it's not numb", "never numb", "without tingling",
                                  "it isn't tingling", "I don't feel numb"])
def test_negated_signs_are_never_yes(engine: Engine, text: str) -> None:
    # Asked on its own, and on the red-flag screen (where it must not tick the item).
    assert engine.answer(numbness_alone(engine), text).state.answers.get("numbness") != "yes"
    assert engine.answer(at_red_flags(engine), text).state.answers.get("numbness") != "yes"


@pytest.mark.parametrize("text", ["I drink feverfew tea", "the numbers on my watch"])
def test_words_inside_other_words_are_not_signs(engine: Engine, text: str) -> None:
    s = at_pain_location(engine)
    reply = engine.answer(s, text)
    assert reply.state.answers == s.answers
    assert (reply.state.node, reply.state.detour) == ("pain_location", None)


def test_two_places_at_once_are_not_guessed(engine: Engine) -> None:
    s = at_pain_location(engine)
    assert "pain_location" not in engine.answer(s, "the arch and the tendon").state.answers
    assert engine.answer(s, "the tendon").answered == ("pain_location", "back")


def test_answer_after_the_outcome(engine: Engine) -> None:
    done = walk(engine, PLANTAR)
    reply = engine.answer(done, "yes")
    assert reply.state == done
    assert reply.notices == (Notice("ui.finished"),)
    assert not reply.changed


# ---------------------------------------------------------------- back and restart


def test_back_restores_every_earlier_state_exactly(engine: Engine) -> None:
    # Pressed through, screens ticked and confirmed: back from each step's end (and from the
    # middle of a screen, ticks made) gives the state before that step exactly.
    states = [engine.new_state()]
    screens = 0
    while not states[-1].finished:
        s = states[-1]
        screen = engine.screen(s)
        if screen is None:
            q = engine.dialog.questions[s.node]
            states.append(engine.choose(s, q.id, LONGEST[q.slot]).state)
            continue
        screens += 1
        ticked = s
        for qid in screen.questions:
            if LONGEST[engine.dialog.questions[qid].slot] == "yes":
                ticked = engine.tick(ticked, qid).state
                assert ticked.node == s.node
                # back in the middle of a screen takes back every tick made on it
                assert same_place(engine.back(ticked).state, s)
        states.append(engine.screen_done(ticked).state)
    assert screens == 2
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
    pain = engine.dialog.screens["pain"]
    screen = engine.back(s).state  # the pain screen, undone as a whole
    assert screen.node == "heel_squeeze"
    assert not any(engine.dialog.questions[q].slot in screen.answers for q in pain.questions)
    back = engine.back(screen).state
    assert back.node == "pain_location"
    assert "pain_location" not in back.answers
    s = engine.choose(back, "pain_location", "bottom_inner").state
    assert s.node == "heel_squeeze"
    s = engine.screen_done(s).state
    assert s.node == "severity"  # under the heel towards the arch: no run_pattern


def test_restart(engine: Engine) -> None:
    s = walk(engine, PLANTAR, stop_at="severity")
    reply = engine.restart(s)
    assert same_place(reply.state, engine.new_state())
    assert reply.state.turn == s.turn + 1
    assert reply.notices == (Notice("ui.restarted"),)
    assert engine.back(reply.state).notices == (Notice("ui.back_none"),)


# ---------------------------------------------------------------- red flags typed out of turn


FALL = {**RED_FLAGS_CLEAR, "injury": "fall_or_impact", "severity": "moderate"}


def test_an_affirmed_red_flag_typed_out_of_turn_counts_at_once(engine: Engine) -> None:
    # Not urgent on its own: recorded at once (volunteered), and the check carries on here.
    s0 = at_pain_location(engine)
    reply = engine.answer(s0, "and now my heel has gone numb")
    s = reply.state
    assert (s.node, s.detour) == ("pain_location", None)
    assert Notice("ui.safety_net") not in reply.notices
    assert reply.answered is None
    assert s.answers == {**s0.answers, "numbness": "yes"}
    assert s.sources == {"numbness": VOLUNTEERED}
    assert "numb" in s.said["numbness"]
    # undone, numbness is asked again, then the question it interrupted: never skipped
    assert s.history[-1] == HistoryEntry("numbness", "no", "pain_location")
    assert engine.summary(s).level == "see_doctor"


@pytest.mark.parametrize(("text", "slot", "value"), [
    ("actually I can't walk on it", "weight_bearing", "no"),
    ("something popped yesterday", "injury", "pop_or_kick"),
    ("the heel looks misshapen now", "deformity", "yes"),
    ("and I've got a fever", "infection_signs", "yes"),
])
def test_an_urgent_red_flag_typed_out_of_turn_ends_the_check_at_once(
        engine: Engine, text: str, slot: str, value: str) -> None:
    reply = engine.answer(at_pain_location(engine), text)
    assert reply.state.finished
    assert reply.outcome is not None
    assert reply.outcome.level == "urgent"
    assert reply.state.answers[slot] == value
    assert reply.state.sources[slot] == VOLUNTEERED
    assert Notice("ui.safety_net") not in reply.notices


def test_a_volunteered_red_flag_is_not_asked_again(engine: Engine) -> None:
    s = engine.choose(engine.new_state(), "injury", "none").state
    s = engine.answer(s, "I'm diabetic").state
    assert (s.node, s.answers["diabetes"]) == ("weight_bearing", "yes")
    s = engine.choose(s, "weight_bearing", "yes").state
    screen = engine.screen(s)
    assert screen is not None and "diabetes" in screen.questions
    # On the red-flag screen diabetes shows as answered (ticked), not as an open item.
    assert "diabetes" not in [q.id for q in engine.open_items(screen, s.answers)]
    done = engine.screen_done(s).state
    assert done.node == "age_group"
    assert done.answers["diabetes"] == "yes"  # "done" made the others no, not diabetes
    assert done.sources == {"diabetes": VOLUNTEERED}
    assert [h.question for h in done.history].count("diabetes") == 1


def test_back_after_a_volunteered_fact_restores_the_earlier_answer_exactly(
        engine: Engine) -> None:
    s0 = at_pain_location(engine)
    s = engine.answer(s0, "and now my heel has gone numb").state
    assert s.answers["numbness"] == "yes"
    undone = engine.back(s).state
    assert undone.answers == s0.answers
    assert undone.history == s0.history
    # The "no" was pressed: it is no longer marked volunteered, nor quoted in the user's words.
    assert undone.sources == s0.sources
    assert undone.said == s0.said


def test_back_after_a_volunteered_fact_never_skips_the_question_it_interrupted(
        engine: Engine) -> None:
    s = walk(engine, PLANTAR, stop_at="severity")
    s = engine.answer(s, "it's been about 6 weeks").state  # the duration, volunteered
    assert (s.node, s.answers["duration"]) == ("severity", "over_3_weeks")
    s = engine.back(s).state
    asked = []
    for _ in range(len(engine.dialog.questions)):
        if s.finished or s.node == READBACK:
            break
        asked.append(s.node)
        s = engine.choose(s, s.node, PLANTAR[engine.dialog.questions[s.node].slot]).state
    assert "severity" in asked, asked
    assert "trend" in asked, asked


@pytest.mark.parametrize("text", ["I think my heel is a bit numb", "maybe a bit numb"])
def test_a_hedged_red_flag_typed_out_of_turn_is_asked_next(engine: Engine, text: str) -> None:
    s0 = engine.new_state()
    reply = engine.answer(s0, text)
    assert reply.notices == (Notice("ui.safety_net"),)
    d = reply.state
    assert (d.node, d.detour) == ("numbness", "injury")
    assert d.answers == {}  # a hedge is asked about, never recorded
    assert d.history == ()
    # A "yes" escalates and goes back to where the conversation was.
    after = engine.answer(d, "yes").state
    assert (after.node, after.detour) == ("injury", None)
    assert after.answers == {"numbness": "yes"}
    assert after.history[-1] == HistoryEntry("numbness", None, "injury")
    assert engine.summary(after).level == "see_doctor"
    # Back undoes exactly that answer: the brought-forward question again.
    undone = engine.back(after).state
    assert (undone.node, undone.detour, undone.answers) == ("numbness", "injury", {})
    # Another answer returns to the same place, and numbness is not asked again later: not
    # on its own, nor as an open item of the red-flag screen.
    s = engine.choose(undone, "numbness", "no").state
    assert (s.node, s.answers) == ("injury", {"numbness": "no"})
    while s.node != "pain_location":
        assert s.node != "numbness"
        screen = engine.screen(s)
        if screen is not None:
            assert "numbness" not in [q.id for q in engine.open_items(screen, s.answers)]
        s = answer(engine, s, RED_FLAGS_CLEAR).state


def test_back_before_answering_a_detour(engine: Engine) -> None:
    d = engine.answer(engine.new_state(), "I think I have a fever").state
    assert (d.node, d.detour) == ("infection_signs", "injury")
    back = engine.back(d)
    assert back.notices == (Notice("ui.back_done"),)
    assert (back.state.node, back.state.detour) == ("injury", None)
    assert back.state.answers == {}


def test_detour_to_an_unasked_question_is_not_asked_again(engine: Engine) -> None:
    s = engine.choose(engine.new_state(), "injury", "none").state
    d = engine.answer(s, "I think I have a fever").state
    assert (d.node, d.detour) == ("infection_signs", "weight_bearing")
    s = engine.answer(d, "no").state
    assert s.node == "weight_bearing"
    s = engine.choose(s, "weight_bearing", "yes").state
    screen = engine.screen(s)
    assert screen is not None
    # infection_signs already answered: not an open item of the red-flag screen
    assert [q.id for q in engine.open_items(screen, s.answers)] == [
        "deformity", "tendon_gap", "diabetes", "numbness", "rest_pain"]
    s = engine.screen_done(s).state
    assert s.answers["infection_signs"] == "no"
    assert [h.question for h in s.history].count("infection_signs") == 1


def test_urgent_answer_on_a_detour_ends_the_conversation(engine: Engine) -> None:
    d = engine.answer(engine.new_state(), "I think my heel looks misshapen").state
    assert (d.node, d.detour) == ("deformity", "injury")
    reply = engine.answer(d, "yes")
    assert reply.state.finished
    assert reply.outcome is not None
    assert reply.outcome.level == "urgent"


def test_a_hedged_red_flag_answered_calmly_before_is_asked_again(engine: Engine) -> None:
    # Policy rule 1: a sign mentioned uncertainly is asked again with buttons, even though it
    # was answered "no" earlier.
    s0 = at_pain_location(engine)
    reply = engine.answer(s0, "I think it's gone a bit numb")
    assert Notice("ui.safety_net") in reply.notices
    assert (reply.state.node, reply.state.detour) == ("numbness", "pain_location")
    assert reply.state.answers == s0.answers


def test_no_detour_when_already_alarming(engine: Engine) -> None:
    s = walk(engine, {**RED_FLAGS_CLEAR, "numbness": "yes"}, stop_at="pain_location")
    reply = engine.answer(s, "it's numb")
    assert reply.state.node == "pain_location"
    assert reply.state.detour is None
    assert Notice("ui.safety_net") not in reply.notices


def test_red_flag_word_on_its_own_question_answers_it(engine: Engine) -> None:
    reply = engine.answer(numbness_alone(engine), "numb")
    assert reply.answered == ("numbness", "yes")
    assert reply.state.sources == {"numbness": TYPED}
    assert Notice("ui.safety_net") not in reply.notices
    # On the red-flag screen the word ticks its item (numb feet also leave diabetes to be
    # asked on its own: never assumed either way).
    s = at_red_flags(engine)
    reply = engine.answer(s, "numb")
    assert reply.state.answers == {**s.answers, "numbness": "yes"}
    assert reply.state.sources == {"numbness": TYPED}
    assert reply.state.detour in (None, "deformity")
    assert Notice("ui.safety_net") not in reply.notices


def test_a_pop_after_a_fall_counts_at_once(engine: Engine) -> None:
    s = engine.choose(engine.new_state(), "injury", "fall_or_impact").state
    reply = engine.answer(s, "and I heard a pop")
    assert reply.state.finished
    assert reply.outcome is not None
    assert reply.outcome.level == "urgent"
    assert reply.outcome.causes[0] == "achilles_rupture"
    assert reply.state.sources == {"injury": VOLUNTEERED}


def test_a_hedged_pop_after_a_fall_is_still_asked_about(engine: Engine) -> None:
    s = engine.choose(engine.new_state(), "injury", "fall_or_impact").state
    reply = engine.answer(s, "and I think I heard a pop")
    assert Notice("ui.safety_net") in reply.notices
    d = reply.state
    assert (d.node, d.detour) == ("injury", "weight_bearing")
    reply = engine.choose(d, "injury", "pop_or_kick")
    assert reply.outcome is not None
    assert reply.outcome.level == "urgent"


def test_a_calmer_answer_on_a_detour_keeps_the_safer_one(engine: Engine, bundle: Bundle) -> None:
    s = engine.choose(engine.new_state(), "injury", "fall_or_impact").state
    d = engine.answer(s, "I think it popped").state
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


def test_red_flag_words_after_the_outcome(engine: Engine) -> None:
    done = walk(engine, PLANTAR)
    reply = engine.answer(done, "now it's red and hot and I have a fever")
    assert Notice("ui.safety_net") in reply.notices
    d = reply.state
    assert (d.node, d.detour) == ("infection_signs", OUTCOME)
    assert d.answers == done.answers  # asked again, not yet recorded
    reply = engine.answer(d, "yes")
    assert reply.state.finished
    assert reply.outcome is not None
    assert reply.outcome.level == "urgent"


def test_a_pop_after_a_fall_outcome_reopens_the_injury_question(engine: Engine) -> None:
    # After a fall (see_doctor) a pop is still asked about: it would make it urgent.
    done = walk(engine, FALL)
    assert engine.outcome(done).level == "see_doctor"
    reply = engine.answer(done, "I also felt a pop at the back of the heel")
    assert Notice("ui.safety_net") in reply.notices
    assert (reply.state.node, reply.state.detour) == ("injury", OUTCOME)
    reply = engine.choose(reply.state, "injury", "pop_or_kick")
    assert reply.outcome is not None
    assert reply.outcome.level == "urgent"


def test_no_detour_after_the_outcome_for_a_denied_sign(engine: Engine) -> None:
    done = walk(engine, PLANTAR)
    reply = engine.answer(done, "no fever, it's not red or hot")
    assert reply.state == done
    assert not reply.changed
    assert reply.notices == (Notice("ui.finished"),)


def test_an_emergency_sign_gets_its_notice_at_any_question(engine: Engine) -> None:
    for state in (engine.new_state(), at_pain_location(engine), walk(engine, PLANTAR)):
        reply = engine.answer(state, "my foot has gone cold and blue")
        assert reply.notices[0] == Notice("ui.emergency")


# ---------------------------------------------------------------- the read-back


def test_an_answer_typed_in_words_is_read_back_before_a_non_urgent_outcome(
        engine: Engine) -> None:
    s = walk(engine, PLANTAR, stop_at="shoe_age")
    reply = engine.answer(s, "they are nearly new")
    assert reply.answered == ("shoe_age", "under_300_miles")
    assert reply.state.node == READBACK
    assert not reply.state.finished
    assert reply.question is None
    assert reply.outcome is None
    q = engine.dialog.questions["shoe_age"]
    assert [(g.question, g.value, g.source) for g in reply.readback] == [
        (q, "under_300_miles", TYPED)]
    assert engine.show(reply.state).readback == reply.readback
    done = engine.answer(reply.state, "yes")
    assert done.state.finished
    assert done.state.read_back
    assert done.outcome is not None
    assert done.outcome.level == "self_care"


def test_a_number_at_the_read_back_changes_that_answer(engine: Engine) -> None:
    s = walk(engine, PLANTAR, stop_at="shoe_age")
    rb = engine.answer(s, "they are nearly new").state
    change = engine.answer(rb, "1")
    assert (change.state.node, change.state.detour) == ("shoe_age", READBACK)
    assert change.question is engine.dialog.questions["shoe_age"]
    # Typed again: read back again, with the new answer.
    again = engine.answer(change.state, "pretty worn out")
    assert again.state.node == READBACK
    assert [(g.question.id, g.value) for g in again.readback] == [("shoe_age", "over_500_miles")]
    assert engine.answer(again.state, "ok").state.finished
    # Pressed instead: nothing typed is left to read back, so on to the outcome.
    pressed = engine.choose(change.state, "shoe_age", "300_to_500_miles")
    assert pressed.state.finished
    assert pressed.state.sources == {}


def test_the_read_back_only_understands_yes_or_a_number(engine: Engine) -> None:
    s = walk(engine, PLANTAR, stop_at="shoe_age")
    rb = engine.answer(s, "they are nearly new").state
    for text in ("purple", "9", "0", "¹", "１", "-1"):
        reply = engine.answer(rb, text)
        assert reply.state == rb
        assert not reply.changed
        assert reply.notices == (Notice("ui.readback_unmatched"),)


@pytest.mark.parametrize("typed", ["-1", "¹", "１", "- 1"])
def test_only_a_number_in_ascii_digits_names_an_option(engine: Engine, typed: str) -> None:
    first = engine.new_state()
    assert engine.answer(first, "1").state.answers == {"injury": "pop_or_kick"}
    assert engine.answer(first, typed).state.answers.get("injury") != "pop_or_kick"
    # Nor an item of a checklist.
    s = engine.choose(engine.choose(first, "injury", "none").state, "weight_bearing",
                      "yes").state
    screen = engine.screen(s)
    assert screen is not None
    assert engine.answer(s, "1").state.answers.get(
        engine.dialog.questions[screen.questions[0]].slot) == "yes"
    assert engine.answer(s, typed).state.answers.get(
        engine.dialog.questions[screen.questions[0]].slot) != "yes"


def test_an_urgent_outcome_is_never_held_back_by_the_read_back(engine: Engine) -> None:
    s = engine.answer(engine.new_state(), "it came on gradually").state
    assert s.sources == {"injury": TYPED}
    reply = engine.choose(s, "weight_bearing", "no")
    assert reply.state.finished
    assert reply.outcome is not None
    assert reply.outcome.level == "urgent"


def test_readback_methods_refuse_outside_the_read_back(engine: Engine) -> None:
    s = engine.answer(engine.new_state(), "it came on gradually").state
    with pytest.raises(StateError):
        engine.readback_ok(s)
    with pytest.raises(StateError):
        engine.readback_change(s, "injury")
    rb = engine.answer(walk(engine, PLANTAR, stop_at="shoe_age"), "they are nearly new").state
    assert rb.node == READBACK
    with pytest.raises(StateError):
        engine.readback_change(rb, "injury")  # pressed, not read back


# ---------------------------------------------------------------- queries


def test_summary(engine: Engine) -> None:
    s = walk(engine, PLANTAR, stop_at="pain_location")
    s = engine.answer(s, "numb").state
    summary = engine.summary(s)
    assert all(isinstance(g, Given) for g in summary.answers)
    assert [g.question.id for g in summary.answers] == list(RED_FLAGS_CLEAR)
    assert {g.question.slot: g.value for g in summary.answers} == {**RED_FLAGS_CLEAR,
                                                                   "numbness": "yes"}
    sources = {g.question.slot: g.source for g in summary.answers if g.source}
    assert sources == {"numbness": VOLUNTEERED}
    numb = next(g for g in summary.answers if g.question.slot == "numbness")
    assert numb.said is not None and "numb" in numb.said
    assert summary.level == "see_doctor"
    assert "nerve_entrapment" in summary.causes
    assert not summary.finished
    assert engine.summary(walk(engine, PLANTAR)).finished
    empty = engine.summary(engine.new_state())
    assert empty.answers == ()
    assert empty.level == "self_care"


def test_progress(engine: Engine) -> None:
    # "Step N of at most M": a screen is one step, ticks on it do not move N, and M never grows.
    s = engine.new_state()
    n0, total0 = engine.progress(s)
    assert n0 == 1
    assert total0 >= 10
    assert s.most == total0
    seen, most = 1, total0
    while not s.finished:
        n, total = engine.progress(s)
        assert n == seen
        assert n <= total <= most
        most = total
        screen = engine.screen(s)
        if screen is not None:
            for qid in screen.questions:
                if PLANTAR[engine.dialog.questions[qid].slot] == "yes":
                    s = engine.tick(s, qid).state
                    assert engine.progress(s)[0] == seen
                    assert engine.progress(s)[1] <= most
        s = answer(engine, s, PLANTAR).state
        seen += 1
    assert seen - 1 <= total0


def test_why(engine: Engine, bundle: Bundle) -> None:
    s = engine.new_state()
    assert engine.why(s) == "q.injury.why"
    assert bundle.content[engine.why(s) or ""]
    assert engine.why(walk(engine, PLANTAR)) is None


# ---------------------------------------------------------------- stored states


def test_state_json_round_trip(engine: Engine) -> None:
    plain = at_pain_location(engine)
    # A state pressed through has none of the optional keys but the progress bound shown.
    assert set(json.loads(plain.to_json())) == {"v", "n", "a", "h", "t", "m"}
    assert json.loads(plain.to_json())["m"] == plain.most > 0
    assert engine.restore(plain.to_json()) == plain
    # Every optional field is stored when set: the detour, where answers came from and in
    # which words, the red flag being confirmed, and whether the read-back was confirmed.
    q = engine.dialog.questions["numbness"]
    s = engine.put(plain, q, "yes", source=VOLUNTEERED, said="gone numb, “tingly” ✓")
    s = replace(s, node="numbness", detour="pain_location", confirming="numbness",
                read_back=True)
    text = s.to_json()
    data = json.loads(text)
    assert data["d"] == "pain_location"
    assert data["s"] == {"numbness": VOLUNTEERED}
    assert data["w"] == {"numbness": "gone numb, “tingly” ✓"}
    assert data["c"] == "numbness"
    assert data["r"] is True
    assert State.from_json(text) == s
    assert engine.restore(text) == s


def test_state_json_round_trip_through_typed_turns(engine: Engine) -> None:
    s = engine.answer(engine.new_state(), "it came on gradually").state  # typed
    s = engine.answer(s, "not sure").state  # a red flag being confirmed
    assert s.confirming == "weight_bearing"
    text = s.to_json()
    assert {"s", "w", "c"} <= set(json.loads(text))
    assert engine.restore(text) == s


def test_longest_state_is_small(engine: Engine) -> None:
    s = walk(engine, LONGEST)
    assert len(s.history) == len(engine.dialog.questions)
    # Plus a safety-net detour after the outcome for every red flag that can still be raised,
    # each answered without alarm, and a thousand turns.
    for words in ("it popped", "I'm on crutches", "it looks misshapen",
                  "there's a gap in the tendon", "I have a fever"):
        d = engine.answer(s, words).state
        assert d.detour == OUTCOME, words
        q = engine.dialog.questions[d.node]
        safe = next(o.value for o in q.options
                    if o.value not in engine.dialog.alarming.get(q.slot, ()))
        s = engine.choose(d, q.id, safe).state
        assert s.finished
    s = replace(s, turn=10**6)
    text = s.to_json()
    assert len(text.encode("utf-8")) <= 2048
    assert engine.restore(text) == s


def test_longest_typed_state_is_small(engine: Engine) -> None:
    # Every answer typed in words as long as is kept (the longest quotes), then read back.
    s = engine.new_state()
    while not s.finished:
        if s.node == READBACK:
            s = engine.readback_ok(s).state
            continue
        q = engine.dialog.questions[s.node]
        typed = engine.put(s, q, LONGEST[q.slot], source=TYPED, said="w" * (MAX_SAID + 10))
        s = engine.onward(typed, s, asked=q)
    assert len(s.sources) == len(s.said) == len(engine.dialog.questions)
    assert all(len(w) == MAX_SAID for w in s.said.values())
    s = replace(s, turn=10**6)
    text = s.to_json()
    assert len(text.encode("utf-8")) <= 3072  # every answer typed, each with its quoted words
    assert engine.restore(text) == s


def valid_json(engine: Engine, **changes: object) -> str:
    s = walk(engine, PLANTAR, stop_at="severity")
    data = json.loads(s.to_json())
    data.update(changes)
    return json.dumps(data)


def test_restore_accepts_a_valid_state(engine: Engine) -> None:
    assert engine.restore(valid_json(engine)).node == "severity"
    typed = engine.restore(valid_json(engine, s={"injury": "t"}, w={"injury": "gradually"},
                                      c="severity", r=True, n=READBACK))
    assert typed.sources == {"injury": TYPED}
    assert (typed.node, typed.confirming, typed.read_back) == (READBACK, "severity", True)


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
        {"s": {"injury": "x"}},  # not a source
        {"s": {"severity": "t"}},  # the source of an unanswered slot
        {"w": {"severity": "mild"}},  # the words of an unanswered slot
        {"w": {"injury": "w" * (MAX_SAID + 1)}},
        {"c": "colour"},
        {"s": ["t"]},
        {"w": {"injury": 5}},
        {"c": 5},
        {"r": "yes"},
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
        s = engine.answer(s, "I think it's a bit numb").state
        assert (s.node, s.detour) == ("numbness", "pain_location")
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
