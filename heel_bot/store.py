"""Where the Telegram bot keeps conversations and check-in reminders: one SQLite file.

Each chat's row is read when its update arrives and written (committed) before the reply goes
out, so a crash at any moment loses no answer. Opening the store reads nothing but the schema
version, so a hundred thousand stored conversations cost nothing at start-up.

Stored per chat: the chat id, the conversation state (the engine's JSON), timestamps and
reminders — nothing else. The file is created with mode 0600 because it holds health answers;
deleted rows are overwritten (secure_delete), and `forget` empties the write-ahead log too.

The inbox (heel_bot/store_inbox.py) keeps each update Telegram sent from the moment it is
fetched until it has been handled, so that a crash between the two loses nothing.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from heel_bot.store_errors import StoreError, cannot_open, explain
from heel_bot.store_inbox import HANDLING, DeliveryRows, InboxRow
from heel_bot.store_live import LiveMessages
from heel_bot.stores.schema import SQLITE as SQLITE_MIGRATIONS

# The migrations, shared with the PostgreSQL backend (heel_bot/stores/schema.py): each brings the
# schema from version i to i + 1 (PRAGMA user_version). Append only, there.
MIGRATIONS = SQLITE_MIGRATIONS
SCHEMA_VERSION = len(MIGRATIONS)
# How long a write waits for another connection's lock (e.g. a second process on the file)
# before it gives up with a StoreError.
BUSY_TIMEOUT = 5.0

__all__ = ["InboxRow", "Reminder", "Store", "StoreError"]


@dataclass(frozen=True)
class Reminder:
    """A check-in booked by a chat: due at `due_at` (Unix time), `days` after booking."""

    id: int
    chat_id: int
    due_at: float
    days: int
    created: float


_SELECT_REMINDERS = "SELECT id, chat_id, due_at, days, created FROM reminders "


def _reminder(row: tuple[Any, ...]) -> Reminder:
    return Reminder(int(row[0]), int(row[1]), float(row[2]), int(row[3]), float(row[4]))


class Store(DeliveryRows, LiveMessages):
    """The SQLite store. Methods are synchronous and quick (one indexed statement each)."""

    def __init__(self, path: Path | str, *, clock: Callable[[], float] = time.time,
                 trace: Callable[[str], None] | None = None,
                 busy_timeout: float = BUSY_TIMEOUT) -> None:
        self.path = Path(path).expanduser()
        self._clock = clock
        self.busy_timeout = busy_timeout
        # Handlers and jobs run on one event loop, but the lock keeps the connection safe if
        # a caller ever uses it from another thread (e.g. a test reading the file).
        self._lock = threading.RLock()
        self._claimed: int | None = None  # the lock file's descriptor (see `claim`)
        self._wipe = False  # see `wipe_log`
        self._create_private_file()
        try:
            self._db = sqlite3.connect(self.path, timeout=busy_timeout, isolation_level=None,
                                       check_same_thread=False)
        except sqlite3.Error as exc:
            raise StoreError(self._cannot_open(exc)) from None
        if trace is not None:
            self._db.set_trace_callback(trace)
        try:
            self._setup()
        except StoreError:
            self._db.close()
            raise
        except sqlite3.DatabaseError as exc:
            self._db.close()
            raise StoreError(self._explain(exc)) from None

    # ------------------------------------------------------------ opening

    def _create_private_file(self) -> None:
        """Create the file with mode 0600 before SQLite opens it (SQLite would use 0644)."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd = os.open(self.path, os.O_CREAT | os.O_RDWR, 0o600)
        except OSError as exc:
            raise StoreError(f"{self.path}: cannot create or open the database file "
                             f"({exc.strerror}); check the folder's permissions, or set "
                             "HEEL_BOT_DB (or --db) to a file you can write") from None
        try:
            mode = stat.S_IMODE(os.fstat(fd).st_mode)
            if mode & 0o077:
                # A file made by hand or an older tool: health answers are not for others.
                with contextlib.suppress(OSError):
                    os.fchmod(fd, 0o600)
        finally:
            os.close(fd)

    def _setup(self) -> None:
        db = self._db
        # An int from a float: PRAGMA takes no parameters.
        db.execute(f"PRAGMA busy_timeout = {round(self.busy_timeout * 1000)}")
        mode = db.execute("PRAGMA journal_mode = WAL").fetchone()
        if mode is None or str(mode[0]).lower() != "wal":
            raise StoreError(f"{self.path}: SQLite could not switch the file to WAL mode "
                             f"(got {mode[0] if mode else 'nothing'}); use a local disk, not a "
                             "network share, for HEEL_BOT_DB")
        # NORMAL in WAL mode: a commit survives the process being killed (kill -9); only a
        # power cut can lose the last few commits, and it never corrupts the file.
        db.execute("PRAGMA synchronous = NORMAL")
        # Deleted rows (a forgotten chat, a handled update) are overwritten with zeros.
        db.execute("PRAGMA secure_delete = ON")
        version = int(db.execute("PRAGMA user_version").fetchone()[0])
        if version > SCHEMA_VERSION:
            raise StoreError(f"{self.path}: the database was written by a newer heel-bot "
                             f"(schema {version}, this one knows {SCHEMA_VERSION}); upgrade "
                             "heel-bot or point HEEL_BOT_DB at another file")
        for number in range(version, SCHEMA_VERSION):
            with self._transaction():
                for statement in MIGRATIONS[number]:
                    db.execute(statement)
                # PRAGMA user_version takes no parameters; `number` is an int from range().
                db.execute(f"PRAGMA user_version = {number + 1}")

    def _cannot_open(self, exc: sqlite3.Error) -> str:
        return cannot_open(self.path, exc)

    def _explain(self, exc: sqlite3.Error) -> str:
        return explain(self.path, exc, self.busy_timeout)

    def _rollback(self) -> None:
        # SQLite rolls some failed transactions back by itself (e.g. on a full disk); a second
        # ROLLBACK would then raise and hide the error that matters.
        if self._db.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                self._db.execute("ROLLBACK")

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        """BEGIN IMMEDIATE … COMMIT: every write is committed before the method returns.

        Any failure rolls back, so the stored rows are as they were and the next write starts
        afresh; SQLite's errors come out as StoreError.
        """
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise StoreError(self._explain(exc)) from None
            try:
                yield
                handling = HANDLING.get()
                if handling is not None:
                    self._db.execute("UPDATE inbox SET applied = 1 WHERE update_id = ? "
                                     "AND applied = 0", (handling,))
            except sqlite3.Error as exc:
                self._rollback()
                raise StoreError(self._explain(exc)) from None
            except BaseException:
                self._rollback()
                raise
            try:
                self._db.execute("COMMIT")
            except sqlite3.Error as exc:
                self._rollback()  # a failed COMMIT leaves the transaction open
                raise StoreError(self._explain(exc)) from None

    def _read(self, sql: str, params: tuple[object, ...] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            try:
                return list(self._db.execute(sql, params).fetchall())
            except sqlite3.Error as exc:
                raise StoreError(self._explain(exc)) from None

    def _write(self, sql: str, params: tuple[object, ...] = ()) -> sqlite3.Cursor:
        with self._transaction():
            return self._db.execute(sql, params)

    @property
    def schema_version(self) -> int:
        """The schema version of the open file."""
        return int(self._read("PRAGMA user_version")[0][0])

    def close(self) -> None:
        """Checkpoint, close and let go of the claim; the store cannot be used afterwards."""
        with self._lock:
            if self._wipe:
                self.wipe_log()
            self._db.close()
            if self._claimed is not None:
                os.close(self._claimed)  # releases the lock
                self._claimed = None

    # ------------------------------------------------------------ conversations

    def load(self, chat_id: int) -> str | None:
        """The chat's stored conversation state (JSON), or None."""
        rows = self._read("SELECT state FROM conversations WHERE chat_id = ?", (chat_id,))
        return str(rows[0][0]) if rows else None

    def save(self, chat_id: int, state_json: str) -> None:
        """Store the chat's conversation state (committed when this returns)."""
        now = self._clock()
        self._write("INSERT INTO conversations (chat_id, state, created, updated) "
                    "VALUES (?, ?, ?, ?) ON CONFLICT (chat_id) DO UPDATE SET "
                    "state = excluded.state, updated = excluded.updated",
                    (chat_id, state_json, now, now))

    def updated(self, chat_id: int) -> float | None:
        """When the chat's conversation was last written (Unix time), or None."""
        rows = self._read("SELECT updated FROM conversations WHERE chat_id = ?", (chat_id,))
        return float(rows[0][0]) if rows else None

    def forget(self, chat_id: int) -> None:
        """Delete every row of the chat, in every table, and empty the write-ahead log: the
        answers are gone from the files. (Again once the request is handled: see `wipe_log`.)"""
        with self._transaction():
            self._db.execute("DELETE FROM conversations WHERE chat_id = ?", (chat_id,))
            self._db.execute("DELETE FROM reminders WHERE chat_id = ?", (chat_id,))
            self._db.execute("DELETE FROM checkins WHERE chat_id = ?", (chat_id,))
        self.wipe_log()
        self._wipe = True

    def count(self) -> int:
        """How many conversations are stored."""
        return int(self._read("SELECT count(*) FROM conversations")[0][0])

    def chat_rows(self, chat_id: int) -> int:
        """How many rows, in all tables, belong to the chat (0 after `forget`)."""
        rows = self._read("SELECT (SELECT count(*) FROM conversations WHERE chat_id = ?) + "
                          "(SELECT count(*) FROM reminders WHERE chat_id = ?) + "
                          "(SELECT count(*) FROM checkins WHERE chat_id = ?)",
                          (chat_id, chat_id, chat_id))
        return int(rows[0][0])

    # ------------------------------------------------------------ reminders

    def add_reminder(self, chat_id: int, due_at: float, days: int) -> int:
        """Book a check-in; returns its id."""
        cur = self._write("INSERT INTO reminders (chat_id, due_at, days, created) "
                          "VALUES (?, ?, ?, ?)", (chat_id, due_at, days, self._clock()))
        assert cur.lastrowid is not None
        return int(cur.lastrowid)

    def reminder(self, reminder_id: int) -> Reminder | None:
        """One reminder by id, or None when it is gone (cancelled, sent or forgotten)."""
        rows = self._read(_SELECT_REMINDERS + "WHERE id = ?",
                          (reminder_id,))
        return _reminder(rows[0]) if rows else None

    def reminders(self, chat_id: int) -> list[Reminder]:
        """The chat's reminders, soonest first."""
        rows = self._read(_SELECT_REMINDERS + "WHERE chat_id = ? "
                          "ORDER BY due_at, id", (chat_id,))
        return [_reminder(r) for r in rows]

    def due_reminders(self, now: float | None = None) -> list[Reminder]:
        """Reminders due at or before `now` (default: the clock), soonest first."""
        at = self._clock() if now is None else now
        rows = self._read(_SELECT_REMINDERS + "WHERE due_at <= ? "
                          "ORDER BY due_at, id", (at,))
        return [_reminder(r) for r in rows]

    def all_reminders(self) -> list[Reminder]:
        """Every reminder, soonest first (to schedule them at start-up)."""
        rows = self._read(_SELECT_REMINDERS + "ORDER BY due_at, id")
        return [_reminder(r) for r in rows]

    def delete_reminder(self, reminder_id: int, chat_id: int | None = None) -> bool:
        """Delete a reminder (only if it belongs to `chat_id`, when given); True if deleted."""
        if chat_id is None:
            cur = self._write("DELETE FROM reminders WHERE id = ?", (reminder_id,))
        else:
            cur = self._write("DELETE FROM reminders WHERE id = ? AND chat_id = ?",
                              (reminder_id, chat_id))
        return cur.rowcount > 0

    def ask_checkin(self, reminder: Reminder) -> None:
        """A check-in has been sent: remember when the check was and drop the reminder."""
        with self._transaction():
            self._db.execute("INSERT INTO checkins (chat_id, checked) VALUES (?, ?) "
                             "ON CONFLICT (chat_id) DO UPDATE SET checked = "
                             "min(checked, excluded.checked)",
                             (reminder.chat_id, reminder.created))
            self._db.execute("DELETE FROM reminders WHERE id = ?", (reminder.id,))

    def take_checkin(self, chat_id: int) -> float | None:
        """When the check was, for the chat's open check-in (then closed); None if none."""
        with self._transaction():
            row = self._db.execute("SELECT checked FROM checkins WHERE chat_id = ?",
                                   (chat_id,)).fetchone()
            self._db.execute("DELETE FROM checkins WHERE chat_id = ?", (chat_id,))
        return float(row[0]) if row else None

    def delete_reminders(self, chat_id: int) -> int:
        """Delete all of a chat's reminders (e.g. the user blocked the bot); how many."""
        return self._write("DELETE FROM reminders WHERE chat_id = ?", (chat_id,)).rowcount
