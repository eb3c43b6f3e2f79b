"""The operator's endpoints on `--health-port` (heel_bot/tg/health.py, heel_bot/ops/): /healthz,
/readyz and /metrics, against the real Application and the Bot API stand-in, in webhook and in
polling mode; what the metrics count, and that nothing personal is ever in them.
"""

from __future__ import annotations

import asyncio
import io
import json
import os
import socket
from pathlib import Path
from typing import Any

import httpx
import pytest
from auxil.botapi import (
    BotAPIStandIn,
    checkin_sent,
    clocked_bot,
    ended,
    heel_bot,
    press_all,
    press_on,
    press_remind,
    remind_offer,
    settle,
    text,
)
from prometheus_client.parser import text_string_to_metric_families
from telegram import Bot
from telegram.request import HTTPXRequest

from heel_bot import cli, cli_ops
from heel_bot.engine import Engine
from heel_bot.ops.metrics import Metrics
from heel_bot.ops.server import OpsServer, Page
from heel_bot.serve_config import ServeConfig
from heel_bot.stores.sqlite import SqliteStore
from heel_bot.tg.health import READY_WITHIN, Health
from heel_bot.tg.pacing import ChatPacer
from heel_bot.tg.transport import RetryingRequest

pytestmark = pytest.mark.usefixtures("clean")

SECRET = "s3cret-Token_for-the-webhook"
CHAT = 918_273_645  # a chat id that no metric value could be by chance
SELF_CARE = {"injury": "none", "weight_bearing": "yes", "deformity": "no", "tendon_gap": "no",
             "infection_signs": "no", "diabetes": "no", "numbness": "no", "rest_pain": "no",
             "age_group": "16_plus", "pain_location": "bottom_inner", "morning_pain": "yes",
             "heel_squeeze": "no", "every_step": "no", "severity": "mild", "trend": "improving",
             "mileage_jump": "yes", "shoe_age": "under_300_miles", "tight_calves": "yes"}
# What the person types: none of it may reach /metrics.
OPENING, NONSENSE = "hello from the riverside parkrun", "zebracorn flamingo quux"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def webhook_mode() -> dict[str, Any]:
    """ServeConfig fields for webhook mode, as `heel-bot serve` derives them (the settings
    alone choose the webhook: heel_bot.tg.serving)."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/heel-bot/hook"
    return {"webhook_url": url, "listen": "127.0.0.1", "port": port, "secret_token": SECRET,
            "health_port": free_port()}


async def get(port: int, path: str) -> httpx.Response:
    async with httpx.AsyncClient(timeout=10) as client:
        return await client.get(f"http://127.0.0.1:{port}{path}")


def samples(exposition: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of a /metrics page: (name, sorted labels) -> value."""
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(exposition) for s in family.samples}


def value(page: dict[tuple[str, tuple[tuple[str, str], ...]], float], name: str,
          **labels: str) -> float:
    return page.get((name, tuple(sorted(labels.items()))), 0.0)


# ------------------------------------------------------------------ webhook mode, end to end


@pytest.mark.slow
async def test_health_readiness_and_metrics_over_a_whole_conversation_in_webhook_mode(
        api: BotAPIStandIn, db: Path, engine: Engine, parts: dict[str, Any]) -> None:
    settings = webhook_mode()
    port = settings["health_port"]
    async with heel_bot(api, db, engine, build=parts, **settings):
        health = await get(port, "/healthz")
        assert health.status_code == 200
        assert health.json()["status"] == "ok" and health.json()["mode"] == "webhook"
        ready = await get(port, "/readyz")
        assert ready.status_code == 200, ready.text
        assert ready.json()["ready"] is True
        assert ready.json()["store"] == {"ok": True, "database": str(db)}

        sent = api.send_text(CHAT, OPENING)
        await api.wait_text(CHAT, text(engine, "q.injury.text"), sent["message_id"],
                            keyboard=True)
        sent = api.send_text(CHAT, NONSENSE)
        await api.wait_text(CHAT, text(engine, "ui.unmatched"), sent["message_id"])
        sent = api.send_text(CHAT, "nothing happened")  # understood: the next question
        await api.wait_text(CHAT, text(engine, "q.weight_bearing.text"), sent["message_id"],
                            keyboard=True)
        readback = await press_all(api, engine, CHAT, SELF_CARE)
        # What was typed is read back before the outcome: confirmed as it is.
        outcome = await press_on(api, CHAT, readback, text(engine, "tg.button.readback_ok"))
        assert text(engine, "level.self_care.title") in outcome.text
        await settle(api, engine, CHAT)
        page = await get(port, "/metrics")
        assert page.status_code == 200
        assert page.headers["content-type"].startswith("text/plain")
        # `heel-bot stats` prints the very lines of the store's part of /metrics.
        out, err = io.StringIO(), io.StringIO()
        args = cli.build_parser().parse_args(["stats", "--db", str(db), "--format", "prometheus"])
        assert cli_ops.run_stats(args, out, err, {}) == 0
        stats = out.getvalue().splitlines()
        assert "heel_bot_store_up 1.0" in stats
        assert set(stats) <= set(page.text.splitlines())

        # The store unreadable (its volume gone): not ready, and the metrics say so too.
        os.replace(db, db.with_name("elsewhere.sqlite3"))
        unready = await get(port, "/readyz")
        assert unready.status_code == 503
        assert unready.json()["ready"] is False and unready.json()["store"]["ok"] is False
        assert unready.json()["bot_api"]["ok"] is True
        assert "heel_bot_store_up 0.0" in (await get(port, "/metrics")).text
        os.replace(db.with_name("elsewhere.sqlite3"), db)

    m = samples(page.text)
    assert value(m, "heel_bot_updates_total", kind="message") >= 3
    assert value(m, "heel_bot_updates_total", kind="callback_query") >= 10
    assert value(m, "heel_bot_replies_total", kind="send") >= 3
    assert value(m, "heel_bot_replies_total", kind="edit") >= 10
    assert value(m, "heel_bot_reply_latency_seconds_count") == sum(
        v for (name, _), v in m.items() if name == "heel_bot_updates_total")
    assert value(m, "heel_bot_conversations_started_total", source="direct") == 1
    assert value(m, "heel_bot_conversations_finished_total", level="self_care") == 1
    assert value(m, "heel_bot_language_misses_total", question="injury") == 1
    assert value(m, "heel_bot_stored_conversations", status="finished") == 1
    assert value(m, "heel_bot_store_up") == 1
    # Nothing personal: no chat id, no name, no word the person typed.
    assert str(CHAT) not in page.text and f"Runner{CHAT}" not in page.text
    typed = {w for w in (OPENING + " " + NONSENSE).split() if len(w) > 4} - {"hello"}
    assert typed and not [w for w in typed if w in page.text]


async def test_health_in_polling_mode_and_what_the_server_refuses(
        api: BotAPIStandIn, db: Path, engine: Engine, parts: dict[str, Any]) -> None:
    port = free_port()
    async with heel_bot(api, db, engine, build=parts, health_port=port):
        health = await get(port, "/healthz")
        assert health.status_code == 200 and health.json()["mode"] == "polling"
        assert (await get(port, "/readyz")).status_code == 200
        missing = await get(port, "/nothing")
        assert missing.status_code == 404 and "/metrics" in missing.json()["paths"]
        async with httpx.AsyncClient(timeout=10) as client:
            assert (await client.post(f"http://127.0.0.1:{port}/healthz")).status_code == 405
            head = await client.head(f"http://127.0.0.1:{port}/healthz")
            assert head.status_code == 200 and head.content == b""
    with pytest.raises(httpx.ConnectError):  # stopped with the bot
        await get(port, "/healthz")


async def test_without_a_health_port_nothing_listens(api: BotAPIStandIn, db: Path,
                                                     engine: Engine, parts: dict[str, Any]
                                                     ) -> None:
    async with heel_bot(api, db, engine, build=parts) as app:
        assert app.post_init.__self__.health is None


# ------------------------------------------------------------------ what the counters count


async def test_bot_api_errors_and_flood_waits_are_counted_by_code(
        api: BotAPIStandIn, db: Path, engine: Engine, parts: dict[str, Any]) -> None:
    async def no_wait(seconds: float) -> None:
        pass

    metrics = Metrics(process=False)
    # heel-bot's own limiter, waiting out the 429 without waiting in real time.
    limiter = ChatPacer(max_retries=5, sleep=no_wait)
    async with heel_bot(api, db, engine, build={**parts, "sleep": no_wait, "metrics": metrics,
                                                "rate_limiter": limiter}):
        api.fail_next("sendMessage", "500", chat_id=CHAT)
        api.fail_next("sendMessage", "429", retry_after=1, chat_id=CHAT)
        sent = api.send_text(CHAT, "/privacy")
        await api.wait_text(CHAT, text(engine, "tg.privacy"), sent["message_id"])
    assert metrics.value("heel_bot_bot_api_errors_total", code="500") == 1
    assert metrics.value("heel_bot_bot_api_errors_total", code="429") == 1
    assert metrics.value("heel_bot_flood_waits_total") == 1
    assert metrics.value("heel_bot_flood_wait_seconds_total") == 1
    assert metrics.value("heel_bot_replies_total", kind="send") == 1


async def test_deep_links_are_counted_by_source_only_when_listed(
        api: BotAPIStandIn, db: Path, engine: Engine, parts: dict[str, Any]) -> None:
    metrics = Metrics(process=False)
    async with heel_bot(api, db, engine, build={**parts, "metrics": metrics},
                        deep_links=frozenset({"club_riverside", "parkrun"})):
        for chat, start in ((CHAT, "/start club_riverside"), (CHAT + 1, "/start my_own_link"),
                            (CHAT + 2, "/start")):
            sent = api.send_text(chat, start)
            await api.wait_text(chat, text(engine, "q.injury.text"), sent["message_id"],
                                keyboard=True)
        # A check in progress carries on: the link does not count it again.
        sent = api.send_text(CHAT, "/start club_riverside")
        await api.wait_text(CHAT, text(engine, "tg.welcome_back"), sent["message_id"])
    started = {source: metrics.value("heel_bot_conversations_started_total", source=source)
               for source in ("club_riverside", "parkrun", "other", "direct")}
    assert started == {"club_riverside": 1, "parkrun": 0, "other": 1, "direct": 1}
    page = metrics.exposition(None).decode()
    assert "my_own_link" not in page and str(CHAT) not in page


async def test_check_ins_sent_are_counted(api: BotAPIStandIn, db: Path, engine: Engine,
                                          clock: Any, parts: dict[str, Any]) -> None:
    metrics = Metrics(process=False)
    async with clocked_bot(api, db, engine, clock, {**parts, "metrics": metrics}, 0.02) as (
            _, store):
        store.save(CHAT, ended(engine, SELF_CARE).to_json())
        offer = await remind_offer(api, engine, CHAT)
        await press_remind(api, engine, CHAT, offer, 3)
        await checkin_sent(api, engine, CHAT, offer.message_id)
        await settle(api, engine, CHAT)
    assert metrics.value("heel_bot_checkins_sent_total") == 1
    assert metrics.value("heel_bot_conversations_started_total", source="direct") == 0


# ------------------------------------------------------------------ readiness and the server


def health_of(db: Path, metrics: Metrics, now: list[float]) -> Health:
    settings = ServeConfig(token="1:" + "a" * 35, api_url=None, db_path=db, health_port=0)
    return Health(settings, SqliteStore(db), metrics, monotonic=lambda: now[0])


async def test_not_ready_when_the_bot_api_has_been_silent_for_a_minute(db: Path) -> None:
    metrics, now = Metrics(process=False), [1000.0]
    health = health_of(db, metrics, now)
    assert (await health.readyz()).status == 503  # never answered yet
    metrics.last_contact = now[0]
    now[0] += READY_WITHIN
    assert (await health.readyz()).status == 200
    now[0] += 1
    page = await health.readyz()
    assert page.status == 503 and b'"answered_seconds_ago": 61.0' in page.body
    health.store.close()


async def test_readiness_reports_the_postgresql_database(pg_url: str) -> None:
    import psycopg

    from heel_bot.stores.postgres import PgStore

    metrics, now = Metrics(process=False), [1000.0]
    metrics.last_contact = now[0]
    settings = ServeConfig(token="1:" + "a" * 35, api_url=None, db_path=Path("unused"),
                           health_port=0, db_url=pg_url)
    health = Health(settings, PgStore(pg_url), metrics, monotonic=lambda: now[0])
    try:
        page = await health.readyz()
        assert page.status == 200
        store = json.loads(page.body)["store"]
        assert store == {"ok": True, "database": health.store.where}
        assert store["database"].startswith("postgresql://postgres@")
        schema = pg_url.rsplit("%3D", 1)[1]
        with psycopg.connect(pg_url, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')  # the bot's tables are gone
        page = await health.readyz()
        assert page.status == 503
        store = json.loads(page.body)["store"]
        assert not store["ok"] and "refused a statement" in store["error"]
    finally:
        health.store.close()


async def test_a_quiet_bot_asks_the_bot_api_itself(api: BotAPIStandIn, db: Path) -> None:
    # In webhook mode nothing may call the Bot API for minutes: a getMe keeps readiness true.
    metrics = Metrics(process=False)
    settings = ServeConfig(token=api.token, api_url=api.base_url, db_path=db, health_port=0)
    health = Health(settings, SqliteStore(db), metrics, heartbeat=0.05)
    request = RetryingRequest(HTTPXRequest(), metrics=metrics)
    async with Bot(api.token, base_url=api.base_url, request=request) as bot:
        before = len(api.methods("getMe"))
        await health.start(bot)
        await api.wait_until(lambda: len(api.methods("getMe")) > before + 1)
        await health.stop()
    assert metrics.last_contact is not None
    assert (await health.readyz()).status == 200
    health.store.close()


async def test_the_server_answers_only_complete_requests() -> None:
    async def fine() -> Page:
        return Page.json(200, {"ok": True})

    server = OpsServer({"/x": fine}, "127.0.0.1", 0)
    await server.start()
    try:
        assert (await get(server.port, "/x?probe=1")).json() == {"ok": True}
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        writer.write(b"NONSENSE\r\n\r\n")
        assert (await reader.read()).startswith(b"HTTP/1.1 400 ")
        writer.close()
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        writer.write(b"GET /x HTTP/1.1\r\n" + b"X: " + b"y" * 9000 + b"\r\n\r\n")
        assert (await reader.read()).startswith(b"HTTP/1.1 431 ")
        writer.close()
    finally:
        await server.stop()
