"""Per-chat order: one chat's updates one after another, different chats concurrently."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from heel_bot.ops.metrics import Metrics

TAKEN_IN = 2**20  # updates PTB hands over at once: as many as are fetched

Around = Callable[[object, Awaitable[Any]], Awaitable[None]]


async def _plainly(update: object, coroutine: Awaitable[Any]) -> None:
    await coroutine


def chat_id_of(update: object) -> int | None:
    """The chat an update belongs to, if any."""
    if isinstance(update, Update) and update.effective_chat is not None:
        return update.effective_chat.id
    return None


def update_kind(update: object) -> str:
    """What an update carries ("message", "callback_query"…): a metrics label."""
    if isinstance(update, Update):
        for kind in Update.ALL_TYPES:
            if getattr(update, kind, None) is not None:
                return kind
    return "other"


class ChatOrderedProcessor(BaseUpdateProcessor):
    """Processes one chat's updates in order and different chats' updates concurrently.

    Updates are started in arrival order and asyncio locks are fair (first come, first
    served), so a chat's updates run one after another in the order Telegram sent them. The
    same lock is taken by reminder jobs, so a check-in never interleaves with an answer.

    At most `max_concurrent_updates` updates run at once, and an update takes one of these
    slots only once it holds its chat's lock: a chat's queued updates wait on their own chat,
    not in the slots every chat shares. Otherwise one chat sending more updates than there are
    slots (a fast typist held to about a message a second by the flood limiter) would take
    them all and stall every other chat.
    """

    def __init__(self, max_concurrent_updates: int = 256, around: Around | None = None,
                 metrics: Metrics | None = None) -> None:
        # PTB takes a slot of its own before do_process_update, i.e. before the chat's lock,
        # so its slots are left wide open (each fetched update is a task already: they bound
        # nothing else) and the bound is a semaphore of ours, taken after the lock.
        # (`max_concurrent_updates` therefore reports PTB's wide-open number.)
        super().__init__(TAKEN_IN)
        self._running = asyncio.Semaphore(max_concurrent_updates)
        # Runs each update's handlers (the inbox: marks it applied and done around them).
        self._around: Around = around or _plainly
        self._locks: dict[int, asyncio.Lock] = {}
        self._users: dict[int, int] = {}
        self.metrics = metrics or Metrics(process=False)

    @contextlib.asynccontextmanager
    async def chat_lock(self, chat_id: int) -> AsyncIterator[None]:
        """Hold the chat's lock; locks of idle chats are dropped, so memory stays flat."""
        lock = self._locks.setdefault(chat_id, asyncio.Lock())
        self._users[chat_id] = self._users.get(chat_id, 0) + 1
        try:
            async with lock:
                yield
        finally:
            self._users[chat_id] -= 1
            if not self._users[chat_id]:
                del self._users[chat_id]
                del self._locks[chat_id]

    @contextlib.asynccontextmanager
    async def slot(self, chat_id: int) -> AsyncIterator[None]:
        """The chat's lock and one of the slots, as an update takes them (for a check-in:
        it never interleaves with the chat's updates, and a burst of check-ins coming due
        waits for slots instead of taking a database connection each)."""
        async with self.chat_lock(chat_id), self._running:
            yield

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        arrived = time.monotonic()
        chat_id = chat_id_of(update)
        if chat_id is None:
            async with self._running:
                await self._around(update, coroutine)
        else:
            async with self.chat_lock(chat_id), self._running:
                await self._around(update, coroutine)
        # The reply latency as the person sees it: queued behind their own chat included.
        self.metrics.update(update_kind(update), time.monotonic() - arrived)

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""
