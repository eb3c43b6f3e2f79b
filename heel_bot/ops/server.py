"""The operator's HTTP port: a few GET endpoints (health, readiness, metrics) served on the
bot's own event loop.

A deliberately small HTTP/1.1 server on asyncio streams: GET or HEAD, one request a connection,
headers bounded in size and time, so a stuck or hostile client costs one socket for a few
seconds and never touches the bot. It shares no code with the webhook server, and works the
same whether the bot polls or takes webhooks. Each route is a coroutine returning a `Page`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import socket
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from http import HTTPStatus
from urllib.parse import urlsplit

log = logging.getLogger(__name__)

HEAD_LIMIT = 8192  # bytes of request line and headers; an operator's probe sends a few hundred
READ_TIMEOUT = 5.0  # seconds to send the request


@dataclass(frozen=True)
class Page:
    """An answer: status, content type and body."""

    status: int
    content_type: str
    body: bytes

    @classmethod
    def json(cls, status: int, data: Mapping[str, object]) -> Page:
        return cls(status, "application/json", json.dumps(data).encode() + b"\n")


Route = Callable[[], Awaitable[Page]]


class OpsServer:
    """Serves `routes` (path -> coroutine) on `host`:`port` until `stop`."""

    def __init__(self, routes: Mapping[str, Route], host: str, port: int) -> None:
        self.routes = dict(routes)
        self.host, self.port = host, port
        self._server: asyncio.Server | None = None
        self._clients: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        """Listen (port 0: any free port, then `port` says which)."""
        self._server = await asyncio.start_server(self._serve, self.host, self.port,
                                                  limit=HEAD_LIMIT)
        self.port = int(self._server.sockets[0].getsockname()[1])

    async def stop(self) -> None:
        """Stop listening and end the connections still open."""
        if self._server is not None:
            self._server.close()
            for task in list(self._clients):
                task.cancel()
            await asyncio.gather(*self._clients, return_exceptions=True)
            await self._server.wait_closed()
            self._server = None

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._clients.add(task)
        try:
            try:
                async with asyncio.timeout(READ_TIMEOUT):
                    head = await reader.readuntil(b"\r\n\r\n")
                method, page = await self._answer(head)
            except asyncio.LimitOverrunError:
                method, page = "GET", Page.json(431, {"error": "request headers too large"})
            writer.write(_response(page, with_body=method != "HEAD"))
            await writer.drain()
        except (TimeoutError, asyncio.IncompleteReadError, ConnectionError):
            pass  # a client that went away or never finished asking: nothing to answer
        except asyncio.CancelledError:
            pass  # stopping
        finally:
            writer.close()
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await writer.wait_closed()
            self._clients.discard(task)

    async def _answer(self, head: bytes) -> tuple[str, Page]:
        parts = head.split(b"\r\n", 1)[0].decode("latin-1").split(" ")
        if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
            return "GET", Page.json(400, {"error": "bad request"})
        method, target = parts[0], parts[1]
        route = self.routes.get(urlsplit(target).path)
        if route is None:
            return method, Page.json(404, {"error": "not found", "paths": sorted(self.routes)})
        if method not in ("GET", "HEAD"):
            return method, Page.json(405, {"error": "method not allowed"})
        try:
            return method, await route()
        except Exception:
            log.exception("operator endpoint %s failed", urlsplit(target).path)
            return method, Page.json(500, {"error": "internal error"})


def check_free(host: str, port: int) -> None:
    """OSError unless `port` can be listened on at `host` (checked before start-up, so that a
    port in use is one line, not a traceback once the bot is half started)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as asyncio listens
        probe.bind((host, port))


def _response(page: Page, *, with_body: bool) -> bytes:
    reason = HTTPStatus(page.status).phrase
    head = (f"HTTP/1.1 {page.status} {reason}\r\nContent-Type: {page.content_type}\r\n"
            f"Content-Length: {len(page.body)}\r\nCache-Control: no-store\r\n"
            "Connection: close\r\n\r\n")
    return head.encode("latin-1") + (page.body if with_body else b"")
