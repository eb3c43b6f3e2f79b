"""The button wire format: typed presses encoded into callback data and decoded back.

Callback data is ASCII, far below Telegram's 64 bytes. Presses that change the conversation
carry the state's turn counter from when the message was sent, so a press on an old message is
recognised as stale and never applied. Anything that does not decode (a forged or truncated
press) is None. `matches(kind)` is the pattern `CallbackQueryHandler` routes on.

    a:<turn>:<question index>:<option index>   an answer
    b:<turn> back     w:<turn> why     n:<turn> start over (from the outcome)
    k:<turn> the read-back is right     e:<turn>:<i> change answer i of the read-back
    s summary     l learn menu     t:<i> learn topic i
    r:<days> book a check-in     x:<id> cancel a check-in     f:y / f:n forget, or keep
    c:<b|s|w> check-in answer: better, same, worse (the day count is in the store)
    g:<turn>:<i> tick (or untick) item i of the checklist shown     y:<turn> the checklist is done
    d:<turn>:<i> open card i of the result     o:<turn> back to the result (both in place)
    p:<i>:<page> a page of learn topic i     h:<turn> home: the current question or result
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import astuple, dataclass

CALLBACK_LIMIT = 64  # bytes of callback data Telegram accepts


@dataclass(frozen=True)
class Answer:
    """An option of the current question."""

    turn: int
    question: int  # index in the dialog's question order
    option: int


@dataclass(frozen=True)
class Back:
    """Undo the last answer."""

    turn: int


@dataclass(frozen=True)
class Why:
    """Why the current question is asked."""

    turn: int


@dataclass(frozen=True)
class StartOver:
    """A new check, from the outcome."""

    turn: int


@dataclass(frozen=True)
class ReadbackOk:
    """The answers read back are right: on to the outcome."""

    turn: int


@dataclass(frozen=True)
class ReadbackChange:
    """Change one of the answers read back (by its place in the list)."""

    turn: int
    item: int


@dataclass(frozen=True)
class Summary:
    """What the user said so far."""


@dataclass(frozen=True)
class LearnMenu:
    """The learn topics."""


@dataclass(frozen=True)
class Topic:
    """One learn topic, by index."""

    index: int


@dataclass(frozen=True)
class Remind:
    """Book a check-in in `days` days."""

    days: int


@dataclass(frozen=True)
class Cancel:
    """Cancel one of the chat's check-ins."""

    reminder_id: int


@dataclass(frozen=True)
class Forget:
    """Delete everything about the chat (or keep it)."""

    confirmed: bool


@dataclass(frozen=True)
class CheckinAnswer:
    """How the heel is at a check-in."""

    answer: str  # better, same or worse


@dataclass(frozen=True)
class Tick:
    """Tick (or untick) an item of the checklist screen shown, by its place on the screen."""

    turn: int
    item: int


@dataclass(frozen=True)
class ScreenDone:
    """The checklist screen is done: the items not ticked are no ("None of these" too)."""

    turn: int


@dataclass(frozen=True)
class Card:
    """Open one of the result's cards (by its place in the result's list), in place."""

    turn: int
    index: int


@dataclass(frozen=True)
class Plan:
    """The result's plan: every advice in a line, a numbered button for each card, in place."""

    turn: int


@dataclass(frozen=True)
class Result:
    """Back from a card (or the learn menu) to the result's first screen, in place."""

    turn: int


@dataclass(frozen=True)
class Page:
    """One page of a learn topic, in place."""

    topic: int
    page: int


@dataclass(frozen=True)
class Home:
    """From the learn pages back to the current question or result, in place."""

    turn: int


Press = (Answer | Back | Why | StartOver | ReadbackOk | ReadbackChange | Summary | LearnMenu
         | Topic | Remind | Cancel | Forget | CheckinAnswer | Tick | ScreenDone | Card | Plan
         | Result | Page | Home)

_CHECKIN = {"b": "better", "s": "same", "w": "worse"}
_CHECKIN_CODE = {v: k for k, v in _CHECKIN.items()}
_N = r"([0-9]{1,9})"  # ASCII digits only (\d would take ١ or ３ too)

# kind: (prefix, pattern of the whole data, build from the pattern's groups)
_WIRE: dict[type, tuple[str, re.Pattern[str], Callable[..., Press]]] = {
    Answer: ("a", re.compile(rf"a:{_N}:([0-9]{{1,3}}):([0-9]{{1,2}})"),
             lambda t, q, o: Answer(int(t), int(q), int(o))),
    Back: ("b", re.compile(rf"b:{_N}"), lambda t: Back(int(t))),
    Why: ("w", re.compile(rf"w:{_N}"), lambda t: Why(int(t))),
    StartOver: ("n", re.compile(rf"n:{_N}"), lambda t: StartOver(int(t))),
    ReadbackOk: ("k", re.compile(rf"k:{_N}"), lambda t: ReadbackOk(int(t))),
    ReadbackChange: ("e", re.compile(rf"e:{_N}:([0-9]{{1,2}})"),
                     lambda t, i: ReadbackChange(int(t), int(i))),
    Summary: ("s", re.compile(r"s"), Summary),
    LearnMenu: ("l", re.compile(r"l"), LearnMenu),
    Topic: ("t", re.compile(r"t:([0-9]{1,2})"), lambda i: Topic(int(i))),
    Remind: ("r", re.compile(r"r:([0-9]{1,2})"), lambda d: Remind(int(d))),
    Cancel: ("x", re.compile(r"x:([0-9]{1,12})"), lambda i: Cancel(int(i))),
    Forget: ("f", re.compile(r"f:([yn])"), lambda c: Forget(c == "y")),
    CheckinAnswer: ("c", re.compile(r"c:([bsw])"), lambda c: CheckinAnswer(_CHECKIN[c])),
    Tick: ("g", re.compile(rf"g:{_N}:([0-9])"), lambda t, i: Tick(int(t), int(i))),
    ScreenDone: ("y", re.compile(rf"y:{_N}"), lambda t: ScreenDone(int(t))),
    Card: ("d", re.compile(rf"d:{_N}:([0-9]{{1,2}})"), lambda t, i: Card(int(t), int(i))),
    Plan: ("v", re.compile(rf"v:{_N}"), lambda t: Plan(int(t))),
    Result: ("o", re.compile(rf"o:{_N}"), lambda t: Result(int(t))),
    Page: ("p", re.compile(r"p:([0-9]{1,2}):([0-9]{1,2})"), lambda t, n: Page(int(t), int(n))),
    Home: ("h", re.compile(rf"h:{_N}"), lambda t: Home(int(t))),
}
_BY_PREFIX = {prefix: (pattern, build) for prefix, pattern, build in _WIRE.values()}


def encode(press: Press) -> str:
    """The callback data for `press`."""
    prefix = _WIRE[type(press)][0]
    if isinstance(press, CheckinAnswer):
        fields: tuple[object, ...] = (_CHECKIN_CODE[press.answer],)
    elif isinstance(press, Forget):
        fields = ("y" if press.confirmed else "n",)
    else:
        fields = astuple(press)
    data = ":".join([prefix, *map(str, fields)])
    assert len(data.encode()) <= CALLBACK_LIMIT, data
    return data


def decode(data: object) -> Press | None:
    """The press that callback data encodes, or None for anything malformed (forged)."""
    if not isinstance(data, str) or not data or len(data.encode()) > CALLBACK_LIMIT:
        return None
    found = _BY_PREFIX.get(data[0])
    m = found[0].fullmatch(data) if found else None
    return found[1](*m.groups()) if found and m else None


def matches(*kinds: type) -> Callable[[object], bool]:
    """A `CallbackQueryHandler` pattern: whether the data decodes to one of `kinds`."""
    return lambda data: isinstance(decode(data), kinds)
