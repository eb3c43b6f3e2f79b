"""The Bot API stand-in's test hooks, checked with a bare python-telegram-bot `Bot`: a held
chat's requests wait for `release`, `on_call` hooks see each call (and their failures are kept,
not thrown at the bot), the updates `member_update`, `send_channel_post` and a press without
data parse as PTB's own objects, and `in_thread` serves code that runs its own event loop."""

from __future__ import annotations

import asyncio
from typing import Any

from auxil.botapi import BotAPIStandIn, in_thread
from telegram import Bot, Update

CHAT = 5


async def updates(bot: Bot) -> list[Update]:
    return list(await bot.get_updates(timeout=0))


async def test_a_held_chat_waits_for_release_and_others_do_not(api: BotAPIStandIn) -> None:
    api.add_chat(CHAT)
    api.add_chat(CHAT + 1)
    api.hold(CHAT)
    async with Bot(api.token, base_url=api.base_url) as bot:
        held = asyncio.create_task(bot.send_message(CHAT, "first"))
        await bot.send_message(CHAT + 1, "not held")
        await asyncio.sleep(0.05)
        assert not held.done() and api.transcript(CHAT) == []
        api.release(CHAT)
        await held
        await bot.send_message(CHAT, "second")  # no longer held
    assert [m.text for m in api.transcript(CHAT)] == ["first", "second"]


async def test_on_call_hooks_see_calls_keep_their_failures_and_can_be_removed(
        api: BotAPIStandIn) -> None:
    api.add_chat(CHAT)
    seen: list[dict[str, Any]] = []

    def failing(params: dict[str, Any]) -> None:
        raise AssertionError("seen")

    remove = api.on_call("SendMessage", seen.append)
    api.on_call("sendMessage", failing)
    async with Bot(api.token, base_url=api.base_url) as bot:
        await bot.send_message(CHAT, "one")  # the failing hook does not fail the request
        remove()
        await bot.send_message(CHAT, "two")
    assert [p["text"] for p in seen] == ["one"]
    assert [str(e) for e in api.hook_errors] == ["seen", "seen"]
    assert [m.text for m in api.transcript(CHAT)] == ["one", "two"]


async def test_membership_channel_posts_and_presses_without_data_parse(
        api: BotAPIStandIn) -> None:
    api.member_update(CHAT, "kicked")
    api.member_update(CHAT, "member", old_status="kicked")
    api.send_channel_post(-100, "news")
    api.add_chat(CHAT + 1)
    async with Bot(api.token, base_url=api.base_url) as bot:
        sent = await bot.send_message(CHAT + 1, "a button")
        api.press(CHAT + 1, sent.message_id, None)
        blocked, unblocked, post, press = await updates(bot)
    assert blocked.my_chat_member is not None
    assert blocked.my_chat_member.new_chat_member.status == "kicked"
    assert blocked.my_chat_member.new_chat_member.user.username == api.bot_username
    assert unblocked.my_chat_member is not None
    assert (unblocked.my_chat_member.old_chat_member.status,
            unblocked.my_chat_member.new_chat_member.status) == ("kicked", "member")
    assert post.channel_post is not None and post.channel_post.text == "news"
    assert post.channel_post.chat.type == "channel" and post.channel_post.from_user is None
    assert press.callback_query is not None and press.callback_query.data is None


def test_in_thread_serves_code_that_runs_its_own_loop() -> None:
    async def ask(api: BotAPIStandIn) -> str | None:
        async with Bot(api.token, base_url=api.base_url) as bot:
            return bot.username

    with in_thread() as api:
        assert asyncio.run(ask(api)) == api.bot_username
    assert [c.method for c in api.calls][:1] == ["getMe"]
