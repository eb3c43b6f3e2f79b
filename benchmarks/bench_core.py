"""Section 1, the engine without I/O: time per answer (button or typed), restoring a state,
loading, proving. Run alone: python -m benchmarks.bench_core."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.bots import Walk, persona_walks, random_walk
from benchmarks.common import Section, median, spread, us, verdict
from heel_bot import loader, proofs
from heel_bot.engine import Engine
from heel_bot.language import corpus

TARGET_TURN = 50e-6
TARGET_LANGUAGE = 2e-3  # the language layer, per typed message (issue 9)
CORPUS = "tests/language"


def _timed(func: Callable[[], Any]) -> tuple[Any, float]:
    t0 = time.perf_counter()
    return func(), time.perf_counter() - t0


def time_turns(engine: Engine, walks: list[Walk], *, typed: bool = False) -> list[float]:
    """Seconds per turn over all walks: a button press, or the option's number typed."""
    samples, clock = [], time.perf_counter
    for steps in walks:
        state = engine.new_state()
        for qid, value, _label in steps:
            on_screen = engine.screen(state) is not None
            if typed and on_screen and value == "yes":
                continue  # typed, a checklist is one message: the numbers ticked, or none
            t0 = clock()
            if typed:
                state = engine.answer(state, _typed(engine, state, steps, qid, value)).state
            elif on_screen:
                state = (engine.screen_done(state) if value == "done"
                         else engine.tick(state, qid)).state
            else:
                state = engine.choose(state, qid, value).state
            samples.append(clock() - t0)
    return samples


def _typed(engine: Engine, state: object, steps: Walk, qid: str, value: str) -> str:
    """What a person types for a step: the option's number, or a checklist's ticked numbers."""
    screen = engine.dialog.screen_at(qid) if value == "done" else None
    if screen is not None:
        ticked = {q for q, v, _ in steps if v == "yes" and q in screen.questions}
        return " ".join(str(i) for i, q in enumerate(screen.questions, 1) if q in ticked) or "none"
    return str([o.value for o in engine.dialog.questions[qid].options].index(value) + 1)


def _turn_rows(sec: Section, engine: Engine, quick: bool) -> None:
    rng = random.Random(7)
    personas = persona_walks(engine)
    randoms = [random_walk(engine, rng)[0] for _ in range(300 if quick else 2000)]
    repeat = 20 if quick else 100
    for _ in range(3):  # warm-up
        time_turns(engine, personas)
    persona_turns = [t for _ in range(repeat) for t in time_turns(engine, personas)]
    random_turns = time_turns(engine, randoms)
    typed = time_turns(engine, randoms, typed=True)
    everything = persona_turns + random_turns
    sec.add("turn (button), all conversations: median / p99", spread(everything),
            f"median ≤ {TARGET_TURN * 1e6:.0f} µs", verdict(median(everything) <= TARGET_TURN))
    sec.add("turn (button), persona conversations: median / p99", spread(persona_turns))
    sec.add("turn (button), random paths: median / p99", spread(random_turns))
    sec.add("turn (typed option number): median / p99", spread(typed))
    sec.notes.append(
        f"{len(personas)} persona conversations × {repeat} passes and {len(randoms)} random "
        f"complete paths: {len(everything)} button turns, {len(typed)} typed turns.")


def _language_rows(sec: Section, engine: Engine, quick: bool) -> None:
    """The language layer: building it, and reading each corpus message at its question."""
    fresh = Engine(engine.bundle)  # not yet built (the typed turns above built engine's)
    _, t_build = _timed(lambda: fresh.language)
    cases = corpus.read_cases([Path(CORPUS)], heldout=False)
    questions = engine.dialog.questions
    samples, clock = [], time.perf_counter
    for _ in range(1 if quick else 5):
        for case in cases:
            q = questions.get(case.question) if case.question else None
            t0 = clock()
            engine.language.understand(case.text, q, case.answered)
            samples.append(clock() - t0)
    sec.add("language layer per typed message: median / p99", spread(samples),
            f"median ≤ {TARGET_LANGUAGE * 1e3:.0f} ms",
            verdict(median(samples) <= TARGET_LANGUAGE))
    sec.add("build the language layer (spaCy, medspaCy, lexicon)", f"{t_build * 1e3:.0f} ms")
    sec.notes.append(f"language layer: {len(cases)} corpus messages from {CORPUS}.")


def run(quick: bool) -> Section:
    sec = Section("1. Engine turn (no I/O)")
    bundle, t_load = _timed(loader.load)
    problems, t_prove = _timed(lambda: proofs.prove(bundle))
    _, t_again = _timed(lambda: proofs.prove(bundle))
    engine, t_engine = _timed(lambda: Engine(bundle))
    if problems:
        sec.notes.append(f"graph proofs report {len(problems)} problem(s); timing anyway")
    _turn_rows(sec, engine, quick)
    text = random_walk(engine, random.Random(7))[1].to_json()  # a finished conversation
    _, t_restore = _timed(lambda: [engine.restore(text) for _ in range(1000)])
    sec.add("restore a state from JSON (parse + check)", us(t_restore / 1000))
    sec.add("load + validate definitions", f"{t_load * 1e3:.0f} ms")
    sec.add("graph proofs (paths, advice, check-ins): first run / again",
            f"{t_prove * 1e3:.0f} ms / {t_again * 1e3:.0f} ms")
    sec.add("build the engine (Machine)", f"{t_engine * 1e3:.1f} ms")
    _language_rows(sec, engine, quick)
    return sec


if __name__ == "__main__":
    from benchmarks.common import machine
    from benchmarks.report import markdown

    print(markdown([run(quick=False)], machine(), False, 0))
