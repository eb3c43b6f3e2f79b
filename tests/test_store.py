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
        db.executemany("INSERT INTO conversations (chat_id, state, created, updated) "
                       "VALUES (?, '{}', 0, 0)",
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


# ------------------------------------------------------------------ the inbox, the claim


def test_the_inbox_keeps_an_update_from_fetched_to_confirmed(path: Path):
    now = [100.0]
    s = Store(path, clock=lambda: now[0])
    try:
        assert s.inbox_add([(5, '{"update_id": 5}'), (6, '{"update_id": 6}')]) == [5, 6]
        now[0] = 110.0
        assert s.inbox_add([(6, '{"update_id": 6}'), (7, '{"update_id": 7}')]) == [7]  # a copy
        assert [(r.update_id, r.applied, r.done) for r in s.inbox()] == [
            (5, False, False), (6, False, False), (7, False, False)]
        with s.handling(5):
            s.load(1)  # reading applies nothing
            assert not s.inbox()[0].applied
            s.save(1, "{}")  # a write, and the update applied with it in one transaction
        with s.handling(6):
            s.add_reminder(1, 10.0, 3)
        assert [r.applied for r in s.inbox()] == [True, True, False]
        s.inbox_done(5)
        first = s.inbox()[0]
        assert (first.update_id, first.body, first.done) == (5, "", True)
        assert s.inbox_add([(5, '{"update_id": 5}')]) == []  # handled, still recognised
        s.inbox_done(7)
        assert s.inbox_confirm(older_than=5.0) == 1  # the webhook's way: 5, not 7 (newer)
        assert [r.update_id for r in s.inbox()] == [6, 7]
        assert s.inbox_confirm() == 1  # polling's: every handled one (6 is not handled)
        assert [(r.update_id, r.done) for r in s.inbox()] == [(6, False)]
    finally:
        s.close()


def test_a_failed_write_does_not_mark_the_update_applied(path: Path):
    with contextlib.closing(Store(path)) as s:
        s.inbox_add([(5, "{}")])
        with s.handling(5), pytest.raises(StoreError):
            s._write("INSERT INTO no_such_table VALUES (1)")
        assert not s.inbox()[0].applied


def test_a_second_claim_on_the_file_is_refused_until_the_first_lets_go(path: Path):
    first, second = Store(path), Store(path)
    try:
        first.claim()
        with pytest.raises(StoreError, match=rf"another heel-bot \(pid {os.getpid()}\)"):
            second.claim()
        second.save(1, "{}")  # an unclaimed store still reads and writes (a backup, a test)
        first.close()
        second.claim()
    finally:
        first.close()
        second.close()


def test_deleted_rows_are_overwritten_and_forget_empties_the_log(store: Store, path: Path):
    assert store._read("PRAGMA secure_delete") == [(1,)]  # whatever SQLite's build default
    store.save(1, '{"a": "needle-in-the-file"}')
    wal = path.with_name(path.name + "-wal")
    assert b"needle-in-the-file" in wal.read_bytes()
    store.forget(1)
    for f in (path, wal):
        assert b"needle-in-the-file" not in f.read_bytes()
