"""Undo: `back` takes the last answer away and asks that question again.

A checklist screen is undone as a whole (its ticks and the noes "done" gave), and the screen is
shown again; a question brought forward before any answer returns to where it interrupted.
"""

from __future__ import annotations

from dataclasses import replace

from heel_bot.dialog_engine import DialogEngine
from heel_bot.replies import Notice, Reply
from heel_bot.state import State


def back(engine: DialogEngine, state: State) -> Reply:
    """Undo the last answer and ask that question again."""
    if not state.history:
        if state.detour is not None:
            # Back from a question brought forward before any answer: return from the detour.
            new = replace(state, node=state.detour, detour=None, confirming=None,
                          turn=state.turn + 1)
            return engine.reply(new, (Notice("ui.back_done"),))
        return engine.reply(state, (Notice("ui.back_none"),), changed=False)
    # A checklist screen is undone as a whole (its ticks and the noes "done" gave).
    # Only the entries the screen itself made go together (made while it was shown, so with no
    # detour); an item answered alone (a fact volunteered, a question brought forward) carries
    # the question it interrupted as its detour and is undone on its own.
    last = state.history[-1]
    screen = engine.dialog.screen_of(last.question) if last.detour is None else None
    n = 1
    if screen is not None:
        while n < len(state.history) and state.history[-n - 1].question in screen.questions \
                and state.history[-n - 1].detour is None:
            n += 1
    answers, sources, said = dict(state.answers), dict(state.sources), dict(state.said)
    for entry in reversed(state.history[-n:]):
        slot = engine.dialog.questions[entry.question].slot
        # The answer before is restored as a plain answer: where it came from is not kept.
        sources.pop(slot, None)
        said.pop(slot, None)
        if entry.previous is None:
            answers.pop(slot, None)
        else:
            answers[slot] = entry.previous
    first = state.history[-n]
    node = screen.first if screen is not None else first.question
    new = State(state.version, node, answers, state.history[:-n], first.detour,
                state.turn + 1, sources, said, most=state.most)
    return engine.reply(new, (Notice("ui.back_done"),))

