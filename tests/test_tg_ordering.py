"""Per-chat order (heel_bot/tg/ordering.py): one chat's updates one after another, in the order
Telegram sent them; other chats are not held up by a slow one; and a chat with nothing in
flight holds no lock (a census of the process's locks, not the processor's insides). Through
the processor's public interface and through the whole Application on the Bot API stand-in."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Callable

from auxil.botapi import BotAPIStandIn, stored, text
from telegram import Update

from heel_bot.tg.ordering import ChatOrderedProcessor, chat_id_of

ALICE, BOB = 1001, 1002


def update(chat_id: int, update_id: int = 1) -> Update:
    return Update.de_json({"update_id": update_id, "message": {
        "message_id": 1, "date": 0, "text": "x", "chat": {"id": chat_id, "type": "private"}}},
        None)


def test_chat_id_of() -> None:
    assert chat_id_of(update(42)) == 42
    assert chat_id_of(Update.de_json({"update_id": 1}, None)) is None
    assert chat_id_of(object()) is None


async def test_one_chat_in_order_while_others_run() -> None:
    processor = ChatOrderedProcessor(max_concurrent_updates=8)
    gate = asyncio.Event()
    order: list[str] = []

    async def work(name: str, wait: bool = False) -> None:
        if wait:
            await gate.wait()
        order.append(name)

    tasks = [asyncio.create_task(processor.process_update(update(1), work("a1", wait=True))),
             asyncio.create_task(processor.process_update(update(1), work("a2"))),
             asyncio.create_task(processor.process_update(update(2), work("b1"))),
             asyncio.create_task(processor.process_update(object(), work("none")))]
    await until(lambda: sorted(order) == ["b1", "none"])  # b is not held up by a's update
    gate.set()
    await asyncio.gather(*tasks)
    assert order[2:] == ["a1", "a2"]


def locks() -> int:
    """How many asyncio locks exist in the process (a census of the objects the garbage
    collector tracks; a lock nobody refers to is freed at once)."""
    return sum(isinstance(o, asyncio.Lock) for o in gc.get_objects())


async def test_idle_chats_hold_no_lock() -> None:
    processor = ChatOrderedProcessor(max_concurrent_updates=64)
    gate = asyncio.Event()

    async def work(wait: bool) -> None:
        if wait:
            await gate.wait()

    before = locks()
    # Fifty chats busy at once: a lock each…
    busy = [asyncio.create_task(processor.process_update(update(chat), work(wait=True)))
            for chat in range(50)]
    await until(lambda: processor.current_concurrent_updates == 50)
    assert locks() - before == 50
    gate.set()
    await asyncio.gather(*busy)
    del busy
    # …and none once they are idle, however many chats have come and gone.
    for chat in range(1000, 2000):
        await processor.process_update(update(chat), work(wait=False))
    assert locks() == before


async def until(condition: Callable[[], bool]) -> None:
    """Wait (a few loop turns) until `condition()` holds."""
    async with asyncio.timeout(5):
        while not condition():  # noqa: ASYNC110 - nothing to wait on but the loop
            await asyncio.sleep(0)


async def test_a_slow_chat_does_not_hold_up_the_others(api: BotAPIStandIn, db, engine, heel):
    api.hold(ALICE)  # Alice's replies are stuck on a slow path
    for words in ("/start", "no", "yes, I can walk normally"):
        api.send_text(ALICE, words)
    sent = api.send_text(BOB, "/start")
    await api.wait_text(BOB, engine.bundle.content["q.injury.text"], sent["message_id"],
                        keyboard=True)
    assert api.transcript(ALICE) == []  # still waiting on the first reply
    api.release(ALICE)
    # After the two answers, the warning-signs checklist.
    await api.wait_text(ALICE, engine.bundle.content["q.screen.red_flags.text"], keyboard=True)
    # Alice's three messages were handled in the order she sent them.
    state = stored(db, ALICE)
    assert state is not None
    assert state.answers == {"injury": "none", "weight_bearing": "yes"}
    assert api.transcript(ALICE)[0].text.startswith(text(engine, "ui.welcome"))
