"""Section 4, the store at scale: load + save per turn with 1k, 10k and 100k stored
conversations (real states: random walks stopped at random turns), bytes per conversation,
and start-up time and memory of the application with 100k stored.
"""

from __future__ import annotations

import asyncio
import random
import sqlite3
import time
from pathlib import Path
from typing import Any

from benchmarks.bots import random_walk
from benchmarks.common import (
    Section,
    in_child,
    mean,
    median,
    pct,
    rss_bytes,
    temp_dir,
    us,
    verdict,
)
from heel_bot import loader
from heel_bot.engine import Engine
from heel_bot.store import Store

TARGET_BYTES = 2048
FLAT = 1.5  # "flat": the cost at 100k is at most this many times the cost at 1k
SIZES = (1_000, 10_000, 100_000)


def sample_states(engine: Engine, count: int) -> list[str]:
    """Conversation states as stored: random walks stopped at a random turn (a third finished)."""
    rng = random.Random(11)
    return [random_walk(engine, rng, None if rng.random() < 1 / 3 else rng.randrange(1, 16))[1]
            .to_json() for _ in range(count)]


def fill(path: Path, states: list[str], count: int) -> list[int]:
    """A store file with `count` conversations; returns their chat ids."""
    Store(path).close()  # creates the schema, as the bot would
    ids = random.Random(3).sample(range(10_000_000, 9_000_000_000), count)
    now = time.time()
    db = sqlite3.connect(path)
    with db:
        db.executemany("INSERT INTO conversations (chat_id, state, created, updated) "
                       "VALUES (?, ?, ?, ?)",
                       ((c, states[i % len(states)], now, now) for i, c in enumerate(ids)))
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return ids


def time_turns(files: dict[int, tuple[Path, list[int]]], engine: Engine,
               turns: int) -> dict[int, dict[str, list[float]]]:
    """Per store size, seconds of load, save and the whole turn (restore, answer or restart).
    The sizes take turns, one turn each, so a noisy neighbour hits them alike."""
    stores = {n: Store(path) for n, (path, _ids) in files.items()}
    rng, clock = random.Random(5), time.perf_counter
    out: dict[int, dict[str, list[float]]] = {n: {"load": [], "save": [], "turn": []}
                                              for n in files}
    for i in range(turns):
        for n, store in stores.items():
            chat = rng.choice(files[n][1])
            t0 = clock()
            raw = store.load(chat)
            t1 = clock()
            state = engine.restore(raw or "")
            if state.finished:
                state = engine.restart(state).state
            elif engine.screen(state) is not None:
                state = engine.screen_done(state).state
            else:
                q = engine.dialog.questions[state.node]
                state = engine.choose(state, q.id, q.options[i % len(q.options)].value).state
            text = state.to_json()
            t2 = clock()
            store.save(chat, text)
            t3 = clock()
            out[n]["load"].append(t1 - t0)
            out[n]["save"].append(t3 - t2)
            out[n]["turn"].append(t3 - t0)
    for store in stores.values():
        store.close()
    return out


def startup_child(db_path: str) -> tuple[float, float]:
    """In a fresh process, after its imports: seconds to build the application on `db_path`
    and initialize it (Bot API in memory), and the RSS afterwards."""
    from benchmarks.bots import CannedRequest, build_heel, initialized  # noqa: PLC0415

    async def start() -> float:
        t0 = time.perf_counter()
        async with initialized(build_heel(Path(db_path), request=CannedRequest())):
            return time.perf_counter() - t0

    return asyncio.run(start()), float(rss_bytes())


def _measure(engine: Engine, states: list[str], turns: int) -> tuple[Any, int, list[Any]]:
    with temp_dir() as tmp:
        empty = tmp / "empty.sqlite3"
        fill(empty, states, 0)
        paths = {n: tmp / f"store-{n}.sqlite3" for n in SIZES}
        files = {n: (path, fill(path, states, n)) for n, path in paths.items()}
        big = files[SIZES[-1]][0]
        results = time_turns(files, engine, turns)
        starts = [in_child(startup_child, str(p)) for p in (empty, big, empty, big)]
        return results, big.stat().st_size, starts


def run(quick: bool) -> Section:
    engine = Engine(loader.load())
    sec = Section("4. Store scale (SQLite, one row per chat)")
    states, turns = sample_states(engine, 2000), 2000 if quick else 5000
    results, file_bytes, starts = _measure(engine, states, turns)
    both = {n: [a + b for a, b in zip(r["load"], r["save"], strict=True)]
            for n, r in results.items()}
    for n, s in both.items():
        sec.add(f"{n // 1000}k stored: load + save per turn, mean / median / p99",
                f"{us(mean(s))} / {us(median(s))} / {us(pct(s, 0.99))}")
    # Medians: the means carry WAL checkpoints (a few ms every ~1000 commits), landing anywhere.
    flat = median(both[SIZES[-1]]) / median(both[SIZES[0]])
    sec.add("load + save at 100k ÷ at 1k", f"{flat:.2f}×", f"flat (≤ {FLAT}×)",
            verdict(flat <= FLAT))
    for n in (SIZES[0], SIZES[-1]):
        sec.add(f"{n // 1000}k stored: load / save / whole turn (with engine), median",
                " / ".join(us(median(v)) for v in results[n].values()))
    per_row, sizes = file_bytes / SIZES[-1], [len(s.encode()) for s in states]
    sec.add("bytes per stored conversation (file size ÷ rows, 100k)", f"{per_row:.0f} B",
            f"≤ {TARGET_BYTES} B", verdict(per_row <= TARGET_BYTES))
    sec.add("conversation state JSON, mean / max", f"{mean(sizes):.0f} B / {max(sizes)} B",
            f"≤ {TARGET_BYTES} B", verdict(max(sizes) <= TARGET_BYTES))
    (t0, t1), (m0, m1) = ([median([s[i] for s in starts[k::2]]) for k in (0, 1)] for i in (0, 1))
    sec.add("start-up (build_application + initialize), empty store / 100k stored",
            f"{t0 * 1e3:.0f} ms / {t1 * 1e3:.0f} ms")
    sec.add("RSS after start-up, empty store / 100k stored",
            f"{m0 / 2**20:.1f} MiB / {m1 / 2**20:.1f} MiB")
    sec.notes.append(f"{len(states)} sampled states, repeated over the rows; {turns} turns per "
                     "size, the sizes taking turns.")
    return sec
