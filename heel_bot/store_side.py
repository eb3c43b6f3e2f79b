"""Reads of the SQLite store's file on connections of their own: an online backup, the counts
behind the metrics and `heel-bot stats`, and the readiness probe.

Each opens its own short-lived connection to the file, never the bot's: the bot's connection
(and the lock around it) stays free, so a backup or a count of a large store never holds up a
reply, and they can run on a worker thread or in another process while the bot runs. SQLite's
WAL mode lets these readers work alongside the bot's writes; each sees one consistent
snapshot. The connections never create the file (`mode=rw`): a missing store is an error
here, not a new empty one. They take the file's path (a `Store`'s `path`), so the command line
uses them without opening, creating or migrating a store; problems are StoreErrors.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from heel_bot.model import OUTCOME
from heel_bot.store import SCHEMA_VERSION, StoreError

# How long a side connection waits for a lock (the bot's writes are short).
SIDE_TIMEOUT = 5.0
# A conversation whose state cannot be read has no question to count it under.
UNREADABLE = "unreadable"


@dataclass(frozen=True)
class StoreCounts:
    """What the store holds, counted: nothing about any one person.

    `waiting` and `dropped_off` count unfinished conversations by the question they are at:
    answered recently, or left there longer than the cut-off (the drop-off by question).
    """

    finished: int = 0
    waiting: dict[str, int] = field(default_factory=dict)
    dropped_off: dict[str, int] = field(default_factory=dict)
    checkins_booked: int = 0
    checkins_open: int = 0

    @property
    def conversations(self) -> int:
        """Every stored conversation."""
        return self.finished + sum(self.waiting.values()) + sum(self.dropped_off.values())


@contextlib.contextmanager
def connection(path: Path) -> Iterator[sqlite3.Connection]:
    """A connection of its own to an existing store file (never created here)."""
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=rw", uri=True,
                               timeout=SIDE_TIMEOUT, isolation_level=None)
    except sqlite3.Error as exc:
        raise StoreError(f"{path}: cannot open the database ({exc})") from None
    try:
        yield conn
    except sqlite3.Error as exc:
        raise StoreError(f"{path}: cannot read the database ({exc})") from None
    finally:
        conn.close()


def probe(path: Path) -> None:
    """Raise StoreError unless the file opens, reads, and has this heel-bot's schema."""
    with connection(path) as conn:
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    if version != SCHEMA_VERSION:
        raise StoreError(f"{path}: schema {version}, expected {SCHEMA_VERSION}")


def counts(path: Path, idle_before: float) -> StoreCounts:
    """Conversations by where they are (finished, or the question they are at: answered since
    `idle_before` or not), and check-ins booked and asked, in one read transaction.

    The question is read by SQLite's JSON functions (the state's `n`), so no state is parsed
    here, and a damaged one is counted as UNREADABLE rather than failing the count.
    """
    finished, waiting, dropped = 0, dict[str, int](), dict[str, int]()
    with connection(path) as conn:
        conn.execute("BEGIN")
        rows = conn.execute(
            "SELECT CASE WHEN json_valid(state) THEN json_extract(state, '$.n') END AS node, "
            "updated < ? AS idle, count(*) FROM conversations GROUP BY node, idle",
            (idle_before,)).fetchall()
        booked = int(conn.execute("SELECT count(*) FROM reminders").fetchone()[0])
        asked = int(conn.execute("SELECT count(*) FROM checkins").fetchone()[0])
        conn.execute("COMMIT")
    for node, idle, n in rows:
        name = node if isinstance(node, str) else UNREADABLE
        if name == OUTCOME:
            finished += int(n)
        else:
            into = dropped if idle else waiting
            into[name] = into.get(name, 0) + int(n)
    return StoreCounts(finished, waiting, dropped, booked, asked)


def backup(path: Path, target: Path) -> int:
    """Copy the store to `target` (a new file, mode 0600) while it is in use; returns how many
    conversations the copy holds.

    SQLite's online backup API copies every page in one step, i.e. in one read transaction:
    the copy is the store exactly as it was at one commit, whatever the bot writes meanwhile.
    The copy is written beside `target`, checked, made a single self-contained file (no WAL),
    and only then renamed to `target`: a file there is always a whole, readable backup.
    """
    if target.exists():
        raise StoreError(f"{target}: already exists; give a new file name for the backup")
    partial = target.with_name(target.name + ".partial")
    try:
        # The copy holds health answers too: created private.
        os.close(os.open(partial, os.O_CREAT | os.O_TRUNC | os.O_WRONLY, 0o600))
    except OSError as exc:
        raise StoreError(f"{partial}: cannot create the backup file ({exc.strerror})") from None
    try:
        with connection(path) as source, connection(partial) as copy:
            source.backup(copy)
            copy.execute("PRAGMA journal_mode = DELETE")
            check = copy.execute("PRAGMA quick_check").fetchone()[0]
            held = int(copy.execute("SELECT count(*) FROM conversations").fetchone()[0])
        if check != "ok":
            raise StoreError(f"{partial}: the copy does not check out ({check})")
        os.replace(partial, target)
    except BaseException:
        with contextlib.suppress(OSError):
            partial.unlink()
        raise
    return held
