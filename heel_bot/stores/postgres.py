"""The PostgreSQL backend: one database shared by several instances of the bot.

Selected by a `postgresql://` (or `postgres://`) URL in HEEL_BOT_DB or --db. Every statement
runs on a connection from a pool (psycopg 3's own, psycopg_pool) in autocommit mode, so a write
is committed when its method returns, as with SQLite; the few methods that write twice use one
transaction. The rows and their meaning are SQLite's (heel_bot/stores/schema.py has both).

What several instances add (heel_bot/stores/api.py):
- a chat's turn is a session-level advisory lock on the chat id (`pg_try_advisory_lock`),
  held on a pooled connection for the whole update, replies included: the conversation is
  committed before each reply goes out, which would end a transaction-level lock, and the
  replies of one chat must not overtake one another. If the instance dies, PostgreSQL ends
  its session and with it the lock;
- check-ins are claimed with `FOR UPDATE SKIP LOCKED`, so concurrent claimers never wait for
  or take one another's rows, for a lease that another instance may take over once it ends;
- the inbox (heel_bot/stores/pg_inbox.py) is shared: a re-delivered update is recognised by
  its UNIQUE update id, and the rows not done are leased to the instance that holds them.

The database should be heel-bot's own: advisory locks on single bigint keys are chat ids.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import psycopg
from psycopg_pool import ConnectionPool

from heel_bot.store import Reminder
from heel_bot.stores.api import REMINDER_LEASE, ChatLock
from heel_bot.stores.pg_inbox import PgInbox
from heel_bot.stores.pg_link import Link

_SELECT_REMINDERS = "SELECT id, chat_id, due_at, days, created FROM reminders "
_CLAIM_ONE = ("UPDATE reminders SET claimed_by = %s, claimed_until = %s WHERE id = %s AND "
              "(claimed_until IS NULL OR claimed_until <= %s OR claimed_by = %s) "
              "RETURNING id, chat_id, due_at, days, created")
# The claim skips rows another claimer has locked (it is claiming them right now) instead of
# waiting for them; the rows it locks are re-checked, so a claim just committed is never taken.
_CLAIM_DUE = ("UPDATE reminders SET claimed_by = %s, claimed_until = %s WHERE id IN ("
              "SELECT id FROM reminders WHERE due_at <= %s AND "
              "(claimed_until IS NULL OR claimed_until <= %s) ORDER BY due_at, id LIMIT %s "
              "FOR UPDATE SKIP LOCKED) RETURNING id, chat_id, due_at, days, created")


def _reminders(rows: list[tuple[Any, ...]]) -> list[Reminder]:
    found = [Reminder(int(r[0]), int(r[1]), float(r[2]), int(r[3]), float(r[4])) for r in rows]
    return sorted(found, key=lambda r: (r.due_at, r.id))


class _PgChatLock:
    """A chat's advisory lock and the pooled connection whose session holds it."""

    def __init__(self, pool: ConnectionPool[psycopg.Connection[Any]],
                 conn: psycopg.Connection[Any], chat_id: int) -> None:
        self._pool, self._chat_id = pool, chat_id
        self._conn: psycopg.Connection[Any] | None = conn

    def release(self) -> None:
        conn, self._conn = self._conn, None
        if conn is None:
            return
        try:
            conn.execute("SELECT pg_advisory_unlock(%s::bigint)", (self._chat_id,))
        except psycopg.Error:
            # A session that cannot unlock must not go back to the pool holding the lock;
            # closing it ends the session, and the lock with it.
            conn.close()
        finally:
            self._pool.putconn(conn)


class PgStore(PgInbox):
    """The PostgreSQL store, a `Storage` (heel_bot/stores/api.py)."""

    def __init__(self, url: str, *, clock: Callable[[], float] = time.time,
                 pool_size: int = 24, timeout: float = 5.0) -> None:
        self._link = Link(url, pool_size=pool_size, timeout=timeout)
        self._now = clock

    @property
    def where(self) -> str:
        """The database URL without its password."""
        return self._link.where

    @property
    def schema_version(self) -> int:
        """The schema version of the database."""
        return self._link.version()

    def close(self) -> None:
        """Let go of the claim, close every pooled connection; the store cannot be used
        afterwards."""
        self.release_claim()
        self._link.close()

    # ------------------------------------------------------------ conversations

    def load(self, chat_id: int) -> str | None:
        """The chat's stored conversation state (JSON), or None."""
        rows = self._link.rows("SELECT state FROM conversations WHERE chat_id = %s", (chat_id,))
        return str(rows[0][0]) if rows else None

    def save(self, chat_id: int, state_json: str) -> None:
        """Store the chat's conversation state (committed when this returns)."""
        now = self._now()
        self._link.run("INSERT INTO conversations (chat_id, state, created, updated) "
                       "VALUES (%s, %s, %s, %s) ON CONFLICT (chat_id) DO UPDATE SET "
                       "state = excluded.state, updated = excluded.updated",
                       (chat_id, state_json, now, now))

    def updated(self, chat_id: int) -> float | None:
        """When the chat's conversation was last written (Unix time), or None."""
        rows = self._link.rows("SELECT updated FROM conversations WHERE chat_id = %s",
                               (chat_id,))
        return float(rows[0][0]) if rows else None

    def forget(self, chat_id: int) -> None:
        """Delete every row of the chat, in every table (one transaction)."""
        self._link.batch([(f"DELETE FROM {table} WHERE chat_id = %s", (chat_id,))  # noqa: S608
                          for table in ("conversations", "reminders", "checkins")])

    def count(self) -> int:
        """How many conversations are stored."""
        return int(self._link.rows("SELECT count(*) FROM conversations")[0][0])

    def live_message(self, chat_id: int) -> int | None:
        """The id of the chat's message with the conversation's buttons, if known."""
        rows = self._link.rows("SELECT live FROM conversations WHERE chat_id = %s", (chat_id,))
        return int(rows[0][0]) if rows and rows[0][0] is not None else None

    def set_live_message(self, chat_id: int, message_id: int | None) -> None:
        """Remember the chat's live message (nothing is stored without a conversation)."""
        self._link.run("UPDATE conversations SET live = %s WHERE chat_id = %s",
                       (message_id, chat_id))

    def chat_rows(self, chat_id: int) -> int:
        """How many rows, in all tables, belong to the chat (0 after `forget`)."""
        rows = self._link.rows(
            "SELECT (SELECT count(*) FROM conversations WHERE chat_id = %(c)s) + "
            "(SELECT count(*) FROM reminders WHERE chat_id = %(c)s) + "
            "(SELECT count(*) FROM checkins WHERE chat_id = %(c)s)", {"c": chat_id})
        return int(rows[0][0])

    # ------------------------------------------------------------ reminders

    def add_reminder(self, chat_id: int, due_at: float, days: int) -> int:
        """Book a check-in; returns its id."""
        rows = self._link.rows("INSERT INTO reminders (chat_id, due_at, days, created) "
                               "VALUES (%s, %s, %s, %s) RETURNING id",
                               (chat_id, due_at, days, self._now()))
        return int(rows[0][0])

    def reminder(self, reminder_id: int) -> Reminder | None:
        """One reminder by id, or None when it is gone (cancelled, sent or forgotten)."""
        found = _reminders(self._link.rows(_SELECT_REMINDERS + "WHERE id = %s", (reminder_id,)))
        return found[0] if found else None

    def reminders(self, chat_id: int) -> list[Reminder]:
        """The chat's reminders, soonest first."""
        return _reminders(self._link.rows(_SELECT_REMINDERS + "WHERE chat_id = %s",
                                          (chat_id,)))

    def due_reminders(self, now: float | None = None) -> list[Reminder]:
        """Reminders due at or before `now` (default: the clock), soonest first."""
        at = self._now() if now is None else now
        return _reminders(self._link.rows(_SELECT_REMINDERS + "WHERE due_at <= %s", (at,)))

    def all_reminders(self) -> list[Reminder]:
        """Every reminder, soonest first (to schedule them at start-up)."""
        return _reminders(self._link.rows(_SELECT_REMINDERS))

    def delete_reminder(self, reminder_id: int, chat_id: int | None = None) -> bool:
        """Delete a reminder (only if it belongs to `chat_id`, when given); True if deleted."""
        if chat_id is None:
            return self._link.run("DELETE FROM reminders WHERE id = %s", (reminder_id,)) > 0
        return self._link.run("DELETE FROM reminders WHERE id = %s AND chat_id = %s",
                              (reminder_id, chat_id)) > 0

    def delete_reminders(self, chat_id: int) -> int:
        """Delete all of a chat's reminders (e.g. the user blocked the bot); how many."""
        return self._link.run("DELETE FROM reminders WHERE chat_id = %s", (chat_id,))

    def ask_checkin(self, reminder: Reminder) -> None:
        """A check-in has been sent: remember when the check was and drop the reminder."""
        self._link.batch([
            ("INSERT INTO checkins (chat_id, checked) VALUES (%s, %s) ON CONFLICT (chat_id) "
             "DO UPDATE SET checked = least(checkins.checked, excluded.checked)",
             (reminder.chat_id, reminder.created)),
            ("DELETE FROM reminders WHERE id = %s", (reminder.id,)),
        ])

    def take_checkin(self, chat_id: int) -> float | None:
        """When the check was, for the chat's open check-in (then closed); None if none."""
        rows = self._link.rows("DELETE FROM checkins WHERE chat_id = %s RETURNING checked",
                               (chat_id,))
        return float(rows[0][0]) if rows else None

    # ------------------------------------------------------------ several instances

    def try_lock_chat(self, chat_id: int) -> ChatLock | None:
        """The chat's turn if no session holds its advisory lock now, else None."""
        conn = self._link.connection()
        try:
            row = conn.execute("SELECT pg_try_advisory_lock(%s::bigint)", (chat_id,)).fetchone()
        except psycopg.Error as exc:
            self._link.give_back(conn)
            raise self._link.error(exc) from None
        if not (row and row[0]):
            self._link.give_back(conn)
            return None
        return _PgChatLock(self._link.pool, conn, chat_id)

    def claim_reminder(self, reminder_id: int, owner: str, *,
                       lease: float = REMINDER_LEASE) -> Reminder | None:
        """Claim one check-in (see heel_bot/stores/api.py)."""
        now = self._now()
        found = _reminders(self._link.rows(_CLAIM_ONE,
                                           (owner, now + lease, reminder_id, now, owner)))
        return found[0] if found else None

    def claim_due_reminders(self, owner: str, *, lease: float = REMINDER_LEASE,
                            limit: int = 100) -> list[Reminder]:
        """Claim due check-ins nobody holds, soonest first."""
        now = self._now()
        return _reminders(self._link.rows(_CLAIM_DUE, (owner, now + lease, now, now, limit)))
