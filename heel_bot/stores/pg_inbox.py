"""The update inbox and the claim on the database, for the PostgreSQL store.

The same rows and meaning as the SQLite store's (heel_bot/store_inbox.py): updates recorded
before Telegram is told they arrived, marked applied by the first write committed while they
are handled (heel_bot/stores/pg_link.py), emptied when handled, deleted once Telegram will not
send them again. Mixed into `PgStore`, which provides the connection pool (`_link`).

Several instances share the inbox: a row not done is its owner's until its lease runs out
(the owner renews it while it lives), then another instance takes it over; the take-over
skips rows another instance is taking over right now (`FOR UPDATE SKIP LOCKED`).

The claim: instances serving a webhook share the database (a shared session-level advisory
lock), an instance polling holds it alone (the same lock, exclusive: Telegram serves one
getUpdates at a time, and a poller would delete the others' webhook). The key is two int4s,
never a chat id's single bigint key.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from typing import Any

import psycopg

from heel_bot.store import StoreError
from heel_bot.store_inbox import INBOX_LEASE, InboxRow, handling
from heel_bot.stores.pg_link import Link

SERVE_LOCK = (0x6865656C, 0x73657276)  # "heel", "serv"
_TAKE_OVER = ("UPDATE inbox SET owner = %s, lease_until = %s WHERE seq IN (SELECT seq FROM inbox "
              "WHERE done = 0 AND (%s OR lease_until IS NULL OR lease_until <= %s) ORDER BY seq "
              "LIMIT %s FOR UPDATE SKIP LOCKED) RETURNING seq, update_id, body, applied, done")
_START = ("UPDATE inbox SET owner = %s, lease_until = %s WHERE update_id = %s AND done = 0 AND "
          "(owner = %s OR lease_until IS NULL OR lease_until <= %s) RETURNING applied")
_LOCK = {True: "SELECT pg_try_advisory_lock(%s, %s)",
         False: "SELECT pg_try_advisory_lock_shared(%s, %s)"}


class PgInbox:
    """The inbox methods of `PgStore` (heel_bot/stores/postgres.py)."""

    _link: Link
    _now: Callable[[], float]
    _claim: psycopg.Connection[Any] | None = None

    def handling(self, update_id: int) -> contextlib.AbstractContextManager[None]:
        """While handling `update_id` (in this task): every write committed meanwhile also
        marks it applied, in the same transaction (heel_bot/stores/pg_link.py)."""
        return handling(update_id)

    def wipe_log(self) -> bool:
        """Nothing to do: PostgreSQL's write-ahead log is the server's (its retention is the
        operator's); deleted rows are gone from every query at once."""
        return True

    def claim(self, alone: bool = True) -> bool:
        """Hold the database until `close`: alone (long polling), or shared with the other
        instances serving the webhook; StoreError if that cannot be. Whether alone."""
        conn = self._link.connection()
        try:
            got = conn.execute(_LOCK[alone], SERVE_LOCK).fetchone()
        except psycopg.Error as exc:
            self._link.give_back(conn)
            raise self._link.error(exc) from None
        if not (got and got[0]):
            self._link.give_back(conn)
            raise StoreError(f"{self._link.where}: " + (
                "another heel-bot is serving from this database; long polling serves from one "
                "instance only: stop it, or run every instance with --webhook-url" if alone else
                "a heel-bot serving by long polling holds this database; stop it before "
                "starting instances with --webhook-url"))
        self._claim = conn
        return alone

    def release_claim(self) -> None:
        """Let go of the claim; a session that cannot say so is closed, which ends it too."""
        conn, self._claim = self._claim, None
        if conn is not None:
            try:
                conn.execute("SELECT pg_advisory_unlock_all()")
            except psycopg.Error:
                conn.close()
            self._link.give_back(conn)

    def inbox_add(self, updates: Sequence[tuple[int, str]], owner: str = "", *,
                  lease: float = INBOX_LEASE) -> list[int]:
        """Record fetched updates in one transaction, each `owner`'s for `lease` seconds; the
        ids that were new, in order."""
        new: list[int] = []
        now = self._now()
        with self._link.transaction() as conn:
            for update_id, body in updates:
                row = conn.execute("INSERT INTO inbox (update_id, body, received, owner, "
                                   "lease_until) VALUES (%s, %s, %s, %s, %s) ON CONFLICT "
                                   "(update_id) DO NOTHING RETURNING update_id",
                                   (update_id, body, now, owner, now + lease)).fetchone()
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

    def inbox_renew(self, owner: str, update_ids: Sequence[int], *,
                    lease: float = INBOX_LEASE) -> int:
        """Extend `owner`'s lease on these of its updates not yet done; how many."""
        if not update_ids:
            return 0
        return self._link.run("UPDATE inbox SET lease_until = %s WHERE owner = %s AND done = 0 "
                              "AND update_id = ANY(%s)",
                              (self._now() + lease, owner, list(update_ids)))

    def inbox_take_over(self, owner: str, *, lease: float = INBOX_LEASE,
                        everything: bool = False, limit: int = 1000) -> list[InboxRow]:
        """Make `owner` the holder of the updates not done whose lease ran out (or of every
        one not done); them, in order."""
        now = self._now()
        rows = self._link.rows(_TAKE_OVER, (owner, now + lease, everything, now, limit))
        return [InboxRow(int(r[1]), str(r[2]), bool(r[3]), bool(r[4])) for r in sorted(rows)]

    def inbox_start(self, update_id: int, owner: str, *,
                    lease: float = INBOX_LEASE) -> bool | None:
        """Claim a recorded update to handle it now (see heel_bot/stores/api.py)."""
        now = self._now()
        with self._link.transaction() as conn:
            row = conn.execute(_START, (owner, now + lease, update_id, owner, now)).fetchone()
            if row is None:
                known = conn.execute("SELECT 1 FROM inbox WHERE update_id = %s",
                                     (update_id,)).fetchone()
                return None if known else False
        return bool(row[0])
