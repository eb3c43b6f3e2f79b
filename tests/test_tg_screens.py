"""Checklist screens through Telegram: the production Application polling the Bot API stand-in.

A checklist is one message with a toggle button per item: a tick (or untick) edits that same
message, marking the item's button with ✓ and turning "None of these" into "Done"; Done moves
on in the same message, and a ticked urgent item ends at the urgent outcome. Typed numbers
("1 3") and "none" answer a checklist too. A press from an older turn is refused and changes
nothing. And every press on the conversation costs at most one rate-limited Bot API call
(sendMessage / editMessageText / editMessageReplyMarkup; answering the press is not counted).

One bot serves the module; each test talks in chats of its own.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from auxil.botapi import (
    BotAPIStandIn,
    BotMessage,
    Call,
    Plan,
    asked,
    plan,
    press_on,
    press_value,
    reply_in_place,
    settle,
    showing,
    start_chat,
    stored,
    text,
)
from auxil.shared_bot import shared_bot

from heel_bot.engine import Engine, State
from heel_bot.tg import codec

pytestmark = pytest.mark.asyncio(loop_scope="module")

CHATS = itertools.count(6001)
RATE_LIMITED = frozenset({"sendmessage", "editmessagetext", "editmessagereplymarkup"})

FALL = {"injury": "fall_or_impact", "weight_bearing": "yes", "severity": "moderate"}
SELF_CARE = {"injury": "none", "weight_bearing": "yes", "age_group": "16_plus",
             "pain_location": "bottom_inner", "morning_pain": "yes", "severity": "mild",
             "trend": "improving", "mileage_jump": "yes", "shoe_age": "under_300_miles",
             "tight_calves": "yes"}


api, db, bot, heel = shared_bot("screens")


@pytest.fixture
def alice() -> int:
    return next(CHATS)


# ------------------------------------------------------------------ helpers


def state_of(db: Path, chat: int) -> State:
    state = stored(db, chat)
    assert state is not None
    return state


def short(engine: Engine, qid: str) -> str:
    return engine.bundle.content[f"q.{qid}.short"]


def ticked(engine: Engine, message: BotMessage) -> list[str]:
    """The items whose buttons show the tick, by question id (the screen the message shows)."""
    screen = showing(engine, message)
    assert screen is not None and screen in engine.dialog.screens.values()
    mark = engine.bundle.content["ui.screen.tick"]
    return [qid for qid in screen.questions
            if message.button(short(engine, qid)).text == f"{mark} {short(engine, qid)}"]


def item_line(engine: Engine, message: BotMessage, qid: str) -> str:
    """The checklist's line for item `qid` as the message shows it."""
    label = engine.bundle.content[f"q.{qid}.item"]
    (line,) = [x for x in message.text.splitlines() if label in x]
    return line


def done_labels(engine: Engine, message: BotMessage) -> set[str]:
    """Which of "None of these" / "Done" the message shows."""
    c = engine.bundle.content
    labels = {b.text for b in message.buttons}
    return {k for k in ("screen_none", "screen_done") if c[f"tg.button.{k}"] in labels}


def since(api: BotAPIStandIn, made: int) -> list[str]:
    """The bot's calls after the first `made`, by method (polling left out)."""
    return [c.method for c in api.calls[made:] if c.method != "getUpdates"]


async def at_red_flags(api: BotAPIStandIn, engine: Engine, chat: int) -> BotMessage:
    """/start, then "no injury" and "can walk": the warning-signs checklist on the card."""
    sent = api.send_text(chat, "/start")
    await api.wait_text(chat, engine.bundle.content["q.injury.text"], sent["message_id"],
                        keyboard=True)
    await press_value(api, engine, chat, "none")
    card = await press_value(api, engine, chat, "yes")
    assert showing(engine, card) == engine.dialog.screens["red_flags"]
    return card


# ------------------------------------------------------------------ ticks


async def test_a_tick_marks_its_button_on_the_same_message(api, db, engine, heel, alice):
    c = engine.bundle.content
    card = await at_red_flags(api, engine, alice)
    assert ticked(engine, card) == [] and done_labels(engine, card) == {"screen_none"}
    assert c["ui.screen.tick"] not in item_line(engine, card, "diabetes")
    before = state_of(db, alice)
    mark, made = api.last_id(alice), len(api.calls)
    query = api.press_button(alice, card.message_id, short(engine, "diabetes"))
    assert (await api.wait_answer(query)).text is None
    shown = await reply_in_place(api, alice, card, mark)
    # The same message, edited once: the item's button ticked, "None of these" now "Done".
    assert shown.message_id == card.message_id and shown.edits == [*card.edits, card.text]
    assert api.last_id(alice) == mark
    assert since(api, made) == ["answerCallbackQuery", "editMessageText"]
    assert ticked(engine, shown) == ["diabetes"]
    assert done_labels(engine, shown) == {"screen_done"}
    assert item_line(engine, shown, "diabetes").endswith(c["ui.screen.tick"])
    assert c["ui.screen.tick"] not in item_line(engine, shown, "numbness")
    # Stored before it was shown: a yes, on the same checklist, a new turn.
    state = state_of(db, alice)
    assert state.answers["diabetes"] == "yes"
    assert engine.screen(state) == engine.dialog.screens["red_flags"]
    assert state.turn == before.turn + 1
    assert all(codec.decode(b.callback_data) != codec.decode(x.callback_data)
               for b, x in zip(shown.buttons, card.buttons, strict=True))  # the new turn's


async def test_untick_takes_the_tick_back(api, db, engine, heel, alice):
    c = engine.bundle.content
    card = await at_red_flags(api, engine, alice)
    once = await press_on(api, alice, card, short(engine, "numbness"))
    twice = await press_on(api, alice, once, short(engine, "numbness"))
    assert twice.message_id == card.message_id and len(twice.edits) == len(card.edits) + 2
    assert ticked(engine, twice) == []
    assert done_labels(engine, twice) == {"screen_none"}
    assert c["ui.screen.tick"] not in item_line(engine, twice, "numbness")
    state = state_of(db, alice)
    assert "numbness" not in state.answers
    assert engine.screen(state) == engine.dialog.screens["red_flags"]
    # Ticks are independent: two ticked, one taken back, the other stays.
    three = await press_on(api, alice, twice, short(engine, "diabetes"))
    four = await press_on(api, alice, three, short(engine, "rest_pain"))
    five = await press_on(api, alice, four, short(engine, "diabetes"))
    assert ticked(engine, five) == ["rest_pain"]
    answers = state_of(db, alice).answers
    assert answers.get("rest_pain") == "yes" and "diabetes" not in answers


async def test_done_moves_on_in_the_same_message(api, db, engine, heel, alice):
    c = engine.bundle.content
    card = await at_red_flags(api, engine, alice)
    card = await press_on(api, alice, card, short(engine, "numbness"))
    mark, made = api.last_id(alice), len(api.calls)
    query = api.press_button(alice, card.message_id, c["tg.button.screen_done"])
    assert (await api.wait_answer(query)).text is None
    nxt = await reply_in_place(api, alice, card, mark)
    assert nxt.message_id == card.message_id and api.last_id(alice) == mark
    assert since(api, made) == ["answerCallbackQuery", "editMessageText"]
    state = state_of(db, alice)
    screen = engine.dialog.screens["red_flags"]
    # The ticked item is a yes, every other item a no; on to the next question.
    assert {q: state.answers[q] for q in screen.questions} == {
        q: "yes" if q == "numbness" else "no" for q in screen.questions}
    assert engine.screen(state) is None
    assert asked(engine, nxt) == engine.dialog.questions[state.node]
    # The card lists the checklist's answer by its name and the item ticked.
    assert f"✓ {c['q.screen.red_flags.short']}: {short(engine, 'numbness')}" in nxt.text
    assert c["q.screen.red_flags.text"] not in nxt.text


async def test_none_of_these_moves_on_with_every_item_a_no(api, db, engine, heel, alice):
    c = engine.bundle.content
    card = await at_red_flags(api, engine, alice)
    nxt = await press_on(api, alice, card, c["tg.button.screen_none"])
    assert nxt.message_id == card.message_id
    state = state_of(db, alice)
    assert all(state.answers[q] == "no" for q in engine.dialog.screens["red_flags"].questions)
    assert asked(engine, nxt) == engine.dialog.questions[state.node]
    assert f"✓ {c['q.screen.red_flags.short']}: {c['ui.screen.none_ticked']}" in nxt.text


@pytest.mark.parametrize("item", ["deformity", "tendon_gap", "infection_signs"])
async def test_a_ticked_urgent_item_and_done_give_the_urgent_outcome(
        api, db, engine, heel, alice, item: str):
    c = engine.bundle.content
    card = await at_red_flags(api, engine, alice)
    card = await press_on(api, alice, card, short(engine, item))
    # A tick alone only marks the item: the checklist stays, nothing is decided yet.
    state = state_of(db, alice)
    assert not state.finished and engine.screen(state) is not None
    assert ticked(engine, card) == [item]
    outcome = await press_on(api, alice, card, c["tg.button.screen_done"])
    assert c["level.urgent.title"] in outcome.text
    state = state_of(db, alice)
    assert state.finished and state.answers[item] == "yes"
    assert engine.outcome(state).level == "urgent"


# ------------------------------------------------------------------ typed


async def test_typed_none_and_numbers_answer_the_checklists(api, db, engine, heel, alice):
    c = engine.bundle.content
    await at_red_flags(api, engine, alice)
    sent = api.send_text(alice, "none")
    age = await api.wait_text(alice, c["q.age_group.text"], sent["message_id"], keyboard=True)
    state = state_of(db, alice)
    assert all(state.answers[q] == "no" for q in engine.dialog.screens["red_flags"].questions)
    assert asked(engine, age) == engine.dialog.questions["age_group"]
    await press_value(api, engine, alice, "16_plus")
    card = await press_value(api, engine, alice, "bottom_inner")
    pain = engine.dialog.screens["pain"]
    assert showing(engine, card) == pain
    sent = api.send_text(alice, "1 3")
    transcript = await api.wait_for(alice, lambda t: any(
        m.message_id > sent["message_id"] and m.has_keyboard for m in t))
    nxt = next(m for m in transcript if m.message_id > sent["message_id"])
    state = state_of(db, alice)
    assert {q: state.answers[q] for q in pain.questions} == {
        q: "yes" if i in (0, 2) else "no" for i, q in enumerate(pain.questions)}
    assert engine.screen(state) is None
    assert state.finished or asked(engine, nxt) == engine.dialog.questions[state.node]


# ------------------------------------------------------------------ stale presses


async def test_a_stale_tick_or_done_is_refused_and_changes_nothing(api, db, engine, heel, alice):
    c = engine.bundle.content
    card = await at_red_flags(api, engine, alice)
    old_tick = card.button(short(engine, "diabetes")).callback_data
    old_done = card.button(c["tg.button.screen_none"]).callback_data
    assert isinstance(codec.decode(old_tick), codec.Tick)
    assert isinstance(codec.decode(old_done), codec.ScreenDone)
    card = await press_on(api, alice, card, short(engine, "numbness"))  # a new turn
    state = state_of(db, alice)
    for data in (old_tick, old_done):
        mark = api.last_id(alice)
        answer = await api.wait_answer(api.press(alice, card.message_id, data))
        assert answer.text == c["tg.stale"]
        again = await reply_in_place(api, alice, card, mark)
        assert state_of(db, alice) == state  # nothing applied
        # The checklist again, as it stands (numbness ticked, diabetes not), in a new
        # message: the one with live buttons.
        assert again.message_id > mark
        assert showing(engine, again) == engine.dialog.screens["red_flags"]
        assert ticked(engine, again) == ["numbness"]
        (pressed,) = [m for m in api.transcript(alice) if m.message_id == card.message_id]
        assert not pressed.has_keyboard
        card = again
    # The current turn's buttons still work.
    done = await press_on(api, alice, card, c["tg.button.screen_done"])
    assert state_of(db, alice).answers["numbness"] == "yes"
    assert asked(engine, done) is not None


# ------------------------------------------------------------------ Bot API calls per press


def limited(calls: list[Call]) -> list[str]:
    """The rate-limited calls among `calls`, by method."""
    return [c.method for c in calls if c.method.lower() in RATE_LIMITED]


async def press_and_count(api: BotAPIStandIn, engine: Engine, chat: int, message: BotMessage,
                          label: str) -> tuple[BotMessage, list[str]]:
    """Press `label` on `message` and wait until the bot is done with it (see `settle`);
    returns the reply (the message edited, or the first new one) and the rate-limited calls
    the press cost."""
    made, edits, mark = len(api.calls), len(message.edits), api.last_id(chat)
    await api.wait_answer(api.press_button(chat, message.message_id, label))
    await settle(api, engine, chat)
    calls = [c for c in api.calls[made:] if c.method != "getUpdates"]
    # The last message sent is settle's reply to its /privacy: not the press's.
    last = max(i for i, c in enumerate(calls) if c.method == "sendMessage")
    del calls[last]
    transcript = api.transcript(chat)
    (pressed,) = [m for m in transcript if m.message_id == message.message_id]
    newer = [m for m in transcript
             if m.message_id > mark and text(engine, "tg.privacy") not in m.text]
    reply = pressed if len(pressed.edits) > edits and pressed.has_keyboard else newer[0]
    return reply, limited(calls)


@pytest.mark.slow
async def test_every_press_costs_at_most_one_rate_limited_call(api, db, engine, heel, alice):
    c = engine.bundle.content
    sent = api.send_text(alice, "/start")
    card = await api.wait_text(alice, c["q.injury.text"], sent["message_id"], keyboard=True)
    presses = [
        ("injury", c[engine.dialog.questions["injury"].option("fall_or_impact").label]),
        ("back", c["tg.button.back"]),
        ("injury", c[engine.dialog.questions["injury"].option("fall_or_impact").label]),
        ("weight_bearing", c[engine.dialog.questions["weight_bearing"].option("yes").label]),
        ("tick", short(engine, "numbness")),
        ("untick", short(engine, "numbness")),
        ("tick", short(engine, "rest_pain")),
        ("untick", short(engine, "rest_pain")),
        ("none", c["tg.button.screen_none"]),
        ("why", c["tg.button.why"]),
        ("severity", c[engine.dialog.questions["severity"].option("moderate").label]),
    ]
    cost: list[tuple[str, list[str]]] = []
    for name, label in presses:
        live = next(m for m in reversed(api.transcript(alice))
                    if showing(engine, m) is not None)
        reply, spent = await press_and_count(api, engine, alice, live, label)
        cost.append((name, spent))
        if name != "why":
            card = reply
    assert [(name, len(spent)) for name, spent in cost if len(spent) > 1] == []
    # Every press on the conversation edits the card (the outcome too, which fits in one
    # message); "why" alone sends a message.
    assert cost == [(name, ["sendMessage"] if name == "why" else ["editMessageText"])
                    for name, _ in presses]
    state = state_of(db, alice)
    assert state.finished and engine.outcome(state).level == "see_doctor"
    assert c["level.see_doctor.title"] in card.text and card.has_keyboard


@pytest.mark.slow
async def test_a_plan_by_buttons_costs_one_call_a_press_to_the_outcome(
        api, db, engine, heel, alice):
    p: Plan = plan(engine, SELF_CARE)
    assert any(s.tick for s in p.steps)
    message = await start_chat(api, alice, p.steps[0])
    spent: list[list[str]] = []
    for step in p.steps:
        message, cost = await press_and_count(api, engine, alice, message, step.label)
        spent.append(cost)
    # Every press, the last one too: one edit of the card (the result's first screen fits
    # one message), nothing else.
    assert spent == [["editMessageText"]] * len(p.steps)
    assert p.level_title in message.text
    state = state_of(db, alice)
    assert state.finished and dict(state.answers) == p.answers
