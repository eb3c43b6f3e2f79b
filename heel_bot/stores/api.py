"""The store's interface: what the bot asks of a store, whichever backend keeps the rows.

Two backends implement `Storage`: SQLite (heel_bot/stores/sqlite.py, one process: the default)
and PostgreSQL (heel_bot/stores/postgres.py, shared by several instances of the bot). Every
method is synchronous and quick (one or two indexed statements) and commits before it returns;
failures come out as `StoreError` (heel_bot/store.py), whose message says what to do.

Several instances need three things more than one process does, and both backends provide
them with the same meaning (on SQLite they are cheap: one process holds the file):

- a chat's turn is one instance's at a time: `try_lock_chat` (and `chat_turn`, which waits
  for it without blocking the event loop) serialises the updates of one chat across instances;
- each update is handled once: the inbox records it under its update id (UNIQUE), so a
  re-delivery, to whichever instance, is recognised; the row is the recording instance's for
  a lease it keeps renewing (`inbox_renew`), and `inbox_start` claims it again, inside the
  chat's turn, before it is handled; a dead instance's rows are taken over by another once
  their lease runs out (`inbox_take_over`);
- each check-in is sent once: an instance claims it (`claim_reminder`, `claim_due_reminders`)
  for a lease; if the instance dies, the lease runs out and another instance claims it.

Leases compare times from the store's clock (Unix time), so instances' clocks must agree to
well within a lease (NTP does); the leases below are minutes long.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import Protocol

from heel_bot.store import Reminder, StoreError
from heel_bot.store_inbox import INBOX_LEASE, InboxRow

# How long a claimed check-in is the claimer's alone: longer than sending one takes with every
# retry (the transport retries for under a minute), short enough that a dead instance's
# check-ins go out a few minutes late rather than never.
REMINDER_LEASE = 300.0
# How long handled update ids are remembered (their emptied inbox rows): Telegram keeps an
# update for at most a day, so no re-delivery comes later.
KEEP_UPDATES = 86400.0


class ChatLock(Protocol):
    """A chat's turn, held by this instance until released."""

    def release(self) -> None:
        """Give the chat back (safe to call twice)."""


class Storage(Protocol):
    """What the bot keeps: conversations, check-in reminders, open check-ins, seen updates."""

    @property
    def where(self) -> str:
        """Where the rows are, for a log line: a file, or a database URL without password."""

    @property
    def schema_version(self) -> int:
        """The schema version of the open database (heel_bot/stores/schema.py)."""

    def close(self) -> None:
        """Release the database; the store cannot be used afterwards."""

    # ------------------------------------------------------------ conversations

    def load(self, chat_id: int) -> str | None:
        """The chat's stored conversation state (JSON), or None."""

    def save(self, chat_id: int, state_json: str) -> None:
        """Store the chat's conversation state (committed when this returns)."""

    def updated(self, chat_id: int) -> float | None:
        """When the chat's conversation was last written (Unix time), or None."""

    def forget(self, chat_id: int) -> None:
        """Delete every row of the chat, in every table."""

    def count(self) -> int:
        """How many conversations are stored."""

    def chat_rows(self, chat_id: int) -> int:
        """How many rows, in all tables, belong to the chat (0 after `forget`)."""

    def live_message(self, chat_id: int) -> int | None:
        """The id of the chat's message that carries the conversation's buttons, if known."""

    def set_live_message(self, chat_id: int, message_id: int | None) -> None:
        """Remember the chat's live message (kept with the conversation; none without one)."""

    # ------------------------------------------------------------ reminders

    def add_reminder(self, chat_id: int, due_at: float, days: int) -> int:
        """Book a check-in; returns its id."""

    def reminder(self, reminder_id: int) -> Reminder | None:
        """One reminder by id, or None when it is gone (cancelled, sent or forgotten)."""

    def reminders(self, chat_id: int) -> list[Reminder]:
        """The chat's reminders, soonest first."""

    def due_reminders(self, now: float | None = None) -> list[Reminder]:
        """Reminders due at or before `now` (default: the clock), soonest first."""

    def all_reminders(self) -> list[Reminder]:
        """Every reminder, soonest first (to schedule them at start-up)."""

    def delete_reminder(self, reminder_id: int, chat_id: int | None = None) -> bool:
        """Delete a reminder (only if it belongs to `chat_id`, when given); True if deleted."""

    def delete_reminders(self, chat_id: int) -> int:
        """Delete all of a chat's reminders (e.g. the user blocked the bot); how many."""

    def ask_checkin(self, reminder: Reminder) -> None:
        """A check-in has been sent: remember when the check was and drop the reminder."""

    def take_checkin(self, chat_id: int) -> float | None:
        """When the check was, for the chat's open check-in (then closed); None if none."""

    # ------------------------------------------------------------ the update inbox

    def handling(self, update_id: int) -> contextlib.AbstractContextManager[None]:
        """While handling `update_id` (in this task): every write committed meanwhile also
        marks it applied in the inbox, in the same transaction."""

    def claim(self, alone: bool = True) -> bool:
        """Hold the store for this `serve` until `close`: alone (long polling: Telegram
        serves one getUpdates at a time), or shared with other instances (webhook) where the
        backend allows several. StoreError if that cannot be: another holds it alone, or
        (alone) anyone else holds it. True if this process now holds it alone (SQLite always:
        one process holds the file)."""

    def wipe_log(self) -> bool:
        """Empty the database's own log of deleted rows where the store keeps one (SQLite's
        write-ahead log); False if it could not finish."""

    def inbox_add(self, updates: Sequence[tuple[int, str]], owner: str = "", *,
                  lease: float = INBOX_LEASE) -> list[int]:
        """Record fetched updates (id, JSON) in one transaction, each `owner`'s for `lease`
        seconds; the new ids, in order (one already recorded is a re-delivery: not new)."""

    def inbox(self) -> list[InboxRow]:
        """Every row of the inbox, in the order the updates came."""

    def inbox_done(self, update_id: int) -> None:
        """The update has been handled: its body is emptied; the row stays until confirmed."""

    def inbox_confirm(self, older_than: float | None = None) -> int:
        """Delete handled updates Telegram will not send again (all, or those received over
        `older_than` seconds ago); how many."""

    def inbox_renew(self, owner: str, update_ids: Sequence[int], *,
                    lease: float = INBOX_LEASE) -> int:
        """Extend `owner`'s lease on these of its updates not yet done; how many."""

    def inbox_take_over(self, owner: str, *, lease: float = INBOX_LEASE,
                        everything: bool = False, limit: int = 1000) -> list[InboxRow]:
        """Make `owner` the holder of up to `limit` updates not done whose lease has run out
        (`everything`: every update not done, for a process that holds the store alone);
        them, in the order they came."""

    def inbox_start(self, update_id: int, owner: str, *,
                    lease: float = INBOX_LEASE) -> bool | None:
        """Claim a recorded update to handle it now: None if it is done or another owner's
        lease on it runs (leave it), else whether it was applied already (a dead instance
        committed part of it). An update that is not in the inbox: False (handle it)."""

    # ------------------------------------------------------------ several instances

    def try_lock_chat(self, chat_id: int) -> ChatLock | None:
        """The chat's turn if no other holder has it now, else None (never waits)."""

    def claim_reminder(self, reminder_id: int, owner: str, *,
                       lease: float = REMINDER_LEASE) -> Reminder | None:
        """Claim one check-in to send it: None if it is gone or another owner's lease on it
        still runs (an owner may claim again what it holds)."""

    def claim_due_reminders(self, owner: str, *, lease: float = REMINDER_LEASE,
                            limit: int = 100) -> list[Reminder]:
        """Claim up to `limit` due check-ins that nobody holds (or whose lease ran out),
        soonest first; concurrent claimers never get the same one."""



@contextlib.asynccontextmanager
async def chat_turn(store: Storage, chat_id: int, *,
                    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
                    patience: float = 60.0) -> AsyncIterator[None]:
    """Hold the chat's turn for the body, waiting for another instance to finish its turn.

    The wait polls (a few ms, doubling up to 0.1 s) instead of blocking the event loop on the
    database; after `patience` seconds it gives up with StoreError.
    """
    lock = store.try_lock_chat(chat_id)
    waited, delay = 0.0, 0.005
    while lock is None:
        if waited >= patience:
            raise StoreError(f"{store.where}: the chat stayed busy in another instance for "
                             f"{patience:g} s; nothing was saved, try again")
        await sleep(delay)
        waited += delay
        delay = min(2 * delay, 0.1)
        lock = store.try_lock_chat(chat_id)
    try:
        yield
    finally:
        lock.release()
