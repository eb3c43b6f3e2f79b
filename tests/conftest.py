"""Shared fixtures: the real bundle and engine (once per session), the Bot API stand-in, and
the parts the Telegram adapter's tests build heel-bot from."""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from auxil import postgres
from auxil.backends import Backend, PgBackend, SqliteBackend
from auxil.botapi import BotAPIStandIn, Clock, heel_bot, quick_parts

from heel_bot import loader
from heel_bot.engine import Engine
from heel_bot.model import Bundle


@pytest.fixture(scope="session")
def bundle() -> Bundle:
    return loader.load()


@pytest.fixture(scope="session")
def engine(bundle: Bundle) -> Engine:
    return Engine(bundle)


@pytest.fixture(autouse=True)
def _timedelta_periods(monkeypatch: pytest.MonkeyPatch) -> None:
    # PTB 22 otherwise warns whenever it builds a RetryAfter (warnings are errors here).
    monkeypatch.setenv("PTB_TIMEDELTA", "1")


@pytest.fixture
def unthrottled() -> dict[str, Any]:
    """Build parts: PTB's flood limiter without its 30 requests/s pace (429s are still waited
    out). At Telegram's pace, hundreds of chats would take a test a minute; the pace itself is
    PTB's own, unchanged code."""
    from telegram.ext import AIORateLimiter

    return {"rate_limiter": AIORateLimiter(overall_max_rate=0, max_retries=5)}


@pytest.fixture
async def api() -> AsyncIterator[BotAPIStandIn]:
    async with BotAPIStandIn() as stand_in:
        yield stand_in


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "heel.sqlite3"


@pytest.fixture
def parts() -> dict[str, Any]:
    """Quick build parts for the adapter's tests (see `quick_parts`)."""
    return quick_parts()


@pytest.fixture
def clock() -> Clock:
    """A clock part that stands still until the test moves it."""
    return Clock()


@pytest.fixture
def clean(api: BotAPIStandIn, caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """After the test (and after the bot has stopped): every button press was answered, every
    `on_call` hook passed, no keyboard had more than three buttons in a row (five when each
    label is a number or as short: the plan's numbered buttons), and nothing was
    logged at ERROR (the stand-in refuses what Telegram refuses — bad HTML, long texts, long
    button data — so that covers those too). A test that provokes an error asserts on it,
    then calls `caplog.clear()`."""
    yield
    assert api.unanswered_queries() == []
    assert api.hook_errors == []
    rows = [row for call in api.calls if isinstance(call.params.get("reply_markup"), dict)
            for row in call.params["reply_markup"].get("inline_keyboard", [])]
    assert [row for row in rows if len(row) > (5 if all(len(b["text"]) <= 2 for b in row)
                                                else 3)] == []
    records = [*caplog.get_records("call"), *caplog.get_records("teardown")]
    assert [r.getMessage() for r in records if r.levelno >= logging.ERROR] == []


@pytest.fixture
async def heel(api: BotAPIStandIn, db: Path, engine: Engine, parts: dict[str, Any],
               clean: None) -> AsyncIterator[Any]:
    """heel-bot as `heel-bot serve` builds it (a Store on `db`, default settings) polling the
    stand-in, checked by `clean` when it has stopped."""
    async with heel_bot(api, db, engine, build=parts) as app:
        yield app


# ---------------------------------------------------------------- the store's backends


@pytest.fixture(scope="session")
def pg_server() -> Iterator[postgres.Server]:
    """A real PostgreSQL server for the session (tests/auxil/postgres.py): skipped, with the
    reason, where none can start, unless HEEL_BOT_REQUIRE_POSTGRES is set (CI)."""
    try:
        server = postgres.start()
    except postgres.Unavailable as exc:
        if os.environ.get(postgres.REQUIRE_ENV):
            pytest.fail(f"PostgreSQL is required ({postgres.REQUIRE_ENV}) but: {exc}")
        pytest.skip(f"no PostgreSQL server for the tests: {exc}")
    yield server
    server.stop()


@pytest.fixture
def pg_url(pg_server: postgres.Server) -> str:
    """A URL to an empty schema of its own on the test server."""
    return postgres.fresh_url(pg_server)


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Backend:
    """Each store backend in turn: an SQLite file, then a PostgreSQL schema."""
    if request.param == "sqlite":
        return SqliteBackend(tmp_path / "data" / "heel.sqlite3")
    return PgBackend(request.getfixturevalue("pg_url"))
