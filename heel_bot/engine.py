"""The dialog engine: pure conversation logic over a serialisable state. No I/O.

One `transitions.Machine` is built per dialog when the engine is created; it drives a single
lightweight turn model whose state is restored from the conversation state on every turn, so
a turn costs one trigger, whatever the number of users. Every method takes a `State` and
returns a `Reply` with the new state; nothing is kept between calls. `DialogEngine`
(heel_bot/dialog_engine.py) holds the dialog's logic; this class adds what people type (through the
language layer) and the follow-up check-ins.
"""

from __future__ import annotations

import threading
from dataclasses import replace
from typing import TYPE_CHECKING

from heel_bot import screen_turns, typed_turn, undo
from heel_bot.dialog_engine import DialogEngine
from heel_bot.errors import StateError
from heel_bot.model import Bundle
from heel_bot.replies import CheckinResult, Given, Notice, Reply, Summary
from heel_bot.state import MAX_HISTORY, HistoryEntry, State

if TYPE_CHECKING:
    from heel_bot.language.understand import Understander

# The state and replies are part of the engine's interface: importable from here.
__all__ = ["MAX_HISTORY", "CheckinResult", "Engine", "Given", "HistoryEntry", "Notice", "Reply",
           "State", "Summary"]


class Engine(DialogEngine):
    """The conversation logic for one loaded bundle, typed messages and check-ins included."""

    def answer(self, state: State, text: str) -> Reply:
        """Apply a typed message: the answer, facts volunteered, red flags, emergencies."""
        return typed_turn.answer(self, self.language, state, text)

    def back(self, state: State) -> Reply:
        """Undo the last answer (a checklist screen as a whole) and ask it again."""
        return undo.back(self, state)

    def tick(self, state: State, question_id: str) -> Reply:
        """Tick (or untick) an item of the checklist screen shown."""
        return screen_turns.tick(self, state, question_id)

    def screen_done(self, state: State) -> Reply:
        """ "None of these" / "done" on the checklist screen shown: the rest are no."""
        return screen_turns.confirm(self, state)

    def opening(self, text: str) -> Reply:
        """A first message: the facts it volunteers are kept, then the first question left."""
        return typed_turn.opening(self, self.language, text)

    def __init__(self, bundle: Bundle) -> None:
        super().__init__(bundle)
        self._building = threading.Lock()
        self._language: Understander | None = None

    @property
    def language(self) -> Understander:
        """The language layer, built once on first use (spaCy and medspaCy load in about a
        second). Adapters start building it in the background as soon as they are up, so
        buttons work at once and the first typed message waits only for what is left; two
        callers at once wait for one build."""
        with self._building:
            if self._language is None:
                from heel_bot.language.build import understander  # noqa: PLC0415 - loads spaCy

                self._language = understander(self.bundle)
            return self._language


    def checkin(self, state: State | None, answer: str, days: int) -> CheckinResult:
        """A check-in answered `answer` after `days` days of self-care (days from the store).

        The dialog's check-in rule decides; the level never falls below the outcome the last
        check reached (a torn tendon can feel better and still need treatment). When the rule
        asks the red-flag questions again, the reply starts them: a new conversation keeping
        the earlier non-red-flag answers and the rule's facts (e.g. trend: worse).
        """
        checkin = self.bundle.checkin
        if checkin.option_value(answer) is None or days < 0:
            raise StateError(f"{answer!r} after {days} days is not a check-in answer")
        rule = checkin.decide(answer, days)
        vocab = self.bundle.vocabulary
        before = self.outcome(state).level if state and state.finished else vocab.least_urgent
        if not rule.rescreen:
            return CheckinResult(rule, vocab.most_urgent(rule.level, before), None)
        red = set(vocab.red_flag_slots)
        kept = {k: v for k, v in (state.answers if state else {}).items() if k not in red}
        turn = state.turn + 1 if state else 0
        fresh = State(self.version, self.dialog.start, {**kept, **rule.set}, (), None, turn)
        node = self._advance(fresh.node, fresh.answers)
        reply = self.reply(replace(fresh, node=node), (Notice(rule.text),))
        return CheckinResult(rule, rule.level, reply)

    def understands(self, state: State, text: str) -> bool:
        """Whether `text` answers the current question (not merely a red-flag word)."""
        q = self.dialog.questions.get(state.node)
        if q is None:
            return False
        u = self.language.understand(text, q, state.answers)
        return u.answer is not None

