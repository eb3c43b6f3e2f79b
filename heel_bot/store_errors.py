"""What a failing SQLite store means for the person running the bot: one StoreError, whose
message names the file and what to do."""

from __future__ import annotations

import sqlite3
from pathlib import Path

# SQLite's primary result codes, by what they mean for the person running the bot.
_BUSY = frozenset({"SQLITE_BUSY", "SQLITE_LOCKED"})
_FULL = frozenset({"SQLITE_FULL"})
_CANNOT_OPEN = frozenset({"SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_PERM", "SQLITE_IOERR",
                          "SQLITE_AUTH"})


class StoreError(Exception):
    """The database file cannot be used; the message names the file and what to do."""


def cannot_open(path: Path, exc: sqlite3.Error) -> str:
    """The file (or its folder) cannot be opened or written."""
    return (f"{path}: cannot open the database ({exc}); check the file and folder "
            "permissions, or set HEEL_BOT_DB (or --db) to a file you can write")


def explain(path: Path, exc: sqlite3.Error, busy_timeout: float) -> str:
    """What a failed statement means, by SQLite's result code."""
    text = str(exc)
    # Extended codes (SQLITE_IOERR_WRITE…) share their primary code's meaning.
    code = str(getattr(exc, "sqlite_errorname", "") or "")
    primary = "_".join(code.split("_")[:2])
    if primary in _BUSY or "database is locked" in text:
        return (f"{path}: the database is busy: another program (a second heel-bot?) kept it "
                f"locked for over {busy_timeout:g} s ({text}); nothing was saved. Stop the "
                "other program, or give each bot its own HEEL_BOT_DB")
    if primary in _FULL or "disk is full" in text:
        return (f"{path}: the disk is full ({text}); nothing was saved and the stored "
                "conversations are intact. Free some space on the disk that holds the file")
    if (primary in _CANNOT_OPEN or "readonly" in text or "unable to open" in text
            or "disk I/O" in text):
        return cannot_open(path, exc)
    return (f"{path}: not a heel-bot database, or the file is damaged ({text}); move it aside "
            "(the bot then starts a new one) or set HEEL_BOT_DB to another file")
