"""The two bots under test and what they are fed: persona conversations, updates, an in-memory
Bot API transport. See "What is compared" in docs/benchmarks.md. Imports telegram: only
processes that run a bot import this.
"""

from __future__ import annotations

import contextlib
import json
import random
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram._utils.defaultvalue import DEFAULT_NONE
from telegram.ext import (
    AIORateLimiter,
    Application,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)
from telegram.request import BaseRequest, HTTPXRequest, RequestData

from benchmarks.common import ROOT, TOKEN, temp_dir

BOT_USER = {"id": 123456789, "is_bot": True, "first_name": "Heel", "username": "heel_test_bot"}
CHAT_BASE = 500_000  # chat ids used by the benchmarks start here
UNLIMITED = 10**9  # requests per second: a rate no benchmark reaches
BARE_CONCURRENCY = 256  # PTB's concurrent_updates(True): what a plain bot would use


# A conversation by buttons: (question id, value, button label) per answer.
Walk = tuple[tuple[str, str, str], ...]


def walk(engine: Any, pick: Callable[[Any], Any], stop: int | None = None) -> tuple[Walk, Any]:
    """Answer each question with the option `pick` chooses, to the outcome, to `stop` answers
    or until `pick` has none: the walk and the state it ends in. A checklist screen is a tick
    per item `pick` answers yes, then done (each a press of its own)."""
    state = engine.new_state()
    answers: list[tuple[str, str, str]] = []
    content = engine.bundle.content
    while not state.finished and len(answers) != stop:
        screen = engine.screen(state)
        if screen is not None:
            options = [pick(engine.dialog.questions[q]) for q in screen.questions]
            if any(o is None for o in options):
                break
            for qid, option in zip(screen.questions, options, strict=True):
                if option.value == "yes":
                    answers.append((qid, "yes", content[f"q.{qid}.short"]))
                    state = engine.tick(state, qid).state
            done = "screen_done" if any(o.value == "yes" for o in options) else "screen_none"
            answers.append((screen.first, "done", content[f"tg.button.{done}"]))
            state = engine.screen_done(state).state
            continue
        q = engine.dialog.questions[state.node]
        if (option := pick(q)) is None:
            break
        answers.append((q.id, option.value, engine.bundle.content[option.label]))
        state = engine.choose(state, q.id, option.value).state
    return tuple(answers), state


def random_walk(engine: Any, rng: random.Random, stop: int | None = None) -> tuple[Walk, Any]:
    """A random option at every question."""
    return walk(engine, lambda q: rng.choice(q.options), stop)


def persona_walks(engine: Any) -> list[Walk]:
    """Each persona of tests/conversations walked to its outcome (personas the dialog cannot
    finish by buttons are skipped: the replay tests report those)."""
    from heel_bot.yamlsrc import load_file  # noqa: PLC0415

    walks = []
    for path in sorted((ROOT / "tests" / "conversations").glob("*.yaml")):
        data = load_file(path).plain()
        if isinstance(data, dict) and isinstance(patient := data.get("patient"), dict):
            answers, state = walk(engine, lambda q, p=patient: (
                q.option(str(p[q.slot])) if q.slot in p else None), 60)
            if state.finished:
                walks.append(answers)
    return walks


# ---------------------------------------------------------------- Bot API JSON


def _message(chat_id: int, message_id: int, text: str, sender: dict[str, Any]) -> dict[str, Any]:
    return {"message_id": message_id, "from": sender, "date": 1_700_000_000,
            "chat": {"id": chat_id, "type": "private", "first_name": f"Runner{chat_id}"},
            "text": text}


def _user(chat_id: int) -> dict[str, Any]:
    return {"id": chat_id, "is_bot": False, "first_name": f"Runner{chat_id}",
            "language_code": "en"}


def update_json(update_id: int, chat_id: int, kind: str, value: str) -> dict[str, Any]:
    """An update: the user typed `value` ("text"; a /command gets its entity) or pressed a
    button carrying `value` ("press") on the bot's message."""
    if kind == "press":
        return {"update_id": update_id, "callback_query": {
            "id": f"{chat_id}-{update_id}", "from": _user(chat_id),
            "chat_instance": f"ci{chat_id}", "data": value,
            # The message pressed is the one the bot sent (the canned sendMessage answers
            # id 1): the live one, as in a real chat, so no buttons need taking off another.
            "message": _message(chat_id, 1, "question", BOT_USER)}}
    message = _message(chat_id, 1, value, _user(chat_id))
    if value.startswith("/"):
        message["entities"] = [{"type": "bot_command", "offset": 0,
                                "length": len(value.split(maxsplit=1)[0])}]
    return {"update_id": update_id, "message": message}


def _ok(result: object) -> bytes:
    return json.dumps({"ok": True, "result": result}).encode()


_SENT = _ok(_message(1, 1, "x", BOT_USER))
CANNED = {"getme": _ok({**BOT_USER, "can_join_groups": True, "supports_inline_queries": False,
                        "can_read_all_group_messages": False}),
          "sendmessage": _SENT, "editmessagetext": _SENT, "editmessagereplymarkup": _SENT,
          "getupdates": _ok([]),
          # The bot's profile, read at start (heel_bot/tg/presence.py): nothing set yet.
          "getmydescription": _ok({"description": ""}),
          "getmyshortdescription": _ok({"short_description": ""}),
          "getmycommands": _ok([])}


class CannedRequest(BaseRequest):
    """Answers every Bot API call from memory with canned JSON; no network.

    It encodes the parameters as a real transport would (`json_parameters`), so both bots pay
    for serialising what they send. With `record`, it keeps (method, parameters).
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
        return 200, CANNED.get(endpoint.lower(), _ok(True))


# ---------------------------------------------------------------- the two bots


def build_heel(db_path: Path | str, engine: Any = None, *, api_url: str | None = None,
               request: BaseRequest | None = None, shipped: bool = False) -> Any:
    """heel-bot from its parts: the engine, a store at `db_path` (an SQLite file, or a
    postgresql:// URL), its flood limiter (ChatPacer)
    as shipped if `shipped`, else with its limits lifted (its per-chat locks and windows still
    run, it never waits), the transport `request` (else the production one)."""
    from heel_bot import loader  # noqa: PLC0415
    from heel_bot.engine import Engine  # noqa: PLC0415
    from heel_bot.serve_config import ServeConfig  # noqa: PLC0415
    from heel_bot.stores.sqlite import SqliteStore  # noqa: PLC0415
    from heel_bot.tg.app import build_application  # noqa: PLC0415
    from heel_bot.tg.pacing import ChatPacer  # noqa: PLC0415

    limiter = None if shipped else ChatPacer(
        per_chat_interval=1 / UNLIMITED, overall_rate=UNLIMITED, group_rate=UNLIMITED)
    engine = engine or Engine(loader.load())
    # Built now, as a running bot has it: its one-off background build is start-up cost
    # (section 5), not CPU per update.
    engine.language  # noqa: B018
    if isinstance(db_path, str):
        from heel_bot.stores.postgres import PgStore  # noqa: PLC0415

        store: Any = PgStore(db_path)
        settings = ServeConfig(token=TOKEN, api_url=api_url, db_path=Path("unused"),
                               db_url=db_path)
    else:
        store = SqliteStore(db_path)
        settings = ServeConfig(token=TOKEN, api_url=api_url, db_path=db_path)
    return build_application(
        settings, engine=engine, store=store, rate_limiter=limiter,
        request=request, get_updates_request=CannedRequest() if request else None)


def build_bare(scripts: Sequence[Script], *, request: BaseRequest | None = None,
               base_url: str | None = None, shipped: bool = False) -> Any:
    """A bare python-telegram-bot Application that replays heel-bot's recorded calls; with
    PTB's flood limiter (AIORateLimiter, Telegram's rates) if `shipped`, else none.

    Chat `c` plays script `c % len(scripts)`; /start rewinds it. The per-chat step is the only
    state; keyboards are built once, here, not per update.
    """
    def prepared(params: dict[str, Any]) -> dict[str, Any]:
        kw = {k: params[k] for k in ("text", "parse_mode") if k in params}
        if isinstance(params.get("reply_markup"), dict):
            kw["reply_markup"] = InlineKeyboardMarkup.de_json(params["reply_markup"], None)
        return kw

    plays = [[[(m, prepared(p)) for m, p in update] for update in s.calls] for s in scripts]
    step: dict[int, int] = {}

    async def replay(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        chat_id = update.effective_chat.id  # type: ignore[union-attr]
        step[chat_id] = 0 if update.message is not None else step.get(chat_id, 0) + 1
        play, query = plays[chat_id % len(plays)], update.callback_query
        for method, kw in play[min(step[chat_id], len(play) - 1)]:
            if method == "sendMessage":
                await context.bot.send_message(chat_id, **kw)
            elif method == "editMessageText":
                await query.edit_message_text(**kw)  # type: ignore[union-attr]
            elif method == "editMessageReplyMarkup":
                await query.edit_message_reply_markup(None)  # type: ignore[union-attr]
            elif method == "answerCallbackQuery":
                await query.answer(kw.get("text"))  # type: ignore[union-attr]

    builder = (Application.builder().token(TOKEN).concurrent_updates(BARE_CONCURRENCY)
               .request(request or HTTPXRequest(connection_pool_size=64)))
    if request is not None:
        builder = builder.get_updates_request(CannedRequest())
    if base_url is not None:
        builder = builder.base_url(base_url)
    if shipped:
        builder = builder.rate_limiter(AIORateLimiter(max_retries=5))
    app = builder.build()
    app.add_handlers([MessageHandler(filters.TEXT, replay), CallbackQueryHandler(replay)])
    return app


@contextlib.asynccontextmanager
async def initialized(app: Any) -> AsyncIterator[Any]:
    """An Application initialized (post_init run), shut down (post_shutdown run) on exit."""
    await app.initialize()
    if app.post_init:
        await app.post_init(app)
    try:
        yield app
    finally:
        await app.shutdown()
        if app.post_shutdown:
            await app.post_shutdown(app)


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


def _find_data(calls: list[tuple[str, dict[str, Any]]], label: str) -> str:
    """Callback data of the button `label` on the last message with a keyboard."""
    for endpoint, params in reversed(calls):
        markup = params.get("reply_markup")
        if endpoint in ("sendMessage", "editMessageText") and isinstance(markup, dict):
            buttons = [b for row in markup.get("inline_keyboard", []) for b in row]
            for test in (str.__eq__, str.endswith):
                found = [b for b in buttons if test(b["text"].strip(), label.strip())]
                if len(found) == 1:
                    return str(found[0]["callback_data"])
            raise KeyError(f"no button {label!r} in {[b['text'] for b in buttons]}")
    raise KeyError("no keyboard was sent")


async def record_scripts(engine: Any, walks: Sequence[Walk]) -> list[Script]:
    """Play each walk through heel-bot in process and record what it sends."""
    record: list[tuple[str, dict[str, Any]]] = []
    scripts, uid = [], 0
    with temp_dir() as tmp:
        app = build_heel(tmp / "record.sqlite3", engine, request=CannedRequest(record))
        async with initialized(app):
            for i, steps in enumerate(walks):
                script = Script(steps, [("text", "/start")], [])
                for label in (None, *(label for _q, _v, label in steps)):
                    if label is not None:
                        script.updates.append(("press", _find_data(script.calls[-1], label)))
                    uid += 1
                    record.clear()
                    kind, value = script.updates[-1]
                    await app.process_update(Update.de_json(
                        update_json(uid, CHAT_BASE - 1 - i, kind, value), app.bot))
                    script.calls.append(list(record))
                scripts.append(script)
    return scripts
