"""The bot's profile in Telegram: its description (what a new user reads before pressing
Start), its short description (on its profile and when it is shared) and its command menu.

Set on start, each only when it differs from what Telegram already has: a restart changes
nothing, and an edited text in content/ reaches Telegram at the next start. The texts say
what the bot is, that it is not a diagnosis, and the emergency line (content/telegram.yaml).
A part Telegram refuses is logged and the bot carries on: it works without a profile.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

from telegram import Bot, BotCommand
from telegram.error import TelegramError

from heel_bot.model import Content
from heel_bot.uikeys import command_key

log = logging.getLogger(__name__)

T = TypeVar("T")


async def present(bot: Bot, content: Content, menu: Sequence[str]) -> None:
    """Bring the description, the short description and the command menu (`menu`: command
    names, in order) up to date."""
    description, short = content["tg.description"], content["tg.short_description"]
    commands = [BotCommand(name, content[command_key(name)]) for name in menu]

    async def description_now() -> str:
        return (await bot.get_my_description()).description

    async def short_now() -> str:
        return (await bot.get_my_short_description()).short_description

    async def commands_now() -> list[BotCommand]:
        return list(await bot.get_my_commands())

    await _sync("description", description_now, description,
                lambda: bot.set_my_description(description))
    await _sync("short description", short_now, short,
                lambda: bot.set_my_short_description(short))
    await _sync("command menu", commands_now, commands, lambda: bot.set_my_commands(commands))


async def _sync(what: str, current: Callable[[], Awaitable[T]], wanted: T,
                   put: Callable[[], Awaitable[bool]]) -> None:
    """Set one part of the profile if Telegram's differs from `wanted`."""
    try:
        if await current() == wanted:
            return
        await put()
    except TelegramError as exc:
        log.warning("could not register the %s (%s); carrying on", what, type(exc).__name__)
        return
    log.info("registered the bot's %s with Telegram", what)
