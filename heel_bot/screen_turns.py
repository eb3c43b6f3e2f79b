"""Checklist screens in a conversation: ticking an item, and "none of these" / "done".

Ticking an item answers its question yes at once (the symptom model: "ticking an item sets
its slot to yes"); ticking it again takes the tick back. The items left unticked become no only
when the user confirms the screen: nothing is assumed no by default. Every tick, and every no
that confirming gives, is a history entry, and `back` undoes a screen as a whole.
"""

from __future__ import annotations

from dataclasses import replace

from heel_bot.dialog_engine import DialogEngine
from heel_bot.errors import StateError
from heel_bot.model import Screen
from heel_bot.replies import Notice, Reply
from heel_bot.state import State

YES, NO = "yes", "no"


def _screen(engine: DialogEngine, state: State) -> Screen:
    screen = engine.screen(state)
    if screen is None:
        raise StateError(f"{state.node!r} is not a checklist screen")
    return screen


def tick(engine: DialogEngine, state: State, question_id: str) -> Reply:
    """Tick an item of the screen shown (or take its tick back); the screen stays."""
    screen = _screen(engine, state)
    if question_id not in screen.questions:
        raise StateError(f"{question_id!r} is not on screen {screen.id}")
    q = engine.dialog.questions[question_id]
    if state.answers.get(q.slot) == YES:
        new = untick(state, question_id, q.slot)
    else:
        new = engine.put(state, q, YES, source=None)
    return engine.reply(replace(new, turn=state.turn + 1), answered=(question_id, YES))


def untick(state: State, question_id: str, slot: str) -> State:
    """Undo the last answer to an item: the value before it comes back."""
    at = max((i for i, h in enumerate(state.history) if h.question == question_id), default=None)
    answers, sources, said = dict(state.answers), dict(state.sources), dict(state.said)
    sources.pop(slot, None)
    said.pop(slot, None)
    history = state.history
    if at is None or history[at].previous is None:
        answers.pop(slot, None)
    else:
        answers[slot] = str(history[at].previous)
    if at is not None:
        history = history[:at] + history[at + 1:]
    return replace(state, answers=answers, sources=sources, said=said, history=history)


def confirm(engine: DialogEngine, state: State, notices: tuple[Notice, ...] = ()) -> Reply:
    """ "None of these" or "done": every item not ticked is a no; the dialog goes on."""
    screen = _screen(engine, state)
    new = state
    for q in engine.open_items(screen, state.answers):
        new = engine.put(new, q, NO, source=None)
    return engine.reply(engine.onward(new, state, asked=None), notices)


def give(engine: DialogEngine, state: State, question_id: str, value: str) -> Reply:
    """One item of the screen shown answered on its own (as a typed "no fever" does): the
    screen stays until every item is answered."""
    screen = _screen(engine, state)
    q = engine.dialog.questions.get(question_id)
    if q is None or question_id not in screen.questions or q.option(value) is None:
        raise StateError(f"{question_id}={value!r} is not an answer on screen {screen.id}")
    new = engine.put(state, q, value, source=None)
    return engine.reply(engine.onward(new, state, asked=None), answered=(question_id, value))
