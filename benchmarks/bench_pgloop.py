"""Section 8, heel-bot over loopback with its store on PostgreSQL against SQLite: the same
simulated users as section 3 (100 chats flat out, flood limits lifted), heel-bot served as
`heel-bot serve` serves it, once with an SQLite file and once with a PostgreSQL database
(a throwaway server on loopback TCP, fsync on, as in production; tests/auxil/postgres.py).
Updates per second, and CPU per update: the bot's, and the database server's (all its
processes) for PostgreSQL, whose work SQLite does inside the bot.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

from benchmarks.bench_loopback import Load, _run_one
from benchmarks.bench_pgstore import postgres
from benchmarks.common import Section, cpu_seconds, median

FULL, QUICK = Load(100, 0.0, 1.5, 5.0, 3), Load(100, 0.0, 1.0, 2.5, 1)


def server_cpu(data: Path) -> float:
    """CPU seconds used so far by a PostgreSQL server (its postmaster and every child)."""
    postmaster = int((data / "postmaster.pid").read_text().split()[0])
    total = cpu_seconds(postmaster)
    for pid in (int(p) for p in os.listdir("/proc") if p.isdigit()):
        try:
            with open(f"/proc/{pid}/stat", encoding="ascii") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            if ppid == postmaster:
                total += cpu_seconds(pid)
        except (OSError, ValueError):
            continue  # ended meanwhile
    return total


async def _measure(quick: bool, scripts: list[Any], tmp: Path,
                   server: Any) -> list[dict[str, Any]]:
    pg, load, out = postgres(), QUICK if quick else FULL, []
    assert server.folder is not None
    data = Path(server.folder) / "data"
    for i in range(load.rounds):
        for backend in ("sqlite", "postgres") if i % 2 == 0 else ("postgres", "sqlite"):
            if backend == "sqlite":
                run = await _run_one(scripts, tmp / f"pgloop-{i}.db", "heel", load)
            else:
                url = pg.fresh_url(server, f"loop_{i}")
                run = await _run_one(scripts, url, "heel", load,
                                     server_cpu=lambda: server_cpu(data))
            out.append({**run, "backend": backend})
    return out


def run(quick: bool, scripts: list[Any], tmp: Path) -> Section:
    """The section: heel-bot on each store, side by side."""
    sec = Section("8. Loopback HTTP with the store on PostgreSQL against SQLite")
    pg = postgres()
    try:
        server = pg.start(tcp=True, durable=True)
    except pg.Unavailable as exc:
        sec.add("PostgreSQL", f"not measured: {exc}")
        return sec
    try:
        runs = asyncio.run(_measure(quick, scripts, tmp, server))
    finally:
        server.stop()
    s, p = ({key: median([r[key] for r in runs if r["backend"] == b])
             for key in ("rate", "cpu", "db_cpu")} for b in ("sqlite", "postgres"))
    label = "100 chats flat out"
    sec.add(f"{label}: updates/s, PostgreSQL / SQLite",
            f"{p['rate']:.0f} / {s['rate']:.0f} = {p['rate'] / s['rate']:.2f}×")
    sec.add(f"{label}: bot CPU per update, PostgreSQL / SQLite",
            f"{p['cpu'] * 1e3:.2f} / {s['cpu'] * 1e3:.2f} ms = {p['cpu'] / s['cpu']:.2f}×")
    sec.add(f"{label}: database server CPU per update (PostgreSQL)",
            f"{p['db_cpu'] * 1e3:.2f} ms",
            note="bot + server together: "
                 f"{(p['cpu'] + p['db_cpu']) / s['cpu']:.2f}× SQLite's bot alone")
    sec.notes.append(
        "Per update on PostgreSQL: the inbox row recorded, the chat's turn (an advisory lock on "
        "a pooled connection), the row claimed, the conversation read and written, the row "
        "marked done: a few round trips over loopback TCP where SQLite makes file calls. "
        "Telegram's flood limit (30 messages a second) is far below either.")
    return sec
