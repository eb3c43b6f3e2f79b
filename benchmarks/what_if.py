"""The proposed fixes, applied by patching objects in a benchmark process (never bot/ itself), to
project what they would gain before the lead applies them for real. See docs/benchmarks.md,
"Fix proposals", for each fix as a change to bot/.

- keyboards: `HeelBot.question_keyboard` / `outcome_keyboard` cached per (question, turn,
  back button) — PTB's keyboard objects are immutable, so one can be sent many times;
- store: `Store.save` as one autocommitted statement instead of BEGIN IMMEDIATE … COMMIT around
  it (a single statement is its own transaction in SQLite, equally durable);
- engine: `Engine._fire` from a table of (condition, next question) per question, in the
  machine's own order, instead of a `transitions` trigger under a lock.
"""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Mapping
from typing import Any

SAVE_SQL = ("INSERT INTO conversations (chat_id, state, created, updated) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (chat_id) DO UPDATE SET state = excluded.state, "
            "updated = excluded.updated")

FIXES = ("keyboards", "store", "engine")


def cache_keyboards(heel: Any) -> None:
    question = heel.question_keyboard
    outcome = heel.outcome_keyboard

    @functools.lru_cache(maxsize=4096)
    def cached_question(qid: str, turn: int, back: bool) -> Any:
        return question(_Turn(turn, back), heel.engine.dialog.questions[qid])

    @functools.lru_cache(maxsize=1024)
    def cached_outcome(turn: int) -> Any:
        return outcome(_Turn(turn, False))

    heel.question_keyboard = lambda state, q: cached_question(q.id, state.turn,
                                                             bool(state.history))
    heel.outcome_keyboard = lambda state: cached_outcome(state.turn)


class _Turn:
    """What the keyboard builders read from a state: its turn and whether it has a history."""

    def __init__(self, turn: int, back: bool) -> None:
        self.turn = turn
        self.history = (None,) if back else ()


def single_statement_save(store: Any) -> None:
    from bot.store import StoreError  # noqa: PLC0415

    def save(chat_id: int, state_json: str) -> None:
        now = store._clock()
        with store._lock:
            try:
                store._db.execute(SAVE_SQL, (chat_id, state_json, now, now))
            except sqlite3.Error as exc:
                raise StoreError(store._explain(exc)) from None

    store.save = save


def table_engine(engine: Any) -> None:
    table = {q.id: tuple((t.when, t.goto) for t in q.next)
             for q in engine.dialog.questions.values()}

    def fire(node: str, answers: Mapping[str, str]) -> str:
        for when, goto in table[node]:
            if when is None or when.holds(answers):
                return goto
        raise AssertionError(f"no transition from {node}")  # the proofs rule this out

    engine._fire = fire


def apply(app: Any, fixes: tuple[str, ...] = FIXES) -> Any:
    """Patch one heel-bot Application (its HeelBot, store and engine instances)."""
    heel = app.bot_data["heel"]
    if "keyboards" in fixes:
        cache_keyboards(heel)
    if "store" in fixes:
        single_statement_save(heel.store)
    if "engine" in fixes:
        table_engine(heel.engine)
    return app
