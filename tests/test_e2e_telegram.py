"""End to end: the real heel-bot Application polling the loopback Bot API stand-in.

Each test builds the production Application (`heel_bot.tg.app.build_application`) on a
temporary SQLite file, serves it as `heel-bot serve` does, and plays users against it over HTTP:
whole conversations by buttons and by typing, a restart mid-conversation, stale and forged
buttons, stickers and photos, group chats, /forget, check-in reminders (with a "day" of a few
milliseconds) and many chats at once. Expected texts come from the content files, never from
strings written here. The last test captures every log record at DEBUG and checks that the
bot token never appears.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

import pytest
from auxil.botapi import (
    BotAPIStandIn,
    Plan,
    answer_by_buttons,
    answer_by_typing,
    book,
    containing,
    every_logger_at_debug,
    heel_bot,
    leaked,
    outcome_buttons,
    plan,
    prefix,
    quick_parts,
    reach_outcome,
    reminders,
    rows,
    start_chat,
    stored,
    text,
    walked,
)

from heel_bot.engine import Engine
from heel_bot.stores.sqlite import SqliteStore

SELF_CARE = {"injury": "none", "weight_bearing": "yes", "deformity": "no", "tendon_gap": "no",
             "infection_signs": "no", "diabetes": "no", "numbness": "no", "rest_pain": "no",
             "age_group": "16_plus", "pain_location": "bottom_inner", "morning_pain": "yes",
             "heel_squeeze": "no", "every_step": "no", "severity": "mild", "trend": "improving",
             "mileage_jump": "yes", "shoe_age": "under_300_miles", "tight_calves": "yes"}
ACHILLES = {**SELF_CARE, "weight_bearing": "with_pain", "pain_location": "back",
            "run_pattern": "eases_when_warm", "severity": "moderate", "trend": "same",
            "duration": "over_3_weeks", "mileage_jump": "no", "shoe_age": "over_500_miles"}
FALL = {"injury": "fall_or_impact", "weight_bearing": "yes", "deformity": "no", "tendon_gap": "no",
        "infection_signs": "no", "severity": "moderate"}

# What a person might type instead of a button label (the engine must understand these).
# A checklist is typed as a whole, keyed by its first item: "no" for none of the warning signs;
# the pain checklist is typed as the numbers of the items that apply (the plan's "3 5 6").
TYPED = {"injury": "it came on gradually", "weight_bearing": "yes", "deformity": "no",
         "age_group": "16 or over", "pain_location": "under the heel, towards the arch",
         "severity": "mild", "trend": "improving", "shoe_age": "new"}

COMMANDS = {"start", "help", "back", "restart", "why", "summary", "learn", "remind", "forget",
            "privacy"}


# ------------------------------------------------------------------ fixtures and helpers


@pytest.fixture(scope="module")
def self_care(engine: Engine) -> Plan:
    return plan(engine, SELF_CARE)


@pytest.fixture(scope="module")
def achilles(engine: Engine) -> Plan:
    return plan(engine, ACHILLES)


@pytest.fixture(scope="module")
def fall(engine: Engine) -> Plan:
    return plan(engine, FALL)


# ------------------------------------------------------------------ conversations


async def test_a_whole_conversation_by_buttons(api: BotAPIStandIn, db: Path, engine: Engine,
                                               self_care: Plan) -> None:
    chat = 1001
    async with heel_bot(api, db, engine):
        first = await start_chat(api, chat, self_care.steps[0])
        assert text(engine, "ui.welcome") in api.transcript(chat)[0].text
        outcome = await answer_by_buttons(api, chat, first, self_care.steps, self_care.level_title)
        footer = await outcome_buttons(api, engine, chat, outcome)
        labels = [b.text for b in footer.buttons]
        for key, params in (("tg.button.summary", {}), ("tg.button.learn", {}),
                            ("tg.button.restart", {}), ("tg.button.remind_days", {"days": "3"}),
                            ("tg.button.remind_days", {"days": "7"}),
                            ("tg.button.remind_days", {"days": "14"})):
            assert text(engine, key, **params) in labels
        assert all(len(row) <= 3 for row in footer.keyboard)

        # The summary button shows what was answered.
        query = api.press_button(chat, footer.message_id, text(engine, "tg.button.summary"))
        await api.wait_answer(query)
        # The summary replaces the result on the same message (one edit, no new message).
        summary = next(m for m in await api.wait_for(chat, lambda t: [
            m for m in t if m.message_id == footer.message_id
            and text(engine, "ui.summary.title") in m.text]) if m.message_id == footer.message_id)
        await api.wait_idle()

    transcript = api.transcript(chat)
    c = engine.bundle.content
    # One message carried the whole conversation, edited once per press, in the order asked,
    # each question on it with the answers before it; the last press turned it into the
    # result's first screen, and the summary button into the summary.
    steps = self_care.steps
    (card,) = [m for m in transcript if any(steps[0].text in e for e in [*m.edits, m.text])]
    assert outcome.message_id == card.message_id == footer.message_id
    versions = [*card.edits, card.text]
    assert len(versions) == len(steps) + 2  # each question, the result, the summary
    assert self_care.level_title in versions[len(steps)]
    for i, step in enumerate(steps):
        assert step.text in versions[i], (i, step.question)
        if not step.tick and step.value != "done" and i + 1 < len(steps):
            assert f"✓ {c[f'q.{step.question}.short']}: {step.label}" in versions[i + 1]
    assert [m.message_id for m in transcript if m.has_keyboard] == [footer.message_id]
    assert self_care.steps[0].label in summary.text
    # The outcome goes out as HTML, split below Telegram's limit.
    assert outcome.parse_mode is not None and outcome.parse_mode.upper() == "HTML"
    assert all(len(m.text) <= 4096 for m in transcript)
    assert api.unanswered_queries() == []
    assert api.token_seen_in_paths == {api.token}  # the configured token, and only it
    assert {c["command"] for c in api.commands} == COMMANDS
    state = stored(db, chat)
    assert state is not None and state.finished


async def test_a_whole_conversation_by_typing(api: BotAPIStandIn, db: Path, engine: Engine,
                                              self_care: Plan) -> None:
    chat = 1002
    async with heel_bot(api, db, engine):
        await start_chat(api, chat, self_care.steps[0])
        # Answers typed in words are read back before the outcome, with buttons to confirm.
        readback = await answer_by_typing(api, chat, self_care.steps,
                                          text(engine, "ui.readback.title"), typed=TYPED)
        assert self_care.level_title not in readback.text
        assert text(engine, "q.injury.short") in readback.text  # typed: read back
        assert text(engine, "tg.button.readback_ok") in [b.text for b in readback.buttons]
        sent = api.send_text(chat, "yes")
        outcome = await api.wait_text(chat, self_care.level_title, sent["message_id"])
        await api.wait_idle()
    assert self_care.level_title in outcome.text
    assert containing(api.transcript(chat), text(engine, "ui.unmatched")) == []
    state = stored(db, chat)
    assert state is not None and state.finished and state.read_back
    assert dict(state.answers) == self_care.answers


async def test_a_restart_mid_conversation_carries_on(api: BotAPIStandIn, db: Path,
                                                     engine: Engine, self_care: Plan) -> None:
    chat = 1003
    steps = self_care.steps
    async with heel_bot(api, db, engine):
        first = await start_chat(api, chat, steps[0])
        question = await answer_by_buttons(api, chat, first, steps[:3], steps[3].text)
    saved = stored(db, chat)
    assert saved is not None
    assert dict(saved.answers) == dict(walked(engine, steps[:3]).answers)

    # A new process on the same file: the button on the message the old one sent still works.
    async with heel_bot(api, db, engine):
        question = await answer_by_buttons(api, chat, question, steps[3:5], steps[5].text)
    async with heel_bot(api, db, engine):
        # The pain checklist typed as the numbers of its items ("3 5 6"), then the severity.
        done = next(i for i, s in enumerate(steps) if s.value == "done" and i > 2)
        await answer_by_typing(api, chat, steps[5:done + 2], steps[done + 2].text)
        question = await api.wait_text(chat, steps[done + 2].text, question.message_id,
                                       keyboard=True)
        await answer_by_buttons(api, chat, question, steps[done + 2:], self_care.level_title)
        await api.wait_idle()
    state = stored(db, chat)
    assert state is not None and state.finished
    assert dict(state.answers) == self_care.answers
    assert api.unanswered_queries() == []


async def test_stale_and_forged_buttons_change_nothing(api: BotAPIStandIn, db: Path,
                                                       engine: Engine, self_care: Plan) -> None:
    chat = 1004
    steps = self_care.steps
    stale_notice = text(engine, "tg.stale")
    async with heel_bot(api, db, engine):
        first = await start_chat(api, chat, steps[0])
        old_data = [b.callback_data for b in first.buttons]
        current = await answer_by_buttons(api, chat, first, steps[:2], steps[2].text)
        before = stored(db, chat)

        presses = [
            (first.message_id, old_data[0]),  # an older question's button, pressed again
            (current.message_id, old_data[1]),  # an older question's data on the current one
            (current.message_id, "forged"),
            (current.message_id, "x" * 64),
            (current.message_id, "\u202e💥:999999:-1"),
        ]
        for message_id, data in presses:
            assert data is not None
            mark = api.last_id(chat)
            query = api.press(chat, message_id, data)
            answer = await api.wait_answer(query)
            again = await api.wait_text(chat, steps[2].text, mark, keyboard=True)
            notice_shown = (answer.text is not None and stale_notice in answer.text) or any(
                stale_notice in m.text for m in api.transcript(chat) if m.message_id > mark)
            assert notice_shown, (data, answer)
            assert stored(db, chat) == before  # no answer was applied
            current = again
        # And the conversation simply carries on from the question shown again.
        await answer_by_buttons(api, chat, current, steps[2:4], steps[4].text)
        await api.wait_idle()
    assert api.unanswered_queries() == []


async def test_another_chats_button_cannot_act_here(api: BotAPIStandIn, db: Path,
                                                    engine: Engine, self_care: Plan) -> None:
    async with heel_bot(api, db, engine):
        a = await start_chat(api, 2001, self_care.steps[0])
        b = await start_chat(api, 2002, self_care.steps[0])
        b = await answer_by_buttons(api, 2002, b, self_care.steps[:1], self_care.steps[1].text)
        before = stored(db, 2002)
        # Chat A's first-question data pressed in chat B, whose first question is answered:
        # refused, and B's current question shown again. (Another option than B chose: B's own
        # press again on the same message would be a double tap, test_e2e_delivery.py.)
        other = next(b.text for b in a.buttons if b.text != self_care.steps[0].label
                     and b.callback_data is not None and b.callback_data.startswith("a:"))
        data = a.button(other).callback_data
        assert data is not None
        mark = api.last_id(2002)
        query = api.press(2002, b.message_id, data)
        await api.wait_answer(query)
        await api.wait_text(2002, self_care.steps[1].text, mark, keyboard=True)
        assert stored(db, 2002) == before
        untouched = stored(db, 2001)
        assert untouched is None or not untouched.answers


async def test_non_text_messages_get_a_kind_reply_and_the_question(
        api: BotAPIStandIn, db: Path, engine: Engine, self_care: Plan) -> None:
    chat = 1005
    steps = self_care.steps
    kind_reply = text(engine, "tg.non_text")
    async with heel_bot(api, db, engine):
        first = await start_chat(api, chat, steps[0])
        current = await answer_by_buttons(api, chat, first, steps[:1], steps[1].text)
        before = stored(db, chat)
        for send in (api.send_sticker, api.send_photo, api.send_location, api.send_voice,
                     api.send_document):
            sent = send(chat)
            await api.wait_text(chat, kind_reply, sent["message_id"])
            current = await api.wait_text(chat, steps[1].text, sent["message_id"], keyboard=True)
        # Edited messages are ignored.
        typed = api.send_text(chat, "zzqx")
        # not understood: one short line, the question's buttons stay where they are
        await api.wait_text(chat, text(engine, "ui.unmatched"), typed["message_id"])
        await api.wait_idle()
        count = len(api.transcript(chat))
        api.edit_text(chat, typed["message_id"], steps[1].label)
        await api.wait_idle()
        assert len(api.transcript(chat)) == count
        assert stored(db, chat) == before
        await answer_by_buttons(api, chat, current, steps[1:2], steps[2].text)


async def test_group_chats_get_one_reply_and_nothing_is_stored(
        api: BotAPIStandIn, db: Path, engine: Engine, self_care: Plan) -> None:
    group = -100_777
    async with heel_bot(api, db, engine):
        sent = api.send_text(group, "/start", chat_type="group")
        reply = await api.wait_text(group, text(engine, "tg.private_only"), sent["message_id"])
        await api.wait_idle()
        assert len(api.transcript(group)) == 1
        assert not reply.has_keyboard
        # The bot still works in private chats alongside.
        await start_chat(api, 1006, self_care.steps[0])
    assert rows(db, group) == 0
    store = SqliteStore(db)
    try:
        assert store.count() == 1
    finally:
        store.close()


async def test_forget_asks_then_deletes_every_row(api: BotAPIStandIn, db: Path,
                                                  engine: Engine, fall: Plan) -> None:
    chat = 1007
    async with heel_bot(api, db, engine, day_seconds=3600.0):
        outcome = await reach_outcome(api, chat, fall)
        footer = await outcome_buttons(api, engine, chat, outcome)
        query = api.press_button(chat, footer.message_id,
                                 text(engine, "tg.button.remind_days", days="7"))
        await api.wait_answer(query)
        await api.wait_text(chat, text(engine, "tg.remind.set", days="7"), footer.message_id)
        assert reminders(db, chat) == 1

        sent = api.send_text(chat, "/forget")
        ask = await api.wait_text(chat, text(engine, "tg.forget.ask"), sent["message_id"])
        query = api.press_button(chat, ask.message_id, text(engine, "tg.button.forget_no"))
        await api.wait_answer(query)
        await api.wait_text(chat, text(engine, "tg.forget.kept"), ask.message_id - 1)
        assert rows(db, chat) == 2

        sent = api.send_text(chat, "/forget")
        ask = await api.wait_text(chat, text(engine, "tg.forget.ask"), sent["message_id"])
        query = api.press_button(chat, ask.message_id, text(engine, "tg.button.forget_yes"))
        await api.wait_answer(query)
        await api.wait_text(chat, text(engine, "tg.forget.done"), ask.message_id - 1)
        await api.wait_idle()
        assert rows(db, chat) == 0
    assert rows(db, chat) == 0


async def test_privacy_and_help_and_unknown_commands(api: BotAPIStandIn, db: Path,
                                                     engine: Engine, self_care: Plan) -> None:
    chat = 1008
    async with heel_bot(api, db, engine):
        sent = api.send_text(chat, "/privacy")
        await api.wait_text(chat, text(engine, "tg.privacy"), sent["message_id"])
        await start_chat(api, chat, self_care.steps[0])
        for command, key in (("/help", "ui.help_buttons"), ("/nonsense", "tg.unknown_command"),
                             ("/why", "ui.why"), ("/summary", "ui.summary.title")):
            sent = api.send_text(chat, command)
            needle = prefix(engine, key) if "{" in engine.bundle.content[key] else \
                text(engine, key)
            await api.wait_text(chat, needle, sent["message_id"])
        await api.wait_idle()
    assert rows(db, chat) == 1


async def test_commands_before_any_conversation(api: BotAPIStandIn, db: Path,
                                                engine: Engine, self_care: Plan) -> None:
    async with heel_bot(api, db, engine):
        sent = api.send_text(1014, "/summary")
        await api.wait_text(1014, text(engine, "ui.summary.none_yet"), sent["message_id"])
        await api.wait_idle()
        assert rows(db, 1014) == 0  # only showing something stores nothing
        sent = api.send_text(1014, "/help")
        await api.wait_text(1014, text(engine, "ui.help_buttons"), sent["message_id"])
        await api.wait_text(1014, self_care.steps[0].text, sent["message_id"], keyboard=True)
        await api.wait_idle()


# ------------------------------------------------------------------ reminders


async def test_a_reminder_fires_and_the_check_in_answers(api: BotAPIStandIn, db: Path,
                                                         engine: Engine, fall: Plan) -> None:
    chat = 1009
    async with heel_bot(api, db, engine, day_seconds=0.01):
        booked = await book(api, engine, chat, fall, 3)
        ask = await api.wait_text(chat, prefix(engine, "checkin.ask"),
                                  booked.message_id, keyboard=True)
        query = api.press_button(chat, ask.message_id, text(engine, "checkin.option.worse"))
        await api.wait_answer(query)
        await api.wait_text(chat, text(engine, "checkin.worse"), ask.message_id)
        await api.wait_idle()
    assert reminders(db, chat) == 0


@pytest.mark.slow
async def test_a_reminder_survives_a_restart(api: BotAPIStandIn, db: Path, engine: Engine,
                                             fall: Plan) -> None:
    chat = 1010
    # Without the shipped per-chat pacing (about a second between a chat's messages), so the
    # booking is done well before the check-in is due.
    async with heel_bot(api, db, engine, build=quick_parts(), day_seconds=0.6):
        booked = await book(api, engine, chat, fall, 3)
    # Stopped well before the check-in is due (3 "days" = 1.8 s): it waits in the store, and
    # only the restarted bot can send it.
    assert reminders(db, chat) == 1
    assert containing(api.transcript(chat), prefix(engine, "checkin.ask")) == []
    async with heel_bot(api, db, engine, build=quick_parts(), day_seconds=0.6):
        ask = await api.wait_text(chat, prefix(engine, "checkin.ask"),
                                  booked.message_id, keyboard=True)
        query = api.press_button(chat, ask.message_id, text(engine, "checkin.option.better"))
        await api.wait_answer(query)
        # better, but the fall's see_doctor still stands
        await api.wait_text(chat, text(engine, "ui.checkin.still_seen"), ask.message_id)
        await api.wait_idle()
    asks = [m for m in api.transcript(chat)
            if any(prefix(engine, "checkin.ask") in t for t in [*m.edits, m.text])]
    assert len(asks) == 1
    assert reminders(db, chat) == 0


async def test_remind_lists_and_cancels(api: BotAPIStandIn, db: Path, engine: Engine,
                                        fall: Plan) -> None:
    chat = 1011
    async with heel_bot(api, db, engine, day_seconds=3600.0):
        await book(api, engine, chat, fall, 14)
        sent = api.send_text(chat, "/remind")
        listing = await api.wait_text(chat, text(engine, "tg.remind.list"), sent["message_id"],
                                      keyboard=True)
        cancel = next(b for b in listing.buttons
                      if text(engine, "tg.button.cancel", when="").strip() in b.text)
        assert cancel.callback_data is not None
        query = api.press(chat, listing.message_id, cancel.callback_data)
        await api.wait_answer(query)
        await api.wait_for(chat, lambda t: any(
            text(engine, "tg.remind.cancelled") in m.text
            or (m.message_id == listing.message_id and m.edits) for m in t))
        await api.wait_idle()
    assert reminders(db, chat) == 0


# ------------------------------------------------------------------ many chats at once


@pytest.mark.slow
async def test_twenty_chats_at_once_keep_their_own_conversations(
        api: BotAPIStandIn, db: Path, engine: Engine, self_care: Plan, achilles: Plan,
        unthrottled: dict[str, Any]) -> None:
    chats = {3000 + i: (self_care if i % 2 else achilles) for i in range(20)}

    async def one(chat: int, p: Plan) -> None:
        first = await start_chat(api, chat, p.steps[0], within=30)
        await answer_by_buttons(api, chat, first, p.steps, p.level_title, within=30)

    async with heel_bot(api, db, engine, build=unthrottled):
        await asyncio.gather(*(one(c, p) for c, p in chats.items()))
        await api.wait_idle()
    assert api.chats_written() == set(chats)
    for chat, p in chats.items():
        transcript = api.transcript(chat)
        # One card per chat, edited once per press: each question on it once, in order.
        (card,) = [m for m in transcript if any(p.steps[0].text in e
                                                 for e in [*m.edits, m.text])]
        versions = [*card.edits, card.text]
        # The outcome on the card, or (too long for one message) in messages after it.
        outcome_on_card = p.level_title in versions[-1]
        assert len(versions) == len(p.steps) + outcome_on_card, chat
        assert all(s.text in v for s, v in zip(p.steps, versions, strict=False)), chat
        assert outcome_on_card or containing(transcript, p.level_title)[0].message_id > \
            card.message_id
        other = achilles if p is self_care else self_care
        assert containing(transcript, other.level_title) == [] or \
            other.level_title == p.level_title
        state = stored(db, chat)
        assert state is not None and dict(state.answers) == p.answers
    assert api.unanswered_queries() == []


# ------------------------------------------------------------------ the token stays secret


@pytest.mark.slow
async def test_the_token_never_appears_in_any_log_record(
        api: BotAPIStandIn, db: Path, engine: Engine, self_care: Plan, *, fall: Plan,
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    chat = 1012
    steps = self_care.steps
    secret_part = api.token.split(":", 1)[1]
    with every_logger_at_debug("httpx", "httpcore", "telegram", "apscheduler", "heel_bot"):
        async with heel_bot(api, db, engine, day_seconds=0.01):
            # Whatever levels the adapter chose, every logger speaks at DEBUG.
            with every_logger_at_debug():
                first = await start_chat(api, chat, steps[0])
                api.fail_next("sendMessage", "502")
                api.fail_next("editMessageText", "drop")
                # Buttons up to the pain checklist, then it and the severity typed.
                await answer_by_buttons(api, chat, first, steps[:5], steps[5].text, within=20)
                await answer_by_typing(api, chat, steps[5:10], steps[10].text)
                await book(api, engine, 1013, fall, 3)
                await api.wait_text(1013, prefix(engine, "checkin.ask"))
                await api.wait_idle()
    assert any(r.name.startswith("httpx") for r in caplog.records)  # URLs were logged
    assert leaked(caplog.records, api.token, secret_part) == []
    # Answers are not logged above DEBUG.
    typed = {s.typed or s.label for s in steps[5:10] if not s.tick}
    loud = [r.getMessage() for r in caplog.records if r.levelno > logging.DEBUG]
    assert [m for m in loud for t in typed if t in m] == []


async def test_a_rejected_token_is_not_logged(db: Path, engine: Engine,
                                              caplog: pytest.LogCaptureFixture) -> None:
    # PTB's own InvalidToken message quotes the token; it must not reach a log line.
    caplog.set_level(logging.DEBUG)
    wrong = "987654321:AAHthis-is-not-the-token-of-the-standin"
    async with BotAPIStandIn() as api:
        from telegram.error import InvalidToken

        from heel_bot.serve_config import ServeConfig
        from heel_bot.tg.app import build_application
        from heel_bot.tg.serving import serving

        config = ServeConfig(token=wrong, api_url=api.base_url, db_path=db)
        with every_logger_at_debug("httpx", "httpcore", "telegram"):
            app = build_application(config, engine=engine, store=SqliteStore(db))
            with every_logger_at_debug(), pytest.raises(InvalidToken):
                async with serving(app):
                    pass
            # PTB leaves the HTTP clients of a bot whose initialize failed open (a process
            # exits then anyway); close them so the test leaves no socket behind.
            await app.bot.shutdown()
    assert wrong in api.token_seen_in_paths
    assert leaked(caplog.records, wrong, wrong.split(":", 1)[1]) == []
