"""The two store backends as the store's tests see them: open a store, read behind its back
with a connection of our own, and lay down an old schema by hand."""

from __future__ import annotations

import contextlib
import sqlite3
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from heel_bot.stores.api import Storage
from heel_bot.stores.schema import MIGRATIONS


class Clock:
    """A clock that stands still until the test moves it (`now` is Unix time)."""

    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

class SqliteBackend:
    """A store file in the test's folder."""

    name = "sqlite"
    several_instances = False  # one process holds the file: a second instance is refused

    def __init__(self, path: Path) -> None:
        self.path = path

    def open(self, clock: Callable[[], float] = time.time) -> Storage:
        from heel_bot.stores.sqlite import SqliteStore

        return SqliteStore(self.path, clock=clock)

    def peek(self, sql: str) -> list[tuple[Any, ...]]:
        """Another connection, as another process (or a `kill -9` survivor) would see it."""
        with contextlib.closing(sqlite3.connect(self.path)) as db:
            return db.execute(sql).fetchall()

    def columns(self) -> dict[str, set[tuple[str, bool]]]:
        """Table -> its (column, nullable) pairs, SQLite's own tables left out."""
        tables = [r[0] for r in self.peek("SELECT name FROM sqlite_master WHERE type = 'table' "
                                          "AND name NOT LIKE 'sqlite_%'")]
        return {t: {(str(c[1]), not c[3] and not c[5])
                    for c in self.peek(f"PRAGMA table_info({t})")} for t in tables}

    def lay_down(self, version: int, rows: Sequence[str] = ()) -> None:
        """The schema as of `version`, written without the store, then `rows` (SQL)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.closing(sqlite3.connect(self.path)) as db:
            for migration in MIGRATIONS[:version]:
                for statement in migration.sqlite:
                    db.execute(statement)
            for statement in rows:
                db.execute(statement)
            db.execute(f"PRAGMA user_version = {version}")
            db.commit()

class PgBackend:
    """A fresh schema on the test server."""

    name = "postgres"
    several_instances = True

    def __init__(self, url: str) -> None:
        self.url = url

    def open(self, clock: Callable[[], float] = time.time) -> Storage:
        from heel_bot.stores.postgres import PgStore

        return PgStore(self.url, clock=clock)

    def peek(self, sql: str) -> list[tuple[Any, ...]]:
        import psycopg

        with psycopg.connect(self.url) as conn:
            return conn.execute(sql).fetchall()

    def columns(self) -> dict[str, set[tuple[str, bool]]]:
        """Table -> its (column, nullable) pairs, the schema version's table left out."""
        out: dict[str, set[tuple[str, bool]]] = {}
        for table, column, nullable in self.peek(
                "SELECT table_name, column_name, is_nullable FROM information_schema.columns "
                "WHERE table_schema = current_schema() AND table_name <> 'heel_bot_schema'"):
            out.setdefault(table, set()).add((column, nullable == "YES"))
        return out

    def lay_down(self, version: int, rows: Sequence[str] = ()) -> None:
        import psycopg

        with psycopg.connect(self.url) as conn, conn.transaction():
            for migration in MIGRATIONS[:version]:
                for statement in migration.postgres:
                    conn.execute(statement)
            for statement in rows:
                conn.execute(statement)
            conn.execute("CREATE TABLE heel_bot_schema (version INTEGER NOT NULL)")
            conn.execute("INSERT INTO heel_bot_schema VALUES (%s)", (version,))

Backend = SqliteBackend | PgBackend
