"""Two `heel-bot serve --webhook-url` processes on one PostgreSQL database, behind a front end
of the test's own that plays Telegram and a load balancer.

The front end takes each update users send (the Bot API stand-in queues them) and posts it to
the instances alternately; every fifth it posts again to the other instance, as Telegram does
when a call timed out. An instance that does not answer (it was killed) gets nothing more: the
update goes to the other. Then:

- 100 chats, both instances up: every transcript complete, in order, no reply doubled, each
  press applied once; check-ins due meanwhile (both instances scheduled them) sent once each;
- 100 more chats, one instance killed with SIGKILL mid-run: the other carries on, takes over
  the updates the dead one had recorded but not handled (once their lease runs out), and every
  chat gets its next question with each press applied once; check-ins booked after the kill
  (the survivor never scheduled them) are swept up and sent once each.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from auxil.backends import PgBackend
from auxil.botapi import BotAPIStandIn, Plan, plan, prefix, start_chat, text
from auxil.serve import ServeProcess
from test_e2e_webhook import SECRET, free_port

from heel_bot.engine import Engine
from heel_bot.state import State
from heel_bot.stores.postgres import PgStore

pytestmark = pytest.mark.slow

FALL = {"injury": "fall_or_impact", "weight_bearing": "yes", "deformity": "no", "tendon_gap": "no",
        "infection_signs": "no", "severity": "moderate"}
REPEAT_EVERY = 5  # every fifth update is delivered twice, the second time to the other
WITHIN = 120.0  # a dead instance's updates wait out their lease (30 s) before a takeover


@pytest.fixture(scope="module")
def fall(engine: Engine) -> Plan:
    return plan(engine, FALL)


@dataclass
class FrontEnd:
    """Telegram and a load balancer: queued updates posted to the instances' webhooks."""

    api: BotAPIStandIn
    urls: list[str]
    dead: set[int] = field(default_factory=set)
    delivered: list[tuple[int, int]] = field(default_factory=list)  # (update id, instance)

    async def run(self) -> None:
        count = 0
        headers = {"Content-Type": "application/json",
                   "X-Telegram-Bot-Api-Secret-Token": SECRET}
        async with httpx.AsyncClient(timeout=10, headers=headers) as client:
            while True:
                update = self.api.next_update()
                if update is None:
                    await asyncio.sleep(0.005)
                    continue
                count += 1
                first = count % 2
                await self._deliver(client, update, first)
                if count % REPEAT_EVERY == 0:
                    await self._deliver(client, update, 1 - first)

    async def _deliver(self, client: httpx.AsyncClient, update: dict[str, object],
                       first: int) -> None:
        """To `first` (or, if it is dead, the other), until an instance says 200."""
        body = json.dumps(update).encode()
        while True:
            for target in (first, 1 - first):
                if target in self.dead:
                    continue
                with contextlib.suppress(httpx.HTTPError):
                    if (await client.post(self.urls[target], content=body)).status_code == 200:
                        self.delivered.append((int(str(update["update_id"])), target))
                        return
            await asyncio.sleep(0.05)  # both refused: Telegram tries again later


@contextlib.asynccontextmanager
async def front_end(api: BotAPIStandIn, urls: list[str]) -> AsyncIterator[FrontEnd]:
    front = FrontEnd(api, urls)
    task = asyncio.create_task(front.run())
    try:
        yield front
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def instance(api: BotAPIStandIn, tmp_path: Path, name: str, pg_url: str,
             port: int) -> ServeProcess:
    bot = ServeProcess(api, tmp_path / name, "--webhook-url",
                       f"http://127.0.0.1:{port}/heel-bot/hook", "--port", str(port),
                       "--instances", "2", HEEL_BOT_WEBHOOK_SECRET=SECRET,
                       HEEL_BOT_DAY_SECONDS="600")
    bot.env["HEEL_BOT_DB"] = pg_url
    return bot


async def first_press(api: BotAPIStandIn, chat: int, p: Plan) -> None:
    """/start, then the first question's button; the second question follows."""
    question = await start_chat(api, chat, p.steps[0], within=WITHIN)
    api.press_button(chat, question.message_id, p.steps[0].label)
    await api.wait_text(chat, p.steps[1].text, question.message_id - 1, keyboard=True,
                        within=WITHIN)


def book(pg_url: str, chats: range, due_in: float) -> None:
    store = PgStore(pg_url)
    try:
        for chat in chats:
            store.add_reminder(chat, time.time() + due_in, 3)
    finally:
        store.close()


def answers(pg_url: str, chats: range) -> dict[int, dict[str, str]]:
    rows = PgBackend(pg_url).peek("SELECT chat_id, state FROM conversations WHERE chat_id "
                                  f"BETWEEN {chats.start} AND {chats.stop - 1}")
    return {int(chat): dict(State.from_json(raw).answers) for chat, raw in rows}


def shown(api: BotAPIStandIn, chat: int) -> list[str]:
    """Every text the bot showed in the chat, in order: each message, then its edits."""
    return [t for m in api.transcript(chat) for t in (*m.edits, m.text)]


def asked_once(api: BotAPIStandIn, chats: Iterable[int], needle: str) -> list[int]:
    """The chats in which `needle` was not sent exactly once."""
    return [c for c in chats if sum(needle in t for t in shown(api, c)) != 1]


async def test_two_instances_one_database_nothing_lost_or_doubled(
        tmp_path: Path, engine: Engine, fall: Plan, pg_url: str) -> None:
    calm, killed = range(10_000, 10_100), range(10_100, 10_200)
    early, late = range(19_000, 19_020), range(19_020, 19_040)
    ports = [free_port(), free_port()]
    async with BotAPIStandIn() as api:
        for chat in (*early, *late):
            api.add_chat(chat)
        book(pg_url, early, due_in=8.0)  # scheduled by both instances at start
        bots = [instance(api, tmp_path, name, pg_url, port)
                for name, port in zip(("a", "b"), ports, strict=True)]
        for bot in bots:
            await bot.start()
        await api.wait_until(lambda: len(api.methods("setWebhook")) == 2, within=60)
        api.webhook = None  # the front end below delivers, not the stand-in
        urls = [f"http://127.0.0.1:{port}/heel-bot/hook" for port in ports]
        async with front_end(api, urls) as front:
            await asyncio.gather(*(first_press(api, chat, fall) for chat in calm))
            assert {i for _, i in front.delivered} == {0, 1}
            # Both up: every reply once, in order, though every fifth update came twice.
            welcome = text(engine, "ui.welcome")
            needles = (welcome, fall.steps[0].text, fall.steps[1].text)
            for chat in calm:  # each shown once, in order, and nothing else
                texts = shown(api, chat)
                assert [next(i for i, t in enumerate(texts) if n in t) for n in needles] == [
                    0, 1, 2], texts
                assert len(texts) == 3, texts

            later = asyncio.gather(*(first_press(api, chat, fall) for chat in killed))
            await api.wait_until(lambda: sum(bool(api.transcript(c)) for c in killed) >= 30,
                                 within=WITHIN)
            await bots[0].kill()
            front.dead.add(0)
            book(pg_url, late, due_in=1.0)  # the survivor never scheduled these
            await asyncio.wait_for(later, WITHIN)
            ask = prefix(engine, "checkin.ask")
            await api.wait_until(lambda: all(api.transcript(c) for c in (*early, *late)),
                                 within=WITHIN)
            await api.wait_idle(quiet=1.0, within=WITHIN)
        assert await bots[1].stop() == 0, bots[1].output()
    expected = {fall.steps[0].question: fall.steps[0].value}
    assert answers(pg_url, calm) == dict.fromkeys(calm, expected)
    assert answers(pg_url, killed) == dict.fromkeys(killed, expected)  # each press once
    assert asked_once(api, (*early, *late), ask) == []  # every check-in sent once
    assert PgBackend(pg_url).peek("SELECT count(*) FROM reminders") == [(0,)]
    assert "Traceback" not in bots[1].output()
