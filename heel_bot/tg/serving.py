"""Serving: updates in (long polling or the webhook, both through the inbox), the Application
started and stopped around them, signals, and the one line a fatal failure ends with.

PTB's `run_polling`/`run_webhook` confirm updates before they are handled and serve webhooks
with a server we cannot harden, so the Application is built without PTB's Updater and served
here, in the same order `run_polling` uses: initialize, post_init, updates in, start; then
updates stop coming, stop (which finishes every update taken in), shutdown, post_shutdown.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import signal
import sys
import time
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from telegram.error import InvalidToken, NetworkError
from telegram.ext import Application

from heel_bot.serve_config import ServeConfig
from heel_bot.store import StoreError
from heel_bot.stores.api import KEEP_UPDATES
from heel_bot.tg.inbox import Inbox
from heel_bot.tg.logs import REDACTOR
from heel_bot.tg.polling import REFUSED, Poller
from heel_bot.tg.webhook import Limits, OncePer, WebhookServer, accept_errors

log = logging.getLogger(__name__)

# Channel posts are not asked for: the bot has nothing to say in a channel.
ALLOWED_UPDATES = ("message", "callback_query", "my_chat_member")
# How long a webhook update is remembered once handled, so that a copy Telegram sends again
# (when our 200 was lost, maybe to another instance) is recognised: as long as Telegram keeps it.
WEBHOOK_MEMORY = KEEP_UPDATES
# With several instances, how often each renews its updates' leases (INBOX_LEASE, 30 s: renewed
# six times within it) and takes over those of an instance that died.
SWEEP_EVERY = 5.0

AnyApp = Application[Any, Any, Any, Any, Any, Any]


class ListenError(Exception):
    """The webhook server cannot listen where the settings say; one line saying why."""


@dataclass(frozen=True)
class Options:
    """How updates are fetched or received (tests shorten the long poll and the limits)."""

    poll_timeout: float = 10.0
    limits: Limits = field(default_factory=Limits)


@dataclass
class Receiver:
    """How updates come in for one Application: its settings and inbox; while serving, the
    poller or the webhook server, and why serving had to stop."""

    settings: ServeConfig
    inbox: Inbox
    read_timeout: float = 5.0  # of getUpdates, on top of the long poll's own timeout
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep  # between failed polls
    poller: Poller | None = None
    webhook: WebhookServer | None = None
    stopping: asyncio.Event = field(default_factory=asyncio.Event)
    fatal: str | None = None
    shared: bool = False  # other instances serve from the same store (see `serving`)
    _task: asyncio.Task[None] | None = None
    _sweep: asyncio.Task[None] | None = None
    _pruned: float = 0.0


_RECEIVERS: weakref.WeakKeyDictionary[AnyApp, Receiver] = weakref.WeakKeyDictionary()


def attach(app: AnyApp, receiver: Receiver) -> None:
    """Make `receiver` the way updates come in for `app` (see `serving`)."""
    _RECEIVERS[app] = receiver


def receiver_of(app: AnyApp) -> Receiver:
    """How updates come in for `app` (its inbox counts the unreadable ones)."""
    return _RECEIVERS[app]


@contextlib.asynccontextmanager
async def serving(app: AnyApp, options: Options | None = None) -> AsyncIterator[Receiver]:
    """Serve `app` (built by `build_application`) until the block ends: claim the store, start
    up, hand over what the last run left in the inbox, then poll or listen.

    Long polling holds the store alone (Telegram serves one getUpdates at a time); a webhook
    shares it with other instances where the store allows (PostgreSQL), and then renews its
    updates' leases and takes over a dead instance's updates every `SWEEP_EVERY` seconds."""
    options = options or Options()
    r = _RECEIVERS[app]
    r.stopping = asyncio.Event()
    try:
        r.shared = not r.inbox.store.claim(alone=not r.settings.webhook_url)
        await app.initialize()
        if app.post_init:
            await app.post_init(app)
        for update in r.inbox.left_over(app.bot, alone=not r.shared):
            await app.update_queue.put(update)
        await (_listen(app, r, options) if r.settings.webhook_url else _poll(app, r, options))
        await app.start()
        if r.shared:
            r._sweep = asyncio.create_task(_sweep(app, r), name="heel-bot inbox sweep")
        yield r
    finally:
        await _stop_receiving(r)
        if app.running:
            await app.stop()
            if app.post_stop:
                await app.post_stop(app)
        await _stop_sweeping(r)
        await app.shutdown()
        if app.post_shutdown:
            await app.post_shutdown(app)


async def _poll(app: AnyApp, r: Receiver, options: Options) -> None:
    r.poller = Poller(app.bot, r.inbox, app.update_queue, allowed_updates=ALLOWED_UPDATES,
                      timeout=options.poll_timeout, read_timeout=r.read_timeout,
                      sleep=r.sleep)
    await r.poller.start()

    def fatal(line: str = REFUSED) -> None:
        r.fatal = line
        r.stopping.set()

    def ended(task: asyncio.Task[None]) -> None:
        # Polling ends only when cancelled or refused; anything else must not leave the
        # process running deaf.
        if not task.cancelled() and (exc := task.exception()) is not None:
            log.error("polling stopped by an unexpected error", exc_info=exc)
            fatal(f"polling stopped by an unexpected error ({type(exc).__name__}); see the "
                  "log above")

    r._task = asyncio.create_task(r.poller.run(fatal), name="heel-bot polling")
    r._task.add_done_callback(ended)


async def _listen(app: AnyApp, r: Receiver, options: Options) -> None:
    s = r.settings
    assert s.webhook_url is not None and s.secret_token is not None

    async def accept(body: bytes) -> int:
        return await _accept(app, r, body)

    r.webhook = WebhookServer(path=urlsplit(s.webhook_url).path, secret=s.secret_token,
                              accept=accept, limits=options.limits)
    try:
        await r.webhook.start(s.listen, s.port)
    except OSError as exc:
        raise ListenError(f"cannot listen on {s.listen}:{s.port} for the webhook "
                          f"({exc.strerror or exc}); stop what uses that port, or choose "
                          "another with --port") from None
    await app.bot.set_webhook(s.webhook_url, secret_token=s.secret_token,
                              allowed_updates=list(ALLOWED_UPDATES))


async def _accept(app: AnyApp, r: Receiver, body: bytes) -> int:
    """A webhook body: 200 once recorded in the inbox (Telegram then stops sending it), 400
    if it is no update, 500 if the store cannot record it (Telegram tries again later)."""
    try:
        data = json.loads(body)
    except ValueError:
        return 400
    if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
        return 400
    try:
        updates = r.inbox.take(app.bot, [data])
    except StoreError as exc:
        log.error("webhook update not recorded (Telegram sends it again): %s", exc)
        return 500
    for update in updates:
        await app.update_queue.put(update)
    now = time.monotonic()
    if now - r._pruned > 60:
        r._pruned = now
        try:
            r.inbox.store.inbox_confirm(older_than=WEBHOOK_MEMORY)
        except StoreError as exc:
            log.warning("handled updates not cleared from the inbox: %s", exc)
    return 200


async def _sweep(app: AnyApp, r: Receiver) -> None:
    """Renew this instance's leases, take over a dead instance's updates; while stopping, only
    renew (the updates in hand are being finished)."""
    while True:
        await asyncio.sleep(SWEEP_EVERY)
        try:
            if r.stopping.is_set():
                r.inbox.renew()
                continue
            for update in r.inbox.sweep(app.bot):
                await app.update_queue.put(update)
        except StoreError as exc:
            log.warning("inbox leases not renewed: %s", exc)


async def _stop_sweeping(r: Receiver) -> None:
    if r._sweep is not None:
        r._sweep.cancel()
        await asyncio.gather(r._sweep, return_exceptions=True)
        r._sweep = None


async def _stop_receiving(r: Receiver) -> None:
    if r._task is not None:
        r._task.cancel()
        await asyncio.gather(r._task, return_exceptions=True)
        r._task = None
    if r.poller is not None and r.fatal is None:
        await r.poller.confirm()
    if r.webhook is not None:
        await r.webhook.stop()


async def _serve(app: AnyApp) -> Receiver:
    loop = asyncio.get_running_loop()
    loop.set_exception_handler(accept_errors(OncePer()))
    async with serving(app) as r:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, r.stopping.set)
        await r.stopping.wait()
    return r


def run(app: AnyApp) -> int:
    """Serve until SIGINT/SIGTERM: long polling, or a webhook when the settings name one.

    Every update taken in is handled and the store is closed before returning. A failure that
    stops the bot is one line on stderr and a non-zero exit code, for a supervisor to see.
    """
    try:
        r = asyncio.run(_serve(app))
    except (StoreError, ListenError) as exc:
        return _fail(str(exc), 2)
    except InvalidToken:
        return _fail(REFUSED, 2)
    except NetworkError as exc:
        return _fail(f"cannot reach the Bot API ({REDACTOR.redact(str(exc))}); check the "
                     "network or TELEGRAM_API_URL", 1)
    return _fail(r.fatal, 2) if r.fatal else 0


def _fail(line: str, code: int) -> int:
    print(f"heel-bot: {line}", file=sys.stderr)
    return code
