"""The inline keyboards: a question's options, the outcome's choices, learn, check-ins.

PTB's objects are immutable once built, so one keyboard can go out any number of times: they
are cached (building them was a sixth of heel-bot's own cost per update).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from heel_bot.engine import Engine, Reply, State
from heel_bot.model import Question, Screen
from heel_bot.tg import codec
from heel_bot.tg.codec import Press
from heel_bot.tg.layout import layout
from heel_bot.tg.menu_keyboards import ResultKeyboards
from heel_bot.uikeys import button_key, short_key

__all__ = ["REMIND_DAYS", "Keyboards", "layout"]

REMIND_DAYS = (3, 7, 14)


class Keyboards(ResultKeyboards):
    """Every keyboard the bot sends, labelled from content/."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.c = engine.bundle.content
        self.question_ids = list(engine.dialog.questions)
        self.question_index = {qid: i for i, qid in enumerate(self.question_ids)}
        self._question = functools.lru_cache(maxsize=4096)(self._build_question)
        self._screen = functools.lru_cache(maxsize=4096)(self._build_screen)

    def button(self, key: str, press: Press, **params: object) -> InlineKeyboardButton:
        """A button with a label from content."""
        return InlineKeyboardButton(self.c.get(key, **params), callback_data=codec.encode(press))

    def question(self, state: State, q: Question) -> InlineKeyboardMarkup:
        """The options of `q`, then back (once something is answered) and why."""
        return self._question(q.id, state.turn, bool(state.history))

    def _build_question(self, qid: str, turn: int, back: bool) -> InlineKeyboardMarkup:
        q, qi = self.engine.dialog.questions[qid], self.question_index[qid]
        options = [self.button(o.label, codec.Answer(turn, qi, i))
                   for i, o in enumerate(q.options)]
        nav = [self.button(button_key("why"), codec.Why(turn))]
        if back:
            nav.insert(0, self.button(button_key("back"), codec.Back(turn)))
        return InlineKeyboardMarkup([*layout(options), nav])

    def screen(self, state: State, screen: Screen) -> InlineKeyboardMarkup:
        """One toggle per item (ticked ones marked), then "None of these" or "Done", then
        back and why."""
        qs = self.engine.dialog.questions
        ticked = tuple(state.answers.get(qs[q].slot) == "yes" for q in screen.questions)
        return self._screen(screen.id, state.turn, ticked, bool(state.history))

    def _build_screen(self, sid: str, turn: int, ticked: tuple[bool, ...],
                back: bool) -> InlineKeyboardMarkup:
        screen = self.engine.dialog.screens[sid]
        tick = self.c["ui.screen.tick"]
        rows = []
        for i, (qid, on) in enumerate(zip(screen.questions, ticked, strict=True)):
            label = self.c[short_key(qid)]
            rows.append([InlineKeyboardButton(f"{tick} {label}" if on else label,
                                              callback_data=codec.encode(codec.Tick(turn, i)))])
        done = button_key("screen_done" if any(ticked) else "screen_none")
        rows.append([self.button(done, codec.ScreenDone(turn))])
        nav = [self.button(button_key("why"), codec.Why(turn))]
        if back:
            nav.insert(0, self.button(button_key("back"), codec.Back(turn)))
        return InlineKeyboardMarkup([*rows, nav])

    def remind_row(self) -> list[InlineKeyboardButton]:
        """Check-in choices: 3, 7 or 14 days."""
        return [self.button(button_key("remind_days"), codec.Remind(d), days=d)
                for d in REMIND_DAYS]

    def remind(self) -> InlineKeyboardMarkup:
        """Only the check-in choices."""
        return InlineKeyboardMarkup([self.remind_row()])

    def outcome(self, state: State) -> InlineKeyboardMarkup:
        """The result's cards, check-in choices, learn, start again and undo."""
        return self.result(state)

    def for_reply(self, reply: Reply) -> InlineKeyboardMarkup:
        """The keyboard that goes with a reply: the question's, the read-back's or the
        outcome's."""
        if reply.screen is not None:
            return self.screen(reply.state, reply.screen)
        if reply.question is not None:
            return self.question(reply.state, reply.question)
        if reply.readback:
            return self.readback(reply.state, len(reply.readback))
        return self.outcome(reply.state)

    def readback(self, state: State, items: int) -> InlineKeyboardMarkup:
        """That's right, or change one of the answers read back."""
        turn = state.turn
        changes = [self.button(button_key("change"), codec.ReadbackChange(turn, i), n=i + 1)
                   for i in range(items)]
        return InlineKeyboardMarkup([[self.button(button_key("readback_ok"),
                                                  codec.ReadbackOk(turn))], *layout(changes)])

    def forget(self) -> InlineKeyboardMarkup:
        """Delete everything, or keep it."""
        return InlineKeyboardMarkup([[self.button(button_key("forget_yes"), codec.Forget(True)),
                                      self.button(button_key("forget_no"), codec.Forget(False))]])

    def checkin(self) -> InlineKeyboardMarkup:
        """Better, the same, worse."""
        return InlineKeyboardMarkup([[self.button(o.label, codec.CheckinAnswer(o.value))
                                      for o in self.engine.bundle.checkin.options]])

    def cancel(self, rows: Sequence[tuple[str, int]]) -> InlineKeyboardMarkup:
        """One cancel button per check-in: (when, reminder id)."""
        return InlineKeyboardMarkup([[self.button(button_key("cancel"), codec.Cancel(rid),
                                                  when=when)] for when, rid in rows])
