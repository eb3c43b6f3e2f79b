"""Shared pieces of the benchmarks: result rows, statistics, the machine, process CPU and
memory, and running a function in a fresh process."""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import platform
import sqlite3
import statistics
import subprocess
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# A token of the right shape; no request ever leaves the machine.
TOKEN = "123456789:AAHtest-Token_for_the_loopback_standin_0"


@dataclass
class Row:
    """One line of the results table."""

    section: str
    measure: str
    value: str
    target: str = ""
    verdict: str = ""  # "met", "missed" or "" (informational)
    note: str = ""


@dataclass
class Section:
    """The rows of one benchmark and what it has to say beyond them."""

    title: str
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def add(self, measure: str, value: str, target: str = "", verdict: str = "",
            note: str = "") -> None:
        self.rows.append(Row(self.title, measure, value, target, verdict, note))


def verdict(ok: bool) -> str:
    return "met" if ok else "missed"


def pct(samples: Sequence[float], p: float) -> float:
    """The p-quantile (0..1) by nearest rank."""
    s = sorted(samples)
    if not s:
        return float("nan")
    return s[min(len(s) - 1, max(0, int(p * len(s) + 0.5) - 1))]


def median(samples: Sequence[float]) -> float:
    return statistics.median(samples) if samples else float("nan")


def mean(samples: Sequence[float]) -> float:
    return sum(samples) / len(samples) if samples else float("nan")


def us(seconds: float) -> str:
    return f"{seconds * 1e6:.1f} µs"


def ms(seconds: float) -> str:
    return f"{seconds * 1e3:.1f} ms" if seconds < 10 else f"{seconds * 1e3:.0f} ms"


def spread(samples: Sequence[float], unit: Callable[[float], str] = us) -> str:
    """'median / p99' of samples."""
    return f"{unit(median(samples))} / {unit(pct(samples, 0.99))}"


def _first(path: str, prefix: str) -> str:
    """The rest of the first line of a /proc file starting with `prefix` ('' if none)."""
    with contextlib.suppress(OSError), open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith(prefix):
                return line.split(":", 1)[1].strip()
    return ""


def machine() -> dict[str, str]:
    """What the numbers were measured on."""
    import telegram  # noqa: PLC0415 - only for its version

    mem = _first("/proc/meminfo", "MemTotal")
    return {
        "heel-bot code": _commit(),
        "CPU": _first("/proc/cpuinfo", "model name") or platform.machine(),
        "cores": str(os.cpu_count()),
        "memory": f"{int(mem.split()[0]) / 2**20:.1f} GiB" if mem else "",
        "OS": f"{platform.system()} {platform.release()}",
        "Python": f"{platform.python_implementation()} {platform.python_version()}",
        "python-telegram-bot": telegram.__version__,
        "SQLite": sqlite3.sqlite_version,
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
    }


def _commit() -> str:
    """The commit measured, and whether bot/ or the definitions had local changes."""
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=ROOT, text=True, capture_output=True,
                              check=True).stdout.strip()

    try:
        head = git("rev-parse", "--short", "HEAD")
        dirty = git("status", "--porcelain", "--", "heel_bot", "dialogs", "content")
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"
    return f"commit {head}" + (" with local changes in bot/, dialogs/ or content/" if dirty
                               else "")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far (Linux /proc)."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime


def rss_bytes(pid: int | None = None) -> int:
    """Resident set size now (Linux /proc)."""
    value = _first(f"/proc/{pid or 'self'}/status", "VmRSS:")
    return int(value.split()[0]) * 1024 if value else 0


@contextlib.contextmanager
def temp_dir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="heel-bench-") as d:
        yield Path(d)


def _child(conn: Connection, func: Callable[..., Any], args: tuple[Any, ...]) -> None:
    try:
        conn.send(("ok", func(*args)))
    except BaseException:  # report any failure to the parent instead of hanging it
        conn.send(("error", traceback.format_exc()))


def in_child(func: Callable[..., Any], *args: Any) -> Any:
    """`func(*args)` in a fresh spawned process (which may start processes of its own).

    Fresh processes keep one measurement from warming or slowing another: heel-bot installs a
    process-wide log filter the bare bot must not pay for.
    """
    ctx = mp.get_context("spawn")
    parent, child = ctx.Pipe()
    proc = ctx.Process(target=_child, args=(child, func, args))
    proc.start()
    status, value = parent.recv()
    proc.join()
    if status != "ok":
        raise RuntimeError(f"{func.__module__}.{func.__name__} failed:\n{value}")
    return value


def botapi() -> Any:
    """The Bot API stand-in module of the end-to-end tests (tests/auxil/botapi.py)."""
    import sys  # noqa: PLC0415

    if str(ROOT / "tests") not in sys.path:
        sys.path.insert(0, str(ROOT / "tests"))
    from auxil import botapi as module  # noqa: PLC0415

    return module
