"""The update inbox and the claim on the database, for the PostgreSQL store.

The same rows and meaning as the SQLite store's (heel_bot/store_inbox.py): updates recorded
before Telegram is told they arrived, marked applied by the first write committed while they
are handled (heel_bot/stores/pg_link.py), emptied when handled, deleted once Telegram will not
send them again. Mixed into `PgStore`, which provides the connection pool (`_link`).

The claim: until the Telegram adapter takes a chat's turn, each update and each check-in
through the store's multi-instance methods (issue 14), two instances on one database would
both send every check-in. So, as on SQLite, one `serve` holds the database: a session-level
advisory lock on a key of its own (two int4s, never a chat id's single bigint key).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import psycopg

from heel_bot.store import StoreError
from heel_bot.store_inbox import HANDLING, InboxRow
from heel_bot.stores.pg_link import Link

SERVE_LOCK = (0x6865656C, 0x73657276)  # "heel", "serv"


class PgInbox:
    """The inbox methods of `PgStore` (heel_bot/stores/postgres.py)."""

    _link: Link
    _now: Callable[[], float]
    _claim: psycopg.Connection[Any] | None = None

    @contextlib.contextmanager
    def handling(self, update_id: int) -> Iterator[None]:
        """While handling `update_id` (in this task): every write committed meanwhile also
        marks it applied, in the same transaction."""
        token = HANDLING.set(update_id)
        try:
            yield
        finally:
            HANDLING.reset(token)

    def wipe_log(self) -> bool:
        """Nothing to do: PostgreSQL's write-ahead log is the server's (its retention is the
        operator's); deleted rows are gone from every query at once."""
        return True

    def claim(self) -> None:
        """Hold the database for this process alone, until `close`; StoreError if another
        heel-bot holds it."""
        conn = self._link.connection()
        try:
            got = conn.execute("SELECT pg_try_advisory_lock(%s, %s)", SERVE_LOCK).fetchone()
        except psycopg.Error as exc:
            self._link.give_back(conn)
            raise self._link.error(exc) from None
        if not (got and got[0]):
            self._link.give_back(conn)
            raise StoreError(f"{self._link.where}: another heel-bot is serving from this "
                             "database; several instances on one database are not supported "
                             "yet (docs/deploy.md): stop it first")
        self._claim = conn

    def release_claim(self) -> None:
        """Let go of the claim (closing the session that holds it)."""
        conn, self._claim = self._claim, None
        if conn is not None:
            conn.close()
            self._link.give_back(conn)

    def inbox_add(self, updates: Sequence[tuple[int, str]]) -> list[int]:
        """Record fetched updates in one transaction; the ids that were new, in order."""
        new: list[int] = []
        now = self._now()
        with self._link.transaction() as conn:
            for update_id, body in updates:
                row = conn.execute("INSERT INTO inbox (update_id, body, received) VALUES "
                                   "(%s, %s, %s) ON CONFLICT (update_id) DO NOTHING "
                                   "RETURNING update_id", (update_id, body, now)).fetchone()
                if row is not None:
                    new.append(update_id)
        return new

    def inbox(self) -> list[InboxRow]:
        """Every row of the inbox, in the order the updates came."""
        rows = self._link.rows("SELECT update_id, body, applied, done FROM inbox ORDER BY seq")
        return [InboxRow(int(r[0]), str(r[1]), bool(r[2]), bool(r[3])) for r in rows]

    def inbox_done(self, update_id: int) -> None:
        """The update has been handled: its body is emptied; the row stays until confirmed."""
        self._link.run("UPDATE inbox SET body = '', done = 1 WHERE update_id = %s",
                       (update_id,))

    def inbox_confirm(self, older_than: float | None = None) -> int:
        """Delete the handled updates Telegram will not send again; how many."""
        if older_than is None:
            return self._link.run("DELETE FROM inbox WHERE done = 1")
        return self._link.run("DELETE FROM inbox WHERE done = 1 AND received < %s",
                              (self._now() - older_than,))
