"""End to end in webhook mode: the real Application serving a webhook on 127.0.0.1.

The Application starts its webhook server exactly as `heel-bot serve --webhook-url` does
(PTB's `start_webhook` with the secret token) and registers it with the Bot API stand-in,
which then pushes each update to it with Telegram's secret-token header. Requests with the
right secret are processed; a wrong or missing secret gets 403 and changes nothing: no
message is sent and no row is stored.
"""

from __future__ import annotations

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
