"""The Bot API transport: retries on 5xx answers and network errors, with backoff."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable

from telegram._utils.defaultvalue import DEFAULT_NONE
from telegram._utils.types import ODVInput
from telegram.error import NetworkError
from telegram.request import BaseRequest, RequestData

from heel_bot.ops.metrics import Metrics
from heel_bot.tg.pacing import is_message

log = logging.getLogger(__name__)


class RetryingRequest(BaseRequest):
    """Retries Bot API calls on 5xx answers and network errors, with exponential backoff.

    Flood limits (429 with retry_after) are the rate limiter's job; 4xx answers are final.
    A timed-out call is retried as well: a message that might have gone out twice is better
    than a question that never arrives.
    """

    def __init__(self, inner: BaseRequest, attempts: int = 5, first_delay: float = 0.5,
                 max_delay: float = 8.0,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep, *,
                 metrics: Metrics | None = None) -> None:
        self.inner = inner
        self.metrics = metrics or Metrics(process=False)
        self.attempts = attempts
        self.first_delay = first_delay
        self.max_delay = max_delay
        self._sleep = sleep

    @property
    def read_timeout(self) -> float | None:
        return self.inner.read_timeout

    async def initialize(self) -> None:
        await self.inner.initialize()

    async def shutdown(self) -> None:
        await self.inner.shutdown()

    async def do_request(  # noqa: PLR0917 - BaseRequest's signature
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = DEFAULT_NONE,
        write_timeout: ODVInput[float] = DEFAULT_NONE,
        connect_timeout: ODVInput[float] = DEFAULT_NONE,
        pool_timeout: ODVInput[float] = DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        endpoint = url.rsplit("/", 1)[-1]  # the method name; the token sits before it
        kind = ("edit" if endpoint.startswith("edit") else "send") if is_message(endpoint) \
            else None
        delay = self.first_delay
        for attempt in range(1, self.attempts + 1):
            try:
                code, payload = await self.inner.do_request(
                    url, method, request_data, read_timeout=read_timeout,
                    write_timeout=write_timeout, connect_timeout=connect_timeout,
                    pool_timeout=pool_timeout)
            except NetworkError as exc:  # transport failures, TimedOut included
                self.metrics.api_unreachable()
                if attempt == self.attempts:
                    raise
                log.warning("Bot API %s failed (%s), try %d of %d; retrying in %.1f s",
                            endpoint, type(exc).__name__, attempt, self.attempts, delay)
            else:
                self.metrics.api_answer(kind, code, payload, time.monotonic())
                if code < 500 or attempt == self.attempts:
                    return code, payload
                log.warning("Bot API %s answered HTTP %d, try %d of %d; retrying in %.1f s",
                            endpoint, code, attempt, self.attempts, delay)
            await self._sleep(delay)
            delay = min(delay * 2, self.max_delay)
        raise AssertionError("unreachable")  # pragma: no cover
