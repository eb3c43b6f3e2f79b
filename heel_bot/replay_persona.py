"""The persona forms of a scripted conversation: a patient's facts, some of them typed.

Every question the dialog asks is answered from the patient's facts by a button press, or by
typing the patient's text for that slot (`says`). A checklist screen is answered as a person
would: the typed texts for its items first (one message each), then a tick for each item the
patient has, then "done". The read-back of typed answers is confirmed as right.

Each message the patient had to answer counts as a screen: a press, a typed message, a
checklist's confirmation (ticking an item changes the message but does not answer it).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from heel_bot import screen_turns
from heel_bot.engine import Engine, Reply, State
from heel_bot.errors import StateError
from heel_bot.model import Question, Screen
from heel_bot.session import Session

MAX_TURNS = 60


class CaseError(Exception):
    """The conversation did not go as the file expects (the message says how)."""


@dataclass
class Patient:
    """One persona played through the dialog."""

    engine: Engine
    session: Session
    facts: dict[str, object]
    says: dict[str, list[str]]
    asked: list[str] = field(default_factory=list)
    screens: int = 0

    def play(self) -> State:
        """The conversation from the first question to the outcome; its last state."""
        reply = self.engine.start()
        for _ in range(MAX_TURNS):
            if reply.question is None and reply.readback:
                self.screens += 1
                reply = self.engine.readback_ok(reply.state)  # the typed answers: right
                continue
            q = reply.question
            if q is None:
                break
            if reply.screen is not None:
                reply = self._screen(reply.state, reply.screen)
                continue
            self.asked.append(q.id)
            self.screens += 1
            if q.slot in self.says:
                reply = self._type(reply.state, q.slot)
            else:
                reply = self.engine.choose(reply.state, q.id, self._value(q))
        else:
            raise CaseError(f"the dialog did not end within {MAX_TURNS} turns")
        left = [slot for slot, texts in self.says.items() if texts]
        if left:
            raise CaseError(f"says has text never typed for {', '.join(left)} (the slot was "
                            "not asked, or not asked that often)")
        return reply.state

    def _screen(self, state: State, screen: Screen) -> Reply:
        """Typed texts for the screen's items, then ticks for the rest, then done."""
        qs = [self.engine.dialog.questions[i] for i in screen.questions]
        self.asked.extend(q.id for q in qs)
        for q in qs:
            # Each text typed while the item is still open (a text not understood leaves the
            # screen as it was: the next text is typed to it again).
            while self.says.get(q.slot) and q.slot not in state.answers:
                self.screens += 1
                reply = self._type(state, q.slot)
                if reply.state.node != state.node or self.engine.screen(reply.state) is None:
                    return reply  # the message moved the conversation on (e.g. urgent)
                state = reply.state
        for q in qs:
            if self._value(q) == "yes" and state.answers.get(q.slot) != "yes":
                state = self.engine.tick(state, q.id).state
        self.screens += 1
        return self.engine.screen_done(state)

    def _type(self, state: State, slot: str) -> Reply:
        """Type the next text the patient has for `slot` (each text is typed once)."""
        texts = self.says[slot]
        if not texts:
            raise CaseError(f"slot {slot!r} was asked again, and says has no more text for it")
        turn = self.session.handle(state, texts.pop(0))
        if turn.reply is None:
            raise CaseError(f"typing for slot {slot!r} ran a command instead of answering")
        return turn.reply

    def _value(self, q: Question) -> str:
        if q.slot not in self.facts:
            raise CaseError(f"patient has no answer for slot {q.slot!r}")
        value = str(self.facts[q.slot])
        if q.option(value) is None:
            raise CaseError(f"answer {value!r} is not among question {q.id}'s values")
        return value


def press(engine: Engine, state: State, value: str) -> tuple[Reply, int]:
    """A turn-by-turn `press:`: an option of the question shown (`value` or `question=value`);
    on a checklist screen, `item=yes` ticks it, `item=no` answers it no on its own, `done` or
    `none` confirms the screen. Also how many messages it answered (a tick answers none; the
    last item answered confirms the screen)."""
    qid, _, val = value.partition("=")
    screen = engine.screen(state)
    if screen is not None:
        if value in ("done", "none"):
            return engine.screen_done(state), 1
        if qid in screen.questions and val in ("", "yes"):
            if state.answers.get(engine.dialog.questions[qid].slot) == "yes":
                return engine.reply(state, changed=False), 0
            return engine.tick(state, qid), 0
        if qid in screen.questions:
            reply = screen_turns.give(engine, state, qid, val)
            return reply, int(engine.screen(reply.state) is None)
        raise StateError(f"on screen {screen.id} press an item, item=no, or done/none")
    if not val:
        qid, val = state.node, qid
    return engine.choose(state, qid, val), 1
