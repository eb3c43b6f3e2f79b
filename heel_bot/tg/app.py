"""The Application: built from its parts, started, and watched over.

`build_application` takes every part from outside (the settings, the engine, the store, the
rate limiter, the clock, the sleep used between retries, the HTTP transport), so tests and
benchmarks pass their own instead of patching; the command line is the one place that chooses
the real ones. `run` (heel_bot/tg/serving.py) serves until SIGINT/SIGTERM by long polling or a
webhook, every update through the store's inbox.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeAlias
from urllib.parse import urlsplit

from telegram import Update
from telegram.constants import ChatType, ParseMode
from telegram.error import Forbidden, TelegramError
from telegram.ext import (
    Application,
    BaseRateLimiter,
    ContextTypes,
    Defaults,
    ExtBot,
    JobQueue,
)
from telegram.request import BaseRequest, HTTPXRequest

from heel_bot.engine import Engine
from heel_bot.ops.metrics import Metrics
from heel_bot.serve_config import ServeConfig, api_file_url, without_password
from heel_bot.store import StoreError
from heel_bot.stores.api import Storage
from heel_bot.tg import routes
from heel_bot.tg.buttons import Buttons
from heel_bot.tg.chats import Chats
from heel_bot.tg.health import Health
from heel_bot.tg.inbox import Inbox
from heel_bot.tg.logs import log_handler, protect_logs
from heel_bot.tg.menus import Menus
from heel_bot.tg.ordering import ChatOrderedProcessor, chat_id_of
from heel_bot.tg.pacing import ChatPacer
from heel_bot.tg.presence import present
from heel_bot.tg.privacy import Privacy
from heel_bot.tg.reminders import Reminders
from heel_bot.tg.serving import ALLOWED_UPDATES, Receiver, attach, receiver_of, run
from heel_bot.tg.transport import RetryingRequest
from heel_bot.tg.typed import Typed

log = logging.getLogger(__name__)

Context: TypeAlias = ContextTypes.DEFAULT_TYPE
# The rate limiter makes the bot ExtBot[int] (its per-call argument is a retry count).
App: TypeAlias = Application[ExtBot[int], Context, dict[Any, Any], dict[Any, Any],
                             dict[Any, Any], JobQueue[Context]]
__all__ = ["ALLOWED_UPDATES", "POOL_SIZE", "App", "build_application", "run",
           "setup_logging"]
# Telegram lets a bot send about 30 messages a second, so 16 updates in flight are plenty;
# more only deepen httpcore's pool queue, whose upkeep grows with its length (measured:
# 0.64-0.80x the CPU per update at 100 busy chats; docs/benchmarks.md, F4).
IN_FLIGHT = 16
POOL_SIZE = 32  # the 16 updates plus check-in jobs sending at the same time


@dataclass
class Lifecycle:
    """Start-up, shutdown and the one place every failure is logged."""

    settings: ServeConfig
    h: routes.Handlers
    health: Health | None = None
    mode_line: str = ""

    async def post_init(self, app: App) -> None:
        """Build the language layer, bring the bot's profile (description, command menu) up to
        date, reschedule stored check-ins, say how the bot runs, open the health port."""
        # Built in the background: buttons work at once, a typed message waits for the rest.
        engine = self.h.chats.engine
        asyncio.get_running_loop().run_in_executor(None, lambda: engine.language)
        await present(app.bot, self.h.chats.c, routes.MENU)
        assert app.job_queue is not None
        scheduled = self.h.reminders.reschedule_all(app.job_queue)
        if receiver_of(app).shared:  # other instances serve from the same store
            self.h.reminders.start_sweep(app.job_queue)
        s = self.settings
        api = urlsplit(s.api_url).netloc if s.api_url else "api.telegram.org"
        how = (f"webhook {s.webhook_url} (listening on {s.listen}:{s.port}, secret required)"
               if s.webhook_url else "long polling")
        shared = " (shared with other instances)" if receiver_of(app).shared else ""
        self.mode_line = (f"heel-bot @{app.bot.username} runs by {how} against {api}; store "
                          f"{_store_name(s)}{shared}; {scheduled} check-in(s) scheduled")
        log.info("%s", self.mode_line)
        if self.health is not None:
            await self.health.start(app.bot)

    async def post_shutdown(self, app: App) -> None:
        """Close the store once every update has been processed."""
        if self.health is not None:
            await self.health.stop()
        self.h.chats.store.close()

    async def on_error(self, update: object, context: Context) -> None:
        """One place for every failure: log it with its context, never with text or token."""
        err = context.error
        update_id = update.update_id if isinstance(update, Update) else None
        chat_id = chat_id_of(update)
        if chat_id is None and context.job is not None:
            chat_id = context.job.chat_id
        if isinstance(err, Forbidden) and chat_id is not None:
            self.h.reminders.drop(context, chat_id)
            log.info("update %s: chat %s cannot be messaged (%s)", update_id, chat_id, err)
            return
        log.error("update %s in chat %s failed: %s", update_id, chat_id, type(err).__name__,
                  exc_info=err)
        private = (isinstance(update, Update) and update.effective_chat is not None
                   and update.effective_chat.type == ChatType.PRIVATE)
        if private and chat_id is not None and not isinstance(err, TelegramError):
            # A store failure undoes the whole turn: say so, the user only has to try again.
            key = "tg.store_error" if isinstance(err, StoreError) else "tg.error"
            with contextlib.suppress(TelegramError):
                await context.bot.send_message(chat_id, self.h.chats.html(key))


def _store_name(settings: ServeConfig) -> str:
    """The store for the start-up line: the file, or the database URL without its password."""
    return without_password(settings.db_url) if settings.db_url else str(settings.db_path)


def _dates(clock: Callable[[], float]) -> Callable[[], str]:
    """Today's date (UTC, ISO) by `clock`: what a summary is dated with."""
    return lambda: datetime.fromtimestamp(clock(), UTC).date().isoformat()


def _parts(settings: ServeConfig, engine: Engine, store: Storage, clock: Callable[[], float],
           metrics: Metrics) -> tuple[Lifecycle, ChatOrderedProcessor, Inbox]:
    """The handlers, and the lifecycle around them, sharing one update processor that runs
    each update through the inbox."""
    chats = Chats(engine, store, today := _dates(clock), metrics)
    inbox = Inbox(store, chats.resume)
    processor = ChatOrderedProcessor(max_concurrent_updates=IN_FLIGHT, around=inbox.handle,
                                     metrics=metrics)
    reminders = Reminders(chats, processor, day_seconds=settings.day_seconds, clock=clock,
                          owner=inbox.owner)
    h = routes.Handlers(chats, Typed(chats, settings.deep_links), Buttons(chats), reminders,
                        Privacy(chats, reminders), Menus(chats, today))
    health = None if settings.health_port is None else Health(settings, store, metrics,
                                                              clock=clock)
    return Lifecycle(settings, h, health), processor, inbox


def build_application(
    settings: ServeConfig, *, engine: Engine, store: Storage,
    rate_limiter: BaseRateLimiter[int] | None = None,
    clock: Callable[[], float] = time.time,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    request: BaseRequest | None = None,
    get_updates_request: BaseRequest | None = None,
    metrics: Metrics | None = None,
) -> App:
    """The Application with its handlers, from the parts given.

    `request` is the HTTP transport for Bot API calls (wrapped in the retrying layer, which
    waits with `sleep`); `rate_limiter` defaults to `ChatPacer` (flood limits paced per chat,
    also waiting with `sleep`); `clock` dates the check-ins; `metrics` is what the operator's
    /metrics shows (served when the settings give a health port).
    """
    _prepare(settings)
    metrics = metrics or Metrics()
    life, processor, inbox = _parts(settings, engine, store, clock, metrics)
    transport = RetryingRequest(request or HTTPXRequest(connection_pool_size=POOL_SIZE),
                                sleep=sleep, metrics=metrics)
    builder = (
        Application.builder()
        .token(settings.token)
        .defaults(Defaults(parse_mode=ParseMode.HTML))
        .request(transport)
        .rate_limiter(rate_limiter or ChatPacer(max_retries=5, sleep=sleep,
                                                instances=settings.instances))
        .concurrent_updates(processor)
        .updater(None)  # updates come in through the inbox (heel_bot/tg/serving.py)
        .post_init(life.post_init)
        .post_shutdown(life.post_shutdown)
    )
    app: App = _at(builder, settings, get_updates_request).build()
    routes.install(app, life.h)
    app.add_error_handler(life.on_error)
    attach(app, Receiver(settings, inbox, _read_timeout(get_updates_request), sleep))
    return app


def _read_timeout(request: BaseRequest | None) -> float:
    """getUpdates' read timeout (on top of the long poll's): the transport's, else PTB's."""
    return (request.read_timeout if request else None) or 5.0


def _prepare(settings: ServeConfig) -> None:
    """What the process needs before any Application is built."""
    protect_logs(settings.token, settings.secret_token)
    # Opt in to PTB 23's durations (timedelta): without it PTB 22 warns each time it builds
    # a RetryAfter, i.e. on every flood-limit answer. ChatPacer reads retry_after either way.
    os.environ.setdefault("PTB_TIMEDELTA", "1")


def _at(builder: Any, settings: ServeConfig, get_updates_request: BaseRequest | None) -> Any:
    """The builder pointed at a self-hosted Bot API server and getUpdates transport, if set."""
    if get_updates_request is not None:
        builder = builder.get_updates_request(get_updates_request)
    if settings.api_url:
        builder = builder.base_url(settings.api_url).base_file_url(
            api_file_url(settings.api_url))
    return builder


def setup_logging(settings: ServeConfig) -> None:
    """Service logging: one line a record (text, or JSON with --log-format json), no secrets,
    no per-answer noise."""
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, handlers=[log_handler(settings.log_format)])
    # The dialog machine logs every transition at INFO: per-answer noise in a service log.
    logging.getLogger("transitions").setLevel(logging.WARNING)
    redactor = protect_logs(settings.token, settings.secret_token)
    for handler in logging.getLogger().handlers:
        handler.addFilter(redactor)
