"""Start-up (heel_bot/tg/app.py and `heel-bot serve`): the command menu, the one line that says how
the bot runs, conversations stored by an older dialog, the parts the Application is built
from, and every way start-up can fail told in one line — never with the token.

`heel-bot serve` runs in this process (it runs its own event loop, as in production), against
the Bot API stand-in on a thread of its own.
"""

from __future__ import annotations

import asyncio
import gc
import json
import logging
import socket
import sqlite3
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from auxil.botapi import (
    BotAPIStandIn,
    asked,
    heel_bot,
    in_thread,
    leaked,
    press_value,
    quick_parts,
    reply_to,
    settle,
    stored,
    text,
)

from heel_bot import cli
from heel_bot.serve_config import ServeConfig
from heel_bot.stores.sqlite import SqliteStore
from heel_bot.tg import routes
from heel_bot.tg.app import build_application, run

ALICE = 1001
SECRET = "s3cret-Token_for-the-webhook"


def mode_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if "runs by" in r.getMessage()]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# ------------------------------------------------------------------ post_init


async def test_start_up_registers_the_menu_and_says_how_it_runs(api, db, engine, parts, caplog,
                                                                clean):
    caplog.set_level(logging.INFO, logger="heel_bot.tg.app")
    c = engine.bundle.content
    async with heel_bot(api, db, engine, build=parts):
        # Every command of the menu is one the bot answers.
        for name in routes.MENU:
            sent = api.send_text(ALICE, f"/{name}")
            await api.wait_for(ALICE, lambda t, after=sent["message_id"]: any(
                m.message_id > after for m in t))
            done = await settle(api, engine, ALICE)
            replies = [m.text for m in api.transcript(ALICE)
                       if sent["message_id"] < m.message_id < done.message_id]
            assert replies, name
            assert not [r for r in replies if c["tg.unknown_command"] in r], name
    assert [cmd["command"] for cmd in api.commands] == list(routes.MENU)
    assert [cmd["description"] for cmd in api.commands] == [
        c[f"tg.commands.{name}"] for name in routes.MENU]
    assert set(routes.SESSION_COMMANDS) <= set(routes.MENU) | {"quit"}
    (line,) = mode_lines(caplog)
    assert f"@{api.bot_username}" in line and "long polling" in line
    assert f"127.0.0.1:{api.port}" in line and str(db) in line
    assert "0 check-in(s) scheduled" in line


async def test_the_mode_line_of_a_webhook(api, db, engine, parts, caplog, clean):
    caplog.set_level(logging.INFO, logger="heel_bot.tg.app")
    port = free_port()
    url = f"http://127.0.0.1:{port}/heel-bot/hook"
    async with heel_bot(api, db, engine, build=parts, webhook_url=url,
                        listen="127.0.0.1", port=port, secret_token=SECRET):
        pass
    (line,) = mode_lines(caplog)
    assert f"webhook {url} (listening on 127.0.0.1:{port}, secret required)" in line
    assert SECRET not in line


async def test_a_menu_telegram_refuses_is_logged_and_the_bot_carries_on(api, db, engine, parts,
                                                                        caplog, clean):
    async def no_wait(seconds: float) -> None:
        pass

    c = engine.bundle.content
    api.fail_next("setMyCommands", "500", count=5)  # every retry fails
    async with heel_bot(api, db, engine, build={**parts, "sleep": no_wait}):
        sent = api.send_text(ALICE, "/privacy")
        await api.wait_text(ALICE, text(engine, "tg.privacy"), sent["message_id"])
    assert api.commands == []
    warned = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING
              and r.name == "heel_bot.tg.presence"]
    assert len(warned) == 1 and "command menu" in warned[0] and "carrying on" in warned[0]
    assert api.descriptions[""] == c["tg.description"]  # the rest of the profile was set


async def test_the_profile_is_set_only_where_it_differs(api, db, engine, parts, clean):
    c = engine.bundle.content
    api.short_descriptions[""] = c["tg.short_description"]  # already as it should be
    api.descriptions[""] = "an older description"
    async with heel_bot(api, db, engine, build=parts):
        pass
    assert api.descriptions == {"": c["tg.description"]}
    assert [len(api.methods(m)) for m in ("setMyDescription", "setMyShortDescription",
                                          "setMyCommands")] == [1, 0, 1]
    # Started again: everything is as it should be, so nothing is set.
    async with heel_bot(api, db, engine, build=parts):
        pass
    assert [len(api.methods(m)) for m in ("setMyDescription", "setMyShortDescription",
                                          "setMyCommands")] == [1, 0, 1]
    assert len(api.methods("getMyCommands")) == 2


def test_the_profile_texts_fit_telegrams_limits_and_say_what_matters(engine):
    c = engine.bundle.content
    description, short = c["tg.description"], c["tg.short_description"]
    assert len(description) <= 512 and len(short) <= 120
    for text_ in (description, short):
        assert "diagnosis" in text_ and "emergency number" in text_


# ------------------------------------------------------------------ a stored older dialog


OLD = json.dumps({"v": "triage/0", "n": "gone", "a": {}, "h": [], "t": 4})


def store_raw(db: Path, chat: int, raw: str) -> None:
    """Write a conversation into the store as another program (an older heel-bot) would."""
    store = SqliteStore(db)
    try:
        store.save(chat, raw)
    finally:
        store.close()


async def test_a_conversation_of_an_older_dialog_restarts_with_a_notice(api, db, engine, heel):
    c = engine.bundle.content
    sent = api.send_text(ALICE, "/start")
    await api.wait_text(ALICE, c["q.injury.text"], sent["message_id"], keyboard=True)
    await press_value(api, engine, ALICE, "none")
    store_raw(db, ALICE, OLD)
    sent = api.send_text(ALICE, "yes")
    (reset,) = [await api.wait_text(ALICE, c["ui.state_reset"], sent["message_id"])]
    assert asked(engine, reset) == engine.dialog.questions[engine.dialog.start]
    state = stored(db, ALICE)
    assert state is not None
    assert (state.node, dict(state.answers), state.turn) == (engine.dialog.start, {}, 5)
    # Not even JSON: the same, from the first turn.
    store_raw(db, ALICE, "not json at all")
    sent = api.send_text(ALICE, "/start")
    await api.wait_text(ALICE, c["ui.state_reset"], sent["message_id"])
    state = stored(db, ALICE)
    assert state is not None and (state.node, state.turn) == (engine.dialog.start, 1)


async def test_a_button_on_a_conversation_of_an_older_dialog_says_it_restarted(
        api, db, engine, parts):
    c = engine.bundle.content
    async with heel_bot(api, db, engine, build=parts):
        sent = api.send_text(ALICE, "/start")
        first = await api.wait_text(ALICE, c["q.injury.text"], sent["message_id"],
                                    keyboard=True)
        store_raw(db, ALICE, OLD)
        mark = api.last_id(ALICE)
        answer = await api.wait_answer(api.press_button(ALICE, first.message_id,
                                                        c["opt.injury.none"]))
        again = await reply_to(api, ALICE, mark)
    assert asked(engine, again) == engine.dialog.questions[engine.dialog.start]
    assert c["ui.state_reset"] in again.text or c["ui.state_reset"] == answer.text


# ------------------------------------------------------------------ the parts


def test_build_application_neither_reads_nor_writes_the_store(tmp_path: Path, engine) -> None:
    db = tmp_path / "heel.sqlite3"
    store_raw(db, ALICE, OLD)
    statements: list[str] = []
    store = SqliteStore(db, trace=statements.append)
    statements.clear()
    try:
        build_application(ServeConfig(token="1:" + "a" * 35, api_url=None, db_path=db),
                          engine=engine, store=store, **quick_parts())
        assert statements == []
        assert store.count() == 1
    finally:
        store.close()


def test_api_url_sets_base_and_file_urls(tmp_path: Path, engine) -> None:
    token = "123456789:AAHtest-Token_for_the_loopback_standin_0"
    config = ServeConfig(token, "http://127.0.0.1:8081/bot", tmp_path / "db.sqlite3")
    store = SqliteStore(config.db_path)
    try:
        app = build_application(config, engine=engine, store=store, **quick_parts())
        assert app.bot.base_url == f"http://127.0.0.1:8081/bot{token}"
        assert app.bot.base_file_url == f"http://127.0.0.1:8081/file/bot{token}"
    finally:
        store.close()


# ------------------------------------------------------------------ start-up failures, one line


@pytest.fixture
def own_loop() -> Iterator[None]:
    """An event loop for code that runs its own (`run_polling` uses, then closes, the current
    one), as the main thread of `heel-bot serve` has."""
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        yield
    finally:
        asyncio.set_event_loop(None)
        loop.close()


def forget_unclosed(*objects: object) -> None:
    """Let go of an Application whose start-up failed. PTB leaves the HTTP connections of a
    bot whose initialize failed open (the process exits then anyway): collect them here,
    without the ResourceWarnings that would otherwise surface in some later test."""
    del objects
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()


@pytest.fixture
def serve_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[BotAPIStandIn]:
    """The environment of a deployment, pointing at the stand-in."""
    with in_thread() as api:
        monkeypatch.setenv("TELEGRAM_BOT_TOKEN", api.token)
        monkeypatch.setenv("TELEGRAM_API_URL", api.base_url)
        for name in ("HEEL_BOT_DB", "HEEL_BOT_WEBHOOK_SECRET", "HEEL_BOT_DAY_SECONDS",
                     "HEEL_BOT_HEALTH_PORT", "HEEL_BOT_HEALTH_LISTEN", "HEEL_BOT_LOG_FORMAT",
                     "HEEL_BOT_DEEP_LINKS"):
            monkeypatch.delenv(name, raising=False)
        yield api


def one_line(err: str, *fragments: str, token: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("heel-bot: ")
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])
    assert token.split(":", 1)[1] not in err
    return lines[0]


@pytest.mark.usefixtures("own_loop")
def test_serve_reports_an_unusable_database_in_one_line(tmp_path: Path, serve_env, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("")
    assert cli.main(["serve", "--db", str(blocker / "heel.sqlite3")]) == 2
    one_line(capsys.readouterr().err, str(blocker), "HEEL_BOT_DB", token=serve_env.token)
    assert serve_env.calls == []  # refused before anything connects to Telegram


@pytest.mark.usefixtures("own_loop")
def test_serve_reports_a_health_port_in_use_in_one_line(tmp_path: Path, serve_env, capsys):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert cli.main(["serve", "--db", str(tmp_path / "heel.sqlite3"),
                         "--health-port", str(port)]) == 2
    one_line(capsys.readouterr().err, f"127.0.0.1:{port}", "--health-port",
             token=serve_env.token)
    assert serve_env.calls == []  # refused before anything connects to Telegram


@pytest.mark.usefixtures("own_loop")
def test_serve_reports_a_store_failing_at_start_up_in_one_line(tmp_path: Path, serve_env,
                                                               capsys):
    """The store opens, then fails while the stored check-ins are read to be rescheduled."""
    db = tmp_path / "heel.sqlite3"
    SqliteStore(db).close()
    with sqlite3.connect(db) as conn:
        conn.execute("DROP TABLE reminders")
    conn.close()
    assert cli.main(["serve", "--db", str(db)]) == 2
    one_line(capsys.readouterr().err, str(db), "damaged", token=serve_env.token)
    # It got as far as start-up (post_init), then stopped cleanly.
    methods = [c.method for c in serve_env.calls]
    assert methods[0] == "getMe" and "setMyCommands" in methods  # the profile: post_init
    assert "getUpdates" not in [c.method for c in serve_env.calls]


@pytest.mark.usefixtures("own_loop")
def test_run_reports_a_refused_token_in_one_line(tmp_path: Path, engine, capsys):
    wrong = "987654321:AAHthis-is-not-the-token-of-the-standin"
    with in_thread() as api:
        settings = ServeConfig(wrong, api.base_url, tmp_path / "heel.sqlite3")
        app = build_application(settings, engine=engine, store=SqliteStore(settings.db_path),
                                **quick_parts())
        assert run(app) == 2
    forget_unclosed(app)
    one_line(capsys.readouterr().err, "refused the bot token", "@BotFather", token=wrong)
    assert [c.status for c in api.calls] == [401]


@pytest.mark.usefixtures("own_loop")
def test_run_reports_an_unreachable_bot_api_in_one_line(tmp_path: Path, engine, capsys):
    async def no_wait(seconds: float) -> None:
        pass

    token = "123456789:AAHtest-Token_for_the_loopback_standin_0"
    settings = ServeConfig(token, f"http://127.0.0.1:{free_port()}/bot",
                           tmp_path / "heel.sqlite3")
    app = build_application(settings, engine=engine, store=SqliteStore(settings.db_path),
                            sleep=no_wait, **quick_parts())
    assert run(app) == 1
    forget_unclosed(app)
    one_line(capsys.readouterr().err, "cannot reach the Bot API", "TELEGRAM_API_URL",
             token=token)


@pytest.mark.usefixtures("own_loop")
def test_run_reports_a_webhook_port_in_use_in_one_line(tmp_path: Path, engine, capsys):
    with in_thread() as api, socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        settings = ServeConfig(api.token, api.base_url, tmp_path / "heel.sqlite3",
                               webhook_url=f"http://127.0.0.1:{port}/hook",
                               listen="127.0.0.1", port=port, secret_token=SECRET)
        app = build_application(settings, engine=engine, store=SqliteStore(settings.db_path),
                                **quick_parts())
        assert run(app) == 2
    line = one_line(capsys.readouterr().err, f"cannot listen on 127.0.0.1:{port}", "--port",
                    token=api.token)
    assert "in use" in line
    assert "setWebhook" not in [c.method for c in api.calls]  # nothing registered


async def test_a_damaged_stored_conversation_is_logged_in_one_line_without_its_content(
        api, db, engine, heel, caplog):
    caplog.set_level(logging.INFO)
    damaged = json.dumps({"v": engine.version, "n": "injury", "a": {"injury": "kneecap"},
                          "h": [], "t": 3, "w": {"injury": "my private words"}})
    store_raw(db, ALICE, damaged)
    sent = api.send_text(ALICE, "/start")
    await api.wait_text(ALICE, engine.bundle.content["ui.state_reset"], sent["message_id"])
    about = [r for r in caplog.records if f"chat {ALICE}" in r.getMessage()]
    assert [(r.levelno, r.getMessage()) for r in about] == [
        (logging.WARNING, f"chat {ALICE}: stored conversation damaged; started afresh")]
    assert leaked(caplog.records, "kneecap", "my private words") == []
