"""What the bot reacts to: one table of handlers, in the order python-telegram-bot tries them.

The first handler whose filter (or callback-data pattern) matches an update handles it.
Edited messages and update types not listed here have no handler: they are ignored.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from heel_bot.tg import codec
from heel_bot.tg.buttons import Buttons, tapped
from heel_bot.tg.chats import Chats
from heel_bot.tg.menus import Menus
from heel_bot.tg.privacy import Privacy
from heel_bot.tg.reminders import Reminders
from heel_bot.tg.typed import Typed

# Conversation commands the session understands (the same words work typed without a slash).
SESSION_COMMANDS = ("help", "back", "restart", "why", "summary", "learn", "quit")
# The command menu Telegram shows, in this order (texts: tg.commands.<name>).
MENU = ("start", "help", "back", "restart", "why", "summary", "learn", "remind", "forget",
        "privacy")


@dataclass(frozen=True)
class Handlers:
    """The handler objects, each with one concern."""

    chats: Chats
    typed: Typed
    buttons: Buttons
    reminders: Reminders
    privacy: Privacy
    menus: Menus


def _answers(h: Handlers) -> tuple[tuple[type, Any], ...]:
    """The presses that answer: an option, a checklist tick, a checklist done."""
    return ((codec.Answer, h.buttons.on_answer), (codec.Tick, h.buttons.on_tick),
            (codec.ScreenDone, h.buttons.on_screen_done))


def member(h: Handlers) -> Any:
    """The bot's membership changed: in a private chat (blocked?) or a group (added?)."""

    async def on_member(update: Update, context: Any) -> None:
        changed = update.my_chat_member
        if changed is not None and changed.chat.type in (ChatType.GROUP, ChatType.SUPERGROUP):
            await h.typed.on_added(update, context)
        else:
            await h.reminders.on_member(update, context)

    return on_member


def install(app: Application[Any, Any, Any, Any, Any, Any], h: Handlers) -> None:
    """Register the table below on `app`."""
    private = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
    # In groups only a command gets an answer (the pointer to a private chat): with privacy
    # mode off a bot sees every message, and answering each would flood the group.
    in_groups = filters.ChatType.GROUPS & filters.UpdateType.MESSAGE & filters.COMMAND

    def press(kind: type, handle: Any) -> CallbackQueryHandler[Any, Any]:
        """Presses whose callback data decodes to `kind` go to `handle`."""
        return CallbackQueryHandler(tapped(h.chats, handle, kind), pattern=codec.matches(kind))

    app.add_handlers([
        # Groups: a pointer to a private chat, when added and for a command; nothing stored.
        MessageHandler(in_groups, h.typed.on_elsewhere),
        # Private chats: commands, typed text, anything else.
        CommandHandler("start", h.typed.on_start, filters=private),
        CommandHandler("privacy", h.privacy.on_privacy, filters=private),
        CommandHandler("forget", h.privacy.on_forget, filters=private),
        CommandHandler("remind", h.reminders.on_remind, filters=private),
        CommandHandler(SESSION_COMMANDS, h.typed.on_text, filters=private),
        MessageHandler(private & filters.COMMAND, h.typed.on_unknown_command),
        MessageHandler(private & filters.TEXT, h.typed.on_text),
        MessageHandler(private & ~filters.StatusUpdate.ALL, h.typed.on_other),
        # Buttons, routed by the press their callback data decodes to.
        *(press(kind, handle) for kind, handle in _answers(h)),
        press(codec.Back, h.buttons.on_back),
        press(codec.Why, h.buttons.on_why),
        press(codec.StartOver, h.buttons.on_start_over),
        press(codec.ReadbackOk, h.buttons.on_readback_ok),
        press(codec.ReadbackChange, h.buttons.on_readback_change),
        press(codec.Summary, h.buttons.on_summary),
        *(press(kind, handle) for kind, handle in h.menus.presses()),
        press(codec.Remind, h.reminders.on_book),
        press(codec.Cancel, h.reminders.on_cancel),
        press(codec.CheckinAnswer, h.reminders.on_answer),
        press(codec.Forget, h.privacy.on_confirm),
        CallbackQueryHandler(tapped(h.chats, h.buttons.on_forged)),  # anything else: forged
        # A user who blocks the bot; the bot added to a group.
        ChatMemberHandler(member(h), ChatMemberHandler.MY_CHAT_MEMBER),
    ])
