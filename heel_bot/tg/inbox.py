"""Updates from Telegram through the store's inbox: nothing lost, nothing applied twice.

Each update is recorded in the store before Telegram is told it has arrived (the next
getUpdates offset, or the webhook's 200), then read one by one: an update the library cannot
read (e.g. a field a newer or older Bot API server sends differently) is skipped, counted and
logged once, without its content — it never blocks the updates behind it. Handling runs inside
`Store.handling`, so the first write it commits marks it applied; when it is over it is marked
done. On start, what a crash left in the inbox is handled again, in order: an update not yet
applied from the beginning, an applied one by showing its chat where it now stands (its reply
may never have gone out; applying it again would apply an answer twice).
"""

from __future__ import annotations

import inspect
import json
import logging
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from telegram import Bot, Update

from heel_bot.store import StoreError
from heel_bot.stores.api import Storage

log = logging.getLogger(__name__)

Resume = Callable[[Update], Awaitable[None]]


class Inbox:
    """Records, reads and hands over updates; see the module's docstring."""

    def __init__(self, store: Storage, resume: Resume) -> None:
        self.store = store
        self._resume = resume
        self._applied: set[int] = set()  # replayed updates whose changes were committed
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
                                        for i, d in items]))
        updates = [self._read(bot, i, d) for i, d in items if i in new]
        return [u for u in updates if u is not None]

    def left_over(self, bot: Bot) -> list[Update]:
        """What a crash left (updates recorded, not handled), in order, to be handled again."""
        updates = []
        for row in self.store.inbox():
            if row.done:
                continue
            try:
                data = json.loads(row.body)
            except ValueError:
                data = None
            update = self._read(bot, row.update_id, data)
            if update is not None:
                if row.applied:
                    self._applied.add(row.update_id)
                updates.append(update)
        if updates:
            log.info("%d update(s) left from the last run are handled again (%d already "
                     "applied)", len(updates), len(self._applied))
        return updates

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
            try:
                self.store.inbox_done(update_id)
            except StoreError as err:  # left in the inbox: skipped again at the next start
                log.warning("update %d not marked handled: %s", update_id, err)
            return None

    async def handle(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Run an update's handlers (`coroutine`) — or, for an update replayed after its
        changes were committed, show its chat where it stands — then mark it done."""
        if not isinstance(update, Update):
            await coroutine
            return
        update_id = update.update_id
        with self.store.handling(update_id):
            if update_id in self._applied:
                self._applied.discard(update_id)
                if inspect.iscoroutine(coroutine):
                    coroutine.close()  # never started: PTB's handlers are not run for it
                await self._resumed(update)
            else:
                await coroutine
        try:
            self.store.inbox_done(update_id)
        except StoreError as exc:  # handled all the same: at worst it is shown again later
            log.warning("update %d not marked handled: %s", update_id, exc)

    async def _resumed(self, update: Update) -> None:
        try:
            await self._resume(update)
        except Exception as exc:
            log.warning("update %d: showing where its chat stands failed (%s)",
                        update.update_id, type(exc).__name__)
