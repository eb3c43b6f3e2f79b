"""Updates from Telegram through the store's inbox: nothing lost, nothing applied twice.

Each update is recorded in the store before Telegram is told it has arrived (the next
getUpdates offset, or the webhook's 200), then read one by one: an update the library cannot
read (e.g. a field a newer or older Bot API server sends differently) is skipped, counted and
logged once, without its content — it never blocks the updates behind it. Handling runs inside
`Store.handling`, so the first write it commits marks it applied; when it is over it is marked
done. On start, what a crash left in the inbox is handled again, in order: an update not yet
applied from the beginning, an applied one by showing its chat where it now stands (its reply
may never have gone out; applying it again would apply an answer twice).

Several instances share one inbox (PostgreSQL, webhook mode). Each row not done is held by
the instance that recorded it (its `owner`) for a lease that it renews while it lives (`sweep`,
every few seconds); the rows of an instance that died are taken over by the others once their
lease has run out. Handling starts inside the chat's turn (`chat_turn`: one instance at a time
per chat, across instances) with `inbox_start`, which claims the row again: an update handled
or taken over meanwhile is left alone, so a takeover never handles an update twice.
"""

from __future__ import annotations

import inspect
import json
import logging
import os
import secrets
import socket
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from telegram import Bot, Update

from heel_bot.store import StoreError
from heel_bot.stores.api import Storage, chat_turn
from heel_bot.tg.ordering import chat_id_of

log = logging.getLogger(__name__)

Resume = Callable[[Update], Awaitable[None]]


def instance_id() -> str:
    """This process among the instances sharing a store: host, pid and a random tag (a pid
    is reused after a restart; a lease must not pass to the new process by accident)."""
    return f"{socket.gethostname()}/{os.getpid()}/{secrets.token_hex(3)}"


class Inbox:
    """Records, reads and hands over updates; see the module's docstring."""

    def __init__(self, store: Storage, resume: Resume, owner: str | None = None) -> None:
        self.store = store
        self._resume = resume
        self.owner = owner or instance_id()
        self.held: set[int] = set()  # recorded or taken over here, not yet handled
        self.unreadable = 0  # updates skipped because they could not be read (since start)

    def take(self, bot: Bot, raw: Iterable[object]) -> list[Update]:
        """Record `raw` updates (JSON objects as Telegram sent them) in one transaction, then
        read them: the new ones that can be read, in order. StoreError when they could not be
        recorded (and only then): Telegram must then not be told they arrived."""
        items: list[tuple[int, dict[str, Any]]] = []
        for data in raw:
            update_id = data.get("update_id") if isinstance(data, dict) else None
            if isinstance(update_id, int) and not isinstance(update_id, bool):
                items.append((update_id, data))  # type: ignore[arg-type]
            else:
                self.unreadable += 1
                log.warning("an update without an update_id was skipped")
        new = set(self.store.inbox_add([(i, json.dumps(d, ensure_ascii=False))
                                        for i, d in items], self.owner))
        self.held |= new
        updates = [self._read(bot, i, d) for i, d in items if i in new]
        return [u for u in updates if u is not None]

    def left_over(self, bot: Bot, *, alone: bool = True) -> list[Update]:
        """What a crash left (updates recorded, not handled), in order, to be handled again:
        every one when this process holds the store `alone`, else those whose lease ran out
        (their instance died; the others' are taken over later, by `sweep`, if need be)."""
        updates, applied = self._take_over(bot, everything=alone)
        if updates:
            log.info("%d update(s) left from the last run are handled again (%d already "
                     "applied)", len(updates), applied)
        return updates

    def sweep(self, bot: Bot) -> list[Update]:
        """Every few seconds with several instances: renew the leases of the updates held
        here, and take over those of instances that died (to be handled here, in order)."""
        self.store.inbox_renew(self.owner, sorted(self.held))
        updates, applied = self._take_over(bot, everything=False)
        if updates:
            log.info("%d update(s) of an instance that stopped are handled here (%d already "
                     "applied)", len(updates), applied)
        return updates

    def renew(self) -> None:
        """Renew the leases of the updates held here (while stopping, until they are done)."""
        self.store.inbox_renew(self.owner, sorted(self.held))

    def _take_over(self, bot: Bot, *, everything: bool) -> tuple[list[Update], int]:
        updates, applied = [], 0
        for row in self.store.inbox_take_over(self.owner, everything=everything):
            self.held.add(row.update_id)
            try:
                data = json.loads(row.body)
            except ValueError:
                data = None
            update = self._read(bot, row.update_id, data)
            if update is not None:
                applied += row.applied
                updates.append(update)
        return updates, applied

    def last_id(self) -> int | None:
        """The id of the last update recorded (handled or not), None if the inbox is empty:
        the next getUpdates starts after it."""
        rows = self.store.inbox()
        return rows[-1].update_id if rows else None

    def _read(self, bot: Bot, update_id: int, data: object) -> Update | None:
        """The update, or None (marked done) if it cannot be read: logged without content."""
        try:
            if not isinstance(data, dict):
                raise TypeError("not an object")  # one path for every failure
            return Update.de_json(data, bot)
        except Exception as exc:
            self.unreadable += 1
            log.warning("update %d could not be read (%s); skipped (%d since start)",
                        update_id, type(exc).__name__, self.unreadable)
            self._done(update_id)  # if not marked: skipped again when next taken over
            return None

    def _done(self, update_id: int) -> None:
        self.held.discard(update_id)
        try:
            self.store.inbox_done(update_id)
        except StoreError as exc:  # handled all the same: at worst it is shown again later
            log.warning("update %d not marked handled: %s", update_id, exc)

    async def handle(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Run an update's handlers (`coroutine`) — or, for an update replayed after its
        changes were committed, show its chat where it stands — then mark it done."""
        if not isinstance(update, Update):
            await coroutine
            return
        chat_id = chat_id_of(update)
        try:
            if chat_id is None:
                await self._handle(update, coroutine)
            else:
                async with chat_turn(self.store, chat_id):
                    await self._handle(update, coroutine)
        except StoreError as exc:
            # The chat's turn could not be had (the database is down, or another instance
            # held the chat too long): left in the inbox, the update is handled again once
            # its lease runs out (here or by another instance), or at the next start.
            _skip(coroutine)
            self.held.discard(update.update_id)
            log.error("update %d not handled now: %s", update.update_id, exc)

    async def _handle(self, update: Update, coroutine: Awaitable[Any]) -> None:
        update_id = update.update_id
        try:
            applied = self.store.inbox_start(update_id, self.owner)
        except StoreError as exc:  # the handlers will meet the failure and say so
            log.warning("update %d not claimed: %s", update_id, exc)
            applied = False
        if applied is None:  # handled, or taken over by another instance, meanwhile
            _skip(coroutine)
            self.held.discard(update_id)
            return
        with self.store.handling(update_id):
            if applied:
                _skip(coroutine)
                await self._resumed(update)
            else:
                await coroutine
        self._done(update_id)

    async def _resumed(self, update: Update) -> None:
        try:
            await self._resume(update)
        except Exception as exc:
            log.warning("update %d: showing where its chat stands failed (%s)",
                        update.update_id, type(exc).__name__)


def _skip(coroutine: Awaitable[Any]) -> None:
    """Drop an update's handlers that will not run (never started: close it, no warning)."""
    if inspect.iscoroutine(coroutine):
        coroutine.close()
