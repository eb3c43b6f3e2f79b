"""`heel-bot serve` as a user runs it: a real process polling the Bot API stand-in.

Proves the whole start-up path (configuration from the environment, proven dialog, store,
the bot's profile and command menu, the one start-up log line), a conversation step and a
restart carrying on, and a clean exit on SIGTERM and SIGINT — with the token absent from
everything it prints; run as a service, JSON log lines and the health port; and the one line
it ends with when the token is revoked while it runs, or when another heel-bot already serves
from the same database.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import socket
import sqlite3
import sys
from pathlib import Path

import httpx
import pytest
from auxil.botapi import DEFAULT_TOKEN, BotAPIStandIn
from auxil.serve import ServeProcess

pytestmark = pytest.mark.slow

CHAT = 4242


async def _start(api: BotAPIStandIn, db: Path, *flags: str) -> asyncio.subprocess.Process:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HEEL_BOT_")}
    env.update(TELEGRAM_BOT_TOKEN=DEFAULT_TOKEN, TELEGRAM_API_URL=api.base_url,
               HEEL_BOT_DB=str(db), PTB_TIMEDELTA="1", PYTHONUNBUFFERED="1")
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "heel_bot", "serve", *flags, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)


async def _stop(proc: asyncio.subprocess.Process, sig: int) -> tuple[int, str]:
    proc.send_signal(sig)
    out, err = await asyncio.wait_for(proc.communicate(), timeout=30)
    assert proc.returncode is not None
    return proc.returncode, (out + err).decode()


async def _until_ready(api: BotAPIStandIn, proc: asyncio.subprocess.Process, count: int) -> None:
    async def ready() -> None:
        # The command menu is looked at last in the profile, at every start.
        while len(api.methods("getMyCommands")) < count:
            if proc.returncode is not None:
                raise AssertionError("the bot exited during start-up")
            await asyncio.sleep(0.05)

    await asyncio.wait_for(ready(), timeout=30)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
async def test_serve_runs_carries_on_after_a_restart_and_stops_cleanly(
        tmp_path: Path, sig: int) -> None:
    db = tmp_path / "heel.sqlite3"
    async with BotAPIStandIn() as api:
        proc = await _start(api, db)
        try:
            await _until_ready(api, proc, 1)
            api.send_text(CHAT, "/start")
            first = await api.wait_for(CHAT, lambda ms: len(ms) >= 2 and ms[-1].has_keyboard)
            question = first[-1]
            api.press_button(CHAT, question.message_id, question.buttons[2].text)
            # The pressed question is edited in place to the next one, with its buttons.
            await api.wait_for(CHAT, lambda ms: ms[-1].message_id == question.message_id
                               and ms[-1].edits and ms[-1].has_keyboard)
        finally:
            code, log = await _stop(proc, sig)
        assert code == 0, log
        assert DEFAULT_TOKEN not in log
        assert DEFAULT_TOKEN.split(":")[1] not in log
        assert sum("polling" in line.casefold() for line in log.splitlines()) >= 1
        assert (db.stat().st_mode & 0o777) == 0o600
        with sqlite3.connect(db) as conn:
            (state,) = conn.execute("SELECT state FROM conversations WHERE chat_id = ?",
                                    (CHAT,)).fetchone()
        assert '"injury":"none"' in state

        # A new process on the same database: the user carries on where they were.
        proc = await _start(api, db)
        try:
            await _until_ready(api, proc, 2)
            before = len(api.transcript(CHAT))
            api.send_text(CHAT, "yes")
            await api.wait_for(CHAT, lambda ms: len(ms) > before and ms[-1].has_keyboard)
            with sqlite3.connect(db) as conn:
                (state,) = conn.execute("SELECT state FROM conversations WHERE chat_id = ?",
                                        (CHAT,)).fetchone()
            assert '"weight_bearing":"yes"' in state
        finally:
            code, log = await _stop(proc, sig)
        assert code == 0, log
        assert DEFAULT_TOKEN not in log


async def test_json_logs_and_the_health_port_of_a_real_process(tmp_path: Path) -> None:
    db = tmp_path / "heel.sqlite3"
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    async with BotAPIStandIn() as api:
        proc = await _start(api, db, "--log-format", "json", "--health-port", str(port))
        try:
            await _until_ready(api, proc, 1)
            async with httpx.AsyncClient(timeout=10) as client:
                for _ in range(100):  # the port opens at the end of start-up
                    with contextlib.suppress(httpx.ConnectError):
                        ready = await client.get(f"http://127.0.0.1:{port}/readyz")
                        break
                    await asyncio.sleep(0.05)
                assert ready.status_code == 200, ready.text
                metrics = (await client.get(f"http://127.0.0.1:{port}/metrics")).text
            assert "heel_bot_store_up 1.0" in metrics
        finally:
            code, log = await _stop(proc, signal.SIGTERM)
    assert code == 0, log
    lines = [json.loads(line) for line in log.splitlines()]  # every line one JSON object
    assert lines and {"time", "level", "logger", "message"} <= set(lines[0])
    assert any("long polling" in line["message"] for line in lines)
    assert any(f"health endpoints on http://127.0.0.1:{port}" in line["message"]
               for line in lines)
    assert DEFAULT_TOKEN.split(":")[1] not in log


async def test_serve_refuses_a_malformed_token_in_one_line(tmp_path: Path) -> None:
    env = dict(os.environ, TELEGRAM_BOT_TOKEN="not-a-token", HEEL_BOT_DB=str(tmp_path / "x.db"))
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "heel_bot", "serve", env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    _out, err = await asyncio.wait_for(proc.communicate(), timeout=30)
    assert proc.returncode == 2
    lines = err.decode().strip().splitlines()
    assert len(lines) == 1 and "TELEGRAM_BOT_TOKEN" in lines[0], lines
    assert "not-a-token" not in err.decode()
    assert not (tmp_path / "x.db").exists()


async def test_a_token_refused_while_serving_ends_the_process_in_one_line(
        tmp_path: Path) -> None:
    async with BotAPIStandIn() as api:
        bot = ServeProcess(api, tmp_path / "heel.sqlite3")
        await bot.start()
        await api.wait_until(lambda: api.methods("getUpdates"))  # a long poll under way
        api.fail_next("getUpdates", "401")  # the token is revoked
        api.send_text(CHAT, "/privacy")  # ends the long poll under way: the next one meets it
        code = await bot.wait(30)  # it does not live on, deaf
    assert code == 2, bot.output()
    said = [line for line in bot.output().splitlines() if line.startswith("heel-bot:")]
    assert said == ["heel-bot: Telegram refused the bot token; check TELEGRAM_BOT_TOKEN against "
                    "@BotFather (/mybots, API Token)"]
    assert bot.output().strip().splitlines()[-1] == said[0]
    assert len(api.transcript(CHAT)) == 1  # what it had taken in was still answered


async def test_a_second_serve_on_the_same_database_refuses_in_one_line(tmp_path: Path) -> None:
    db = tmp_path / "heel.sqlite3"
    async with BotAPIStandIn() as api:
        first = ServeProcess(api, db)
        await first.start()
        assert first.proc is not None
        second = ServeProcess(api, db)
        await second.start(ready=False)
        assert await second.wait(30) == 2
        # Refused before it said a word to Telegram; the first one serves on.
        assert len(api.methods("getMe")) == 1
        sent = api.send_text(CHAT, "/privacy")
        await api.wait_for(CHAT, lambda t: any(m.message_id > sent["message_id"] for m in t))
        assert await first.stop() == 0, first.output()
    (line,) = second.output().strip().splitlines()
    assert line.startswith(f"heel-bot: {db}: another heel-bot (pid {first.proc.pid}) is "
                           "serving from this database"), line


async def test_a_flood_of_idle_connections_neither_exhausts_the_webhook_nor_locks_telegram_out(
        tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    async with BotAPIStandIn() as api:
        bot = ServeProcess(api, tmp_path / "heel.sqlite3", "--webhook-url",
                           f"http://127.0.0.1:{port}/heel", "--listen", "127.0.0.1", "--port",
                           str(port), "--secret-token", "s3cret")
        await bot.start()
        await api.wait_until(lambda: api.webhook is not None)
        assert bot.proc is not None
        flood = [await asyncio.open_connection("127.0.0.1", port) for _ in range(1100)]
        try:
            api.send_text(CHAT, "/privacy")  # Telegram still gets through
            await api.wait_for(CHAT, lambda t: len(t) == 1, within=30)
            open_files = len(os.listdir(f"/proc/{bot.proc.pid}/fd"))
        finally:
            for _reader, writer in flood:
                writer.close()
        assert await bot.stop() == 0, bot.output()
    assert open_files < 300  # at most 128 connections held, whatever comes
    assert "Traceback" not in bot.output() and " ERROR " not in bot.output()
