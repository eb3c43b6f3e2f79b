"""Paces the bot's messages to Telegram's flood limits, chat by chat, so that one fast chat
never stalls the others.

Telegram's limits ("My bot is hitting limits, how do I avoid this?", the Bot API FAQ): in one
chat, no more than about one message a second ("we may allow short bursts that go over this
limit, but eventually you'll begin receiving 429 errors"); about 30 messages a second for the
whole bot; no more than 20 messages a minute to one group. Edits count as messages.

PTB's own AIORateLimiter paces only the last two and, on a 429 (RetryAfter), halts every
request of the bot: one user tapping fast enough to earn a 429 would freeze every other
conversation. `ChatPacer` instead gives each chat its own queue: a chat waits only for its own
pace and its own 429s, in the order its calls were made, while the other chats go on; the
overall and group caps are shared slots on top.

Calls that are not messages (answering a button press, getMe, setMyCommands, getChat…) are
never paced: Telegram shows a spinner on the pressed button until answerCallbackQuery arrives,
and PTB never routes getUpdates through a rate limiter at all.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, TypeAlias

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

log = logging.getLogger(__name__)

Result: TypeAlias = bool | dict[str, Any] | list[dict[str, Any]]
Clock: TypeAlias = Callable[[], float]
Sleep: TypeAlias = Callable[[float], Awaitable[None]]

# Bot API methods that put a message into a chat or change one: what the flood limits count.
# Everything else goes out at once. sendChatAction starts with "send" but shows "typing…",
# it is no message.
_MESSAGE_PREFIXES = ("send", "edit", "copyMessage", "forwardMessage", "stopPoll",
                     "stopMessageLiveLocation")
_NOT_MESSAGES = frozenset({"sendChatAction"})
# Added to Telegram's retry_after (whole seconds), as PTB's limiter does, so that the retry does
# not land on the very edge of the ban.
RETRY_MARGIN = 0.1
# Chats tracked before idle ones are swept out (the threshold then doubles with the live ones).
SWEEP_AT = 1024


def is_message(endpoint: str) -> bool:
    """Whether a Bot API method counts against the flood limits (sends and edits)."""
    return endpoint.startswith(_MESSAGE_PREFIXES) and endpoint not in _NOT_MESSAGES


class Window:
    """At most `limit` calls in any `period` seconds (no limit if either is 0).

    A sliding log of the last `limit` start times. Times may be reserved ahead (a call takes
    its slot, then sleeps until it); slots are taken in order, so the log stays sorted."""

    def __init__(self, limit: int, period: float) -> None:
        self.limit, self.period = limit, period
        self._starts: deque[float] = deque(maxlen=max(limit, 1))

    def earliest(self, now: float) -> float:
        """The first time from `now` at which one more call keeps within the window."""
        if self.limit <= 0 or self.period <= 0 or len(self._starts) < self.limit:
            return now
        return max(now, self._starts[0] + self.period)

    def take(self, at: float) -> None:
        """Count a call starting at `at` (the oldest drops out of the log by itself)."""
        if self.limit > 0 and self.period > 0:
            self._starts.append(at)

    def idle(self, now: float) -> bool:
        """Whether no counted call is recent enough to hold the next one back."""
        return not self._starts or self._starts[-1] + self.period <= now


@dataclass
class _Chat:
    """One chat's pace: its windows, the lock that keeps its calls in order, its users."""

    windows: tuple[Window, ...]
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    users: int = 0  # calls holding or waiting for the lock: a chat in use is never swept


def _chat_key(chat_id: object) -> int | str:
    """The chat as one key, whether PTB got its id as an int or as a string."""
    if isinstance(chat_id, int):
        return chat_id
    text = str(chat_id)
    with contextlib.suppress(ValueError):
        return int(text)
    return text  # "@channelname"


def _retry_seconds(exc: RetryAfter) -> float:
    value = exc.retry_after  # a timedelta once PTB_TIMEDELTA is on (heel_bot/tg/app.py sets it)
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class ChatPacer(BaseRateLimiter[int]):
    """A rate limiter for PTB that paces messages per chat and keeps 429s to their own chat.

    - A chat's messages: at most `per_chat_burst` in any `per_chat_burst × per_chat_interval`
      seconds, i.e. one per interval on average. The default burst of 3 is Telegram's "short
      bursts": a heel-bot turn is two messages (the question edited to show the answer, the
      next question sent), which then arrive together instead of a second apart.
    - A group's (negative chat id or @name): also at most `group_rate` per `group_period`.
    - The whole bot's: at most `overall_rate` a second, split evenly between `instances`
      (several instances serving one bot, each pacing itself: at most `overall_rate //
      instances` a second each, so that together they keep within it).
    - A 429: the call waits `retry_after` (+0.1 s), holding back only its own chat's later
      calls, and is tried again, up to `max_retries` times (a call's `rate_limit_args`, an int,
      overrides it); then the RetryAfter is raised.

    `clock` (monotonic seconds) and `sleep` are parts, so tests run on virtual time.
    """

    def __init__(self, *, per_chat_interval: float = 1.0, per_chat_burst: int = 3,
                 overall_rate: int = 30, group_rate: int = 20, group_period: float = 60.0,
                 max_retries: int = 5, clock: Clock = time.monotonic,
                 sleep: Sleep = asyncio.sleep, instances: int = 1) -> None:
        self._chat_limit = (per_chat_burst, per_chat_burst * per_chat_interval)
        self._group_limit = (group_rate, group_period)
        self._overall = Window(max(1, overall_rate // max(1, instances)), 1.0)
        self._max_retries = max_retries
        self._clock, self._sleep = clock, sleep
        self._chats: dict[int | str, _Chat] = {}
        self._sweep_at = SWEEP_AT

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Forget every chat's pace."""
        self._chats.clear()

    def tracked(self) -> int:
        """How many chats' paces are remembered (idle ones are swept out as more come)."""
        return len(self._chats)

    async def process_request(  # noqa: PLR0917 - BaseRateLimiter's signature
        self,
        callback: Callable[..., Coroutine[Any, Any, Result]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Result:
        """Make the call when its chat's pace and the bot's allow; wait out its 429s."""
        retries = self._max_retries if rate_limit_args is None else rate_limit_args

        async def call() -> Result:
            return await callback(*args, **kwargs)

        chat_id = data.get("chat_id")
        if not is_message(endpoint):
            return await self._attempts(call, None, retries, endpoint, chat_id)
        if chat_id is None:  # e.g. editing an inline-mode message: only the overall cap
            return await self._attempts(call, self._overall_turn, retries, endpoint, None)
        async with self._turns(_chat_key(chat_id)) as chat:
            return await self._attempts(call, lambda: self._chat_turn(chat), retries,
                                        endpoint, chat_id)

    async def _attempts(self, call: Callable[[], Awaitable[Result]],
                        pace: Callable[[], Awaitable[object]] | None, retries: int,
                        endpoint: str, chat_id: object) -> Result:
        """The call, each try after its pace; a 429 is slept off by this call alone (and,
        as the chat's lock is held meanwhile, by the calls of its chat queued behind it)."""
        where = f"Bot API {endpoint}" + ("" if chat_id is None else f" in chat {chat_id}")
        for attempt in range(retries + 1):
            if pace is not None:
                await pace()
            try:
                return await call()
            except RetryAfter as exc:
                if attempt == retries:
                    log.warning("%s: flood limit, given up after %d retries", where, retries)
                    raise
                wait = _retry_seconds(exc) + RETRY_MARGIN
                log.info("%s: flood limit, try %d of %d; retrying in %.1f s", where,
                         attempt + 1, retries + 1, wait)
                await self._sleep(wait)
        raise AssertionError("unreachable")  # pragma: no cover

    async def _chat_turn(self, chat: _Chat) -> None:
        """Wait (holding the chat's lock) until the chat's windows allow one more message,
        then for an overall slot; the chat counts it at the time it goes out."""
        now = self._clock()
        ready = max(w.earliest(now) for w in chat.windows)
        if ready > now:
            await self._sleep(ready - now)
        at = await self._overall_turn()
        for window in chat.windows:
            window.take(at)

    async def _overall_turn(self) -> float:
        """Take the next overall slot (shared by every chat) and wait for it; its time."""
        now = self._clock()
        at = self._overall.earliest(now)
        self._overall.take(at)  # taken before sleeping, so later callers queue behind it
        if at > now:
            await self._sleep(at - now)
        return at

    @contextlib.asynccontextmanager
    async def _turns(self, key: int | str) -> AsyncIterator[_Chat]:
        """The chat's pace, with its lock held: one call of the chat at a time, in the order
        they came (asyncio locks are first come, first served)."""
        chat = self._chats.get(key)
        if chat is None:
            chat = self._chats[key] = _Chat(self._windows(key))
        chat.users += 1
        if len(self._chats) > self._sweep_at:
            self._sweep()
        try:
            async with chat.lock:
                yield chat
        finally:
            chat.users -= 1

    def _windows(self, key: int | str) -> tuple[Window, ...]:
        per_chat = Window(*self._chat_limit)
        # Groups, supergroups and channels have negative ids or @names; private chats,
        # positive ids.
        group = isinstance(key, str) or key < 0
        return (per_chat, Window(*self._group_limit)) if group else (per_chat,)

    def _sweep(self) -> None:
        """Forget chats no call is using whose windows hold nothing back: memory stays flat."""
        now = self._clock()
        for key in [k for k, c in self._chats.items()
                    if not c.users and all(w.idle(now) for w in c.windows)]:
            del self._chats[key]
        self._sweep_at = max(SWEEP_AT, 2 * len(self._chats))
