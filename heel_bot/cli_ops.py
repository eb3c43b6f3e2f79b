"""`heel-bot backup` and `heel-bot stats`: the operator's commands on the store's file.

Both work while the bot runs (on connections of their own: heel_bot/store_side.py) and never
create, migrate or change the store. `stats` prints the same counts as the store's part of
/metrics (`--format prometheus`: the very lines).

    heel-bot backup FILE [--db DB]         an online, consistent copy of the store
    heel-bot stats [--db DB] [--format F]  conversations by status and question; check-ins
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Mapping
from pathlib import Path
from typing import TextIO

from heel_bot import store_side
from heel_bot.ops.metrics import DROP_OFF_AFTER, stats_text
from heel_bot.serve_config import DB_ENV, default_db_path
from heel_bot.store import StoreError
from heel_bot.store_side import StoreCounts


def _add_db(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", type=Path, default=None, metavar="FILE",
                   help=f"the bot's SQLite file (default: ${DB_ENV}, else {default_db_path()})")


def add_backup_arguments(p: argparse.ArgumentParser) -> None:
    """The backup subcommand's arguments."""
    p.add_argument("file", type=Path, metavar="FILE", help="the backup to write (a new file)")
    _add_db(p)


def add_stats_arguments(p: argparse.ArgumentParser) -> None:
    """The stats subcommand's arguments."""
    _add_db(p)
    p.add_argument("--format", choices=("text", "prometheus"), default="text",
                   help="text for people, or Prometheus' format (the lines /metrics shows)")


def db_path(args: argparse.Namespace, env: Mapping[str, str]) -> Path:
    """The store's file, as `heel-bot serve` finds it: --db, else $HEEL_BOT_DB, else the
    default in the user's data directory."""
    chosen = args.db or (Path(env[DB_ENV]) if env.get(DB_ENV, "").strip() else None)
    return (chosen or default_db_path()).expanduser()


def _existing(args: argparse.Namespace, env: Mapping[str, str], err: TextIO) -> Path | None:
    path = db_path(args, env)
    if not path.is_file():
        err.write(f"heel-bot: no database at {path}; give the bot's file with --db or "
                  f"{DB_ENV}\n")
        return None
    return path


def run_backup(args: argparse.Namespace, out: TextIO, err: TextIO,
               env: Mapping[str, str] = os.environ) -> int:
    """Copy the store to FILE while the bot may be running; 2 when it cannot."""
    path = _existing(args, env, err)
    if path is None:
        return 2
    target = Path(args.file).expanduser()
    try:
        held = store_side.backup(path, target)
    except StoreError as exc:
        err.write(f"heel-bot: {exc}\n")
        return 2
    out.write(f"backed up {held} conversation(s) from {path} to {target}\n")
    return 0


def run_stats(args: argparse.Namespace, out: TextIO, err: TextIO,
              env: Mapping[str, str] = os.environ, now: float | None = None) -> int:
    """Print the store's counts; 2 when the store cannot be read."""
    path = _existing(args, env, err)
    if path is None:
        return 2
    at = time.time() if now is None else now
    try:
        counts = store_side.counts(path, at - DROP_OFF_AFTER)
    except StoreError as exc:
        err.write(f"heel-bot: {exc}\n")
        return 2
    if args.format == "prometheus":
        out.write(stats_text(counts).decode())
    else:
        out.write(as_text(counts))
    return 0


def as_text(counts: StoreCounts) -> str:
    """The counts for people, one figure a line."""
    days = DROP_OFF_AFTER / 86400

    def by_question(items: Mapping[str, int]) -> list[str]:
        return [f"    {q}: {n}" for q, n in sorted(items.items(), key=lambda i: (-i[1], i[0]))]

    lines = [f"conversations stored: {counts.conversations}",
             f"  finished: {counts.finished}",
             f"  in progress (answered within {days:g} day): {sum(counts.waiting.values())}",
             *by_question(counts.waiting),
             f"  dropped off (no answer for {days:g} day or more): "
             f"{sum(counts.dropped_off.values())}",
             *by_question(counts.dropped_off),
             f"check-ins booked: {counts.checkins_booked}",
             f"check-ins asked, not yet answered: {counts.checkins_open}"]
    return "\n".join(lines) + "\n"
