"""Checklist screens (the symptom model's Screens): ticking, confirming, typing on a screen under
the safety policy, back over a screen, the terminal rendering, questions skipped once the level
is settled, and the loader and proofs refusing screens and skips that are not safe."""

from __future__ import annotations

from pathlib import Path

import pytest
from auxil.answering import walk
from auxil.defs import Defs, copy_defs, problem_at

from heel_bot import cli, screen_turns
from heel_bot.engine import Engine, Notice, State
from heel_bot.errors import StateError
from heel_bot.model import Bundle
from heel_bot.render import Renderer, to_plain
from heel_bot.state import TYPED

BEFORE = {"injury": "none", "weight_bearing": "yes"}
RED_FLAGS = ["deformity", "tendon_gap", "infection_signs", "diabetes", "numbness", "rest_pain"]
CLEAR = {**BEFORE, **dict.fromkeys(RED_FLAGS, "no"), "age_group": "16_plus"}
PLANTAR = {**CLEAR, "pain_location": "bottom_inner", "heel_squeeze": "no", "every_step": "no",
           "morning_pain": "yes", "hard_surface": "no", "mileage_jump": "no",
           "tight_calves": "no", "severity": "mild", "trend": "same", "duration": "under_1_week",
           "shoe_age": "under_300_miles", "run_pattern": "eases_when_warm"}


@pytest.fixture
def red(engine: Engine) -> State:
    """The red-flag screen, nothing on it answered."""
    s = walk(engine, BEFORE, stop_at="deformity")
    screen = engine.screen(s)
    assert screen is not None and screen.id == "red_flags"
    assert list(screen.questions) == RED_FLAGS
    return s


def new_answers(before: State, after: State) -> dict[str, str]:
    return {k: v for k, v in after.answers.items() if before.answers.get(k) != v}


# ---------------------------------------------------------------- buttons


def test_the_screens_are_where_their_first_question_is_asked(engine: Engine, red: State) -> None:
    reply = engine.show(red)
    assert reply.screen is engine.dialog.screens["red_flags"]
    pain = walk(engine, PLANTAR, stop_at="heel_squeeze")
    assert pain.history[-1].question == "pain_location"  # right after the location
    assert engine.show(pain).screen is engine.dialog.screens["pain"]
    with pytest.raises(StateError):
        engine.choose(red, "deformity", "no")  # a screen is ticked or confirmed, not chosen


def test_a_tick_answers_yes_and_a_second_takes_it_back(engine: Engine, red: State) -> None:
    ticked = engine.tick(red, "numbness")
    assert ticked.state.node == "deformity"  # the screen stays
    assert ticked.screen is engine.dialog.screens["red_flags"]
    assert new_answers(red, ticked.state) == {"numbness": "yes"}
    twice = engine.tick(engine.tick(ticked.state, "diabetes").state, "numbness").state
    assert new_answers(red, twice) == {"diabetes": "yes"}
    untouched = engine.tick(ticked.state, "numbness").state
    assert (untouched.answers, untouched.history) == (red.answers, red.history)
    with pytest.raises(StateError):
        engine.tick(red, "severity")  # not on this screen


def test_nothing_is_assumed_no_before_the_screen_is_confirmed(engine: Engine,
                                                              red: State) -> None:
    s = engine.tick(engine.tick(red, "diabetes").state, "rest_pain").state
    assert new_answers(red, s) == {"diabetes": "yes", "rest_pain": "yes"}
    assert [q.id for q in engine.open_items(engine.dialog.screens["red_flags"], s.answers)] == [
        "deformity", "tendon_gap", "infection_signs", "numbness"]
    done = engine.screen_done(s)
    assert new_answers(red, done.state) == {
        "diabetes": "yes", "rest_pain": "yes", "deformity": "no", "tendon_gap": "no",
        "infection_signs": "no", "numbness": "no"}
    assert done.state.node == "age_group"
    assert engine.summary(done.state).level == "see_doctor"


def test_none_of_these_makes_every_item_no(engine: Engine, red: State) -> None:
    done = engine.screen_done(red).state
    assert new_answers(red, done) == dict.fromkeys(RED_FLAGS, "no")
    assert done.node == "age_group"
    assert done.sources == {}  # pressed: nothing to read back


def test_a_ticked_urgent_item_ends_the_check_urgent_on_done(engine: Engine, red: State) -> None:
    ticked = engine.tick(red, "tendon_gap").state
    assert not ticked.finished
    assert engine.summary(ticked).level == "urgent"
    done = engine.screen_done(ticked)
    assert done.state.finished
    assert done.outcome is not None
    assert (done.outcome.level, done.outcome.causes[0]) == ("urgent", "achilles_rupture")


def test_one_item_given_alone_keeps_the_screen(engine: Engine, red: State) -> None:
    s = screen_turns.give(engine, red, "infection_signs", "no").state
    assert (s.node, new_answers(red, s)) == ("deformity", {"infection_signs": "no"})
    with pytest.raises(StateError):
        screen_turns.give(engine, red, "infection_signs", "maybe")


def test_back_undoes_a_screen_as_a_whole(engine: Engine, red: State) -> None:
    s = engine.tick(engine.tick(red, "diabetes").state, "numbness").state
    done = engine.screen_done(s).state
    assert done.node == "age_group"
    back = engine.back(done)
    assert back.notices == (Notice("ui.back_done"),)
    # the ticks and the noes all undone: the screen again, as it was first shown
    assert (back.state.node, back.state.answers, back.state.history) == (
        red.node, red.answers, red.history)
    # back in the middle of a screen takes back its ticks
    assert engine.back(s).state.answers == red.answers
    # and once more: the question before it
    assert engine.back(back.state).state.node == "weight_bearing"


def test_back_after_a_fact_volunteered_after_a_screen_undoes_only_that_fact(
        engine: Engine) -> None:
    s0 = walk(engine, CLEAR, stop_at="age_group")
    s = engine.answer(s0, "and now my heel has gone numb").state
    assert s.answers["numbness"] == "yes"
    undone = engine.back(s).state
    # Only the fact: its question is asked on its own, then back where it interrupted.
    assert undone.answers == s0.answers
    assert (undone.node, undone.detour) == ("numbness", "age_group")


# ---------------------------------------------------------------- typed on a screen


def test_numbers_tick_those_items_and_confirm(engine: Engine, red: State) -> None:
    reply = engine.answer(red, "4 5")
    assert new_answers(red, reply.state) == {
        "diabetes": "yes", "numbness": "yes", "deformity": "no", "tendon_gap": "no",
        "infection_signs": "no", "rest_pain": "no"}
    assert reply.state.node == "age_group"
    off = engine.answer(red, "7")
    assert off.state == red
    assert off.notices == (Notice("ui.screen.numbers"),)


@pytest.mark.parametrize("text", ["none", "None.", "done", "no"])
def test_none_typed_confirms_the_screen(engine: Engine, red: State, text: str) -> None:
    reply = engine.answer(red, text)
    assert new_answers(red, reply.state) == dict.fromkeys(RED_FLAGS, "no")
    assert reply.state.node == "age_group"


def test_an_item_said_to_apply_is_ticked_and_the_screen_stays(engine: Engine,
                                                              red: State) -> None:
    reply = engine.answer(red, "I'm diabetic")
    assert new_answers(red, reply.state) == {"diabetes": "yes"}
    assert reply.state.sources == {"diabetes": TYPED}
    assert (reply.state.node, reply.state.detour) == ("deformity", None)
    assert reply.notices == (Notice("ui.screen.more"),)
    assert reply.screen is engine.dialog.screens["red_flags"]


def test_no_but_a_dent_is_urgent_at_once(engine: Engine, red: State) -> None:
    # The "no" is not taken for the other items: what follows "but" counts.
    reply = engine.answer(red, "no, but I can feel a dent")
    assert reply.state.finished
    assert reply.outcome is not None
    assert reply.outcome.level == "urgent"
    assert new_answers(red, reply.state) == {"tendon_gap": "yes"}


def test_a_hedged_red_flag_is_asked_alone_with_buttons(engine: Engine, red: State) -> None:
    reply = engine.answer(red, "maybe a bit numb")
    s = reply.state
    assert (s.node, s.detour, s.confirming) == ("numbness", "deformity", "numbness")
    assert reply.notices == (Notice("ui.confirm"),)
    assert s.answers == red.answers  # a hedge is never recorded, never a no
    assert reply.screen is None  # asked alone: a normal question
    assert reply.question is engine.dialog.questions["numbness"]
    yes = engine.choose(s, "numbness", "yes").state
    assert (yes.node, yes.detour, yes.answers["numbness"]) == ("deformity", None, "yes")
    assert engine.screen(yes) is not None  # back on the screen, the other items still open


@pytest.mark.parametrize(("text", "slot"), [
    ("might be a little numb?", "numbness"),
    ("not sure it's red exactly", "infection_signs"),
    ("there's like a little dip in the tendon?", "tendon_gap"),
    ("not diabetic but my feet are always freezing", "diabetes"),
])
def test_red_flags_hedged_in_other_voices_are_asked_alone(engine: Engine, red: State,
                                                          text: str, slot: str) -> None:
    reply = engine.answer(red, text)
    assert reply.state.confirming == slot
    assert reply.state.answers == red.answers


@pytest.fixture
def pain(engine: Engine) -> State:
    """The pain-and-training screen, nothing on it answered."""
    s = walk(engine, {**CLEAR, "pain_location": "bottom_inner"}, stop_at="heel_squeeze")
    screen = engine.screen(s)
    assert screen is not None and screen.id == "pain"
    return s


def test_a_hedged_squeeze_is_asked_alone_on_the_pain_screen(engine: Engine, pain: State) -> None:
    # The squeeze test is read like a red flag (careful): a hedge is asked with buttons, not
    # dropped as not understood.
    reply = engine.answer(pain, "maybe a bit sharp when squeezed")
    assert reply.state.confirming == "heel_squeeze"
    assert reply.state.answers == pain.answers


def test_words_of_one_item_are_no_answer_to_another(engine: Engine, pain: State) -> None:
    # "not sharp" is said of the squeeze: no "no" to sharp pain with every step.
    reply = engine.answer(pain, "sore when I squeeze but not sharp")
    assert reply.state.confirming == "heel_squeeze"
    assert new_answers(pain, reply.state) == {}
    # "flat routes mostly" is about hills, "lots of pavement" hard ground: nothing else ticked.
    assert new_answers(pain, engine.answer(pain, "flat routes mostly").state) == {
        "tight_calves": "no"}
    assert new_answers(pain, engine.answer(pain, "lots of pavement").state) == {
        "hard_surface": "yes"}


def test_a_bare_yes_asks_which(engine: Engine, red: State) -> None:
    reply = engine.answer(red, "yes")
    assert reply.state == red
    assert not reply.changed
    assert reply.notices == (Notice("ui.screen.which"),)


@pytest.mark.parametrize("text", ["👍", "probably", "I think so"])
def test_a_likely_yes_asks_which(engine: Engine, red: State, text: str) -> None:
    reply = engine.answer(red, text)
    assert reply.state == red
    assert reply.notices == (Notice("ui.screen.which"),)


def test_i_dont_think_so_is_not_a_no_for_the_whole_list(engine: Engine, red: State) -> None:
    reply = engine.answer(red, "I don't think so")
    assert reply.state == red
    assert reply.notices == (Notice("ui.screen.unsure"),)


# ---------------------------------------------------------------- the terminal


def test_the_terminal_lists_the_statements_numbered_with_ticks(engine: Engine, bundle: Bundle,
                                                              red: State) -> None:
    c = bundle.content
    screen = engine.dialog.screens["red_flags"]
    s = engine.tick(red, "numbness").state
    text = to_plain(Renderer(engine).screen(s, screen))
    assert c["q.screen.red_flags.text"] in text
    for n, item in enumerate(screen.items, 1):
        line = f"{n}. {c[item.label]}"
        assert line in text
        ticked = f"{line} {c['ui.screen.tick']}" in text
        assert ticked == (item.question == "numbness"), item.question
    assert c["ui.screen.how_typed"] in text
    assert text == to_plain(Renderer(engine).reply(engine.show(s)))


def test_a_question_of_a_screen_asked_alone_shows_as_a_question(engine: Engine, bundle: Bundle,
                                                               red: State) -> None:
    s = engine.answer(red, "maybe a bit numb").state
    text = to_plain(Renderer(engine).reply(engine.show(s)))
    assert bundle.content["q.numbness.text"] in text
    assert bundle.content["q.screen.red_flags.text"] not in text


# ---------------------------------------------------------------- skip_if_settled


def asked(engine: Engine, persona: dict[str, str]) -> list[str]:
    """The nodes shown, start to outcome (screens confirmed with nothing ticked)."""
    state, nodes = engine.new_state(), []
    while not state.finished:
        nodes.append(state.node)
        if engine.screen(state) is not None:
            state = engine.screen_done(state).state
        else:
            q = engine.dialog.questions[state.node]
            state = engine.choose(state, q.id, persona[q.slot]).state
    return nodes


def test_severity_trend_duration_are_skipped_once_the_level_is_see_doctor(
        engine: Engine) -> None:
    # under 16: see_doctor already, and nothing they could say would make it urgent
    nodes = asked(engine, {**PLANTAR, "age_group": "under_16"})
    assert not {"severity", "trend", "duration"} & set(nodes), nodes
    assert nodes[-1] == "shoe_age"  # the advice still needs it


def test_severity_trend_duration_are_asked_on_a_self_care_path(engine: Engine) -> None:
    nodes = asked(engine, PLANTAR)
    assert {"severity", "trend", "duration"} <= set(nodes), nodes


def test_severity_is_asked_after_a_fall(engine: Engine) -> None:
    # after a fall (see_doctor) severe pain would make it urgent: never skipped
    nodes = asked(engine, {**CLEAR, "injury": "fall_or_impact", "severity": "severe"})
    assert nodes[-1] == "severity"


# ---------------------------------------------------------------- loader and proofs


@pytest.fixture
def defs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Defs:
    """A copy of the definitions to break; problems read relative to it."""
    monkeypatch.chdir(tmp_path)
    return copy_defs(tmp_path)


def test_a_screen_item_must_be_a_yes_no_question(defs: Defs) -> None:
    defs.edit("dialogs/triage.yaml", "      - {question: deformity, label: q.deformity.item}\n",
              "      - {question: age_group, label: q.deformity.item}\n")
    problems = defs.problems()
    assert any("age_group" in p.message and "screen red_flags" in p.message
               for p in problems), [str(p) for p in problems]


def test_a_screen_holds_at_most_six_items(defs: Defs) -> None:
    defs.edit("dialogs/triage.yaml", "      - {question: rest_pain, label: q.rest_pain.item}\n",
              "      - {question: rest_pain, label: q.rest_pain.item}\n"
              "      - {question: heel_squeeze, label: q.heel_squeeze.item}\n")
    defs.edit("dialogs/triage.yaml", "      - {question: heel_squeeze, label: "
              "q.heel_squeeze.item}\n      - {question: every_step",
              "      - {question: every_step")
    problems = defs.problems()
    problem_at(problems, defs.at("dialogs/triage.yaml", "- {question: deformity"), "7 items")


def test_a_question_is_on_one_screen_at_most(defs: Defs) -> None:
    defs.edit("dialogs/triage.yaml",
              "      - {question: tight_calves, label: q.tight_calves.item}\n",
              "      - {question: tight_calves, label: q.tight_calves.item}\n"
              "      - {question: rest_pain, label: q.rest_pain.item}\n")
    problems = defs.problems()
    assert any("rest_pain is already on screen red_flags" in p.message for p in problems), [
        str(p) for p in problems]


def test_a_screens_questions_must_follow_each_other(defs: Defs) -> None:
    defs.edit("dialogs/triage.yaml", "      - goto: diabetes\n", "      - goto: numbness\n")
    problems = defs.problems()
    assert any("question infection_signs is on screen red_flags, so it may lead only to "
               "diabetes" in p.message for p in problems), [str(p) for p in problems]


def test_a_screen_lists_the_most_serious_first(defs: Defs) -> None:
    # diabetes (see a doctor) listed above deformity (urgent)
    text = defs.text("dialogs/triage.yaml")
    text = text.replace("      - {question: deformity, label: q.deformity.item}\n"
                        "      - {question: tendon_gap, label: q.tendon_gap.item}\n"
                        "      - {question: infection_signs, label: q.infection_signs.item}\n"
                        "      - {question: diabetes, label: q.diabetes.item}\n",
                        "      - {question: diabetes, label: q.diabetes.item}\n"
                        "      - {question: tendon_gap, label: q.tendon_gap.item}\n"
                        "      - {question: infection_signs, label: q.infection_signs.item}\n"
                        "      - {question: deformity, label: q.deformity.item}\n")
    defs.write("dialogs/triage.yaml", text)
    problems = defs.problems()
    assert any("list the most serious first" in p.message for p in problems), [
        str(p) for p in problems]


def test_skip_if_settled_only_on_a_slot_no_advice_or_sign_rule_tests(defs: Defs) -> None:
    defs.edit("dialogs/triage.yaml", "    if_unsure: unsure\n",
              "    if_unsure: unsure\n    skip_if_settled: true\n")
    problems = defs.problems()
    problem_at(problems, defs.at("dialogs/triage.yaml", "shoe_age:\n    slot"),
               "skip_if_settled", "shoe_age")


def test_a_branch_may_skip_only_what_cannot_change_causes_or_advice(defs: Defs) -> None:
    """Pain under the inner heel skips run_pattern: a cause sign that tests run_pattern for
    those people too would make the skip change the causes, and the loader says where."""
    defs.edit("dialogs/rules.yaml",
              "{run_pattern: worsens_during, pain_location: [whole_heel, bottom_center, back]}",
              "{run_pattern: worsens_during}")
    problems = defs.problems()
    problem_at(problems, defs.at("dialogs/triage.yaml", "{when: {pain_location: bottom_inner}"),
               "skips question run_pattern", "cause signs")


def test_an_advice_rule_on_a_skipped_slot_is_refused_too(defs: Defs) -> None:
    defs.edit("dialogs/rules.yaml", "\nadvice:\n",
              "\nadvice:\n  - {when: {run_pattern: only_after}, add: [cross_train]}\n")
    problems = defs.problems()
    problem_at(problems, defs.at("dialogs/triage.yaml", "{when: {pain_location: bottom_inner}"),
               "skips question run_pattern", "advice rules")


def test_the_proofs_catch_a_fall_path_that_skips_severity(
        defs: Defs, capsys: pytest.CaptureFixture[str]) -> None:
    defs.edit("dialogs/triage.yaml", "      - {when: {injury: fall_or_impact}, goto: severity}\n",
              "      - {when: {injury: fall_or_impact}, goto: outcome}\n")
    code = cli.main(["check", "--dialogs", str(defs.dialogs), "--content", str(defs.content)])
    out = capsys.readouterr().out
    assert code == 1
    assert "fall_severe" in out, out
