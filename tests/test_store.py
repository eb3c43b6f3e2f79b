"""The SQLite store's own: its file, the file's mode, WAL, bad files, opening cheaply.

(What the store does, the same on SQLite and PostgreSQL, is in tests/test_store_backends.py.)"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
from pathlib import Path

import pytest

from heel_bot.store import MIGRATIONS, SCHEMA_VERSION, Store, StoreError


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "heel.sqlite3"


@pytest.fixture
def store(path: Path):
    s = Store(path)
    yield s
    s.close()


def read(path: Path, sql: str, *params: object) -> list[tuple[object, ...]]:
    """Another connection, as another process (or a `kill -9` survivor) would see the file."""
    with contextlib.closing(sqlite3.connect(path)) as db:
        return db.execute(sql, params).fetchall()


def test_a_new_file_gets_the_whole_schema(store: Store, path: Path):
    assert store.schema_version == SCHEMA_VERSION == len(MIGRATIONS)
    tables = {r[0] for r in read(path, "SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"conversations", "reminders"} <= tables
    assert read(path, "PRAGMA user_version") == [(SCHEMA_VERSION,)]


def test_the_file_is_private(store: Store, path: Path):
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    store.save(1, "{}")
    for extra in (Path(f"{path}-wal"), Path(f"{path}-shm")):
        if extra.exists():  # SQLite gives its side files the database's mode
            assert stat.S_IMODE(extra.stat().st_mode) & 0o077 == 0


def test_the_file_is_private_whatever_the_umask(tmp_path: Path):
    old = os.umask(0)
    try:
        s = Store(tmp_path / "open.sqlite3")
        s.close()
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "open.sqlite3").stat().st_mode) == 0o600


def test_an_existing_file_readable_by_others_is_made_private(tmp_path: Path):
    p = tmp_path / "shared.sqlite3"
    p.touch(mode=0o644)
    os.chmod(p, 0o644)
    Store(p).close()
    assert stat.S_IMODE(p.stat().st_mode) == 0o600


def test_wal_mode(store: Store, path: Path):
    assert read(path, "PRAGMA journal_mode") == [("wal",)]


def test_a_corrupt_file_is_a_clear_error(tmp_path: Path):
    p = tmp_path / "heel.sqlite3"
    p.write_bytes(b"this is not a database, just some text that is long enough" * 40)
    with pytest.raises(StoreError) as info:
        Store(p)
    message = str(info.value)
    assert str(p) in message and "HEEL_BOT_DB" in message and "\n" not in message


def test_an_unwritable_place_is_a_clear_error(tmp_path: Path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    with pytest.raises(StoreError) as info:
        Store(blocker / "heel.sqlite3")
    assert "heel.sqlite3" in str(info.value) and "HEEL_BOT_DB" in str(info.value)


def test_a_folder_in_place_of_the_file_is_a_clear_error(tmp_path: Path):
    (tmp_path / "db").mkdir()
    with pytest.raises(StoreError, match="HEEL_BOT_DB"):
        Store(tmp_path / "db")


def test_opening_does_not_read_the_stored_conversations(path: Path):
    s = Store(path)
    s.close()
    with contextlib.closing(sqlite3.connect(path)) as db, db:
        db.executemany("INSERT INTO conversations VALUES (?, '{}', 0, 0)",
                       ((i,) for i in range(100_000)))
        db.executemany("INSERT INTO reminders (chat_id, due_at, days, created) "
                       "VALUES (?, 0, 3, 0)", ((i,) for i in range(1000)))
    statements: list[str] = []
    s = Store(path, trace=statements.append)
    try:
        opened = list(statements)
        assert opened, "the trace hook saw nothing"
        assert not [q for q in opened if "conversations" in q or "reminders" in q], opened
        assert s.count() == 100_000
        assert s.load(99_999) == "{}"
    finally:
        s.close()
