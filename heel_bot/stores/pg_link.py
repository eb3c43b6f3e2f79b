"""The PostgreSQL backend's connections: the pool, the schema migrations, and errors as
one-line `StoreError`s that say what to do (and never carry the password or a stored value).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, TypeAlias

import psycopg
from psycopg.conninfo import conninfo_to_dict
from psycopg_pool import ConnectionPool, PoolTimeout

from heel_bot.store import StoreError
from heel_bot.store_inbox import HANDLING
from heel_bot.stores.schema import POSTGRES, SCHEMA_VERSION

Params: TypeAlias = Sequence[object] | Mapping[str, object]
Conn: TypeAlias = psycopg.Connection[Any]
# The advisory lock that one instance holds while it migrates the schema (two 32-bit keys: a
# key space apart from the chat locks' single 64-bit keys). 0x6865656c is "heel".
MIGRATION_LOCK = (0x6865656C, 1)
# A statement waits this long for a row another instance has locked before it fails, as an
# SQLite write waits for the file (heel_bot/store.py BUSY_TIMEOUT).
SESSION_SETUP = ("SET lock_timeout = '5s'", "SET statement_timeout = '30s'")
# SQLSTATE codes, by what they mean for the person running the bot.
_FULL = frozenset({"53100"})  # disk_full
_BUSY = frozenset({"55P03", "57014", "40001", "40P01"})  # lock/statement timeout, conflicts
_DENIED = frozenset({"42501"})  # insufficient_privilege


def describe(url: str) -> str:
    """The database URL without its password (or any other setting), for messages."""
    try:
        parts = conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return "the PostgreSQL database (malformed URL)"
    user = f"{parts['user']}@" if parts.get("user") else ""
    host, port, name = (str(parts.get(key) or "") for key in ("host", "port", "dbname"))
    if host.startswith("/"):  # a Unix socket's folder
        return f"postgresql://{user}/{name}?host={host}" + (f"&port={port}" if port else "")
    return f"postgresql://{user}{host}{':' if port else ''}{port}/{name}"


def _configure(conn: Conn) -> None:
    for statement in SESSION_SETUP:
        conn.execute(statement)


class Link:
    """The pool of autocommit connections to one database, migrated on opening."""

    def __init__(self, url: str, *, pool_size: int, timeout: float) -> None:
        self.where = describe(url)
        self.timeout = timeout
        # One direct connection first: a wrong password, host or database name is reported
        # as itself, where the pool would only time out.
        try:
            psycopg.connect(url, connect_timeout=max(1, round(timeout))).close()
        except psycopg.Error as exc:
            raise self.error(exc) from None
        self.pool: ConnectionPool[Conn] = ConnectionPool(
            url, min_size=1, max_size=pool_size, kwargs={"autocommit": True}, open=False,
            configure=_configure, check=ConnectionPool.check_connection, timeout=timeout,
            name="heel-bot")
        try:
            with self._errors():
                self.pool.open(wait=True, timeout=timeout)
            self._migrate()
        except BaseException:
            self.pool.close()
            raise

    def close(self) -> None:
        """Close every connection."""
        self.pool.close()

    # ------------------------------------------------------------ errors

    def error(self, exc: Exception) -> StoreError:
        """A database failure as one line that says what to do."""
        if isinstance(exc, PoolTimeout):
            return StoreError(f"{self.where}: no database connection within {self.timeout:g} s "
                              "(PostgreSQL is down, unreachable, or every connection is busy); "
                              "nothing was saved")
        code = getattr(exc, "sqlstate", None)
        diag = getattr(exc, "diag", None)
        # The primary message only: the DETAIL line of some errors quotes stored values.
        text = (diag.message_primary if diag is not None and diag.message_primary
                else str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__)
        if code in _FULL:
            return StoreError(f"{self.where}: the database server's disk is full ({text}); "
                              "nothing was saved. Free space on the PostgreSQL server")
        if code in _BUSY:
            return StoreError(f"{self.where}: the database is busy ({text}); nothing was saved, "
                              "try again")
        if code in _DENIED:
            return StoreError(f"{self.where}: the database user lacks a privilege ({text}); "
                              "grant it ALL on the heel-bot database, or set HEEL_BOT_DB to "
                              "another user")
        if code is None or isinstance(exc, psycopg.OperationalError):
            return StoreError(f"{self.where}: cannot use the database ({text}); check that "
                              "PostgreSQL runs and that HEEL_BOT_DB (or --db) names its host, "
                              "user, password and database")
        return StoreError(f"{self.where}: the database refused a statement ({code}: {text})")

    @contextlib.contextmanager
    def _errors(self) -> Iterator[None]:
        try:
            yield
        except (psycopg.Error, PoolTimeout) as exc:
            raise self.error(exc) from None

    # ------------------------------------------------------------ statements

    def connection(self) -> Conn:
        """A pooled connection, to give back with `give_back`."""
        with self._errors():
            return self.pool.getconn()

    def give_back(self, conn: Conn) -> None:
        """Return a connection from `connection` to the pool."""
        self.pool.putconn(conn)

    def rows(self, sql: str, params: Params = ()) -> list[tuple[Any, ...]]:
        """The rows of one statement (committed when it returns)."""
        with self._errors(), self.pool.connection() as conn:
            return conn.execute(sql, params).fetchall()

    def run(self, sql: str, params: Params = ()) -> int:
        """Run one statement (committed when it returns); how many rows it changed."""
        with self._errors(), self.pool.connection() as conn, conn.transaction():
            changed = conn.execute(sql, params).rowcount
            _mark_applied(conn)
            return changed

    def batch(self, statements: Sequence[tuple[str, Params]]) -> None:
        """Run statements in one transaction: all of them or none."""
        with self._errors(), self.pool.connection() as conn, conn.transaction():
            for sql, params in statements:
                conn.execute(sql, params)
            _mark_applied(conn)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Conn]:
        """A pooled connection in one transaction (committed when the block ends)."""
        with self._errors(), self.pool.connection() as conn, conn.transaction():
            yield conn

    # ------------------------------------------------------------ schema

    def version(self) -> int:
        """The schema version of the database."""
        return int(self.rows("SELECT version FROM heel_bot_schema")[0][0])

    def _migrate(self) -> None:
        """Bring the schema up to date; instances starting together take turns."""
        with self._errors(), self.pool.connection() as conn, conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s, %s)", MIGRATION_LOCK)
            conn.execute("CREATE TABLE IF NOT EXISTS heel_bot_schema (version INTEGER NOT NULL)")
            row = conn.execute("SELECT version FROM heel_bot_schema").fetchone()
            if row is None:
                conn.execute("INSERT INTO heel_bot_schema (version) VALUES (0)")
            version = int(row[0]) if row else 0
            if version > SCHEMA_VERSION:
                raise StoreError(f"{self.where}: the database was written by a newer heel-bot "
                                 f"(schema {version}, this one knows {SCHEMA_VERSION}); upgrade "
                                 "heel-bot or point HEEL_BOT_DB at another database")
            for number in range(version, SCHEMA_VERSION):
                for statement in POSTGRES[number]:
                    conn.execute(statement)
            conn.execute("UPDATE heel_bot_schema SET version = %s", (SCHEMA_VERSION,))



def _mark_applied(conn: Conn) -> None:
    """While an update is being handled (heel_bot/store_inbox.py, `handling`), a write also
    marks it applied in the inbox, in the write's own transaction, as the SQLite store does:
    after a crash it is then shown where it stands, never applied again."""
    handling = HANDLING.get()
    if handling is not None:
        conn.execute("UPDATE inbox SET applied = 1 WHERE update_id = %s AND applied = 0",
                     (handling,))
