"""The flood-limit pacer (heel_bot/tg/pacing.py): each chat's messages at its own pace and in
order, the whole bot within its cap, a 429 waited out by its own chat alone, non-messages
never held back.

The unit tests run on virtual time (a clock and a sleep passed in as parts: sleepers wake in
deadline order once nothing else can run), so the spacing asserted is the pacer's arithmetic,
never a measured duration. The integration test runs heel-bot as shipped against the Bot API
stand-in, with a sleep that holds the 429's wait until the test lets it go, and asserts only
which replies arrived while it was held.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import logging
from collections.abc import Awaitable
from pathlib import Path
from typing import Any

import pytest
from auxil.botapi import BotAPIStandIn, heel_bot, quick_parts, text
from telegram.error import RetryAfter

from heel_bot.engine import Engine
from heel_bot.serve_config import ServeConfig
from heel_bot.stores.sqlite import SqliteStore
from heel_bot.tg.pacing import RETRY_MARGIN, ChatPacer, Window, is_message


class VirtualTime:
    """A clock and a sleep on virtual time. `run` drives tasks: whenever none of them can go
    on, the earliest sleeper wakes (ties in the order they fell asleep) and time jumps there."""

    def __init__(self) -> None:
        self.now = 0.0
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        future = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self.now + seconds, next(self._order), future))
        await future

    async def run(self, *calls: Awaitable[Any]) -> list[Any]:
        tasks = [asyncio.ensure_future(c) for c in calls]
        while True:
            for _ in range(20):  # let every task run until it sleeps or ends
                await asyncio.sleep(0)
            if all(t.done() for t in tasks) or not self._sleepers:
                break
            at, _, future = heapq.heappop(self._sleepers)
            self.now = max(self.now, at)
            future.set_result(None)
        return await asyncio.gather(*tasks, return_exceptions=True)


class FakeBot:
    """The callback PTB hands the rate limiter: records (virtual time, method, chat, text) and
    answers 429 to the calls `flood` names, as many times as it says."""

    def __init__(self, time: VirtualTime) -> None:
        self.time = time
        self.calls: list[tuple[float, str, object, object]] = []
        self.flood: dict[tuple[str, object], int] = {}
        self.retry_after = 5

    async def post(self, endpoint: str, data: dict[str, Any]) -> dict[str, Any]:
        chat = data.get("chat_id")
        self.calls.append((self.time.now, endpoint, chat, data.get("text")))
        if self.flood.get((endpoint, chat), 0) > 0:
            self.flood[(endpoint, chat)] -= 1
            raise RetryAfter(self.retry_after)
        return {"ok": True}

    def times(self, chat: object = None, endpoint: str | None = None) -> list[float]:
        return [t for t, e, c, _ in self.calls
                if (chat is None or c == chat) and (endpoint is None or e == endpoint)]

    def texts(self, chat: object) -> list[object]:
        return [x for _, _, c, x in self.calls if c == chat]


def call(pacer: ChatPacer, bot: FakeBot, endpoint: str, retries: int | None = None,
         **data: Any) -> Awaitable[Any]:
    """What ExtBot does for one Bot API call when a rate limiter is set."""
    return pacer.process_request(callback=bot.post, args=(endpoint, data), kwargs={},
                                 endpoint=endpoint, data=data, rate_limit_args=retries)


def send(pacer: ChatPacer, bot: FakeBot, chat: object, text: str = "hi") -> Awaitable[Any]:
    return call(pacer, bot, "sendMessage", chat_id=chat, text=text)


@pytest.fixture
def vt() -> VirtualTime:
    return VirtualTime()


@pytest.fixture
def bot(vt: VirtualTime) -> FakeBot:
    return FakeBot(vt)


def pacer_on(vt: VirtualTime, **limits: Any) -> ChatPacer:
    return ChatPacer(clock=vt.clock, sleep=vt.sleep, **limits)


# ------------------------------------------------------------------ pace


async def test_one_chats_messages_are_an_interval_apart_and_in_order(vt, bot) -> None:
    pacer = pacer_on(vt, per_chat_interval=1.0, per_chat_burst=1)
    await vt.run(*(send(pacer, bot, 7, f"m{i}") for i in range(5)))
    assert bot.times(7) == [0.0, 1.0, 2.0, 3.0, 4.0]
    assert bot.texts(7) == ["m0", "m1", "m2", "m3", "m4"]


async def test_edits_count_like_sends(vt, bot) -> None:
    pacer = pacer_on(vt, per_chat_interval=1.0, per_chat_burst=1)
    await vt.run(send(pacer, bot, 7), call(pacer, bot, "editMessageText", chat_id=7,
                                           message_id=1, text="e"))
    assert bot.times(7) == [0.0, 1.0]


async def test_a_short_burst_then_one_an_interval_on_average(vt, bot) -> None:
    # The default: a turn's two messages (edit + next question) go out together.
    pacer = pacer_on(vt)
    await vt.run(*(send(pacer, bot, 7, f"m{i}") for i in range(7)))
    times = bot.times(7)
    assert times[:2] == [0.0, 0.0]
    assert bot.texts(7) == [f"m{i}" for i in range(7)]
    # Never more than 3 in any 3 seconds: one a second on average.
    assert all(times[i + 3] - times[i] >= 3.0 for i in range(len(times) - 3))


async def test_two_chats_do_not_wait_for_each_other(vt, bot) -> None:
    pacer = pacer_on(vt, per_chat_interval=1.0, per_chat_burst=1)
    await vt.run(*(send(pacer, bot, 1) for _ in range(3)), *(send(pacer, bot, 2) for _ in range(3)))
    assert bot.times(1) == [0.0, 1.0, 2.0]
    assert bot.times(2) == [0.0, 1.0, 2.0]


async def test_the_overall_cap_holds_across_chats(vt, bot) -> None:
    pacer = pacer_on(vt, overall_rate=5)
    await vt.run(*(send(pacer, bot, chat) for chat in range(1, 21)))
    times = sorted(bot.times())
    assert len(times) == 20
    assert all(times[i + 5] - times[i] >= 1.0 for i in range(len(times) - 5))
    assert times[-1] == 3.0  # 20 messages at 5 a second: not slower than it needs to be


async def test_instances_split_the_overall_cap_between_them(vt, bot) -> None:
    # Two instances serving one bot, each paced to half the bot's overall rate: together
    # they keep within it.
    pacers = [pacer_on(vt, overall_rate=30, instances=2) for _ in range(2)]
    await vt.run(*(send(pacers[chat % 2], bot, chat) for chat in range(1, 61)))
    times = sorted(bot.times())
    assert len(times) == 60
    assert all(times[i + 30] - times[i] >= 1.0 for i in range(len(times) - 30))
    assert times[-1] == 1.0  # 60 messages at 30 a second: not slower than it needs to be
    assert pacer_on(vt, overall_rate=30, instances=7)._overall.limit == 4  # never over


async def test_a_group_keeps_within_its_rate_per_minute(vt, bot) -> None:
    pacer = pacer_on(vt, per_chat_interval=0, group_rate=3, group_period=60.0)
    await vt.run(*(send(pacer, bot, -100123) for _ in range(5)),
                 *(send(pacer, bot, "@channel") for _ in range(4)),
                 *(send(pacer, bot, 5) for _ in range(5)))
    assert bot.times(-100123) == [0.0, 0.0, 0.0, 60.0, 60.0]
    assert bot.times("@channel") == [0.0, 0.0, 0.0, 60.0]
    assert bot.times(5) == [0.0] * 5  # a private chat is no group


async def test_a_chat_id_given_as_a_string_is_the_same_chat(vt, bot) -> None:
    pacer = pacer_on(vt, per_chat_interval=1.0, per_chat_burst=1)
    await vt.run(send(pacer, bot, 7), send(pacer, bot, "7"))
    assert [t for t, *_ in bot.calls] == [0.0, 1.0]


async def test_an_inline_message_edit_counts_against_the_overall_cap(vt, bot) -> None:
    pacer = pacer_on(vt, overall_rate=1)
    await vt.run(send(pacer, bot, 1), call(pacer, bot, "editMessageText",
                                           inline_message_id="im", text="e"))
    assert sorted(bot.times()) == [0.0, 1.0]


# ------------------------------------------------------------------ calls that are not messages


@pytest.mark.parametrize("endpoint", ["answerCallbackQuery", "getMe", "setMyCommands",
                                      "sendChatAction", "deleteMessage", "getChat"])
def test_what_counts_as_a_message(endpoint: str) -> None:
    assert not is_message(endpoint)
    assert all(is_message(m) for m in ("sendMessage", "editMessageText", "sendPhoto",
                                       "editMessageReplyMarkup", "copyMessage"))


async def test_answering_a_button_is_never_held_back(vt, bot) -> None:
    pacer = pacer_on(vt, per_chat_interval=1.0, per_chat_burst=1, overall_rate=1)
    backlog = [send(pacer, bot, chat) for chat in (1, 1, 1, 2, 3)]
    answers = [call(pacer, bot, "answerCallbackQuery", callback_query_id=f"q{i}")
               for i in range(3)]
    menu = call(pacer, bot, "setMyCommands", commands=[])
    await vt.run(*backlog, *answers, menu, call(pacer, bot, "getMe"),
                 call(pacer, bot, "sendChatAction", chat_id=1, action="typing"))
    assert bot.times(endpoint="answerCallbackQuery") == [0.0, 0.0, 0.0]
    assert bot.times(endpoint="setMyCommands") == bot.times(endpoint="getMe") == [0.0]
    assert bot.times(endpoint="sendChatAction") == [0.0]
    assert max(bot.times(endpoint="sendMessage")) == 4.0  # the backlog did wait


# ------------------------------------------------------------------ 429s


async def test_a_429_holds_back_only_its_own_chat(vt, bot) -> None:
    pacer = pacer_on(vt, per_chat_interval=1.0, per_chat_burst=1)
    bot.flood[("sendMessage", 1)] = 1
    await vt.run(send(pacer, bot, 1, "a1"), send(pacer, bot, 1, "a2"),
                 *(send(pacer, bot, 2, f"b{i}") for i in range(3)))
    wait = bot.retry_after + RETRY_MARGIN
    # Chat 2 went on at its own pace meanwhile; chat 1 retried a1, then sent a2, in order.
    assert bot.times(2) == [0.0, 1.0, 2.0]
    assert bot.texts(1) == ["a1", "a1", "a2"]
    assert bot.times(1) == [0.0, wait, wait + 1.0]


async def test_a_429_without_a_chat_holds_back_only_that_call(vt, bot) -> None:
    pacer = pacer_on(vt)
    bot.flood[("setMyCommands", None)] = 1
    bot.flood[("answerCallbackQuery", None)] = 1
    await vt.run(call(pacer, bot, "setMyCommands", commands=[]),
                 call(pacer, bot, "answerCallbackQuery", callback_query_id="q"),
                 send(pacer, bot, 1), call(pacer, bot, "answerCallbackQuery",
                                           callback_query_id="r"))
    wait = bot.retry_after + RETRY_MARGIN
    assert bot.times(endpoint="setMyCommands") == [0.0, wait]
    assert bot.times(endpoint="answerCallbackQuery") == [0.0, 0.0, wait]
    assert bot.times(1) == [0.0]


async def test_more_429s_than_max_retries_raise(vt, bot) -> None:
    pacer = pacer_on(vt, max_retries=2)
    bot.flood[("sendMessage", 1)] = 5
    bot.flood[("sendMessage", 2)] = 5
    one, two = await vt.run(send(pacer, bot, 1), call(pacer, bot, "sendMessage", retries=0,
                                                      chat_id=2, text="x"))
    assert isinstance(one, RetryAfter)
    assert isinstance(two, RetryAfter)
    assert len(bot.times(1)) == 3  # the first try and two retries
    assert len(bot.times(2)) == 1  # rate_limit_args: no retries for this call


async def test_a_429_is_logged_with_its_chat_never_with_its_text(
        vt, bot, caplog: pytest.LogCaptureFixture) -> None:
    pacer = pacer_on(vt, max_retries=1)
    bot.flood[("sendMessage", 1)] = 2
    caplog.set_level(logging.DEBUG, logger="heel_bot.tg.pacing")
    await vt.run(send(pacer, bot, 1, "my heel hurts"))
    lines = [(r.levelno, r.getMessage()) for r in caplog.records if r.name == "heel_bot.tg.pacing"]
    assert [level for level, _ in lines] == [logging.INFO, logging.WARNING]
    assert all("chat 1" in m and "sendMessage" in m and "heel" not in m for _, m in lines)


async def test_a_chat_after_a_given_up_429_goes_on(vt, bot) -> None:
    pacer = pacer_on(vt, max_retries=0)
    bot.flood[("sendMessage", 1)] = 1
    first, second = await vt.run(send(pacer, bot, 1, "a"), send(pacer, bot, 1, "b"))
    assert isinstance(first, RetryAfter)
    assert second == {"ok": True}
    assert bot.texts(1) == ["a", "b"]


# ------------------------------------------------------------------ bookkeeping


def test_a_window_allows_its_limit_in_any_period() -> None:
    w = Window(2, 10.0)
    assert w.earliest(0.0) == 0.0
    w.take(0.0)
    w.take(1.0)
    assert w.earliest(2.0) == 10.0
    w.take(10.0)
    assert w.earliest(10.0) == 11.0
    assert not w.idle(19.0)
    assert w.idle(20.0)
    assert Window(0, 1.0).earliest(5.0) == Window(3, 0.0).earliest(5.0) == 5.0


async def test_idle_chats_are_forgotten(vt, bot) -> None:
    pacer = pacer_on(vt)
    await vt.run(*(send(pacer, bot, chat) for chat in range(1, 1201)))
    assert pacer.tracked() == 1200  # all were in use when the count passed 1024
    vt.now += 10.0
    await vt.run(*(send(pacer, bot, chat) for chat in range(5001, 6001)))
    assert pacer.tracked() == 1000  # the 1200 idle ones went when the count passed 2048
    await pacer.shutdown()
    assert pacer.tracked() == 0


def test_the_shipped_bot_paces_with_chat_pacer(tmp_path: Path, engine: Engine) -> None:
    from heel_bot.tg.app import build_application

    parts = {k: v for k, v in quick_parts().items() if k != "rate_limiter"}
    store = SqliteStore(tmp_path / "db.sqlite3")
    try:
        app = build_application(ServeConfig("1:" + "a" * 35, None, tmp_path / "db.sqlite3"),
                                engine=engine, store=store, **parts)
        assert isinstance(app.bot.rate_limiter, ChatPacer)
    finally:
        store.close()


# ------------------------------------------------------------------ heel-bot over HTTP


class HeldSleep:
    """A `sleep` part that waits until the test releases it, and counts its sleepers."""

    def __init__(self) -> None:
        self.gate = asyncio.Event()
        self.asked: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.asked.append(seconds)
        await self.gate.wait()


async def test_a_chat_waiting_out_a_429_does_not_stop_another_chat(
        api: BotAPIStandIn, db: Path, engine: Engine, clean: None) -> None:
    held = HeldSleep()
    api.fail_next("sendMessage", "429", retry_after=1, chat_id=1001)
    build = {**quick_parts(), "rate_limiter": ChatPacer(sleep=held)}  # as shipped, but `sleep`
    async with heel_bot(api, db, engine, build=build):
        api.send_text(1001, "/privacy")
        try:
            await api.wait_until(lambda: held.asked)  # chat 1001 is waiting out its 429
            sent = api.send_text(2002, "/privacy")
            await api.wait_text(2002, text(engine, "tg.privacy"), sent["message_id"])
            assert api.transcript(1001) == []  # still waiting, and only it
        finally:
            held.gate.set()  # else the bot's shutdown would wait for the held chat forever
        await api.wait_text(1001, text(engine, "tg.privacy"))
    assert [c.fault for c in api.methods("sendMessage")
            if str(c.params.get("chat_id")) == "1001"] == ["429", None]
    assert len(held.asked) == 1


async def test_a_fast_chat_held_to_its_pace_does_not_stop_another_chat(
        api: BotAPIStandIn, db: Path, engine: Engine, clean: None) -> None:
    # More updates from one chat than the bot has updates in flight (16), the chat's pace
    # held: its queued updates must wait on the chat, not on slots every chat shares.
    held = HeldSleep()
    build = {**quick_parts(), "rate_limiter": ChatPacer(sleep=held)}
    reply = text(engine, "tg.privacy")
    async with heel_bot(api, db, engine, build=build):
        try:
            for _ in range(24):
                api.send_text(1001, "/privacy")
            await api.wait_until(lambda: held.asked)  # its burst is out, the next one waits
            sent = api.send_text(2002, "/privacy")
            await api.wait_text(2002, reply, sent["message_id"], within=5)
            assert len(api.transcript(1001)) < 24
        finally:
            held.gate.set()  # else the bot's shutdown would wait for the held chat forever
        await api.wait_for(1001, lambda t: len(t) == 24)
    assert {m.text for m in api.transcript(1001)} == {api.transcript(2002)[0].text}
