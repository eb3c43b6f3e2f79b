"""The conversation through Telegram: the production Application polling the Bot API stand-in.

/start, answers by button and by typing, the conversation commands, unknown commands, stickers
and photos, edits, groups and channels, stale and forged buttons, the pressed message edited
in place to the next question (the answers so far on it), the outcome and its keyboard, a
long outcome split below Telegram's limit.
Expected texts come from the content files; what the store holds is read from its file.

One bot serves the whole module (starting one per test would double the module's time); each
test talks in chats of its own, so no test sees another's conversation.
"""

from __future__ import annotations

import html
import itertools
import logging
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from auxil.botapi import (
    BotAPIStandIn,
    BotMessage,
    Call,
    asked,
    heel_bot,
    outcome_buttons,
    prefix,
    press_all,
    press_value,
    quick_parts,
    reply_in_place,
    reply_to,
    rows,
    settle,
    stored,
    text,
)
from auxil.shared_bot import shared_bot

from heel_bot.engine import Engine, State
from heel_bot.model import Bundle
from heel_bot.render import Renderer
from heel_bot.tg import codec
from heel_bot.tg.keyboards import REMIND_DAYS

pytestmark = pytest.mark.asyncio(loop_scope="module")

SELF_CARE = {"injury": "none", "weight_bearing": "yes", "deformity": "no", "tendon_gap": "no",
             "infection_signs": "no", "diabetes": "no", "numbness": "no", "rest_pain": "no",
             "age_group": "16_plus", "pain_location": "bottom_inner", "morning_pain": "yes",
             "heel_squeeze": "no", "every_step": "no", "severity": "mild", "trend": "improving",
             "mileage_jump": "yes", "shoe_age": "under_300_miles", "tight_calves": "yes"}
CHATS = itertools.count(1001)


api, db, bot, heel = shared_bot("conversation")


@pytest.fixture
def alice() -> int:
    return next(CHATS)


@pytest.fixture
def bob() -> int:
    return next(CHATS)


@pytest.fixture
def group() -> int:
    return -next(CHATS)


# ------------------------------------------------------------------ helpers


def label(engine: Engine, qid: str, value: str) -> str:
    option = engine.dialog.questions[qid].option(value)
    assert option is not None
    return engine.bundle.content[option.label]


def after(api: BotAPIStandIn, chat: int, mark: int) -> list[BotMessage]:
    """The bot's messages in the chat with ids above `mark`."""
    return [m for m in api.transcript(chat) if m.message_id > mark]


def calls(api: BotAPIStandIn, method: str, chat: int) -> list[Call]:
    return [c for c in api.methods(method) if str(c.params.get("chat_id")) == str(chat)]


def state_of(db: Path, chat: int) -> State:
    state = stored(db, chat)
    assert state is not None
    return state


async def start(api: BotAPIStandIn, engine: Engine, chat: int) -> BotMessage:
    """/start; returns the first question's message."""
    sent = api.send_text(chat, "/start")
    first = engine.dialog.questions[engine.dialog.start]
    return await api.wait_text(chat, engine.bundle.content[first.text], sent["message_id"],
                               keyboard=True)


async def say(api: BotAPIStandIn, chat: int, words: str, needle: str, *,
              keyboard: bool | None = None) -> list[BotMessage]:
    """Type `words`; wait for the reply containing `needle`; returns every message since."""
    sent = api.send_text(chat, words)
    await api.wait_text(chat, needle, sent["message_id"], keyboard=keyboard)
    return after(api, chat, sent["message_id"])


async def at_second_question(api: BotAPIStandIn, engine: Engine, chat: int) -> BotMessage:
    await start(api, engine, chat)
    return await press_value(api, engine, chat, "none")


def shown_on(transcript: list[BotMessage], message: BotMessage) -> BotMessage:
    """`message` as the transcript shows it now (after its edits)."""
    return next(m for m in transcript if m.message_id == message.message_id)


# ------------------------------------------------------------------ questions and answers


async def test_start_greets_and_asks_one_question_with_buttons(api, db, engine, heel, alice):
    c = engine.bundle.content
    first = engine.dialog.questions[engine.dialog.start]
    question = await start(api, engine, alice)
    welcome, shown = api.transcript(alice)
    assert text(engine, "ui.welcome") in welcome.text
    assert shown.message_id == question.message_id
    assert c.get("ui.progress", n=1, total=1).split(" of")[0] in question.text
    assert (welcome.parse_mode, question.parse_mode) == ("HTML", "HTML")
    labels = [b.text for b in question.buttons]
    assert labels[:len(first.options)] == [c[o.label] for o in first.options]
    assert text(engine, "tg.button.why") in labels
    assert text(engine, "tg.button.back") not in labels  # nothing to go back to yet
    state = state_of(db, alice)
    assert state.node == first.id and not state.answers


async def test_a_press_edits_the_question_in_place_to_the_next_with_the_answer_on_it(
        api, db, engine, heel, alice):
    c = engine.bundle.content
    first = await start(api, engine, alice)
    mark, made = api.last_id(alice), len(api.calls)
    query = api.press_button(alice, first.message_id, label(engine, "injury", "none"))
    assert (await api.wait_answer(query)).text is None
    nxt = await reply_in_place(api, alice, first, mark)
    # One edit of the pressed message, its new buttons with it; nothing sent anew.
    assert nxt.message_id == first.message_id and nxt.edits == [first.text]
    (edit,) = calls(api, "editMessageText", alice)
    assert edit.params["message_id"] == str(first.message_id)
    assert "inline_keyboard" in edit.params["reply_markup"]
    assert after(api, alice, mark) == []
    # The press is answered before the edit (the spinner stops first).
    methods = [x.method for x in api.calls[made:] if x.method != "getUpdates"]
    assert methods == ["answerCallbackQuery", "editMessageText"]
    # The card starts with the answer so far, then asks the next question with back.
    assert nxt.text.startswith(f"✓ {c['q.injury.short']}: {label(engine, 'injury', 'none')}")
    assert html.escape(label(engine, "injury", "none"), quote=False) in nxt.raw
    state = state_of(db, alice)
    assert state.answers["injury"] == "none"
    assert asked(engine, nxt) == engine.dialog.questions[state.node]
    assert text(engine, "tg.button.back") in [b.text for b in nxt.buttons]


async def test_state_is_committed_before_every_reply(api, db, engine, heel, alice):
    question_ids = list(engine.dialog.questions)
    seen: list[tuple[int, str]] = []
    screens: list[int] = []

    def committed(params: dict[str, Any]) -> None:
        datas = [b.get("callback_data") for row in (params.get("reply_markup") or {}).get(
            "inline_keyboard", []) for b in row]
        for press in map(codec.decode, datas):
            if isinstance(press, codec.Answer | codec.Tick | codec.ScreenDone):
                state = stored(db, int(params["chat_id"]))  # another connection: committed
                assert state is not None, "a question went out before its state was stored"
                assert state.turn == press.turn
                if isinstance(press, codec.Answer):
                    assert question_ids[press.question] == state.node
                    assert engine.screen(state) is None
                else:  # a checklist: the one the stored state shows, ticks as stored
                    screen = engine.screen(state)
                    assert screen is not None
                    screens.append(state.turn)
                seen.append((state.turn, state.node))
                return

    # New messages and the pressed message edited in place alike.
    stops = [api.on_call(m, committed) for m in ("sendMessage", "editMessageText")]
    try:
        await start(api, engine, alice)
        await press_all(api, engine, alice, {**SELF_CARE, "diabetes": "yes", "numbness": "yes"})
    finally:
        for stop in stops:
            stop()
    assert api.hook_errors == []
    assert len(seen) >= 10 and len(set(seen)) == len(seen)
    assert len(screens) >= 4  # both checklists, and the ticks on the first


async def test_typed_answers_and_commands_work_as_in_the_terminal(api, db, engine, heel, alice):
    c = engine.bundle.content
    await start(api, engine, alice)
    await say(api, alice, "no, it came on gradually", c["q.weight_bearing.text"], keyboard=True)
    assert state_of(db, alice).answers["injury"] == "none"

    (back,) = await say(api, alice, "/back", c["q.injury.text"], keyboard=True)
    assert c["ui.back_done"] in back.text
    assert "injury" not in state_of(db, alice).answers

    (why,) = await say(api, alice, "/why", prefix(engine, "ui.why"))
    assert why.text == c.get("ui.why", text=c["q.injury.why"])

    help_text, again = await say(api, alice, "/help", c["q.injury.text"], keyboard=True)
    assert text(engine, "ui.help_buttons") in help_text.text and again.has_keyboard

    (unmatched,) = await say(api, alice, "banana", c["ui.unmatched"])
    # one short line; the question's buttons stay on the question (only it has buttons)
    assert unmatched.text == c["ui.unmatched"] and not unmatched.has_keyboard

    summary = await say(api, alice, "/summary", c["ui.summary.title"])
    assert c["ui.summary.title"] in summary[0].text

    (menu,) = await say(api, alice, "/learn", c["ui.learn.menu"])
    topics = engine.bundle.learn
    assert [b.text for b in menu.buttons] == [*(c[t.title] for t in topics), c["ui.nav.home"]]
    query = api.press_button(alice, menu.message_id, c[topics[0].title])
    await api.wait_answer(query)
    # The topic's first page replaces the menu on the same message.
    await api.wait_for(alice, lambda t: any(
        m.message_id == menu.message_id and c[topics[0].title] in m.text for m in t))
    await settle(api, engine, alice)

    restarted = await say(api, alice, "/restart", c["ui.restarted"])
    assert c["ui.restarted"] in restarted[0].text
    unknown = await say(api, alice, "/frobnicate", c["tg.unknown_command"])
    assert c["tg.unknown_command"] in unknown[0].text


async def test_commands_before_any_conversation(api, db, engine, heel, alice):
    c = engine.bundle.content
    assert len(await say(api, alice, "/summary", c["ui.summary.none_yet"])) == 1
    (menu,) = await say(api, alice, "/learn", c["ui.learn.menu"])
    assert menu.text == c["ui.learn.menu"] and menu.has_keyboard
    assert rows(db, alice) == 0  # looking stores nothing
    help_text, welcome, question = await say(api, alice, "/help", c["q.injury.text"],
                                              keyboard=True)
    assert text(engine, "ui.help_buttons") in help_text.text
    assert text(engine, "ui.welcome") in welcome.text
    assert question.has_keyboard
    assert rows(db, alice) == 1


async def test_a_first_message_is_a_greeting_not_an_answer(api, db, engine, heel, bob):
    welcome, _question = await say(api, bob, "no", engine.bundle.content["q.injury.text"],
                                   keyboard=True)
    assert text(engine, "ui.welcome") in welcome.text
    assert state_of(db, bob).answers == {}


async def test_a_first_message_keeps_the_facts_it_gives(api, db, engine, heel, bob):
    c = engine.bundle.content
    welcome, question = await say(api, bob, "I'm diabetic and it's been 6 weeks",
                                  c["q.injury.text"], keyboard=True)
    assert text(engine, "ui.welcome") in welcome.text
    assert c["ui.opening_kept"] in question.text
    assert asked(engine, question) == engine.dialog.questions["injury"]
    state = state_of(db, bob)
    assert state.answers == {"diabetes": "yes", "duration": "over_3_weeks"}
    assert state.node == "injury"


async def test_an_urgent_red_flag_typed_mid_check_ends_it_at_once(api, db, engine, heel, alice):
    c = engine.bundle.content
    await at_second_question(api, engine, alice)
    replies = await say(api, alice, "sorry, I forgot: something snapped at the back of my heel",
                        c["level.urgent.title"])
    assert c["ui.safety_net"] not in "".join(m.text for m in replies)
    state = state_of(db, alice)
    assert state.finished and state.answers["injury"] == "pop_or_kick"


async def test_red_flag_words_typed_after_the_outcome_bring_the_question_forward(
        api, db, engine, heel, alice):
    await start(api, engine, alice)
    await press_all(api, engine, alice, SELF_CARE)
    assert state_of(db, alice).finished
    replies = await say(api, alice, "it just popped and I can't walk",
                        engine.bundle.content["ui.safety_net"])
    assert asked(engine, replies[-1]) is not None
    assert not state_of(db, alice).finished


async def test_start_carries_on_or_begins_again(api, db, engine, heel, alice):
    await at_second_question(api, engine, alice)
    (again,) = await say(api, alice, "/start", engine.bundle.content["tg.welcome_back"])
    assert asked(engine, again) == engine.dialog.questions["weight_bearing"]
    assert state_of(db, alice).answers == {"injury": "none"}


async def test_back_and_why_buttons(api, db, engine, heel, alice):
    c = engine.bundle.content
    second = await at_second_question(api, engine, alice)
    query = api.press_button(alice, second.message_id, c["tg.button.why"])
    await api.wait_answer(query)
    why = await api.wait_text(alice, prefix(engine, "ui.why"), second.message_id)
    assert why.text == c.get("ui.why", text=c["q.weight_bearing.why"])

    mark = api.last_id(alice)
    query = api.press_button(alice, second.message_id, c["tg.button.back"])
    await api.wait_answer(query)
    back = await reply_in_place(api, alice, second, mark)
    # Back edits the pressed message in place: the question before, with its buttons.
    assert back.message_id == second.message_id and after(api, alice, mark) == []
    assert c["ui.back_done"] in back.text
    assert asked(engine, back) == engine.dialog.questions["injury"]
    assert text(engine, "tg.button.back") not in [b.text for b in back.buttons]
    assert c["q.injury.short"] not in back.text  # the undone answer is off the card
    state = state_of(db, alice)
    assert state.node == "injury" and "injury" not in state.answers
    assert calls(api, "editMessageReplyMarkup", alice) == []


# ------------------------------------------------------------------ stale and forged buttons


async def test_a_press_on_an_older_message_is_never_applied(api, db, engine, heel, alice):
    c = engine.bundle.content
    first = await start(api, engine, alice)
    await press_value(api, engine, alice, "none")
    state = state_of(db, alice)
    old = first.button(label(engine, "injury", "pop_or_kick")).callback_data
    assert old is not None
    assert old not in [b.callback_data for b in api.last(alice).buttons]  # a new turn's
    mark = api.last_id(alice)
    # A client that still shows the first turn's keyboard on the (since edited) message.
    answer = await api.wait_answer(api.press(alice, first.message_id, old))
    assert answer.text == c["tg.stale"]
    again = await reply_in_place(api, alice, api.last(alice), mark)
    assert again.message_id > mark  # the current question again, in a new message
    assert asked(engine, again) == engine.dialog.questions[state.node]
    assert state_of(db, alice) == state  # nothing applied
    # The pressed message's buttons are removed; only the new message has live buttons.
    assert [c.params["message_id"] for c in calls(api, "editMessageReplyMarkup", alice)] == [
        str(first.message_id)]
    (pressed,) = [m for m in api.transcript(alice) if m.message_id == first.message_id]
    assert not pressed.has_keyboard


@pytest.mark.parametrize("data", [
    "zzz", "a:1:0:0:0", "a:0:999:0", "a:1:0:9", "a:abc:0:0", "b:99", "n:7", "w:x",
    "r:5", "r:", "t:99", "x:notanid", "c:q:3", "f:maybe", "a:" + "9" * 70,
])
async def test_forged_button_data_is_refused(api, db, engine, heel, alice, data: str):
    second = await at_second_question(api, engine, alice)
    state = state_of(db, alice)
    mark = api.last_id(alice)
    answer = await api.wait_answer(api.press(alice, second.message_id, data))
    assert answer.text == engine.bundle.content["tg.stale"]
    again = await reply_in_place(api, alice, second, mark)
    assert asked(engine, again) == engine.dialog.questions[state.node]
    assert after(api, alice, mark) == [again]
    assert state_of(db, alice) == state


@pytest.mark.parametrize("data", [
    pytest.param("", id="empty"), pytest.param(None, id="no-data"),
])
async def test_a_press_without_data_is_refused(tmp_path, engine, caplog, data: str | None):
    db, alice = tmp_path / "heel.sqlite3", 1
    async with BotAPIStandIn() as api, heel_bot(api, db, engine, build=quick_parts()):
        second = await at_second_question(api, engine, alice)
        state = state_of(db, alice)
        mark = api.last_id(alice)
        answer = await api.wait_answer(api.press(alice, second.message_id, data))
        assert answer.text == engine.bundle.content["tg.stale"]
        again = await reply_in_place(api, alice, second, mark)
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert asked(engine, again) == engine.dialog.questions[state.node]
    assert state_of(db, alice) == state


async def test_forged_answer_for_the_right_turn_but_another_question(api, db, engine, heel, alice):
    question = await start(api, engine, alice)
    state = state_of(db, alice)
    other = list(engine.dialog.questions).index("diabetes")
    data = codec.encode(codec.Answer(state.turn, other, 0))
    mark = api.last_id(alice)
    answer = await api.wait_answer(api.press(alice, question.message_id, data))
    assert answer.text == engine.bundle.content["tg.stale"]
    again = await reply_to(api, alice, mark)
    assert asked(engine, again) == engine.dialog.questions[state.node]
    assert state_of(db, alice) == state


async def test_a_press_without_any_conversation_starts_one(api, db, engine, heel, bob):
    (privacy,) = await say(api, bob, "/privacy", text(engine, "tg.privacy"))
    assert rows(db, bob) == 0
    mark = api.last_id(bob)
    answer = await api.wait_answer(api.press(bob, privacy.message_id, "a:3:0:0"))
    assert answer.text == engine.bundle.content["tg.stale"]
    first = await reply_to(api, bob, mark)
    assert text(engine, "ui.welcome") in first.text
    assert state_of(db, bob).node == engine.dialog.start


# ------------------------------------------------------------------ the outcome


async def test_outcome_is_html_with_its_buttons(api, db, engine, heel, alice):
    c = engine.bundle.content
    await start(api, engine, alice)
    outcome = await press_all(api, engine, alice, SELF_CARE)
    footer = await outcome_buttons(api, engine, alice, outcome)
    title = html.escape(c["level.self_care.title"], quote=False)
    assert f"<b>{title}</b>" in outcome.raw
    assert footer.message_id == outcome.message_id  # one message, its buttons on it
    state = state_of(db, alice)
    turn, cards = state.turn, Renderer(engine).view.cards(engine.outcome(state))
    others = [i for i, card in enumerate(cards) if not card.id.startswith("advice:")]
    assert [b.callback_data for b in footer.buttons] == [codec.encode(p) for p in (
        codec.Plan(turn), *(codec.Card(turn, i) for i in others),
        *map(codec.Remind, REMIND_DAYS), codec.LearnMenu(), codec.StartOver(turn),
        codec.Back(turn))]
    # HTML everywhere (the one default parse mode), at most three buttons a row.
    assert {c.params.get("parse_mode") for m in ("sendMessage", "editMessageText")
            for c in api.methods(m)} == {"HTML"}
    assert all(len(row) <= 3 for m in api.transcript(alice) for row in m.keyboard)

    query = api.press_button(alice, footer.message_id, c["tg.button.summary"])
    await api.wait_answer(query)
    summary = shown_on(await api.wait_for(alice, lambda t: [
        m for m in t if m.message_id == footer.message_id and c["ui.summary.title"] in m.text]),
        footer)
    assert c["q.injury.short"] in summary.text
    query = api.press_button(alice, footer.message_id, c["ui.nav.result"])
    await api.wait_answer(query)
    await api.wait_for(alice, lambda t: [
        m for m in t if m.message_id == footer.message_id and m.text == outcome.text])
    query = api.press_button(alice, footer.message_id, c["tg.button.learn"])
    await api.wait_answer(query)
    menu = shown_on(await api.wait_for(alice, lambda t: [
        m for m in t if m.message_id == footer.message_id and c["ui.learn.menu"] in m.text]),
        footer)
    assert menu.text == c["ui.learn.menu"]
    query = api.press_button(alice, footer.message_id, c["ui.nav.home"])
    await api.wait_answer(query)
    await api.wait_for(alice, lambda t: [
        m for m in t if m.message_id == footer.message_id and m.text == outcome.text])
    mark = api.last_id(alice)
    now = next(m for m in api.transcript(alice) if m.message_id == footer.message_id)
    query = api.press_button(alice, footer.message_id, c["tg.button.restart"])
    await api.wait_answer(query)
    again = await reply_in_place(api, alice, now, mark)
    assert asked(engine, again) == engine.dialog.questions[engine.dialog.start]
    state = state_of(db, alice)
    assert state.node == engine.dialog.start and state.answers == {}


async def test_typing_after_the_outcome_keeps_the_outcome_buttons(api, db, engine, heel, alice):
    c = engine.bundle.content
    await start(api, engine, alice)
    await press_all(api, engine, alice, SELF_CARE)
    (finished,) = await say(api, alice, "hello?", c["ui.finished"])
    assert c["tg.button.summary"] in [b.text for b in finished.buttons]
    assert state_of(db, alice).finished


async def test_start_after_the_outcome_begins_a_new_check(api, db, engine, heel, alice):
    await start(api, engine, alice)
    await press_all(api, engine, alice, SELF_CARE)
    welcome, _question = await say(api, alice, "/start",
                                   engine.bundle.content["q.injury.text"], keyboard=True)
    assert text(engine, "ui.welcome") in welcome.text
    assert state_of(db, alice).answers == {}


@pytest.fixture(scope="module")
def wordy(bundle: Bundle) -> Engine:
    """The real dialog, with a self-care outcome far longer than one Telegram message."""
    long = "\n\n".join(["A long paragraph & more. " * 60] * 12)
    texts = {**bundle.content.texts, "level.self_care.brief": long}
    return Engine(replace(bundle, content=replace(bundle.content, texts=texts)))


async def test_a_long_outcome_is_split_and_the_buttons_go_last(tmp_path, wordy, caplog):
    db, alice = tmp_path / "heel.sqlite3", 1
    async with BotAPIStandIn() as api, heel_bot(api, db, wordy, build=quick_parts()):
        await start(api, wordy, alice)
        outcome = await press_all(api, wordy, alice, SELF_CARE)
        await outcome_buttons(api, wordy, alice, outcome)
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
    parts = after(api, alice, outcome.message_id - 1)
    tail = [m for m in parts if "A long paragraph" in m.text]
    assert len(tail) >= 3
    assert all(not m.has_keyboard for m in parts[:-1])
    assert parts[-1].has_keyboard
    assert "".join(m.text for m in tail).count("A long paragraph & more.") == 60 * 12


# ------------------------------------------------------------------ other updates


@pytest.mark.parametrize("kind", ["sticker", "photo", "voice", "location", "document"])
async def test_non_text_messages_get_a_kind_reply_and_the_question(
        api, db, engine, heel, alice, kind: str):
    await at_second_question(api, engine, alice)
    state = state_of(db, alice)
    sent = getattr(api, f"send_{kind}")(alice)
    reply = await api.wait_text(alice, engine.bundle.content["tg.non_text"], sent["message_id"])
    assert asked(engine, reply) == engine.dialog.questions[state.node]
    assert after(api, alice, sent["message_id"]) == [reply]
    assert state_of(db, alice) == state


async def test_edited_messages_are_ignored(api, db, engine, heel, alice):
    await start(api, engine, alice)
    sent = api.send_text(alice, "no")
    await api.wait_text(alice, engine.bundle.content["q.weight_bearing.text"],
                        sent["message_id"], keyboard=True)
    await settle(api, engine, alice)
    state, count, made = state_of(db, alice), len(api.transcript(alice)), len(api.calls)
    api.edit_text(alice, sent["message_id"], "it popped")
    sentinel = await settle(api, engine, alice)
    assert [m.message_id for m in api.transcript(alice)[count:]] == [sentinel.message_id]
    assert [c.method for c in api.calls[made:] if c.method != "getUpdates"] == ["sendMessage"]
    assert state_of(db, alice) == state


@pytest.mark.parametrize("chat_type", ["group", "supergroup"])
async def test_in_groups_only_commands_get_the_pointer_and_nothing_is_stored(
        api, db, engine, heel, group, chat_type: str):
    # With privacy mode off a bot sees every message of a group: it must not answer each.
    for words in ("my heel hurts", "it popped", "/start@another_bot"):
        api.send_text(group, words, chat_type=chat_type)
    sent = api.send_text(group, "/start", chat_type=chat_type)
    await api.wait_text(group, text(engine, "tg.private_only"), sent["message_id"])
    await settle(api, engine, group, chat_type=chat_type)  # /privacy: a command too
    assert [m.text for m in api.transcript(group)] == [
        engine.bundle.content["tg.private_only"]] * 2
    # Nothing stored, neither for the group nor for the person who wrote in it.
    sender = sent["from"]["id"]
    assert rows(db, group) == 0 and rows(db, sender) == 0


async def test_a_group_is_told_once_when_the_bot_is_added(api, db, engine, heel, group):
    api.member_update(group, "member", old_status="left", chat_type="supergroup")
    await api.wait_text(group, text(engine, "tg.private_only"))
    api.member_update(group, "administrator", old_status="member", chat_type="supergroup")
    api.send_text(group, "hello everyone", chat_type="supergroup")
    await api.wait_idle()
    assert len(api.transcript(group)) == 1
    assert rows(db, group) == 0


async def test_a_button_pressed_in_a_group_gets_the_pointer_on_the_button(
        api, db, engine, heel, group):
    sent = api.send_text(group, "/start", chat_type="group")
    pointer = await api.wait_text(group, text(engine, "tg.private_only"), sent["message_id"])
    answer = await api.wait_answer(api.press(group, pointer.message_id, "s"))
    assert answer.text == engine.bundle.content["tg.private_only"]
    await api.wait_idle()
    assert len(api.transcript(group)) == 1
    assert rows(db, group) == 0


async def test_channel_posts_are_not_even_fetched(api, db, engine, heel):
    for words in ("hello", "my heel hurts"):
        api.send_channel_post(-1009, words)
    await api.wait_idle()
    assert api.transcript(-1009) == []
    assert rows(db, -1009) == 0


async def test_unknown_commands_get_a_pointer_to_help_unless_meant_for_another_bot(
        api, db, engine, heel, alice):
    c = engine.bundle.content
    await at_second_question(api, engine, alice)
    for words in ("/frobnicate", "/frobnicate@heel_test_bot", "/FROBNICATE@Heel_Test_Bot"):
        (reply,) = await say(api, alice, words, c["tg.unknown_command"])
        assert asked(engine, reply) == engine.dialog.questions["weight_bearing"]
    count = len(api.transcript(alice))
    for words in ("/frobnicate@another_bot", "/start@another_bot"):
        api.send_text(alice, words)
    sentinel = await settle(api, engine, alice)
    assert [m.message_id for m in api.transcript(alice)[count:]] == [sentinel.message_id]
    assert state_of(db, alice).node == "weight_bearing"
