"""Shared fixtures: the real bundle and engine (once per session), and the Bot API stand-in."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from auxil.botapi import BotAPIStandIn

from bot import loader
from bot.engine import Engine
from bot.model import Bundle


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
def unthrottled(monkeypatch: pytest.MonkeyPatch) -> None:
    """PTB's flood limiter without its 30 requests/s pace (429s are still waited out)."""
    from telegram.ext import AIORateLimiter

    from bot import telegram_app

    def fast(max_retries: int = 0) -> AIORateLimiter:
        return AIORateLimiter(overall_max_rate=0, max_retries=max_retries)

    monkeypatch.setattr(telegram_app, "AIORateLimiter", fast)


@pytest.fixture
async def api() -> AsyncIterator[BotAPIStandIn]:
    async with BotAPIStandIn() as stand_in:
        yield stand_in


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "heel.sqlite3"
