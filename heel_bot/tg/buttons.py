"""Button presses on the conversation: answers, back, why, start over and summary.

Every press is answered exactly once (Telegram shows a spinner until it is), whatever
happens; `tapped` wraps each handler to guarantee it and to decode the press. Presses that
change the conversation are applied only to the message of the current turn: an older
message's press is stale, shown as such and never applied.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any, TypeAlias, TypeVar

from telegram import CallbackQuery, Update
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from heel_bot.engine import State
from heel_bot.tg import codec
from heel_bot.tg.chats import Chats

log = logging.getLogger(__name__)

Context: TypeAlias = ContextTypes.DEFAULT_TYPE
P = TypeVar("P")


@dataclass
class Tap:
    """One button press being handled: its query, chat and whether it has been answered."""

    query: CallbackQuery
    context: Context
    chat_id: int
    answered: bool = False

    async def ack(self, text: str | None = None) -> None:
        """Answer the query (once; later calls do nothing). Best effort: only the spinner on
        the button depends on it, and a press answered late (e.g. after a restart) is refused
        as "too old" — the reply must still go out."""
        if not self.answered:
            self.answered = True
            try:
                await self.query.answer(text[:200] if text else None)
            except TelegramError as exc:
                log.info("chat %s: press not acknowledged (%s: %s)", self.chat_id,
                         type(exc).__name__, exc)


Handler: TypeAlias = Callable[[Update, Context], Coroutine[Any, Any, None]]


def tapped(chats: Chats, handle: Callable[[Tap, P], Awaitable[None]],
           kind: type | None = None) -> Handler:
    """A CallbackQueryHandler callback: private chats only, the press decoded and of `kind`
    (else refused as forged: PTB skips the pattern for a query without data), answered once."""

    async def callback(update: Update, context: Context) -> None:
        query = update.callback_query
        assert query is not None
        chat = query.message.chat if query.message is not None else None
        if chat is None:
            return  # a button on an inline message: nothing of ours
        tap = Tap(query, context, chat.id)
        try:
            if chat.type != ChatType.PRIVATE:  # the pointer, on the button only: no message
                await tap.ack(chats.c["tg.private_only"])
                return
            press = codec.decode(query.data)
            if kind is not None and not isinstance(press, kind):
                log.info("chat %s: unrecognised button data refused", tap.chat_id)
                await refuse(chats, tap, strip=False)
                return
            await handle(tap, press)  # type: ignore[arg-type]
            chats.pressed(chat.id, query)
        finally:
            if not tap.answered:
                await tap.ack()

    return callback


async def refuse(chats: Chats, tap: Tap, *, strip: bool) -> None:
    """A stale or forged press: a short notice, then the current question again. A double tap
    (the button just handled, pressed again) only gets the short notice: its message already
    shows where the chat is."""
    if chats.repeats(tap.chat_id, tap.query):
        await tap.ack(chats.c["tg.already"])
        return
    await tap.ack(chats.c["tg.stale"])
    if strip:
        await chats.drop_keyboard(tap.query)
    await chats.show_current(tap.context.bot, tap.chat_id)


class Buttons:
    """The conversation's buttons."""

    def __init__(self, chats: Chats) -> None:
        self.chats = chats
        self.engine = chats.engine

    async def refuse(self, tap: Tap, *, strip: bool) -> None:
        """A stale or forged press: a short notice, then the current question again."""
        await refuse(self.chats, tap, strip=strip)

    async def on_forged(self, tap: Tap, press: codec.Press | None) -> None:
        """Data that is not ours (forged, or from an older version of the bot)."""
        log.info("chat %s: unrecognised button data refused", tap.chat_id)
        await self.refuse(tap, strip=False)

    async def _current(self, tap: Tap, turn: int, *, strip: bool = True) -> State | None:
        """The chat's state when the press belongs to its current turn, else None (refused)."""
        state, reset = self.chats.load(tap.chat_id)
        if reset and state is not None:
            # The stored conversation was from an older dialog and has just been restarted:
            # say so (not "stale: your answers are as they were").
            await tap.ack(None)
            await self.chats.drop_keyboard(tap.query)
            await self.chats.send_reply(tap.context.bot, tap.chat_id, self.engine.show(state),
                                        reset)
            return None
        if state is None or turn != state.turn:
            await self.refuse(tap, strip=strip)
            return None
        return state

    async def on_answer(self, tap: Tap, press: codec.Answer) -> None:
        """An option of the current question."""
        state = await self._current(tap, press.turn)
        if state is None:
            return
        ids = self.chats.keyboards.question_ids
        q = self.engine.dialog.questions[ids[press.question]] if press.question < len(
            ids) else None
        if q is None or q.id != state.node or press.option >= len(q.options):
            await self.refuse(tap, strip=True)
            return
        value = q.options[press.option].value
        reply = self.engine.choose(state, q.id, value)
        self.chats.save(tap.chat_id, reply.state)
        await tap.ack(None)
        await self.chats.show_in_place(tap.context.bot, tap.chat_id, tap.query, reply)

    async def on_tick(self, tap: Tap, press: codec.Tick) -> None:
        """Tick (or untick) an item of the checklist shown: the same message, re-marked."""
        state = await self._current(tap, press.turn)
        if state is None:
            return
        screen = self.engine.screen(state)
        if screen is None or press.item >= len(screen.items):
            await self.refuse(tap, strip=True)
            return
        reply = self.engine.tick(state, screen.items[press.item].question)
        self.chats.save(tap.chat_id, reply.state)
        await tap.ack(None)
        await self.chats.show_in_place(tap.context.bot, tap.chat_id, tap.query, reply)

    async def on_screen_done(self, tap: Tap, press: codec.ScreenDone) -> None:
        """The checklist is done ("Done" or "None of these"): the rest are no; on we go."""
        state = await self._current(tap, press.turn)
        if state is None:
            return
        if self.engine.screen(state) is None:
            await self.refuse(tap, strip=True)
            return
        reply = self.engine.screen_done(state)
        self.chats.save(tap.chat_id, reply.state)
        await tap.ack(None)
        await self.chats.show_in_place(tap.context.bot, tap.chat_id, tap.query, reply)

    async def on_back(self, tap: Tap, press: codec.Back) -> None:
        """Undo the last answer (a checklist as a whole)."""
        state = await self._current(tap, press.turn)
        if state is None:
            return
        reply = self.engine.back(state)
        if reply.changed:
            self.chats.save(tap.chat_id, reply.state)
        await tap.ack(None)
        await self.chats.show_in_place(tap.context.bot, tap.chat_id, tap.query, reply)

    async def on_why(self, tap: Tap, press: codec.Why) -> None:
        """Why the current question is asked."""
        state = await self._current(tap, press.turn)
        if state is None:
            return
        await tap.ack(None)
        await self.chats.send_doc(tap.context.bot, tap.chat_id, self.chats.render.why(state))

    async def on_start_over(self, tap: Tap, press: codec.StartOver) -> None:
        """A new check, from the outcome's button."""
        state = await self._current(tap, press.turn, strip=False)
        if state is None:
            return
        reply = self.engine.restart(state)
        self.chats.save(tap.chat_id, reply.state)
        await tap.ack(None)
        await self.chats.send_reply(tap.context.bot, tap.chat_id, reply)

    async def on_readback_ok(self, tap: Tap, press: codec.ReadbackOk) -> None:
        """The answers read back are right: the outcome."""
        state = await self._current(tap, press.turn)
        if state is None:
            return
        reply = self.engine.readback_ok(state)
        self.chats.save(tap.chat_id, reply.state)
        await tap.ack(None)
        await self.chats.show_in_place(tap.context.bot, tap.chat_id, tap.query, reply)

    async def on_readback_change(self, tap: Tap, press: codec.ReadbackChange) -> None:
        """Change one answer read back: its question again."""
        state = await self._current(tap, press.turn)
        items = self.engine.given(state, typed_only=True) if state is not None else ()
        if state is None or press.item >= len(items):
            if state is not None:
                await self.refuse(tap, strip=True)
            return
        reply = self.engine.readback_change(state, items[press.item].question.id)
        self.chats.save(tap.chat_id, reply.state)
        await tap.ack(None)
        await self.chats.show_in_place(tap.context.bot, tap.chat_id, tap.query, reply)

    async def on_summary(self, tap: Tap, press: codec.Summary) -> None:
        """What the user said so far, and where it points."""
        await tap.ack(None)
        state, _ = self.chats.load(tap.chat_id)
        summary = self.engine.summary(state or self.engine.new_state())
        await self.chats.send_doc(tap.context.bot, tap.chat_id, self.chats.render.summary(
            summary, self.chats.session.today()))
