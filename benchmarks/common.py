"""Shared pieces of the benchmarks: result rows, statistics, the machine, scripted conversations,
an in-memory Bot API transport, and the bare python-telegram-bot baseline.

The baseline bot is deliberately the cheapest thing that could stand in for heel-bot: it keeps
one integer per chat in a dict and, for each update, makes exactly the Bot API calls heel-bot
made for the same update in a recorded run, with the same texts and keyboards. Whatever
heel-bot costs on top of it is its dialog engine, its store, its rendering and its layers
(retries, the flood limiter, per-chat ordering).
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CONVERSATIONS = ROOT / "tests" / "conversations"
# A token of the right shape; no request ever leaves the machine.
TOKEN = "123456789:AAHtest-Token_for_the_loopback_standin_0"
BOT_USER = {"id": 123456789, "is_bot": True, "first_name": "Heel", "username": "heel_test_bot"}
CHAT_BASE = 500_000  # chat ids used by the benchmarks start here


# ---------------------------------------------------------------- results


@dataclass
class Row:
    """One line of the results table."""

    section: str
    measure: str
    value: str
    target: str = ""
    verdict: str = ""  # "met", "missed" or "" (informational)
    note: str = ""


@dataclass
class Section:
    """The rows of one benchmark and what it has to say beyond them."""

    title: str
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def add(self, measure: str, value: str, target: str = "", verdict: str = "",
            note: str = "") -> None:
        self.rows.append(Row(self.title, measure, value, target, verdict, note))


def verdict(ok: bool) -> str:
    return "met" if ok else "missed"


def pct(samples: Sequence[float], p: float) -> float:
    """The p-quantile (0..1) by nearest rank."""
    s = sorted(samples)
    if not s:
        return float("nan")
    return s[min(len(s) - 1, max(0, int(p * len(s) + 0.5) - 1))]


def median(samples: Sequence[float]) -> float:
    return statistics.median(samples) if samples else float("nan")


def us(seconds: float) -> str:
    return f"{seconds * 1e6:.1f} µs"


def ms(seconds: float) -> str:
    return f"{seconds * 1e3:.1f} ms" if seconds < 10 else f"{seconds * 1e3:.0f} ms"


# ---------------------------------------------------------------- the machine


def machine() -> dict[str, str]:
    """What the numbers were measured on."""
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError), open("/proc/cpuinfo", encoding="utf-8") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    try:
        import telegram  # noqa: PLC0415 - only for its version

        ptb = telegram.__version__
    except ImportError:  # pragma: no cover
        ptb = "not installed"
    mem = ""
    with contextlib.suppress(OSError), open("/proc/meminfo", encoding="utf-8") as f:
        for line in f:
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    return {
        "heel-bot code": _commit(),
        "CPU": cpu,
        "cores": str(os.cpu_count()),
        "memory": mem,
        "OS": f"{platform.system()} {platform.release()}",
        "Python": f"{platform.python_implementation()} {platform.python_version()}",
        "python-telegram-bot": ptb,
        "SQLite": sqlite3.sqlite_version,
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
    }


def _commit() -> str:
    """The commit measured, and whether bot/ or the definitions had local changes."""
    import subprocess  # noqa: PLC0415

    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, text=True,
                              capture_output=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "bot", "dialogs",
                                "content"], cwd=ROOT, text=True, capture_output=True,
                               check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"
    return f"commit {head}" + (" with local changes in bot/, dialogs/ or content/" if dirty
                               else "")


# ---------------------------------------------------------------- process CPU and memory


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far (Linux /proc)."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks  # utime, stime


def rss_bytes(pid: int | None = None) -> int:
    """Resident set size now (Linux /proc)."""
    with open(f"/proc/{pid or 'self'}/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


@contextlib.contextmanager
def temp_dir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="heel-bench-") as d:
        yield Path(d)


# ---------------------------------------------------------------- scripted conversations


@dataclass(frozen=True)
class Walk:
    """One complete conversation by buttons: (question id, value, button label) per answer."""

    name: str
    answers: tuple[tuple[str, str, str], ...]


def personas() -> list[tuple[str, dict[str, str]]]:
    """(file stem, slot -> value) of every persona conversation in tests/conversations."""
    from bot.yamlsrc import load_file  # noqa: PLC0415

    out = []
    for path in sorted(CONVERSATIONS.glob("*.yaml")):
        data = load_file(path).plain()
        if isinstance(data, dict) and isinstance(data.get("patient"), dict):
            out.append((path.stem, {str(k): str(v) for k, v in data["patient"].items()}))
    return out


def persona_walks(engine: Any) -> list[Walk]:
    """Each persona walked to its outcome with the engine (personas the dialog cannot finish
    are skipped: the replay tests report those)."""
    content = engine.bundle.content
    walks = []
    for name, patient in personas():
        state = engine.new_state()
        answers: list[tuple[str, str, str]] = []
        ok = True
        while not state.finished and len(answers) < 60:
            q = engine.dialog.questions[state.node]
            value = patient.get(q.slot)
            option = q.option(value) if value is not None else None
            if option is None:
                ok = False
                break
            answers.append((q.id, value, content[option.label]))
            state = engine.choose(state, q.id, value).state
        if ok and state.finished:
            walks.append(Walk(name, tuple(answers)))
    return walks


def random_walks(engine: Any, count: int, seed: int = 7) -> list[Walk]:
    """Random complete paths (a random option at every question)."""
    import random  # noqa: PLC0415

    rng = random.Random(seed)
    content = engine.bundle.content
    out = []
    for i in range(count):
        reply = engine.start()
        answers = []
        while reply.question is not None:
            q = reply.question
            option = rng.choice(q.options)
            answers.append((q.id, option.value, content[option.label]))
            reply = engine.choose(reply.state, q.id, option.value)
        out.append(Walk(f"random{i}", tuple(answers)))
    return out


# ---------------------------------------------------------------- Bot API JSON


def _message(chat_id: int, message_id: int, text: str, sender: dict[str, Any]) -> dict[str, Any]:
    return {"message_id": message_id, "from": sender, "date": 1_700_000_000,
            "chat": {"id": chat_id, "type": "private", "first_name": f"Runner{chat_id}"},
            "text": text}


def user_of(chat_id: int) -> dict[str, Any]:
    return {"id": chat_id, "is_bot": False, "first_name": f"Runner{chat_id}",
            "language_code": "en"}


def text_update(update_id: int, chat_id: int, message_id: int, text: str) -> dict[str, Any]:
    """An update: the user typed `text` (a /command gets its bot_command entity)."""
    message = _message(chat_id, message_id, text, user_of(chat_id))
    if text.startswith("/"):
        message["entities"] = [{"type": "bot_command", "offset": 0,
                                "length": len(text.split(maxsplit=1)[0])}]
    return {"update_id": update_id, "message": message}


def press_update(update_id: int, chat_id: int, message_id: int, data: str) -> dict[str, Any]:
    """An update: the user pressed a button carrying `data` on the bot's message."""
    return {"update_id": update_id, "callback_query": {
        "id": f"{chat_id}-{update_id}", "from": user_of(chat_id), "chat_instance": f"ci{chat_id}",
        "data": data, "message": _message(chat_id, message_id, "question", BOT_USER)}}


def _ok(result: object) -> bytes:
    return json.dumps({"ok": True, "result": result}).encode()


_CANNED_MESSAGE = _ok(_message(1, 1, "x", BOT_USER))
CANNED: dict[str, bytes] = {
    "getme": _ok({**BOT_USER, "can_join_groups": True, "can_read_all_group_messages": False,
                  "supports_inline_queries": False}),
    "sendmessage": _CANNED_MESSAGE,
    "editmessagetext": _CANNED_MESSAGE,
    "editmessagereplymarkup": _CANNED_MESSAGE,
    "getupdates": _ok([]),
}
_CANNED_TRUE = _ok(True)


def canned_request_class() -> type:
    """The in-memory transport (built lazily: only processes that run a bot import telegram)."""
    from telegram._utils.defaultvalue import DEFAULT_NONE  # noqa: PLC0415
    from telegram.request import BaseRequest, RequestData  # noqa: PLC0415

    class CannedRequest(BaseRequest):
        """Answers every Bot API call from memory with canned JSON; no network.

        It encodes the parameters as a real transport would (`json_parameters`), so both bots
        pay for serialising what they send. With `record`, it keeps (method, parameters).
        """

        def __init__(self, record: list[tuple[str, dict[str, Any]]] | None = None) -> None:
            self.record = record

        @property
        def read_timeout(self) -> float | None:
            return None

        async def initialize(self) -> None:
            """Nothing to open."""

        async def shutdown(self) -> None:
            """Nothing to close."""

        async def do_request(  # noqa: PLR0917 - BaseRequest's signature
            self, url: str, method: str, request_data: RequestData | None = None,
            read_timeout: Any = DEFAULT_NONE, write_timeout: Any = DEFAULT_NONE,
            connect_timeout: Any = DEFAULT_NONE, pool_timeout: Any = DEFAULT_NONE,
        ) -> tuple[int, bytes]:
            endpoint = url.rsplit("/", 1)[-1]
            if request_data is not None:
                _ = request_data.json_parameters
                if self.record is not None:
                    self.record.append((endpoint, request_data.parameters))
            return 200, CANNED.get(endpoint.lower(), _CANNED_TRUE)

    return CannedRequest


# ---------------------------------------------------------------- recorded scripts


@dataclass
class Script:
    """One conversation as heel-bot played it: the updates a user sends and, per update, the
    Bot API calls heel-bot made (what the bare bot replays)."""

    walk: Walk
    updates: list[tuple[str, str]]  # ("text", "/start") or ("press", callback data)
    calls: list[list[tuple[str, dict[str, Any]]]]  # per update: (method, parameters)

    @property
    def sends(self) -> int:
        return sum(len(c) for c in self.calls)


def heel_config(db_path: Path, api_url: str | None = None) -> Any:
    from bot.serve_config import ServeConfig  # noqa: PLC0415

    return ServeConfig(token=TOKEN, api_url=api_url, db_path=db_path)


UNLIMITED = 1e9  # requests per second: a rate no benchmark reaches


def lift_flood_limit() -> None:
    """Keep heel-bot's AIORateLimiter, with its token buckets, but raise its rates so that it
    never waits.

    Otherwise it holds the bot to Telegram's ~30 messages/s and every benchmark would measure
    that cap instead of the bot. The limiter's own bookkeeping is still paid for.
    """
    import functools  # noqa: PLC0415

    from telegram.ext import AIORateLimiter  # noqa: PLC0415

    from bot import telegram_app  # noqa: PLC0415

    telegram_app.AIORateLimiter = functools.partial(  # type: ignore[misc]
        AIORateLimiter, overall_max_rate=UNLIMITED, group_max_rate=UNLIMITED)


def _find_data(calls: list[tuple[str, dict[str, Any]]], label: str) -> str:
    """Callback data of the button `label` on the last message with a keyboard."""
    for endpoint, params in reversed(calls):
        markup = params.get("reply_markup")
        if endpoint == "sendMessage" and isinstance(markup, dict):
            buttons = [b for row in markup.get("inline_keyboard", []) for b in row]
            for test in (str.__eq__, str.endswith):
                found = [b for b in buttons if test(b["text"].strip(), label.strip())]
                if len(found) == 1:
                    return str(found[0]["callback_data"])
            raise KeyError(f"no button {label!r} in {[b['text'] for b in buttons]}")
    raise KeyError("no keyboard was sent")


async def record_scripts(engine: Any, walks: Sequence[Walk]) -> list[Script]:
    """Play each walk through heel-bot in process and record what it sends."""
    from telegram import Update  # noqa: PLC0415

    from bot.telegram_app import build_application  # noqa: PLC0415

    lift_flood_limit()
    record: list[tuple[str, dict[str, Any]]] = []
    scripts = []
    with temp_dir() as tmp:
        app = build_application(heel_config(tmp / "record.sqlite3"), engine,
                                request=canned_request_class()(record),
                                get_updates_request=canned_request_class()())
        await app.initialize()
        if app.post_init:
            await app.post_init(app)
        uid = 1
        for i, walk in enumerate(walks):
            chat = CHAT_BASE - 1 - i
            updates: list[tuple[str, str]] = [("text", "/start")]
            calls: list[list[tuple[str, dict[str, Any]]]] = []
            record.clear()
            await app.process_update(Update.de_json(text_update(uid, chat, 1, "/start"), app.bot))
            calls.append(list(record))
            for _qid, _value, label in walk.answers:
                uid += 1
                data = _find_data(calls[-1], label)
                updates.append(("press", data))
                record.clear()
                await app.process_update(Update.de_json(press_update(uid, chat, 2, data),
                                                        app.bot))
                calls.append(list(record))
            scripts.append(Script(walk, updates, calls))
        await app.shutdown()
        if app.post_shutdown:
            await app.post_shutdown(app)
    return scripts


# ---------------------------------------------------------------- the bare baseline bot


def build_bare(scripts: Sequence[Script], request: Any = None, base_url: str | None = None,
               concurrent: int | bool = False) -> Any:
    """A bare python-telegram-bot Application that replays heel-bot's recorded calls.

    Chat `c` plays script `c % len(scripts)`; /start rewinds it. The per-chat step is the only
    state; keyboards are built once, here, not per update.
    """
    from telegram import InlineKeyboardMarkup, Update  # noqa: PLC0415
    from telegram.ext import (  # noqa: PLC0415
        Application,
        CallbackQueryHandler,
        ContextTypes,
        MessageHandler,
        filters,
    )

    def prepared(params: dict[str, Any]) -> dict[str, Any]:
        kw = {k: params[k] for k in ("text", "parse_mode") if k in params}
        if isinstance(params.get("reply_markup"), dict):
            kw["reply_markup"] = InlineKeyboardMarkup.de_json(params["reply_markup"], None)
        return kw

    plays = [[[(m, prepared(p)) for m, p in update] for update in s.calls] for s in scripts]
    step: dict[int, int] = {}

    async def replay(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        chat_id = update.effective_chat.id  # type: ignore[union-attr]
        if update.message is not None:
            step[chat_id] = 0
        else:
            step[chat_id] = step.get(chat_id, 0) + 1
        play = plays[chat_id % len(plays)]
        query = update.callback_query
        for method, kw in play[min(step[chat_id], len(play) - 1)]:
            if method == "sendMessage":
                await context.bot.send_message(chat_id, **kw)
            elif method == "editMessageText":
                await query.edit_message_text(**kw)  # type: ignore[union-attr]
            elif method == "editMessageReplyMarkup":
                await query.edit_message_reply_markup(None)  # type: ignore[union-attr]
            elif method == "answerCallbackQuery":
                await query.answer(kw.get("text"))  # type: ignore[union-attr]

    builder = Application.builder().token(TOKEN).concurrent_updates(concurrent)
    if request is not None:
        builder = builder.request(request).get_updates_request(canned_request_class()())
    else:
        from telegram.request import HTTPXRequest  # noqa: PLC0415

        builder = builder.request(HTTPXRequest(connection_pool_size=64))
    if base_url is not None:
        builder = builder.base_url(base_url)
    app = builder.build()
    app.add_handler(MessageHandler(filters.TEXT, replay))
    app.add_handler(CallbackQueryHandler(replay))
    return app


def python() -> str:
    return sys.executable
