"""Core engine benchmark: per-turn time, load + validate time, conversation-state size.

Run: python benchmarks/bench_core.py  (prints a table; no assertions — machines are noisy)
"""

from __future__ import annotations

import random
import statistics
import time

from bot import graph, loader
from bot.engine import Engine, State

TARGET_TURN_US = 50.0
TARGET_LOAD_S = 0.5


def walks(engine: Engine, count: int, seed: int = 7) -> list[list[tuple[str, str]]]:
    """Random complete paths: (question id, value) per turn."""
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        reply = engine.start()
        path = []
        while reply.question is not None:
            q = reply.question
            value = rng.choice(q.options).value
            path.append((q.id, value))
            reply = engine.choose(reply.state, q.id, value)
        out.append(path)
    return out


def time_turns(engine: Engine, paths: list[list[tuple[str, str]]]) -> list[float]:
    """Seconds per choose() turn, over all paths."""
    samples: list[float] = []
    clock = time.perf_counter
    for path in paths:
        state: State = engine.new_state()
        for qid, value in path:
            t0 = clock()
            state = engine.choose(state, qid, value).state
            samples.append(clock() - t0)
    return samples


def time_typed(engine: Engine, paths: list[list[tuple[str, str]]]) -> list[float]:
    """Seconds per typed answer (option number), including matching."""
    samples: list[float] = []
    clock = time.perf_counter
    for path in paths:
        state = engine.new_state()
        for qid, value in path:
            q = engine.dialog.questions[qid]
            number = str([o.value for o in q.options].index(value) + 1)
            t0 = clock()
            state = engine.answer(state, number).state
            samples.append(clock() - t0)
    return samples


def pct(samples: list[float], p: float) -> float:
    s = sorted(samples)
    return s[min(len(s) - 1, int(p * len(s)))]


def main() -> None:
    t0 = time.perf_counter()
    bundle = loader.load()
    t_load = time.perf_counter() - t0
    t0 = time.perf_counter()
    problems = graph.prove(bundle)
    t_prove = time.perf_counter() - t0
    t0 = time.perf_counter()
    engine = Engine(bundle)
    t_engine = time.perf_counter() - t0
    assert not problems
    paths = walks(engine, 2000)
    for _ in range(2):  # warm-up
        time_turns(engine, paths[:100])
    turns = time_turns(engine, paths)
    typed = time_typed(engine, paths)
    sizes = []
    for path in paths:
        state = engine.new_state()
        for qid, value in path:
            state = engine.choose(state, qid, value).state
            sizes.append(len(state.to_json().encode()))
    t0 = time.perf_counter()
    for _ in range(1000):
        engine.restore(state.to_json())
    t_restore = (time.perf_counter() - t0) / 1000

    rows = [
        ("engine turn (button), median", f"{statistics.median(turns) * 1e6:.1f} µs",
         f"≤ {TARGET_TURN_US:.0f} µs"),
        ("engine turn (button), p99", f"{pct(turns, 0.99) * 1e6:.1f} µs", ""),
        ("engine turn (typed), median", f"{statistics.median(typed) * 1e6:.1f} µs", ""),
        ("engine turn (typed), p99", f"{pct(typed, 0.99) * 1e6:.1f} µs", ""),
        ("restore state from JSON", f"{t_restore * 1e6:.1f} µs", ""),
        ("load + validate", f"{t_load * 1000:.0f} ms", f"≤ {TARGET_LOAD_S * 1000:.0f} ms"),
        ("graph proofs (check only)", f"{t_prove * 1000:.0f} ms", ""),
        ("build engine (Machine + matchers)", f"{t_engine * 1000:.1f} ms", ""),
        ("state size, max", f"{max(sizes)} B", "≤ 2048 B"),
        ("state size, median", f"{int(statistics.median(sizes))} B", ""),
        ("turns measured", f"{len(turns)}", ""),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"{'measure':<{width}}  {'value':>12}  target")
    for name, value, target in rows:
        print(f"{name:<{width}}  {value:>12}  {target}")


if __name__ == "__main__":
    main()
