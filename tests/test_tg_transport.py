"""The Bot API transport (heel_bot/tg/transport.py): 5xx answers and network errors are retried with
backoff, waiting with the `sleep` it is given; refusals (4xx) and flood limits are final for
it (429s are the rate limiter's to wait out). Over real HTTP to the Bot API stand-in, whose
faults never take effect, so a message retried and then delivered is delivered once."""

from __future__ import annotations

import pytest
from auxil.botapi import BotAPIStandIn, heel_bot, text
from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError
from telegram.request import HTTPXRequest

from heel_bot.tg.transport import RetryingRequest

BACKOFF = [0.5, 1.0, 2.0, 4.0]


class Sleeps:
    """A `sleep` part that records how long it was asked to wait, and returns at once."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


def retrying(sleeps: Sleeps, attempts: int = 5) -> RetryingRequest:
    # A short read timeout, so that a request the stand-in holds times out quickly.
    return RetryingRequest(HTTPXRequest(read_timeout=0.3), attempts=attempts, first_delay=0.5,
                           sleep=sleeps)


@pytest.mark.parametrize(("faults", "tries", "code"), [
    pytest.param(["502"], 2, 200, id="502"),
    pytest.param(["500", "502"], 3, 200, id="500-502"),
    pytest.param(["drop"], 2, 200, id="dropped"),  # half an answer, then the connection closed
    pytest.param(["timeout"], 2, 200, id="timed-out"),  # no answer at all
    pytest.param(["500", "drop", "502", "drop"], 5, 200, id="four-faults"),
    pytest.param(["429"], 1, 429, id="flood-limit"),  # the rate limiter's to wait out
    pytest.param(["502"] * 5, 5, 502, id="five-502s"),  # the last answer stands
])
async def test_retrying_request(api: BotAPIStandIn, faults: list[str], tries: int,
                                code: int) -> None:
    for kind in faults:
        api.fail_next("getMe", kind)
    sleeps = Sleeps()
    request = retrying(sleeps)
    await request.initialize()
    try:
        got, _ = await request.do_request(f"{api.base_url}{api.token}/getMe", "POST")
    finally:
        await request.shutdown()
    assert (len(api.methods("getMe")), got) == (tries, code)
    assert [c.fault for c in api.methods("getMe")] == [*faults, None][:tries]
    assert sleeps.delays == BACKOFF[:tries - 1]


@pytest.mark.parametrize(("path", "code"), [
    ("{token}/noSuchMethod", 404),
    ("123:wrong/getMe", 401),
])
async def test_a_refused_request_is_final(api: BotAPIStandIn, path: str, code: int) -> None:
    sleeps = Sleeps()
    request = retrying(sleeps)
    await request.initialize()
    try:
        got, _ = await request.do_request(f"{api.base_url}{path.format(token=api.token)}", "POST")
    finally:
        await request.shutdown()
    assert (len(api.calls), got) == (1, code)
    assert sleeps.delays == []


async def test_bad_request_and_forbidden_are_final(api: BotAPIStandIn) -> None:
    api.add_chat(7)
    api.block(7)
    sleeps = Sleeps()
    async with Bot(api.token, base_url=api.base_url, request=retrying(sleeps)) as bot:
        with pytest.raises(BadRequest, match=r"(?i)chat not found"):
            await bot.send_message(6, "hello")
        with pytest.raises(Forbidden, match="blocked"):
            await bot.send_message(7, "hello")
    assert [c.status for c in api.methods("sendMessage")] == [400, 403]
    assert sleeps.delays == []


async def test_retrying_request_gives_up_after_its_attempts(api: BotAPIStandIn) -> None:
    api.fail_next("getMe", "drop", count=3)
    sleeps = Sleeps()
    request = retrying(sleeps, attempts=3)
    await request.initialize()
    try:
        with pytest.raises(NetworkError):
            await request.do_request(f"{api.base_url}{api.token}/getMe", "POST")
    finally:
        await request.shutdown()
    assert len(api.methods("getMe")) == 3
    assert sleeps.delays == BACKOFF[:2]


async def test_a_502_and_a_dropped_connection_are_retried_and_delivered_once(
        api, db, engine, parts, clean):
    sleeps = Sleeps()
    api.fail_next("sendMessage", "502")
    api.fail_next("sendMessage", "drop")
    async with heel_bot(api, db, engine, build={**parts, "sleep": sleeps}):
        sent = api.send_text(1001, "/privacy")
        await api.wait_text(1001, text(engine, "tg.privacy"), sent["message_id"])
    assert [m.text for m in api.transcript(1001)] == [engine.bundle.content["tg.privacy"].strip()]
    assert [c.fault for c in api.methods("sendMessage")] == ["502", "drop", None]
    assert sleeps.delays == BACKOFF[:2]


@pytest.mark.slow  # Telegram's shortest flood wait is a second, and PTB's limiter waits it out
async def test_a_flood_limit_is_waited_out_and_the_message_delivered_once(
        api, db, engine, parts, clean):
    api.fail_next("sendMessage", "429", retry_after=1)
    async with heel_bot(api, db, engine, build=parts):
        sent = api.send_text(1001, "/privacy")
        await api.wait_text(1001, text(engine, "tg.privacy"), sent["message_id"])
    assert [c.fault for c in api.methods("sendMessage")] == ["429", None]
    assert [m.text for m in api.transcript(1001)] == [engine.bundle.content["tg.privacy"].strip()]
