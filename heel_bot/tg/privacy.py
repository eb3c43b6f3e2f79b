"""Privacy commands: /privacy says what is kept and why; /forget deletes all of it."""

from __future__ import annotations

import logging
from typing import TypeAlias

from telegram import Update
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from heel_bot.tg import codec
from heel_bot.tg.buttons import Tap
from heel_bot.tg.chats import Chats, not_modified
from heel_bot.tg.reminders import Reminders

log = logging.getLogger(__name__)

Context: TypeAlias = ContextTypes.DEFAULT_TYPE


class Privacy:
    """What the bot keeps about a chat, and deleting it on request."""

    def __init__(self, chats: Chats, reminders: Reminders) -> None:
        self.chats = chats
        self.reminders = reminders

    async def on_privacy(self, update: Update, context: Context) -> None:
        """/privacy: what is kept, and why."""
        assert update.effective_chat is not None
        await self.chats.send(context.bot, update.effective_chat.id,
                              self.chats.html("tg.privacy"))

    async def on_forget(self, update: Update, context: Context) -> None:
        """/forget: ask first; nothing is deleted without a press."""
        assert update.effective_chat is not None
        await self.chats.send(context.bot, update.effective_chat.id,
                              self.chats.html("tg.forget.ask"), self.chats.keyboards.forget())

    async def on_confirm(self, tap: Tap, press: codec.Forget) -> None:
        """Delete every row of the chat, or keep everything."""
        chat_id, store = tap.chat_id, self.chats.store
        if press.confirmed:
            ids = [r.id for r in store.reminders(chat_id)]
            store.forget(chat_id)
            self.reminders.unschedule(tap.context.job_queue, *ids)
            log.info("a chat's conversation and check-ins were forgotten on request")
        await tap.ack(None)
        key = "tg.forget.done" if press.confirmed else "tg.forget.kept"
        try:
            await tap.query.edit_message_text(self.chats.html(key))
        except BadRequest as exc:
            if not not_modified(exc):
                await self.chats.send(tap.context.bot, chat_id, self.chats.html(key))
