"""Section 7, the store on PostgreSQL against SQLite: load + save per turn with 1k and 100k
stored conversations (the same real states and chat ids in both), the chat lock several
instances take per update, and bytes per conversation.

PostgreSQL is a throwaway server started here from Debian's binaries (tests/auxil/postgres.py),
reached over loopback TCP with fsync on, as in production; without one the section says why.
"""

from __future__ import annotations

import random
import sqlite3
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks.bench_store import fill, sample_states
from benchmarks.common import ROOT, Section, median, pct, temp_dir, us
from heel_bot import loader
from heel_bot.engine import Engine
from heel_bot.stores.api import Storage

SIZES = (1_000, 100_000)
# The same durability as SQLite's WAL with synchronous=NORMAL: a commit is not flushed to
# disk before it returns (a power cut may lose the last few; a killed process loses none).
RELAXED = "-csynchronous_commit%3Doff%20"  # put before the URL's own options (search_path)


def postgres() -> Any:
    """The test server helper (tests/auxil/postgres.py)."""
    if str(ROOT / "tests") not in sys.path:
        sys.path.insert(0, str(ROOT / "tests"))
    from auxil import postgres as module  # noqa: PLC0415

    return module


def pg_fill(url: str, states: list[str], count: int) -> list[int]:
    """`count` conversations in a fresh schema at `url`, as `fill` writes the SQLite file."""
    import psycopg  # noqa: PLC0415

    from heel_bot.stores.postgres import PgStore  # noqa: PLC0415

    PgStore(url).close()  # creates the schema, as the bot would
    ids = random.Random(3).sample(range(10_000_000, 9_000_000_000), count)
    now = time.time()
    with psycopg.connect(url, autocommit=True) as conn:
        with conn.cursor().copy("COPY conversations (chat_id, state, created, updated) "
                                "FROM STDIN") as copy:
            for i, chat in enumerate(ids):
                copy.write_row((chat, states[i % len(states)], now, now))
        conn.execute("VACUUM ANALYZE conversations")
    return ids


def pg_bytes(url: str) -> float:
    """Bytes per stored conversation: the table with its index and TOAST ÷ rows."""
    import psycopg  # noqa: PLC0415

    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT pg_total_relation_size('conversations'), "
                           "count(*) FROM conversations").fetchone()
    assert row is not None
    return float(row[0]) / max(1, int(row[1]))


def advance(engine: Engine, raw: str | None, i: int) -> str:
    """One turn of the engine on a stored state, as the bot takes it."""
    state = engine.restore(raw or "")
    if state.finished:
        state = engine.restart(state).state
    elif engine.screen(state) is not None:
        state = engine.screen_done(state).state
    else:
        q = engine.dialog.questions[state.node]
        state = engine.choose(state, q.id, q.options[i % len(q.options)].value).state
    return state.to_json()


def time_turns(stores: dict[str, tuple[Storage, list[int], bool]], engine: Engine,
               turns: int) -> dict[str, list[float]]:
    """Per store, seconds of load + save per turn (with the chat lock held when flagged). The
    stores take turns, one turn each, so a noisy neighbour hits them alike."""
    rng, clock = random.Random(5), time.perf_counter
    out: dict[str, list[float]] = {name: [] for name in stores}
    for i in range(turns):
        for name, (store, ids, locked) in stores.items():
            chat = rng.choice(ids)
            t0 = clock()
            lock = store.try_lock_chat(chat) if locked else None
            raw = store.load(chat)
            t1 = clock()
            text = advance(engine, raw, i)
            t2 = clock()
            store.save(chat, text)
            if lock is not None:
                lock.release()
            out[name].append(clock() - t2 + t1 - t0)
    return out


def _stores(tmp: Path, server: Any, states: list[str]) -> tuple[dict[str, Any], float]:
    from heel_bot.stores.postgres import PgStore  # noqa: PLC0415
    from heel_bot.stores.sqlite import SqliteStore  # noqa: PLC0415

    pg = postgres()
    stores: dict[str, Any] = {}
    for n in SIZES:
        path = tmp / f"store-{n}.sqlite3"
        ids = fill(path, states, n)
        stores[f"SQLite, {n // 1000}k"] = (SqliteStore(path), ids, False)
        url = pg.fresh_url(server, f"bench_{n}")
        ids = pg_fill(url, states, n)
        stores[f"PostgreSQL, {n // 1000}k"] = (PgStore(url), ids, False)
        if n == SIZES[-1]:
            stores[f"PostgreSQL, {n // 1000}k, with the chat lock"] = (PgStore(url), ids, True)
            stores[f"PostgreSQL, {n // 1000}k, synchronous_commit off"] = (
                PgStore(url.replace("options=", f"options={RELAXED}")), ids, False)
            per_row = pg_bytes(url)
    return stores, per_row


def _measure(engine: Engine, states: list[str], turns: int,
             section: Section) -> dict[str, list[float]]:
    pg = postgres()
    server = pg.start(tcp=True, durable=True)
    try:
        with temp_dir() as tmp:
            stores, per_row = _stores(tmp, server, states)
            try:
                results = time_turns(stores, engine, turns)
            finally:
                for store, _ids, _locked in stores.values():
                    store.close()
        section.add("PostgreSQL bytes per stored conversation (table + index ÷ rows, 100k)",
                    f"{per_row:.0f} B")
        return results
    finally:
        server.stop()


def _server_version() -> str:
    pg = postgres()
    bindir = pg.find_bindir()
    return "unknown" if bindir is None else Path(bindir).parent.name


def run(quick: bool) -> Section:
    engine = Engine(loader.load())
    sec = Section("7. Store on PostgreSQL against SQLite (several instances)")
    states, turns = sample_states(engine, 2000), 1000 if quick else 3000
    try:
        results = _measure(engine, states, turns, sec)
    except postgres().Unavailable as exc:
        sec.add("PostgreSQL", f"not measured: {exc}")
        return sec
    for name, samples in results.items():
        sec.add(f"{name}: load + save per turn, median / p99",
                f"{us(median(samples))} / {us(pct(samples, 0.99))}")
    big = f"{SIZES[-1] // 1000}k"
    for name in (f"PostgreSQL, {big}", f"PostgreSQL, {big}, synchronous_commit off"):
        ratio = median(results[name]) / median(results[f"SQLite, {big}"])
        sec.add(f"{name} ÷ SQLite, {big}: median", f"{ratio:.1f}×")
    sec.add(f"PostgreSQL at {big} ÷ at {SIZES[0] // 1000}k, median",
            f"{median(results[f'PostgreSQL, {big}']) / median(results['PostgreSQL, 1k']):.2f}×")
    sec.notes.append(
        f"PostgreSQL {_server_version()} on this machine over loopback TCP, fsync and "
        "synchronous_commit on (each save waits for its WAL flush); SQLite in WAL mode with "
        "synchronous=NORMAL (no flush per commit). The synchronous_commit-off row is "
        "PostgreSQL at SQLite's durability. The chat-lock row adds what several instances "
        "pay per update: pg_try_advisory_lock and pg_advisory_unlock, two round trips. Each "
        "call checks its pooled connection first (an empty query: one more round trip), so a "
        "restarted server costs no failed turn. "
        f"{len(states)} sampled states, repeated over the rows; {turns} turns per store, the "
        f"stores taking turns; SQLite {sqlite3.sqlite_version}.")
    return sec
