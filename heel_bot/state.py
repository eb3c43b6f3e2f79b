"""A conversation's state: what is stored between turns, its JSON form, and its check.

A `State` is small and serialisable (under 2 KB as JSON when answered by buttons, under 3 KB
with every answer typed); a stored one is checked against
the dialog before use, since the dialog may have changed since it was stored.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from heel_bot.errors import StateError
from heel_bot.model import OUTCOME, READBACK, Question

# A path is at most one entry per question; detours add more. Past this the oldest entries are
# dropped (they can no longer be undone), which keeps a stored state under 2 KB.
MAX_HISTORY = 40
MAX_SAID = 30  # characters kept of the words an answer came from (the read-back quotes them)
# Where an answer came from, when not from a button: typed as the answer, volunteered in a
# message about something else, or assumed from "not sure" (the safer value).
TYPED, VOLUNTEERED, ASSUMED = "t", "v", "a"
SOURCES = (TYPED, VOLUNTEERED, ASSUMED)
_ENDS = (OUTCOME, READBACK)


@dataclass(frozen=True)
class HistoryEntry:
    """One recorded answer, with what it replaced, so it can be undone exactly."""

    question: str
    previous: str | None  # the slot's value before (set when a question is asked again)
    detour: str | None  # the detour in force when the question was asked


@dataclass(frozen=True)
class State:
    """A conversation, small enough to store as one JSON value (under 3 KB)."""

    version: str
    node: str  # question id, or OUTCOME
    answers: Mapping[str, str] = field(default_factory=dict)
    history: tuple[HistoryEntry, ...] = ()
    detour: str | None = None  # where to return after a question brought forward
    turn: int = 0  # bumps on every change: lets buttons on old messages be recognised
    sources: Mapping[str, str] = field(default_factory=dict)  # slot -> TYPED/VOLUNTEERED/ASSUMED
    said: Mapping[str, str] = field(default_factory=dict)  # slot -> the words it came from
    confirming: str | None = None  # a red-flag slot whose hedged answer is being confirmed
    read_back: bool = False  # the typed answers have been read back and confirmed
    most: int = 0  # the "at most" of the progress line last shown (0: none yet); never grows

    @property
    def finished(self) -> bool:
        """Whether the conversation has reached its outcome."""
        return self.node == OUTCOME

    def to_json(self) -> str:
        """Compact JSON for the store."""
        data: dict[str, Any] = {"v": self.version, "n": self.node, "a": dict(self.answers),
                                "h": [[h.question, h.previous, h.detour] for h in self.history],
                                "t": self.turn}
        if self.detour:
            data["d"] = self.detour
        for key, value in (("s", dict(self.sources)), ("w", dict(self.said)),
                           ("c", self.confirming), ("r", self.read_back), ("m", self.most)):
            if value:
                data[key] = value
        return json.dumps(data, separators=(",", ":"), ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> State:
        """Parse stored JSON; StateError if it is not a state at all."""
        try:
            data = json.loads(text)
        except (ValueError, RecursionError) as exc:
            raise StateError(f"unreadable conversation state: {exc}") from None
        if not isinstance(data, dict):
            raise StateError("unreadable conversation state: not an object")
        version, node, answers = data.get("v"), data.get("n"), data.get("a")
        history, detour, turn = data.get("h"), data.get("d"), data.get("t")
        if not (isinstance(version, str) and isinstance(node, str) and _opt_str(detour)
                and isinstance(turn, int) and not isinstance(turn, bool)
                and isinstance(answers, dict) and isinstance(history, list)
                and all(isinstance(k, str) and isinstance(v, str) for k, v in answers.items())
                and all(isinstance(h, list) and len(h) == 3 and isinstance(h[0], str)
                        and _opt_str(h[1]) and _opt_str(h[2]) for h in history)):
            raise StateError("unreadable conversation state: wrong shape")
        entries = tuple(HistoryEntry(q, p, d) for q, p, d in history)
        sources, said = data.get("s", {}), data.get("w", {})
        confirming, read_back, most = data.get("c"), data.get("r", False), data.get("m", 0)
        if not (_str_map(sources) and _str_map(said) and _opt_str(confirming)
                and isinstance(read_back, bool) and isinstance(most, int)
                and not isinstance(most, bool) and most >= 0):
            raise StateError("unreadable conversation state: wrong shape")
        return cls(version, node, answers, entries, detour, turn, sources, said, confirming,
                   read_back, most)


def _opt_str(value: object) -> bool:
    return value is None or isinstance(value, str)


def _str_map(value: object) -> bool:
    return isinstance(value, dict) and all(isinstance(k, str) and isinstance(v, str)
                                           for k, v in value.items())


def check_fits(state: State, qs: Mapping[str, Question],
               slots: Mapping[str, tuple[str, ...]]) -> None:
    """Raise StateError unless every node, answer and history entry is one of this dialog's."""
    if state.node not in _ENDS and state.node not in qs:
        raise StateError(f"unknown node {state.node!r}")
    if state.detour is not None and state.detour not in _ENDS and state.detour not in qs:
        raise StateError(f"unknown detour {state.detour!r}")
    for slot, source in state.sources.items():
        if slot not in state.answers or source not in SOURCES:
            raise StateError(f"unknown source {slot}={source!r}")
    if any(slot not in state.answers or len(w) > MAX_SAID for slot, w in state.said.items()):
        raise StateError("said holds an unanswered slot or too many words")
    if state.confirming is not None and state.confirming not in slots:
        raise StateError(f"unknown slot being confirmed {state.confirming!r}")
    if len(state.history) > MAX_HISTORY or state.turn < 0:
        raise StateError("history too long")
    for slot, value in state.answers.items():
        if value not in slots.get(slot, ()):
            raise StateError(f"unknown answer {slot}={value!r}")
    for h in state.history:
        q = qs.get(h.question)
        if q is None or q.slot not in state.answers:
            raise StateError(f"history names {h.question!r}, which has no answer")
        if h.previous is not None and h.previous not in slots[q.slot]:
            raise StateError(f"history holds unknown value {h.previous!r}")
        if h.detour is not None and h.detour not in _ENDS and h.detour not in qs:
            raise StateError(f"history holds unknown detour {h.detour!r}")
