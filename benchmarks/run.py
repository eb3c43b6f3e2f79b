"""The benchmark runner behind `python -m benchmarks`: runs the five benchmarks, prints a
table and updates docs/benchmarks.md.

Each measurement runs in a fresh process (spawned), so one cannot warm or slow another: heel-bot
installs a process-wide log filter, the bare bot must not pay for it, and the loopback bots must
be charged only for their own CPU time. (The functions live here rather than in __main__.py:
spawned processes cannot import a package's __main__.)
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing as mp
import os
import sys
import time
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from benchmarks.common import ROOT, Section, machine, temp_dir

SECTIONS = ("engine", "inprocess", "loopback", "store", "startup")


def _child(conn: Connection, func: Callable[..., Any], args: tuple[Any, ...]) -> None:
    try:
        conn.send(("ok", func(*args)))
    except BaseException:  # report any failure to the parent instead of hanging it
        conn.send(("error", traceback.format_exc()))


def in_child(func: Callable[..., Any], *args: Any) -> Any:
    """Run `func(*args)` in a fresh spawned process (which may start processes of its own)."""
    ctx = mp.get_context("spawn")
    parent, child = ctx.Pipe()
    proc = ctx.Process(target=_child, args=(child, func, args))
    proc.start()
    status, value = parent.recv()
    proc.join()
    if status != "ok":
        raise RuntimeError(f"{func.__module__}.{func.__name__} failed:\n{value}")
    return value


def _engine(quick: bool) -> Section:
    from benchmarks import bench_core  # noqa: PLC0415

    return bench_core.run(quick)


def _inprocess(quick: bool) -> Section:
    from benchmarks import bench_inprocess  # noqa: PLC0415

    return bench_inprocess.run(quick)


def _store(quick: bool) -> Section:
    from benchmarks import bench_store  # noqa: PLC0415

    return bench_store.run(quick)


def _scripts() -> list[Any]:
    from benchmarks.common import persona_walks, record_scripts  # noqa: PLC0415
    from bot import loader  # noqa: PLC0415
    from bot.engine import Engine  # noqa: PLC0415

    engine = Engine(loader.load())
    return asyncio.run(record_scripts(engine, persona_walks(engine)))


def _loopback(quick: bool) -> Section:
    from benchmarks import bench_loopback  # noqa: PLC0415

    scripts = in_child(_scripts)
    with temp_dir() as tmp:
        section, _ = bench_loopback.run(quick, scripts, tmp)
    return section


def _startup(quick: bool) -> Section:
    from benchmarks import bench_startup  # noqa: PLC0415

    return bench_startup.run(quick)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true",
                        help="a short run (about a minute): fewer samples, no 1000-chat run")
    parser.add_argument("--only", default=",".join(SECTIONS),
                        help=f"comma-separated sections to run (default: all of "
                             f"{','.join(SECTIONS)})")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md",
                        help="document whose results block is replaced (default: %(default)s)")
    parser.add_argument("--no-write", action="store_true", help="print only")
    parser.add_argument("--profile", type=Path, default=None, metavar="DIR",
                        help="write pyinstrument profiles of the loopback bots to DIR "
                             "(needs `pip install pyinstrument`; slows the bots down)")
    args = parser.parse_args(argv)
    chosen = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = set(chosen) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown sections {sorted(unknown)}; choose from {SECTIONS}")
    if args.profile is not None:
        args.profile.mkdir(parents=True, exist_ok=True)
        os.environ["BENCH_PROFILE"] = str(args.profile.resolve())
    runners: dict[str, Callable[[bool], Section]] = {
        "engine": lambda q: in_child(_engine, q),
        "inprocess": lambda q: in_child(_inprocess, q),
        "loopback": _loopback,
        "store": lambda q: in_child(_store, q),
        "startup": _startup,
    }
    started = time.perf_counter()
    sections = []
    for name in SECTIONS:
        if name not in chosen:
            continue
        print(f"running {name}…", file=sys.stderr, flush=True)
        t0 = time.perf_counter()
        section = runners[name](args.quick)
        section.seconds = time.perf_counter() - t0
        sections.append(section)
    took = time.perf_counter() - started
    from benchmarks import report  # noqa: PLC0415

    report.print_sections(sections)
    print(f"\n{took:.0f} s in all", file=sys.stderr)
    if not args.no_write:
        report.write(args.out, report.markdown(sections, machine(), args.quick, took))
        print(f"results written to {args.out}", file=sys.stderr)
    return 0
