"""End to end under faults: the real Application against a misbehaving Bot API stand-in.

Telegram answers 429 (flood control, with retry_after), 5xx, drops connections and lets
requests hang; users block the bot. Whatever happens, every reply is delivered exactly once,
in order, to the right chat, and nothing crashes or loops. The stand-in injects each fault
before it processes the request (see tests/auxil/botapi.py), so a duplicate in a transcript
is a bug in the bot, never an artefact of the fault.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from auxil.botapi import (
    BotAPIStandIn,
    BotMessage,
    Plan,
    answer_by_buttons,
    book,
    heel_bot,
    plan,
    reminders,
    rows,
    start_chat,
    stored,
    text,
    with_button,
)
from telegram.request import HTTPXRequest

from heel_bot.engine import Engine

pytestmark = pytest.mark.slow

FALL = {"injury": "fall_or_impact", "weight_bearing": "yes", "deformity": "no", "tendon_gap": "no",
        "infection_signs": "no", "severity": "moderate"}
FALL_LIMPING = {**FALL, "weight_bearing": "with_pain"}

# Short client timeouts, so that a request the stand-in holds times out quickly.
FAST_TIMEOUTS = {"read_timeout": 0.5, "write_timeout": 2.0, "connect_timeout": 2.0,
                 "pool_timeout": 2.0}


@pytest.fixture(scope="module")
def fall(engine: Engine) -> Plan:
    return plan(engine, FALL)


@pytest.fixture(scope="module")
def limping(engine: Engine) -> Plan:
    return plan(engine, FALL_LIMPING)


def fast_request(pool: int = 64) -> dict[str, Any]:
    """build_application's transports with short timeouts (the production wrapping stays)."""
    return {"request": HTTPXRequest(connection_pool_size=pool, **FAST_TIMEOUTS),
            "get_updates_request": HTTPXRequest(**FAST_TIMEOUTS)}


def check_transcript(api: BotAPIStandIn, engine: Engine, chat: int, p: Plan) -> None:
    """The chat saw the welcome, each question and the outcome exactly once, in order: one
    message (the card) asked the questions, edited exactly once per press (a press applied
    twice would show a question twice or be sent anew), and the outcome ends it (on the card,
    or after it when too long for one message)."""
    transcript = api.transcript(chat)
    welcome = text(engine, "ui.welcome")
    assert len([m for m in transcript if welcome in m.text]) == 1, chat
    for step in p.steps:
        asked = [m for m in transcript if any(step.text in t for t in [*m.edits, m.text])]
        assert len(asked) == 1, (chat, step.question, len(asked))
    card: BotMessage = next(m for m in transcript
                            if any(p.steps[0].text in t for t in [*m.edits, m.text]))
    versions = [*card.edits, card.text]
    outcome = [m for m in transcript if p.level_title in m.text]
    assert len(outcome) == 1, chat
    on_card = outcome[0].message_id == card.message_id
    assert len(versions) == len(p.steps) + on_card, (chat, len(versions))
    for version, step in zip(versions, p.steps, strict=False):
        assert step.text in version, (chat, step.question)
    assert transcript[0].message_id < card.message_id <= outcome[0].message_id


async def converse(api: BotAPIStandIn, chat: int, p: Plan, within: float = 20.0) -> None:
    first = await start_chat(api, chat, p.steps[0], within=within)
    await answer_by_buttons(api, chat, first, p.steps, p.level_title, within=within)


# ------------------------------------------------------------------ one fault at a time


async def test_a_429_is_waited_out_and_the_message_delivered_once(
        api: BotAPIStandIn, db: Path, engine: Engine, fall: Plan) -> None:
    chat = 4001
    api.fail_next("sendMessage", "429", retry_after=1)
    api.fail_next("editMessageText", "429", retry_after=1)
    async with heel_bot(api, db, engine):
        await converse(api, chat, fall)
        await api.wait_idle()
    check_transcript(api, engine, chat, fall)
    assert [c.fault for c in api.methods("sendMessage")].count("429") == 1
    assert [c.fault for c in api.methods("editMessageText")].count("429") == 1
    assert api.faults_left() == 0
    assert api.unanswered_queries() == []


@pytest.mark.parametrize("kind", ["500", "502", "drop", "timeout"])
async def test_server_errors_drops_and_timeouts_are_retried_without_duplicates(
        api: BotAPIStandIn, db: Path, engine: Engine, fall: Plan, kind: str) -> None:
    chat = 4002
    # Each of the bot's calls of the conversation meets the fault once (getUpdates' faults
    # are PTB's own polling loop's to handle, and are tested with the stand-in).
    for method in ("sendMessage", "editMessageText", "answerCallbackQuery"):
        api.fail_next(method, kind)
    async with heel_bot(api, db, engine, build=fast_request()):
        await converse(api, chat, fall)
        await api.wait_idle()
    check_transcript(api, engine, chat, fall)
    assert api.faults_left() == 0
    assert api.unanswered_queries() == []
    state = stored(db, chat)
    assert state is not None and state.finished


# ------------------------------------------------------------------ users who blocked the bot


async def test_a_blocked_user_loses_their_check_ins_without_a_crash_loop(
        api: BotAPIStandIn, db: Path, engine: Engine, fall: Plan) -> None:
    chat, other = 4003, 4004
    async with heel_bot(api, db, engine, day_seconds=0.5) as app:
        await book(api, engine, chat, fall, 3)  # due 1.5 s after booking
        remind_7 = text(engine, "tg.button.remind_days", days="7")
        footer = with_button(api.transcript(chat), remind_7)
        assert reminders(db, chat) == 1
        api.block(chat)
        # The check-in falls due, meets 403 Forbidden, and the chat's check-ins are dropped.
        await api.wait_until(lambda: any(
            c.status == 403 for c in api.methods("sendMessage")), within=10)
        await api.wait_until(lambda: reminders(db, chat) == 0, within=5)
        # A press from the blocked chat still arriving: answered, nothing crashes.
        query = api.press_button(chat, footer.message_id, remind_7)
        await api.wait_answer(query)
        await api.wait_idle()
        assert [j for j in app.job_queue.jobs() if (j.name or "").startswith("reminder")] == []
        # The bot carries on for everyone else.
        await converse(api, other, fall)
        await api.wait_idle()
    blocked_sends = [c for c in api.methods("sendMessage") if c.status == 403]
    assert 1 <= len(blocked_sends) <= 3  # the check-in, the press's reply: no retry loop
    assert reminders(db, chat) == 0
    assert rows(db, chat) == 1  # the conversation itself stays until /forget
    check_transcript(api, engine, other, fall)


async def test_a_user_who_blocks_mid_conversation_is_not_retried(
        api: BotAPIStandIn, db: Path, engine: Engine, fall: Plan) -> None:
    chat = 4005
    async with heel_bot(api, db, engine):
        first = await start_chat(api, chat, fall.steps[0])
        api.block(chat)
        query = api.press_button(chat, first.message_id, fall.steps[0].label)
        await api.wait_answer(query)
        await api.wait_idle()
    # The first call that met 403 ended the update: no retries, no error loop (the press is
    # shown by editing the pressed message in place).
    assert [c.method for c in api.calls if c.status == 403] == ["editMessageText"]
    state = stored(db, chat)
    assert state is not None and dict(state.answers) == {"injury": fall.steps[0].value}


# ------------------------------------------------------------------ load with faults


async def test_two_hundred_chats_at_once_through_faults(
        api: BotAPIStandIn, db: Path, engine: Engine, fall: Plan, limping: Plan,
        unthrottled: dict[str, Any]) -> None:
    chats = {5000 + i: (fall if i % 2 else limping) for i in range(200)}
    api.fail_next("sendMessage", "502", count=5)
    api.fail_next("sendMessage", "drop", count=5)
    api.fail_next("editMessageText", "500", count=5)
    api.fail_next("answerCallbackQuery", "drop", count=3)
    api.fail_next("sendMessage", "429", count=2, retry_after=1)
    # A small connection pool: httpcore's pool bookkeeping grows with the square of its size
    # and queue, which costs more CPU here than it saves.
    request = {**unthrottled,
               "request": HTTPXRequest(connection_pool_size=16, pool_timeout=30)}
    async with heel_bot(api, db, engine, build=request):
        await asyncio.gather(*(converse(api, c, p, within=45) for c, p in chats.items()))
        await api.wait_idle()
    assert api.faults_left() == 0
    assert api.chats_written() == set(chats)  # nothing went to a chat that did not write
    for chat, p in chats.items():
        check_transcript(api, engine, chat, p)
        state = stored(db, chat)
        assert state is not None and state.finished
        assert dict(state.answers) == p.answers
    assert api.unanswered_queries() == []
    # No message went out twice (every text is unique within its chat).
    sent = [(c.params["chat_id"], c.params["text"]) for c in api.methods("sendMessage",
                                                                           ok_only=True)]
    assert len(sent) == len(set(sent)) == sum(len(api.transcript(c)) for c in chats)
