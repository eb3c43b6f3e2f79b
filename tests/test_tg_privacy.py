"""Privacy through Telegram: /privacy says what is kept, /forget deletes all of it (and only
it), and a user who blocks the bot gets no more check-ins — whether the bot learns it from a
403 or from Telegram's membership update.
"""

from __future__ import annotations

import asyncio
import logging

import pytest
from auxil.botapi import (
    checkin_jobs,
    clocked_bot,
    ended,
    press_all,
    press_remind,
    remind_offer,
    rows,
    settle,
    stored,
    text,
)

from heel_bot.tg import codec

pytestmark = pytest.mark.usefixtures("clean")

ALICE, BOB = 1001, 1002
SELF_CARE = {"injury": "none", "weight_bearing": "yes", "deformity": "no", "tendon_gap": "no",
             "infection_signs": "no", "diabetes": "no", "numbness": "no", "rest_pain": "no",
             "age_group": "16_plus", "pain_location": "bottom_inner", "morning_pain": "yes",
             "heel_squeeze": "no", "every_step": "no", "severity": "mild", "trend": "improving",
             "mileage_jump": "yes", "shoe_age": "under_300_miles", "tight_calves": "yes"}
HOUR = 3600.0  # a "day" of an hour: nothing falls due during the test


def store_ended(store, engine, chat: int, answers: dict[str, str]) -> None:
    """A finished check, stored as the conversation would have stored it (a checklist's
    items ticked where `answers` says yes, the rest no)."""
    store.save(chat, ended(engine, answers).to_json())


def forbidden(api, chat: int) -> int:
    """How many sends to the chat met 403 Forbidden."""
    return len([c for c in api.methods("sendMessage")
                if c.status == 403 and str(c.params.get("chat_id")) == str(chat)])


async def test_privacy_says_what_is_stored(api, db, engine, heel):
    sent = api.send_text(ALICE, "/privacy")
    reply = await api.wait_text(ALICE, text(engine, "tg.privacy"), sent["message_id"])
    assert reply.text == engine.bundle.content["tg.privacy"].strip()
    assert rows(db, ALICE) == 0  # asking stores nothing


async def test_forget_asks_then_deletes_every_row(api, db, engine, clock, parts):
    c = engine.bundle.content
    async with clocked_bot(api, db, engine, clock, parts, HOUR) as (app, store):
        sent = api.send_text(ALICE, "/start")
        await api.wait_text(ALICE, c["q.injury.text"], sent["message_id"], keyboard=True)
        await press_all(api, engine, ALICE, SELF_CARE)
        store_ended(store, engine, BOB, SELF_CARE)
        await press_remind(api, engine, ALICE, await remind_offer(api, engine, ALICE), 7)
        await press_remind(api, engine, BOB, await remind_offer(api, engine, BOB), 7)
        assert (rows(db, ALICE), rows(db, BOB)) == (2, 2)
        assert len(checkin_jobs(app)) == 2

        sent = api.send_text(ALICE, "/forget")
        ask = await api.wait_text(ALICE, c["tg.forget.ask"], sent["message_id"], keyboard=True)
        assert [b.callback_data for b in ask.buttons] == [
            codec.encode(codec.Forget(True)), codec.encode(codec.Forget(False))]
        assert (await api.wait_answer(api.press_button(ALICE, ask.message_id,
                                                       c["tg.button.forget_no"]))).text is None
        await api.wait_text(ALICE, c["tg.forget.kept"], ask.message_id - 1)
        assert rows(db, ALICE) == 2  # nothing deleted without a yes

        yes = ask.button(c["tg.button.forget_yes"]).callback_data
        await api.wait_answer(api.press(ALICE, ask.message_id, yes))
        await api.wait_text(ALICE, c["tg.forget.done"], ask.message_id - 1)
        (edited,) = [m for m in api.transcript(ALICE) if m.message_id == ask.message_id]
        assert edited.text == c["tg.forget.done"] and not edited.has_keyboard
        assert rows(db, ALICE) == 0
        assert rows(db, BOB) == 2  # only the chat that asked
        await api.wait_until(lambda: len(checkin_jobs(app)) == 1)  # removed on the scheduler
        assert checkin_jobs(app) == [f"reminder:{r.id}" for r in store.reminders(BOB)]
        # And after forgetting, the bot starts afresh.
        sent = api.send_text(ALICE, "/start")
        await api.wait_text(ALICE, c["q.injury.text"], sent["message_id"], keyboard=True)
        state = stored(db, ALICE)
        assert state is not None and state.answers == {}


async def test_forget_leaves_no_answer_in_the_files_and_no_chat_id_in_the_log(
        api, db, engine, clock, parts, caplog):
    caplog.set_level(logging.INFO)
    c = engine.bundle.content
    said = c["opt.injury.none"]  # on the card's "so far" lines, in the updates of her presses
    async with clocked_bot(api, db, engine, clock, parts, HOUR) as (_app, _store):
        sent = api.send_text(ALICE, "/start")
        await api.wait_text(ALICE, c["q.injury.text"], sent["message_id"], keyboard=True)
        await press_all(api, engine, ALICE, SELF_CARE)
        await settle(api, engine, ALICE)
        assert any(b'"injury":' in f.read_bytes() for f in files(db))  # the check can fail
        sent = api.send_text(ALICE, "/forget")
        ask = await api.wait_text(ALICE, c["tg.forget.ask"], sent["message_id"], keyboard=True)
        await api.wait_answer(api.press_button(ALICE, ask.message_id,
                                               c["tg.button.forget_yes"]))
        await settle(api, engine, ALICE)  # the request itself has been handled
        # As a kill -9 now would leave the files: neither the answers nor her words.
        for f in files(db):
            data = f.read_bytes()
            assert (f.name, data.count(b'"injury":'), data.count(said.encode())) == (
                f.name, 0, 0)
    forgotten = [r.getMessage() for r in caplog.records if "forgotten" in r.getMessage()]
    assert len(forgotten) == 1 and str(ALICE) not in forgotten[0]


def files(db):
    """The database and its write-ahead log."""
    return [f for f in (db, db.with_name(db.name + "-wal")) if f.exists()]


async def test_a_user_who_blocked_the_bot_loses_their_check_ins(api, db, engine, clock, parts):
    day = 0.02
    async with clocked_bot(api, db, engine, clock, parts, day) as (app, store):
        store_ended(store, engine, ALICE, SELF_CARE)
        booking = await remind_offer(api, engine, ALICE)
        await press_remind(api, engine, ALICE, booking, 3)
        await press_remind(api, engine, ALICE, booking, 7)
        api.block(ALICE)
        # The first check-in meets 403 Forbidden: both are dropped, the second is never tried.
        await api.wait_until(lambda: forbidden(api, ALICE) == 1)
        await asyncio.sleep(7 * day + 0.1)  # past when the second would have been due
        api.unblock(ALICE)
        await settle(api, engine, ALICE)
        assert forbidden(api, ALICE) == 1
        assert store.reminders(ALICE) == []
        assert checkin_jobs(app) == []
        state = stored(db, ALICE)
        assert state is not None and state.finished  # the conversation itself stays


async def test_forbidden_while_replying_drops_check_ins_without_a_crash(api, db, engine, clock,
                                                                        parts, caplog):
    caplog.set_level(logging.INFO, logger="heel_bot.tg.app")
    async with clocked_bot(api, db, engine, clock, parts, HOUR) as (app, store):
        store_ended(store, engine, ALICE, SELF_CARE)
        await press_remind(api, engine, ALICE, await remind_offer(api, engine, ALICE), 7)
        api.block(ALICE)
        api.send_text(ALICE, "/summary")
        await api.wait_until(lambda: forbidden(api, ALICE) == 1)
        api.unblock(ALICE)
        await settle(api, engine, ALICE)
        assert store.reminders(ALICE) == []
        assert checkin_jobs(app) == []
        state = stored(db, ALICE)
        assert state is not None and state.finished
    said = [r.getMessage() for r in caplog.records if r.name == "heel_bot.tg.app"]
    assert [m for m in said if f"chat {ALICE} cannot be messaged" in m]


async def test_blocking_the_bot_drops_check_ins(api, db, engine, clock, parts):
    async with clocked_bot(api, db, engine, clock, parts, HOUR) as (app, store):
        for chat in (ALICE, BOB):
            store_ended(store, engine, chat, SELF_CARE)
            await press_remind(api, engine, chat, await remind_offer(api, engine, chat), 7)
        api.member_update(ALICE, "kicked")  # Alice blocks the bot
        api.member_update(BOB, "member", old_status="kicked")  # Bob unblocks it
        api.member_update(-500, "member", old_status="left", chat_type="group")
        for chat in (ALICE, BOB):
            await settle(api, engine, chat)
        assert store.reminders(ALICE) == []
        assert len(store.reminders(BOB)) == 1
        assert checkin_jobs(app) == [f"reminder:{r.id}" for r in store.reminders(BOB)]
        # Added to a group: the pointer to a private chat, once; nothing stored for it.
        assert [m.text for m in api.transcript(-500)] == [
            engine.bundle.content["tg.private_only"]]
