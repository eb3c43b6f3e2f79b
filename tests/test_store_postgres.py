"""The PostgreSQL backend's own: the same schema as SQLite's, the URL that selects it, clear
errors without the password, instances starting together, and a server restarted under it.
Against a real server (tests/auxil/postgres.py); skipped with the reason where none starts."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import psycopg
import pytest
from auxil import postgres
from auxil.backends import PgBackend, SqliteBackend

from heel_bot.store import StoreError
from heel_bot.stores.opening import is_postgres, open_store
from heel_bot.stores.pg_link import describe
from heel_bot.stores.postgres import PgStore
from heel_bot.stores.schema import MIGRATIONS, SCHEMA_VERSION
from heel_bot.stores.sqlite import SqliteStore


def test_both_backends_end_with_the_same_tables_and_columns(pg_url: str, tmp_path: Path):
    sqlite, pg = SqliteBackend(tmp_path / "heel.sqlite3"), PgBackend(pg_url)
    for backend in (sqlite, pg):
        backend.open().close()
    assert sqlite.columns() == pg.columns()
    assert all(m.sqlite and m.postgres for m in MIGRATIONS)


def test_a_postgresql_url_selects_postgresql_and_anything_else_a_file(pg_url: str,
                                                                      tmp_path: Path):
    assert is_postgres("postgresql://h/db") and is_postgres(" POSTGRES://h/db")
    assert not is_postgres("postgresql.sqlite3") and not is_postgres(Path("postgresql:/x"))
    pg = open_store(pg_url)
    try:
        assert isinstance(pg, PgStore)
    finally:
        pg.close()
    lite = open_store(str(tmp_path / "heel.sqlite3"))
    try:
        assert isinstance(lite, SqliteStore) and lite.where == str(tmp_path / "heel.sqlite3")
    finally:
        lite.close()


def test_where_never_shows_the_password():
    assert describe("postgresql://heel:s3cret@db.example:5433/bot?sslmode=require") == (
        "postgresql://heel@db.example:5433/bot")
    assert describe("postgresql:///bot?host=/run/postgresql") == (
        "postgresql:///bot?host=/run/postgresql")
    assert "s3cret" not in describe("postgresql://heel:s3cret@/bot")


@pytest.mark.parametrize("problem", ["no server", "no database", "wrong user"])
def test_a_database_that_cannot_be_used_is_one_clear_line_without_the_password(
        pg_server: postgres.Server, problem: str):
    if problem == "no server":
        url = "postgresql://heel:s3cret@127.0.0.1:1/bot?connect_timeout=2"
    else:
        base = pg_server.url.replace("postgres@", "heel:s3cret@" if problem == "wrong user"
                                     else "postgres:s3cret@")
        url = base.replace("/postgres", "/no_such_db" if problem == "no database" else
                           "/postgres", 1)
    with pytest.raises(StoreError) as info:
        PgStore(url, timeout=2)
    message = str(info.value)
    assert "s3cret" not in message and "\n" not in message
    assert "HEEL_BOT_DB" in message and message.startswith("postgresql://")


def test_instances_starting_together_migrate_the_schema_once(pg_url: str):
    stores: list[PgStore] = []
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def open_one() -> None:
        start.wait()
        try:
            stores.append(PgStore(pg_url))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=open_one) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    try:
        assert errors == []
        assert [s.schema_version for s in stores] == [SCHEMA_VERSION] * 4
        assert PgBackend(pg_url).peek("SELECT version FROM heel_bot_schema") == [
            (SCHEMA_VERSION,)]
    finally:
        for s in stores:
            s.close()


@pytest.mark.slow
def test_the_store_carries_on_after_the_server_restarts():
    try:
        server = postgres.start(tcp=True)
    except postgres.Unavailable as exc:
        pytest.skip(f"no PostgreSQL server for the tests: {exc}")
    try:
        store = PgStore(server.url, timeout=2)
        store.save(1, "before")
        server.halt()
        with pytest.raises(StoreError, match=r"HEEL_BOT_DB|no database connection"):
            store.save(1, "while down")
        server.resume()
        # The pool replaces its stale connections, reconnecting with a backoff of its own (a
        # second, doubling): the calls meanwhile fail as above, then the store is back.
        for _ in range(120):
            try:
                store.save(1, "after")
                break
            except StoreError:
                time.sleep(0.5)
        assert store.load(1) == "after"
        store.close()
    finally:
        server.stop()


def test_a_chat_lock_goes_with_its_session(pg_url: str):
    store = PgStore(pg_url)
    try:
        held = store.try_lock_chat(5)
        assert held is not None
        with psycopg.connect(pg_url, autocommit=True) as other:
            row = other.execute("SELECT pg_try_advisory_lock(5::bigint)").fetchone()
            assert row == (False,)
            # The holding session ends (its instance died): the lock ends with it.
            other.execute("SELECT pg_terminate_backend(pid) FROM pg_locks "
                          "WHERE locktype = 'advisory' AND objid = 5 AND pid <> pg_backend_pid()")
            held.release()  # cannot unlock a dead session: harmless
            row = other.execute("SELECT pg_try_advisory_lock(5::bigint)").fetchone()
            assert row == (True,)
        again = store.try_lock_chat(5)  # the pool replaced the dead connection
        assert again is not None
        again.release()
    finally:
        store.close()
