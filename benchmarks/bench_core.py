"""Core engine benchmark: per-turn time, load + validate time, conversation-state size.

Turns are timed over every persona conversation in tests/conversations (each answer a button
press, `Engine.choose`) and over random complete paths; typed answers (`Engine.answer` with the
option's number) are timed over the same random paths.

Run alone: python -m benchmarks.bench_core (prints a table; no assertions: machines are noisy).
It is also the first section of `python -m benchmarks`.
"""

from __future__ import annotations

import time

from benchmarks.common import (
    Section,
    Walk,
    median,
    pct,
    persona_walks,
    random_walks,
    us,
    verdict,
)
from bot import graph, loader
from bot.engine import Engine, State

TARGET_TURN_US = 50.0
TARGET_LOAD_S = 0.5


def time_turns(engine: Engine, walks: list[Walk]) -> list[float]:
    """Seconds per choose() turn, over all walks."""
    samples: list[float] = []
    clock = time.perf_counter
    for walk in walks:
        state: State = engine.new_state()
        for qid, value, _label in walk.answers:
            t0 = clock()
            state = engine.choose(state, qid, value).state
            samples.append(clock() - t0)
    return samples


def time_typed(engine: Engine, walks: list[Walk]) -> list[float]:
    """Seconds per typed answer (the option's number), including matching."""
    samples: list[float] = []
    clock = time.perf_counter
    for walk in walks:
        state = engine.new_state()
        for qid, value, _label in walk.answers:
            q = engine.dialog.questions[qid]
            number = str([o.value for o in q.options].index(value) + 1)
            t0 = clock()
            state = engine.answer(state, number).state
            samples.append(clock() - t0)
    return samples


def run(quick: bool) -> Section:
    sec = Section("1. Engine turn (no I/O)")
    t0 = time.perf_counter()
    bundle = loader.load()
    t_load = time.perf_counter() - t0
    t0 = time.perf_counter()
    problems = graph.prove(bundle)
    t_prove = time.perf_counter() - t0
    t0 = time.perf_counter()
    engine = Engine(bundle)
    t_engine = time.perf_counter() - t0
    if problems:
        sec.notes.append(f"graph proofs report {len(problems)} problem(s); timing anyway")
    personas = persona_walks(engine)
    randoms = random_walks(engine, 300 if quick else 2000)
    repeat = 20 if quick else 100
    for _ in range(3):  # warm-up
        time_turns(engine, personas)
    persona_turns: list[float] = []
    for _ in range(repeat):
        persona_turns += time_turns(engine, personas)
    random_turns = time_turns(engine, randoms)
    typed = time_typed(engine, randoms)
    everything = persona_turns + random_turns
    sizes = []
    state = engine.new_state()
    for walk in randoms:
        state = engine.new_state()
        for qid, value, _label in walk.answers:
            state = engine.choose(state, qid, value).state
            sizes.append(len(state.to_json().encode()))
    text = state.to_json()
    t0 = time.perf_counter()
    for _ in range(1000):
        engine.restore(text)
    t_restore = (time.perf_counter() - t0) / 1000

    med = median(everything)
    sec.add("turn (button), all conversations: median / p99",
            f"{us(med)} / {us(pct(everything, 0.99))}", f"median ≤ {TARGET_TURN_US:.0f} µs",
            verdict(med * 1e6 <= TARGET_TURN_US))
    sec.add("turn (button), persona conversations: median / p99",
            f"{us(median(persona_turns))} / {us(pct(persona_turns, 0.99))}")
    sec.add("turn (button), random paths: median / p99",
            f"{us(median(random_turns))} / {us(pct(random_turns, 0.99))}")
    sec.add("turn (typed option number): median / p99",
            f"{us(median(typed))} / {us(pct(typed, 0.99))}")
    sec.add("restore a state from JSON (parse + check)", us(t_restore))
    sec.add("load + validate definitions", f"{t_load * 1e3:.0f} ms")
    sec.add("graph proofs", f"{t_prove * 1e3:.0f} ms")
    sec.add("build the engine (Machine + matchers)", f"{t_engine * 1e3:.1f} ms")
    sec.add("state JSON after each answer: median / max",
            f"{int(median(sizes))} B / {max(sizes)} B")
    sec.notes.append(
        f"{len(personas)} persona conversations × {repeat} passes and {len(randoms)} random "
        f"complete paths: {len(everything)} button turns, {len(typed)} typed turns.")
    return sec


def main() -> None:
    from benchmarks.report import print_sections  # noqa: PLC0415

    print_sections([run(quick=False)])


if __name__ == "__main__":
    main()
