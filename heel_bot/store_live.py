"""Which message of a chat carries the conversation's buttons, for the SQLite store.

The Telegram adapter keeps buttons on one message only (heel_bot/tg/chats.py): when it sends a
new question, result or menu, it takes them off the message that had them, whose id is kept
here, in the conversation's row (so `forget` deletes it with the rest). Mixed into `Store`.
"""

from __future__ import annotations

import contextlib
import sqlite3
from typing import Any


class LiveMessages:
    """The live message's id per chat (`Store` provides the connection and transactions)."""

    _db: sqlite3.Connection

    def _transaction(self) -> contextlib.AbstractContextManager[None]:
        raise NotImplementedError  # pragma: no cover - Store's

    def _read(self, sql: str, params: tuple[object, ...] = ()) -> list[tuple[Any, ...]]:
        raise NotImplementedError  # pragma: no cover - Store's

    def live_message(self, chat_id: int) -> int | None:
        """The id of the chat's message with the conversation's buttons, if known."""
        rows = self._read("SELECT live FROM conversations WHERE chat_id = ?", (chat_id,))
        return int(rows[0][0]) if rows and rows[0][0] is not None else None

    def set_live_message(self, chat_id: int, message_id: int | None) -> None:
        """Remember the chat's live message (nothing is stored for a chat with no
        conversation: its buttons need no taking off later)."""
        with self._transaction():
            self._db.execute("UPDATE conversations SET live = ? WHERE chat_id = ?",
                             (message_id, chat_id))
