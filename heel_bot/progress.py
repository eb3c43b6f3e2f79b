"""The progress line's numbers: "Step N of at most M", with M a bound that never grows.

A step is one screen the user answers: a question, or a checklist screen however many items it
holds. N counts the steps answered so far, plus the one shown. M adds the longest way the
dialog could still go from here (the questions already answered, e.g. volunteered in a typed
message, count nothing; a checklist counts once), so no conversation can take more than M
steps; the state remembers the smallest M shown, so the number never grows as answers come in.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

from heel_bot.model import Dialog
from heel_bot.state import State


class Progress:
    """Counts steps for one dialog."""

    def __init__(self, dialog: Dialog) -> None:
        self.dialog = dialog
        # Each node's step: its screen's id when it is on one, else its own id.
        self._step = {qid: (s.id if (s := dialog.screen_of(qid)) else qid)
                      for qid in dialog.questions}
        self.longest = lru_cache(maxsize=4096)(self._longest)

    def step_of(self, question_id: str) -> str:
        """The step a question is answered in (its screen, or itself)."""
        return self._step[question_id]

    def done(self, asked: tuple[str, ...]) -> int:
        """How many steps the questions answered (in history order) took."""
        return len({self._step[q] for q in asked if q in self._step})

    def shown(self, state: State) -> tuple[int, int]:
        """(the step `state` shows, at most how many steps in all), within its stored bound.

        The screen shown is the step being taken, even while its items are being ticked."""
        here = self._step.get(state.node)
        done = self.done(tuple(h.question for h in state.history
                               if self._step.get(h.question) != here))
        bound = done + self.remaining(state.node, state.answers)
        if state.most:
            bound = min(bound, state.most)
        return done + 1, max(bound, done + 1)

    def remaining(self, node: str, answers: Mapping[str, str]) -> int:
        """The most steps left from `node` (an upper bound, whatever is answered next)."""
        answered = frozenset(q for q, step in self._step.items()
                             if self.dialog.questions[q].slot in answers)
        return self.longest(node, answered)

    def _longest(self, node: str, answered: frozenset[str]) -> int:
        q = self.dialog.questions.get(node)
        if q is None:
            return 0
        screen = self.dialog.screen_of(node)
        if screen is not None:
            # A screen is one step, counted where it is shown; its other items count nothing.
            open_items = any(i not in answered for i in screen.questions)
            here = 1 if node == screen.first and open_items else 0
        else:
            here = 0 if node in answered else 1
        return here + max(self.longest(t.goto, answered) for t in q.next)
