"""The Telegram adapter driven in process: the real PTB Application, a fake Bot API transport.

`build_application` gets a `BaseRequest` that records every Bot API call and answers with
canned JSON, checking what Telegram checks (text length, HTML, callback data size). Updates
are fed with `Application.process_update`, so handlers, filters, the error handler, the store
and (where started) the JobQueue are all the real ones; nothing touches the network.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import logging
import re
import sqlite3
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from telegram import Update
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest

from bot import telegram_app
from bot.engine import Engine, State
from bot.replay import Replayer
from bot.serve_config import ServeConfig
from bot.store import Reminder, Store
from bot.telegram_app import (
    CALLBACK_LIMIT,
    MESSAGE_LIMIT,
    ChatOrderedProcessor,
    RetryingRequest,
    build_application,
    parse_press,
    split_html,
    utf16_len,
)
from bot.yamlsrc import load_file

TOKEN = "123456789:AAHtest-Token_for_the_loopback_standin_0"
SECRET_HALF = TOKEN.split(":", 1)[1]
BOT_USER = {"id": 999, "is_bot": True, "first_name": "Heel", "username": "heel_test_bot"}
CONVERSATIONS = Path(__file__).parent / "conversations"
ALICE, BOB = 1001, 1002


# ---------------------------------------------------------------- the fake Bot API


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    message_id: int | None = None


@dataclass
class Fault:
    code: int = 0  # an HTTP status to answer with, or 0 to raise `error`
    error: Exception | None = None
    retry_after: int | None = None
    description: str = "fault"


_TAG = re.compile(r"</?([a-z]+)>")


def _html_problem(text: str) -> str | None:
    """What Telegram's HTML parser would refuse in `text` (only <b> is used by the bot)."""
    stack: list[str] = []
    for m in _TAG.finditer(text):
        tag = m.group(1)
        if tag != "b":
            return f"unsupported tag {tag}"
        if m.group(0).startswith("</"):
            if not stack:
                return "closing tag without opening"
            stack.pop()
        else:
            stack.append(tag)
    if stack:
        return "unclosed tag"
    bare = _TAG.sub("", text)
    if "<" in bare or ">" in bare:
        return "unescaped < or >"
    if re.search(r"&(?!amp;|lt;|gt;|quot;|#\d+;)", bare):
        return "unescaped &"
    return None


class FakeAPI(BaseRequest):
    """Records calls, answers like the Bot API, and checks what Telegram would refuse."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.problems: list[str] = []
        self.faults: dict[str, list[Fault]] = defaultdict(list)
        self.blocked: set[int] = set()  # chats whose user blocked the bot (403)
        self.ids = itertools.count(5000)
        self.before_send: Callable[[dict[str, Any]], None] | None = None
        self.gate: dict[int, asyncio.Event] = {}  # chat -> event a send must wait for

    @property
    def read_timeout(self) -> float | None:
        return 5.0

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    async def do_request(self, url, method, request_data=None, *args: Any, **kwargs: Any):
        endpoint = url.rsplit("/", 1)[-1]
        params = dict(request_data.parameters) if request_data else {}
        if TOKEN not in url:
            self.problems.append(f"{endpoint}: the URL lacks the token")
        faults = self.faults.get(endpoint)
        if faults:
            fault = faults.pop(0)
            self.calls.append(Call(f"{endpoint}!fault", params))
            if fault.error is not None:
                raise fault.error
            body: dict[str, Any] = {"ok": False, "error_code": fault.code,
                                    "description": fault.description}
            if fault.retry_after is not None:
                body["parameters"] = {"retry_after": fault.retry_after}
            return fault.code, json.dumps(body).encode()
        chat_id = params.get("chat_id")
        if chat_id in self.gate:
            await self.gate[chat_id].wait()
        if chat_id in self.blocked:
            self.calls.append(Call(f"{endpoint}!blocked", params))
            return 403, json.dumps({"ok": False, "error_code": 403, "description":
                                    "Forbidden: bot was blocked by the user"}).encode()
        call = Call(endpoint, params)
        self.check(call)
        if endpoint == "sendMessage" and self.before_send is not None:
            self.before_send(params)
        result: Any = True
        if endpoint == "getMe":
            result = BOT_USER
        elif endpoint in ("sendMessage", "editMessageText", "editMessageReplyMarkup"):
            call.message_id = int(params.get("message_id") or next(self.ids))
            chat_type = "private" if int(chat_id) > 0 else "group"
            result = {"message_id": call.message_id, "date": 0, "from": BOT_USER,
                      "chat": {"id": chat_id, "type": chat_type}, "text": params.get("text", "")}
        self.calls.append(call)
        return 200, json.dumps({"ok": True, "result": result}).encode()

    def check(self, call: Call) -> None:
        p = call.params
        if "text" in p:
            if utf16_len(p["text"]) > MESSAGE_LIMIT:
                self.problems.append(f"{call.method}: text over 4096")
            if not p["text"].strip():
                self.problems.append(f"{call.method}: empty text")
            if p.get("parse_mode") == "HTML" and (problem := _html_problem(p["text"])):
                self.problems.append(f"{call.method}: {problem}: {p['text'][:80]!r}")
        for row in (p.get("reply_markup") or {}).get("inline_keyboard", []):
            if len(row) > 3:
                self.problems.append(f"{call.method}: {len(row)} buttons in a row")
            for b in row:
                if len(b["callback_data"].encode()) > CALLBACK_LIMIT:
                    self.problems.append(f"callback data too long: {b['callback_data']}")

    # ------------------------------------------------------------ reading the record

    def of(self, method: str, chat_id: int | None = None, since: int = 0) -> list[Call]:
        return [c for c in self.calls[since:] if c.method == method and (
            chat_id is None or c.params.get("chat_id") == chat_id)]

    def texts(self, chat_id: int | None = None, since: int = 0) -> list[str]:
        return [c.params["text"] for c in self.of("sendMessage", chat_id, since)]


def buttons(call: Call) -> list[dict[str, str]]:
    markup = call.params.get("reply_markup") or {}
    return [b for row in markup.get("inline_keyboard", []) for b in row]


# ---------------------------------------------------------------- the harness


@dataclass
class Harness:
    app: Any
    api: FakeAPI
    engine: Engine
    db: Path
    errors: list[BaseException] = field(default_factory=list)
    ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    started: bool = False

    @property
    def heel(self) -> telegram_app.HeelBot:
        return self.app.bot_data["heel"]

    async def feed(self, data: dict[str, Any]) -> None:
        data = {"update_id": next(self.ids), **data}
        await self.app.process_update(Update.de_json(data, self.app.bot))

    def _message(self, chat_id: int, chat_type: str = "private", **fields: Any) -> dict:
        chat: dict[str, Any] = {"id": chat_id, "type": chat_type}
        if chat_type != "private":
            chat["title"] = "Runners"
        msg = {"message_id": next(self.ids), "date": 0, "chat": chat, **fields}
        if chat_type != "channel":
            msg["from"] = {"id": abs(chat_id), "is_bot": False, "first_name": "Runner"}
        return msg

    async def text(self, chat_id: int, text: str, chat_type: str = "private") -> None:
        await self.feed({"message": self._message(chat_id, chat_type, text=text)})

    async def message(self, chat_id: int, **fields: Any) -> None:
        await self.feed({"message": self._message(chat_id, **fields)})

    async def press(self, chat_id: int, data: str, message_id: int = 1,
                    chat_type: str = "private") -> str | None:
        """Press a button; returns the text the query was answered with. Checks that the
        query is answered exactly once."""
        query_id = f"q{next(self.ids)}"
        before = len(self.api.calls)
        message = {"message_id": message_id, "date": 0, "from": BOT_USER, "text": "…",
                   "chat": {"id": chat_id, "type": chat_type}}
        await self.feed({"callback_query": {
            "id": query_id, "chat_instance": "ci", "data": data, "message": message,
            "from": {"id": abs(chat_id), "is_bot": False, "first_name": "Runner"}}})
        answers = [c for c in self.api.calls[before:] if c.method == "answerCallbackQuery"]
        assert [c.params["callback_query_id"] for c in answers] == [query_id], data
        return answers[0].params.get("text")

    def last_with_buttons(self, chat_id: int, prefix: str = "") -> Call:
        for call in reversed(self.api.of("sendMessage", chat_id)):
            if any(b["callback_data"].startswith(prefix) for b in buttons(call)):
                return call
        raise AssertionError(f"no message with {prefix!r} buttons")

    async def press_label(self, chat_id: int, label: str, prefix: str = "") -> str | None:
        call = self.last_with_buttons(chat_id, prefix)
        for b in buttons(call):
            if b["text"] == label:
                assert call.message_id is not None
                return await self.press(chat_id, b["callback_data"], call.message_id)
        raise AssertionError(f"no button {label!r} in {[b['text'] for b in buttons(call)]}")

    async def answer(self, chat_id: int, value: str) -> None:
        """Press the button for `value` of the current question."""
        q = self.engine.dialog.questions[self.state(chat_id).node]
        option = q.option(value)
        assert option is not None, (q.id, value)
        await self.press_label(chat_id, self.engine.bundle.content[option.label], "a:")

    def state(self, chat_id: int) -> State:
        raw = stored_state(self.db, chat_id)
        assert raw is not None
        return self.engine.restore(raw)

    def rows(self, chat_id: int) -> int:
        return sum(query(self.db, f"SELECT count(*) FROM {t} WHERE chat_id = ?", chat_id)[0][0]
                   for t in ("conversations", "reminders", "checkins"))

    def label(self, qid: str, value: str) -> str:
        option = self.engine.dialog.questions[qid].option(value)
        assert option is not None
        return self.engine.bundle.content[option.label]

    def content(self, key: str, **params: Any) -> str:
        return self.engine.bundle.content.get(key, **params)

    async def close(self) -> None:
        if self.started:
            await self.app.stop()
        await self.app.shutdown()
        await self.app.post_shutdown(self.app)


def query(db: Path, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    """Read the store's file through a connection of its own, as another process would."""
    with contextlib.closing(sqlite3.connect(db)) as conn, conn:
        return conn.execute(sql, params).fetchall()


def stored_state(db: Path, chat_id: int) -> str | None:
    rows = query(db, "SELECT state FROM conversations WHERE chat_id = ?", chat_id)
    return rows[0][0] if rows else None


def esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


async def make(tmp_path: Path, engine: Engine, *, start: bool = False,
               day_seconds: float = 86400.0, db: Path | None = None,
               api: FakeAPI | None = None) -> Harness:
    db = db or tmp_path / "heel.sqlite3"
    api = api or FakeAPI()
    config = ServeConfig(TOKEN, None, db, day_seconds=day_seconds)
    app = build_application(config, engine, request=api, get_updates_request=FakeAPI())
    h = Harness(app, api, engine, db)

    async def record(update: object, context: Any) -> None:
        h.errors.append(context.error)

    app.add_error_handler(record)
    await app.initialize()
    await app.post_init(app)
    if start:
        await app.start()
        h.started = True
    return h


@pytest.fixture
async def h(tmp_path: Path, engine: Engine):
    harness = await make(tmp_path, engine)
    yield harness
    await harness.close()
    assert not harness.api.problems
    assert not harness.errors


async def wait_for(predicate: Callable[[], bool], seconds: float = 10.0) -> None:
    for _ in range(int(seconds / 0.02)):
        if predicate():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("timed out waiting")


async def finish(h: Harness, chat_id: int, answers: dict[str, str]) -> None:
    """Answer by buttons until the outcome, from `answers` (slot -> value)."""
    await h.text(chat_id, "/start")
    for _ in range(40):
        state = h.state(chat_id)
        if state.finished:
            return
        q = h.engine.dialog.questions[state.node]
        await h.answer(chat_id, answers[q.slot])
    raise AssertionError("no outcome")


SELF_CARE = {"injury": "none", "weight_bearing": "yes", "deformity": "no", "tendon_gap": "no",
             "infection_signs": "no", "diabetes": "no", "numbness": "no", "rest_pain": "no",
             "age_group": "16_plus", "pain_location": "bottom_inner", "morning_pain": "yes",
             "run_pattern": "eases_when_warm", "heel_squeeze": "no", "hard_surface": "no",
             "every_step": "no", "severity": "mild", "trend": "same",
             "duration": "1_to_3_weeks", "mileage_jump": "yes", "shoe_age": "under_300_miles",
             "tight_calves": "yes"}


# ---------------------------------------------------------------- start-up


async def test_start_up_registers_commands_and_says_how_it_runs(tmp_path, engine, caplog):
    caplog.set_level(logging.INFO)
    h = await make(tmp_path, engine)
    try:
        (call,) = h.api.of("setMyCommands")
        names = [c["command"] for c in call.params["commands"]]
        assert names == list(telegram_app.COMMANDS)
        lines = [r.getMessage() for r in caplog.records if "runs by" in r.getMessage()]
        assert len(lines) == 1
        assert "long polling" in lines[0] and "@heel_test_bot" in lines[0]
    finally:
        await h.close()


# ---------------------------------------------------------------- questions and answers


async def test_start_greets_and_asks_one_question_with_buttons(h: Harness):
    await h.text(ALICE, "/start")
    welcome, question = h.api.of("sendMessage", ALICE)
    assert esc(h.content("ui.welcome").split("\n")[0]) in welcome.params["text"]
    q = h.engine.dialog.questions[h.engine.dialog.start]
    assert esc(h.content(q.text)) in question.params["text"]
    assert esc(h.content("ui.progress", n=1, total=1)).split(" of")[0] in question.params["text"]
    assert question.params["parse_mode"] == "HTML"
    labels = [b["text"] for b in buttons(question)]
    for o in q.options:
        assert h.content(o.label) in labels
    assert h.content("tg.button.why") in labels
    assert h.content("tg.button.back") not in labels  # nothing to go back to yet
    assert h.state(ALICE).node == q.id


async def test_a_press_edits_the_question_to_the_answer_and_asks_the_next(h: Harness):
    await h.text(ALICE, "/start")
    asked = h.last_with_buttons(ALICE, "a:")
    before = len(h.api.calls)
    assert await h.press_label(ALICE, h.label("injury", "none"), "a:") is None
    (edit,) = h.api.of("editMessageText", since=before)
    assert edit.params["message_id"] == asked.message_id
    assert edit.params["text"] == (f"<b>{esc(h.content('q.injury.short'))}</b>: "
                                   f"{esc(h.label('injury', 'none'))}")
    assert "reply_markup" not in edit.params  # the keyboard goes
    (nxt,) = h.api.of("sendMessage", ALICE, since=before)
    state = h.state(ALICE)
    assert state.answers["injury"] == "none"
    assert esc(h.content(h.engine.dialog.questions[state.node].text)) in nxt.params["text"]
    assert h.content("tg.button.back") in [b["text"] for b in buttons(nxt)]


async def test_state_is_committed_before_every_reply(h: Harness):
    seen: list[tuple[int, int]] = []

    def check(params: dict[str, Any]) -> None:
        for b in (params.get("reply_markup") or {}).get("inline_keyboard", [[]])[0]:
            press = parse_press(b["callback_data"])
            if press and press.kind == "a":
                raw = stored_state(h.db, params["chat_id"])
                assert raw is not None, "reply sent before the state was stored"
                state = h.engine.restore(raw)
                assert state.turn == press.number(0)
                assert h.heel.question_ids[press.number(1)] == state.node
                seen.append((state.turn, press.number(1)))

    h.api.before_send = check
    await finish(h, ALICE, SELF_CARE)
    assert len(seen) >= 5


async def test_typed_answers_and_commands_work_as_in_the_terminal(h: Harness):
    await h.text(ALICE, "/start")
    await h.text(ALICE, "no, it came on gradually")
    assert h.state(ALICE).answers["injury"] == "none"
    before = len(h.api.calls)
    await h.text(ALICE, "/back")
    assert "injury" not in h.state(ALICE).answers
    assert esc(h.content("ui.back_done")) in h.api.texts(ALICE, before)[0]
    before = len(h.api.calls)
    await h.text(ALICE, "/why")
    assert h.api.texts(ALICE, before) == [esc(h.content("ui.why",
                                                        text=h.content("q.injury.why")))]
    before = len(h.api.calls)
    await h.text(ALICE, "/help")
    help_text, again = h.api.texts(ALICE, before)
    assert esc(h.content("ui.help").split("\n")[0]) in help_text
    assert esc(h.content("q.injury.text")) in again
    before = len(h.api.calls)
    await h.text(ALICE, "banana")
    (reply,) = h.api.of("sendMessage", ALICE, before)
    assert esc(h.content("ui.unmatched")) in reply.params["text"]
    assert buttons(reply)
    before = len(h.api.calls)
    await h.text(ALICE, "/summary")
    assert esc(h.content("ui.summary.title")) in h.api.texts(ALICE, before)[0]
    before = len(h.api.calls)
    await h.text(ALICE, "/learn")
    (menu,) = h.api.of("sendMessage", ALICE, before)
    assert [b["text"] for b in buttons(menu)] == [h.content(t.title)
                                                   for t in h.engine.bundle.learn]
    before = len(h.api.calls)
    await h.press(ALICE, buttons(menu)[0]["callback_data"], menu.message_id or 0)
    assert esc(h.content(h.engine.bundle.learn[0].title)) in h.api.texts(ALICE, before)[0]
    before = len(h.api.calls)
    await h.text(ALICE, "/restart")
    assert esc(h.content("ui.restarted")) in h.api.texts(ALICE, before)[0]
    before = len(h.api.calls)
    await h.text(ALICE, "/frobnicate")
    assert esc(h.content("tg.unknown_command")) in h.api.texts(ALICE, before)[0]


async def test_commands_before_any_conversation(h: Harness):
    await h.text(ALICE, "/summary")
    (summary,) = h.api.texts(ALICE)
    assert esc(h.content("ui.summary.none_yet")) in summary
    await h.text(ALICE, "/learn")
    assert h.api.texts(ALICE)[-1] == esc(h.content("ui.learn.menu"))
    assert h.rows(ALICE) == 0  # looking stores nothing
    before = len(h.api.calls)
    await h.text(ALICE, "/help")
    help_text, welcome, question = h.api.texts(ALICE, before)
    assert esc(h.content("ui.help").split("\n")[0]) in help_text
    assert esc(h.content("ui.welcome").split("\n")[0]) in welcome
    assert esc(h.content("q.injury.text")) in question
    assert h.rows(ALICE) == 1


async def test_a_first_message_is_a_greeting_not_an_answer(h: Harness):
    await h.text(BOB, "no")
    assert h.state(BOB).answers == {}
    welcome, _question = h.api.texts(BOB)
    assert esc(h.content("ui.welcome").split("\n")[0]) in welcome


async def test_red_flag_words_typed_anywhere_bring_the_question_forward(h: Harness):
    await finish(h, ALICE, SELF_CARE)
    before = len(h.api.calls)
    await h.text(ALICE, "it just popped and I can't walk")
    text = h.api.texts(ALICE, before)[0]
    assert esc(h.content("ui.safety_net")) in text
    assert not h.state(ALICE).finished


async def test_start_carries_on_or_begins_again(h: Harness):
    await h.text(ALICE, "/start")
    await h.answer(ALICE, "none")
    before = len(h.api.calls)
    await h.text(ALICE, "/start")
    (msg,) = h.api.texts(ALICE, before)
    assert esc(h.content("tg.welcome_back")) in msg
    assert h.state(ALICE).answers == {"injury": "none"}


async def test_back_and_why_buttons(h: Harness):
    await h.text(ALICE, "/start")
    await h.answer(ALICE, "none")
    before = len(h.api.calls)
    await h.press_label(ALICE, h.content("tg.button.why"), "w:")
    assert h.api.texts(ALICE, before)[0].startswith(esc(h.content("ui.why", text="")).strip())
    before = len(h.api.calls)
    await h.press_label(ALICE, h.content("tg.button.back"), "b:")
    assert h.state(ALICE).node == "injury"
    assert h.api.of("editMessageReplyMarkup", ALICE, before)
    assert esc(h.content("ui.back_done")) in h.api.texts(ALICE, before)[0]


# ---------------------------------------------------------------- stale and forged buttons


async def test_a_press_on_an_older_message_is_never_applied(h: Harness):
    await h.text(ALICE, "/start")
    first = h.last_with_buttons(ALICE, "a:")
    await h.answer(ALICE, "none")
    state = h.state(ALICE)
    old = next(b for b in buttons(first) if b["text"] == h.label("injury", "pop_or_kick"))
    before = len(h.api.calls)
    notice = await h.press(ALICE, old["callback_data"], first.message_id or 0)
    assert notice == h.content("tg.stale")
    assert h.state(ALICE) == state  # nothing applied
    assert h.api.of("editMessageReplyMarkup", ALICE, before)  # its buttons removed
    (again,) = h.api.of("sendMessage", ALICE, before)
    assert esc(h.content(h.engine.dialog.questions[state.node].text)) in again.params["text"]


@pytest.mark.parametrize("data", [
    "zzz", "", "a:1:0:0:0", "a:0:999:0", "a:1:0:9", "a:abc:0:0", "b:99", "n:7", "w:x",
    "r:5", "r:", "t:99", "x:notanid", "c:q:3", "f:maybe", "a:" + "9" * 70,
])
async def test_forged_button_data_is_refused(h: Harness, data: str):
    await h.text(ALICE, "/start")
    await h.answer(ALICE, "none")
    state = h.state(ALICE)
    before = len(h.api.calls)
    assert await h.press(ALICE, data, 77) == h.content("tg.stale")
    assert h.state(ALICE) == state
    (again,) = h.api.of("sendMessage", ALICE, before)
    assert esc(h.content(h.engine.dialog.questions[state.node].text)) in again.params["text"]


async def test_forged_answer_for_the_right_turn_but_another_question(h: Harness):
    await h.text(ALICE, "/start")
    state = h.state(ALICE)
    other = h.heel.question_index["diabetes"]
    assert await h.press(ALICE, f"a:{state.turn}:{other}:0", 5) == h.content("tg.stale")
    assert h.state(ALICE) == state


async def test_a_press_without_any_conversation_starts_one(h: Harness):
    assert await h.press(BOB, "a:3:0:0", 9) == h.content("tg.stale")
    assert h.state(BOB).node == h.engine.dialog.start


# ---------------------------------------------------------------- the outcome


async def test_outcome_is_html_with_its_buttons(h: Harness):
    await finish(h, ALICE, SELF_CARE)
    outcome = h.last_with_buttons(ALICE, "s")
    text = outcome.params["text"]
    assert outcome.params["parse_mode"] == "HTML"
    assert f"<b>{esc(h.content('level.self_care.title'))}</b>" in "".join(
        h.api.texts(ALICE)[-3:])
    assert esc(h.content("tg.outcome_footer")) in text
    datas = [b["callback_data"] for b in buttons(outcome)]
    turn = h.state(ALICE).turn
    assert datas == ["s", "l", "r:3", "r:7", "r:14", f"n:{turn}"]
    before = len(h.api.calls)
    await h.press(ALICE, "s", outcome.message_id or 0)
    summary = h.api.texts(ALICE, before)[0]
    assert esc(h.content("ui.summary.title")) in summary
    assert esc(h.content("q.injury.short")) in summary
    before = len(h.api.calls)
    await h.press(ALICE, "l", outcome.message_id or 0)
    assert h.api.texts(ALICE, before) == [esc(h.content("ui.learn.menu"))]
    await h.press(ALICE, f"n:{turn}", outcome.message_id or 0)
    assert h.state(ALICE).node == h.engine.dialog.start
    assert h.state(ALICE).answers == {}


async def test_typing_after_the_outcome_keeps_the_outcome_buttons(h: Harness):
    await finish(h, ALICE, SELF_CARE)
    before = len(h.api.calls)
    await h.text(ALICE, "hello?")
    (msg,) = h.api.of("sendMessage", ALICE, before)
    assert esc(h.content("ui.finished")) in msg.params["text"]
    assert "s" in [b["callback_data"] for b in buttons(msg)]


async def test_start_after_the_outcome_begins_a_new_check(h: Harness):
    await finish(h, ALICE, SELF_CARE)
    await h.text(ALICE, "/start")
    assert h.state(ALICE).answers == {}


def test_split_html_keeps_every_part_below_the_limit():
    para = "word &amp; <b>bold</b> text " * 30
    text = "\n\n".join([para] * 40)
    parts = split_html(text)
    assert len(parts) > 1
    assert all(utf16_len(p) <= 4000 for p in parts)
    assert "\n\n".join(parts) == text.strip()
    assert all(_html_problem(p) is None for p in parts)
    huge = "x&amp;y " * 2000  # one paragraph, no line breaks
    parts = split_html(huge)
    assert all(utf16_len(p) <= 4000 and _html_problem(p) is None for p in parts)
    assert " ".join(parts) == huge.strip()
    blob = "é😀&amp;" * 3000  # no spaces at all: cut hard, never inside &amp;
    parts = split_html(blob)
    assert all(utf16_len(p) <= 4000 and _html_problem(p) is None for p in parts)
    assert "".join(parts) == blob
    assert split_html("short") == ["short"]


async def test_a_long_outcome_is_split_and_the_buttons_go_last(h: Harness, monkeypatch):
    original = h.heel.reply_doc

    def padded(reply, extra=()):
        doc = original(reply, extra)
        if reply.outcome is not None:
            doc = doc[:-1] + [telegram_app.Block("text", "A long paragraph & more. " * 60)
                              for _ in range(12)] + doc[-1:]
        return doc

    monkeypatch.setattr(h.heel, "reply_doc", padded)
    await finish(h, ALICE, SELF_CARE)
    sent = h.api.of("sendMessage", ALICE)
    tail = [c for c in sent if "A long paragraph" in c.params["text"]]
    assert len(tail) >= 2
    assert all(not buttons(c) for c in tail[:-1])
    assert buttons(sent[-1])


# ---------------------------------------------------------------- other updates


@pytest.mark.parametrize("kind", [
    {"sticker": {"file_id": "s", "file_unique_id": "s", "width": 1, "height": 1,
                 "is_animated": False, "is_video": False, "type": "regular"}},
    {"photo": [{"file_id": "p", "file_unique_id": "p", "width": 1, "height": 1}]},
    {"voice": {"file_id": "v", "file_unique_id": "v", "duration": 2}},
    {"location": {"latitude": 51.5, "longitude": -0.1}},
    {"document": {"file_id": "d", "file_unique_id": "d"}},
], ids=["sticker", "photo", "voice", "location", "document"])
async def test_non_text_messages_get_a_kind_reply_and_the_question(h: Harness, kind):
    await h.text(ALICE, "/start")
    await h.answer(ALICE, "none")
    state = h.state(ALICE)
    before = len(h.api.calls)
    await h.message(ALICE, **kind)
    (msg,) = h.api.of("sendMessage", ALICE, before)
    assert esc(h.content("tg.non_text")) in msg.params["text"]
    assert esc(h.content(h.engine.dialog.questions[state.node].text)) in msg.params["text"]
    assert buttons(msg)
    assert h.state(ALICE) == state


async def test_edited_messages_are_ignored(h: Harness):
    await h.text(ALICE, "/start")
    state = h.state(ALICE)
    before = len(h.api.calls)
    await h.feed({"edited_message": {**h._message(ALICE, text="it popped"), "edit_date": 1}})
    assert h.api.calls[before:] == []
    assert h.state(ALICE) == state


@pytest.mark.parametrize("chat_type", ["group", "supergroup"])
async def test_groups_get_one_reply_and_nothing_is_stored(h: Harness, chat_type: str):
    for text in ("/start", "my heel hurts"):
        before = len(h.api.calls)
        await h.text(-500, text, chat_type)
        assert h.api.texts(-500, before) == [esc(h.content("tg.private_only"))]
    assert h.rows(-500) == 0
    assert query(h.db, "SELECT count(*) FROM conversations") == [(0,)]


async def test_channel_posts_get_one_reply(h: Harness):
    await h.feed({"channel_post": h._message(-1009, "channel", text="hello")})
    assert h.api.texts(-1009) == [esc(h.content("tg.private_only"))]
    assert h.rows(-1009) == 0


# ---------------------------------------------------------------- privacy and forget


async def test_privacy_says_what_is_stored(h: Harness):
    await h.text(ALICE, "/privacy")
    (text,) = h.api.texts(ALICE)
    assert text == esc(h.content("tg.privacy"))
    assert h.rows(ALICE) == 0  # asking stores nothing


async def test_forget_asks_then_deletes_every_row(tmp_path, engine):
    h = await make(tmp_path, engine, start=True, day_seconds=3600)
    try:
        await finish(h, ALICE, SELF_CARE)
        await finish(h, BOB, SELF_CARE)
        outcome = h.last_with_buttons(ALICE, "r:")
        await h.press(ALICE, "r:7", outcome.message_id or 0)
        assert h.rows(ALICE) == 2
        assert h.app.job_queue.jobs()
        await h.text(ALICE, "/forget")
        ask = h.last_with_buttons(ALICE, "f:")
        assert [b["callback_data"] for b in buttons(ask)] == ["f:y", "f:n"]
        await h.press(ALICE, "f:n", ask.message_id or 0)
        assert h.rows(ALICE) == 2
        before = len(h.api.calls)
        await h.press(ALICE, "f:y", ask.message_id or 0)
        assert h.rows(ALICE) == 0
        assert h.rows(BOB) == 1
        (edit,) = h.api.of("editMessageText", ALICE, before)
        assert edit.params["text"] == esc(h.content("tg.forget.done"))
        await asyncio.sleep(0)  # job removal happens on the scheduler
        assert not [j for j in h.app.job_queue.jobs() if j.chat_id == ALICE]
        assert not h.errors and not h.api.problems
    finally:
        await h.close()


# ---------------------------------------------------------------- reminders


async def test_reminders_fire_and_the_check_in_flows(tmp_path, engine):
    h = await make(tmp_path, engine, start=True, day_seconds=0.02)
    try:
        await finish(h, ALICE, {**SELF_CARE, "duration": "under_1_week"})
        outcome = h.last_with_buttons(ALICE, "r:")
        await h.press(ALICE, "r:3", outcome.message_id or 0)
        assert esc(h.content("tg.remind.set", days=3)) in h.api.texts(ALICE)[-1]
        await wait_for(lambda: bool([c for c in h.api.of("sendMessage", ALICE)
                                     if any(b["callback_data"].startswith("c:")
                                            for b in buttons(c))]))
        # the reminder row is replaced by the open check-in (when the check was)
        await wait_for(lambda: not h.heel.store.reminders(ALICE))
        assert h.rows(ALICE) == 2
        checkin = h.last_with_buttons(ALICE, "c:")
        assert esc(h.content("checkin.ask", days=3)) == checkin.params["text"]
        datas = {b["text"]: b["callback_data"] for b in buttons(checkin)}
        assert set(datas.values()) == {"c:b", "c:s", "c:w"}  # no day count from the client
        before = len(h.api.calls)
        await h.press(ALICE, datas[h.content("checkin.option.same")], checkin.message_id or 0)
        (edit,) = h.api.of("editMessageText", ALICE, before)
        assert esc(h.content("checkin.option.same")) in edit.params["text"]
        (reply,) = h.api.of("sendMessage", ALICE, before)
        assert esc(h.content("checkin.same_early").split("\n")[0]) in reply.params["text"]
        assert [b["callback_data"] for b in buttons(reply)] == ["r:3", "r:7", "r:14"]
        # the check-in is answered: a second tap is stale and changes nothing
        before = len(h.api.calls)
        note = await h.press(ALICE, datas[h.content("checkin.option.worse")],
                             checkin.message_id or 0)
        assert note == h.content("tg.stale")
        assert esc(h.content("checkin.worse")) not in "".join(h.api.texts(ALICE, before))
        assert h.state(ALICE).finished
        assert not h.errors and not h.api.problems
    finally:
        await h.close()


def open_checkin(h: Harness, chat_id: int, days_ago: float) -> None:
    """A check-in sent to `chat_id` for a check `days_ago` days ago."""
    created = time.time() - days_ago * h.heel.config.day_seconds
    h.heel.store.ask_checkin(Reminder(0, chat_id, created, 3, created))


async def test_same_after_two_weeks_of_self_care_means_book_an_appointment(tmp_path, engine):
    h = await make(tmp_path, engine, day_seconds=3600)
    try:
        await finish(h, ALICE, SELF_CARE)
        open_checkin(h, ALICE, 14.5)
        before = len(h.api.calls)
        await h.press(ALICE, "c:s", 3)
        text = "".join(h.api.texts(ALICE, before))
        assert esc(h.content("checkin.same_long").split("\n")[0]) in text
        assert esc(h.content("level.see_doctor.title")) in text
        assert esc(h.content("level.see_doctor.where").split("\n")[0]) in text
        # thirteen days: not yet
        open_checkin(h, BOB, 13.5)
        await finish(h, BOB, SELF_CARE)
        before = len(h.api.calls)
        await h.press(BOB, "c:s", 3)
        text = "".join(h.api.texts(BOB, before))
        assert esc(h.content("checkin.same_early").split("\n")[0]) in text
        assert esc(h.content("level.see_doctor.title")) not in text
    finally:
        await h.close()


async def test_the_day_count_never_comes_from_the_button(tmp_path, engine):
    h = await make(tmp_path, engine, day_seconds=3600)
    try:
        await finish(h, ALICE, SELF_CARE)
        # v1 carried the days in the button: a forged count is refused, not believed
        assert await h.press(ALICE, "c:s:99", 3) == h.content("tg.stale")
        # and without an open check-in in the store, an answer is stale
        assert await h.press(ALICE, "c:s", 3) == h.content("tg.stale")
        assert h.state(ALICE).finished
    finally:
        await h.close()


async def test_worse_asks_the_red_flag_questions_again(tmp_path, engine):
    h = await make(tmp_path, engine, day_seconds=3600)
    try:
        await finish(h, ALICE, SELF_CARE)
        open_checkin(h, ALICE, 3)
        before = len(h.api.calls)
        await h.press(ALICE, "c:w", 3)
        text = "".join(h.api.texts(ALICE, before))
        assert esc(h.content("checkin.worse").split("\n")[0]) in text
        state = h.state(ALICE)
        assert state.node == engine.dialog.start and state.answers["trend"] == "worse"
        assert "injury" not in state.answers  # the red flags are asked afresh
        # answering them calmly still ends at least at see_doctor
        await finish(h, ALICE, SELF_CARE)
        assert engine.outcome(h.state(ALICE)).level == "see_doctor"
        # a pop on the re-screen makes it urgent
        open_checkin(h, ALICE, 3)
        await h.press(ALICE, "c:w", 3)
        await h.press_label(ALICE, h.content("opt.injury.pop_or_kick"), "a:")
        assert engine.outcome(h.state(ALICE)).level == "urgent"
        assert not h.errors and not h.api.problems
    finally:
        await h.close()


async def test_better_gives_prevention(tmp_path, engine):
    h = await make(tmp_path, engine, day_seconds=3600)
    try:
        await finish(h, ALICE, SELF_CARE)
        open_checkin(h, ALICE, 7)
        before = len(h.api.calls)
        await h.press(ALICE, "c:b", 3)
        text = "".join(h.api.texts(ALICE, before))
        assert esc(h.content("learn.prevention.body").split("\n")[0]) in text
        assert esc(h.content("checkin.restart")) in text
    finally:
        await h.close()


async def test_reminders_are_listed_and_cancelled(tmp_path, engine):
    h = await make(tmp_path, engine, start=True, day_seconds=3600)
    try:
        await h.text(ALICE, "/remind")
        offer = h.last_with_buttons(ALICE, "r:")
        assert offer.params["text"] == esc(h.content("tg.remind.none"))
        await h.press(ALICE, "r:14", offer.message_id or 0)
        await h.press(ALICE, "r:3", offer.message_id or 0)
        await h.text(ALICE, "/remind")
        listing = h.last_with_buttons(ALICE, "x:")
        assert len(buttons(listing)) == 2
        assert h.content("tg.remind.list") in listing.params["text"]
        assert len(h.app.job_queue.jobs()) == 2
        first = buttons(listing)[0]["callback_data"]
        assert await h.press(ALICE, first, listing.message_id or 0) == h.content(
            "tg.remind.cancelled")
        assert len(h.heel.store.reminders(ALICE)) == 1
        await asyncio.sleep(0)
        assert len(h.app.job_queue.jobs()) == 1
        assert await h.press(ALICE, first, listing.message_id or 0) == h.content(
            "tg.remind.gone")
        # another chat cannot cancel Alice's check-in
        (rem,) = h.heel.store.reminders(ALICE)
        assert await h.press(BOB, f"x:{rem.id}", 4) == h.content("tg.remind.gone")
        assert h.heel.store.reminders(ALICE) == [rem]
        for _ in range(telegram_app.MAX_REMINDERS):
            await h.press(ALICE, "r:7", 5)
        assert len(h.heel.store.reminders(ALICE)) == telegram_app.MAX_REMINDERS
        assert not h.errors and not h.api.problems
    finally:
        await h.close()


async def test_reminders_survive_a_restart(tmp_path, engine):
    db = tmp_path / "heel.sqlite3"
    first = await make(tmp_path, engine, start=True, day_seconds=3600, db=db)
    await finish(first, ALICE, SELF_CARE)
    await first.press(ALICE, "r:3", 1)
    await first.press(BOB, "r:14", 1)
    await first.close()
    # While the bot was down, Alice's check-in fell due; Bob's is still far off.
    query(db, "UPDATE reminders SET due_at = due_at - 4 * 3600 WHERE chat_id = ?", ALICE)
    second = await make(tmp_path, engine, start=True, day_seconds=3600, db=db)
    try:
        jobs = {j.chat_id: j for j in second.app.job_queue.jobs()}
        assert set(jobs) == {ALICE, BOB}
        await wait_for(lambda: bool(second.api.of("sendMessage", ALICE)))
        (checkin,) = second.api.of("sendMessage", ALICE)
        assert {b["callback_data"] for b in buttons(checkin)} == {"c:b", "c:s", "c:w"}
        await wait_for(lambda: not second.heel.store.reminders(ALICE))
        assert len(second.heel.store.reminders(BOB)) == 1
        assert second.api.of("sendMessage", BOB) == []
        # and the conversation carries on where it was
        assert second.state(ALICE).finished
        assert not second.errors and not second.api.problems
    finally:
        await second.close()


async def test_a_user_who_blocked_the_bot_loses_their_reminders(tmp_path, engine):
    h = await make(tmp_path, engine, start=True, day_seconds=0.05)
    try:
        await finish(h, ALICE, SELF_CARE)
        await h.press(ALICE, "r:3", 1)
        await h.press(ALICE, "r:7", 1)
        h.api.blocked.add(ALICE)
        await wait_for(lambda: not h.heel.store.reminders(ALICE))
        await asyncio.sleep(0.5)  # the second one must not be tried again and again
        tries = h.api.of("sendMessage!blocked", ALICE)
        assert len(tries) == 1
        assert not h.app.job_queue.jobs()
    finally:
        await h.close()


async def test_forbidden_while_replying_drops_reminders_without_a_crash(h: Harness):
    await finish(h, ALICE, SELF_CARE)
    await h.press(ALICE, "r:7", 1)
    h.api.blocked.add(ALICE)
    await h.text(ALICE, "/summary")
    assert h.heel.store.reminders(ALICE) == []
    assert h.state(ALICE).finished  # the conversation itself is kept
    assert [type(e).__name__ for e in h.errors] == ["Forbidden"]
    h.errors.clear()


async def test_blocking_the_bot_drops_reminders(h: Harness):
    await finish(h, ALICE, SELF_CARE)
    await h.press(ALICE, "r:7", 1)
    member = {"user": BOT_USER, "status": "member"}
    await h.feed({"my_chat_member": {
        "chat": {"id": ALICE, "type": "private"}, "date": 0,
        "from": {"id": ALICE, "is_bot": False, "first_name": "Runner"},
        "old_chat_member": member,
        "new_chat_member": {"user": BOT_USER, "status": "kicked", "until_date": 0}}})
    assert h.heel.store.reminders(ALICE) == []


# ---------------------------------------------------------------- faults


class Scripted(BaseRequest):
    def __init__(self, script: list[Any]) -> None:
        self.script = script
        self.tries = 0

    @property
    def read_timeout(self) -> float | None:
        return 1.0

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    async def do_request(self, url, method, request_data=None, *args: Any, **kwargs: Any):
        self.tries += 1
        step = self.script.pop(0)
        if isinstance(step, Exception):
            raise step
        return step, b'{"ok": true, "result": true}'


@pytest.mark.parametrize(("script", "tries", "outcome"), [
    ([502, 200], 2, 200),
    ([500, 503, 200], 3, 200),
    ([NetworkError("dropped"), 200], 2, 200),
    ([TimedOut(), 200], 2, 200),
    ([400], 1, 400),  # a refused request is final
    ([403], 1, 403),
    ([429], 1, 429),  # flood limits are the rate limiter's to wait out
    ([502] * 5, 5, 502),
])
async def test_retrying_request(script, tries, outcome):
    delays: list[float] = []

    async def sleep(s: float) -> None:
        delays.append(s)

    inner = Scripted(list(script))
    request = RetryingRequest(inner, attempts=5, first_delay=0.5, sleep=sleep)
    code, _ = await request.do_request(f"https://x/bot{TOKEN}/sendMessage", "POST")
    assert (inner.tries, code) == (tries, outcome)
    assert delays == [0.5, 1.0, 2.0, 4.0][: tries - 1]


async def test_retrying_request_gives_up_after_its_attempts():
    async def sleep(s: float) -> None:
        pass

    request = RetryingRequest(Scripted([NetworkError("x")] * 3), attempts=3, sleep=sleep)
    with pytest.raises(NetworkError):
        await request.do_request("https://x/bot/getMe", "POST")


async def test_a_502_and_a_dropped_connection_are_retried_and_delivered_once(h: Harness,
                                                                             monkeypatch):
    async def no_wait(s: float) -> None:
        pass

    monkeypatch.setattr(h.app.bot.request, "_sleep", no_wait)
    h.api.faults["sendMessage"] = [Fault(502), Fault(error=NetworkError("connection dropped"))]
    await h.text(ALICE, "/privacy")
    assert h.api.texts(ALICE) == [esc(h.content("tg.privacy"))]


async def test_flood_limit_is_waited_out(h: Harness):
    h.api.faults["sendMessage"] = [Fault(429, retry_after=1, description="Too Many Requests")]
    await h.text(ALICE, "/privacy")
    assert [c.method for c in h.api.calls[-2:]] == ["sendMessage!fault", "sendMessage"]
    assert h.api.texts(ALICE) == [esc(h.content("tg.privacy"))]


async def test_an_unexpected_error_is_logged_with_context_and_the_user_told(h: Harness,
                                                                          monkeypatch, caplog):
    def boom(state, text):
        raise RuntimeError("engine exploded")

    await h.text(ALICE, "/start")
    monkeypatch.setattr(h.heel.session, "handle", boom)
    caplog.set_level(logging.INFO)
    before = len(h.api.calls)
    await h.text(ALICE, "secret answer words")
    assert h.api.texts(ALICE, before) == [esc(h.content("tg.error"))]
    (record,) = [r for r in caplog.records if r.levelno >= logging.ERROR
                 and r.name == "bot.telegram_app"]
    message = record.getMessage()
    assert f"chat {ALICE}" in message and "RuntimeError" in message and "update" in message
    assert "secret answer words" not in caplog.text
    assert len(h.errors) == 1
    h.errors.clear()


async def test_a_stored_state_that_no_longer_fits_restarts_with_a_notice(h: Harness):
    await h.text(ALICE, "/start")
    await h.answer(ALICE, "none")
    h.heel.store.save(ALICE, json.dumps({"v": "triage/0", "n": "gone", "a": {}, "h": [],
                                         "t": 4}))
    before = len(h.api.calls)
    await h.text(ALICE, "yes")
    (msg,) = h.api.texts(ALICE, before)
    assert esc(h.content("ui.state_reset")) in msg
    state = h.state(ALICE)
    assert state.node == h.engine.dialog.start and state.answers == {} and state.turn == 5
    h.heel.store.save(ALICE, "not json at all")
    await h.text(ALICE, "/start")
    assert h.state(ALICE).node == h.engine.dialog.start


# ---------------------------------------------------------------- logs


async def test_the_token_never_reaches_a_log_line(h: Harness, caplog):
    caplog.set_level(logging.DEBUG)
    logging.getLogger("httpx").info("HTTP Request: POST https://api.telegram.org/bot%s/getMe",
                                    TOKEN)
    logging.getLogger("some.library").warning("calling %s", f"https://h/bot{TOKEN}/sendMessage")
    logging.getLogger("some.library").warning("half: %s", SECRET_HALF)
    try:
        raise RuntimeError(f"failed at /bot{TOKEN}/getUpdates")
    except RuntimeError:
        logging.getLogger("some.library").exception("request failed")
    await finish(h, ALICE, SELF_CARE)
    await h.press(ALICE, "zzz", 3)
    assert "calling https://h/bot***/sendMessage" in caplog.text
    assert "failed at /bot***" in caplog.text
    assert TOKEN not in caplog.text and SECRET_HALF not in caplog.text
    for record in caplog.records:
        assert SECRET_HALF not in record.getMessage()
    assert logging.getLogger("httpx").getEffectiveLevel() >= logging.WARNING


async def test_answers_are_not_logged_above_debug(h: Harness, caplog):
    caplog.set_level(logging.DEBUG)
    await h.text(ALICE, "/start")
    await h.text(ALICE, "xyzzy my heel plugh")
    loud = [r for r in caplog.records if r.levelno > logging.DEBUG]
    assert not any("xyzzy" in r.getMessage() for r in loud)


# ---------------------------------------------------------------- order and concurrency


async def test_processor_keeps_one_chat_in_order_and_lets_others_run():
    processor = ChatOrderedProcessor(max_concurrent_updates=8)
    gate = asyncio.Event()
    order: list[str] = []

    def update(chat_id: int) -> Update:
        return Update.de_json({"update_id": 1, "message": {
            "message_id": 1, "date": 0, "text": "x",
            "chat": {"id": chat_id, "type": "private"}}}, None)

    async def work(name: str, wait: bool = False) -> None:
        if wait:
            await gate.wait()
        order.append(name)

    tasks = [asyncio.create_task(processor.process_update(update(1), work("a1", wait=True))),
             asyncio.create_task(processor.process_update(update(1), work("a2"))),
             asyncio.create_task(processor.process_update(update(2), work("b1")))]
    await wait_for(lambda: order == ["b1"])  # b is not held up by a's slow update
    gate.set()
    await asyncio.gather(*tasks)
    assert order == ["b1", "a1", "a2"]
    assert processor._locks == {}  # idle chats hold no lock


async def test_concurrent_updates_through_the_application(tmp_path, engine):
    h = await make(tmp_path, engine, start=True)
    try:
        h.api.gate[ALICE] = asyncio.Event()
        for text in ("/start", "no", "yes, I can walk normally"):
            data = {"update_id": next(h.ids), "message": h._message(ALICE, text=text)}
            await h.app.update_queue.put(Update.de_json(data, h.app.bot))
        await h.app.update_queue.put(Update.de_json(
            {"update_id": next(h.ids), "message": h._message(BOB, text="/start")}, h.app.bot))
        await wait_for(lambda: len(h.api.of("sendMessage", BOB)) == 2)
        assert h.api.of("sendMessage", ALICE) == []  # Alice is still waiting on her gate
        h.api.gate.pop(ALICE).set()
        await wait_for(lambda: h.state(ALICE).answers.get("weight_bearing") == "yes")
        assert h.state(ALICE).answers["injury"] == "none"
        assert not h.errors and not h.api.problems
    finally:
        await h.close()


# ---------------------------------------------------------------- persona conversations


def _personas() -> list[Path]:
    out = []
    for path in sorted(CONVERSATIONS.glob("*.yaml")):
        data = load_file(path).value
        if isinstance(data, dict) and "patient" in data:
            out.append(path)
    return out


@pytest.mark.parametrize("path", _personas(), ids=lambda p: p.stem)
async def test_persona_replayed_by_button_presses(h: Harness, path: Path):
    data = load_file(path).plain()
    patient: dict[str, str] = data["patient"]
    expect: dict[str, Any] = data.get("expect") or {}
    content = h.engine.bundle.content
    await h.text(ALICE, "/start")
    for _ in range(60):
        if h.state(ALICE).finished:
            break
        # Black box: find the question by its text, the answer by its button label.
        asked = h.last_with_buttons(ALICE, "a:")
        matches = [q for q in h.engine.dialog.questions.values()
                   if esc(content[q.text]) in asked.params["text"]]
        assert len(matches) == 1
        q = matches[0]
        assert q.slot in patient, f"patient has no answer for slot {q.slot!r}"
        option = q.option(str(patient[q.slot]))
        assert option is not None
        await h.press_label(ALICE, content[option.label], "a:")
    state = h.state(ALICE)
    assert state.finished
    outcome = h.engine.outcome(state)
    shown = "".join(h.api.texts(ALICE)[-3:])
    assert f"<b>{esc(content[f'level.{outcome.level}.title'])}</b>" in shown
    # The adapter must reach what the engine reaches; and what the file expects, unless the
    # dialog itself does not (then tests/test_replay.py reports it, not this test).
    engine_ok = Replayer(h.engine).run(path).ok
    if "triage" in expect and engine_ok:
        assert outcome.level == expect["triage"]
    if "cause" in expect and engine_ok:
        assert (outcome.causes[0] if outcome.causes else "no cause") == expect["cause"]
    if not engine_ok:
        pytest.xfail("the engine itself does not meet this file (see tests/test_replay.py)")


def test_store_is_opened_by_build_application_and_errors_are_clear(tmp_path, engine):
    blocker = tmp_path / "file"
    blocker.write_text("")
    config = ServeConfig(TOKEN, None, blocker / "heel.sqlite3")
    with pytest.raises(telegram_app.StoreError, match="HEEL_BOT_DB"):
        build_application(config, engine, request=FakeAPI())


def test_run_reports_an_unusable_database_in_one_line(tmp_path, engine, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("")
    config = ServeConfig(TOKEN, None, blocker / "heel.sqlite3")
    assert telegram_app.run(config, engine) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "HEEL_BOT_DB" in err and TOKEN not in err


def test_run_reports_a_store_error_at_start_up_in_one_line(tmp_path, engine, capsys,
                                                           monkeypatch):
    """A store failing while the stored check-ins are rescheduled (post_init) is one line."""

    def failing_run_polling(self, *args, **kwargs):
        raise telegram_app.StoreError("cannot read heel.sqlite3: disk I/O error; check the disk")

    monkeypatch.setattr(telegram_app.Application, "run_polling", failing_run_polling)
    config = ServeConfig(TOKEN, None, tmp_path / "heel.sqlite3")
    assert telegram_app.run(config, engine) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "disk I/O error" in err and TOKEN not in err


def test_api_url_sets_base_and_file_urls(tmp_path, engine):
    config = ServeConfig(TOKEN, "http://127.0.0.1:8081/bot", tmp_path / "db.sqlite3")
    app = build_application(config, engine, request=FakeAPI())
    assert app.bot.base_url == f"http://127.0.0.1:8081/bot{TOKEN}"
    assert app.bot.base_file_url == f"http://127.0.0.1:8081/file/bot{TOKEN}"
    app.bot_data["heel"].store.close()


def test_an_existing_store_is_not_read_at_build(tmp_path, engine):
    store = Store(tmp_path / "db.sqlite3")
    store.save(ALICE, "{}")
    store.close()
    app = build_application(ServeConfig(TOKEN, None, tmp_path / "db.sqlite3"), engine,
                            request=FakeAPI())
    assert app.bot_data["heel"].store.count() == 1
    app.bot_data["heel"].store.close()
