"""The dialog engine: pure conversation logic over a serialisable state. No I/O.

One `transitions.Machine` is built per dialog when the engine is created; it drives a single
lightweight turn model whose state is restored from the conversation state on every turn, so
a turn costs one trigger, whatever the number of users. Every method takes a `State` and
returns a `Reply` with the new state; nothing is kept between calls.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from transitions import Machine

from bot import rules as rules_mod
from bot.errors import StateError
from bot.matching import Kind, QuestionMatcher, SafetyNetMatcher
from bot.model import OUTCOME, Bundle, CheckinRule, Question
from bot.rules import Outcome
from bot.state import MAX_HISTORY, HistoryEntry, State, check_fits

# The state is part of the engine's interface (every turn takes one): importable from here.
__all__ = ["MAX_HISTORY", "CheckinResult", "Engine", "HistoryEntry", "Notice", "Reply", "State",
           "Summary"]


@dataclass(frozen=True)
class Notice:
    """A short message shown before the question or outcome: a content key and its fields."""

    key: str
    params: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Reply:
    """What a turn produced: the new state and what to show."""

    state: State
    notices: tuple[Notice, ...] = ()
    answered: tuple[str, str] | None = None  # (question id, value) recorded by this turn
    question: Question | None = None
    outcome: Outcome | None = None
    changed: bool = True  # False when the state is unchanged (e.g. an unmatched answer)


@dataclass(frozen=True)
class CheckinResult:
    """What a check-in answer leads to: the rule taken, the least level, and (when the
    red-flag questions are asked again) the reply that starts them."""

    rule: CheckinRule
    level: str
    reply: Reply | None

    @property
    def raised(self) -> bool:
        """Whether the last check's outcome, not the answer, set the level."""
        return self.level != self.rule.level


@dataclass(frozen=True)
class Summary:
    """What the user said so far and where it points: something to show a clinician."""

    answers: tuple[tuple[Question, str], ...]  # (question, chosen value) in the order asked
    level: str
    causes: tuple[str, ...]
    finished: bool


class _TurnModel:
    """The one model the machine drives; its state and answers are set before each trigger."""

    state: str
    answers: Mapping[str, str]

    def __init__(self) -> None:
        self.answers = {}


class Engine:
    """The conversation logic for one loaded bundle."""

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
        labels = bundle.content.texts
        self._matchers = {qid: QuestionMatcher(q, dict(labels)) for qid, q in
                          self.dialog.questions.items()}
        self._net = SafetyNetMatcher(self.dialog)
        self._remaining = {qid: self._count_remaining(qid) for qid in self.dialog.questions}
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
        return State(self.version, self.dialog.start)

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
        return self._reply(self.new_state())

    def show(self, state: State) -> Reply:
        """The current question or outcome again, unchanged."""
        return self._reply(state, changed=False)

    def restart(self, state: State) -> Reply:
        """Forget every answer and start again."""
        fresh = replace(self.new_state(), turn=state.turn + 1)
        return self._reply(fresh, (Notice("ui.restarted"),))

    def back(self, state: State) -> Reply:
        """Undo the last answer and ask that question again."""
        if not state.history:
            if state.detour is not None:
                # Back from a question brought forward before any answer: return from the detour.
                new = State(state.version, state.detour, state.answers, (), None, state.turn + 1)
                return self._reply(new, (Notice("ui.back_done"),))
            return self._reply(state, (Notice("ui.back_none"),), changed=False)
        last = state.history[-1]
        slot = self.dialog.questions[last.question].slot
        answers = dict(state.answers)
        if last.previous is None:
            answers.pop(slot, None)
        else:
            answers[slot] = last.previous
        new = State(state.version, last.question, answers, state.history[:-1], last.detour,
                    state.turn + 1)
        return self._reply(new, (Notice("ui.back_done"),))

    def choose(self, state: State, question_id: str, value: str) -> Reply:
        """Apply a button press: `value` for `question_id`, which must be the current question."""
        q = self.dialog.questions.get(question_id)
        if q is None or state.node != question_id or q.option(value) is None:
            raise StateError(f"{question_id}={value!r} does not answer the current question")
        return self._record(state, q, value)

    def answer(self, state: State, text: str) -> Reply:
        """Apply a typed answer: an option, 'not sure', free text, or red-flag words."""
        q = self.dialog.questions.get(state.node)
        # Red-flag words bring their question forward, unless it is the one being asked or
        # it already has its alarming answer.
        for ask in self._net.find(text):
            red = self.dialog.questions[ask]
            if red.id == state.node:
                break
            if state.answers.get(red.slot) in self.dialog.alarming.get(red.slot, ()):
                continue
            detour = state.detour or state.node
            new = replace(state, node=red.id, detour=detour, turn=state.turn + 1)
            return self._reply(new, (Notice("ui.safety_net"),))
        if q is None:
            return self._reply(state, (Notice("ui.finished"),), changed=False)
        m = self._matchers[q.id].match(text)
        if m.kind is Kind.MATCHED and m.value is not None:
            return self._record(state, q, m.value)
        if m.kind is Kind.UNSURE:
            if q.if_unsure is None:
                return self._reply(state, (Notice("ui.unsure_pick"),), changed=False)
            label = self.bundle.content[self._label(q, q.if_unsure)]
            reply = self._record(state, q, q.if_unsure)
            return replace(reply, notices=(Notice("ui.unsure_assumed", {"label": label}),
                                           *reply.notices))
        return self._reply(state, (Notice("ui.unmatched"),), changed=False)

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
        reply = self._reply(replace(fresh, node=node), (Notice(rule.text),))
        return CheckinResult(rule, rule.level, reply)

    def understands(self, state: State, text: str) -> bool:
        """Whether `text` answers the current question (not merely a red-flag word)."""
        m = self._matchers.get(state.node)
        return m is not None and m.match(text).kind is Kind.MATCHED

    def _label(self, q: Question, value: str) -> str:
        opt = q.option(value)
        assert opt is not None
        return opt.label

    def _record(self, state: State, q: Question, value: str) -> Reply:
        answers = dict(state.answers)
        previous = answers.get(q.slot)
        notices: tuple[Notice, ...] = ()
        if (state.detour is not None and previous is not None
                and self._urgency(q.slot, previous) < self._urgency(q.slot, value)):
            # Asked again by the safety net, a calmer answer does not replace a more alarming
            # one: conflicting answers keep the safer reading (undo with back stays possible).
            label = self.bundle.content[self._label(q, previous)]
            notices = (Notice("ui.kept_safer", {"label": label}),)
            value = previous
        answers[q.slot] = value
        history = (*state.history, HistoryEntry(q.id, previous, state.detour))[-MAX_HISTORY:]
        if state.detour is not None:
            level, _ = rules_mod.triage(self.bundle.vocabulary, self.bundle.rules, answers)
            # A red flag settled on a detour ends the conversation if nothing can go higher.
            urgent = level == self.bundle.vocabulary.levels[0]
            node = OUTCOME if urgent else state.detour
            node = self._advance(node, answers)
            new = State(state.version, node, answers, history, None, state.turn + 1)
        else:
            node = self._advance(self._fire(q.id, answers), answers)
            new = State(state.version, node, answers, history, None, state.turn + 1)
        return self._reply(new, notices, answered=(q.id, value))

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
        """Skip questions whose slot is already answered (e.g. brought forward earlier)."""
        for _ in range(len(self.dialog.questions) + 1):
            q = self.dialog.questions.get(node)
            if q is None or q.slot not in answers:
                return node
            node = self._fire(node, answers)
        raise StateError("the dialog does not progress")  # pragma: no cover - acyclic dialogs

    def _reply(self, state: State, notices: tuple[Notice, ...] = (),
               answered: tuple[str, str] | None = None, changed: bool = True) -> Reply:
        if state.node == OUTCOME:
            return Reply(state, notices, answered, None, self.outcome(state), changed)
        return Reply(state, notices, answered, self.dialog.questions[state.node], None, changed)

    # ------------------------------------------------------------ queries

    def outcome(self, state: State) -> Outcome:
        """The outcome the answers lead to (for a finished conversation)."""
        b = self.bundle
        return rules_mod.evaluate(b.vocabulary, b.rules, state.answers)

    def why(self, state: State) -> str | None:
        """Content key explaining why the current question is asked (None when finished)."""
        q = self.dialog.questions.get(state.node)
        return q.why if q else None

    def progress(self, state: State) -> tuple[int, int]:
        """(number of the current question, about how many in all)."""
        asked = len({h.question for h in state.history})
        remaining = self._remaining.get(state.node, 0)
        return asked + 1, asked + remaining

    def summary(self, state: State) -> Summary:
        """What was answered, in order, and the level and causes they point to so far."""
        b = self.bundle
        seen: dict[str, str] = {}
        for h in state.history:
            q = self.dialog.questions[h.question]
            if q.slot in state.answers:
                seen[q.id] = state.answers[q.slot]
        pairs = tuple((self.dialog.questions[qid], v) for qid, v in seen.items())
        level, fired = rules_mod.triage(b.vocabulary, b.rules, state.answers)
        causes = rules_mod.rank_causes(b.rules, b.vocabulary, state.answers, fired)
        return Summary(pairs, level, causes, state.finished)

    def _count_remaining(self, node: str) -> int:
        """Questions left from `node` on the path taken when no condition holds."""
        count = 0
        while node in self.dialog.questions:
            count += 1
            q = self.dialog.questions[node]
            node = next(t.goto for t in q.next if t.when is None)
        return count
