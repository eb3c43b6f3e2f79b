"""A loopback Telegram Bot API stand-in for end-to-end tests.

The real `telegram.ext.Application` talks HTTP to this server exactly as it would to
api.telegram.org (point the builder's `base_url` at `api.base_url`). The server runs in the
test's own event loop (asyncio streams with a minimal HTTP/1.1 parser: keep-alive, many
concurrent connections, long polls), so the test drives users and waits for the bot's replies
without threads.

Faithfulness: requests are parsed as PTB 22 sends them (form-encoded or multipart bodies whose
object values are JSON strings; JSON bodies are accepted too), and the server refuses what the
real Bot API refuses, with the same error codes and descriptions: unknown chat, invalid HTML
(`can't parse entities`), text over 4096 characters, callback data over 64 bytes, editing a
message to identical content (`message is not modified`), answering a callback query twice,
getUpdates while a webhook is set, and a second concurrent getUpdates (`409 Conflict`).
Editing a message's text without `reply_markup` removes its inline keyboard, as Telegram does.
The bot's profile is kept as Telegram keeps it: the command menu, and the description (at most
512 characters) and short description (at most 120) by language code.
Deliberate differences: plain-HTTP webhook URLs are accepted; there are no flood limits unless
a fault is injected.

Fault injection (`fail_next`) happens BEFORE the request is processed, so a faulted request
never has an effect: a retried send that then succeeds is delivered exactly once, and a
duplicate in a transcript is a real bug in the bot. Kinds:

- "429": HTTP 429 with `parameters.retry_after` (PTB raises `RetryAfter`);
- "500": HTTP 500 with a JSON error (PTB raises `NetworkError`);
- "502": HTTP 502 with nginx's HTML page, as Telegram's front end sends (PTB: `NetworkError`);
- "drop": half a response, then the connection is closed (PTB: `NetworkError`);
- "timeout": no response at all until the client gives up (PTB: `TimedOut`);
- "401": 401 Unauthorized, as when the token has been revoked (PTB: `InvalidToken`);
- "too_old": 400 "query is too old and response timeout expired or query ID is invalid", as
  Telegram answers answerCallbackQuery for a press answered too late (PTB: `BadRequest`).

`drop_processed` is the one exception: it processes the request, then drops the connection —
the case where a client cannot know whether its message went out (a retry may duplicate it).
Tests of that ambiguity use it (tests/test_e2e_delivery.py); other fault tests use "drop".

Updates stay queued until a getUpdates offset confirms them, so a bot killed before it
confirms gets them again, as from Telegram. Hooks for what a test arranges or observes beyond
users and faults: `hold`/`release` (a slow path to one chat; `release(drop=True)`: the held
requests never arrive, as when the bot is killed with them on their way), `on_call` (look at
the world, e.g. the store, when a call goes out), `member_update` (a user blocks or unblocks
the bot), `unblock`, `send_channel_post`, `send_unreadable` (an update python-telegram-bot
cannot read), `press(..., None)` (a query without data), and `in_thread` (the stand-in on a
thread of its own, for code that runs its own event loop, such as `heel-bot serve`).

Below the stand-in: `running(app)`, which runs any PTB Application inside the test's loop
exactly as `run_polling`/`run_webhook` would, `heel_bot(...)`, which serves heel-bot as
`heel-bot serve` does (heel_bot/tg/serving.py), and helpers that drive heel-bot through the
stand-in (plans worked out with the engine, conversations by buttons or typing, store reads,
the parts tests pass to `build_application`: a still-standing clock, quick transports).
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import email.parser
import itertools
import json
import logging
import re
import ssl
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx

from heel_bot.engine import Engine, State
from heel_bot.model import Question
from heel_bot.serve_config import ServeConfig
from heel_bot.store import Store
from heel_bot.stores.sqlite import SqliteStore

DEFAULT_TOKEN = "123456789:AAHtest-Token_for_the_loopback_standin_0"

FAULT_KINDS = ("429", "500", "502", "drop", "drop_processed", "timeout", "401", "too_old")
TOO_OLD = "query is too old and response timeout expired or query ID is invalid"

# Values PTB sends as JSON strings (objects and lists); everything else stays a string, so
# that a text such as "[1]" is never mistaken for a list.
_OBJECT_FIELDS = frozenset({
    "reply_markup", "commands", "allowed_updates", "entities", "caption_entities",
    "link_preview_options", "reply_parameters", "scope", "media", "results",
})

_SEND_METHODS = frozenset({
    "sendmessage", "sendphoto", "senddocument", "sendsticker", "sendlocation", "sendvoice",
    "sendanimation", "sendaudio", "sendvideo", "sendchataction", "editmessagetext",
    "editmessagereplymarkup", "copymessage", "forwardmessage",
})

_HTML_TAGS = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline",
    "ins": "underline", "s": "strikethrough", "strike": "strikethrough",
    "del": "strikethrough", "code": "code", "pre": "pre", "a": "text_link",
    "tg-spoiler": "spoiler", "span": "spoiler", "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY = re.compile(r"&(?:#(\d+)|#x([0-9a-fA-F]+)|([a-zA-Z]+));")
_PLAIN_RUN = re.compile(r"[^<>&]+")

_REASONS = {200: "OK", 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden",
            404: "Not Found", 409: "Conflict", 429: "Too Many Requests",
            500: "Internal Server Error", 502: "Bad Gateway"}

_NGINX_502 = (b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
              b"<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.18.0</center>"
              b"\r\n</body>\r\n</html>\r\n")


class ApiError(Exception):
    """An error answer of the Bot API: `{"ok": false, "error_code", "description"}`."""

    def __init__(self, code: int, description: str,
                 parameters: dict[str, Any] | None = None) -> None:
        super().__init__(f"{code} {description}")
        self.code = code
        self.description = description
        self.parameters = parameters

    def payload(self) -> dict[str, Any]:
        data: dict[str, Any] = {"ok": False, "error_code": self.code,
                                "description": self.description}
        if self.parameters:
            data["parameters"] = self.parameters
        return data


def _bad(description: str) -> ApiError:
    return ApiError(400, f"Bad Request: {description}")


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def parse_html(text: str) -> tuple[str, list[dict[str, Any]]]:
    """Telegram's HTML parse mode: the plain text and its entities, or a 400 like Telegram's.

    Only the tags and entities Telegram documents are accepted; every `<`, `>` and `&` that is
    not markup must be escaped.
    """
    plain: list[str] = []
    length = 0  # in UTF-16 code units, as Telegram counts entity offsets
    stack: list[tuple[str, int, dict[str, Any]]] = []
    entities: list[dict[str, Any]] = []
    i = 0

    def offset(pos: int) -> int:
        return len(text[:pos].encode("utf-8"))

    while i < len(text):
        c = text[i]
        if c == "<":
            end = text.find(">", i)
            if end < 0:
                raise _bad(f"can't parse entities: Unclosed start tag at byte offset {offset(i)}")
            inner = text[i + 1:end].strip()
            if inner.startswith("/"):
                name = inner[1:].strip().lower()
                if not stack or stack[-1][0] != name:
                    raise _bad(f"can't parse entities: Unmatched end tag at byte offset "
                               f"{offset(i)}, expected \"</{stack[-1][0] if stack else ''}>\", "
                               f"found \"</{name}>\"")
                tag, start, extra = stack.pop()
                if length > start:
                    entities.append({"type": _HTML_TAGS[tag], "offset": start,
                                     "length": length - start, **extra})
            else:
                name, _, attrs = inner.partition(" ")
                name = name.lower()
                if name not in _HTML_TAGS:
                    raise _bad(f"can't parse entities: Unsupported start tag \"{name}\" at byte "
                               f"offset {offset(i)}")
                extra: dict[str, Any] = {}
                if name == "a":
                    m = re.search(r'href\s*=\s*"([^"]*)"', attrs) or re.search(
                        r"href\s*=\s*'([^']*)'", attrs)
                    extra["url"] = m.group(1) if m else ""
                if name == "span" and 'class="tg-spoiler"' not in attrs:
                    raise _bad(f"can't parse entities: Tag \"span\" must have class "
                               f"\"tg-spoiler\" at byte offset {offset(i)}")
                stack.append((name, length, extra))
            i = end + 1
        elif c == "&":
            m = _ENTITY.match(text, i)
            if m is None:
                raise _bad(f"can't parse entities: Character entity expected at byte offset "
                           f"{offset(i)}")
            if m.group(3) is not None:
                if m.group(3) not in _NAMED_ENTITIES:
                    raise _bad(f"can't parse entities: Unsupported HTML entity "
                               f"\"&{m.group(3)};\" at byte offset {offset(i)}")
                ch = _NAMED_ENTITIES[m.group(3)]
            else:
                ch = chr(int(m.group(1)) if m.group(1) else int(m.group(2), 16))
            plain.append(ch)
            length += _utf16_len(ch)
            i = m.end()
        elif c == ">":
            # Telegram tolerates a bare ">", but the docs ask for "&gt;"; be as strict as they.
            raise _bad(f"can't parse entities: Unexpected \">\" at byte offset {offset(i)}")
        else:
            # A run of ordinary text up to the next markup character, in one step.
            m = _PLAIN_RUN.match(text, i)
            assert m is not None
            plain.append(m.group())
            length += _utf16_len(m.group())
            i = m.end()
    if stack:
        raise _bad(f"can't parse entities: Can't find end tag corresponding to start tag "
                   f"\"{stack[-1][0]}\"")
    return "".join(plain), sorted(entities, key=lambda e: (e["offset"], -e["length"]))


@dataclass(frozen=True)
class Button:
    """One inline keyboard button."""

    text: str
    callback_data: str | None = None
    url: str | None = None


@dataclass
class BotMessage:
    """A message the bot sent, as the user currently sees it (after any edits)."""

    chat_id: int
    message_id: int
    text: str  # plain text as displayed (markup parsed away)
    raw: str  # the text exactly as the bot sent it
    parse_mode: str | None
    reply_markup: dict[str, Any] | None
    entities: list[dict[str, Any]] = field(default_factory=list)
    date: int = 0
    edits: list[str] = field(default_factory=list)  # earlier plain texts, oldest first
    kind: str = "text"

    @property
    def keyboard(self) -> list[list[Button]]:
        """The inline keyboard, or [] when there is none."""
        if not self.reply_markup or "inline_keyboard" not in self.reply_markup:
            return []
        return [[Button(b.get("text", ""), b.get("callback_data"), b.get("url")) for b in row]
                for row in self.reply_markup["inline_keyboard"]]

    @property
    def buttons(self) -> list[Button]:
        """All inline buttons, row by row."""
        return [b for row in self.keyboard for b in row]

    @property
    def has_keyboard(self) -> bool:
        return bool(self.buttons)

    def button(self, label: str) -> Button:
        """The button showing `label`: its whole text if one matches exactly, else the one
        ending with it, else the one containing it (case-insensitive); AssertionError if
        there is none or the choice is ambiguous."""
        want = label.strip().casefold()
        texts = [(b, b.text.strip().casefold()) for b in self.buttons]
        for test in (str.__eq__, str.endswith, str.__contains__):
            found = [b for b, t in texts if test(t, want)]
            if len(found) == 1:
                return found[0]
            if len(found) > 1:
                raise AssertionError(f"button {label!r} is ambiguous in "
                                     f"{[b.text for b in self.buttons]}")
        raise AssertionError(f"no button {label!r} in {[b.text for b in self.buttons]}")


@dataclass
class Call:
    """One request the bot made, with its parameters and what the stand-in answered."""

    method: str  # as written in the URL
    params: dict[str, Any]
    status: int = 0
    fault: str | None = None
    started: float = 0.0


@dataclass
class CallbackAnswer:
    """What the bot answered to a callback query."""

    text: str | None
    show_alert: bool


@dataclass
class _Fault:
    method: str
    kind: str
    count: int
    retry_after: int
    chat_id: int | None


@dataclass
class _Request:
    method: str
    target: str
    headers: dict[str, str]
    body: bytes


class _Drop(Exception):
    """Close the connection after half a response."""


class _Hold(Exception):
    """Never answer; wait for the client to give up."""


class BotAPIStandIn:
    """The Bot API on 127.0.0.1, random port. Use as `async with BotAPIStandIn() as api:`."""

    def __init__(self, token: str = DEFAULT_TOKEN, *, bot_username: str = "heel_test_bot",
                 hold_seconds: float = 30.0) -> None:
        self.token = token
        self.bot_id = int(token.split(":", 1)[0]) if token.split(":", 1)[0].isdigit() else 1
        self.bot_username = bot_username
        self.hold_seconds = hold_seconds
        self.calls: list[Call] = []
        self.token_seen_in_paths: set[str] = set()
        self.commands: list[dict[str, Any]] = []
        # The bot's profile by language code ("" for everyone), as set*Description leaves it.
        self.descriptions: dict[str, str] = {}
        self.short_descriptions: dict[str, str] = {}
        self.callback_answers: dict[str, CallbackAnswer] = {}
        self.webhook: dict[str, Any] | None = None
        self.blocked: set[int] = set()
        self._server: asyncio.Server | None = None
        self._port = 0
        self._connections: set[asyncio.Task[None]] = set()
        self._writers: set[asyncio.StreamWriter] = set()
        self._changed = asyncio.Event()  # set and replaced on every change (see _touch)
        self._chat_changed: dict[int, asyncio.Event] = {}
        self._update_ids = itertools.count(700_000)
        self._query_ids = itertools.count(1)
        self._updates: list[dict[str, Any]] = []  # not yet confirmed by an offset
        self._confirmed_below = 0
        self._poll_generation = 0
        self._chats: dict[int, dict[str, Any]] = {}
        self._message_ids: dict[int, itertools.count[int]] = {}
        self._bot_messages: dict[int, list[BotMessage]] = {}
        self._user_messages: dict[tuple[int, int], dict[str, Any]] = {}
        self._queries: dict[str, dict[str, Any]] = {}
        self._faults: list[_Fault] = []
        self._inflight = 0
        self._last_activity = time.monotonic()
        self._webhook_task: asyncio.Task[None] | None = None
        self._webhook_client: httpx.AsyncClient | None = None
        self._held: dict[int, asyncio.Event] = {}
        self._dropped: set[asyncio.Event] = set()  # released with drop=True
        self._hooks: list[tuple[str, Callable[[dict[str, Any]], object]]] = []
        self.hook_errors: list[BaseException] = []

    # ----------------------------------------------------------------- lifecycle

    async def __aenter__(self) -> BotAPIStandIn:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._on_connection, "127.0.0.1", 0)
        self._port = self._server.sockets[0].getsockname()[1]

    async def close(self) -> None:
        if self._webhook_task is not None:
            self._webhook_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._webhook_task
        if self._webhook_client is not None:
            await self._webhook_client.aclose()
        if self._server is not None:
            self._server.close()
        for writer in list(self._writers):
            writer.close()
        for task in list(self._connections):
            task.cancel()
        if self._connections:
            await asyncio.gather(*self._connections, return_exceptions=True)
        if self._server is not None:
            await self._server.wait_closed()

    @property
    def port(self) -> int:
        return self._port

    @property
    def base_url(self) -> str:
        """For `ApplicationBuilder().base_url(...)`: PTB appends `<token>/<method>`."""
        return f"http://127.0.0.1:{self._port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://127.0.0.1:{self._port}/file/bot"

    # ----------------------------------------------------------------- users' side

    def add_chat(self, chat_id: int, chat_type: str = "private") -> dict[str, Any]:
        """Make a chat known (the bot can only write to chats that wrote to it)."""
        if chat_id not in self._chats:
            if chat_type == "private":
                chat = {"id": chat_id, "type": "private", "first_name": f"Runner{chat_id}"}
            else:
                chat = {"id": chat_id, "type": chat_type, "title": f"Runners {chat_id}"}
            self._chats[chat_id] = chat
            self._message_ids[chat_id] = itertools.count(1)
            self._bot_messages[chat_id] = []
        return self._chats[chat_id]

    def _user(self, chat_id: int, user_id: int | None) -> dict[str, Any]:
        uid = user_id if user_id is not None else (chat_id if chat_id > 0 else 4242)
        return {"id": uid, "is_bot": False, "first_name": f"Runner{uid}", "language_code": "en"}

    def user_message(self, chat_id: int, *, chat_type: str = "private",
                     user_id: int | None = None, **content: Any) -> dict[str, Any]:
        """A new user message (recorded, not queued): `content` is e.g. text=... or sticker=...."""
        chat = self.add_chat(chat_id, chat_type)
        message = {"message_id": next(self._message_ids[chat_id]),
                   "from": self._user(chat_id, user_id), "chat": dict(chat),
                   "date": int(time.time()), **content}
        text = content.get("text")
        if isinstance(text, str) and text.startswith("/"):
            command = text.split()[0]
            message["entities"] = [{"type": "bot_command", "offset": 0,
                                    "length": _utf16_len(command)}]
        self._user_messages[(chat_id, message["message_id"])] = message
        return message

    def text_update(self, chat_id: int, text: str, *, chat_type: str = "private",
                    user_id: int | None = None) -> dict[str, Any]:
        """An update carrying a text message, not queued (e.g. to POST to a webhook)."""
        return {"update_id": next(self._update_ids),
                "message": self.user_message(chat_id, chat_type=chat_type, user_id=user_id,
                                             text=text)}

    def queue(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue an update for getUpdates (or webhook delivery); gives it an id if it has none."""
        update.setdefault("update_id", next(self._update_ids))
        self._updates.append(update)
        self._touch()
        return update

    def next_update(self) -> dict[str, Any] | None:
        """Take the oldest queued update, as Telegram's side of a test's own webhook front
        end (tests/test_e2e_instances.py) delivers it; None if none is queued."""
        return self._updates.pop(0) if self._updates else None

    def send_text(self, chat_id: int, text: str, *, chat_type: str = "private",
                  user_id: int | None = None) -> dict[str, Any]:
        """The user types `text`; returns the message."""
        update = self.text_update(chat_id, text, chat_type=chat_type, user_id=user_id)
        self.queue(update)
        return update["message"]

    def send_message(self, chat_id: int, *, chat_type: str = "private", **content: Any,
                     ) -> dict[str, Any]:
        """The user sends any kind of message (`content` is the Message fields)."""
        message = self.user_message(chat_id, chat_type=chat_type, **content)
        self.queue({"message": message})
        return message

    def send_sticker(self, chat_id: int) -> dict[str, Any]:
        return self.send_message(chat_id, sticker={
            "file_id": "CAACAgIAAxkBAAEB", "file_unique_id": "AgADsticker", "type": "regular",
            "width": 512, "height": 512, "is_animated": False, "is_video": False, "emoji": "🏃"})

    def send_photo(self, chat_id: int) -> dict[str, Any]:
        return self.send_message(chat_id, photo=[
            {"file_id": "AgACAgIAAxkBAAEBphoto1", "file_unique_id": "AQADp1", "width": 90,
             "height": 67, "file_size": 1200},
            {"file_id": "AgACAgIAAxkBAAEBphoto2", "file_unique_id": "AQADp2", "width": 800,
             "height": 600, "file_size": 52000}])

    def send_location(self, chat_id: int) -> dict[str, Any]:
        return self.send_message(chat_id, location={"latitude": 52.52, "longitude": 13.405})

    def send_voice(self, chat_id: int) -> dict[str, Any]:
        return self.send_message(chat_id, voice={
            "file_id": "AwACAgIAAxkBAAEBvoice", "file_unique_id": "AgADvoice", "duration": 3,
            "mime_type": "audio/ogg"})

    def send_document(self, chat_id: int) -> dict[str, Any]:
        return self.send_message(chat_id, document={
            "file_id": "BQACAgIAAxkBAAEBdoc", "file_unique_id": "AgADdoc",
            "file_name": "x-ray.pdf", "mime_type": "application/pdf"})

    def send_channel_post(self, chat_id: int, text: str) -> dict[str, Any]:
        """A post in a channel the bot is in: a `channel_post` update whose message has no
        `from` (channels post as themselves, `sender_chat`); returns the message."""
        chat = self.add_chat(chat_id, "channel")
        message = {"message_id": next(self._message_ids[chat_id]), "sender_chat": dict(chat),
                   "chat": dict(chat), "date": int(time.time()), "text": text}
        self._user_messages[(chat_id, message["message_id"])] = message
        self.queue({"channel_post": message})
        return message

    def send_unreadable(self, chat_id: int, *, text: str = "forwarded poll",
                        name: str = "Poison") -> dict[str, Any]:
        """A message python-telegram-bot cannot read: a forwarded poll without a field the
        library requires (as an older or newer Bot API server sends it), from a user named
        `name` (also their username) with a caption `text`. Returns the queued update."""
        chat = self.add_chat(chat_id)
        message = {"message_id": next(self._message_ids[chat_id]),
                   "from": {"id": chat_id, "is_bot": False, "first_name": name,
                            "username": name.lower()},
                   "chat": dict(chat), "date": int(time.time()), "caption": text,
                   "poll": {"id": "5", "question": text, "options": [
                       {"text": "yes", "voter_count": 1}], "total_voter_count": 1,
                       "is_closed": True, "is_anonymous": True, "type": "regular",
                       "allows_multiple_answers": False}}
        return self.queue({"message": message})

    def member_update(self, chat_id: int, status: str, *, old_status: str = "member",
                      chat_type: str = "private") -> dict[str, Any]:
        """The bot's membership of a chat changes, as Telegram reports it: a `my_chat_member`
        update, e.g. status "kicked" when the user blocks the bot, "member" when they unblock
        it. Only the update: it does not make sends fail (that is `block`)."""
        chat = self.add_chat(chat_id, chat_type)
        bot = {"id": self.bot_id, "is_bot": True, "first_name": "Heel",
               "username": self.bot_username}

        def member(state: str) -> dict[str, Any]:
            return {"user": bot, "status": state, **({"until_date": 0} if state == "kicked"
                                                     else {})}

        update = {"my_chat_member": {
            "chat": dict(chat), "from": self._user(chat_id, None), "date": int(time.time()),
            "old_chat_member": member(old_status), "new_chat_member": member(status)}}
        return self.queue(update)

    def edit_text(self, chat_id: int, message_id: int, text: str) -> dict[str, Any]:
        """The user edits one of their messages: an `edited_message` update."""
        original = self._user_messages[(chat_id, message_id)]
        edited = {**original, "text": text, "edit_date": int(time.time())}
        self._user_messages[(chat_id, message_id)] = edited
        self.queue({"edited_message": edited})
        return edited

    def press(self, chat_id: int, message_id: int, data: str | None, *,
              user_id: int | None = None) -> str:
        """The user presses a button with `data` on the bot's message; returns the query id.

        Any data may be pressed (a stale keyboard cached by a client, or a forged query); use
        `press_button` to press only what the message currently shows. `None` sends a query
        without `data`, as a game button does, or a modified client (the field is optional in
        Telegram's client API).
        """
        message = self._find_bot_message(chat_id, message_id)
        query_id = f"{chat_id}-{next(self._query_ids)}"
        self._queries[query_id] = {"chat_id": chat_id}
        query = {"id": query_id, "from": self._user(chat_id, user_id),
                 "message": self._message_json(message), "chat_instance": f"ci{chat_id}"}
        if data is not None:
            query["data"] = data
        self.queue({"callback_query": query})
        return query_id

    def press_button(self, chat_id: int, message_id: int, label: str) -> str:
        """Press the visible button whose text contains `label`; returns the query id."""
        message = self._find_bot_message(chat_id, message_id)
        button = message.button(label)
        if button.callback_data is None:
            raise AssertionError(f"button {button.text!r} has no callback data")
        return self.press(chat_id, message_id, button.callback_data)

    # ----------------------------------------------------------------- inspection

    def transcript(self, chat_id: int) -> list[BotMessage]:
        """The bot's messages in this chat, in order, as they look now (copies)."""
        return [copy.deepcopy(m) for m in self._bot_messages.get(chat_id, [])]

    def last(self, chat_id: int) -> BotMessage:
        """The bot's latest message in this chat."""
        messages = self._bot_messages.get(chat_id)
        if not messages:
            raise AssertionError(f"the bot has not written to chat {chat_id}")
        return copy.deepcopy(messages[-1])

    def chats_written(self) -> set[int]:
        """Every chat the bot has sent a message to."""
        return {c for c, ms in self._bot_messages.items() if ms}

    def methods(self, method: str | None = None, *, ok_only: bool = False) -> list[Call]:
        """Calls made, optionally only of one method (case-insensitive) / only successful ones."""
        return [c for c in self.calls
                if (method is None or c.method.lower() == method.lower())
                and (not ok_only or c.status == 200)]

    def unanswered_queries(self) -> list[str]:
        """Callback queries the bot has not answered (a spinning button for the user)."""
        return [q for q in self._queries if q not in self.callback_answers]

    def pending_updates(self) -> int:
        """Updates queued and not yet confirmed by the bot."""
        return len(self._updates)

    async def wait_for(self, chat_id: int, predicate: Callable[[list[BotMessage]], object],
                       within: float = 10.0) -> list[BotMessage]:
        """Wait until `predicate(transcript)` is true; returns a copy of that transcript.

        The predicate sees the live messages (re-checked on every change, so no copies are
        made while waiting): it must only read them.
        """
        await self._wait_chat(chat_id, predicate, within)
        return self.transcript(chat_id)

    async def _wait_chat(self, chat_id: int, predicate: Callable[[list[BotMessage]], object],
                         within: float) -> None:
        def check() -> bool:
            return bool(predicate(self._bot_messages.get(chat_id, [])))

        await self._wait(check, within, lambda: f"chat {chat_id}: "
                         f"{[m.text[:60] for m in self.transcript(chat_id)]}", chat_id)

    async def wait_messages(self, chat_id: int, count: int,
                            within: float = 10.0) -> list[BotMessage]:
        """Wait until the bot has sent at least `count` messages to the chat."""
        return await self.wait_for(chat_id, lambda t: len(t) >= count, within)

    async def wait_text(self, chat_id: int, needle: str, after: int = 0, *,
                        keyboard: bool | None = None, within: float = 10.0) -> BotMessage:
        """The first bot message with id > `after` whose text contains `needle` (optionally
        only one that has / has not an inline keyboard), once there is one."""

        def found(transcript: list[BotMessage]) -> BotMessage | None:
            for m in transcript:
                if m.message_id > after and needle in m.text and (
                        keyboard is None or m.has_keyboard == keyboard):
                    return m
            return None

        await self._wait_chat(chat_id, found, within)
        message = found(self._bot_messages[chat_id])
        assert message is not None
        return copy.deepcopy(message)

    def last_id(self, chat_id: int) -> int:
        """The newest message id in the chat (user's or bot's), 0 if none."""
        messages = [m.message_id for m in self._bot_messages.get(chat_id, [])]
        messages += [mid for (cid, mid) in self._user_messages if cid == chat_id]
        return max(messages, default=0)

    async def wait_answer(self, query_id: str, within: float = 10.0) -> CallbackAnswer:
        """Wait until the bot answers the callback query."""
        chat_id = self._queries[query_id]["chat_id"] if query_id in self._queries else None
        await self._wait(lambda: query_id in self.callback_answers, within,
                         lambda: f"callback query {query_id} not answered", chat_id)
        return self.callback_answers[query_id]

    async def wait_until(self, condition: Callable[[], object], within: float = 10.0) -> None:
        """Wait until `condition()` is true (re-checked whenever the stand-in sees activity)."""
        await self._wait(lambda: bool(condition()), within, lambda: "condition")

    async def wait_idle(self, quiet: float = 0.2, within: float = 15.0) -> None:
        """Wait until every queued update was fetched and confirmed, no bot request is in flight
        (long polls aside), and nothing happened for `quiet` seconds.

        A heuristic for "the bot has nothing more to say": prefer `wait_for` when a reply is
        expected; use this before asserting that something did NOT happen.
        """
        deadline = time.monotonic() + within
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"not idle: {len(self._updates)} updates pending, "
                                     f"{self._inflight} requests in flight")
            await self._wait(lambda: not self._updates and self._inflight == 0, remaining,
                             lambda: f"{len(self._updates)} updates pending")
            since = time.monotonic() - self._last_activity
            if since >= quiet and not self._updates and self._inflight == 0:
                return
            await asyncio.sleep(max(quiet - since, 0.01))

    async def _wait(self, check: Callable[[], bool], within: float,
                    describe: Callable[[], str], chat_id: int | None = None) -> None:
        try:
            async with asyncio.timeout(within):
                await self._until(check, chat_id)
        except TimeoutError:
            raise AssertionError(f"timed out after {within}s waiting: {describe()}") from None

    # ----------------------------------------------------------------- faults

    def fail_next(self, method: str, kind: str, count: int = 1, retry_after: int = 1,
                  chat_id: int | None = None) -> None:
        """Make the next `count` calls of `method` (optionally only for `chat_id`) fail."""
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; one of {FAULT_KINDS}")
        self._faults.append(_Fault(method.lower(), kind, count, retry_after, chat_id))

    def faults_left(self) -> int:
        return sum(f.count for f in self._faults)

    def block(self, chat_id: int) -> None:
        """The user blocks the bot: every send to their chat gets 403 Forbidden."""
        self.blocked.add(chat_id)

    def unblock(self, chat_id: int) -> None:
        """The user unblocks the bot: sends to their chat work again."""
        self.blocked.discard(chat_id)

    def hold(self, chat_id: int) -> None:
        """Leave the bot's requests about `chat_id` unanswered until `release(chat_id)`: sends
        and edits to the chat, and answers to its button presses (a slow path to one user).
        Held requests are processed in the order they arrived once released; they count as in
        flight, so `wait_idle` waits for them."""
        self._held.setdefault(chat_id, asyncio.Event())

    def release(self, chat_id: int, *, drop: bool = False) -> None:
        """Process the requests `hold` kept waiting, and stop holding the chat. With `drop`,
        they are not processed but dropped (the connection closed without an answer): as when
        the bot was killed with them on their way, and they never reached Telegram."""
        event = self._held.pop(chat_id, None)
        if event is not None:
            if drop:
                self._dropped.add(event)
            event.set()

    def on_call(self, method: str,
                hook: Callable[[dict[str, Any]], object]) -> Callable[[], None]:
        """Call `hook(params)` whenever the bot calls `method` (case-insensitive), at the
        moment the stand-in is about to carry the call out (after fault injection, before any
        effect): e.g. to check what the bot's store holds when a reply goes out. The call then
        proceeds as usual; an exception the hook raises is kept in `hook_errors` (assert that
        it is empty) rather than failing the request. Returns a function that removes the
        hook."""
        entry = (method.lower(), hook)
        self._hooks.append(entry)
        return lambda: self._hooks.remove(entry)

    def _about_chat(self, name: str, params: dict[str, Any]) -> int | None:
        """The chat a request concerns: its chat_id, or the chat of the pressed button."""
        if name == "answercallbackquery":
            query = self._queries.get(str(params.get("callback_query_id", "")))
            return None if query is None else int(query["chat_id"])
        return _int_or_none(params.get("chat_id")) if name in _SEND_METHODS else None

    def _take_fault(self, method: str, params: dict[str, Any]) -> _Fault | None:
        for fault in self._faults:
            if fault.method != method or fault.count <= 0:
                continue
            if fault.chat_id is not None and _int_or_none(params.get("chat_id")) != fault.chat_id:
                continue
            fault.count -= 1
            self._faults = [f for f in self._faults if f.count > 0]
            return fault
        return None

    # ----------------------------------------------------------------- webhook helper

    async def post_webhook(self, url: str, update: dict[str, Any], secret: str | None = None,
                           ) -> httpx.Response:
        """POST an update to the bot's webhook server as Telegram would."""
        headers = {"Content-Type": "application/json"}
        if secret is not None:
            headers["X-Telegram-Bot-Api-Secret-Token"] = secret
        async with httpx.AsyncClient(timeout=10) as client:
            return await client.post(url, content=json.dumps(update).encode(), headers=headers)

    async def _deliver_webhook(self) -> None:
        """While a webhook is set, push queued updates to it in order, retrying on failure."""
        client = self._webhook_client = self._webhook_client or httpx.AsyncClient(timeout=10)
        while True:
            await self._until(lambda: bool(self._updates) and bool(self.webhook))
            hook = self.webhook
            assert hook is not None
            update = self._updates[0]
            headers = {"Content-Type": "application/json"}
            if hook.get("secret_token"):
                headers["X-Telegram-Bot-Api-Secret-Token"] = hook["secret_token"]
            try:
                response = await client.post(hook["url"], content=json.dumps(update).encode(),
                                             headers=headers)
                delivered = 200 <= response.status_code < 300
            except httpx.HTTPError:
                delivered = False
            if delivered:
                if self._updates and self._updates[0] is update:
                    self._updates.pop(0)
                self._touch()
            else:
                await asyncio.sleep(0.05)

    # ----------------------------------------------------------------- HTTP server

    async def _on_connection(self, reader: asyncio.StreamReader,
                             writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._connections.add(task)
        self._writers.add(writer)
        try:
            while True:
                request = await _read_request(reader)
                if request is None:
                    break
                keep_alive = request.headers.get("connection", "").lower() != "close"
                try:
                    status, body, ctype = await self._handle(request)
                except _Drop:
                    writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                 b"Content-Length: 400\r\n\r\n{\"ok\":tr")
                    await writer.drain()
                    break
                except _Hold:
                    with contextlib.suppress(TimeoutError, ConnectionError):
                        async with asyncio.timeout(self.hold_seconds):
                            while await reader.read(65536):
                                pass
                    break
                head = (f"HTTP/1.1 {status} {_REASONS.get(status, 'Error')}\r\n"
                        f"Content-Type: {ctype}\r\nContent-Length: {len(body)}\r\n"
                        f"Connection: {'keep-alive' if keep_alive else 'close'}\r\n\r\n")
                writer.write(head.encode("latin-1") + body)
                await writer.drain()
                if not keep_alive:
                    break
        except (ConnectionError, asyncio.IncompleteReadError, ValueError):
            pass
        except asyncio.CancelledError:
            # Cancelled by close(). Ending normally rather than as cancelled matters on
            # Python 3.11, whose stream protocol logs "Exception in callback" otherwise.
            pass
        finally:
            self._writers.discard(writer)
            writer.close()
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await writer.wait_closed()
            self._connections.discard(task)

    async def _handle(self, request: _Request) -> tuple[int, bytes, str]:
        path = urlsplit(request.target)
        m = re.fullmatch(r"/bot([^/]*)/([A-Za-z]+)", path.path)
        if m is None:
            return 404, json.dumps({"ok": False, "error_code": 404,
                                    "description": "Not Found"}).encode(), "application/json"
        token, method = m.group(1), m.group(2)
        self.token_seen_in_paths.add(token)
        params = _parse_params(request, path.query)
        call = Call(method, params, started=time.monotonic())
        self.calls.append(call)
        name = method.lower()
        self._inflight += 1
        self._touch()
        try:
            if token != self.token:
                raise ApiError(401, "Unauthorized")
            fault = self._take_fault(name, params)
            if fault is not None:
                call.fault = fault.kind
                if fault.kind == "429":
                    raise ApiError(429, f"Too Many Requests: retry after {fault.retry_after}",
                                   {"retry_after": fault.retry_after})
                if fault.kind == "500":
                    raise ApiError(500, "Internal Server Error")
                if fault.kind == "502":
                    call.status = 502
                    return 502, _NGINX_502, "text/html"
                if fault.kind == "drop":
                    raise _Drop
                if fault.kind == "timeout":
                    raise _Hold
                if fault.kind == "401":
                    raise ApiError(401, "Unauthorized")
                if fault.kind == "too_old":
                    raise _bad(TOO_OLD)
            about = self._about_chat(name, params)
            if about is not None and about in self._held:
                gate = self._held[about]
                await gate.wait()
                if gate in self._dropped:
                    raise _Drop
            for method_name, hook in self._hooks:
                if method_name == name:
                    try:
                        hook(params)
                    except Exception as exc:  # kept for the test to assert on
                        self.hook_errors.append(exc)
            handler = self._handlers().get(name)
            if handler is None:
                raise ApiError(404, "Not Found")
            if name in _SEND_METHODS:
                chat_id = _int_or_none(params.get("chat_id"))
                if chat_id in self.blocked:
                    raise ApiError(403, "Forbidden: bot was blocked by the user")
            result = await handler(params)
            if fault is not None and fault.kind == "drop_processed":
                raise _Drop
            call.status = 200
            return 200, json.dumps({"ok": True, "result": result}).encode(), "application/json"
        except ApiError as err:
            call.status = err.code
            return err.code, json.dumps(err.payload()).encode(), "application/json"
        finally:
            self._inflight -= 1
            self._touch()

    def _handlers(self) -> dict[str, Callable[[dict[str, Any]], Awaitable[Any]]]:
        return {
            "getme": self._get_me, "getupdates": self._get_updates,
            "sendmessage": self._send_message, "editmessagetext": self._edit_text,
            "editmessagereplymarkup": self._edit_markup,
            "answercallbackquery": self._answer_callback, "setmycommands": self._set_commands,
            "getmycommands": self._get_commands, "deletemycommands": self._delete_commands,
            "setmydescription": self._set_description,
            "getmydescription": self._get_description,
            "setmyshortdescription": self._set_short_description,
            "getmyshortdescription": self._get_short_description,
            "deletewebhook": self._delete_webhook, "setwebhook": self._set_webhook,
            "getwebhookinfo": self._get_webhook_info, "sendchataction": self._chat_action,
            "deletemessage": self._delete_message, "close": self._true, "logout": self._true,
        }

    def _touch(self, chat_id: int | None = None) -> None:
        """Wake the waiters: those on any change, and those on `chat_id`'s changes. They
        re-check their condition against the new state. (Per-chat events keep hundreds of
        waiting chats from re-checking on every change in every other chat.)"""
        self._last_activity = time.monotonic()
        self._changed.set()
        self._changed = asyncio.Event()
        if chat_id is not None and chat_id in self._chat_changed:
            self._chat_changed.pop(chat_id).set()

    async def _until(self, check: Callable[[], bool], chat_id: int | None = None) -> None:
        while not check():
            if chat_id is None:
                await self._changed.wait()
            else:
                await self._chat_changed.setdefault(chat_id, asyncio.Event()).wait()

    # ----------------------------------------------------------------- methods

    async def _true(self, params: dict[str, Any]) -> bool:
        return True

    async def _get_me(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"id": self.bot_id, "is_bot": True, "first_name": "Heel", "username":
                self.bot_username, "can_join_groups": True, "can_read_all_group_messages": False,
                "supports_inline_queries": False, "can_connect_to_business": False,
                "has_main_web_app": False}

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        if self.webhook is not None:
            raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active;"
                                " use deleteWebhook to delete the webhook first")
        offset = _int(params, "offset", 0)
        limit = min(max(_int(params, "limit", 100), 1), 100)
        timeout = max(float(params.get("timeout", 0) or 0), 0.0)
        allowed = params.get("allowed_updates") or None
        if offset > 0:
            self._confirmed_below = max(self._confirmed_below, offset)
        elif offset < 0:
            keep = self._updates[offset:]
            self._confirmed_below = keep[0]["update_id"] if keep else self._confirmed_below
        self._updates = [u for u in self._updates if u["update_id"] >= self._confirmed_below]
        if allowed:
            # Updates of types the bot did not ask for are skipped, as Telegram does.
            self._updates = [u for u in self._updates
                             if any(k in allowed for k in u if k != "update_id")]
        self._touch()
        self._poll_generation += 1
        generation = self._poll_generation
        # A long poll is not a request "in flight" for wait_idle.
        self._inflight -= 1
        try:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(timeout):
                    await self._until(
                        lambda: bool(self._updates) or self._poll_generation != generation)
        finally:
            self._inflight += 1
        if self._poll_generation != generation:
            raise ApiError(409, "Conflict: terminated by other getUpdates request; make sure "
                                "that only one bot instance is running")
        return copy.deepcopy(self._updates[:limit])

    def _chat(self, params: dict[str, Any]) -> int:
        chat_id = _int_or_none(params.get("chat_id"))
        if chat_id is None:
            raise _bad("chat_id is empty")
        if chat_id not in self._chats:
            raise _bad("chat not found")
        return chat_id

    def _render(self, params: dict[str, Any]) -> tuple[str, list[dict[str, Any]]]:
        text = params.get("text")
        if not isinstance(text, str) or not text.strip():
            raise _bad("message text is empty")
        mode = (params.get("parse_mode") or "").lower()
        if mode == "html":
            plain, entities = parse_html(text)
        else:
            plain, entities = text, params.get("entities") or []
        if not plain.strip():
            raise _bad("message text is empty")
        if _utf16_len(plain) > 4096:
            raise _bad("message is too long")
        return plain, entities

    def _markup(self, params: dict[str, Any]) -> dict[str, Any] | None:
        markup = params.get("reply_markup")
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise _bad("can't parse reply keyboard markup JSON object")
        if "inline_keyboard" in markup:
            rows = markup["inline_keyboard"]
            if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
                raise _bad("field \"inline_keyboard\" of the InlineKeyboardMarkup should be an "
                           "Array of Arrays")
            if sum(len(r) for r in rows) > 100:
                raise _bad("too many buttons")
            for row in rows:
                for button in row:
                    if not isinstance(button, dict) or not button.get("text"):
                        raise _bad("can't parse inline keyboard button: Text buttons are "
                                   "unallowed in the inline keyboard")
                    data = button.get("callback_data")
                    if data is not None and not 1 <= len(str(data).encode("utf-8")) <= 64:
                        raise _bad("BUTTON_DATA_INVALID")
                    kinds = [k for k in button if k != "text"]
                    if len(kinds) != 1:
                        raise _bad("can't parse inline keyboard button: exactly one of the "
                                   "optional fields must be used")
            return markup if any(rows) else None
        return None  # reply keyboards and ForceReply are not shown as inline buttons

    async def _send_message(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = self._chat(params)
        plain, entities = self._render(params)
        markup = self._markup(params)
        message = BotMessage(chat_id, next(self._message_ids[chat_id]), plain,
                             str(params["text"]), params.get("parse_mode"), markup, entities,
                             int(time.time()))
        self._bot_messages[chat_id].append(message)
        self._touch(chat_id)
        return self._message_json(message)

    def _find_bot_message(self, chat_id: int, message_id: int) -> BotMessage:
        for message in self._bot_messages.get(chat_id, []):
            if message.message_id == message_id:
                return message
        raise KeyError(f"no bot message {message_id} in chat {chat_id}")

    def _target(self, params: dict[str, Any]) -> BotMessage:
        if params.get("inline_message_id"):
            raise _bad("inline messages are not supported by the stand-in")
        chat_id = self._chat(params)
        message_id = _int_or_none(params.get("message_id"))
        if message_id is None:
            raise _bad("message identifier is not specified")
        try:
            return self._find_bot_message(chat_id, message_id)
        except KeyError:
            if (chat_id, message_id) in self._user_messages:
                raise _bad("message can't be edited") from None
            raise _bad("message to edit not found") from None

    async def _edit_text(self, params: dict[str, Any]) -> dict[str, Any]:
        message = self._target(params)
        plain, entities = self._render(params)
        # Telegram drops the inline keyboard when an edit does not repeat it.
        markup = self._markup(params)
        if (plain, entities, markup) == (message.text, message.entities, message.reply_markup):
            raise _bad("message is not modified: specified new message content and reply "
                       "markup are exactly the same as a current content and reply markup of "
                       "the message")
        message.edits.append(message.text)
        message.text, message.raw, message.entities = plain, str(params["text"]), entities
        message.parse_mode, message.reply_markup = params.get("parse_mode"), markup
        self._touch(message.chat_id)
        return self._message_json(message)

    async def _edit_markup(self, params: dict[str, Any]) -> dict[str, Any]:
        message = self._target(params)
        markup = self._markup(params)
        if markup == message.reply_markup:
            raise _bad("message is not modified: specified new message content and reply "
                       "markup are exactly the same as a current content and reply markup of "
                       "the message")
        message.reply_markup = markup
        self._touch(message.chat_id)
        return self._message_json(message)

    async def _delete_message(self, params: dict[str, Any]) -> bool:
        message = self._target(params)
        self._bot_messages[message.chat_id].remove(message)
        self._touch(message.chat_id)
        return True

    async def _answer_callback(self, params: dict[str, Any]) -> bool:
        query_id = str(params.get("callback_query_id", ""))
        if query_id not in self._queries or query_id in self.callback_answers:
            raise _bad(TOO_OLD)
        text = params.get("text")
        if text is not None and len(str(text)) > 200:
            raise _bad("MESSAGE_TOO_LONG")
        self.callback_answers[query_id] = CallbackAnswer(
            None if text is None else str(text), _bool(params.get("show_alert")))
        self._touch(self._queries[query_id]["chat_id"])
        return True

    async def _set_commands(self, params: dict[str, Any]) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise _bad("can't parse commands JSON object")
        for c in commands:
            if not re.fullmatch(r"[a-z0-9_]{1,32}", str(c.get("command", ""))):
                raise _bad("BOT_COMMAND_INVALID")
            if not 1 <= len(str(c.get("description", ""))) <= 256:
                raise _bad("BOT_COMMAND_DESCRIPTION_INVALID")
        self.commands = commands
        return True

    async def _get_commands(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        return list(self.commands)

    async def _delete_commands(self, params: dict[str, Any]) -> bool:
        self.commands = []
        return True

    def _described(self, params: dict[str, Any], field: str, limit: int,
                   into: dict[str, str]) -> bool:
        """set(Short)Description: at most `limit` characters; empty (or none) removes it."""
        text = str(params.get(field) or "")
        if len(text) > limit:
            raise _bad(f"{field} is too long" if field == "description"
                       else "short description is too long")
        language = str(params.get("language_code") or "")
        if text:
            into[language] = text
        else:
            into.pop(language, None)
        return True

    async def _set_description(self, params: dict[str, Any]) -> bool:
        return self._described(params, "description", 512, self.descriptions)

    async def _get_description(self, params: dict[str, Any]) -> dict[str, Any]:
        language = str(params.get("language_code") or "")
        return {"description": self.descriptions.get(language, "")}

    async def _set_short_description(self, params: dict[str, Any]) -> bool:
        return self._described(params, "short_description", 120, self.short_descriptions)

    async def _get_short_description(self, params: dict[str, Any]) -> dict[str, Any]:
        language = str(params.get("language_code") or "")
        return {"short_description": self.short_descriptions.get(language, "")}

    async def _delete_webhook(self, params: dict[str, Any]) -> bool:
        self.webhook = None
        if _bool(params.get("drop_pending_updates")):
            self._updates.clear()
        return True

    async def _set_webhook(self, params: dict[str, Any]) -> bool:
        url = str(params.get("url", ""))
        if not url:
            self.webhook = None
            return True
        secret = params.get("secret_token")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", str(secret)):
            raise _bad("secret token contains unallowed characters")
        self.webhook = {"url": url, "secret_token": secret,
                        "allowed_updates": params.get("allowed_updates")}
        if _bool(params.get("drop_pending_updates")):
            self._updates.clear()
        if self._webhook_task is None:
            self._webhook_task = asyncio.get_running_loop().create_task(self._deliver_webhook())
        return True

    async def _get_webhook_info(self, params: dict[str, Any]) -> dict[str, Any]:
        hook = self.webhook or {}
        return {"url": hook.get("url", ""), "has_custom_certificate": False,
                "pending_update_count": len(self._updates)}

    async def _chat_action(self, params: dict[str, Any]) -> bool:
        self._chat(params)
        return True

    def _message_json(self, message: BotMessage) -> dict[str, Any]:
        data: dict[str, Any] = {
            "message_id": message.message_id,
            "from": {"id": self.bot_id, "is_bot": True, "first_name": "Heel",
                     "username": self.bot_username},
            "chat": dict(self._chats[message.chat_id]), "date": message.date,
            "text": message.text}
        if message.entities:
            data["entities"] = message.entities
        if message.edits:
            data["edit_date"] = int(time.time())
        if message.reply_markup is not None:
            data["reply_markup"] = message.reply_markup
        return data


# --------------------------------------------------------------------- HTTP parsing


async def _read_request(reader: asyncio.StreamReader) -> _Request | None:
    line = await reader.readline()
    if not line.strip():
        return None
    method, target, _version = line.decode("latin-1").rstrip("\r\n").split(" ", 2)
    headers: dict[str, str] = {}
    while True:
        raw = await reader.readline()
        if raw in (b"\r\n", b"\n", b""):
            break
        key, _, value = raw.decode("latin-1").partition(":")
        headers[key.strip().lower()] = value.strip()
    if "chunked" in headers.get("transfer-encoding", "").lower():
        chunks = []
        while True:
            size = int((await reader.readline()).split(b";")[0].strip() or b"0", 16)
            if size == 0:
                await reader.readline()
                break
            chunks.append(await reader.readexactly(size))
            await reader.readline()
        body = b"".join(chunks)
    else:
        body = await reader.readexactly(int(headers.get("content-length", "0") or 0))
    return _Request(method, target, headers, body)


def _parse_params(request: _Request, query: str) -> dict[str, Any]:
    raw: dict[str, Any] = dict(parse_qsl(query, keep_blank_values=True))
    ctype = request.headers.get("content-type", "")
    if request.body:
        if ctype.startswith("application/json"):
            data = json.loads(request.body)
            if isinstance(data, dict):
                return {**raw, **data}
        elif ctype.startswith("multipart/form-data"):
            raw.update(_parse_multipart(ctype, request.body))
        else:
            raw.update(parse_qsl(request.body.decode("utf-8"), keep_blank_values=True))
    params: dict[str, Any] = {}
    for key, value in raw.items():
        if key in _OBJECT_FIELDS and isinstance(value, str):
            try:
                params[key] = json.loads(value)
            except ValueError:
                params[key] = value
        else:
            params[key] = value
    return params


def _parse_multipart(ctype: str, body: bytes) -> dict[str, Any]:
    message = email.parser.BytesParser().parsebytes(
        b"Content-Type: " + ctype.encode("latin-1") + b"\r\n\r\n" + body)
    out: dict[str, Any] = {}
    parts = message.get_payload()
    if not isinstance(parts, list):
        return out
    for part in parts:
        name = part.get_param("name", header="content-disposition")
        if not name:
            continue
        payload = part.get_payload(decode=True) or b""
        if part.get_param("filename", header="content-disposition"):
            out[str(name)] = payload
        else:
            out[str(name)] = payload.decode("utf-8")
    return out


def _int_or_none(value: object) -> int | None:
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            return int(value)
    return None


def _int(params: dict[str, Any], key: str, default: int) -> int:
    value = _int_or_none(params.get(key))
    return default if value is None else value


def _bool(value: object) -> bool:
    return value is True or (isinstance(value, str) and value.lower() in ("true", "1"))


def bot_texts(messages: Iterable[BotMessage]) -> list[str]:
    """The plain texts of messages, for compact assertions and failure output."""
    return [m.text for m in messages]


# --------------------------------------------------------------------- running an Application


@contextlib.asynccontextmanager
async def running(app: Any, *, webhook: dict[str, Any] | None = None,
                  allowed_updates: list[str] | None = None) -> AsyncIterator[Any]:
    """Run a PTB `Application` the way `run_polling` / `run_webhook` do, inside the test's loop
    (any PTB bot with an Updater: heel-bot itself is served by heel_bot.tg.serving, as
    `heel_bot` below does).

    The same steps in the same order (initialize, post_init, the updater, start; then
    updater.stop, stop, post_stop, shutdown, post_shutdown), so hooks an adapter registers on
    the builder run exactly as in production. Polls with `timeout=1` and no pause between polls;
    with `webhook` (keyword arguments for `Updater.start_webhook`), serves a webhook instead.
    """
    try:
        await app.initialize()
        if app.post_init:
            await app.post_init(app)
        if webhook is not None:
            await app.updater.start_webhook(allowed_updates=allowed_updates, **webhook)
        else:
            await app.updater.start_polling(poll_interval=0, timeout=1,
                                            allowed_updates=allowed_updates)
        await app.start()
        yield app
    finally:
        if app.updater is not None and app.updater.running:
            await app.updater.stop()
        if app.running:
            await app.stop()
            if app.post_stop:
                await app.post_stop(app)
        await app.shutdown()
        if app.post_shutdown:
            await app.post_shutdown(app)


@contextlib.contextmanager
def in_thread(**kwargs: Any) -> Iterator[BotAPIStandIn]:
    """A stand-in serving from a thread with an event loop of its own, for code under test that
    runs (and closes) its own loop in this thread: `heel-bot serve`, `run_polling`. `kwargs` go
    to `BotAPIStandIn`. Read its record (calls, commands…) once that code has returned; queue
    updates before starting it."""
    ready = threading.Event()
    box: dict[str, Any] = {}

    def serve() -> None:
        loop = asyncio.new_event_loop()
        api = BotAPIStandIn(**kwargs)
        loop.run_until_complete(api.start())
        box["api"], box["loop"] = api, loop
        ready.set()
        try:
            loop.run_forever()
            loop.run_until_complete(api.close())
        finally:
            loop.close()

    thread = threading.Thread(target=serve, name="bot-api-stand-in", daemon=True)
    thread.start()
    if not ready.wait(10):
        raise AssertionError("the stand-in did not start")
    try:
        yield box["api"]
    finally:
        box["loop"].call_soon_threadsafe(box["loop"].stop)
        thread.join(10)


# --------------------------------------------------------------------- heel-bot conversations


@dataclass(frozen=True)
class Step:
    """One answer of a planned conversation: a press (or what to type for it)."""

    question: str  # question id (for a checklist: the item ticked, or the screen's first)
    value: str  # option value; "yes" for a tick, "done" for a checklist confirmed
    label: str  # the button to press (its text contains this)
    text: str  # the text of the question or checklist it answers, as the user reads it
    typed: str | None = None  # what to type instead of pressing (None: the label)
    tick: bool = False  # a tick on a checklist: the same message, re-marked


@dataclass(frozen=True)
class Plan:
    """A whole conversation worked out with the engine: the answers and where they lead."""

    steps: tuple[Step, ...]
    level: str
    level_title: str
    answers: dict[str, str] = field(default_factory=dict)  # every slot, as stored at the end


def plan(engine: Any, choices: dict[str, str]) -> Plan:
    """Walk the engine with `choices` (question id -> value) until the outcome; a checklist
    is answered by ticking the items whose choice is yes, then done (or none of these); the
    items a plan does not name are left unticked."""
    content = engine.bundle.content
    state = engine.new_state()
    steps: list[Step] = []
    while not state.finished:
        screen = engine.screen(state)
        if screen is not None:
            state = _plan_screen(engine, state, screen, choices, steps)
            continue
        q = engine.dialog.questions[state.node]
        if q.id not in choices:
            raise KeyError(f"the plan has no answer for {q.id!r}")
        value = choices[q.id]
        option = q.option(value)
        steps.append(Step(q.id, value, content[option.label], content[q.text]))
        state = engine.choose(state, q.id, value).state
    level = engine.outcome(state).level
    return Plan(tuple(steps), level, content[f"level.{level}.title"], dict(state.answers))


def _plan_screen(engine: Any, state: Any, screen: Any, choices: dict[str, str],
                 steps: list[Step]) -> Any:
    content = engine.bundle.content
    text = content[screen.text]
    numbers = []
    for i, qid in enumerate(screen.questions, start=1):
        if choices.get(qid, "no") == "yes":  # an item the plan does not name is not ticked
            steps.append(Step(qid, "yes", content[f"q.{qid}.short"], text, tick=True))
            state = engine.tick(state, qid).state
            numbers.append(str(i))
    done = "tg.button.screen_done" if numbers else "tg.button.screen_none"
    steps.append(Step(screen.first, "done", content[done], text,
                      typed=" ".join(numbers) or "none"))
    return engine.screen_done(state).state


async def start_chat(api: BotAPIStandIn, chat_id: int, first: Step,
                     within: float = 10.0) -> BotMessage:
    """Send /start; returns the message asking the first question (with its keyboard)."""
    sent = api.send_text(chat_id, "/start")
    return await api.wait_text(chat_id, first.text, sent["message_id"], keyboard=True,
                               within=within)


async def answer_by_buttons(api: BotAPIStandIn, chat_id: int, question: BotMessage,
                            steps: Iterable[Step], then: str, *,
                            within: float = 10.0) -> BotMessage:
    """Press each step's button on the live message, checking that the next question (or, at
    the end, a message containing `then`) follows — on the pressed message, edited in place,
    or a new one; returns that last one."""
    steps = list(steps)
    current = question
    for i, step in enumerate(steps):
        assert step.text in current.text, (step.text, current.text)
        edits = len(current.edits)
        query = api.press_button(chat_id, current.message_id, step.label)
        await api.wait_answer(query, within)
        needle = steps[i + 1].text if i + 1 < len(steps) else then
        current = await next_message(api, chat_id, current.message_id, edits, needle,
                                     keyboard=True if i + 1 < len(steps) else None,
                                     within=within)
    return current


async def next_message(api: BotAPIStandIn, chat_id: int, message_id: int, edits: int,
                       needle: str, *, keyboard: bool | None = None,
                       within: float = 10.0) -> BotMessage:
    """The message that answers a press on `message_id` (which had `edits` edits): that
    message edited again, or a newer one, containing `needle`."""

    def found(transcript: list[BotMessage]) -> BotMessage | None:
        for m in transcript:
            fresh = m.message_id > message_id or (
                m.message_id == message_id and len(m.edits) > edits)
            if fresh and needle in m.text and (keyboard is None or m.has_keyboard == keyboard):
                return m
        return None

    transcript = await api.wait_for(chat_id, found, within)
    message = found(transcript)
    assert message is not None
    return message


async def answer_by_typing(api: BotAPIStandIn, chat_id: int, steps: Iterable[Step],
                           then: str, *, typed: dict[str, str] | None = None,
                           within: float = 10.0) -> BotMessage:
    """Type each step's label (or `typed[question id]`; a checklist: the numbers of the items
    ticked, or "none"), checking what follows as above."""
    steps = [s for s in steps if not s.tick]
    reply: BotMessage | None = None
    for i, step in enumerate(steps):
        words = (typed or {}).get(step.question, step.typed or step.label)
        sent = api.send_text(chat_id, words)
        needle = steps[i + 1].text if i + 1 < len(steps) else then
        reply = await api.wait_text(chat_id, needle, sent["message_id"], within=within)
    assert reply is not None
    return reply


def walked(engine: Engine, steps: Iterable[Step]) -> State:
    """The state a plan's `steps`, taken from the start, lead to (worked out with the engine):
    to compare with what the store holds part of the way through."""
    state = engine.new_state()
    for step in steps:
        if step.tick:
            state = engine.tick(state, step.question).state
        elif step.value == "done" and engine.screen(state) is not None:
            state = engine.screen_done(state).state
        else:
            state = engine.choose(state, step.question, step.value).state
    return state


def ended(engine: Engine, answers: dict[str, str]) -> State:
    """The state a conversation answered from `answers` (slot or question id -> value) ends
    in, worked out with the engine; a checklist has the items whose answer is yes ticked,
    then done (an item `answers` does not name is left unticked)."""
    state = engine.new_state()
    for _ in range(80):
        if state.finished:
            return state
        screen = engine.screen(state)
        if screen is not None:
            for qid in screen.questions:
                q = engine.dialog.questions[qid]
                if answers.get(q.slot, answers.get(qid)) == "yes" and \
                        state.answers.get(q.slot) != "yes":
                    state = engine.tick(state, qid).state
            state = engine.screen_done(state).state
            continue
        q = engine.dialog.questions[state.node]
        state = engine.choose(state, q.id, answers.get(q.slot, answers.get(q.id, ""))).state
    raise AssertionError("no outcome within 80 answers")


def showing(engine: Engine, message: BotMessage) -> Any:
    """The checklist screen (a `Screen`) or the question (a `Question`) a bot message shows
    with its buttons, found by its text as the user reads it; None when it shows neither."""
    if not message.has_keyboard:
        return None
    content = engine.bundle.content
    for screen in engine.dialog.screens.values():
        if content[screen.text] in message.text:
            return screen
    return asked(engine, message)


def live_card(api: BotAPIStandIn, engine: Engine, chat_id: int) -> tuple[BotMessage, Any]:
    """The chat's newest message showing a question or a checklist with its buttons (the
    live card, edited in place by every press), and what it shows."""
    for message in reversed(api.transcript(chat_id)):
        shown = showing(engine, message)
        if shown is not None:
            return message, shown
    raise AssertionError(f"no question or checklist with buttons in chat {chat_id}")


async def reply_in_place(api: BotAPIStandIn, chat_id: int, message: BotMessage, mark: int,
                         within: float = 10.0) -> BotMessage:
    """The reply to a press on `message` (as it was before the press; `mark`: the chat's
    newest message id then): `message` edited again, with buttons, or else the first message
    after `mark` once one with buttons has come."""

    def found(transcript: list[BotMessage]) -> BotMessage | None:
        newer = [m for m in transcript if m.message_id > mark]
        for m in transcript:
            if m.message_id == message.message_id and len(m.edits) > len(message.edits) \
                    and m.has_keyboard:
                return m
        return newer[0] if any(m.has_keyboard for m in newer) else None

    transcript = await api.wait_for(chat_id, found, within)
    reply = found(transcript)
    assert reply is not None
    return reply


async def press_on(api: BotAPIStandIn, chat_id: int, message: BotMessage, label: str,
                   within: float = 10.0) -> BotMessage:
    """Press `label` on `message`, wait until the press is answered and its reply has come
    (see `reply_in_place`); returns the reply."""
    mark = api.last_id(chat_id)
    await api.wait_answer(api.press_button(chat_id, message.message_id, label), within)
    return await reply_in_place(api, chat_id, message, mark, within)


async def press_value(api: BotAPIStandIn, engine: Engine, chat_id: int, value: str,
                      within: float = 10.0) -> BotMessage:
    """Press the option `value` of the question on the live card; returns the reply."""
    message, q = live_card(api, engine, chat_id)
    option = q.option(value)
    assert option is not None, (q.id, value)
    return await press_on(api, chat_id, message, engine.bundle.content[option.label], within)


async def press_all(api: BotAPIStandIn, engine: Engine, chat_id: int,
                    answers: dict[str, str], within: float = 10.0) -> BotMessage:
    """Answer by buttons, as a user reading the screen would: on the live card, press the
    option `answers` gives for the question's slot (or id), or on a checklist tick the items
    whose answer is yes (an item not named is left as it is shown) and press Done / None of
    these, until a reply shows nothing more to answer; returns that reply (the outcome)."""
    content = engine.bundle.content
    tick = content["ui.screen.tick"]
    for _ in range(80):
        message, shown = live_card(api, engine, chat_id)
        if shown in engine.dialog.screens.values():
            for qid in shown.questions:
                q = engine.dialog.questions[qid]
                want = answers.get(q.slot, answers.get(qid))
                on = message.button(content[f"q.{qid}.short"]).text.startswith(tick)
                if want is not None and (want == "yes") != on:
                    message = await press_on(api, chat_id, message, content[f"q.{qid}.short"],
                                             within)
            done = "tg.button.screen_done" if any(
                b.text.startswith(tick) for b in message.buttons) else "tg.button.screen_none"
            reply = await press_on(api, chat_id, message, content[done], within)
        else:
            value = answers.get(shown.slot, answers.get(shown.id))
            assert value is not None, f"no answer for slot {shown.slot!r}"
            reply = await press_value(api, engine, chat_id, value, within)
        if showing(engine, api.last(chat_id)) is None:
            return reply
    raise AssertionError("no outcome within 80 answers")


def text(engine: Engine, key: str, **params: object) -> str:
    """A content text as the user reads it (its first line, for texts with paragraphs)."""
    value: str = engine.bundle.content.get(key, **params) if params else \
        engine.bundle.content[key]
    return value.strip().splitlines()[0]


def prefix(engine: Engine, key: str) -> str:
    """A content text up to its first placeholder (for values the test cannot predict)."""
    return str(engine.bundle.content[key]).split("{", 1)[0].strip()


@contextlib.asynccontextmanager
async def heel_bot(api: BotAPIStandIn, db: Path, engine: Engine, *, store: Store | None = None,
                   build: dict[str, Any] | None = None, options: Any = None,
                   **settings: Any) -> AsyncIterator[Any]:
    """The production Application, built from its parts as `heel-bot serve` builds it: the
    stand-in's settings, `store` (default: a Store on `db`, closed by the app at shutdown) and
    `build` as further parts (rate_limiter, clock, sleep, request…); served as `heel-bot serve`
    serves it (heel_bot.tg.serving: long polling with a 1 s long poll unless `options` say
    otherwise, or a webhook when `settings` name one), stopped cleanly after. `settings` are
    ServeConfig fields."""
    from heel_bot.tg.app import build_application
    from heel_bot.tg.serving import Options, serving

    config = ServeConfig(token=api.token, api_url=api.base_url, db_path=db, **settings)
    app = build_application(config, engine=engine, store=store or SqliteStore(db), **(build or {}))
    async with serving(app, options or Options(poll_timeout=1)):
        yield app


def stored(db: Path, chat_id: int) -> State | None:
    """The chat's conversation as the store holds it."""
    store = SqliteStore(db)
    try:
        raw = store.load(chat_id)
    finally:
        store.close()
    return None if raw is None else State.from_json(raw)


def rows(db: Path, chat_id: int) -> int:
    """How many rows of the chat the store holds, in all tables."""
    store = SqliteStore(db)
    try:
        return store.chat_rows(chat_id)
    finally:
        store.close()


def reminders(db: Path, chat_id: int) -> int:
    """How many check-ins the chat has booked."""
    store = SqliteStore(db)
    try:
        return len(store.reminders(chat_id))
    finally:
        store.close()


def containing(transcript: list[BotMessage], needle: str) -> list[BotMessage]:
    """The messages whose current text contains `needle`."""
    return [m for m in transcript if needle in m.text]


def with_button(transcript: list[BotMessage], label: str, after: int = 0) -> BotMessage:
    """The last message after `after` that shows a button `label`."""
    for m in reversed(transcript):
        if m.message_id > after:
            with contextlib.suppress(AssertionError):
                m.button(label)
                return m
    raise AssertionError(f"no {label!r} button in {[m.text[:40] for m in transcript]}")


async def reach_outcome(api: BotAPIStandIn, chat_id: int, p: Plan) -> BotMessage:
    """/start and the plan's answers by buttons; returns the (first) outcome message."""
    first = await start_chat(api, chat_id, p.steps[0])
    return await answer_by_buttons(api, chat_id, first, p.steps, p.level_title)


async def outcome_buttons(api: BotAPIStandIn, engine: Engine, chat_id: int,
                          outcome: BotMessage) -> BotMessage:
    """The message carrying the outcome's buttons (the outcome itself, or its last part)."""
    label = text(engine, "tg.button.summary")
    await api.wait_for(chat_id, lambda t: any(
        m.message_id >= outcome.message_id and label in [b.text for b in m.buttons] for m in t))
    return with_button(api.transcript(chat_id), label, outcome.message_id - 1)


async def book(api: BotAPIStandIn, engine: Engine, chat: int, p: Plan, days: int) -> BotMessage:
    """Reach the plan's outcome and book a check-in; returns the confirmation."""
    outcome = await reach_outcome(api, chat, p)
    footer = await outcome_buttons(api, engine, chat, outcome)
    query = api.press_button(chat, footer.message_id,
                             text(engine, "tg.button.remind_days", days=str(days)))
    await api.wait_answer(query)
    return await api.wait_text(chat, text(engine, "tg.remind.set", days=str(days)),
                               footer.message_id)


@contextlib.contextmanager
def every_logger_at_debug(*names: str) -> Iterator[None]:
    """Every logger (those that exist, and `names`) at DEBUG, whatever levels the code under
    test chose; the previous levels are restored afterwards. Call it again after the code
    under test has configured logging, to override what it set."""
    loggers = [logging.getLogger(n) for n in {*logging.root.manager.loggerDict, *names}]
    before = {lg.name: lg.level for lg in loggers}
    for lg in loggers:
        lg.setLevel(logging.DEBUG)
    try:
        yield
    finally:
        for lg in loggers:
            lg.setLevel(before[lg.name])


def leaked(records: Iterable[logging.LogRecord], *secrets: str) -> list[str]:
    """Records that show any of `secrets` once formatted (message, arguments, traceback),
    with the secret masked so that the failure report does not print it either."""
    out: list[str] = []
    for record in records:
        rendered = (f"{record.name} {record.getMessage()} {record.exc_text or ''} "
                    f"{logging.Formatter().format(record)}")
        if any(s and s in rendered for s in secrets):
            for s in secrets:
                rendered = rendered.replace(s, "<SECRET>")
            out.append(rendered[:300])
    return out


# --------------------------------------------------------------------- parts and black-box turns


class Clock:
    """A `clock` part (for `build_application` and `Store`) that stands still unless the test
    moves it, so that day counts never depend on how fast a test runs. JobQueue delays stay in
    real seconds: with `day_seconds` small, a check-in falls due quickly while its day count
    is whatever this clock says."""

    def __init__(self, now: float = 1_750_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


_LOOPBACK_TLS: ssl.SSLContext | None = None


def quick_parts() -> dict[str, Any]:
    """Build parts for the adapter's tests, as `heel-bot serve` would make them but quick:
    PTB's HTTPXRequest with the production pool size (one connection for getUpdates, as PTB's
    builder makes it), sharing one TLS context — the stand-in speaks plain HTTP, so it is never
    used, but each HTTPXRequest would otherwise load the CA bundle (some 40 ms, twice an
    Application) — and PTB's flood limiter without its 30 requests/s pace (429s are still
    waited out; a conversation's fifty calls would otherwise take most of a second)."""
    global _LOOPBACK_TLS  # noqa: PLW0603 - one context for the whole test session
    from telegram.ext import AIORateLimiter
    from telegram.request import HTTPXRequest

    from heel_bot.tg.app import POOL_SIZE

    if _LOOPBACK_TLS is None:
        _LOOPBACK_TLS = ssl.create_default_context()
    tls = {"verify": _LOOPBACK_TLS}
    return {"request": HTTPXRequest(connection_pool_size=POOL_SIZE, httpx_kwargs=tls),
            "get_updates_request": HTTPXRequest(connection_pool_size=1, httpx_kwargs=tls),
            "rate_limiter": AIORateLimiter(overall_max_rate=0, max_retries=5)}


def finished(engine: Engine, answers: dict[str, str]) -> State:
    """The state a conversation answered from `answers` ends in (see `ended`)."""
    return ended(engine, answers)


def asked(engine: Engine, message: BotMessage) -> Question | None:
    """The question a bot message asks, found by its text as the user reads it (None when it
    asks none: no keyboard, or no question's text in it)."""
    if not message.has_keyboard:
        return None
    content = engine.bundle.content
    found = [q for q in engine.dialog.questions.values() if content[q.text] in message.text]
    assert len(found) <= 1, [q.id for q in found]
    return found[0] if found else None


async def reply_to(api: BotAPIStandIn, chat_id: int, after: int,
                   within: float = 10.0) -> BotMessage:
    """The bot's first message after message id `after`, once a message with a keyboard has
    followed (a reply ends with its buttons: the next question's, or the outcome's)."""
    transcript = await api.wait_for(chat_id, lambda t: any(
        m.message_id > after and m.has_keyboard for m in t), within)
    return next(m for m in transcript if m.message_id > after)


async def settle(api: BotAPIStandIn, engine: Engine, chat_id: int, *,
                 chat_type: str = "private", within: float = 10.0) -> BotMessage:
    """Wait until heel-bot has finished with everything the chat sent so far, without waiting
    for quiet: send /privacy (which changes nothing) and wait for its reply. heel-bot handles
    a chat's updates one after another, in order, so by then the earlier ones are done.
    Returns the reply (in groups: the pointer to a private chat). Not right after a /privacy
    of the test's own whose reply has not come yet: the two replies look alike."""
    key = "tg.privacy" if chat_type == "private" else "tg.private_only"
    sent = api.send_text(chat_id, "/privacy", chat_type=chat_type)
    return await api.wait_text(chat_id, text(engine, key), sent["message_id"], within=within)


# --------------------------------------------------------------------- check-ins


@contextlib.asynccontextmanager
async def clocked_bot(api: BotAPIStandIn, db: Path, engine: Engine, clock: Clock,
                      parts: dict[str, Any], day: float) -> AsyncIterator[tuple[Any, Store]]:
    """heel-bot with `clock` as its clock and its store's, and a "day" of `day` real seconds;
    yields the app and its store (closed by the app when it stops)."""
    store = SqliteStore(db, clock=clock)
    async with heel_bot(api, db, engine, store=store, build={**parts, "clock": clock},
                        day_seconds=day) as app:
        yield app, store


def checkin_jobs(app: Any) -> list[str]:
    """The names of the check-ins scheduled on the app's JobQueue, sorted."""
    return sorted(j.name for j in app.job_queue.jobs() if j.name.startswith("reminder:"))


def store_finished(store: Store, engine: Engine, chat_id: int, answers: dict[str, str]) -> None:
    """A finished check, stored as the conversation would have stored it."""
    store.save(chat_id, finished(engine, answers).to_json())


async def remind_offer(api: BotAPIStandIn, engine: Engine, chat_id: int) -> BotMessage:
    """/remind with nothing booked: the offer and its buttons."""
    sent = api.send_text(chat_id, "/remind")
    return await api.wait_text(chat_id, text(engine, "tg.remind.none"), sent["message_id"],
                               keyboard=True)


async def press_remind(api: BotAPIStandIn, engine: Engine, chat_id: int, message: BotMessage,
                       days: int) -> CallbackAnswer:
    """Press "in `days` days" on `message`; once booked, wait for the confirmation. Returns
    the press's answer (its text says why nothing was booked)."""
    mark = api.last_id(chat_id)
    query = api.press_button(chat_id, message.message_id,
                             text(engine, "tg.button.remind_days", days=str(days)))
    answer = await api.wait_answer(query)
    if answer.text is None:
        await api.wait_text(chat_id, text(engine, "tg.remind.set", days=str(days)), mark)
    return answer


async def checkin_sent(api: BotAPIStandIn, engine: Engine, chat_id: int,
                       after: int = 0) -> BotMessage:
    """The check-in question (after message id `after`), once it has been sent."""
    return await api.wait_text(chat_id, prefix(engine, "checkin.ask"), after, keyboard=True)
