"""The Telegram adapter: the heel check as a python-telegram-bot 22 application.

This is the only module that imports `telegram`. It turns updates into engine calls and
replies into messages: one question per message with an inline keyboard, the question edited
to show the answer once it is given, the outcome as HTML split below Telegram's limit, and
follow-up check-ins on PTB's JobQueue.

Conversation state lives in the SQLite store (bot/store.py), read when a chat's update arrives
and committed before the reply goes out; nothing about a conversation is kept in memory. The
update processor serialises each chat's updates and lets different chats run concurrently.
Buttons carry the state's turn counter, so a press on an old message is recognised and never
applied.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import html
import logging
import os
import re
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any, TypeAlias
from urllib.parse import urlsplit

from telegram import (
    BotCommand,
    CallbackQuery,
    Chat,
    ChatMemberUpdated,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    Update,
)
from telegram._utils.defaultvalue import DEFAULT_NONE
from telegram._utils.types import ODVInput
from telegram.constants import ChatMemberStatus, ChatType, ParseMode
from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    BaseUpdateProcessor,
    CallbackQueryHandler,
    ChatMemberHandler,
    ContextTypes,
    ExtBot,
    JobQueue,
    MessageHandler,
    filters,
)
from telegram.request import BaseRequest, HTTPXRequest, RequestData

from bot import graph
from bot.engine import Engine, Notice, Reply, State
from bot.errors import StateError
from bot.loader import short_key
from bot.matching import normalise, parse_command
from bot.model import Question
from bot.render import Block, Doc, to_html
from bot.serve_config import ServeConfig, api_file_url
from bot.session import Session
from bot.store import Reminder, Store, StoreError

log = logging.getLogger(__name__)

Context: TypeAlias = ContextTypes.DEFAULT_TYPE
# The rate limiter makes the bot ExtBot[int] (its per-call argument is a retry count).
App: TypeAlias = Application[ExtBot[int], Context, dict[Any, Any], dict[Any, Any],
                             dict[Any, Any], JobQueue[Context]]

COMMANDS = ("start", "help", "back", "restart", "why", "summary", "learn", "remind", "forget",
            "privacy")
# Commands that only show something: before any conversation they store nothing.
READ_ONLY_COMMANDS = ("help", "why", "summary", "learn", "quit")
REMIND_DAYS = (3, 7, 14)
MAX_REMINDERS = 5
MESSAGE_LIMIT = 4096  # Telegram's limit, in UTF-16 code units
SPLIT_AT = 4000  # parts stay a little below the limit
CALLBACK_LIMIT = 64  # bytes of callback data Telegram accepts
# Check-in answers by their letter in callback data (the rules are in dialogs/checkin.yaml).
CHECKIN_CODES = {"b": "better", "s": "same", "w": "worse"}
ALLOWED_UPDATES = ("message", "channel_post", "callback_query", "my_chat_member")

# ---------------------------------------------------------------- logs never show the token


class Redactor(logging.Filter):
    """Replaces secrets (the bot token, the webhook secret) in any log record with ***."""

    def __init__(self) -> None:
        super().__init__()
        self.secrets: set[str] = set()

    def add(self, *secrets: str | None) -> None:
        """Also hide these. The token's secret half is hidden on its own too, so that it is
        caught however the token is quoted or encoded in a URL."""
        for s in secrets:
            if s:
                self.secrets.add(s)
                if ":" in s:
                    self.secrets.add(s.split(":", 1)[1])

    def redact(self, text: str) -> str:
        """`text` with every secret replaced."""
        for s in sorted(self.secrets, key=len, reverse=True):
            if s in text:
                text = text.replace(s, "***")
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            message = str(record.msg)
        clean = self.redact(message)
        if clean != message:
            record.msg, record.args = clean, None
        if record.exc_info and not record.exc_text:
            text = logging.Formatter().formatException(record.exc_info)
            record.exc_text = self.redact(text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


REDACTOR = Redactor()
_factory_installed = False


def protect_logs(*secrets: str | None) -> Redactor:
    """Keep secrets out of every log line, from any logger, whatever handler prints it.

    httpx logs each request URL, which contains the token, at INFO: it is raised to WARNING.
    Belt and braces, a log-record factory passes every record through the Redactor when it is
    created, so no handler (added now or later, e.g. by pytest) can see the secret.
    """
    global _factory_installed  # noqa: PLW0603 - one process-wide factory, installed once
    REDACTOR.add(*secrets)
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.WARNING)
    if not _factory_installed:
        previous = logging.getLogRecordFactory()

        def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
            record = previous(*args, **kwargs)
            REDACTOR.filter(record)
            return record

        logging.setLogRecordFactory(factory)
        _factory_installed = True
    return REDACTOR


# ---------------------------------------------------------------- transport faults


class RetryingRequest(BaseRequest):
    """Retries Bot API calls on 5xx answers and network errors, with exponential backoff.

    Flood limits (429 with retry_after) are the rate limiter's job; 4xx answers are final.
    A timed-out call is retried as well: a message that might have gone out twice is better
    than a question that never arrives.
    """

    def __init__(self, inner: BaseRequest, attempts: int = 5, first_delay: float = 0.5,
                 max_delay: float = 8.0,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        self.inner = inner
        self.attempts = attempts
        self.first_delay = first_delay
        self.max_delay = max_delay
        self._sleep = sleep

    @property
    def read_timeout(self) -> float | None:
        return self.inner.read_timeout

    async def initialize(self) -> None:
        await self.inner.initialize()

    async def shutdown(self) -> None:
        await self.inner.shutdown()

    async def do_request(  # noqa: PLR0917 - BaseRequest's signature
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = DEFAULT_NONE,
        write_timeout: ODVInput[float] = DEFAULT_NONE,
        connect_timeout: ODVInput[float] = DEFAULT_NONE,
        pool_timeout: ODVInput[float] = DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        endpoint = url.rsplit("/", 1)[-1]  # the method name; the token sits before it
        delay = self.first_delay
        for attempt in range(1, self.attempts + 1):
            try:
                code, payload = await self.inner.do_request(
                    url, method, request_data, read_timeout=read_timeout,
                    write_timeout=write_timeout, connect_timeout=connect_timeout,
                    pool_timeout=pool_timeout)
            except NetworkError as exc:  # transport failures, TimedOut included
                if attempt == self.attempts:
                    raise
                log.warning("Bot API %s failed (%s), try %d of %d; retrying in %.1f s",
                            endpoint, type(exc).__name__, attempt, self.attempts, delay)
            else:
                if code < 500 or attempt == self.attempts:
                    return code, payload
                log.warning("Bot API %s answered HTTP %d, try %d of %d; retrying in %.1f s",
                            endpoint, code, attempt, self.attempts, delay)
            await self._sleep(delay)
            delay = min(delay * 2, self.max_delay)
        raise AssertionError("unreachable")  # pragma: no cover


# ---------------------------------------------------------------- per-chat order


def chat_id_of(update: object) -> int | None:
    """The chat an update belongs to, if any."""
    if isinstance(update, Update) and update.effective_chat is not None:
        return update.effective_chat.id
    return None


class ChatOrderedProcessor(BaseUpdateProcessor):
    """Processes one chat's updates in order and different chats' updates concurrently.

    Updates are started in arrival order and asyncio locks are fair (first come, first
    served), so a chat's updates run one after another in the order Telegram sent them. The
    same lock is taken by reminder jobs, so a check-in never interleaves with an answer.
    """

    def __init__(self, max_concurrent_updates: int = 256) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self._users: dict[int, int] = {}

    @contextlib.asynccontextmanager
    async def chat_lock(self, chat_id: int) -> AsyncIterator[None]:
        """Hold the chat's lock; locks of idle chats are dropped, so memory stays flat."""
        lock = self._locks.setdefault(chat_id, asyncio.Lock())
        self._users[chat_id] = self._users.get(chat_id, 0) + 1
        try:
            async with lock:
                yield
        finally:
            self._users[chat_id] -= 1
            if not self._users[chat_id]:
                del self._users[chat_id]
                del self._locks[chat_id]

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        chat_id = chat_id_of(update)
        if chat_id is None:
            await coroutine
            return
        async with self.chat_lock(chat_id):
            await coroutine

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""


# ---------------------------------------------------------------- callback data

# Callback data (ASCII, far below 64 bytes). <turn> is the state's turn counter when the
# message was sent; a press whose turn or question no longer matches is stale.
#   a:<turn>:<question index>:<option index>   answer
#   b:<turn>  back      w:<turn>  why      n:<turn>  start over (outcome)
#   s  summary      l  learn menu      t:<i>  learn topic i
#   r:<days>  book a check-in      x:<id>  cancel check-in      f:y / f:n  forget or keep
#   c:<b|s|w>  check-in answer: better, same, worse (the day count is in the store)
_PATTERNS = {
    "a": re.compile(r"a:(\d{1,9}):(\d{1,3}):(\d{1,2})"),
    "b": re.compile(r"b:(\d{1,9})"),
    "w": re.compile(r"w:(\d{1,9})"),
    "n": re.compile(r"n:(\d{1,9})"),
    "s": re.compile(r"s"),
    "l": re.compile(r"l"),
    "t": re.compile(r"t:(\d{1,2})"),
    "r": re.compile(r"r:(\d{1,2})"),
    "x": re.compile(r"x:(\d{1,12})"),
    "f": re.compile(r"f:([yn])"),
    "c": re.compile(r"c:([bsw])"),
}


@dataclass(frozen=True)
class Press:
    """A parsed button press."""

    kind: str
    args: tuple[str, ...] = ()

    def number(self, i: int) -> int:
        """Argument `i` as a number."""
        return int(self.args[i])


def parse_press(data: object) -> Press | None:
    """The press that callback data encodes, or None for anything malformed (forged)."""
    if not isinstance(data, str) or not data or len(data.encode()) > CALLBACK_LIMIT:
        return None
    pattern = _PATTERNS.get(data[0])
    m = pattern.fullmatch(data) if pattern else None
    return Press(data[0], m.groups()) if m else None


# ---------------------------------------------------------------- message text


def utf16_len(text: str) -> int:
    """Length as Telegram counts it."""
    return len(text.encode("utf-16-le")) // 2


_SEPARATORS = ("\n\n", "\n", " ")


def split_html(text: str, limit: int = SPLIT_AT) -> list[str]:
    """Split HTML text into messages below `limit`: at paragraphs, else lines, else words.

    Tags never span a paragraph or a line in rendered documents, so every part stays valid.
    """
    return [p for p in _split(text.strip(), limit, 0) if p.strip()]


def _split(text: str, limit: int, level: int) -> list[str]:
    if utf16_len(text) <= limit:
        return [text]
    if level == len(_SEPARATORS):
        return _hard_cut(text, limit)
    sep = _SEPARATORS[level]
    chunks: list[str] = []
    current = ""
    for part in text.split(sep):
        if utf16_len(part) > limit:
            if current:
                chunks.append(current)
            subs = _split(part, limit, level + 1)
            chunks.extend(subs[:-1])
            current = subs[-1]
            continue
        candidate = f"{current}{sep}{part}" if current else part
        if utf16_len(candidate) <= limit:
            current = candidate
        else:
            chunks.append(current)
            current = part
    if current:
        chunks.append(current)
    return chunks


def _hard_cut(text: str, limit: int) -> list[str]:
    out: list[str] = []
    while utf16_len(text) > limit:
        cut = limit // 2  # code points; safe for any mix of UTF-16 widths
        amp = text.rfind("&", max(0, cut - 10), cut)
        if amp != -1 and ";" not in text[amp:cut]:
            cut = amp  # never cut an entity such as &amp; in two
        out.append(text[:cut])
        text = text[cut:]
    out.append(text)
    return out


def _esc(text: str) -> str:
    return html.escape(text, quote=False)


def _layout(buttons: Sequence[InlineKeyboardButton]) -> list[list[InlineKeyboardButton]]:
    """Rows of at most 3 buttons; fewer per row when labels are long, so none is cut off."""
    if not buttons:
        return []
    longest = max(len(b.text) for b in buttons)
    per_row = 3 if longest <= 12 else 2 if longest <= 20 else 1
    return [list(buttons[i:i + per_row]) for i in range(0, len(buttons), per_row)]


# ---------------------------------------------------------------- the bot


class HeelBot:
    """Handlers, keyboards and reminder jobs around one engine and one store."""

    def __init__(self, config: ServeConfig, engine: Engine, store: Store,
                 processor: ChatOrderedProcessor) -> None:
        self.config = config
        self.engine = engine
        self.store = store
        self.processor = processor
        self.session = Session(engine, numbered=False)
        self.render = self.session.render
        self.c = engine.bundle.content
        self.question_ids = list(engine.dialog.questions)
        self.question_index = {qid: i for i, qid in enumerate(self.question_ids)}
        self.mode_line = ""
        # PTB's objects are immutable once built, so one keyboard can go out any number of
        # times; building them was a sixth of heel-bot's own cost per update.
        self._question_keyboard = functools.lru_cache(maxsize=4096)(self._build_question_keyboard)
        self._outcome_keyboard = functools.lru_cache(maxsize=1024)(self._build_outcome_keyboard)

    def install(self, app: App) -> None:
        """Register the handlers, in the order they are tried."""
        private = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
        elsewhere = (~filters.ChatType.PRIVATE & (filters.UpdateType.MESSAGE
                                                  | filters.UpdateType.CHANNEL_POST)
                     & ~filters.StatusUpdate.ALL)
        app.add_handler(MessageHandler(elsewhere, self.on_elsewhere))
        app.add_handler(MessageHandler(private & filters.TEXT, self.on_text))
        app.add_handler(MessageHandler(private & ~filters.StatusUpdate.ALL, self.on_other))
        app.add_handler(CallbackQueryHandler(self.on_press))
        app.add_handler(ChatMemberHandler(self.on_member, ChatMemberHandler.MY_CHAT_MEMBER))
        # Edited messages and every other update type have no handler: they are ignored.
        app.add_error_handler(self.on_error)

    # ------------------------------------------------------------ lifecycle

    async def post_init(self, app: App) -> None:
        """Register the command menu, reschedule stored check-ins, say how the bot runs."""
        commands = [BotCommand(name, self.c[f"tg.commands.{name}"]) for name in COMMANDS]
        try:
            await app.bot.set_my_commands(commands)
        except TelegramError as exc:
            log.warning("could not register the command menu (%s); carrying on",
                        type(exc).__name__)
        assert app.job_queue is not None
        reminders = self.store.all_reminders()
        for rem in reminders:
            self.schedule(app.job_queue, rem)
        api = urlsplit(self.config.api_url).netloc if self.config.api_url else "api.telegram.org"
        how = (f"webhook {self.config.webhook_url} (listening on {self.config.listen}:"
               f"{self.config.port}, secret required)" if self.config.webhook_url
               else "long polling")
        self.mode_line = (f"heel-bot @{app.bot.username} runs by {how} against {api}; store "
                          f"{self.config.db_path}; {len(reminders)} check-in(s) scheduled")
        log.info("%s", self.mode_line)

    async def post_shutdown(self, app: App) -> None:
        """Close the store once every update has been processed."""
        self.store.close()

    # ------------------------------------------------------------ state

    def load(self, chat_id: int) -> tuple[State | None, tuple[Notice, ...]]:
        """The chat's conversation; a state that no longer fits the dialog is restarted."""
        raw = self.store.load(chat_id)
        if raw is None:
            return None, ()
        try:
            return self.engine.restore(raw), ()
        except StateError as exc:
            log.info("chat %s: stored conversation restarted (%s)", chat_id, type(exc).__name__)
            try:
                turn = State.from_json(raw).turn + 1
            except StateError:
                turn = 1
            state = replace(self.engine.new_state(), turn=max(turn, 1))
            self.store.save(chat_id, state.to_json())
            return state, (Notice("ui.state_reset"),)

    def save(self, chat_id: int, state: State) -> None:
        """Commit the state; called before any reply about it is sent."""
        self.store.save(chat_id, state.to_json())

    # ------------------------------------------------------------ rendering

    def html(self, key: str, **params: object) -> str:
        """A content text as escaped HTML."""
        return _esc(self.c.get(key, **params))

    def doc_of(self, *keys: str) -> Doc:
        """Text blocks from content keys."""
        return [Block("text", self.c[k]) for k in keys]

    def button(self, key: str, data: str, **params: object) -> InlineKeyboardButton:
        """A button with a label from content."""
        assert len(data.encode()) <= CALLBACK_LIMIT
        return InlineKeyboardButton(self.c.get(key, **params), callback_data=data)

    def question_keyboard(self, state: State, q: Question) -> InlineKeyboardMarkup:
        """The options of `q`, then back and why."""
        return self._question_keyboard(q.id, state.turn, bool(state.history))

    def _build_question_keyboard(self, qid: str, turn: int, back: bool) -> InlineKeyboardMarkup:
        q, qi = self.engine.dialog.questions[qid], self.question_index[qid]
        options = [InlineKeyboardButton(self.c[o.label], callback_data=f"a:{turn}:{qi}:{i}")
                   for i, o in enumerate(q.options)]
        nav = [self.button("tg.button.why", f"w:{turn}")]
        if back:
            nav.insert(0, self.button("tg.button.back", f"b:{turn}"))
        return InlineKeyboardMarkup([*_layout(options), nav])

    def remind_row(self) -> list[InlineKeyboardButton]:
        """Check-in choices: 3, 7 or 14 days."""
        return [self.button("tg.button.remind_days", f"r:{d}", days=d) for d in REMIND_DAYS]

    def outcome_keyboard(self, state: State) -> InlineKeyboardMarkup:
        """Summary, remind me, learn more, start over."""
        return self._outcome_keyboard(state.turn)

    def _build_outcome_keyboard(self, turn: int) -> InlineKeyboardMarkup:
        return InlineKeyboardMarkup([
            [self.button("tg.button.summary", "s"), self.button("tg.button.learn", "l")],
            self.remind_row(),
            [self.button("tg.button.restart", f"n:{turn}")],
        ])

    def learn_keyboard(self) -> InlineKeyboardMarkup:
        """One button per learn topic."""
        return InlineKeyboardMarkup(_layout([
            InlineKeyboardButton(self.c[t.title], callback_data=f"t:{i}")
            for i, t in enumerate(self.engine.bundle.learn)]))

    def reply_markup(self, reply: Reply) -> InlineKeyboardMarkup:
        """The keyboard that goes with a reply: the question's, or the outcome's."""
        if reply.question is not None:
            return self.question_keyboard(reply.state, reply.question)
        return self.outcome_keyboard(reply.state)

    def reply_doc(self, reply: Reply, extra: Iterable[Notice] = ()) -> Doc:
        """A reply as a document, with extra notices first."""
        doc = self.render.notices(extra) + self.render.reply(reply, numbered=False)
        if reply.outcome is not None and reply.changed:
            doc += self.doc_of("tg.outcome_footer")
        elif reply.question is None and not reply.notices:
            doc += self.doc_of("ui.finished")
        return doc

    # ------------------------------------------------------------ sending

    async def send(self, bot: ExtBot[None], chat_id: int, text: str,
                   markup: InlineKeyboardMarkup | None = None) -> Message | None:
        """Send HTML text, split below the limit; the keyboard goes on the last part."""
        parts = split_html(text)
        sent: Message | None = None
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            sent = await bot.send_message(chat_id, part, parse_mode=ParseMode.HTML,
                                          reply_markup=markup if last else None)
        return sent

    async def send_doc(self, bot: ExtBot[None], chat_id: int, doc: Doc,
                       markup: InlineKeyboardMarkup | None = None) -> None:
        """Send a rendered document."""
        await self.send(bot, chat_id, to_html(doc), markup)

    async def send_reply(self, bot: ExtBot[None], chat_id: int, reply: Reply,
                         extra: Iterable[Notice] = ()) -> None:
        """Send a reply: notices and the question with its buttons, or the outcome."""
        await self.send_doc(bot, chat_id, self.reply_doc(reply, extra), self.reply_markup(reply))

    async def begin(self, bot: ExtBot[None], chat_id: int) -> None:
        """A new conversation: store it, then greet and ask the first question."""
        reply = self.engine.start()
        self.save(chat_id, reply.state)
        await self.send_doc(bot, chat_id, self.render.welcome())
        await self.send_reply(bot, chat_id, reply)

    async def show_current(self, bot: ExtBot[None], chat_id: int,
                           extra: Sequence[Notice] = ()) -> None:
        """The current question (or the finished check) again, after `extra` notices."""
        state, reset = self.load(chat_id)
        if state is None:
            if extra:
                await self.send_doc(bot, chat_id, self.render.notices(extra))
            await self.begin(bot, chat_id)
            return
        await self.send_reply(bot, chat_id, self.engine.show(state), (*extra, *reset))

    # ------------------------------------------------------------ messages

    async def on_elsewhere(self, update: Update, context: Context) -> None:
        """Groups and channels: one reply pointing to a private chat; nothing is stored."""
        chat = update.effective_chat
        if chat is None:
            return
        try:
            await context.bot.send_message(chat.id, self.html("tg.private_only"),
                                           parse_mode=ParseMode.HTML)
        except (Forbidden, BadRequest) as exc:  # e.g. a channel where the bot may not post
            log.debug("no reply in chat %s: %s", chat.id, type(exc).__name__)

    async def on_other(self, update: Update, context: Context) -> None:
        """Stickers, photos, voice, locations, documents…: a kind word, then the question."""
        assert update.effective_chat is not None
        await self.show_current(context.bot, update.effective_chat.id, (Notice("tg.non_text"),))

    async def on_text(self, update: Update, context: Context) -> None:
        """A typed message: a command or an answer."""
        message, chat = update.effective_message, update.effective_chat
        assert message is not None and chat is not None and message.text is not None
        bot, chat_id, text = context.bot, chat.id, message.text
        slash = _slash_command(text)
        if slash == "start":
            await self.cmd_start(bot, chat_id)
            return
        if slash == "privacy":
            await self.send(bot, chat_id, self.html("tg.privacy"))
            return
        if slash == "forget":
            await self.send(bot, chat_id, self.html("tg.forget.ask"), InlineKeyboardMarkup([[
                self.button("tg.button.forget_yes", "f:y"),
                self.button("tg.button.forget_no", "f:n")]]))
            return
        if slash == "remind":
            text_html, markup = self.reminder_list(chat_id)
            await self.send(bot, chat_id, text_html, markup)
            return
        if slash is not None and parse_command(text) is None:
            await self.show_current(bot, chat_id, (Notice("tg.unknown_command"),))
            return

        state, reset = self.load(chat_id)
        if reset and state is not None:
            await self.send_reply(bot, chat_id, self.engine.show(state), reset)
            return
        log.debug("chat %s typed %r", chat_id, text)
        turn = self.session.handle(state or self.engine.new_state(), text)
        if state is None and turn.command not in READ_ONLY_COMMANDS:
            # A first message is a greeting, not an answer: welcome, then the first question.
            await self.begin(bot, chat_id)
            return
        if turn.reply is not None:
            if turn.reply.changed:
                self.save(chat_id, turn.reply.state)
            await self.send_reply(bot, chat_id, turn.reply)
        elif turn.command == "help":
            await self.send_doc(bot, chat_id, self.render.help())
            if state is None:
                await self.begin(bot, chat_id)
            else:
                await self.send_reply(bot, chat_id, self.engine.show(state))
        elif turn.command == "learn" and not (turn.doc and turn.doc[0].kind == "title"):
            await self.send_doc(bot, chat_id, turn.doc, self.learn_keyboard())
        else:  # why, summary, a learn topic, quit
            await self.send_doc(bot, chat_id, turn.doc)

    async def cmd_start(self, bot: ExtBot[None], chat_id: int) -> None:
        """/start: a new check, or carry on with the one in progress."""
        state, reset = self.load(chat_id)
        if state is None:
            await self.begin(bot, chat_id)
        elif reset:
            await self.send_reply(bot, chat_id, self.engine.show(state), reset)
        elif state.finished:
            reply = self.engine.restart(state)
            self.save(chat_id, reply.state)
            await self.send_doc(bot, chat_id, self.render.welcome())
            await self.send_reply(bot, chat_id, reply)
        else:
            await self.send_reply(bot, chat_id, self.engine.show(state),
                                  (Notice("tg.welcome_back"),))

    async def on_member(self, update: Update, context: Context) -> None:
        """A user who blocks the bot gets no more check-ins."""
        member: ChatMemberUpdated | None = update.my_chat_member
        if member is None or member.chat.type != ChatType.PRIVATE:
            return
        if member.new_chat_member.status in (ChatMemberStatus.BANNED, ChatMemberStatus.LEFT):
            self.drop_reminders(context, member.chat.id)

    # ------------------------------------------------------------ buttons

    async def on_press(self, update: Update, context: Context) -> None:
        """A button press. Every query is answered exactly once, whatever happens."""
        query = update.callback_query
        assert query is not None
        answered = False

        async def ack(text: str | None = None) -> None:
            nonlocal answered
            if not answered:
                answered = True
                await query.answer(text[:200] if text else None)

        try:
            await self._press(query, context, ack)
        finally:
            if not answered:
                with contextlib.suppress(TelegramError):
                    await ack()

    async def _press(self, query: CallbackQuery, context: Context,
                     ack: Callable[[str | None], Awaitable[None]]) -> None:
        bot = context.bot
        chat: Chat | None = query.message.chat if query.message is not None else None
        if chat is None:
            return  # a button on an inline message: nothing of ours
        if chat.type != ChatType.PRIVATE:
            await ack(None)
            await self.send(bot, chat.id, self.html("tg.private_only"))
            return
        chat_id = chat.id
        press = parse_press(query.data)
        if press is None:
            log.info("chat %s: unrecognised button data refused", chat_id)
            await self.refuse(query, context, ack, strip=False)
            return
        kind = press.kind
        if kind in ("a", "b", "w", "n"):
            await self.press_dialog(query, context, ack, press)
        elif kind == "s":
            await ack(None)
            state, _ = self.load(chat_id)
            state = state or self.engine.new_state()
            await self.send_doc(bot, chat_id, self.render.summary(self.engine.summary(state)))
        elif kind == "l":
            await ack(None)
            await self.send_doc(bot, chat_id, self.render.learn_menu(numbered=False),
                                self.learn_keyboard())
        elif kind == "t":
            topics = self.engine.bundle.learn
            if press.number(0) >= len(topics):
                await self.refuse(query, context, ack, strip=False)
                return
            await ack(None)
            await self.send_doc(bot, chat_id, self.render.topic(topics[press.number(0)]))
        elif kind == "r":
            await self.press_remind(query, context, ack, press.number(0))
        elif kind == "x":
            await self.press_cancel(query, context, ack, press.number(0))
        elif kind == "f":
            await self.press_forget(query, context, ack, press.args[0] == "y")
        else:  # "c"
            await self.press_checkin(query, context, ack, CHECKIN_CODES[press.args[0]])

    async def refuse(self, query: CallbackQuery, context: Context,
                     ack: Callable[[str | None], Awaitable[None]], strip: bool) -> None:
        """A stale or forged press: a short notice, then the current question again."""
        await ack(self.c["tg.stale"])
        if strip:
            await self.drop_keyboard(query)
        assert query.message is not None
        await self.show_current(context.bot, query.message.chat.id)

    async def drop_keyboard(self, query: CallbackQuery) -> None:
        """Remove the buttons from the pressed message (best effort: it may be too old)."""
        try:
            await query.edit_message_reply_markup(None)
        except BadRequest as exc:
            log.debug("keyboard not removed: %s", exc)

    async def press_dialog(self, query: CallbackQuery, context: Context,
                           ack: Callable[[str | None], Awaitable[None]], press: Press) -> None:
        """Answer, back, why, start over: only for the message of the current turn."""
        assert query.message is not None
        bot, chat_id = context.bot, query.message.chat.id
        state, reset = self.load(chat_id)
        if state is None or reset or press.number(0) != state.turn:
            await self.refuse(query, context, ack, strip=press.kind != "n")
            return
        if press.kind == "a":
            qi, oi = press.number(1), press.number(2)
            q = self.engine.dialog.questions.get(self.question_ids[qi]) if qi < len(
                self.question_ids) else None
            if q is None or q.id != state.node or oi >= len(q.options):
                await self.refuse(query, context, ack, strip=True)
                return
            value = q.options[oi].value
            reply = self.engine.choose(state, q.id, value)
            self.save(chat_id, reply.state)
            await ack(None)
            await self.show_answered(query, self.c[short_key(q.id)],
                                     self.render.option_label(q, value))
            await self.send_reply(bot, chat_id, reply)
        elif press.kind == "b":
            reply = self.engine.back(state)
            if reply.changed:
                self.save(chat_id, reply.state)
            await ack(None)
            if reply.changed:
                await self.drop_keyboard(query)
            await self.send_reply(bot, chat_id, reply)
        elif press.kind == "w":
            await ack(None)
            await self.send_doc(bot, chat_id, self.render.why(state))
        else:  # "n": start over from the outcome
            reply = self.engine.restart(state)
            self.save(chat_id, reply.state)
            await ack(None)
            await self.send_reply(bot, chat_id, reply)

    async def show_answered(self, query: CallbackQuery, question: str, answer: str) -> None:
        """Edit the pressed message to 'question: answer', which also removes its keyboard."""
        template = _esc(self.c["tg.answered"])
        text = template.format(question=f"<b>{_esc(question)}</b>", answer=_esc(answer))
        try:
            await query.edit_message_text(text, parse_mode=ParseMode.HTML)
        except BadRequest as exc:
            log.debug("answered message not edited: %s", exc)

    # ------------------------------------------------------------ forget

    async def press_forget(self, query: CallbackQuery, context: Context,
                           ack: Callable[[str | None], Awaitable[None]], confirmed: bool) -> None:
        """Delete every row of the chat, or keep everything."""
        assert query.message is not None
        chat_id = query.message.chat.id
        if confirmed:
            ids = [r.id for r in self.store.reminders(chat_id)]
            self.store.forget(chat_id)
            if context.job_queue is not None:
                for rid in ids:
                    self.unschedule(context.job_queue, rid)
            log.info("chat %s: everything forgotten on request", chat_id)
        await ack(None)
        key = "tg.forget.done" if confirmed else "tg.forget.kept"
        try:
            await query.edit_message_text(self.html(key), parse_mode=ParseMode.HTML)
        except BadRequest:
            await self.send(context.bot, chat_id, self.html(key))

    # ------------------------------------------------------------ reminders

    def schedule(self, job_queue: JobQueue[Any], rem: Reminder,
                 delay: float | None = None) -> None:
        """Run the check-in when it is due (at once if it is overdue)."""
        when = max(0.0, rem.due_at - time.time()) if delay is None else delay
        job_queue.run_once(self.fire_reminder, when=when, data=rem.id, chat_id=rem.chat_id,
                           name=f"reminder:{rem.id}")

    def unschedule(self, job_queue: JobQueue[Any], reminder_id: int) -> None:
        """Drop a check-in's job."""
        for job in job_queue.get_jobs_by_name(f"reminder:{reminder_id}"):
            job.schedule_removal()

    def drop_reminders(self, context: Context, chat_id: int) -> None:
        """Forget a chat's check-ins (the user blocked the bot)."""
        ids = [r.id for r in self.store.reminders(chat_id)]
        self.store.delete_reminders(chat_id)
        if context.job_queue is not None:
            for rid in ids:
                self.unschedule(context.job_queue, rid)
        if ids:
            log.info("chat %s blocked the bot: %d check-in(s) dropped", chat_id, len(ids))

    def reminder_list(self, chat_id: int) -> tuple[str, InlineKeyboardMarkup]:
        """/remind: the chat's check-ins with cancel buttons, or an offer to book one."""
        reminders = self.store.reminders(chat_id)
        if not reminders:
            return self.html("tg.remind.none"), InlineKeyboardMarkup([self.remind_row()])
        lines: list[str] = []
        buttons: list[list[InlineKeyboardButton]] = []
        now = time.time()
        for rem in reminders:
            left = max(0.0, (rem.due_at - now) / self.config.day_seconds)
            if left < 1:
                when = self.c["tg.remind.item_today"]
            elif left < 2:
                when = self.c["tg.remind.item_one"]
            else:
                when = self.c.get("tg.remind.item", days=round(left))
            lines.append(f"- {when}")
            buttons.append([self.button("tg.button.cancel", f"x:{rem.id}", when=when)])
        text = _esc(self.c["tg.remind.list"] + "\n" + "\n".join(lines))
        return text, InlineKeyboardMarkup(buttons)

    async def press_remind(self, query: CallbackQuery, context: Context,
                           ack: Callable[[str | None], Awaitable[None]], days: int) -> None:
        """Book a check-in in `days` days."""
        assert query.message is not None and context.job_queue is not None
        chat_id = query.message.chat.id
        if days not in REMIND_DAYS:
            await self.refuse(query, context, ack, strip=False)
            return
        if len(self.store.reminders(chat_id)) >= MAX_REMINDERS:
            await ack(self.c.get("tg.remind.too_many", max=MAX_REMINDERS))
            return
        due = time.time() + days * self.config.day_seconds
        rid = self.store.add_reminder(chat_id, due, days)
        rem = self.store.reminder(rid)
        assert rem is not None
        self.schedule(context.job_queue, rem)
        await ack(None)
        await self.send(context.bot, chat_id, self.html("tg.remind.set", days=days))

    async def press_cancel(self, query: CallbackQuery, context: Context,
                           ack: Callable[[str | None], Awaitable[None]], rid: int) -> None:
        """Cancel one of the chat's own check-ins and update the list."""
        assert query.message is not None
        chat_id = query.message.chat.id
        gone = self.store.delete_reminder(rid, chat_id)
        if gone and context.job_queue is not None:
            self.unschedule(context.job_queue, rid)
        await ack(self.c["tg.remind.cancelled" if gone else "tg.remind.gone"])
        text, markup = self.reminder_list(chat_id)
        try:
            await query.edit_message_text(text, parse_mode=ParseMode.HTML, reply_markup=markup)
        except BadRequest as exc:
            log.debug("reminder list not edited: %s", exc)

    async def fire_reminder(self, context: Context) -> None:
        """A check-in is due: ask how the heel is now."""
        job = context.job
        assert job is not None and job.chat_id is not None and isinstance(job.data, int)
        chat_id, rid = job.chat_id, job.data
        async with self.processor.chat_lock(chat_id):
            try:
                rem = self.store.reminder(rid)
                if rem is None:
                    return  # cancelled or forgotten meanwhile
                since = int(max(float(rem.days),
                                (time.time() - rem.created) / self.config.day_seconds))
            except StoreError as exc:
                # The check-in is still booked: try again later, not only after a restart.
                retry = self.config.day_seconds / 24
                log.error("check-in %s for chat %s not sent: %s; trying again in %.0f s",
                          rid, chat_id, exc, retry)
                assert context.job_queue is not None
                context.job_queue.run_once(self.fire_reminder, when=retry, data=rid,
                                           chat_id=chat_id, name=f"reminder:{rid}")
                return
            checkin = self.engine.bundle.checkin
            markup = InlineKeyboardMarkup([[self.button(o.label, f"c:{o.value[0]}")
                                            for o in checkin.options]])
            try:
                await context.bot.send_message(chat_id, self.html(checkin.question, days=since),
                                               parse_mode=ParseMode.HTML, reply_markup=markup)
            except Forbidden:
                self.drop_reminders(context, chat_id)
                return
            except BadRequest as exc:  # e.g. the chat no longer exists: never deliverable
                log.warning("check-in %s for chat %s dropped: %s", rid, chat_id, exc)
                self.store.delete_reminder(rid)
                return
            except TelegramError as exc:
                retry = self.config.day_seconds / 24
                log.warning("check-in %s for chat %s not sent (%s); trying again in %.0f s",
                            rid, chat_id, type(exc).__name__, retry)
                assert context.job_queue is not None
                self.schedule(context.job_queue, rem, delay=retry)
                return
            self.store.ask_checkin(rem)

    async def press_checkin(self, query: CallbackQuery, context: Context,
                            ack: Callable[[str | None], Awaitable[None]], answer: str) -> None:
        """A check-in answered: the dialog's check-in rules decide, with days from the store."""
        assert query.message is not None
        chat_id = query.message.chat.id
        checked = self.store.take_checkin(chat_id)
        if checked is None:  # answered already (a double tap), or forgotten meanwhile
            await self.refuse(query, context, ack, strip=True)
            return
        days = max(0, int((time.time() - checked) // self.config.day_seconds))
        state, _ = self.load(chat_id)
        result = self.engine.checkin(state, answer, days)
        reply = result.reply
        await ack(None)
        checkin = self.engine.bundle.checkin
        option = checkin.option_value(answer)
        assert option is not None
        await self.show_answered(query, self.c[checkin.short], self.c[option.label])
        if reply is not None:  # worse: the red-flag questions again, stored before replying
            self.save(chat_id, reply.state)
            await self.send_reply(context.bot, chat_id, reply)
            return
        offer = result.rule.offer_checkin or result.raised
        markup = InlineKeyboardMarkup([self.remind_row()]) if offer else None
        await self.send_doc(context.bot, chat_id, self.render.checkin(result), markup)

    # ------------------------------------------------------------ errors

    async def on_error(self, update: object, context: Context) -> None:
        """One place for every failure: log it with its context, never with text or token."""
        err = context.error
        update_id = update.update_id if isinstance(update, Update) else None
        chat_id = chat_id_of(update)
        if chat_id is None and context.job is not None:
            chat_id = context.job.chat_id
        if isinstance(err, Forbidden) and chat_id is not None:
            self.drop_reminders(context, chat_id)
            log.info("update %s: chat %s cannot be messaged (%s)", update_id, chat_id, err)
            return
        log.error("update %s in chat %s failed: %s", update_id, chat_id, type(err).__name__,
                  exc_info=err)
        private = (isinstance(update, Update) and update.effective_chat is not None
                   and update.effective_chat.type == ChatType.PRIVATE)
        if private and chat_id is not None and not isinstance(err, TelegramError):
            # A store failure undoes the whole turn: say so, the user only has to try again.
            key = "tg.store_error" if isinstance(err, StoreError) else "tg.error"
            with contextlib.suppress(TelegramError):
                await context.bot.send_message(chat_id, self.html(key),
                                               parse_mode=ParseMode.HTML)


def _slash_command(text: str) -> str | None:
    """The command of a /command message (without any @botname), or None."""
    norm = normalise(text)
    if not norm.startswith("/"):
        return None
    return norm[1:].split(" ", 1)[0].split("@", 1)[0]


# ---------------------------------------------------------------- building and running


def build_application(config: ServeConfig, engine: Engine | None = None, *,
                      request: BaseRequest | None = None,
                      get_updates_request: BaseRequest | None = None) -> App:
    """The configured Application: handlers, store, rate limiter, retries, lifecycle hooks.

    `request` replaces the HTTP transport for Bot API calls (tests pass a fake); it is
    wrapped in the retrying layer either way. The store is opened here, so an unusable
    database file is reported (StoreError) before anything connects to Telegram.
    """
    protect_logs(config.token, config.secret_token)
    # Opt in to PTB 23's durations (timedelta): without it PTB 22 warns each time it builds
    # a RetryAfter, i.e. on every flood-limit answer. Nothing here reads those attributes.
    os.environ.setdefault("PTB_TIMEDELTA", "1")
    engine = engine or Engine(graph.load_proven())
    store = Store(config.db_path)
    # Telegram lets a bot send about 30 messages a second, so 16 updates in flight are
    # plenty; more only deepen httpcore's pool queue, whose upkeep grows with its length
    # (measured: 0.64-0.80x the CPU per update at 100 busy chats; docs/benchmarks.md, F4).
    processor = ChatOrderedProcessor(max_concurrent_updates=16)
    heel = HeelBot(config, engine, store, processor)
    # Room for the 16 updates plus check-in jobs sending at the same time.
    transport = request or HTTPXRequest(connection_pool_size=32)
    builder = (
        Application.builder()
        .token(config.token)
        .request(RetryingRequest(transport))
        .rate_limiter(AIORateLimiter(max_retries=5))
        .concurrent_updates(processor)
        .post_init(heel.post_init)
        .post_shutdown(heel.post_shutdown)
    )
    if get_updates_request is not None:
        builder = builder.get_updates_request(get_updates_request)
    if config.api_url:
        builder = builder.base_url(config.api_url).base_file_url(api_file_url(config.api_url))
    app: App = builder.build()
    app.bot_data["heel"] = heel
    heel.install(app)
    return app


def run(config: ServeConfig, engine: Engine | None = None) -> int:
    """Run until SIGINT/SIGTERM: long polling, or a webhook when `config.webhook_url` is set.

    In-flight updates are finished and the store is closed before returning.
    """
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO,
                            format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # The dialog machine logs every transition at INFO: per-answer noise in a service log.
    logging.getLogger("transitions").setLevel(logging.WARNING)
    redactor = protect_logs(config.token, config.secret_token)
    for handler in logging.getLogger().handlers:
        handler.addFilter(redactor)
    try:
        app = build_application(config, engine)
    except StoreError as exc:
        print(f"heel-bot: {exc}", file=sys.stderr)
        return 2
    try:
        if config.webhook_url:
            app.run_webhook(listen=config.listen, port=config.port,
                            url_path=urlsplit(config.webhook_url).path.lstrip("/"),
                            webhook_url=config.webhook_url, secret_token=config.secret_token,
                            allowed_updates=list(ALLOWED_UPDATES))
        else:
            app.run_polling(allowed_updates=list(ALLOWED_UPDATES))
    except StoreError as exc:  # e.g. reading the check-ins to reschedule at start-up
        print(f"heel-bot: {exc}", file=sys.stderr)
        return 2
    except InvalidToken:
        print("heel-bot: Telegram refused the bot token; check TELEGRAM_BOT_TOKEN against "
              "@BotFather (/mybots, API Token)", file=sys.stderr)
        return 2
    except NetworkError as exc:
        print(f"heel-bot: cannot reach the Bot API ({REDACTOR.redact(str(exc))}); check the "
              "network or TELEGRAM_API_URL", file=sys.stderr)
        return 1
    return 0
