"""A chat's conversation in the store, and the replies about it: what every handler shares.

Conversation state lives in the store, read when a chat's update arrives and committed before
the reply goes out; nothing about a conversation is kept in memory. A stored state that no
longer fits the dialog (the dialog changed) is restarted with a notice.
"""

from __future__ import annotations

import contextlib
import logging
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from typing import cast

from telegram import CallbackQuery, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatType
from telegram.error import BadRequest, TelegramError
from telegram.ext import ExtBot

from heel_bot.engine import Engine, Notice, Reply, State
from heel_bot.errors import StateError
from heel_bot.ops.metrics import DIRECT, Metrics
from heel_bot.render import Block, Doc, Renderer, short_only, to_html
from heel_bot.session import Session
from heel_bot.stores.api import Storage
from heel_bot.tg.keyboards import Keyboards
from heel_bot.tg.text import esc, split_html

log = logging.getLogger(__name__)

# Chats whose last press is remembered, to recognise a double tap (the oldest are forgotten).
REMEMBERED_PRESSES = 4096


def not_modified(exc: BadRequest) -> bool:
    """Whether Telegram refused an edit because the message already looks like that."""
    return "not modified" in str(exc).casefold()


class Chats:
    """Load and save a chat's conversation; send documents, replies and questions."""

    def __init__(self, engine: Engine, store: Storage,
                 today: Callable[[], str] | None = None, metrics: Metrics | None = None) -> None:
        self.engine = engine
        self.store = store
        self.metrics = metrics or Metrics(process=False)
        self.session = Session(engine, numbered=False, today=today)
        self.render: Renderer = self.session.render
        self.c = engine.bundle.content
        self.keyboards = Keyboards(engine)
        # Each chat's last press handled: (message id, data). Only to recognise a double tap,
        # whose second press is not refused as stale (that would show the question twice).
        self._presses: OrderedDict[int, tuple[int, str | None]] = OrderedDict()

    # ------------------------------------------------------------ state

    def load(self, chat_id: int) -> tuple[State | None, tuple[Notice, ...]]:
        """The chat's conversation; a state that no longer fits the dialog is restarted."""
        raw = self.store.load(chat_id)
        if raw is None:
            return None, ()
        try:
            return self.engine.restore(raw), ()
        except StateError as exc:
            # One line, without the stored state: it holds the user's answers. A damaged row
            # is worth a look; a conversation of an older dialog is expected after an update.
            older = str(exc).startswith("state is for dialog")
            log.log(logging.INFO if older else logging.WARNING,
                    "chat %s: stored conversation %s; started afresh", chat_id,
                    "of another dialog version" if older else "damaged")
            try:
                turn = State.from_json(raw).turn + 1
            except StateError:
                turn = 1
            state = replace(self.engine.new_state(), turn=max(turn, 1))
            self.store.save(chat_id, state.to_json())
            return state, (Notice("ui.state_reset"),)

    def save(self, chat_id: int, state: State) -> None:
        """Commit the state; called before any reply about it is sent."""
        self.store.save(chat_id, state.to_json())

    # ------------------------------------------------------------ presses

    def pressed(self, chat_id: int, query: CallbackQuery) -> None:
        """Remember the chat's press as handled."""
        if query.message is not None:
            self._presses[chat_id] = (query.message.message_id, query.data)
            self._presses.move_to_end(chat_id)
            if len(self._presses) > REMEMBERED_PRESSES:
                self._presses.popitem(last=False)

    def repeats(self, chat_id: int, query: CallbackQuery) -> bool:
        """Whether the press is the same button of the same message as the chat's last one: a
        double tap, already handled."""
        return query.message is not None and self._presses.get(chat_id) == (
            query.message.message_id, query.data)

    # ------------------------------------------------------------ text

    def html(self, key: str, **params: object) -> str:
        """A content text as escaped HTML."""
        return esc(self.c.get(key, **params))

    def doc_of(self, *keys: str) -> Doc:
        """Text blocks from content keys."""
        return [Block("text", self.c[k]) for k in keys]

    def reply_doc(self, reply: Reply, extra: Iterable[Notice] = ()) -> Doc:
        """A reply as a document, with extra notices first."""
        doc = self.render.notices(extra) + self.render.reply(reply, numbered=False)
        if reply.question is None and not reply.notices and not (
                reply.outcome is not None and reply.changed):
            doc += self.doc_of("ui.finished")
        return doc

    # ------------------------------------------------------------ sending

    async def send(self, bot: ExtBot[None], chat_id: int, text: str,
                   markup: InlineKeyboardMarkup | None = None, *,
                   live: bool = False) -> Message | None:
        """Send HTML text, split below the limit; the keyboard goes on the last part. With
        `live`, its buttons are the conversation's: the message that had them loses them."""
        parts = split_html(text)
        sent: Message | None = None
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            sent = await bot.send_message(chat_id, part, reply_markup=markup if last else None)
        if live and markup is not None and sent is not None:
            await self.went_live(bot, chat_id, sent.message_id)
        return sent

    async def send_doc(self, bot: ExtBot[None], chat_id: int, doc: Doc,
                       markup: InlineKeyboardMarkup | None = None, *,
                       live: bool = False) -> None:
        """Send a rendered document."""
        await self.send(bot, chat_id, to_html(doc), markup, live=live)

    async def went_live(self, bot: ExtBot[None], chat_id: int, message_id: int) -> None:
        """`message_id` carries the conversation's buttons now: remember it, and take them
        off the message that had them (best effort: it may be gone or too old), so that only
        the live message has buttons. Side keyboards (a check-in, /forget's confirmation,
        /remind's list) are not the conversation's and are left alone."""
        before = self.store.live_message(chat_id)
        if before == message_id:
            return
        self.store.set_live_message(chat_id, message_id)
        if before is not None:
            try:
                await bot.edit_message_reply_markup(chat_id, before, reply_markup=None)
            except BadRequest as exc:
                log.debug("old buttons not removed: %s", exc)

    def tally(self, reply: Reply) -> None:
        """Count an outcome reached (called once per reply shown)."""
        if reply.outcome is not None and reply.changed:
            self.metrics.conversation_finished(reply.outcome.level)

    async def send_reply(self, bot: ExtBot[None], chat_id: int, reply: Reply,
                         extra: Iterable[Notice] = ()) -> None:
        """Send a reply: notices and the question with its buttons, or the outcome. A reply that
        is only a short line (not understood) goes without buttons: the question's are still on
        its own message, and only the live message has buttons."""
        self.tally(reply)
        markup = None if short_only(reply) and not extra else self.keyboards.for_reply(reply)
        await self.send_doc(bot, chat_id, self.reply_doc(reply, extra), markup, live=True)

    async def begin(self, bot: ExtBot[None], chat_id: int, reply: Reply | None = None,
                    source: str = DIRECT) -> None:
        """A new conversation (`reply`: as an opening message left it; `source`: where the
        person came from, a metrics label): greet, store it, then ask the first question.
        (Greeting first: after a crash between the two, a stored conversation is only shown
        where it stands, and the greeting must not be lost.)"""
        reply = reply or self.engine.start()
        self.metrics.conversation_started(source)
        await self.send_doc(bot, chat_id, self.render.welcome())
        self.save(chat_id, reply.state)
        await self.send_reply(bot, chat_id, reply)

    async def show_current(self, bot: ExtBot[None], chat_id: int,
                           extra: Sequence[Notice] = ()) -> None:
        """The current question (or the finished check) again, after `extra` notices."""
        state, reset = self.load(chat_id)
        if state is None:
            if extra:
                await self.send_doc(bot, chat_id, self.render.notices(extra))
            await self.begin(bot, chat_id)
            return
        await self.send_reply(bot, chat_id, self.engine.show(state), (*extra, *reset))

    async def resume(self, update: Update) -> None:
        """An update handled again after a crash, whose changes had been committed: show the
        chat where it stands (its reply may never have gone out), never apply it twice."""
        chat = update.effective_chat
        if chat is None or chat.type != ChatType.PRIVATE:
            return
        bot = cast("ExtBot[None]", update.get_bot())
        if update.callback_query is not None:
            with contextlib.suppress(TelegramError):  # too old by now, most likely
                await update.callback_query.answer()
            await self.drop_keyboard(update.callback_query)
        if self.store.load(chat.id) is not None:  # none: e.g. it was forgotten
            await self.show_current(bot, chat.id)

    # ------------------------------------------------------------ the pressed message

    def card_doc(self, reply: Reply) -> Doc:
        """A reply shown on the message that was pressed: for a question or a checklist, the
        answers so far come first (the earlier questions are no longer on screen)."""
        doc = self.reply_doc(reply)
        if reply.question is None:
            return doc
        lines = self.render.so_far(reply.state)
        return [Block("text", "\n".join(f"✓ {line}" for line in lines)), *doc] if lines else doc

    async def show_in_place(self, bot: ExtBot[None], chat_id: int, query: CallbackQuery,
                            reply: Reply) -> None:
        """Show `reply` by editing the pressed message: one Bot API call per press, and the
        pressed message's buttons replaced by the new ones (only the live message has
        buttons). A message that cannot be edited, or a reply too long for one message, goes
        out as new messages instead. An edit Telegram says changes nothing has been made: the
        transport retried an edit whose answer was lost (sending the reply anew would show
        the question twice)."""
        parts = split_html(to_html(self.card_doc(reply)))
        if len(parts) == 1:
            try:
                markup = self.keyboards.for_reply(reply)
                await query.edit_message_text(parts[0], reply_markup=markup)
                self.tally(reply)  # (on the way below, send_reply counts it)
                if query.message is not None:
                    await self.went_live(bot, chat_id, query.message.message_id)
                return
            except BadRequest as exc:
                if not_modified(exc):
                    return  # it shows this already: a retried edit had gone through
                log.debug("pressed message not edited: %s", exc)
        await self.drop_keyboard(query)
        await self.send_reply(bot, chat_id, reply)

    async def show_answered(self, query: CallbackQuery, question: str, answer: str) -> None:
        """Edit the pressed message to 'question: answer', which also removes its keyboard."""
        template = esc(self.c["tg.answered"])
        text = template.format(question=f"<b>{esc(question)}</b>", answer=esc(answer))
        try:
            await query.edit_message_text(text)
        except BadRequest as exc:
            log.debug("answered message not edited: %s", exc)

    async def drop_keyboard(self, query: CallbackQuery) -> None:
        """Remove the buttons from the pressed message (best effort: it may be too old)."""
        try:
            await query.edit_message_reply_markup(None)
        except BadRequest as exc:
            log.debug("keyboard not removed: %s", exc)
