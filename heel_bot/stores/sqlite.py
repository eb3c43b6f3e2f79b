"""The SQLite backend: heel_bot/store.py's file store, plus what the interface adds for several
instances.

SQLite serves one process (the file is local, and one bot holds it), so the additions are
plain: a chat's turn is an entry in an in-memory set, and claims are rows updated inside
SQLite's write lock (BEGIN IMMEDIATE), which already serialises every writer. The meaning is
the same as PostgreSQL's, so the store's tests run against both.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from heel_bot.store import BUSY_TIMEOUT, Reminder, Store
from heel_bot.stores.api import REMINDER_LEASE, ChatLock

_CLAIM_ONE = ("UPDATE reminders SET claimed_by = ?, claimed_until = ? WHERE id = ? AND "
              "(claimed_until IS NULL OR claimed_until <= ? OR claimed_by = ?) "
              "RETURNING id, chat_id, due_at, days, created")
_CLAIM_DUE = ("UPDATE reminders SET claimed_by = ?, claimed_until = ? WHERE id IN ("
              "SELECT id FROM reminders WHERE due_at <= ? AND "
              "(claimed_until IS NULL OR claimed_until <= ?) ORDER BY due_at, id LIMIT ?) "
              "RETURNING id, chat_id, due_at, days, created")


def _reminders(rows: list[Any]) -> list[Reminder]:
    found = [Reminder(int(r[0]), int(r[1]), float(r[2]), int(r[3]), float(r[4])) for r in rows]
    return sorted(found, key=lambda r: (r.due_at, r.id))


class _HeldChat:
    """A chat's turn in this process: its id in the store's set of held chats."""

    def __init__(self, held: set[int], guard: threading.Lock, chat_id: int) -> None:
        self._held, self._guard, self._chat_id = held, guard, chat_id
        self._released = False

    def release(self) -> None:
        with self._guard:
            if not self._released:
                self._released = True
                self._held.discard(self._chat_id)


class SqliteStore(Store):
    """The SQLite store as a `Storage` (heel_bot/stores/api.py)."""

    def __init__(self, path: Path | str, *, clock: Callable[[], float] = time.time,
                 trace: Callable[[str], None] | None = None,
                 busy_timeout: float = BUSY_TIMEOUT) -> None:
        super().__init__(path, clock=clock, trace=trace, busy_timeout=busy_timeout)
        self._now = clock
        self._held: set[int] = set()
        self._held_guard = threading.Lock()

    @property
    def where(self) -> str:
        """The database file."""
        return str(self.path)

    def try_lock_chat(self, chat_id: int) -> ChatLock | None:
        """The chat's turn if nobody in this process holds it, else None."""
        with self._held_guard:
            if chat_id in self._held:
                return None
            self._held.add(chat_id)
        return _HeldChat(self._held, self._held_guard, chat_id)

    def _claim_rows(self, sql: str, params: tuple[object, ...]) -> list[Reminder]:
        with self._transaction():
            # RETURNING rows must all be read before COMMIT.
            return _reminders(self._db.execute(sql, params).fetchall())

    def claim_reminder(self, reminder_id: int, owner: str, *,
                       lease: float = REMINDER_LEASE) -> Reminder | None:
        """Claim one check-in (see heel_bot/stores/api.py)."""
        now = self._now()
        found = self._claim_rows(_CLAIM_ONE, (owner, now + lease, reminder_id, now, owner))
        return found[0] if found else None

    def claim_due_reminders(self, owner: str, *, lease: float = REMINDER_LEASE,
                            limit: int = 100) -> list[Reminder]:
        """Claim due check-ins nobody holds, soonest first."""
        now = self._now()
        return self._claim_rows(_CLAIM_DUE, (owner, now + lease, now, now, limit))
