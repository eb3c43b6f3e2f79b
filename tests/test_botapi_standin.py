"""The Bot API stand-in itself, checked against a bare python-telegram-bot Application.

An echo bot with no heel-bot code proves that the stand-in speaks the Bot API the way PTB
expects (polling, sends, edits, callback answers, webhooks), that it refuses what Telegram
refuses, and that each injected fault surfaces in PTB as the exception a real fault would.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
from collections.abc import AsyncIterator

import httpx
import pytest
from auxil.botapi import BotAPIStandIn, parse_html, running
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import (
    BadRequest,
    EndPointNotFound,
    Forbidden,
    NetworkError,
    RetryAfter,
    TimedOut,
)
from telegram.ext import (
    AIORateLimiter,
    Application,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)
from telegram.request import HTTPXRequest

CHAT = 5


async def _echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    assert message is not None and message.text is not None
    await message.reply_text(
        f"echo: {message.text}",
        reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("ok", callback_data="ok:1")]]))


async def _pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer("noted")
    await query.edit_message_text(f"<b>pressed</b> {query.data}", parse_mode="HTML")


async def _kinds(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    assert message is not None
    kind = ("sticker" if message.sticker else "photo" if message.photo else
            "location" if message.location else "voice" if message.voice else
            "document" if message.document else "other")
    await message.reply_text(f"got a {kind}")


def _echo_app(api: BotAPIStandIn, **timeouts: float) -> Application:  # type: ignore[type-arg]
    builder = Application.builder().token(api.token).base_url(api.base_url)
    if timeouts:
        builder = builder.read_timeout(timeouts["read"]).get_updates_read_timeout(
            timeouts["read"])
    app = builder.build()
    app.add_handler(MessageHandler(filters.TEXT & ~filters.UpdateType.EDITED, _echo))
    app.add_handler(MessageHandler(~filters.TEXT & ~filters.UpdateType.EDITED, _kinds))
    app.add_handler(CallbackQueryHandler(_pressed))
    return app


@pytest.fixture(autouse=True)
def _timedelta_periods(monkeypatch: pytest.MonkeyPatch) -> None:
    # Without this opt-in PTB 22 warns (PTBDeprecationWarning) whenever it builds a RetryAfter,
    # which the suite's warnings-as-errors turns into a crash inside PTB's request code.
    monkeypatch.setenv("PTB_TIMEDELTA", "1")


@contextlib.asynccontextmanager
async def _bot(api: BotAPIStandIn, read_timeout: float = 5.0) -> AsyncIterator[Bot]:
    request = HTTPXRequest(read_timeout=read_timeout, connect_timeout=2)
    async with Bot(api.token, base_url=api.base_url, request=request) as bot:
        api.add_chat(CHAT)
        yield bot


# ------------------------------------------------------------------ polling and replies


async def test_echo_bot_polls_and_replies_in_order(api: BotAPIStandIn) -> None:
    async with running(_echo_app(api)):
        for word in ("one", "two", "three"):
            api.send_text(CHAT, word)
        transcript = await api.wait_messages(CHAT, 3)
    assert [m.text for m in transcript] == ["echo: one", "echo: two", "echo: three"]
    assert transcript[0].buttons[0].callback_data == "ok:1"
    # User and bot messages share the chat's message ids, as in a private chat.
    assert [m.message_id for m in transcript] == sorted({m.message_id for m in transcript})
    assert api.token_seen_in_paths == {api.token}
    methods = [c.method for c in api.calls]
    assert methods[:2] == ["getMe", "deleteWebhook"]
    sends = api.methods("sendMessage")
    assert [c.params["chat_id"] for c in sends] == [str(CHAT)] * 3
    assert api.pending_updates() == 0


async def test_concurrent_chats_keep_their_own_order(api: BotAPIStandIn) -> None:
    chats = range(100, 120)
    async with running(_echo_app(api)):
        for n in range(5):
            for chat in chats:
                api.send_text(chat, f"{chat}/{n}")
        for chat in chats:
            await api.wait_messages(chat, 5)
    for chat in chats:
        assert [m.text for m in api.transcript(chat)] == [f"echo: {chat}/{n}" for n in range(5)]
    assert api.chats_written() == set(chats)


async def test_a_press_is_answered_and_the_edit_drops_the_keyboard(api: BotAPIStandIn) -> None:
    async with running(_echo_app(api)):
        api.send_text(CHAT, "hello")
        [question] = await api.wait_messages(CHAT, 1)
        assert question.has_keyboard
        query = api.press_button(CHAT, question.message_id, "ok")
        answer = await api.wait_answer(query)
        edited = await api.wait_for(CHAT, lambda t: t[0].edits)
    assert answer.text == "noted"
    assert api.unanswered_queries() == []
    assert edited[0].text == "pressed ok:1"
    assert edited[0].raw == "<b>pressed</b> ok:1"
    assert edited[0].entities == [{"type": "bold", "offset": 0, "length": 7}]
    assert edited[0].edits == ["echo: hello"]
    assert not edited[0].has_keyboard  # an edit without reply_markup removes the keyboard
    with pytest.raises(AssertionError):
        edited[0].button("ok")


async def test_non_text_messages_and_edits(api: BotAPIStandIn) -> None:
    async with running(_echo_app(api)):
        api.send_sticker(CHAT)
        api.send_photo(CHAT)
        api.send_location(CHAT)
        api.send_voice(CHAT)
        api.send_document(CHAT)
        typed = api.send_text(CHAT, "typo")
        api.edit_text(CHAT, typed["message_id"], "fixed")  # the echo bot ignores edits
        transcript = await api.wait_messages(CHAT, 6)
        await api.wait_idle()
    assert [m.text for m in api.transcript(CHAT)] == [
        "got a sticker", "got a photo", "got a location", "got a voice", "got a document",
        "echo: typo"]
    assert len(transcript) == 6


async def test_commands_carry_a_bot_command_entity(api: BotAPIStandIn) -> None:
    message = api.send_text(CHAT, "/start now")
    assert message["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]
    assert "entities" not in api.send_text(CHAT, "start")


async def test_group_messages_come_from_a_user_in_a_group(api: BotAPIStandIn) -> None:
    message = api.send_text(-1001, "hi all", chat_type="group")
    assert message["chat"]["type"] == "group"
    assert message["from"]["id"] > 0
    update = Update.de_json(api.text_update(-1001, "again", chat_type="group"), None)
    assert update.effective_chat is not None and update.effective_chat.type == "group"


# ------------------------------------------------------------------ refusing what Telegram refuses


async def test_it_refuses_what_telegram_refuses(api: BotAPIStandIn) -> None:
    async with _bot(api) as bot:
        me = await bot.get_me()
        assert me.username == "heel_test_bot" and me.id == 123456789
        with pytest.raises(BadRequest, match=r"[Cc]hat not found"):
            await bot.send_message(999, "who?")
        with pytest.raises(BadRequest, match="parse entities"):
            await bot.send_message(CHAT, "<b>open", parse_mode="HTML")
        with pytest.raises(BadRequest, match="parse entities"):
            await bot.send_message(CHAT, "a < b & c", parse_mode="HTML")
        with pytest.raises(BadRequest, match="parse entities"):
            await bot.send_message(CHAT, "<div>x</div>", parse_mode="HTML")
        with pytest.raises(BadRequest, match="too long"):
            await bot.send_message(CHAT, "x" * 4097)
        with pytest.raises(BadRequest, match="empty"):
            await bot.send_message(CHAT, "<b> </b>", parse_mode="HTML")
        fat = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="d" * 65)]])
        with pytest.raises(BadRequest, match=r"(?i)button_data_invalid"):
            await bot.send_message(CHAT, "buttons", reply_markup=fat)
        sent = await bot.send_message(CHAT, "a &lt; b &amp; <i>c</i>", parse_mode="HTML")
        assert sent.text == "a < b & c"
        with pytest.raises(BadRequest, match="not modified"):
            await bot.edit_message_text("a &lt; b &amp; <i>c</i>", chat_id=CHAT,
                                        message_id=sent.message_id, parse_mode="HTML")
        with pytest.raises(BadRequest, match="not found"):
            await bot.edit_message_text("x", chat_id=CHAT, message_id=9999)
        with pytest.raises(BadRequest, match=r"[Qq]uery"):
            await bot.answer_callback_query("no-such-query")
        with pytest.raises(EndPointNotFound):
            await bot.do_api_request("noSuchMethod")
        assert await bot.set_my_commands([("start", "Begin")])
        assert api.commands == [{"command": "start", "description": "Begin"}]
        with pytest.raises(BadRequest):
            await bot.set_my_commands([("Start!", "Begin")])
    assert [m.text for m in api.transcript(CHAT)] == ["a < b & c"]


async def test_the_bots_profile_is_kept_by_language(api: BotAPIStandIn) -> None:
    async with _bot(api) as bot:
        assert (await bot.get_my_description()).description == ""
        assert await bot.set_my_description("What I do")
        assert await bot.set_my_short_description("Short", language_code="de")
        assert (await bot.get_my_description()).description == "What I do"
        assert (await bot.get_my_short_description()).short_description == ""
        assert (await bot.get_my_short_description("de")).short_description == "Short"
        with pytest.raises(BadRequest, match="too long"):
            await bot.set_my_description("x" * 513)
        with pytest.raises(BadRequest, match="too long"):
            await bot.set_my_short_description("x" * 121)
        assert await bot.set_my_description(None)  # removed
        assert (await bot.get_my_description()).description == ""
    assert api.descriptions == {} and api.short_descriptions == {"de": "Short"}


async def test_a_callback_query_can_be_answered_once(api: BotAPIStandIn) -> None:
    async with _bot(api) as bot:
        sent = await bot.send_message(CHAT, "q", reply_markup=InlineKeyboardMarkup(
            [[InlineKeyboardButton("yes", callback_data="y")]]))
        query = api.press_button(CHAT, sent.message_id, "yes")
        assert await bot.answer_callback_query(query, text="ok")
        with pytest.raises(BadRequest, match=r"[Qq]uery"):
            await bot.answer_callback_query(query)
        markup = await bot.edit_message_reply_markup(CHAT, sent.message_id)
        assert isinstance(markup, object)
    assert not api.last(CHAT).has_keyboard


def test_html_parsing_matches_telegram() -> None:
    assert parse_html("<b>a</b> &amp; <a href=\"https://x.y\">link</a> 🏃<i>z</i>") == (
        "a & link 🏃z", [{"type": "bold", "offset": 0, "length": 1},
                          {"type": "text_link", "offset": 4, "length": 4, "url": "https://x.y"},
                          {"type": "italic", "offset": 11, "length": 1}])
    assert parse_html("&#8212;&quot;") == ("—\"", [])


async def test_a_wrong_token_is_unauthorized(api: BotAPIStandIn) -> None:
    from telegram.error import InvalidToken

    bot = Bot("42:wrong", base_url=api.base_url)
    with pytest.raises(InvalidToken) as caught:
        await bot.initialize()
    await bot.shutdown()
    assert "42:wrong" in api.token_seen_in_paths
    # Worth knowing for the adapter: PTB puts the rejected token in the exception's message.
    assert "42:wrong" in str(caught.value)


# ------------------------------------------------------------------ faults as PTB sees them


async def test_429_raises_retry_after_and_sends_nothing(api: BotAPIStandIn) -> None:
    async with _bot(api) as bot:
        api.fail_next("sendMessage", "429", retry_after=3)
        with pytest.raises(RetryAfter) as caught:
            await bot.send_message(CHAT, "first")
        assert caught.value.retry_after.total_seconds() == 3
        await bot.send_message(CHAT, "second")
    assert [m.text for m in api.transcript(CHAT)] == ["second"]
    assert [(c.status, c.fault) for c in api.methods("sendMessage")] == [(429, "429"),
                                                                         (200, None)]


@pytest.mark.parametrize("kind", ["500", "502", "drop"])
async def test_server_errors_and_drops_raise_network_error_before_processing(
        api: BotAPIStandIn, kind: str) -> None:
    async with _bot(api) as bot:
        api.fail_next("sendMessage", kind)
        with pytest.raises(NetworkError) as caught:
            await bot.send_message(CHAT, "lost")
        assert not isinstance(caught.value, TimedOut)
        assert api.transcript(CHAT) == []  # the fault hit before the server processed it
        await bot.send_message(CHAT, "after")  # the client recovers on a new connection
    assert [m.text for m in api.transcript(CHAT)] == ["after"]


async def test_timeout_raises_timed_out_and_sends_nothing(api: BotAPIStandIn) -> None:
    async with _bot(api, read_timeout=0.3) as bot:
        api.fail_next("sendMessage", "timeout")
        with pytest.raises(TimedOut):
            await bot.send_message(CHAT, "held")
        await bot.send_message(CHAT, "after")
    assert [m.text for m in api.transcript(CHAT)] == ["after"]


async def test_drop_after_processing_is_the_ambiguous_case(api: BotAPIStandIn) -> None:
    # Documented contrast to "drop": here the message went out although the client got an
    # error, so a naive retry would send it twice. Fault tests therefore use "drop".
    async with _bot(api) as bot:
        api.fail_next("sendMessage", "drop_processed")
        with pytest.raises(NetworkError):
            await bot.send_message(CHAT, "went out")
    assert [m.text for m in api.transcript(CHAT)] == ["went out"]


async def test_faults_can_target_one_chat_and_count(api: BotAPIStandIn) -> None:
    async with _bot(api) as bot:
        api.add_chat(6)
        api.fail_next("sendMessage", "500", count=2, chat_id=6)
        await bot.send_message(CHAT, "five")
        for _ in range(2):
            with pytest.raises(NetworkError):
                await bot.send_message(6, "six")
        await bot.send_message(6, "six")
        assert api.faults_left() == 0
    assert [m.text for m in api.transcript(6)] == ["six"]


async def test_a_blocked_user_gives_forbidden(api: BotAPIStandIn) -> None:
    async with _bot(api) as bot:
        api.block(CHAT)
        with pytest.raises(Forbidden, match="blocked"):
            await bot.send_message(CHAT, "still there?")
    assert api.transcript(CHAT) == []


def test_unknown_fault_kinds_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown fault"):
        BotAPIStandIn().fail_next("sendMessage", "503")


@pytest.mark.slow
async def test_ptb_rate_limiter_waits_out_a_429(api: BotAPIStandIn) -> None:
    app = (Application.builder().token(api.token).base_url(api.base_url)
           .rate_limiter(AIORateLimiter(max_retries=2)).build())
    app.add_handler(MessageHandler(filters.TEXT, _echo))
    api.fail_next("sendMessage", "429", retry_after=1)
    async with running(app):
        api.send_text(CHAT, "patience")
        await api.wait_messages(CHAT, 1)
        await api.wait_idle()
    assert [m.text for m in api.transcript(CHAT)] == ["echo: patience"]
    assert [c.status for c in api.methods("sendMessage")] == [429, 200]


@pytest.mark.parametrize("kind", ["502", "drop", "500", "timeout"])
@pytest.mark.slow
async def test_polling_survives_get_updates_faults(api: BotAPIStandIn, kind: str) -> None:
    async with running(_echo_app(api, read=0.3)):
        await api.wait_until(lambda: api.methods("getUpdates"))
        api.fail_next("getUpdates", kind)
        api.send_text(CHAT, "still here")
        transcript = await api.wait_messages(CHAT, 1, within=15)
        await api.wait_idle()
    assert [m.text for m in transcript] == ["echo: still here"]
    assert [m.text for m in api.transcript(CHAT)] == ["echo: still here"]
    assert any(c.fault == kind for c in api.methods("getUpdates"))


async def test_a_second_poller_conflicts(api: BotAPIStandIn) -> None:
    async with _bot(api) as bot:
        first = asyncio.create_task(bot.get_updates(timeout=5, read_timeout=10))
        await api.wait_until(lambda: api.methods("getUpdates"))
        async with _bot(api) as other:
            await other.get_updates(timeout=0)
        from telegram.error import Conflict

        with pytest.raises(Conflict):
            await first


# ------------------------------------------------------------------ webhooks


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_set_webhook_pushes_updates_with_the_secret(api: BotAPIStandIn) -> None:
    received: list[tuple[str | None, dict[str, object]]] = []

    async def hook(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.decode().split("\r\n")
        headers = {k.lower(): v.strip() for k, _, v in (x.partition(":") for x in lines[1:])}
        body = await reader.readexactly(int(headers["content-length"]))
        received.append((headers.get("x-telegram-bot-api-secret-token"), json.loads(body)))
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(hook, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        async with _bot(api) as bot:
            await bot.set_webhook(f"http://127.0.0.1:{port}/hook", secret_token="s3cret")
            info = await bot.get_webhook_info()
            assert info.url.endswith("/hook")
            from telegram.error import Conflict

            with pytest.raises(Conflict):
                await bot.get_updates()
            api.send_text(CHAT, "pushed")
            await api.wait_until(lambda: received)
            await bot.delete_webhook()
            assert await bot.get_updates(timeout=0) == ()
    finally:
        server.close()
        await server.wait_closed()
    assert received[0][0] == "s3cret"
    assert received[0][1]["message"]["text"] == "pushed"  # type: ignore[index]


async def test_post_webhook_helper(api: BotAPIStandIn) -> None:
    seen: list[bytes] = []

    async def hook(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        seen.append(head)
        writer.write(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(hook, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        response = await api.post_webhook(f"http://127.0.0.1:{port}/x",
                                          api.text_update(CHAT, "hi"), secret="abc")
    finally:
        server.close()
        await server.wait_closed()
    assert response.status_code == 403
    assert b"X-Telegram-Bot-Api-Secret-Token: abc" in seen[0]
    assert isinstance(response, httpx.Response)
    assert _free_port() > 0
