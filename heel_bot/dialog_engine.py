"""The dialog engine's core: pure conversation logic over a serialisable state. No I/O.

One `transitions.Machine` is built per dialog when the engine is created; it drives a single
lightweight turn model whose state is restored from the conversation state on every turn, so
a turn costs one trigger, whatever the number of users. Every method takes a `State` and
returns a `Reply` with the new state; nothing is kept between calls.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from transitions import Machine

from heel_bot import rules as rules_mod
from heel_bot.errors import StateError
from heel_bot.model import OUTCOME, READBACK, Bundle, Question, Screen
from heel_bot.progress import Progress
from heel_bot.replies import Given, Notice, Reply, Summary
from heel_bot.rules import Outcome
from heel_bot.state import MAX_HISTORY, MAX_SAID, HistoryEntry, State, check_fits


class _TurnModel:
    """The one model the machine drives; its state and answers are set before each trigger."""

    state: str
    answers: Mapping[str, str]

    def __init__(self) -> None:
        self.answers = {}


class DialogEngine:
    """The dialog's conversation logic for one loaded bundle: button presses, undo, the
    read-back, where each answer leads. `Engine` adds typed messages and check-ins."""

    def __init__(self, bundle: Bundle) -> None:
        self.bundle = bundle
        self.dialog = bundle.dialog
        self.version = f"{self.dialog.name}/{self.dialog.version}"
        self._model = _TurnModel()
        self._lock = threading.Lock()
        states: list[Any] = [*self.dialog.questions, {"name": OUTCOME, "final": True}]
        transitions = []
        for q in self.dialog.questions.values():
            for t in q.next:
                spec: dict[str, Any] = {"trigger": "answer", "source": q.id, "dest": t.goto}
                if t.when is not None:
                    cond = t.when
                    spec["conditions"] = [lambda ev, c=cond: c.holds(ev.model.answers)]
                transitions.append(spec)
        self.machine = Machine(model=self._model, states=states, transitions=transitions,
                               initial=self.dialog.start, auto_transitions=False,
                               send_event=True)
        self.steps = Progress(self.dialog)
        vocab = bundle.vocabulary
        self._value_rank: dict[tuple[str, str], int] = {}
        for rule in bundle.rules.triage:
            if len(rule.when.tests) == 1:
                slot, values = rule.when.tests[0]
                for v in values:
                    rank = min(vocab.rank(rule.level), self._value_rank.get((slot, v), 99))
                    self._value_rank[(slot, v)] = rank

    # ------------------------------------------------------------ state

    def new_state(self) -> State:
        """A fresh conversation at the first question."""
        return State(self.version, self.dialog.start,
                     most=self.steps.remaining(self.dialog.start, {}))

    def check_state(self, state: State) -> State:
        """Return `state` if it fits this dialog, else raise StateError."""
        if state.version != self.version:
            raise StateError(f"state is for dialog {state.version}, this is {self.version}")
        check_fits(state, self.dialog.questions, self.bundle.vocabulary.slots)
        return state

    def restore(self, text: str) -> State:
        """Parse and check a stored state; StateError if it cannot be used."""
        return self.check_state(State.from_json(text))

    # ------------------------------------------------------------ turns

    def start(self) -> Reply:
        """Begin a new conversation."""
        return self.reply(self.new_state())

    def show(self, state: State) -> Reply:
        """The current question or outcome again, unchanged."""
        return self.reply(state, changed=False)

    def restart(self, state: State) -> Reply:
        """Forget every answer and start again."""
        fresh = replace(self.new_state(), turn=state.turn + 1)
        return self.reply(fresh, (Notice("ui.restarted"),))

    def choose(self, state: State, question_id: str, value: str) -> Reply:
        """Apply a button press: `value` for `question_id`, which must be the current question."""
        q = self.dialog.questions.get(question_id)
        if q is None or state.node != question_id or q.option(value) is None:
            raise StateError(f"{question_id}={value!r} does not answer the current question")
        if self.screen(state) is not None:
            raise StateError(f"{question_id} is asked on a checklist screen: tick or confirm it")
        return self._record(state, q, value)

    def readback_ok(self, state: State) -> Reply:
        """The read-back confirmed: on to the outcome."""
        if state.node != READBACK:
            raise StateError("there is no read-back to confirm")
        return self.reply(replace(state, node=OUTCOME, read_back=True, turn=state.turn + 1))

    def readback_change(self, state: State, question_id: str) -> Reply:
        """Change one of the answers read back: ask it again, then read back again."""
        if state.node != READBACK or question_id not in {
                g.question.id for g in self.given(state, typed_only=True)}:
            raise StateError(f"{question_id!r} is not an answer read back")
        new = replace(state, node=question_id, detour=READBACK, turn=state.turn + 1)
        return self.reply(new)

    def _label(self, q: Question, value: str) -> str:
        opt = q.option(value)
        assert opt is not None
        return opt.label

    def _record(self, state: State, q: Question, value: str) -> Reply:
        """A button press: the answer, and where the conversation goes from it."""
        previous = state.answers.get(q.slot)
        notices: tuple[Notice, ...] = ()
        if (state.detour not in (None, READBACK) and previous is not None
                and self._urgency(q.slot, previous) < self._urgency(q.slot, value)):
            # Asked again by the safety net, a calmer answer does not replace a more alarming
            # one: conflicting answers keep the safer reading (undo with back stays possible).
            label = self.bundle.content[self._label(q, previous)]
            notices = (Notice("ui.kept_safer", {"label": label}),)
            value = previous
        new = self.put(state, q, value, source=None)
        return self.reply(self.onward(new, state, asked=q), notices, answered=(q.id, value))

    def put(self, state: State, q: Question, value: str, *, source: str | None,
            said: str | None = None, aside: bool = False) -> State:
        """`state` with `q`'s slot set to `value` (undoable), from `source` in these words.

        `aside`: a fact volunteered while another question was asked; undoing it asks its own
        question and then returns to the one it interrupted (never skipping it).
        """
        answers, sources, words = dict(state.answers), dict(state.sources), dict(state.said)
        returns = state.detour or state.node if aside else state.detour
        history = (*state.history, HistoryEntry(q.id, state.answers.get(q.slot),
                                                returns))[-MAX_HISTORY:]
        answers[q.slot] = value
        sources.pop(q.slot, None)
        words.pop(q.slot, None)
        if source is not None:
            sources[q.slot] = source
        if said:
            words[q.slot] = said[:MAX_SAID]
        confirming = None if state.confirming == q.slot else state.confirming
        return replace(state, answers=answers, history=history, sources=sources, said=words,
                       confirming=confirming)

    def onward(self, new: State, before: State, *, asked: Question | None) -> State:
        """Where the conversation goes once `new`'s answers are in (from `before`'s place).

        A red flag that makes it urgent ends it at once; a question brought forward returns to
        where it interrupted; otherwise the dialog moves on past what is already answered, and
        answers taken from typed text are read back before the outcome.
        """
        level, _ = rules_mod.triage(self.bundle.vocabulary, self.bundle.rules, new.answers)
        urgent = level == self.bundle.vocabulary.levels[0]
        if urgent:
            node = OUTCOME
        elif before.detour is not None and asked is not None:
            node = before.detour
        elif asked is not None and before.node == asked.id:
            node = self._fire(asked.id, new.answers)
        else:
            node = before.node
        node = self._advance(node, new.answers)
        # Typed answers are read back before the outcome, but a same-day outcome is never
        # held back by a question (it can still be undone with back).
        if node in (OUTCOME, READBACK):
            node = READBACK if new.sources and not new.read_back and not urgent else OUTCOME
        detour = None if asked is not None or node != before.node else before.detour
        return replace(new, node=node, detour=detour, turn=before.turn + 1)

    def _urgency(self, slot: str, value: str) -> int:
        """Rank of the most urgent level this answer reaches on its own (smaller: more urgent)."""
        return self._value_rank.get((slot, value), len(self.bundle.vocabulary.levels))

    def _fire(self, node: str, answers: Mapping[str, str]) -> str:
        """One machine step from `node` with `answers`: the next node."""
        with self._lock:
            self.machine.set_state(node, model=self._model)
            self._model.answers = answers
            self._model.trigger("answer")  # type: ignore[attr-defined]  # bound by Machine
            return self._model.state

    def _advance(self, node: str, answers: Mapping[str, str]) -> str:
        """Skip questions whose slot is already answered (e.g. brought forward earlier), and
        those marked skip_if_settled once no answer to them could raise the level; stop at a
        checklist screen while any of its items is open."""
        b = self.bundle
        for _ in range(len(self.dialog.questions) + 1):
            q = self.dialog.questions.get(node)
            if q is None:
                return node
            screen = self.dialog.screen_at(node)
            if screen is not None and self.open_items(screen, answers):
                return node
            if q.slot not in answers and not (q.skip_if_settled and not rules_mod.can_raise(
                    b.vocabulary, b.rules, q.slot, answers,
                    rules_mod.triage(b.vocabulary, b.rules, answers)[0])):
                return node
            node = self._fire(node, answers)
        raise StateError("the dialog does not progress")  # pragma: no cover - acyclic dialogs

    def open_items(self, screen: Screen, answers: Mapping[str, str]) -> list[Question]:
        """The questions of a screen not answered yet."""
        qs = [self.dialog.questions[q] for q in screen.questions]
        return [q for q in qs if q.slot not in answers]

    def screen(self, state: State) -> Screen | None:
        """The checklist screen `state` shows (a screen's question asked on its own, e.g. by
        the safety net or to change a read-back answer, is not shown as the screen)."""
        return self.dialog.screen_at(state.node) if state.detour is None else None

    def reply(self, state: State, notices: tuple[Notice, ...] = (),
              answered: tuple[str, str] | None = None, changed: bool = True) -> Reply:
        """The reply that shows `state`: its question, its read-back or its outcome."""
        if state.node == OUTCOME:
            return Reply(state, notices, answered, None, self.outcome(state), changed)
        if state.node == READBACK:
            return Reply(state, notices, answered, None, None, changed,
                         self.given(state, typed_only=True))
        _, most = self.progress(state)
        if most != state.most:
            state = replace(state, most=most)
        return Reply(state, notices, answered, self.dialog.questions[state.node], None, changed,
                     screen=self.screen(state))


    # ------------------------------------------------------------ queries

    def outcome(self, state: State) -> Outcome:
        """The outcome the answers lead to (for a finished conversation)."""
        b = self.bundle
        return rules_mod.evaluate(b.vocabulary, b.rules, state.answers)

    def why(self, state: State) -> str | None:
        """Content key explaining why the current question is asked (None when finished)."""
        screen = self.screen(state)
        if screen is not None:
            return screen.why
        q = self.dialog.questions.get(state.node)
        return q.why if q else None

    def progress(self, state: State) -> tuple[int, int]:
        """(the step shown, at most how many steps in all): the bound never grows."""
        return self.steps.shown(state)

    def given(self, state: State, *, typed_only: bool = False) -> tuple[Given, ...]:
        """The answers in the order they were given (only those from typed text, if asked)."""
        seen: dict[str, Given] = {}
        for h in state.history:
            q = self.dialog.questions[h.question]
            value, source = state.answers.get(q.slot), state.sources.get(q.slot)
            if value is not None and (source is not None or not typed_only):
                seen[q.id] = Given(q, value, source, state.said.get(q.slot))
        return tuple(seen.values())

    def summary(self, state: State) -> Summary:
        """What was answered, in order, and the level and causes they point to so far."""
        b = self.bundle
        level, fired = rules_mod.triage(b.vocabulary, b.rules, state.answers)
        causes = rules_mod.rank_causes(b.rules, b.vocabulary, state.answers, fired)
        return Summary(self.given(state), level, causes, state.finished)
