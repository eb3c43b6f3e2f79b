"""`python -m benchmarks`: heel-bot against a bare python-telegram-bot bot, eight sections;
prints the results and rewrites the results block of docs/benchmarks.md.

Engine, in-process and store each run in a fresh process, loopback and start-up start processes
of their own. (Here, not in __main__.py: spawned processes cannot import a package's __main__.)
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks import report
from benchmarks.common import ROOT, Section, in_child, machine, temp_dir

SECTIONS = {"engine": "bench_core", "inprocess": "bench_inprocess", "loopback": "bench_loopback",
            "store": "bench_store", "startup": "bench_startup", "screens": "bench_screens",
            "pgstore": "bench_pgstore", "pgloop": "bench_pgloop"}


def _section(name: str, quick: bool) -> Section:
    module: Any = importlib.import_module(f"benchmarks.{SECTIONS[name]}")
    return module.run(quick)  # type: ignore[no-any-return]


def _scripts() -> list[Any]:
    from benchmarks.bots import persona_walks, record_scripts  # noqa: PLC0415
    from heel_bot import loader  # noqa: PLC0415
    from heel_bot.engine import Engine  # noqa: PLC0415

    engine = Engine(loader.load())
    return asyncio.run(record_scripts(engine, persona_walks(engine)))


def _run(name: str, quick: bool) -> Section:
    if name in ("loopback", "pgloop"):  # the stand-in runs here; the bots are processes
        module: Any = importlib.import_module(f"benchmarks.{SECTIONS[name]}")
        with temp_dir() as tmp:
            return module.run(quick, in_child(_scripts), tmp)  # type: ignore[no-any-return]
    if name == "startup":  # subprocesses only
        return _section(name, quick)
    return in_child(_section, name, quick)  # type: ignore[no-any-return]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks", description="heel-bot against a bare python-telegram-bot "
        "bot: engine, in-process, loopback, store, start-up, screens, the store on "
        "PostgreSQL and loopback on PostgreSQL (docs/benchmarks.md)")
    parser.add_argument("--quick", action="store_true",
                        help="a short run (about a minute): fewer samples, no 1000-chat run")
    parser.add_argument("--only", default=",".join(SECTIONS), metavar="SECTIONS",
                        help=f"comma-separated sections to run (default: all of "
                             f"{','.join(SECTIONS)})")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md",
                        help="document whose results block is replaced (default: %(default)s)")
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args(argv)
    chosen = [s.strip() for s in args.only.split(",") if s.strip()]
    if unknown := set(chosen) - set(SECTIONS):
        parser.error(f"unknown sections {sorted(unknown)}; choose from {', '.join(SECTIONS)}")
    started, sections = time.perf_counter(), []
    for name in (s for s in SECTIONS if s in chosen):
        print(f"running {name}…", file=sys.stderr, flush=True)
        t0 = time.perf_counter()
        sections.append(_run(name, args.quick))
        sections[-1].seconds = time.perf_counter() - t0
    took = time.perf_counter() - started
    block = report.markdown(sections, machine(), args.quick, took)
    print(block)
    if not args.no_write:
        report.write(args.out, block)
        print(f"results written to {args.out}", file=sys.stderr)
    return 0
