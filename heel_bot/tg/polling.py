"""Long polling that loses nothing: getUpdates with offsets of our own, through the inbox.

PTB's Updater confirms a batch of updates (the next getUpdates offset) as soon as it has put
them in the Application's queue, so a crash before they are handled loses them; and it reads a
whole batch at once, so one update it cannot read fails every poll from then on. Here each
batch is recorded in the store's inbox before the next poll confirms it, and updates are read
one by one (see heel_bot/tg/inbox.py).

Failures: a refused token (401) ends polling and makes `fatal` say so in one line (the process
then exits non-zero, for a supervisor to restart it, instead of living on deaf); a flood limit
waits as long as Telegram says; anything else (network, 5xx, 409 Conflict with another
instance) is one WARNING line and a retry after a growing pause (up to 30 s).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta
from typing import Any

from telegram.error import InvalidToken, RetryAfter, TelegramError
from telegram.ext import ExtBot

from heel_bot.store import StoreError
from heel_bot.tg.inbox import Inbox
from heel_bot.tg.logs import REDACTOR

log = logging.getLogger(__name__)

REFUSED = ("Telegram refused the bot token; check TELEGRAM_BOT_TOKEN against @BotFather "
           "(/mybots, API Token)")
FIRST_DELAY, MAX_DELAY = 1.0, 30.0


class Poller:
    """Fetches updates into `queue` until stopped, or until the token is refused."""

    def __init__(self, bot: ExtBot[Any], inbox: Inbox, queue: asyncio.Queue[object], *,
                 allowed_updates: Sequence[str], timeout: float = 10.0,
                 read_timeout: float = 5.0,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        self.bot, self.inbox, self.queue = bot, inbox, queue
        self.allowed_updates = list(allowed_updates)
        self.timeout = timeout  # of a long poll: Telegram answers at once when updates come
        self.read_timeout = read_timeout  # on top of `timeout`
        self._sleep = sleep
        self.offset: int | None = None
        self.fatal: str | None = None  # why polling gave up, in one line

    async def start(self) -> None:
        """Leave webhook mode (Telegram refuses getUpdates while a webhook is set) and begin
        after the last update recorded."""
        await self.bot.delete_webhook()
        last = self.inbox.last_id()
        self.offset = None if last is None else last + 1

    async def run(self, on_fatal: Callable[[], None]) -> None:
        """Poll until cancelled; a refused token calls `on_fatal` and ends the loop."""
        delay = 0.0
        while True:
            try:
                raw = await self._fetch(self.timeout)
            except InvalidToken:
                self.fatal = REFUSED
                log.error("polling stopped: %s", REFUSED)
                on_fatal()
                return
            except RetryAfter as exc:
                wait = _seconds(exc.retry_after) + 0.5
                log.warning("getUpdates: flood limit; polling again in %.0f s", wait)
                await self._sleep(wait)
                continue
            except TelegramError as exc:
                delay = min(max(delay * 2, FIRST_DELAY), MAX_DELAY)
                log.warning("getUpdates failed (%s: %s); polling again in %.0f s",
                            type(exc).__name__, REDACTOR.redact(str(exc))[:120], delay)
                await self._sleep(delay)
                continue
            delay = 0.0
            if not await self._take(raw):
                delay = MAX_DELAY
                await self._sleep(delay)

    async def confirm(self) -> None:
        """Tell Telegram every update fetched so far has arrived (best effort, at shutdown)."""
        if self.offset is None:
            return
        try:
            await self._fetch(0)
        except TelegramError as exc:
            log.info("last getUpdates at shutdown failed (%s); those updates are recorded and "
                     "are recognised if Telegram sends them again", type(exc).__name__)
            return
        self._confirmed()

    async def _fetch(self, wait: float) -> list[object]:
        data: dict[str, Any] = {"timeout": wait, "allowed_updates": self.allowed_updates}
        if self.offset is not None:
            data["offset"] = self.offset
        # The raw JSON, read here update by update: Bot.get_updates reads (and fails) a whole
        # batch at once. `_post` is what Bot.get_updates itself calls.
        result = await self.bot._post("getUpdates", data,
                                      read_timeout=self.read_timeout + wait)
        return list(result) if isinstance(result, list) else []

    async def _take(self, raw: list[object]) -> bool:
        """After a successful poll: forget the confirmed updates, record the new ones and hand
        them over; False (nothing confirmed, so Telegram sends them again) when the store
        cannot record them."""
        self._confirmed()
        try:
            updates = self.inbox.take(self.bot, raw)
        except StoreError as exc:
            log.error("updates not recorded, so not confirmed (polling again in %.0f s): %s",
                      MAX_DELAY, exc)
            return False
        ids = [d["update_id"] for d in raw
               if isinstance(d, dict) and isinstance(d.get("update_id"), int)]
        if ids:
            self.offset = ids[-1] + 1
        for update in updates:
            await self.queue.put(update)
        return True

    def _confirmed(self) -> None:
        try:
            self.inbox.store.inbox_confirm()
        except StoreError as exc:
            log.warning("handled updates not cleared from the inbox: %s", exc)


def _seconds(value: float | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)

