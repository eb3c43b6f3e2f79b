"""Section 5, start-up: `python -m heel_bot serve` and the bare echo bot (benchmarks/bare_bot.py)
as subprocesses, from spawning to the first getUpdates at the stand-in, against `python -c pass`;
and what importing heel-bot's modules costs."""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks.common import ROOT, TOKEN, Section, botapi, median, temp_dir, verdict

TARGET_S = 0.5
PROGRAMS = {"heel-bot serve": ["-m", "heel_bot", "serve"],
            "bare PTB bot": ["-m", "benchmarks.bare_bot"]}
IMPORTS = {"heel_bot.cli": "import heel_bot.cli",
           "heel_bot.cli + heel_bot.tg.app (PTB, httpx)": "import heel_bot.cli, heel_bot.tg.app"}


def _wall(args: list[str]) -> float:
    t0 = time.perf_counter()
    subprocess.run([sys.executable, *args], check=True, cwd=ROOT)
    return time.perf_counter() - t0


class _FirstPoll:
    """Mixed into the stand-in: notes when the first getUpdates arrives."""

    polled: asyncio.Event

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        self.polled.set()
        return await super()._get_updates(params)  # type: ignore[misc,no-any-return]


async def _one(args: list[str], db: Path) -> float:
    api = type("FirstPoll", (_FirstPoll, botapi().BotAPIStandIn), {})(TOKEN)
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
        return time.perf_counter() - t0
    finally:
        with contextlib.suppress(ProcessLookupError):
            proc.kill()
        await proc.wait()
        await api.close()


def _round(tmp: Path, i: int) -> dict[str, float]:
    """One of each, in a row, so that the machine's drift hits all alike: seconds."""
    out = {"interpreter": _wall(["-c", "pass"])}
    out |= {name: _wall(["-c", code]) for name, code in IMPORTS.items()}
    out |= {name: asyncio.run(_one(args, tmp / f"startup-{i}.sqlite3"))
            for name, args in PROGRAMS.items()}
    return out


def run(quick: bool) -> Section:
    runs = 5 if quick else 9
    sec = Section("5. Start-up: process start → first getUpdates")
    # Byte-compile as an installed deployment has it: with PYTHONDONTWRITEBYTECODE (set in this
    # workplace) an editable install would compile heel-bot's modules at every start (≈ 100 ms).
    _wall(["-m", "compileall", "-q", "heel_bot", "benchmarks"])
    with temp_dir() as tmp:
        rounds = [_round(tmp, i) for i in range(runs)]
    med = {name: median([r[name] for r in rounds]) for name in rounds[0]}
    base = med.pop("interpreter")
    sec.add("interpreter alone (python -c pass)", f"{base * 1e3:.0f} ms")
    for name in PROGRAMS:
        target = name == "heel-bot serve"
        sec.add(f"{name}: total / beyond the interpreter",
                f"{med[name] * 1e3:.0f} ms / {(med[name] - base) * 1e3:.0f} ms",
                f"≤ {TARGET_S * 1e3:.0f} ms beyond" if target else "",
                verdict(med[name] - base <= TARGET_S) if target else "")
    sec.add("heel-bot serve − bare PTB bot",
            f"{(med['heel-bot serve'] - med['bare PTB bot']) * 1e3:.0f} ms")
    for name in IMPORTS:
        sec.add(f"import {name}, beyond the interpreter", f"{(med[name] - base) * 1e3:.0f} ms")
    sec.notes.append(
        f"Median of {runs} rounds, each running every program once. heel-bot serve skips the "
        "proofs when it has proved the same files before (heel_bot/proof_cache.py). "
        "The other steps "
        "of its start: loading, proofs and the engine in section 1, build_application + "
        "initialize in 4.")
    return sec
