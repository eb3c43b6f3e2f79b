"""Start-up: from process start to the first getUpdates (ready to poll), by subprocess.

The programs run exactly as an operator starts them (`python -m bot serve`, configured by
environment variables) against the Bot API stand-in on loopback, which notes when the first
long poll arrives. `heel-bot serve` validates the definitions and proves the dialog before it
connects (full validation). The interpreter's own start (`python -c pass`) is measured the same
way and subtracted. The bare baseline is benchmarks/bare_bot.py (an echo bot with
`run_polling`). benchmarks/startup_phases.py splits heel-bot's time into its steps.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks.common import ROOT, TOKEN, Section, median, temp_dir, verdict

TARGET_S = 0.5

PROGRAMS = {
    "heel-bot serve": ["-m", "bot", "serve"],
    "bare PTB bot": ["-m", "benchmarks.bare_bot"],
}


def interpreter(runs: int) -> float:
    """Median wall time of `python -c pass`."""
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        times.append(time.perf_counter() - t0)
    return median(times)


def _standin_class() -> type:
    sys.path.insert(0, str(ROOT / "tests"))
    from auxil.botapi import BotAPIStandIn  # noqa: PLC0415

    class FirstPoll(BotAPIStandIn):  # type: ignore[misc]
        """Notes when the first getUpdates arrives."""

        polled: asyncio.Event

        async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
            self.polled.set()
            result: list[dict[str, Any]] = await super()._get_updates(params)
            return result

    return FirstPoll


async def _one(cls: type, args: list[str], db: Path) -> float:
    api = cls(TOKEN)
    api.polled = asyncio.Event()
    await api.start()
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_URL": api.base_url,
           "HEEL_BOT_DB": str(db), "PYTHONPATH": str(ROOT)}
    t0 = time.perf_counter()
    proc = await asyncio.create_subprocess_exec(
        sys.executable, *args, env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)
    try:
        async with asyncio.timeout(30):
            await api.polled.wait()
        took = time.perf_counter() - t0
    finally:
        with contextlib.suppress(ProcessLookupError):
            proc.kill()
        await proc.wait()
        await api.close()
    return took


async def _all(runs: int, tmp: Path) -> dict[str, list[float]]:
    cls = _standin_class()
    out: dict[str, list[float]] = {name: [] for name in PROGRAMS}
    for i in range(runs):
        for name, args in PROGRAMS.items():  # interleaved, so drift hits all alike
            out[name].append(await _one(cls, args, tmp / f"startup-{i}.sqlite3"))
    return out


def phases(runs: int) -> dict[str, float]:
    """Median seconds per start-up phase (benchmarks/startup_phases.py, fresh processes)."""
    samples: dict[str, list[float]] = {}
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-m", "benchmarks.startup_phases"], cwd=ROOT,
                             capture_output=True, text=True, check=True)
        for name, seconds in json.loads(out.stdout).items():
            samples.setdefault(name, []).append(seconds)
    return {name: median(s) for name, s in samples.items()}


def compile_sources() -> None:
    """Byte-compile bot/ and benchmarks/ as an installed deployment has them.

    Where PYTHONDONTWRITEBYTECODE is set (as in this workplace), an editable install never
    caches bytecode, and every start would compile heel-bot's modules again (≈ 100 ms) — a
    cost a pip-installed bot does not pay, and the bare bot, a few lines, hardly pays at all.
    """
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "bot"),
                    str(ROOT / "benchmarks")], check=True)


def run(quick: bool) -> Section:
    runs = 3 if quick else 7
    sec = Section("5. Start-up: process start → first getUpdates")
    compile_sources()
    base = interpreter(runs * 2)
    with temp_dir() as tmp:
        times = asyncio.run(_all(runs, tmp))
    sec.add("interpreter alone (python -c pass)", f"{base * 1e3:.0f} ms")
    med = {name: median(t) for name, t in times.items()}
    for name, t in med.items():
        beyond = t - base
        target = name == "heel-bot serve"
        sec.add(f"{name}: total / beyond the interpreter",
                f"{t * 1e3:.0f} ms / {beyond * 1e3:.0f} ms",
                f"≤ {TARGET_S * 1e3:.0f} ms beyond" if target else "",
                verdict(beyond <= TARGET_S) if target else "")
    sec.add("heel-bot serve − bare PTB bot",
            f"{(med['heel-bot serve'] - med['bare PTB bot']) * 1e3:.0f} ms")
    for name, seconds in phases(runs).items():
        sec.add(f"phase: {name}", f"{seconds * 1e3:.0f} ms")
    sec.notes.append(
        f"Median of {runs} runs each, interleaved. Phases come from separate runs of "
        "benchmarks/startup_phases.py (the interpreter's own start is not among them; the "
        "HTTP round trips to the stand-in, a few ms, are not either).")
    return sec
