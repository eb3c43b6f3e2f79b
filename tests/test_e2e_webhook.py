"""End to end in webhook mode: the real Application serving a webhook on 127.0.0.1.

The Application starts its webhook server exactly as `heel-bot serve --webhook-url` does
(heel_bot/tg/webhook.py, with the secret token) and registers it with the Bot API stand-in,
which then pushes each update to it with Telegram's secret-token header. Requests with the
right secret are processed; a wrong or missing secret gets 403 and changes nothing: no
message is sent and no row is stored. And the server is hard to exhaust: the secret is checked
before a byte of the body is read, bodies are capped and must be updates (400), slow and idle
clients are dropped and can never lock Telegram out, and failed accepts are logged once per
interval.
"""

from __future__ import annotations

import asyncio
import errno
import logging
import socket
from pathlib import Path
from typing import Any

import pytest
from auxil.botapi import (
    BotAPIStandIn,
    Plan,
    answer_by_buttons,
    every_logger_at_debug,
    heel_bot,
    leaked,
    plan,
    rows,
    start_chat,
    stored,
    text,
)

from heel_bot.engine import Engine
from heel_bot.tg.serving import Options
from heel_bot.tg.webhook import Limits, OncePer, accept_errors

SECRET = "s3cret-Token_for-the-webhook"
FALL = {"injury": "fall_or_impact", "weight_bearing": "yes", "deformity": "no", "tendon_gap": "no",
        "infection_signs": "no", "severity": "moderate"}


@pytest.fixture(scope="module")
def fall(engine: Engine) -> Plan:
    return plan(engine, FALL)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def webhook_mode(port: int) -> dict[str, Any]:
    """The ServeConfig fields of `heel-bot serve --webhook-url … --secret-token …`."""
    url = f"http://127.0.0.1:{port}/heel-bot/hook"
    return {"webhook_url": url, "listen": "127.0.0.1", "port": port, "secret_token": SECRET}


async def test_a_conversation_over_the_webhook(api: BotAPIStandIn, db: Path, engine: Engine,
                                               fall: Plan) -> None:
    chat = 6001
    settings = webhook_mode(free_port())
    async with heel_bot(api, db, engine, **settings):
        assert api.webhook is not None
        assert api.webhook["url"] == settings["webhook_url"]
        assert api.webhook["secret_token"] == SECRET
        first = await start_chat(api, chat, fall.steps[0])
        await answer_by_buttons(api, chat, first, fall.steps, fall.level_title)
        await api.wait_idle()
    assert api.methods("getUpdates") == []
    assert api.unanswered_queries() == []
    state = stored(db, chat)
    assert state is not None and state.finished


@pytest.mark.parametrize("secret", [None, "", "wrong", SECRET + "x", SECRET.upper()])
@pytest.mark.slow
async def test_a_wrong_or_missing_secret_is_refused(api: BotAPIStandIn, db: Path,
                                                    engine: Engine, fall: Plan,
                                                    secret: str | None) -> None:
    chat = 6002
    settings = webhook_mode(free_port())
    url = str(settings["webhook_url"])
    async with heel_bot(api, db, engine, **settings):
        refused = await api.post_webhook(url, api.text_update(chat, "/start"), secret)
        assert refused.status_code == 403
        await api.wait_idle()
        assert api.transcript(chat) == []
        assert rows(db, chat) == 0
        assert api.methods("sendMessage") == []
        # The same endpoint with the right secret: processed.
        accepted = await api.post_webhook(url, api.text_update(chat, "/start"), SECRET)
        assert accepted.status_code == 200
        await api.wait_text(chat, fall.steps[0].text, keyboard=True)
        await api.wait_text(chat, text(engine, "ui.welcome"))
        await api.wait_idle()
    assert rows(db, chat) == 1
    assert len(api.transcript(chat)) == 2  # the welcome and the first question, once


async def test_the_webhook_secret_never_appears_in_logs(
        api: BotAPIStandIn, db: Path, engine: Engine, fall: Plan,
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    settings = webhook_mode(free_port())
    with every_logger_at_debug("httpx", "httpcore", "telegram", "tornado"):
        async with heel_bot(api, db, engine, **settings):
            with every_logger_at_debug():
                refused = await api.post_webhook(str(settings["webhook_url"]),
                                                 api.text_update(6003, "/start"), "wrong")
                assert refused.status_code == 403
                await start_chat(api, 6003, fall.steps[0])
                await api.wait_idle()
    assert leaked(caplog.records, SECRET, api.token, api.token.split(":", 1)[1]) == []


# ------------------------------------------------------------------ hardening


async def raw_request(port: int, head: str, body: bytes = b"",
                      within: float = 5.0) -> tuple[str, bytes]:
    """Send `head` (and `body`) on a new connection; the status line of the answer, and what
    followed until the server closed the connection (b"" right after the answer: closed)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(head.encode("latin-1") + body)
        await writer.drain()
        async with asyncio.timeout(within):
            status = (await reader.readline()).decode("latin-1").strip()
            rest = await reader.read()
        return status, rest
    finally:
        writer.close()


def post_head(length: int, secret: str | None, path: str = "/heel-bot/hook", *,
              keep_alive: bool = False) -> str:
    lines = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1", "Content-Type: application/json",
             f"Content-Length: {length}", f"Connection: {'keep-alive' if keep_alive else 'close'}"]
    if secret is not None:
        lines.append(f"X-Telegram-Bot-Api-Secret-Token: {secret}")
    return "\r\n".join(lines) + "\r\n\r\n"


@pytest.mark.parametrize("secret", [None, "wrong"])
async def test_a_wrong_secret_is_refused_before_the_body_is_read(
        api: BotAPIStandIn, db: Path, engine: Engine, secret: str | None) -> None:
    settings = webhook_mode(free_port())
    async with heel_bot(api, db, engine, **settings):
        # 99 MB announced, not one byte sent: the 403 comes at once, and the connection ends.
        status, rest = await raw_request(settings["port"],
                                         post_head(99_000_000, secret, keep_alive=True))
        assert status == "HTTP/1.1 403 Forbidden"
        assert rest.endswith(b"\r\n\r\n")  # the answer's headers, then the connection closed
        await api.wait_idle()
    assert api.methods("sendMessage") == []


async def test_bodies_are_capped_and_must_be_updates(api: BotAPIStandIn, db: Path,
                                                     engine: Engine) -> None:
    settings = webhook_mode(free_port())
    port = settings["port"]
    async with heel_bot(api, db, engine, **settings):
        status, _ = await raw_request(port, post_head(2 * 1024 * 1024, SECRET))
        assert status == "HTTP/1.1 413 Content Too Large"  # refused unread
        for body in (b"not json", b"[1, 2]", b'{"no": "update_id"}', b"\xff\xfe"):
            status, _ = await raw_request(port, post_head(len(body), SECRET), body)
            assert status == "HTTP/1.1 400 Bad Request", body
        status, _ = await raw_request(port, post_head(2, SECRET, "/elsewhere"), b"{}")
        assert status == "HTTP/1.1 404 Not Found"
        status, _ = await raw_request(port, "GET /heel-bot/hook HTTP/1.1\r\nConnection: "
                                            "close\r\n\r\n")
        assert status == "HTTP/1.1 405 Method Not Allowed"
        await api.wait_idle()
    assert api.methods("sendMessage") == []


async def test_slow_and_idle_clients_cannot_lock_telegram_out(
        api: BotAPIStandIn, db: Path, engine: Engine, fall: Plan) -> None:
    settings = webhook_mode(free_port())
    port = settings["port"]
    limits = Limits(max_connections=8, head_timeout=0.5)
    async with heel_bot(api, db, engine, options=Options(limits=limits), **settings):
        idle = [await asyncio.open_connection("127.0.0.1", port) for _ in range(24)]
        slow_reader, slow = await asyncio.open_connection("127.0.0.1", port)
        slow.write(b"POST /heel-bot/hook HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # never finished
        # Telegram still gets in: a whole conversation over the webhook.
        first = await start_chat(api, 6004, fall.steps[0])
        await answer_by_buttons(api, 6004, first, fall.steps, fall.level_title)
        # Every idle or slow connection is closed by the server, none left hanging.
        for reader, _writer in [*idle, (slow_reader, slow)]:
            async with asyncio.timeout(10):
                assert await reader.read() == b""
        for _reader, writer in [*idle, (slow_reader, slow)]:
            writer.close()
        await api.wait_idle()
    state = stored(db, 6004)
    assert state is not None and state.finished


def test_failed_accepts_are_logged_once_per_interval(caplog: pytest.LogCaptureFixture) -> None:
    now = [0.0]
    handler = accept_errors(OncePer(60.0, clock=lambda: now[0]))
    loop = asyncio.new_event_loop()
    try:
        out_of_files = {"message": "socket.accept() out of system resource",
                        "exception": OSError(errno.EMFILE, "Too many open files")}
        for _ in range(100):  # asyncio retries an accept every second, reporting each
            handler(loop, out_of_files)
        now[0] = 61.0
        handler(loop, out_of_files)
        handler(loop, {"message": "something else entirely"})  # left to asyncio's own
    finally:
        loop.close()
    lines = [r for r in caplog.records if r.name == "heel_bot.tg.webhook"]
    assert [r.getMessage() for r in lines] == [
        "webhook: cannot accept connections (Too many open files) (1 time(s) since the last "
        "such line)",
        "webhook: cannot accept connections (Too many open files) (100 time(s) since the "
        "last such line)"]
    assert all(r.levelno == logging.WARNING and r.exc_info is None for r in lines)
    assert [r.getMessage() for r in caplog.records if r.name == "asyncio"] == [
        "something else entirely"]
