"""Logs (heel_bot/tg/logs.py, and what the adapter logs): the bot token — or its secret half alone —
and the webhook secret never reach a log line, from any logger, in a message, its arguments, a
traceback or a stack; what people type is never logged above DEBUG; and a failure is logged
once, with its update and chat, while the user is told to try again."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from urllib.parse import quote

import pytest
from auxil.botapi import (
    DEFAULT_TOKEN,
    BotAPIStandIn,
    every_logger_at_debug,
    heel_bot,
    leaked,
    press_all,
    press_value,
    settle,
    text,
)

from heel_bot.engine import Engine, State
from heel_bot.model import Bundle
from heel_bot.serve_config import ServeConfig
from heel_bot.tg.app import setup_logging
from heel_bot.tg.logs import REDACTOR, JsonFormatter, Redactor, log_handler, protect_logs

TOKEN = DEFAULT_TOKEN  # the stand-in's
HALF = TOKEN.split(":", 1)[1]
SECRET = "s3cret-Token_for-the-webhook"
ALICE = 1001
FALL = {"injury": "fall_or_impact", "weight_bearing": "yes", "deformity": "no", "tendon_gap": "no",
        "infection_signs": "no", "severity": "moderate"}


def record(message: str, *args: object, exc: BaseException | None = None,
           stack: str | None = None) -> logging.LogRecord:
    rec = logging.LogRecord("some.library", logging.WARNING, __file__, 1, message, args,
                            (type(exc), exc, exc.__traceback__) if exc else None)
    rec.stack_info = stack
    return rec


def test_the_redactor_hides_every_secret_however_it_is_written() -> None:
    r = Redactor()
    r.add(TOKEN, None, "", SECRET)
    assert r.redact(f"POST https://api.telegram.org/bot{TOKEN}/getMe") == \
        "POST https://api.telegram.org/bot***/getMe"
    assert r.redact(f"the half alone: {HALF}") == "the half alone: ***"
    assert HALF not in r.redact(quote(f"/bot{TOKEN}/getMe"))  # the colon URL-encoded
    assert r.redact(f"X-Telegram-Bot-Api-Secret-Token: {SECRET}") == \
        "X-Telegram-Bot-Api-Secret-Token: ***"
    assert r.redact("nothing secret") == "nothing secret"


def test_the_redactor_cleans_arguments_tracebacks_and_stacks() -> None:
    r = Redactor()
    r.add(TOKEN)
    rec = record("calling %s with %r", f"https://h/bot{TOKEN}/sendMessage", {"t": TOKEN})
    assert r.filter(rec)  # records are cleaned, never dropped
    assert rec.getMessage() == "calling https://h/bot***/sendMessage with {'t': '***'}"
    try:
        raise RuntimeError(f"failed at /bot{TOKEN}/getUpdates")
    except RuntimeError as exc:
        rec = record("request failed", exc=exc, stack=f"Stack (most recent call last):\n{TOKEN}")
    r.filter(rec)
    formatted = logging.Formatter().format(rec)
    assert "failed at /bot***/getUpdates" in formatted
    assert HALF not in formatted and HALF not in (rec.stack_info or "")
    # A record whose arguments do not fit its message is kept as it is.
    odd = record("%d items", "many")
    assert r.filter(odd) and odd.msg == "%d items"


def test_protected_logs_hide_the_token_from_every_logger_and_handler(
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    assert protect_logs(TOKEN, SECRET) is REDACTOR
    logging.getLogger("some.library").warning("calling %s", f"https://h/bot{TOKEN}/sendMessage")
    logging.getLogger("some.library").warning("half: %s and %s", HALF, SECRET)
    try:
        raise RuntimeError(f"failed at /bot{TOKEN}/getUpdates")
    except RuntimeError:
        logging.getLogger("some.library").exception("request failed")
    assert "calling https://h/bot***/sendMessage" in caplog.text
    assert "half: *** and ***" in caplog.text
    assert "failed at /bot***/getUpdates" in caplog.text
    assert leaked(caplog.records, TOKEN, HALF, SECRET) == []
    # httpx logs every request's URL (with the token) at INFO: it speaks at WARNING only.
    for name in ("httpx", "httpcore"):
        assert logging.getLogger(name).getEffectiveLevel() >= logging.WARNING


def test_setup_logging_filters_every_handler_and_quiets_the_dialog_machine() -> None:
    handler = logging.NullHandler()
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        setup_logging(ServeConfig(TOKEN, None, Path("heel.sqlite3"), secret_token=SECRET))
        assert REDACTOR in handler.filters
    finally:
        root.removeHandler(handler)
    assert logging.getLogger("transitions").getEffectiveLevel() >= logging.WARNING
    assert REDACTOR.redact(SECRET) == "***"


def test_json_logs_are_one_redacted_object_per_line() -> None:
    protect_logs(TOKEN, SECRET)
    formatter = JsonFormatter()
    try:
        raise RuntimeError(f"failed at /bot{TOKEN}/getUpdates")
    except RuntimeError as exc:
        failed = record("request %s failed\nsee below", f"/bot{TOKEN}/x", exc=exc)
    plain = record("a plain %s", "line")
    # Built by hand, past the record factory: the formatter hides the secrets all the same.
    raw = logging.LogRecord("lib", logging.INFO, __file__, 1, "half %s", (HALF,), None)
    lines = [formatter.format(r) for r in (failed, plain, raw)]
    assert not [line for line in lines if "\n" in line]
    objects = [json.loads(line) for line in lines]
    assert objects[0]["message"] == "request /bot***/x failed\nsee below"
    assert objects[0]["level"] == "WARNING" and objects[0]["logger"] == "some.library"
    assert "failed at /bot***/getUpdates" in objects[0]["exception"]
    assert objects[1]["message"] == "a plain line" and "exception" not in objects[1]
    assert objects[1]["time"].endswith("+00:00")
    assert objects[2]["message"] == "half ***"
    assert not [line for line in lines if TOKEN in line or HALF in line]
    assert isinstance(log_handler("json").formatter, JsonFormatter)
    assert not isinstance(log_handler("text").formatter, JsonFormatter)


async def test_no_secret_in_any_log_record_of_a_running_bot(
        api: BotAPIStandIn, db, engine, parts, caplog, clean):
    caplog.set_level(logging.DEBUG)

    async def no_wait(seconds: float) -> None:
        pass

    with every_logger_at_debug("httpx", "httpcore", "telegram", "apscheduler", "heel_bot"):
        async with heel_bot(api, db, engine, build={**parts, "sleep": no_wait},
                            secret_token=SECRET):
            with every_logger_at_debug():  # whatever levels the adapter chose
                sent = api.send_text(ALICE, "/start")
                await api.wait_text(ALICE, engine.bundle.content["q.injury.text"],
                                    sent["message_id"], keyboard=True)
                api.fail_next("sendMessage", "502")  # retried: logged with its endpoint
                api.fail_next("editMessageText", "drop")
                await press_all(api, engine, ALICE, FALL)
                await api.wait_answer(api.press(ALICE, api.last(ALICE).message_id, "zzz"))
                logging.getLogger("some.library").info("token %s secret %s", TOKEN, SECRET)
                await settle(api, engine, ALICE)
    assert any(r.name.startswith("httpx") for r in caplog.records)  # URLs were logged
    assert any("retrying" in r.getMessage() for r in caplog.records)
    assert leaked(caplog.records, TOKEN, HALF, SECRET) == []


async def test_what_people_type_is_not_logged_above_debug(api, db, engine, heel, caplog):
    caplog.set_level(logging.DEBUG)
    sent = api.send_text(ALICE, "/start")
    await api.wait_text(ALICE, engine.bundle.content["q.injury.text"], sent["message_id"])
    sent = api.send_text(ALICE, "xyzzy my heel plugh")
    await api.wait_text(ALICE, engine.bundle.content["ui.unmatched"], sent["message_id"])
    loud = [r.getMessage() for r in caplog.records if r.levelno > logging.DEBUG]
    assert [m for m in loud if "xyzzy" in m] == []


class Exploding(Engine):
    """The real engine, until `armed`: then reading a stored conversation fails unexpectedly."""

    armed = False

    def restore(self, raw: str) -> State:
        if self.armed:
            raise RuntimeError("engine exploded")
        return super().restore(raw)


async def test_an_unexpected_error_is_logged_with_context_and_the_user_told(
        api: BotAPIStandIn, db, bundle: Bundle, parts, caplog):
    engine = Exploding(bundle)
    caplog.set_level(logging.INFO)
    async with heel_bot(api, db, engine, build=parts):
        sent = api.send_text(ALICE, "/start")
        await api.wait_text(ALICE, bundle.content["q.injury.text"], sent["message_id"])
        engine.armed = True
        sent = api.send_text(ALICE, "secret answer words")
        sorry = await api.wait_text(ALICE, text(engine, "tg.error"), sent["message_id"])
        engine.armed = False
        # The next update works again.
        await press_value(api, engine, ALICE, "none")
    replies = [m for m in api.transcript(ALICE) if m.message_id > sent["message_id"]]
    assert replies[0].message_id == sorry.message_id  # the one reply to the failed update
    (failure,) = [r for r in caplog.records if r.levelno >= logging.ERROR]
    message = failure.getMessage()
    assert failure.name == "heel_bot.tg.app"
    assert f"chat {ALICE}" in message and "RuntimeError" in message and "update" in message
    assert failure.exc_info is not None  # with its traceback
    assert "secret answer words" not in caplog.text
    assert api.unanswered_queries() == []
