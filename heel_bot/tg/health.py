"""The operator's endpoints of the Telegram bot, on `--health-port`: GET /healthz, /readyz and
/metrics, in polling and in webhook mode alike (a server of its own, beside the webhook's).

- /healthz: the process is up and its event loop answers (200, JSON).
- /readyz: the store can be opened and read afresh (an SQLite file) or answers a query (a
  PostgreSQL database, named without its password), and the Bot API has answered within the
  last minute (200, else 503; JSON saying which). In webhook mode nothing may call the Bot
  API for a while, so when it has been quiet for `heartbeat` seconds a getMe keeps the answer
  true to life.
- /metrics: heel_bot.ops.metrics in Prometheus' text format, with the store's counts read
  on a worker thread at each scrape.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST
from telegram import Bot
from telegram.error import TelegramError

from heel_bot import store_side
from heel_bot.ops.metrics import DROP_OFF_AFTER, Metrics
from heel_bot.ops.server import OpsServer, Page
from heel_bot.serve_config import ServeConfig
from heel_bot.store import Store, StoreError
from heel_bot.stores.api import Storage

log = logging.getLogger(__name__)

READY_WITHIN = 60.0  # seconds: the Bot API must have answered within the last minute
HEARTBEAT = 20.0  # seconds of silence after which a getMe checks the Bot API is there


class Health:
    """The operator's endpoints, started and stopped with the Application."""

    def __init__(self, settings: ServeConfig, store: Storage, metrics: Metrics, *,
                 clock: Callable[[], float] = time.time,
                 monotonic: Callable[[], float] = time.monotonic,
                 heartbeat: float = HEARTBEAT) -> None:
        self.settings, self.store, self.metrics = settings, store, metrics
        self.clock, self.monotonic, self.heartbeat = clock, monotonic, heartbeat
        self.server = OpsServer({"/healthz": self.healthz, "/readyz": self.readyz,
                                 "/metrics": self.metrics_page},
                                settings.health_listen, settings.health_port or 0)
        self._started = monotonic()
        self._beat: asyncio.Task[None] | None = None

    async def start(self, bot: Bot) -> None:
        """Listen, and keep an eye on the Bot API while the bot runs."""
        await self.server.start()
        self._beat = asyncio.get_running_loop().create_task(self._heartbeat(bot))
        log.info("health endpoints on http://%s:%d (/healthz, /readyz, /metrics)",
                 self.server.host, self.server.port)

    async def stop(self) -> None:
        if self._beat is not None:
            self._beat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._beat
        await self.server.stop()

    async def _heartbeat(self, bot: Bot) -> None:
        while True:
            await asyncio.sleep(self.heartbeat)
            last = self.metrics.last_contact
            if last is None or self.monotonic() - last >= self.heartbeat:
                with contextlib.suppress(TelegramError):  # readiness tells the operator
                    await bot.get_me()

    # ------------------------------------------------------------ endpoints

    async def healthz(self) -> Page:
        return Page.json(200, {"status": "ok", "mode": self.settings.mode,
                               "uptime_seconds": round(self.monotonic() - self._started, 1)})

    async def readyz(self) -> Page:
        # Which database: a file, or a PostgreSQL URL without its password.
        store: dict[str, Any] = {"ok": True, "database": self.store.where}
        try:
            # A SQLite file is probed on a connection of its own (the bot's may be busy); a
            # PostgreSQL store answers a query on its tables from its pool.
            if isinstance(self.store, Store):
                await asyncio.to_thread(store_side.probe, self.store.path)
            else:
                await asyncio.to_thread(self.store.count)
        except StoreError as exc:
            store = {**store, "ok": False, "error": str(exc)}
        last = self.metrics.last_contact
        ago = None if last is None else round(self.monotonic() - last, 1)
        api = {"ok": ago is not None and ago <= READY_WITHIN, "answered_seconds_ago": ago}
        ready = bool(store["ok"] and api["ok"])
        return Page.json(200 if ready else 503, {"ready": ready, "store": store,
                                                 "bot_api": api})

    async def metrics_page(self) -> Page:
        counts = None  # the store's counts are read from a SQLite file only, for now
        try:
            if isinstance(self.store, Store):
                counts = await asyncio.to_thread(store_side.counts, self.store.path,
                                                 self.clock() - DROP_OFF_AFTER)
        except StoreError as exc:
            log.warning("metrics: the store could not be counted: %s", exc)
            counts = None
        return Page(200, CONTENT_TYPE_LATEST, self.metrics.exposition(counts))
