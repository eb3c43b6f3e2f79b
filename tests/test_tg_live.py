"""Only the live message has buttons, whatever the user does: typed answers, typed commands,
the learn pages opened by typing and closed by Home, a card opened by typing its number.

The production Application polls the Bot API stand-in (tests/auxil/botapi.py); which message
is live is kept in the store (the conversation's row), so it holds across updates.
"""

from __future__ import annotations

import itertools

import pytest
from auxil.botapi import BotAPIStandIn, BotMessage, press_all
from auxil.shared_bot import shared_bot

from heel_bot.engine import Engine

pytestmark = pytest.mark.asyncio(loop_scope="module")

api, db, bot, heel = shared_bot("live")
CHATS = itertools.count(7101)
SELF_CARE = {"injury": "none", "weight_bearing": "yes", "deformity": "no", "tendon_gap": "no",
             "infection_signs": "no", "diabetes": "no", "numbness": "no", "rest_pain": "no",
             "age_group": "16_plus", "pain_location": "bottom_inner", "morning_pain": "yes",
             "heel_squeeze": "no", "hard_surface": "no", "every_step": "no",
             "severity": "mild", "trend": "improving", "mileage_jump": "yes",
             "shoe_age": "under_300_miles", "tight_calves": "yes"}


def live(api: BotAPIStandIn, chat: int) -> list[int]:
    """The ids of the chat's messages that have buttons now."""
    return [m.message_id for m in api.transcript(chat) if m.has_keyboard]


async def says(api: BotAPIStandIn, chat: int, text: str, needle: str) -> BotMessage:
    """Type `text`; the bot's first later message containing `needle`, once all is quiet."""
    sent = api.send_text(chat, text)
    message = await api.wait_text(chat, needle, sent["message_id"])
    await api.wait_idle()
    return message


async def test_a_typed_answer_takes_the_buttons_off_the_card_above(api, engine: Engine, heel):
    chat, c = next(CHATS), engine.bundle.content
    first = await says(api, chat, "/start", c["q.injury.text"])
    assert live(api, chat) == [first.message_id]
    second = await says(api, chat, "no, it came on slowly", c["q.weight_bearing.text"])
    assert second.message_id != first.message_id
    assert live(api, chat) == [second.message_id]


async def test_learn_typed_then_home_leaves_one_live_keyboard(api, engine: Engine, heel):
    chat, c = next(CHATS), engine.bundle.content
    await says(api, chat, "/start", c["q.injury.text"])
    menu = await says(api, chat, "/learn", c["ui.learn.menu"])
    assert live(api, chat) == [menu.message_id]
    query = api.press_button(chat, menu.message_id, c["ui.nav.home"])
    await api.wait_answer(query)
    await api.wait_idle()
    assert live(api, chat) == [menu.message_id]  # the menu turned back into the question
    assert c["q.injury.text"] in api.transcript(chat)[-1].text


async def test_a_card_typed_by_number_is_live_and_goes_back_to_the_result(
        api, engine: Engine, heel):
    chat, c = next(CHATS), engine.bundle.content
    await says(api, chat, "/start", c["q.injury.text"])
    result = await press_all(api, engine, chat, SELF_CARE)
    await api.wait_idle()
    assert live(api, chat) == [result.message_id]
    card = await says(api, chat, "1", c["ui.outcome.card_hint"])
    assert live(api, chat) == [card.message_id]
    assert [b.text for b in card.buttons] == [c["ui.nav.result"]]
    query = api.press_button(chat, card.message_id, c["ui.nav.result"])
    await api.wait_answer(query)
    await api.wait_idle()
    back = next(m for m in api.transcript(chat) if m.message_id == card.message_id)
    assert c["level.self_care.title"] in back.text and back.has_keyboard
    assert live(api, chat) == [card.message_id]


async def test_a_message_not_understood_leaves_the_buttons_where_they_are(
        api, engine: Engine, heel):
    chat, c = next(CHATS), engine.bundle.content
    first = await says(api, chat, "/start", c["q.injury.text"])
    sent = api.send_text(chat, "purple monkey dishwasher")
    await api.wait_for(chat, lambda t: any(m.message_id > sent["message_id"] for m in t))
    await api.wait_idle()
    assert live(api, chat) == [first.message_id]
