"""Nothing lost, nothing doubled, nothing stuck: delivery faults end to end, in-process.

The real Application, served as `heel-bot serve` serves it, against the Bot API stand-in:
an update the library cannot read, a press answered too late for Telegram ("query is too
old"), the token refused mid-run (401), transient getUpdates failures, a double tap, a
check-in booked twice by a double tap, and calls whose answer was lost after Telegram had
carried them out. (Killing the process is in test_e2e_kill.py.)
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

import pytest
from auxil.botapi import (
    TOO_OLD,
    BotAPIStandIn,
    Plan,
    heel_bot,
    leaked,
    next_message,
    outcome_buttons,
    plan,
    reach_outcome,
    reminders,
    settle,
    start_chat,
    stored,
    text,
)

from heel_bot.engine import Engine
from heel_bot.stores.sqlite import SqliteStore
from heel_bot.tg.polling import REFUSED
from heel_bot.tg.serving import Options, receiver_of

FALL = {"injury": "fall_or_impact", "weight_bearing": "yes", "deformity": "no",
        "tendon_gap": "no", "infection_signs": "no", "severity": "moderate"}


@pytest.fixture(scope="module")
def fall(engine: Engine) -> Plan:
    return plan(engine, FALL)


async def no_wait(seconds: float) -> None:
    """A `sleep` part: retries and polls go again at once."""


def loud(caplog: pytest.LogCaptureFixture, level: int = logging.ERROR) -> list[str]:
    return [f"{r.name}: {r.getMessage()}" for r in caplog.records if r.levelno >= level]


# ------------------------------------------------------------------ 1: an unreadable update


async def test_an_unreadable_update_is_skipped_counted_and_logged_once_without_content(
        api: BotAPIStandIn, db: Path, engine: Engine, fall: Plan, parts: dict[str, Any],
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    # In one batch: the update the library cannot read, then a /start of the same user.
    poison = api.send_unreadable(9001, text="my secret heel words", name="Zebediah")
    sent = api.send_text(9001, "/start")
    async with heel_bot(api, db, engine, build=parts) as app:
        await api.wait_text(9001, fall.steps[0].text, sent["message_id"], keyboard=True)
        # Everyone else carries on too.
        await start_chat(api, 9002, fall.steps[0])
        await api.wait_idle()  # every update confirmed: the unreadable one is not fetched again
        assert receiver_of(app).inbox.unreadable == 1
    about = [r for r in caplog.records if str(poison["update_id"]) in r.getMessage()
             and r.levelno > logging.DEBUG]
    assert len(about) == 1, [r.getMessage() for r in about]
    assert about[0].levelno == logging.WARNING and about[0].exc_info is None
    assert "could not be read" in about[0].getMessage()
    above_debug = [r for r in caplog.records if r.levelno > logging.DEBUG]
    assert leaked(above_debug, "Zebediah", "zebediah", "my secret heel words") == []
    assert loud(caplog) == []


# ------------------------------------------------------------------ 3: "query is too old"


async def test_a_press_answered_too_late_still_gets_its_next_question(
        api: BotAPIStandIn, db: Path, engine: Engine, fall: Plan, parts: dict[str, Any],
        caplog: pytest.LogCaptureFixture) -> None:
    chat = 9003
    caplog.set_level(logging.INFO)
    async with heel_bot(api, db, engine, build=parts):
        first = await start_chat(api, chat, fall.steps[0])
        api.fail_next("answerCallbackQuery", "too_old")
        api.press_button(chat, first.message_id, fall.steps[0].label)
        # The pressed question is edited to the next one all the same.
        card = await next_message(api, chat, first.message_id, len(first.edits),
                                  fall.steps[1].text, keyboard=True)
        assert card.message_id == first.message_id
        await api.wait_idle()
    state = stored(db, chat)
    assert state is not None and dict(state.answers) == {"injury": fall.steps[0].value}
    assert [c.fault for c in api.methods("answerCallbackQuery")] == ["too_old"]
    assert loud(caplog) == []
    assert any(TOO_OLD.casefold() in r.getMessage().casefold() for r in caplog.records
               if r.levelno == logging.INFO)


# ------------------------------------------------------------------ 4 and 13: polling faults


async def test_a_token_refused_while_polling_stops_serving_with_one_line(
        api: BotAPIStandIn, db: Path, engine: Engine, parts: dict[str, Any]) -> None:
    # A short long poll: the refusal comes with the next one.
    async with heel_bot(api, db, engine, build=parts, options=Options(poll_timeout=0.1)) as app:
        receiver = receiver_of(app)
        sent = api.send_text(9004, "/privacy")
        await api.wait_text(9004, text(engine, "tg.privacy"), sent["message_id"])
        api.fail_next("getUpdates", "401")
        await asyncio.wait_for(receiver.stopping.wait(), 15)  # never alive and deaf
        assert receiver.fatal == REFUSED
        polls = len(api.methods("getUpdates"))
        await asyncio.sleep(0.3)
        assert len(api.methods("getUpdates")) == polls  # it stopped polling


async def test_an_unexpected_error_in_polling_stops_serving_instead_of_going_deaf(
        api: BotAPIStandIn, db: Path, engine: Engine, parts: dict[str, Any],
        caplog: pytest.LogCaptureFixture) -> None:
    store = SqliteStore(db)

    def broken(*args: object, **kwargs: object) -> int:
        raise RuntimeError("a bug")

    async with heel_bot(api, db, engine, store=store, build=parts,
                        options=Options(poll_timeout=0.1)) as app:
        receiver = receiver_of(app)
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(store, "inbox_confirm", broken)  # called after every poll
            await asyncio.wait_for(receiver.stopping.wait(), 15)
    assert receiver.fatal is not None
    assert receiver.fatal.startswith("polling stopped by an unexpected error (RuntimeError)")
    assert len(loud(caplog)) == 1


async def test_transient_polling_failures_are_one_warning_line_each_and_polling_goes_on(
        api: BotAPIStandIn, db: Path, engine: Engine, parts: dict[str, Any],
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    async with heel_bot(api, db, engine, build={**parts, "sleep": no_wait}):
        for kind in ("500", "502", "drop"):
            api.fail_next("getUpdates", kind)
        api.fail_next("getUpdates", "429", retry_after=1)
        await api.wait_until(lambda: api.faults_left() == 0)
        sent = api.send_text(9005, "/privacy")
        await api.wait_text(9005, text(engine, "tg.privacy"), sent["message_id"])
    polling = [r for r in caplog.records if r.name == "heel_bot.tg.polling"]
    assert len(polling) == 4, [r.getMessage() for r in polling]
    for record in polling:
        assert record.levelno == logging.WARNING and record.exc_info is None
        assert "\n" not in record.getMessage()
    assert loud(caplog) == []


# ------------------------------------------------------------------ 7: double taps


async def test_a_double_tap_moves_on_once_and_shows_the_next_question_once(
        api: BotAPIStandIn, db: Path, engine: Engine, fall: Plan, parts: dict[str, Any],
        clean: None) -> None:
    chat = 9006
    async with heel_bot(api, db, engine, build=parts):
        first = await start_chat(api, chat, fall.steps[0])
        mark = api.last_id(chat)
        # Two taps on the same button, both on their way before the bot has handled either.
        taps = [api.press_button(chat, first.message_id, fall.steps[0].label) for _ in "ab"]
        answers = [await api.wait_answer(q) for q in taps]
        done = await settle(api, engine, chat)
    # The card was edited once, to the next question, and keeps its buttons; nothing else was
    # sent but the reply to settle's /privacy.
    assert [m.message_id for m in api.transcript(chat) if m.message_id > mark] == [
        done.message_id]
    card = next(m for m in api.transcript(chat) if m.message_id == first.message_id)
    assert len(card.edits) == 1 and fall.steps[1].text in card.text and card.has_keyboard
    assert [a.text for a in answers] == [None, text(engine, "tg.already")]
    state = stored(db, chat)
    assert state is not None and dict(state.answers) == {"injury": fall.steps[0].value}


async def test_a_check_in_tapped_twice_is_booked_once(
        api: BotAPIStandIn, db: Path, engine: Engine, fall: Plan, parts: dict[str, Any],
        clean: None) -> None:
    chat = 9007
    async with heel_bot(api, db, engine, build=parts):
        outcome = await reach_outcome(api, chat, fall)
        footer = await outcome_buttons(api, engine, chat, outcome)
        label = text(engine, "tg.button.remind_days", days="3")
        taps = [api.press_button(chat, footer.message_id, label) for _ in "ab"]
        answers = [await api.wait_answer(q) for q in taps]
        await settle(api, engine, chat)
    assert reminders(db, chat) == 1
    booked = text(engine, "tg.remind.set", days="3")
    assert len([m for m in api.transcript(chat) if booked in m.text]) == 1
    assert [a.text for a in answers] == [None, text(engine, "tg.remind.already", days="3")]


# ------------------------------------------------------------------ 12: lost answers


async def test_an_edit_carried_out_whose_answer_was_lost_is_not_sent_again(
        api: BotAPIStandIn, db: Path, engine: Engine, fall: Plan, parts: dict[str, Any],
        clean: None) -> None:
    chat = 9008
    async with heel_bot(api, db, engine, build={**parts, "sleep": no_wait}):
        first = await start_chat(api, chat, fall.steps[0])
        mark = api.last_id(chat)
        # Telegram edits the message, then the connection drops: the transport tries again
        # and Telegram says the message is not modified (it already shows the next question).
        api.fail_next("editMessageText", "drop_processed")
        await api.wait_answer(api.press_button(chat, first.message_id, fall.steps[0].label))
        done = await settle(api, engine, chat)
    edits = api.methods("editMessageText")
    assert [c.status for c in edits] == [0, 400]  # dropped after it was done, then refused
    assert [m.message_id for m in api.transcript(chat) if m.message_id > mark] == [
        done.message_id]
    card = next(m for m in api.transcript(chat) if m.message_id == first.message_id)
    assert len(card.edits) == 1 and fall.steps[1].text in card.text and card.has_keyboard


async def test_a_message_sent_whose_answer_was_lost_is_sent_again_never_lost(
        api: BotAPIStandIn, db: Path, engine: Engine, parts: dict[str, Any]) -> None:
    # The decision the README documents: a send whose answer never came (Telegram may or may
    # not have carried it out) is sent again. The user may read it twice, never not at all.
    chat = 9009
    async with heel_bot(api, db, engine, build={**parts, "sleep": no_wait}):
        api.fail_next("sendMessage", "drop_processed")
        sent = api.send_text(chat, "/privacy")
        await api.wait_text(chat, text(engine, "tg.privacy"), sent["message_id"])
        await api.wait_idle()
    assert [c.status for c in api.methods("sendMessage")] == [0, 200]
    assert len(api.transcript(chat)) == 2
