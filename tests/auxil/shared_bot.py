"""One Bot API stand-in, one database and one running bot per test module, for the modules
that play many conversations against the same bot (each chat its own id, `clean` checking
the bot after every test). A module takes them with

    api, db, bot, heel = shared_bot("conversation")

and gets the fixtures `api`, `db` and `bot` (module-scoped) and `heel` (the bot, checked by
`clean` after each test), overriding conftest.py's per-test `api` and `db`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from auxil.botapi import BotAPIStandIn, heel_bot, quick_parts
from heel_bot.engine import Engine


def shared_bot(name: str) -> tuple[Callable[..., Any], ...]:
    """The module's `api`, `db`, `bot` and `heel` fixtures; `name` names its database folder."""

    @pytest_asyncio.fixture(scope="module", loop_scope="module")
    async def api() -> AsyncIterator[BotAPIStandIn]:
        async with BotAPIStandIn() as stand_in:
            yield stand_in

    @pytest.fixture(scope="module")
    def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
        return tmp_path_factory.mktemp(name) / "heel.sqlite3"

    @pytest_asyncio.fixture(scope="module", loop_scope="module")
    async def bot(api: BotAPIStandIn, db: Path, engine: Engine) -> AsyncIterator[Any]:
        async with heel_bot(api, db, engine, build=quick_parts()) as app:
            yield app

    @pytest.fixture
    def heel(bot: Any, clean: None) -> Any:
        """The module's bot, checked after each test by `clean`."""
        return bot

    return api, db, bot, heel
