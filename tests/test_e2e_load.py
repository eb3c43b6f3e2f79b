"""Load, end to end: a thousand chats at once over the loopback Bot API stand-in.

The production Application (`build_application`) polls the stand-in while 1000 users open a
chat at the same moment and talk to it by buttons, each a whole conversation to its outcome:
most say their heel "popped" (one question, urgent), some had a fall (four questions, see a
doctor) and some go through the whole self-care check (seventeen questions), so short and
long conversations overlap. The mix is weighted towards short conversations because the time
goes into Bot API calls (about 3 to 5 ms of CPU each in httpx/httpcore under this load,
against well under 0.1 ms in the bot's own code): 1000 chats of the full check would be some
27 000 calls. The rate limiter and connection pool are those of the 200-chat fault test (PTB's
limiter without its 30 requests/s pace; 16 connections).

Then every chat's transcript is checked: the welcome, each question (edited once to its own
answer), the outcome and its buttons, in that order, each exactly once; nothing sent to a
chat that did not write; and every chat of a kind saw exactly what the others of its kind saw
(a message that went to the wrong chat, or twice, would make its transcript differ).
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
    heel_bot,
    plan,
    start_chat,
    stored,
    text,
)
from telegram.request import HTTPXRequest

from heel_bot.engine import Engine
from heel_bot.stores.sqlite import SqliteStore

pytestmark = pytest.mark.slow

CHATS = 1000
FIRST_CHAT = 20_000
# Of every 20 chats: 16 pop (urgent), 3 fall (see a doctor), 1 the whole self-care check.
MIX = (16, 3, 1)

POP = {"injury": "pop_or_kick"}
FALL = {"injury": "fall_or_impact", "weight_bearing": "yes", "deformity": "no", "tendon_gap": "no",
        "infection_signs": "no", "severity": "moderate"}
SELF_CARE = {"injury": "none", "weight_bearing": "yes", "deformity": "no", "tendon_gap": "no",
             "infection_signs": "no", "diabetes": "no", "numbness": "no", "rest_pain": "no",
             "age_group": "16_plus", "pain_location": "bottom_inner", "morning_pain": "yes",
             "heel_squeeze": "no", "every_step": "no", "severity": "mild", "trend": "improving",
             "mileage_jump": "yes", "shoe_age": "under_300_miles", "tight_calves": "yes"}


def shown(m: BotMessage) -> tuple[Any, ...]:
    """What the user sees of a message, and its history (callback data included)."""
    return (m.text, tuple(m.edits), tuple(m.buttons))


def check_conversation(engine: Engine, transcript: list[BotMessage], p: Plan) -> None:
    """The whole conversation, in order: the welcome, then one message (the card) asking each
    question once, edited once per press, then the outcome, on the card or (too long for one
    message) in parts after it, with its buttons on the last part."""
    n = len(p.steps)
    welcome, card, rest = transcript[0], transcript[1], transcript[2:]
    assert text(engine, "ui.welcome") in welcome.text
    assert not welcome.edits and not welcome.has_keyboard
    versions = [*card.edits, card.text]
    on_card = p.level_title in card.text
    assert len(versions) == n + on_card, (len(versions), n)
    for step, version in zip(p.steps, versions, strict=False):
        assert step.text in version, step.question  # asked this question, in order
    outcome = [card] if on_card else rest
    assert (rest == []) if on_card else not card.has_keyboard
    assert p.level_title in outcome[0].text
    assert all(not m.edits for m in rest)
    assert all(not m.has_keyboard for m in outcome[:-1])
    labels = [b.text for b in outcome[-1].buttons]
    assert text(engine, "tg.button.summary") in labels
    assert text(engine, "tg.button.restart") in labels
    ids = [m.message_id for m in transcript]
    assert ids == sorted(ids)


async def test_a_thousand_chats_at_once_each_complete_their_conversation(
        api: BotAPIStandIn, tmp_path: Path, engine: Engine,
        unthrottled: dict[str, Any]) -> None:
    plans = [plan(engine, POP), plan(engine, FALL), plan(engine, SELF_CARE)]
    assert [p.level for p in plans] == ["urgent", "see_doctor", "self_care"]
    kinds = [p for p, share in zip(plans, MIX, strict=True) for _ in range(share)]
    chats = {FIRST_CHAT + i: kinds[i % len(kinds)] for i in range(CHATS)}
    db = tmp_path / "heel.sqlite3"

    async def converse(chat: int, p: Plan) -> None:
        first = await start_chat(api, chat, p.steps[0], within=120)
        await answer_by_buttons(api, chat, first, p.steps, p.level_title, within=120)

    # The 200-chat fault test's pool: httpcore's bookkeeping grows with the square of the
    # pool and its queue, which costs more CPU here than bigger pools save.
    request = {**unthrottled,
               "request": HTTPXRequest(connection_pool_size=16, pool_timeout=30)}
    async with heel_bot(api, db, engine, build=request):
        await asyncio.gather(*(converse(c, p) for c, p in chats.items()))
        await api.wait_idle()

    assert api.chats_written() == set(chats)  # nothing went to a chat that did not write
    assert api.unanswered_queries() == []
    by_plan: dict[int, tuple[Any, ...]] = {}
    for chat, p in chats.items():
        transcript = api.transcript(chat)
        view = tuple(shown(m) for m in transcript)
        if id(p) not in by_plan:
            check_conversation(engine, transcript, p)
            by_plan[id(p)] = view
        # Same kind of conversation, same messages: none missing, extra, repeated or
        # out of order.
        assert view == by_plan[id(p)], chat
    assert len(by_plan) == len(plans)
    # No message went out twice (every text is unique within its chat).
    sent = [(c.params["chat_id"], c.params["text"])
            for c in api.methods("sendMessage", ok_only=True)]
    assert len(sent) == len(set(sent)) == sum(len(api.transcript(c)) for c in chats)

    store = SqliteStore(db)
    try:
        assert store.count() == CHATS
    finally:
        store.close()
    for chat, p in chats.items():
        state = stored(db, chat)
        assert state is not None and state.finished, chat
        assert dict(state.answers) == p.answers, chat
