"""Typed messages: answers in the user's own words, the conversation's commands, and the rest.

The conversation commands (/back, /why, /summary, /learn, /help, /restart, /quit) and typed
text both go through the same session that the terminal chat uses, so a command word means
the same on every channel.
"""

from __future__ import annotations

import logging
from typing import TypeAlias

from telegram import Update
from telegram.constants import ChatMemberStatus
from telegram.error import BadRequest, Forbidden
from telegram.ext import ContextTypes, ExtBot

from heel_bot.engine import Notice, State
from heel_bot.ops.metrics import DIRECT, OTHER
from heel_bot.session import Turn
from heel_bot.tg.chats import Chats

log = logging.getLogger(__name__)

Context: TypeAlias = ContextTypes.DEFAULT_TYPE

# Commands that only show something: before any conversation they store nothing.
READ_ONLY_COMMANDS = ("help", "why", "summary", "learn", "quit")
# The short lines that say a typed message held nothing usable: a language-layer miss.
MISSES = frozenset({"ui.unmatched", "ui.readback_unmatched"})


class Typed:
    """Handlers for what people type."""

    def __init__(self, chats: Chats, deep_links: frozenset[str] = frozenset()) -> None:
        self.chats = chats
        self.engine = chats.engine
        self.deep_links = deep_links

    def source(self, args: list[str] | None) -> str:
        """Where a /start came from, as a metrics label: a deep link's payload (`/start
        club_riverside`) only when the operator listed it, never whatever a person typed."""
        if not args:
            return DIRECT
        return args[0] if args[0] in self.deep_links else OTHER

    async def on_start(self, update: Update, context: Context) -> None:
        """/start (`/start <payload>` from a deep link): a new check, or carry on with the one
        in progress."""
        chats, bot, chat_id = self.chats, context.bot, _chat_id(update)
        state, reset = chats.load(chat_id)
        if state is None:
            await chats.begin(bot, chat_id, source=self.source(context.args))
        elif reset:
            await chats.send_reply(bot, chat_id, self.engine.show(state), reset)
        elif state.finished:
            reply = self.engine.restart(state)
            chats.save(chat_id, reply.state)
            chats.metrics.conversation_started(self.source(context.args))
            await chats.send_doc(bot, chat_id, chats.render.welcome())
            await chats.send_reply(bot, chat_id, reply)
        else:
            await chats.send_reply(bot, chat_id, self.engine.show(state),
                                   (Notice("tg.welcome_back"),))

    async def on_text(self, update: Update, context: Context) -> None:
        """Typed text or a conversation command: the session decides which."""
        message = update.effective_message
        assert message is not None and message.text is not None
        chats, bot, chat_id = self.chats, context.bot, _chat_id(update)
        state, reset = chats.load(chat_id)
        if reset and state is not None:
            await chats.send_reply(bot, chat_id, self.engine.show(state), reset)
            return
        log.debug("chat %s typed %r", chat_id, message.text)
        turn = chats.session.handle(state or self.engine.new_state(), message.text)
        if state is None and turn.command not in READ_ONLY_COMMANDS:
            # A first message is not an answer to a question not yet asked: the facts it
            # volunteers are kept, then the welcome and the first question they leave.
            await chats.begin(bot, chat_id, self.engine.opening(message.text))
            return
        await self._show_turn(bot, chat_id, state, turn)

    async def _show_turn(self, bot: ExtBot[None], chat_id: int, state: State | None,
                         turn: Turn) -> None:
        chats = self.chats
        if turn.reply is not None:
            if state is not None and any(n.key in MISSES for n in turn.reply.notices):
                chats.metrics.language_miss(state.node)
            if turn.reply.changed:
                chats.save(chat_id, turn.reply.state)
            await chats.send_reply(bot, chat_id, turn.reply)
        elif turn.command == "help":
            await chats.send_doc(bot, chat_id, chats.render.help(numbered=False))
            if state is None:
                await chats.begin(bot, chat_id)
            else:
                await chats.send_reply(bot, chat_id, self.engine.show(state))
        elif turn.view is not None and turn.view.kind in ("learn", "topic"):
            # The learn menu or a topic's first page: its buttons then edit it in place.
            at, k = state.turn if state else 0, chats.keyboards
            await chats.send_doc(bot, chat_id, turn.doc, k.learn_pages(at) if turn.view.kind ==
                                 "learn" else k.page(turn.view.topic, turn.view.page, at),
                                 live=True)
        elif turn.view is not None and turn.view.kind == "card" and state is not None:
            # A card typed by its number: with "‹ Result", which turns it back into the result
            # (the result above gives up its buttons: only the live message has them).
            await chats.send_doc(bot, chat_id, turn.doc, chats.keyboards.card(state), live=True)
        else:  # why, summary, quit
            await chats.send_doc(bot, chat_id, turn.doc)

    async def on_unknown_command(self, update: Update, context: Context) -> None:
        """A /command we do not know: say so, then the current question again."""
        message = update.effective_message
        assert message is not None and message.text is not None
        if _for_another_bot(message.text, context):
            return
        await self.chats.show_current(context.bot, _chat_id(update),
                                      (Notice("tg.unknown_command"),))

    async def on_other(self, update: Update, context: Context) -> None:
        """Stickers, photos, voice, locations, documents…: a kind word, then the question."""
        await self.chats.show_current(context.bot, _chat_id(update), (Notice("tg.non_text"),))

    async def on_elsewhere(self, update: Update, context: Context) -> None:
        """A command in a group: the pointer to a private chat (unless it is meant for another
        bot); nothing is stored."""
        message = update.effective_message
        if message is None or message.text is None or _for_another_bot(message.text, context):
            return
        await self._point(context, message.chat.id)

    async def on_added(self, update: Update, context: Context) -> None:
        """The bot added to a group: say once that it talks one to one; nothing is stored."""
        changed = update.my_chat_member
        if changed is None:
            return
        joined = {ChatMemberStatus.MEMBER, ChatMemberStatus.ADMINISTRATOR}
        if changed.new_chat_member.status in joined and \
                changed.old_chat_member.status not in joined:
            await self._point(context, changed.chat.id)

    async def _point(self, context: Context, chat_id: int) -> None:
        try:
            await context.bot.send_message(chat_id, self.chats.html("tg.private_only"))
        except (Forbidden, BadRequest) as exc:  # e.g. a group where the bot may not write
            log.debug("no reply in chat %s: %s", chat_id, type(exc).__name__)


def _for_another_bot(text: str, context: Context) -> bool:
    """Whether a command names another bot (`/start@other_bot`)."""
    first = text.split(maxsplit=1)[0] if text.strip() else ""
    return "@" in first and first.split("@", 1)[1].casefold() != (
        context.bot.username or "").casefold()


def _chat_id(update: Update) -> int:
    assert update.effective_chat is not None
    return update.effective_chat.id
