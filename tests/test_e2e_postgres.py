"""End to end on PostgreSQL: the real Application, and `heel-bot serve` as a process, keeping
conversations and check-ins in a real PostgreSQL server (tests/auxil/postgres.py) instead of
an SQLite file: a whole conversation, a check-in booked, sent and answered, /forget, and the
start-up line naming the database without its password.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import pytest
from auxil.backends import PgBackend
from auxil.botapi import (
    DEFAULT_TOKEN,
    BotAPIStandIn,
    Plan,
    book,
    heel_bot,
    plan,
    prefix,
    quick_parts,
    text,
)

from heel_bot.engine import Engine
from heel_bot.state import State
from heel_bot.stores.postgres import PgStore

FALL = {"injury": "fall_or_impact", "weight_bearing": "yes", "deformity": "no", "tendon_gap": "no",
        "infection_signs": "no", "severity": "moderate"}


@pytest.fixture(scope="module")
def fall(engine: Engine) -> Plan:
    return plan(engine, FALL)


async def test_a_conversation_a_check_in_and_forget_on_postgresql(
        api: BotAPIStandIn, db: Path, engine: Engine, fall: Plan, pg_url: str) -> None:
    chat, peek = 2001, PgBackend(pg_url).peek
    async with heel_bot(api, db, engine, store=PgStore(pg_url), build=quick_parts(),
                        day_seconds=0.01):
        booked = await book(api, engine, chat, fall, 3)
        (raw,) = peek(f"SELECT state FROM conversations WHERE chat_id = {chat}")[0]
        assert State.from_json(raw).finished
        ask = await api.wait_text(chat, prefix(engine, "checkin.ask"), booked.message_id,
                                  keyboard=True)
        query = api.press_button(chat, ask.message_id, text(engine, "checkin.option.worse"))
        await api.wait_answer(query)
        await api.wait_text(chat, text(engine, "checkin.worse"), ask.message_id)
        await api.wait_idle()
        assert peek("SELECT count(*) FROM reminders") == [(0,)]

        sent = api.send_text(chat, "/forget")
        confirm = await api.wait_text(chat, text(engine, "tg.forget.ask"), sent["message_id"])
        query = api.press_button(chat, confirm.message_id, text(engine, "tg.button.forget_yes"))
        await api.wait_answer(query)
        await api.wait_text(chat, text(engine, "tg.forget.done"), confirm.message_id - 1)
        await api.wait_idle()
    for table in ("conversations", "reminders", "checkins"):
        assert peek(f"SELECT count(*) FROM {table} WHERE chat_id = {chat}") == [(0,)]


@pytest.mark.slow
async def test_serve_on_postgresql_never_shows_the_password(pg_url: str, tmp_path: Path) -> None:
    url = pg_url.replace("postgresql://postgres@", "postgresql://postgres:s3cret-pw@")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HEEL_BOT_", "PG"))}
    env.update(TELEGRAM_BOT_TOKEN=DEFAULT_TOKEN, HEEL_BOT_DB=url, PTB_TIMEDELTA="1",
               PYTHONUNBUFFERED="1")
    async with BotAPIStandIn() as api:
        env["TELEGRAM_API_URL"] = api.base_url
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "heel_bot", "serve", env=env, cwd=tmp_path,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        try:
            api.send_text(2002, "/start")
            await asyncio.wait_for(api.wait_for(2002, lambda ms: len(ms) >= 2
                                                and ms[-1].has_keyboard), timeout=60)
        finally:
            proc.send_signal(signal.SIGTERM)
            out, err = await asyncio.wait_for(proc.communicate(), timeout=30)
    log = (out + err).decode()
    assert proc.returncode == 0, log
    assert "s3cret-pw" not in log
    assert "store postgresql://postgres@/postgres" in log  # the start-up line
    assert PgBackend(pg_url).peek("SELECT chat_id FROM conversations") == [(2002,)]
