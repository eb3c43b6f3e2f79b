"""Answering whatever the engine shows from a persona's facts, the way a person would press:
a question's option, or on a checklist screen a tick for each item that applies, then done."""

from __future__ import annotations

from collections.abc import Mapping

from heel_bot.engine import Engine, Reply, State


def answer(engine: Engine, state: State, persona: Mapping[str, str]) -> Reply:
    """One screen answered from `persona` (slot -> value)."""
    screen = engine.screen(state)
    if screen is None:
        q = engine.dialog.questions[state.node]
        return engine.choose(state, q.id, persona[q.slot])
    for qid in screen.questions:
        slot = engine.dialog.questions[qid].slot
        if persona.get(slot) == "yes" and state.answers.get(slot) != "yes":
            state = engine.tick(state, qid).state
    return engine.screen_done(state)


def walk(engine: Engine, persona: Mapping[str, str], state: State | None = None,
         stop_at: str | None = None) -> State:
    """Answer from `persona` until `stop_at` (a question, or a screen's first question) or the
    outcome."""
    state = state or engine.new_state()
    for _ in range(60):
        if state.finished or state.node == stop_at:
            return state
        state = answer(engine, state, persona).state
    raise AssertionError("the dialog did not end")
