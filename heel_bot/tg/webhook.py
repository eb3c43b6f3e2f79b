"""The webhook's HTTP server: small, strict and hard to exhaust.

Telegram POSTs each update as a small JSON body with the secret header. So, in this order: the
request line and headers must come within `head_timeout` (and fit 16 KiB); the path, the method
and the secret (compared in constant time) are checked before a byte of the body is read — a
wrong one gets 403 and the connection is closed; the body must declare its length, at most
`max_body`, and arrive within `body_timeout`; JSON that is not an update gets 400. At most
`max_connections` are open: a new one pushes out the longest-idle one, so idle connections can
never lock Telegram out. It speaks plain HTTP: TLS is a proxy's job (see the README).
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
import resource
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

log = logging.getLogger(__name__)

SECRET_HEADER = "x-telegram-bot-api-secret-token"  # noqa: S105 - the header's name
_REASONS = {200: "OK", 400: "Bad Request", 403: "Forbidden", 404: "Not Found",
            405: "Method Not Allowed", 408: "Request Timeout", 411: "Length Required",
            413: "Content Too Large", 431: "Request Header Fields Too Large",
            500: "Internal Server Error", 503: "Service Unavailable"}
MAX_HEAD = 16 * 1024

Accept = Callable[[bytes], Awaitable[int]]


def _connections_allowed() -> int:
    """Telegram opens at most 100 connections (setWebhook's max_connections, default 40); keep
    well within the process's file descriptors, so that accepting never runs out of them."""
    soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    return 128 if soft == resource.RLIM_INFINITY else max(4, min(128, soft // 4))


@dataclass(frozen=True)
class Limits:
    """What one client may take. Telegram's updates are a few KB and it sends each at once."""

    max_body: int = 1024 * 1024
    head_timeout: float = 10.0  # to send the request line and headers
    body_timeout: float = 10.0  # to send the body
    idle_timeout: float = 60.0  # between two requests on a kept-alive connection
    max_connections: int = field(default_factory=_connections_allowed)


class OncePer:
    """Logs a repeated failure once per `interval` seconds, with how often it happened."""

    def __init__(self, interval: float = 60.0, clock: Callable[[], float] = time.monotonic,
                 ) -> None:
        self.interval, self.clock = interval, clock
        self._last: dict[str, float] = {}
        self._count: dict[str, int] = {}

    def log(self, key: str, message: str, *args: object) -> None:
        """Log `message` (WARNING) unless `key` was logged less than `interval` ago."""
        now = self.clock()
        self._count[key] = self._count.get(key, 0) + 1
        last = self._last.get(key)
        if last is not None and now - last < self.interval:
            return
        count, self._count[key], self._last[key] = self._count[key], 0, now
        log.warning(message + " (%d time(s) since the last such line)", *args, count)


class _Close(Exception):
    """Answer with `status`, then close the connection (its body, if any, is left unread)."""

    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


class WebhookServer:
    """Serves POST `path` with the secret header; hands each body to `accept`, which answers
    the HTTP status (200 once the update is recorded)."""

    def __init__(self, *, path: str, secret: str, accept: Accept, limits: Limits | None = None,
                 ) -> None:
        self.path = "/" + path.lstrip("/")
        self._secret = secret.encode()
        self._accept = accept
        self.limits = limits or Limits()
        self._server: asyncio.Server | None = None
        self._open: dict[asyncio.StreamWriter, bool] = {}  # connection -> idle (no request)
        self._tasks: set[asyncio.Task[Any]] = set()
        self.refused = OncePer()

    async def start(self, host: str, port: int) -> None:
        """Listen; OSError when the address cannot be used (e.g. the port is taken)."""
        self._server = await asyncio.start_server(self._connection, host, port,
                                                  limit=MAX_HEAD, reuse_address=True)

    async def stop(self) -> None:
        """Stop listening and close every connection."""
        if self._server is not None:
            self._server.close()
        for writer in list(self._open):
            writer.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._server is not None:
            await self._server.wait_closed()

    async def _connection(self, reader: asyncio.StreamReader,
                          writer: asyncio.StreamWriter) -> None:
        if not self._make_room():
            self.refused.log("full", "webhook: %d connections busy, one refused",
                             self.limits.max_connections)
            writer.close()
            return
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        self._open[writer] = True
        try:
            await self._serve(reader, writer)
        except (TimeoutError, ConnectionError, asyncio.IncompleteReadError,
                asyncio.LimitOverrunError, asyncio.CancelledError):
            pass  # a slow, broken or pushed-out client: nothing to answer
        finally:
            self._open.pop(writer, None)
            self._tasks.discard(task)
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    def _make_room(self) -> bool:
        """Whether a new connection fits, closing the longest-idle one if need be."""
        if len(self._open) < self.limits.max_connections:
            return True
        idle = next((w for w, waiting in self._open.items() if waiting), None)
        if idle is None:
            return False
        del self._open[idle]
        idle.close()  # its task then ends on the closed stream
        return True

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        wait = self.limits.head_timeout
        while True:
            self._open[writer] = True
            try:
                async with asyncio.timeout(wait):
                    head = await reader.readuntil(b"\r\n\r\n")
            except asyncio.LimitOverrunError:
                await _respond(writer, 431, keep=False)
                return
            del self._open[writer]
            self._open[writer] = False  # busy, and last: the longest idle come first
            try:
                status, keep = await self._request(head, reader)
            except _Close as close:
                await _respond(writer, close.status, keep=False)
                return
            await _respond(writer, status, keep)
            if not keep:
                return
            wait = self.limits.idle_timeout

    async def _request(self, head: bytes, reader: asyncio.StreamReader) -> tuple[int, bool]:
        """The status for one request (its body read only once it may be), and whether the
        connection stays open."""
        try:
            line, *fields = head.decode("latin-1").split("\r\n")
            method, target, version = line.split(" ")
        except ValueError:
            raise _Close(400) from None
        headers = {k.strip().lower(): v.strip() for k, _, v in
                   (f.partition(":") for f in fields if f)}
        if urlsplit(target).path != self.path:
            raise _Close(404)
        if method != "POST":
            raise _Close(405)
        if not hmac.compare_digest(headers.get(SECRET_HEADER, "").encode(), self._secret):
            raise _Close(403)
        length = headers.get("content-length", "")
        if "transfer-encoding" in headers or not length.isdigit():
            raise _Close(411)
        if int(length) > self.limits.max_body:
            raise _Close(413)
        try:
            async with asyncio.timeout(self.limits.body_timeout):
                body = await reader.readexactly(int(length))
        except TimeoutError:
            raise _Close(408) from None
        keep = version == "HTTP/1.1" and headers.get("connection", "").lower() != "close"
        return await self._accept(body), keep


async def _respond(writer: asyncio.StreamWriter, status: int, keep: bool) -> None:
    body = b"{}" if status == 200 else b""
    head = (f"HTTP/1.1 {status} {_REASONS.get(status, 'Error')}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
            f"Connection: {'keep-alive' if keep else 'close'}\r\n\r\n")
    writer.write(head.encode("latin-1") + body)
    async with asyncio.timeout(10):
        await writer.drain()


def accept_errors(limiter: OncePer) -> Callable[[asyncio.AbstractEventLoop, dict[str, Any]],
                                                 None]:
    """An event-loop exception handler: asyncio reports every failed accept (e.g. too many open
    files) with a traceback, up to once a second for as long as it lasts; this logs it once per
    `limiter`'s interval, in one line, and leaves every other report to the default."""

    def handler(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        exc = context.get("exception")
        if isinstance(exc, OSError) and "accept" in str(context.get("message", "")):
            limiter.log("accept", "webhook: cannot accept connections (%s)",
                        exc.strerror or type(exc).__name__)
            return
        loop.default_exception_handler(context)

    return handler
