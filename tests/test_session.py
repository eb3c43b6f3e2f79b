"""Typed messages: commands and answers, as the terminal and the replay see them."""

from __future__ import annotations

import pytest
from auxil.answering import answer

from heel_bot.engine import Engine, State
from heel_bot.model import Bundle
from heel_bot.render import to_plain
from heel_bot.session import Session

CLEAR = {"injury": "none", "weight_bearing": "yes", "deformity": "no", "tendon_gap": "no",
         "infection_signs": "no", "diabetes": "no", "numbness": "no", "rest_pain": "no",
         "age_group": "16_plus"}


@pytest.fixture
def session(engine: Engine) -> Session:
    return Session(engine)


def to(engine: Engine, node: str) -> State:
    state = engine.new_state()
    while state.node != node:
        state = answer(engine, state, CLEAR).state
    return state


def test_opening(session: Session, bundle: Bundle) -> None:
    turn = session.opening()
    text = to_plain(turn.doc)
    assert text.startswith(bundle.content["ui.welcome"].split("\n")[0])
    assert bundle.content["ui.disclaimer"] in text
    assert bundle.content["q.injury.text"] in text
    assert turn.state.node == "injury"
    assert not turn.quit


def test_typed_answer(session: Session) -> None:
    state = session.opening().state
    turn = session.handle(state, "it came on gradually")
    assert turn.reply is not None
    assert turn.reply.answered == ("injury", "none")
    assert turn.command is None
    assert turn.state.node == "weight_bearing"


@pytest.mark.parametrize("text", ["/back", "/back@somebot", "back", "Back", "undo", "go back"])
def test_back_spellings(session: Session, engine: Engine, text: str) -> None:
    state = to(engine, "deformity")
    turn = session.handle(state, text)
    assert turn.command == "back"
    assert turn.state.node == "weight_bearing"
    assert "weight_bearing" not in turn.state.answers


def test_back_at_the_first_question(session: Session, bundle: Bundle) -> None:
    state = session.opening().state
    turn = session.handle(state, "/back")
    assert turn.state == state
    assert bundle.content["ui.back_none"] in to_plain(turn.doc)


@pytest.mark.parametrize("text", ["restart", "/restart", "/start", "start over"])
def test_restart(session: Session, engine: Engine, bundle: Bundle, text: str) -> None:
    state = to(engine, "pain_location")
    turn = session.handle(state, text)
    assert turn.state.node == "injury"
    assert turn.state.answers == {}
    assert bundle.content["ui.restarted"] in to_plain(turn.doc)


def test_why_summary_help_leave_state_alone(session: Session, engine: Engine,
                                            bundle: Bundle) -> None:
    # On the red-flag checklist screen (shown where deformity is asked).
    state = to(engine, "deformity")
    assert engine.screen(state) is not None
    state = engine.tick(state, "numbness").state  # a tick made: kept through the commands
    c = bundle.content
    why = session.handle(state, "why?")
    assert why.state == state
    assert c["q.screen.red_flags.why"] in to_plain(why.doc)
    summary = session.handle(state, "/summary")
    assert summary.state == state
    assert c["ui.summary.title"] in to_plain(summary.doc)
    assert c["q.injury.short"] in to_plain(summary.doc)
    helped = session.handle(state, "help")
    assert helped.state == state
    assert c["ui.help"] in to_plain(helped.doc)
    # the screen again, its tick kept
    assert c["q.screen.red_flags.text"] in to_plain(helped.doc)
    assert f"{c['ui.screen.tick']}" in to_plain(helped.doc)
    assert c["q.numbness.item"] in to_plain(helped.doc)


def test_why_on_a_screen_explains_the_screen(session: Session, engine: Engine,
                                             bundle: Bundle) -> None:
    state = to(engine, "deformity")
    assert engine.screen(state) is not None
    assert engine.why(state) == "q.screen.red_flags.why"
    assert bundle.content["q.screen.red_flags.why"] in to_plain(session.handle(state, "why").doc)


@pytest.mark.parametrize("text", ["Why do you need my age?", "why does that matter",
                                  "sorry, what do you mean?", "what's that got to do with it"])
def test_a_typed_question_back_is_told_why(session: Session, engine: Engine, bundle: Bundle,
                                           text: str) -> None:
    state = to(engine, "age_group")
    turn = session.handle(state, text)
    assert turn.command == "why" and turn.state == state
    assert bundle.content["q.age_group.why"] in to_plain(turn.doc)


def test_a_question_back_with_an_answer_in_it_is_answered(session: Session,
                                                           engine: Engine) -> None:
    turn = session.handle(to(engine, "age_group"), "why do you need my age? I'm 45")
    assert turn.command is None and turn.state.answers["age_group"] == "16_plus"


def test_quit(session: Session, bundle: Bundle) -> None:
    state = session.opening().state
    turn = session.handle(state, "/quit")
    assert turn.quit
    assert turn.state == state
    assert to_plain(turn.doc) == bundle.content["ui.quit"]


def test_learn(session: Session, bundle: Bundle) -> None:
    state = session.opening().state
    menu = session.handle(state, "learn")
    assert menu.command == "learn"
    assert bundle.content["ui.learn.menu"] in to_plain(menu.doc)
    shoes = next(t for t in bundle.learn if t.id == "shoes")
    for text in ("learn shoes", "/learn shoes", "/learn@somebot shoes",
                 f"learn {bundle.learn.index(shoes) + 1}"):
        page = session.handle(state, text)
        assert page.state == state
        assert bundle.content[shoes.title] in to_plain(page.doc), text
    unknown = session.handle(state, "learn knitting")
    assert bundle.content["ui.learn.unknown"] in to_plain(unknown.doc)
    assert unknown.state == state


def test_words_that_are_also_commands_only_alone(session: Session, engine: Engine) -> None:
    state = to(engine, "pain_location")
    turn = session.handle(state, "at the back of the heel")
    assert turn.command is None
    assert turn.state.answers["pain_location"] == "back"


def test_an_urgent_red_flag_typed_out_of_turn_ends_the_check(session: Session, engine: Engine,
                                                             bundle: Bundle) -> None:
    state = to(engine, "pain_location")
    turn = session.handle(state, "I can't walk on it now")
    assert turn.state.finished
    text = to_plain(turn.doc)
    assert bundle.content["level.urgent.title"] in text
    assert bundle.content["ui.safety_net"] not in text


def test_a_hedged_red_flag_typed_out_of_turn_is_asked_next(session: Session, engine: Engine,
                                                          bundle: Bundle) -> None:
    state = to(engine, "weight_bearing")
    turn = session.handle(state, "I think I might have a fever")
    assert turn.state.node == "infection_signs"
    text = to_plain(turn.doc)
    assert bundle.content["ui.safety_net"] in text
    assert bundle.content["q.infection_signs.text"] in text


def test_a_message_not_understood_is_one_line(session: Session, engine: Engine,
                                              bundle: Bundle) -> None:
    state = to(engine, "pain_location")
    turn = session.handle(state, "purple elephants")
    assert turn.state == state
    assert to_plain(turn.doc) == bundle.content["ui.unmatched"]


def test_the_read_back_through_the_session(session: Session, engine: Engine,
                                          bundle: Bundle) -> None:
    c = bundle.content
    persona = {**CLEAR, "pain_location": "bottom_inner", "morning_pain": "yes",
               "heel_squeeze": "no", "every_step": "no", "severity": "mild",
               "trend": "improving", "mileage_jump": "no", "shoe_age": "under_300_miles",
               "run_pattern": "eases_when_warm", "hard_surface": "no",
               "duration": "under_1_week"}
    state = engine.new_state()
    while state.node != "shoe_age":
        state = answer(engine, state, persona).state
    turn = session.handle(state, "they are nearly new")
    text = to_plain(turn.doc)
    assert c["ui.readback.title"] in text
    assert c["ui.readback.how_typed"] in text
    assert f"1. {c['q.shoe_age.short']}: {c['opt.shoe_age.under_300_miles']}" in text
    assert c["level.self_care.title"] not in text  # not yet
    helped = session.handle(turn.state, "help")  # the read-back again after the help
    assert helped.state == turn.state
    assert c["ui.readback.title"] in to_plain(helped.doc)
    done = session.handle(turn.state, "yes")
    assert done.state.finished
    assert c["level.self_care.title"] in to_plain(done.doc)


@pytest.mark.parametrize("text", ["", " ", "\u202e\u202c", "😀" * 50, "x" * 10_000, "/",
                                  "\x00\x01", "learn", "/learn@", "@@@"])
def test_odd_messages_do_not_crash(session: Session, text: str) -> None:
    state = session.opening().state
    turn = session.handle(state, text)
    assert turn.doc


def test_outcome_reached_by_typing(session: Session, bundle: Bundle) -> None:
    # "it popped" at the injury question answers it: urgent at once.
    turn = session.handle(session.opening().state, "it popped")
    assert turn.state.finished
    assert bundle.content["level.urgent.title"] in to_plain(turn.doc)
    after = session.handle(turn.state, "hello")
    assert after.state == turn.state
    assert to_plain(after.doc) == bundle.content["ui.finished"]
