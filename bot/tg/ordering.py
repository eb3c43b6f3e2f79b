"""Per-chat order: one chat's updates one after another, different chats concurrently."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor


def chat_id_of(update: object) -> int | None:
    """The chat an update belongs to, if any."""
    if isinstance(update, Update) and update.effective_chat is not None:
        return update.effective_chat.id
    return None


class ChatOrderedProcessor(BaseUpdateProcessor):
    """Processes one chat's updates in order and different chats' updates concurrently.

    Updates are started in arrival order and asyncio locks are fair (first come, first
    served), so a chat's updates run one after another in the order Telegram sent them. The
    same lock is taken by reminder jobs, so a check-in never interleaves with an answer.
    """

    def __init__(self, max_concurrent_updates: int = 256) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self._users: dict[int, int] = {}

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

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        chat_id = chat_id_of(update)
        if chat_id is None:
            await coroutine
            return
        async with self.chat_lock(chat_id):
            await coroutine

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""
