"""Shared fixtures: the real bundle and engine, loaded once per test session."""

from __future__ import annotations

import pytest

from bot import loader
from bot.engine import Engine
from bot.model import Bundle


@pytest.fixture(scope="session")
def bundle() -> Bundle:
    return loader.load()


@pytest.fixture(scope="session")
def engine(bundle: Bundle) -> Engine:
    return Engine(bundle)
