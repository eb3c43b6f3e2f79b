"""Check-ins through Telegram: booking, listing and cancelling them, sending them when due, and
what each answer leads to.

The bot gets a still-standing `Clock` as its clock and its store's, and a "day" of a few
hundredths of a second: a check-in falls due (in real time) almost at once, while every day
count — in the check-in's question, in what an answer leads to — is the one the clock says,
however fast or slow the test runs. Finished checks are stored directly (worked out with the
engine) where the conversation itself is not what a test is about.
"""

from __future__ import annotations

import logging

import pytest
from auxil.botapi import (
    BotAPIStandIn,
    BotMessage,
    CallbackAnswer,
    asked,
    checkin_jobs,
    checkin_sent,
    clocked_bot,
    ended,
    outcome_buttons,
    press_all,
    press_remind,
    press_value,
    remind_offer,
    reply_to,
    settle,
    stored,
    text,
)

from heel_bot.engine import Engine
from heel_bot.store import Store
from heel_bot.tg import codec
from heel_bot.tg.keyboards import REMIND_DAYS
from heel_bot.tg.reminders import MAX_REMINDERS

pytestmark = pytest.mark.usefixtures("clean")

ALICE, BOB = 1001, 1002
DAY = 0.02  # a "day", in real seconds: a 3-day check-in falls due after 60 ms
SELF_CARE = {"injury": "none", "weight_bearing": "yes", "deformity": "no", "tendon_gap": "no",
             "infection_signs": "no", "diabetes": "no", "numbness": "no", "rest_pain": "no",
             "age_group": "16_plus", "pain_location": "bottom_inner", "morning_pain": "yes",
             "heel_squeeze": "no", "every_step": "no", "severity": "mild", "trend": "improving",
             "mileage_jump": "yes", "shoe_age": "under_300_miles", "tight_calves": "yes"}
POP = {"injury": "pop_or_kick"}


def store_ended(store, engine, chat: int, answers: dict[str, str]) -> None:
    """A finished check, stored as the conversation would have stored it (a checklist's
    items ticked where `answers` says yes, the rest no)."""
    store.save(chat, ended(engine, answers).to_json())


async def answer_checkin(api: BotAPIStandIn, engine: Engine, chat: int, ask: BotMessage,
                         answer: str) -> BotMessage:
    """Press better, same or worse on the check-in; returns the reply."""
    mark = api.last_id(chat)
    query = api.press_button(chat, ask.message_id, text(engine, f"checkin.option.{answer}"))
    assert (await api.wait_answer(query)).text is None
    await api.wait_for(chat, lambda t: any(m.message_id > mark for m in t))
    return next(m for m in api.transcript(chat) if m.message_id > mark)


async def checked_in(api: BotAPIStandIn, engine: Engine, store: Store, chat: int,
                     answers: dict[str, str]) -> BotMessage:
    """A stored finished check, a 3-day check-in booked and sent: its question."""
    store_ended(store, engine, chat, answers)
    booked = await remind_offer(api, engine, chat)
    await press_remind(api, engine, chat, booked, 3)
    return await checkin_sent(api, engine, chat, booked.message_id)


def the_text(messages: list[BotMessage]) -> str:
    return "\n".join(m.text for m in messages)


# ------------------------------------------------------------------ sending and answering


async def test_reminders_fire_and_the_check_in_flows(api, db, engine, clock, parts):
    c = engine.bundle.content
    async with clocked_bot(api, db, engine, clock, parts, DAY) as (_, store):
        sent = api.send_text(ALICE, "/start")
        await api.wait_text(ALICE, c["q.injury.text"], sent["message_id"], keyboard=True)
        outcome = await press_all(api, engine, ALICE, SELF_CARE)
        footer = await outcome_buttons(api, engine, ALICE, outcome)
        assert await press_remind(api, engine, ALICE, footer, 3) == CallbackAnswer(None, False)
        ask = await checkin_sent(api, engine, ALICE, footer.message_id)
        # The booking is replaced by the open check-in (which remembers when the check was).
        await settle(api, engine, ALICE)  # the check-in job holds the chat until it is done
        assert store.reminders(ALICE) == []
        assert store.chat_rows(ALICE) == 2
        assert ask.text == c.get("checkin.ask", days=3)
        datas = {b.callback_data for b in ask.buttons}
        assert datas == {codec.encode(codec.CheckinAnswer(a)) for a in ("better", "same", "worse")}

        reply = await answer_checkin(api, engine, ALICE, ask, "same")
        (edited,) = [m for m in api.transcript(ALICE) if m.message_id == ask.message_id]
        assert edited.text == c.get("tg.answered", question=c["checkin.short"],
                                    answer=c["checkin.option.same"])
        assert not edited.has_keyboard
        assert text(engine, "checkin.same_early") in reply.text
        assert [b.callback_data for b in reply.buttons] == [
            codec.encode(codec.Remind(d)) for d in REMIND_DAYS]

        # Answered: a second tap, even on another option, is stale and changes nothing.
        mark = api.last_id(ALICE)
        worse = ask.button(c["checkin.option.worse"]).callback_data
        answer = await api.wait_answer(api.press(ALICE, ask.message_id, worse))
        assert answer.text == c["tg.stale"]
        await reply_to(api, ALICE, mark)
        assert text(engine, "checkin.worse") not in the_text(api.transcript(ALICE))
        state = stored(db, ALICE)
        assert state is not None and state.finished


async def test_a_check_in_is_answered_once_even_by_two_taps_at_once(api, db, engine, clock,
                                                                    parts):
    c = engine.bundle.content
    async with clocked_bot(api, db, engine, clock, parts, DAY) as (_, store):
        ask = await checked_in(api, engine, store, ALICE, SELF_CARE)
        mark = api.last_id(ALICE)
        taps = [api.press(ALICE, ask.message_id, codec.encode(codec.CheckinAnswer(a)))
                for a in ("better", "worse")]
        answers = [(await api.wait_answer(q)).text for q in taps]
        assert answers == [None, c["tg.stale"]]
        await reply_to(api, ALICE, mark)  # the stale tap shows where things stand
        shown = the_text([m for m in api.transcript(ALICE) if m.message_id > mark])
        assert text(engine, "checkin.better") in shown
        assert text(engine, "checkin.worse") not in shown
        state = stored(db, ALICE)
        assert state is not None and state.finished


async def test_the_day_count_comes_from_the_store(api, db, engine, clock, parts):
    c = engine.bundle.content
    async with clocked_bot(api, db, engine, clock, parts, DAY) as (_, store):
        asks = {chat: await checked_in(api, engine, store, chat, SELF_CARE)
                for chat in (ALICE, BOB)}
        # Thirteen and a half days after the check: not yet two weeks.
        clock.advance(13.5 * DAY)
        reply = await answer_checkin(api, engine, BOB, asks[BOB], "same")
        assert text(engine, "checkin.same_early") in reply.text
        assert c["level.see_doctor.title"] not in the_text(api.transcript(BOB))
        # A day later: the same answer means book an appointment.
        clock.advance(DAY)
        reply = await answer_checkin(api, engine, ALICE, asks[ALICE], "same")
        await api.wait_text(ALICE, text(engine, "level.see_doctor.where"), reply.message_id - 1)
        shown = the_text(api.transcript(ALICE)[-3:])
        assert text(engine, "checkin.same_long") in shown
        assert c["level.see_doctor.title"] in shown


async def test_the_day_count_never_comes_from_the_button(api, db, engine, clock, parts):
    c = engine.bundle.content
    async with clocked_bot(api, db, engine, clock, parts, DAY) as (_, store):
        store_ended(store, engine, ALICE, SELF_CARE)
        listing = await remind_offer(api, engine, ALICE)
        # v1 carried the days in the button: a forged count is refused, not believed…
        for data in ("c:s:99", codec.encode(codec.CheckinAnswer("same"))):
            mark = api.last_id(ALICE)
            answer = await api.wait_answer(api.press(ALICE, listing.message_id, data))
            # …and without an open check-in in the store, an answer is stale.
            assert answer.text == c["tg.stale"]
            await reply_to(api, ALICE, mark)
        shown = the_text(api.transcript(ALICE))
        assert text(engine, "checkin.same_early") not in shown
        assert text(engine, "checkin.same_long") not in shown
        state = stored(db, ALICE)
        assert state is not None and state.finished


async def test_worse_asks_the_red_flag_questions_again(api, db, engine, clock, parts):
    async with clocked_bot(api, db, engine, clock, parts, DAY) as (_, store):
        ask = await checked_in(api, engine, store, ALICE, SELF_CARE)
        reply = await answer_checkin(api, engine, ALICE, ask, "worse")
        assert text(engine, "checkin.worse") in reply.text
        assert asked(engine, reply) == engine.dialog.questions[engine.dialog.start]
        state = stored(db, ALICE)
        assert state is not None
        assert state.node == engine.dialog.start and state.answers["trend"] == "worse"
        assert "injury" not in state.answers  # the red flags are asked afresh
        # Answering them calmly still ends at least at see_doctor…
        outcome = await press_all(api, engine, ALICE, SELF_CARE)
        assert engine.bundle.content["level.see_doctor.title"] in outcome.text
        state = stored(db, ALICE)
        assert state is not None and engine.outcome(state).level == "see_doctor"
        # …and a pop on the next re-screen makes it urgent.
        footer = await outcome_buttons(api, engine, ALICE, outcome)
        await press_remind(api, engine, ALICE, footer, 3)
        ask = await checkin_sent(api, engine, ALICE, footer.message_id)
        await answer_checkin(api, engine, ALICE, ask, "worse")
        await press_value(api, engine, ALICE, "pop_or_kick")
        state = stored(db, ALICE)
        assert state is not None and engine.outcome(state).level == "urgent"


async def test_better_gives_prevention(api, db, engine, clock, parts):
    async with clocked_bot(api, db, engine, clock, parts, DAY) as (_, store):
        ask = await checked_in(api, engine, store, ALICE, SELF_CARE)
        clock.advance(7 * DAY)
        reply = await answer_checkin(api, engine, ALICE, ask, "better")
        assert text(engine, "checkin.better") in reply.text
        assert text(engine, "learn.prevention.body") in reply.text
        assert text(engine, "checkin.restart") in reply.text
        assert not reply.has_keyboard


@pytest.mark.parametrize("answer", ["better", "same"])
async def test_better_or_the_same_after_an_urgent_check_still_says_get_seen(
        api, db, engine, clock, parts, answer: str):
    c = engine.bundle.content
    async with clocked_bot(api, db, engine, clock, parts, DAY) as (_, store):
        ask = await checked_in(api, engine, store, ALICE, POP)
        reply = await answer_checkin(api, engine, ALICE, ask, answer)
        assert text(engine, "ui.checkin.still_seen") in reply.text
        assert c["level.urgent.title"] in reply.text
        # Nothing that says all is well, or to build the running back up.
        for key in ("checkin.better", "checkin.same_early", "learn.prevention.body",
                    "checkin.restart"):
            assert text(engine, key) not in reply.text, key
        assert [b.callback_data for b in reply.buttons] == [
            codec.encode(codec.Remind(d)) for d in REMIND_DAYS]


# ------------------------------------------------------------------ booking, listing, cancelling


async def test_reminders_are_listed_and_cancelled(api, db, engine, clock, parts):
    c = engine.bundle.content
    async with clocked_bot(api, db, engine, clock, parts, 3600.0) as (app, store):
        booking = await remind_offer(api, engine, ALICE)
        assert booking.text == c["tg.remind.none"]
        assert [b.callback_data for b in booking.buttons] == [
            codec.encode(codec.Remind(d)) for d in REMIND_DAYS]
        for days in (14, 3):
            await press_remind(api, engine, ALICE, booking, days)

        sent = api.send_text(ALICE, "/remind")
        listing = await api.wait_text(ALICE, c["tg.remind.list"], sent["message_id"],
                                      keyboard=True)
        assert listing.text.splitlines()[1:] == [
            f"- {c.get('tg.remind.item', days=d)}" for d in (3, 14)]  # soonest first
        assert len(listing.buttons) == 2
        assert checkin_jobs(app) == sorted(f"reminder:{r.id}" for r in store.reminders(ALICE))
        first = listing.buttons[0].callback_data
        assert first is not None

        answer = await api.wait_answer(api.press(ALICE, listing.message_id, first))
        assert answer.text == c["tg.remind.cancelled"]
        assert [r.days for r in store.reminders(ALICE)] == [14]
        await api.wait_until(lambda: len(checkin_jobs(app)) == 1)  # removed on the scheduler
        await api.wait_for(ALICE, lambda t: any(
            m.message_id == listing.message_id and m.edits for m in t))
        (edited,) = [m for m in api.transcript(ALICE) if m.message_id == listing.message_id]
        assert len(edited.buttons) == 1
        # The same button again: already gone.
        answer = await api.wait_answer(api.press(ALICE, listing.message_id, first))
        assert answer.text == c["tg.remind.gone"]

        # Another chat cannot cancel Alice's check-in.
        (rem,) = store.reminders(ALICE)
        bobs = await remind_offer(api, engine, BOB)
        answer = await api.wait_answer(api.press(BOB, bobs.message_id,
                                                 codec.encode(codec.Cancel(rem.id))))
        assert answer.text == c["tg.remind.gone"]
        assert store.reminders(ALICE) == [rem]

        # Later on, the list says when in words.
        for advance, key in ((12.5, "tg.remind.item_one"), (1.0, "tg.remind.item_today")):
            clock.advance(advance * 3600.0)
            sent = api.send_text(ALICE, "/remind")
            shown = await api.wait_text(ALICE, c["tg.remind.list"], sent["message_id"])
            assert shown.text.splitlines()[1:] == [f"- {c[key]}"]

        # At most MAX_REMINDERS at a time (an hour apart: the same button tapped again at once
        # books nothing more, test_e2e_delivery.py).
        while len(store.reminders(ALICE)) < MAX_REMINDERS:
            clock.advance(3600.0)
            assert (await press_remind(api, engine, ALICE, booking, 7)).text is None
        clock.advance(3600.0)
        answer = await press_remind(api, engine, ALICE, booking, 7)
        assert answer.text == c.get("tg.remind.too_many", max=MAX_REMINDERS)
        assert len(store.reminders(ALICE)) == MAX_REMINDERS


async def test_reminders_survive_a_restart(api, db, engine, clock, parts, caplog):
    hour = 3600.0  # a "day" of an hour: nothing falls due while a bot runs
    caplog.set_level(logging.INFO, logger="heel_bot.tg.app")
    async with clocked_bot(api, db, engine, clock, parts, hour) as (_, store):
        store_ended(store, engine, ALICE, SELF_CARE)
        await press_remind(api, engine, ALICE, await remind_offer(api, engine, ALICE), 3)
        await press_remind(api, engine, BOB, await remind_offer(api, engine, BOB), 14)
    seen = {chat: len(api.transcript(chat)) for chat in (ALICE, BOB)}
    # While the bot was down, four "days" went by: Alice's check-in fell due; Bob's did not.
    clock.advance(4 * hour)
    caplog.clear()
    async with clocked_bot(api, db, engine, clock, parts, hour) as (app, store):
        assert checkin_jobs(app) == sorted(f"reminder:{r.id}" for chat in (ALICE, BOB)
                                   for r in store.reminders(chat))
        mode = [r.getMessage() for r in caplog.records if "runs by" in r.getMessage()]
        assert len(mode) == 1 and "2 check-in(s) scheduled" in mode[0]
        ask = await checkin_sent(api, engine, ALICE)
        assert ask.text == engine.bundle.content.get("checkin.ask", days=4)
        await settle(api, engine, ALICE)
        assert store.reminders(ALICE) == []
        assert [r.days for r in store.reminders(BOB)] == [14]
    assert len(api.transcript(BOB)) == seen[BOB]
    assert len(api.transcript(ALICE)) == seen[ALICE] + 2  # the check-in, and /privacy's reply
    # And the conversation is where it was.
    state = stored(db, ALICE)
    assert state is not None and state.finished
