"""The store's inbox: every update Telegram sent, kept from before its offset is confirmed until
it has been handled, so that a crash or `kill -9` in between loses nothing; and the lock that
keeps a second `heel-bot serve` off the same file.

A row's life: `inbox_add` (fetched: recorded before Telegram is told, by the next getUpdates
offset or the webhook's 200, that it has arrived) → `applied` (a write of its handling was
committed, in the same transaction: see `Store.handling`) → `inbox_done` (handled: its body is
emptied, the row kept so that a copy Telegram sends again is recognised) → `inbox_confirm`
(Telegram will not send it again: the row goes). On start, the rows not done are handled again:
those not applied from the beginning, the applied ones by showing the chat where it is.
"""

from __future__ import annotations

import contextlib
import contextvars
import fcntl
import json
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from heel_bot.store_errors import StoreError

# How long an update recorded in the inbox stays its instance's without a renewal: the
# instance renews its leases several times within it (heel_bot/tg/serving.py), so only a dead
# (or cut-off) instance's updates are taken over, half a minute late at most.
INBOX_LEASE = 30.0
# Several instances (heel_bot/stores/api.py): the rows an owner takes over, or claims to handle
# now. SQLite has one process, but keeps the same promises, so the store's tests run on both.
TAKE_OVER = ("UPDATE inbox SET owner = ?, lease_until = ? WHERE seq IN (SELECT seq FROM inbox "
             "WHERE done = 0 AND (? OR lease_until IS NULL OR lease_until <= ?) ORDER BY seq "
             "LIMIT ?) RETURNING seq, update_id, body, applied, done")
START = ("UPDATE inbox SET owner = ?, lease_until = ? WHERE update_id = ? AND done = 0 AND "
         "(owner = ? OR lease_until IS NULL OR lease_until <= ?) RETURNING applied")

# The update being handled in this task (set by `DeliveryRows.handling`): every write committed
# while it is set also marks the update applied in the inbox, in the same transaction.
HANDLING: contextvars.ContextVar[int | None] = contextvars.ContextVar("heel_bot_handling",
                                                                      default=None)


@dataclass(frozen=True)
class InboxRow:
    """An update in the inbox, in the order it came (`body`: its JSON, empty once done)."""

    update_id: int
    body: str
    applied: bool
    done: bool


@contextlib.contextmanager
def handling(update_id: int) -> Iterator[None]:
    """Mark the writes committed in this block (in this task) as the handling of `update_id`:
    each store then marks it applied in the inbox, in the write's own transaction."""
    token = HANDLING.set(update_id)
    try:
        yield
    finally:
        HANDLING.reset(token)


class DeliveryRows:
    """The inbox, the claim on the file and emptying the log: methods mixed into `Store` (which
    provides the connection and the transactions)."""

    path: Path
    _db: sqlite3.Connection
    _clock: Callable[[], float]
    _wipe: bool
    _claimed: int | None
    _lock: threading.RLock

    def _transaction(self) -> contextlib.AbstractContextManager[None]:
        raise NotImplementedError  # pragma: no cover - Store's

    def _read(self, sql: str, params: tuple[object, ...] = ()) -> list[tuple[Any, ...]]:
        raise NotImplementedError  # pragma: no cover - Store's

    def _explain(self, exc: sqlite3.Error) -> str:
        raise NotImplementedError  # pragma: no cover - Store's

    def handling(self, update_id: int) -> contextlib.AbstractContextManager[None]:
        """While handling the update `update_id` (in this task): every write committed meanwhile
        also marks it applied in the inbox, in the same transaction (see `inbox_add`)."""
        return handling(update_id)

    def wipe_log(self) -> bool:
        """Copy the write-ahead log into the file and empty it, so that deleted rows are not
        left readable in the log; False if another connection kept it from finishing. After
        `forget`, done again when the update that asked is handled (`inbox_done`) or the store
        closes: the request itself, in the inbox until then, names the user."""
        with self._lock:
            try:
                row = self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            except sqlite3.Error as exc:
                raise StoreError(self._explain(exc)) from None
            self._wipe = False
            return row is None or int(row[0]) == 0

    def claim(self, alone: bool = True) -> bool:
        """Hold the file for this process alone, until `close` (whatever `alone` asks: the
        file is local, one process serves it); True. StoreError if another process holds
        it. (An advisory lock on `<file>.lock`, which keeps the holder's pid; readers such as
        a backup are not held back.)"""
        lock = self.path.with_name(self.path.name + ".lock")
        try:
            held = lock_file(lock)
        except OSError as exc:
            raise StoreError(f"{lock}: cannot create the lock file ({exc.strerror}); check "
                             "the folder's permissions") from None
        if isinstance(held, str):
            raise StoreError(f"{self.path}: another heel-bot (pid {held}) is serving from "
                             "this database; stop it first, or give each bot its own "
                             "HEEL_BOT_DB")
        self._claimed = held
        return True

    def inbox_add(self, updates: Sequence[tuple[int, str]], owner: str = "", *,
                  lease: float = INBOX_LEASE) -> list[int]:
        """Record fetched updates (update id, JSON) in one transaction, committed when this
        returns, each `owner`'s for `lease` seconds; the ids that were new, in order (one
        already in the inbox is a copy Telegram sent again: not new)."""
        new: list[int] = []
        now = self._clock()
        with self._transaction():
            for update_id, body in updates:
                cur = self._db.execute("INSERT OR IGNORE INTO inbox (update_id, body, received, "
                                       "owner, lease_until) VALUES (?, ?, ?, ?, ?)",
                                       (update_id, body, now, owner, now + lease))
                if cur.rowcount:
                    new.append(update_id)
        return new

    def inbox(self) -> list[InboxRow]:
        """Every row of the inbox, in the order the updates came."""
        rows = self._read("SELECT update_id, body, applied, done FROM inbox ORDER BY seq")
        return [InboxRow(int(r[0]), str(r[1]), bool(r[2]), bool(r[3])) for r in rows]

    def inbox_done(self, update_id: int) -> None:
        """The update has been handled: its body is emptied (overwritten in the file); the row
        stays until `inbox_confirm`."""
        with self._transaction():
            self._db.execute("UPDATE inbox SET body = '', done = 1 WHERE update_id = ?",
                             (update_id,))
        if self._wipe:
            self.wipe_log()

    def inbox_confirm(self, older_than: float | None = None) -> int:
        """Telegram will not send the handled updates again (a later getUpdates has returned;
        or, for a webhook, they came over `older_than` seconds ago): delete them; how many."""
        with self._transaction():
            if older_than is None:
                cur = self._db.execute("DELETE FROM inbox WHERE done = 1")
            else:
                cur = self._db.execute("DELETE FROM inbox WHERE done = 1 AND received < ?",
                                       (self._clock() - older_than,))
        return cur.rowcount

    def inbox_renew(self, owner: str, update_ids: Sequence[int], *,
                    lease: float = INBOX_LEASE) -> int:
        """Extend `owner`'s lease on these of its updates not yet done; how many."""
        if not update_ids:
            return 0
        with self._transaction():
            cur = self._db.execute("UPDATE inbox SET lease_until = ? WHERE owner = ? AND done = 0 "
                                   "AND update_id IN (SELECT value FROM json_each(?))",
                                   (self._clock() + lease, owner, json.dumps(list(update_ids))))
        return cur.rowcount

    def inbox_take_over(self, owner: str, *, lease: float = INBOX_LEASE,
                        everything: bool = False, limit: int = 1000) -> list[InboxRow]:
        """Make `owner` the holder of the updates not done whose lease ran out (or of every
        one not done); them, in order."""
        now = self._clock()
        with self._transaction():
            rows = self._db.execute(TAKE_OVER, (owner, now + lease, everything, now,
                                                limit)).fetchall()
        return [InboxRow(int(r[1]), str(r[2]), bool(r[3]), bool(r[4])) for r in sorted(rows)]

    def inbox_start(self, update_id: int, owner: str, *,
                    lease: float = INBOX_LEASE) -> bool | None:
        """Claim a recorded update to handle it now (see heel_bot/stores/api.py)."""
        now = self._clock()
        with self._transaction():
            found = self._db.execute(START, (owner, now + lease, update_id, owner,
                                             now)).fetchall()
            if not found:
                known = self._db.execute("SELECT 1 FROM inbox WHERE update_id = ?",
                                         (update_id,)).fetchone()
                return None if known else False
        return bool(found[0][0])


@contextlib.contextmanager
def _opened(path: Path) -> Iterator[int]:
    fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
    try:
        yield fd
    except BaseException:
        os.close(fd)
        raise


def lock_file(path: Path) -> int | str:
    """Take the exclusive advisory lock on `path` (created with mode 0600), write our pid in
    it, and return its descriptor (closing it lets go); if another process holds it, return
    the pid written there (a string) instead. OSError if the file cannot be made."""
    with _opened(path) as fd:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 32).decode("ascii", "replace").strip() or "unknown"
            os.close(fd)
            return holder
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode("ascii"))
        return fd
