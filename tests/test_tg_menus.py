"""The result's cards and the learn pages in Telegram: each press edits the pressed message in
place, costing one editMessageText and no new message, counted from the stand-in's records.

The production Application polls the Bot API stand-in (tests/auxil/botapi.py).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from auxil.botapi import (
    BotAPIStandIn,
    BotMessage,
    Clock,
    finished,
    heel_bot,
    press_all,
    text,
)

from heel_bot.engine import Engine, State
from heel_bot.render import Renderer, to_plain
from heel_bot.render_learn import pages
from heel_bot.tg import codec
from heel_bot.tg.app import _dates

pytestmark = pytest.mark.asyncio

DIABETIC = {"injury": "none", "weight_bearing": "yes", "deformity": "no", "tendon_gap": "no",
            "infection_signs": "no", "diabetes": "yes", "numbness": "yes", "rest_pain": "no",
            "age_group": "16_plus", "pain_location": "bottom_inner", "morning_pain": "yes",
            "run_pattern": "eases_when_warm", "heel_squeeze": "no", "hard_surface": "no",
            "every_step": "no", "severity": "mild", "trend": "improving",
            "duration": "under_1_week", "mileage_jump": "no", "shoe_age": "under_300_miles",
            "tight_calves": "yes"}


async def start(api: BotAPIStandIn, engine: Engine, chat: int) -> None:
    sent = api.send_text(chat, "/start")
    first = engine.dialog.questions[engine.dialog.start]
    await api.wait_text(chat, engine.bundle.content[first.text], sent["message_id"],
                        keyboard=True)


def in_chat(api: BotAPIStandIn, chat: int, since: int) -> dict[str, int]:
    """Bot API calls about `chat` since call number `since`, counted by method."""
    counts: dict[str, int] = {}
    for call in api.calls[since:]:
        about = call.params.get("chat_id")
        query = str(call.params.get("callback_query_id", ""))
        if str(about) == str(chat) or query.startswith(f"{chat}-"):
            counts[call.method] = counts.get(call.method, 0) + 1
    return counts


async def press(api: BotAPIStandIn, chat: int, message: BotMessage, data: str,
                shows: str) -> tuple[BotMessage, dict[str, int]]:
    """Press `data` on `message`; wait until that message shows `shows`; returns it and the
    Bot API calls the press cost."""
    mark = len(api.calls)
    edits = len(api.transcript(chat)[[m.message_id for m in api.transcript(chat)].index(
        message.message_id)].edits)
    await api.wait_answer(api.press(chat, message.message_id, data))

    def edited(t: list[BotMessage]) -> BotMessage | None:
        m = next(x for x in t if x.message_id == message.message_id)
        return m if len(m.edits) > edits and shows in m.text else None

    transcript = await api.wait_for(chat, edited)
    await api.wait_idle()
    return edited(transcript) or message, in_chat(api, chat, mark)


ONE_EDIT = {"answerCallbackQuery": 1, "editMessageText": 1}


async def test_cards_edit_the_result_in_place_one_call_each(api, db, engine: Engine,
                                                            parts: dict[str, Any], clean):
    clock = Clock()
    chat, c, r = 4401, engine.bundle.content, Renderer(engine)
    async with heel_bot(api, db, engine, build={**parts, "clock": clock}):
        await start(api, engine, chat)
        result = await press_all(api, engine, chat, DIABETIC)
        await api.wait_idle()
        screen, keyboard = result.text, result.keyboard
        assert len(screen) <= 900
        assert c["level.see_doctor.brief"] in screen
        assert "diabetes team" in screen
        # Only the live message has buttons: the result's.
        assert [m.message_id for m in api.transcript(chat) if m.has_keyboard] == [
            result.message_id]
        outcome = engine.outcome(_finished(engine))
        state_cards = r.view.cards(outcome)
        turn = int(keyboard[0][0].callback_data.split(":")[1])
        shown = [b.callback_data for row in keyboard for b in row]
        advice = [i for i, card in enumerate(state_cards) if card.id.startswith("advice:")]
        assert len(advice) >= 4
        # The advice cards sit behind one "your plan" button; the other cards each have one.
        assert shown[0] == codec.encode(codec.Plan(turn))
        for i in range(len(state_cards)):
            assert (codec.encode(codec.Card(turn, i)) in shown) == (i not in advice)
        plan, cost = await press(api, chat, result, codec.encode(codec.Plan(turn)),
                                 c["ui.card.plan"])
        assert cost == ONE_EDIT
        for n, a in enumerate(outcome.advice, start=1):
            assert f"{n}. {c[outcome.text(f'advice.{a}.line')]}" in plan.text
        assert [b.callback_data for row in plan.keyboard for b in row] == [
            *(codec.encode(codec.Card(turn, i)) for i in advice), codec.encode(codec.Result(turn))]
        assert [b.text for row in plan.keyboard for b in row][:len(advice)] == [
            str(n) for n in range(1, len(advice) + 1)]
        for i, card in enumerate(state_cards):
            doc = r.card(outcome, card.id, _finished(engine), _dates(clock)())
            title = to_plain(doc[:1]).strip("= ")
            opened, cost = await press(api, chat, result, codec.encode(codec.Card(turn, i)),
                                       title)
            assert cost == ONE_EDIT, (card.id, cost)
            back = [c["ui.nav.plan"]] if i in advice else []
            assert [b.text for row in opened.keyboard for b in row] == [*back,
                                                                       c["ui.nav.result"]]
            if card.id == "summary":
                assert datetime.fromtimestamp(clock.now, UTC).date().isoformat() in opened.text
            back, cost = await press(api, chat, result, codec.encode(codec.Result(turn)),
                                     c["level.see_doctor.title"])
            assert cost == ONE_EDIT
            assert back.text == screen and back.keyboard == keyboard
        assert [m.message_id for m in api.transcript(chat)][-1] == result.message_id


def _finished(engine: Engine) -> State:
    return finished(engine, DIABETIC)


async def test_learn_pages_and_home_edit_in_place(api, db, engine: Engine,
                                                  parts: dict[str, Any], clean):
    chat, c = 4402, engine.bundle.content
    async with heel_bot(api, db, engine, build=parts):
        await start(api, engine, chat)
        result = await press_all(api, engine, chat, DIABETIC)
        await api.wait_idle()
        screen = result.text
        turn = int(result.keyboard[0][0].callback_data.split(":")[1])
        menu, cost = await press(api, chat, result, codec.encode(codec.LearnMenu()),
                                 c["ui.learn.menu"])
        assert cost == ONE_EDIT
        long = next(i for i, t in enumerate(engine.bundle.learn)
                    if len(pages(c, t)) > 1)
        topic = engine.bundle.learn[long]
        seen = []
        page, cost = await press(api, chat, menu, codec.encode(codec.Topic(long)),
                                 c["ui.learn.page"].split(" {")[0])
        assert cost == ONE_EDIT
        seen.append(page.text)
        for n in range(1, len(pages(c, topic))):
            more = codec.encode(codec.Page(long, n))
            assert more in [b.callback_data for row in page.keyboard for b in row]
            page, cost = await press(api, chat, page, more, f"{n + 1} ")
            assert cost == ONE_EDIT
            seen.append(page.text)
        # The last page offers no more; back to the topics, then home to the result.
        assert not any(b.text == c["ui.nav.more"] for row in page.keyboard for b in row)
        for paragraph in (p for key in topic.body for p in c[key].split("\n\n")):
            assert paragraph.split("\n")[0].strip()[:40] in "\n".join(seen)
        menu, cost = await press(api, chat, page, codec.encode(codec.LearnMenu()),
                                 c["ui.learn.menu"])
        assert cost == ONE_EDIT
        home, cost = await press(api, chat, menu, codec.encode(codec.Home(turn)),
                                 c["level.see_doctor.title"])
        assert cost == ONE_EDIT and home.text == screen
        # A stale home (an earlier turn) is refused and changes nothing.
        mark = len(api.calls)
        query = api.press(chat, home.message_id, codec.encode(codec.Home(turn - 1)))
        answer = await api.wait_answer(query)
        assert answer.text == text(engine, "tg.stale")
        await api.wait_idle()
        assert in_chat(api, chat, mark).get("editMessageText", 0) == 0


async def test_a_stale_card_press_is_refused(api, db, engine: Engine, parts: dict[str, Any],
                                             clean):
    chat, c = 4403, engine.bundle.content
    async with heel_bot(api, db, engine, build=parts):
        await start(api, engine, chat)
        result = await press_all(api, engine, chat, DIABETIC)
        turn = int(result.keyboard[0][0].callback_data.split(":")[1])
        sent = api.send_text(chat, "/restart")
        await api.wait_text(chat, c["q.injury.text"], sent["message_id"], keyboard=True)
        before = api.transcript(chat)[[m.message_id for m in api.transcript(chat)].index(
            result.message_id)].text
        query = api.press(chat, result.message_id, codec.encode(codec.Card(turn, 0)))
        answer = await api.wait_answer(query)
        assert answer.text == text(engine, "tg.stale")
        await api.wait_idle()
        after = next(m for m in api.transcript(chat) if m.message_id == result.message_id)
        assert after.text == before and not after.has_keyboard


async def test_new_presses_fit_the_callback_limit() -> None:
    for p in (codec.Card(999_999_999, 99), codec.Result(999_999_999), codec.Page(99, 99),
              codec.Home(999_999_999)):
        data = codec.encode(p)
        assert len(data.encode()) <= codec.CALLBACK_LIMIT
        assert codec.decode(data) == p
    assert codec.decode("d:1") is None and codec.decode("p:1:x") is None

