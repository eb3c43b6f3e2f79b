"""Scale of the store: cost per turn with 1k, 10k and 100k stored conversations, bytes per
conversation, and start-up time and memory of the Telegram application with 100k stored.

The files are filled directly through SQLite (one transaction) with real conversation states:
random complete and partial walks of the dialog, serialised by the engine. The turn itself goes
through `bot.store.Store` exactly as the adapter uses it: load, then save.
"""

from __future__ import annotations

import asyncio
import multiprocessing as mp
import random
import sqlite3
import time
from pathlib import Path
from typing import Any

from benchmarks.common import (
    Section,
    canned_request_class,
    heel_config,
    median,
    pct,
    rss_bytes,
    temp_dir,
    us,
    verdict,
)

TARGET_BYTES = 2048
FLAT = 1.5  # "flat": the cost at 100k is at most this many times the cost at 1k


def sample_states(engine: Any, count: int, seed: int = 11) -> list[str]:
    """Conversation states as stored: random walks stopped at a random turn (a third finished)."""
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        state = engine.new_state()
        stop = None if rng.random() < 1 / 3 else rng.randrange(1, 16)
        turns = 0
        while not state.finished and turns != stop:
            q = engine.dialog.questions[state.node]
            state = engine.choose(state, q.id, rng.choice(q.options).value).state
            turns += 1
        out.append(state.to_json())
    return out


def fill(path: Path, states: list[str], count: int, seed: int = 3) -> list[int]:
    """A store file with `count` conversations; returns their chat ids."""
    from bot.store import Store  # noqa: PLC0415

    Store(path).close()  # creates the schema, as the bot would
    rng = random.Random(seed)
    ids = rng.sample(range(10_000_000, 9_000_000_000), count)  # chat ids look like this
    now = time.time()
    db = sqlite3.connect(path)
    with db:
        db.executemany("INSERT INTO conversations (chat_id, state, created, updated) "
                       "VALUES (?, ?, ?, ?)",
                       ((c, states[i % len(states)], now, now) for i, c in enumerate(ids)))
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return ids


def time_turns(files: dict[int, tuple[Path, list[int]]], engine: Any,
               turns: int) -> dict[int, dict[str, list[float]]]:
    """Per turn and store size: store load, store save, and the whole turn with the engine in
    between. The sizes take turns, one turn each, so a noisy neighbour hits them alike."""
    from bot.store import Store  # noqa: PLC0415

    stores = {n: Store(path) for n, (path, _ids) in files.items()}
    rng = random.Random(5)
    clock = time.perf_counter
    out = {n: {"load": [], "save": [], "store": [], "turn": []} for n in files}
    try:
        for i in range(turns):
            for n, store in stores.items():
                chat = rng.choice(files[n][1])
                t0 = clock()
                raw = store.load(chat)
                t1 = clock()
                assert raw is not None
                state = engine.restore(raw)
                if state.finished:
                    state = engine.restart(state).state
                else:
                    q = engine.dialog.questions[state.node]
                    state = engine.choose(state, q.id, q.options[i % len(q.options)].value).state
                text = state.to_json()
                t2 = clock()
                store.save(chat, text)
                t3 = clock()
                r = out[n]
                r["load"].append(t1 - t0)
                r["save"].append(t3 - t2)
                r["store"].append((t1 - t0) + (t3 - t2))
                r["turn"].append(t3 - t0)
    finally:
        for store in stores.values():
            store.close()
    return out


def startup_child(db_path: str) -> dict[str, float]:
    """In a fresh process: build the Application on `db_path` and initialize it against the
    in-memory transport; the time it took and the memory it holds afterwards."""
    from bot import loader  # noqa: PLC0415
    from bot.engine import Engine  # noqa: PLC0415
    from bot.telegram_app import build_application  # noqa: PLC0415

    rss0 = rss_bytes()
    request = canned_request_class()

    async def start() -> float:
        t0 = time.perf_counter()
        app = build_application(heel_config(Path(db_path)), Engine(loader.load()),
                                request=request(), get_updates_request=request())
        await app.initialize()
        if app.post_init:
            await app.post_init(app)
        took = time.perf_counter() - t0
        await app.shutdown()
        return took

    took = asyncio.run(start())
    return {"seconds": took, "rss": float(rss_bytes()), "rss_imports": float(rss0)}


def _in_child(db_path: Path) -> dict[str, float]:
    ctx = mp.get_context("spawn")
    with ctx.Pool(1) as pool:
        return pool.apply(startup_child, (str(db_path),))


def run(quick: bool) -> Section:
    from bot import loader  # noqa: PLC0415
    from bot.engine import Engine  # noqa: PLC0415

    engine = Engine(loader.load())
    sec = Section("4. Store scale (SQLite, one row per chat)")
    states = sample_states(engine, 2000)
    sizes = [len(s.encode()) for s in states]
    turns = 2000 if quick else 5000
    with temp_dir() as tmp:
        empty = tmp / "empty.sqlite3"
        fill(empty, states, 0)
        files = {}
        for n in (1_000, 10_000, 100_000):
            path = tmp / f"store-{n}.sqlite3"
            files[n] = (path, fill(path, states, n))
        big = files[100_000][0]
        file_bytes = big.stat().st_size
        results = time_turns(files, engine, turns)
        starts = [_in_child(p) for p in (empty, big, empty, big)]
    for n, r in results.items():
        sec.add(f"{n // 1000}k stored: load + save per turn, mean / median / p99",
                f"{us(sum(r['store']) / len(r['store']))} / {us(median(r['store']))} / "
                f"{us(pct(r['store'], 0.99))}")
    flat = median(results[100_000]["store"]) / median(results[1_000]["store"])  # medians:
    # the means carry WAL checkpoints (a few ms every ~1000 commits), which land anywhere
    sec.add("load + save at 100k ÷ at 1k", f"{flat:.2f}×", f"flat (≤ {FLAT}×)",
            verdict(flat <= FLAT))
    for n in (1_000, 100_000):
        r = results[n]
        sec.add(f"{n // 1000}k stored: load / save / whole turn (with engine), median",
                f"{us(median(r['load']))} / {us(median(r['save']))} / {us(median(r['turn']))}")
    per_row = file_bytes / 100_000
    sec.add("bytes per stored conversation (file size ÷ rows, 100k)", f"{per_row:.0f} B",
            f"≤ {TARGET_BYTES} B", verdict(per_row <= TARGET_BYTES))
    sec.add("conversation state JSON, mean / max", f"{sum(sizes) / len(sizes):.0f} B / "
            f"{max(sizes)} B", f"≤ {TARGET_BYTES} B", verdict(max(sizes) <= TARGET_BYTES))
    empty_runs, big_runs = starts[0::2], starts[1::2]
    t_empty = median([s["seconds"] for s in empty_runs])
    t_big = median([s["seconds"] for s in big_runs])
    rss_empty = median([s["rss"] for s in empty_runs])
    rss_big = median([s["rss"] for s in big_runs])
    sec.add("start-up (build_application + initialize), empty store / 100k stored",
            f"{t_empty * 1e3:.0f} ms / {t_big * 1e3:.0f} ms")
    sec.add("RSS after start-up, empty store / 100k stored",
            f"{rss_empty / 2**20:.1f} MiB / {rss_big / 2**20:.1f} MiB")
    sec.notes.append(
        f"States are {len(states)} random walks of the dialog stopped at a random turn (a third "
        f"finished), repeated over the rows; each turn loads a random stored chat, restores the "
        f"state, answers or restarts, and saves it ({turns} turns per size, the sizes taking "
        "turns). Start-up is measured in a fresh process after its imports.")
    return sec
