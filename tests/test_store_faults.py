"""Store faults: each gives a clear StoreError naming the file, and nothing is silently lost.

- database busy: a second PROCESS holds `BEGIN EXCLUSIVE` on the file; a write waits (the busy
  timeout) and then fails clearly, or succeeds once the lock is released;
- a read-only file, an unwritable folder (as root: in a process that cannot override file
  permissions);
- a corrupt file: garbage bytes, a damaged page, a truncated real database;
- a full disk (SQLite's `max_page_count` on the store's connection), and a COMMIT that fails;
- kill -9 while a process writes in a tight loop: the file stays sound and holds one whole
  state that was written, never older than the last committed one;
- through Telegram (the real Application on the loopback Bot API stand-in): a failing store
  during an update gets the user a kind message, is logged with the chat id, does not advance
  the conversation, and the next update works once the store has recovered; a check-in that
  falls due while the store fails is sent once it has recovered.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from auxil.botapi import (
    BotAPIStandIn,
    Plan,
    answer_by_buttons,
    book,
    heel_bot,
    plan,
    prefix,
    reminders,
    start_chat,
    stored,
    text,
)

from heel_bot.engine import Engine, HistoryEntry, State
from heel_bot.store import Store, StoreError
from heel_bot.stores.sqlite import SqliteStore

TESTS = Path(__file__).resolve().parent


def written_state(turn: int) -> State:
    """The state a writer stores at `turn`: bigger than a database page (4 KB), so that a torn
    write could not pass for a whole one, and different at every turn."""
    answers = {f"slot_{i:02d}": f"value-{turn}-{i}-" + "x" * 120 for i in range(48)}
    history = tuple(HistoryEntry(f"slot_{i:02d}", None, None) for i in range(turn % 7))
    return State("triage/1", f"slot_{turn % 48:02d}", answers, history, None, turn)


STATE_A = written_state(1).to_json()
STATE_B = written_state(2).to_json()


def read(path: Path, sql: str) -> list[tuple[Any, ...]]:
    """Another connection, as another process would see the file."""
    with contextlib.closing(sqlite3.connect(path)) as db:
        return db.execute(sql).fetchall()


def clear(error: StoreError, path: Path, *fragments: str) -> None:
    """The message names the file, is one line, and says what it must."""
    message = str(error)
    assert message.startswith(f"{path}: "), message
    assert "\n" not in message
    for fragment in fragments:
        assert fragment in message, (fragment, message)


# ------------------------------------------------------------------ a busy database

# On a new file it writes the first schema version, as an older heel-bot would.
HOLDER = """
import sqlite3, sys
from heel_bot.store import MIGRATIONS
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN EXCLUSIVE")
if db.execute("PRAGMA user_version").fetchone()[0] == 0:
    for statement in MIGRATIONS[0]:
        db.execute(statement)
    db.execute("PRAGMA user_version = 1")
db.execute("INSERT INTO conversations (chat_id, state, created, updated) "
           "VALUES (9, 'written by the other process', 0, 0)")
print("locked", flush=True)
sys.stdin.readline()
db.execute("COMMIT")
print("released", flush=True)
"""


class Holder:
    """A second process that holds an exclusive lock on the file until `release()`."""

    def __init__(self, path: Path) -> None:
        self.proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(path)],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout is not None and self.proc.stdin is not None
        self.stdout, self.stdin = self.proc.stdout, self.proc.stdin
        assert self.stdout.readline().strip() == "locked"

    def release(self) -> None:
        self.stdin.write("go\n")
        self.stdin.flush()
        assert self.stdout.readline().strip() == "released"
        assert self.proc.wait(timeout=30) == 0

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=30)
        self.stdin.close()
        self.stdout.close()


@contextlib.contextmanager
def holding(path: Path) -> Iterator[Holder]:
    holder = Holder(path)
    try:
        yield holder
    finally:
        holder.close()


@pytest.mark.slow
def test_a_write_on_a_busy_database_waits_then_fails_clearly(tmp_path: Path) -> None:
    path = tmp_path / "heel.sqlite3"
    store = Store(path, busy_timeout=0.2)
    try:
        store.save(1, STATE_A)
        with holding(path) as holder:
            assert store.load(1) == STATE_A  # readers are not blocked (WAL)
            with pytest.raises(StoreError) as info:
                store.save(1, STATE_B)
            clear(info.value, path, "busy", "another program", "HEEL_BOT_DB")
            with pytest.raises(StoreError, match="busy"):
                store.add_reminder(1, 10.0, 3)
            with pytest.raises(StoreError, match="busy"):
                store.forget(1)
            holder.release()
        # Nothing was half-done, and the store works again once the lock is gone.
        assert store.load(1) == STATE_A
        assert store.reminders(1) == []
        store.save(1, STATE_B)
        assert store.load(1) == STATE_B
        assert store.load(9) == "written by the other process"
    finally:
        store.close()


@pytest.mark.slow
def test_a_write_on_a_busy_database_succeeds_once_the_lock_is_released(tmp_path: Path) -> None:
    path = tmp_path / "heel.sqlite3"
    waiting = threading.Event()

    def trace(sql: str) -> None:
        if sql == "BEGIN IMMEDIATE":
            waiting.set()

    store = Store(path, trace=trace)  # the default busy timeout
    try:
        store.save(1, STATE_A)
        with holding(path) as holder:
            waiting.clear()
            outcome: list[BaseException | None] = []

            def save() -> None:
                try:
                    store.save(1, STATE_B)
                except BaseException as exc:  # reported below, in the test's thread
                    outcome.append(exc)
                else:
                    outcome.append(None)

            writer = threading.Thread(target=save)
            writer.start()
            # The write has begun while the other process holds the lock: it can only
            # succeed by waiting for the lock.
            assert waiting.wait(timeout=30)
            holder.release()
            writer.join(timeout=60)
        assert outcome == [None]
        assert store.load(1) == STATE_B
        assert store.load(9) == "written by the other process"
    finally:
        store.close()


@pytest.mark.slow
def test_opening_a_database_locked_by_another_process_fails_clearly(tmp_path: Path) -> None:
    # Two bots started at once on a new file: the other is still creating it.
    path = tmp_path / "heel.sqlite3"
    with holding(path) as holder:
        with pytest.raises(StoreError) as info:
            Store(path, busy_timeout=0.2)
        clear(info.value, path, "busy", "HEEL_BOT_DB")
        holder.release()
    store = Store(path)
    try:
        assert store.load(9) == "written by the other process"
        store.save(1, STATE_A)
        assert store.load(1) == STATE_A
    finally:
        store.close()


# ------------------------------------------------------------------ permissions

# Root ignores file permissions, so as root these checks run in a subprocess without the
# capabilities that allow it; otherwise they run here. Each is a plain function of a folder.


def scenario_read_only_file(folder: str) -> None:
    path = Path(folder) / "heel.sqlite3"
    store = Store(path)
    store.save(1, STATE_A)
    store.close()
    path.chmod(0o400)
    with pytest.raises(StoreError) as info:
        Store(path)
    clear(info.value, path, "Permission denied", "HEEL_BOT_DB")
    path.chmod(0o600)
    store = Store(path)
    try:
        assert store.load(1) == STATE_A
    finally:
        store.close()


def scenario_unwritable_folder(folder: str) -> None:
    data = Path(folder) / "data"
    data.mkdir()
    old = data / "old.sqlite3"
    store = Store(old)
    store.save(1, STATE_A)
    store.close()  # the last connection: SQLite removes the -wal and -shm files
    assert sorted(p.name for p in data.iterdir()) == ["old.sqlite3"]
    data.chmod(0o500)
    try:
        # A new file cannot be created…
        new = data / "new.sqlite3"
        with pytest.raises(StoreError) as info:
            Store(new)
        clear(info.value, new, "cannot create or open", "HEEL_BOT_DB")
        assert not new.exists()
        # …and an existing one cannot be used: WAL needs its side files next to it.
        with pytest.raises(StoreError) as info:
            Store(old)
        clear(info.value, old, "cannot open the database", "HEEL_BOT_DB")
    finally:
        data.chmod(0o700)
    store = Store(old)
    try:
        assert store.load(1) == STATE_A
    finally:
        store.close()


# The capabilities that let root ignore file permissions.
DAC_CAPS = "-dac_override,-dac_read_search"


def unprivileged(scenario: Callable[[str], None], folder: Path) -> None:
    """Run `scenario(folder)` bound by file permissions: here, or (as root) in a subprocess
    that has given up root's power to override them."""
    if os.geteuid() != 0:
        scenario(str(folder))
        return
    setpriv = shutil.which("setpriv")
    if setpriv is None:  # pragma: no cover - util-linux is everywhere the tests run as root
        pytest.skip("running as root, and no setpriv to drop CAP_DAC_OVERRIDE with")
    code = (f"import sys; sys.path.insert(0, {str(TESTS)!r}); import test_store_faults as t; "
            f"t.{scenario.__name__}(sys.argv[1])")
    done = subprocess.run([setpriv, "--bounding-set", DAC_CAPS, "--inh-caps", DAC_CAPS, "--",
                           sys.executable, "-B", "-c", code, str(folder)],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.slow
def test_a_read_only_file_is_a_clear_error_and_keeps_its_rows(tmp_path: Path) -> None:
    unprivileged(scenario_read_only_file, tmp_path)


@pytest.mark.slow
def test_an_unwritable_folder_is_a_clear_error_and_keeps_its_rows(tmp_path: Path) -> None:
    unprivileged(scenario_unwritable_folder, tmp_path)


# ------------------------------------------------------------------ corrupt files


def damaged(path: Path) -> None:
    with pytest.raises(StoreError) as info:
        Store(path)
    clear(info.value, path, "not a heel-bot database, or the file is damaged", "HEEL_BOT_DB")


def test_garbage_bytes_are_refused_clearly(tmp_path: Path) -> None:
    path = tmp_path / "heel.sqlite3"
    path.write_bytes(random.Random(5).randbytes(64 * 1024))
    damaged(path)
    assert len(path.read_bytes()) == 64 * 1024  # the file is left alone for inspection


def test_an_sqlite_header_over_garbage_is_refused_clearly(tmp_path: Path) -> None:
    path = tmp_path / "heel.sqlite3"
    path.write_bytes(b"SQLite format 3\x00" + random.Random(6).randbytes(16 * 1024))
    damaged(path)


def filled(path: Path, chats: int = 400) -> dict[int, str]:
    """A real store with `chats` conversations, closed (so the WAL is folded into the file)."""
    states = {chat: written_state(chat).to_json() for chat in range(1, chats + 1)}
    store = Store(path)
    for chat, state in states.items():
        store.save(chat, state)
    store.close()
    assert not Path(f"{path}-wal").exists()
    return states


def no_silent_loss(path: Path, states: dict[int, str]) -> int:
    """Open the store and read every chat: each read gives the exact state or StoreError
    (never None, never other data). Returns how many reads failed; opening may fail too."""
    try:
        store = Store(path)
    except StoreError as exc:
        clear(exc, path, "damaged", "HEEL_BOT_DB")
        return len(states)
    failed = 0
    try:
        for chat, state in states.items():
            try:
                got = store.load(chat)
            except StoreError as exc:
                clear(exc, path, "damaged", "HEEL_BOT_DB")
                failed += 1
            else:
                assert got == state, f"chat {chat} read back something else"
    finally:
        store.close()
    return failed


@pytest.mark.parametrize("fraction", [0.5, 0.9])
def test_a_truncated_database_is_never_read_as_fewer_rows(tmp_path: Path,
                                                          fraction: float) -> None:
    path = tmp_path / "heel.sqlite3"
    states = filled(path)
    data = path.read_bytes()
    path.write_bytes(data[:int(len(data) * fraction) // 4096 * 4096])
    assert no_silent_loss(path, states) > 0


def test_a_damaged_page_is_reported_when_read_and_other_chats_still_work(tmp_path: Path) -> None:
    path = tmp_path / "heel.sqlite3"
    states = filled(path)
    data = bytearray(path.read_bytes())
    pages = len(data) // 4096
    page = pages * 2 // 3
    data[page * 4096:(page + 1) * 4096] = random.Random(7).randbytes(4096)
    path.write_bytes(bytes(data))
    failed = no_silent_loss(path, states)
    assert 0 < failed < len(states)


# ------------------------------------------------------------------ a full disk


def test_a_full_disk_is_a_clear_error_and_the_previous_state_stays(tmp_path: Path) -> None:
    path = tmp_path / "heel.sqlite3"
    store = Store(path)
    try:
        store.save(1, STATE_A)
        # The test hook: SQLite's own page limit on the store's connection is a disk that
        # cannot grow (no tiny tmpfs needed).
        pages = store._db.execute("PRAGMA page_count").fetchone()[0]
        store._db.execute(f"PRAGMA max_page_count = {pages}")
        # A bigger state for chat 1, and new chats, need pages the disk does not have.
        bigger = State.from_json(STATE_A)
        bigger = State(bigger.version, bigger.node, {**bigger.answers,
                                                     **{f"more_{i}": "y" * 500
                                                        for i in range(40)}},
                       bigger.history, None, 99)
        with pytest.raises(StoreError) as info:
            store.save(1, bigger.to_json())
        clear(info.value, path, "the disk is full", "intact")
        assert "damaged" not in str(info.value) and "move it aside" not in str(info.value)
        assert store.load(1) == STATE_A
        saved: dict[int, str] = {}
        with pytest.raises(StoreError, match="the disk is full"):
            for chat in range(2, 200):
                state = written_state(chat).to_json()
                store.save(chat, state)
                saved[chat] = state
        failing = 2 + len(saved)
        assert store.load(failing) is None  # the write that failed left nothing behind
        # Still consistent for another process, and every earlier write is there.
        assert read(path, "PRAGMA integrity_check") == [("ok",)]
        assert store.load(1) == STATE_A
        for chat, state in saved.items():
            assert store.load(chat) == state
        # Space again: the same store carries on.
        store._db.execute("PRAGMA max_page_count = 1073741823")
        store.save(1, bigger.to_json())
        store.save(failing, STATE_B)
        assert store.load(1) == bigger.to_json()
        assert store.load(failing) == STATE_B
    finally:
        store.close()


class _FailingCommit:
    """The store's connection, except that the next COMMIT fails as a full disk's would."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        self.armed = True

    def execute(self, sql: str, *args: Any) -> sqlite3.Cursor:
        if sql == "COMMIT" and self.armed:
            self.armed = False
            raise sqlite3.OperationalError("database or disk is full")
        return self.db.execute(sql, *args)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.db, name)


def test_a_failed_commit_rolls_back_and_the_store_carries_on(tmp_path: Path) -> None:
    path = tmp_path / "heel.sqlite3"
    store = Store(path)
    real = store._db
    try:
        store.save(1, STATE_A)
        store._db = _FailingCommit(real)  # type: ignore[assignment]
        with pytest.raises(StoreError, match="the disk is full"):
            store.save(1, STATE_B)
        assert not real.in_transaction  # no transaction left open to block every later write
        assert store.load(1) == STATE_A
        store.save(1, STATE_B)
        assert store.load(1) == STATE_B
        assert read(path, "SELECT state FROM conversations WHERE chat_id = 1") == [(STATE_B,)]
    finally:
        store._db = real
        store.close()


# ------------------------------------------------------------------ kill -9 while writing

WRITER = """
import sys
sys.path.insert(0, sys.argv[2])
from test_store_faults import written_state
from heel_bot.engine import State
from heel_bot.store import Store
store = Store(sys.argv[1])
raw = store.load(1)
turn = State.from_json(raw).turn if raw else 0
print("start", turn, flush=True)
while True:
    turn += 1
    store.save(1, written_state(turn).to_json())
    print(turn, flush=True)
"""


@pytest.mark.slow
def test_kill_9_while_writing_leaves_one_whole_committed_state(tmp_path: Path) -> None:
    path = tmp_path / "heel.sqlite3"
    rng = random.Random()
    kills, turns_seen = 8, 0
    for round_ in range(kills):
        writer = subprocess.Popen([sys.executable, "-B", "-c", WRITER, str(path), str(TESTS)],
                                  stdout=subprocess.PIPE, text=True)
        assert writer.stdout is not None
        start = writer.stdout.readline().split()
        assert start[0] == "start", start
        previous = int(start[1])
        assert previous == turns_seen  # the last run's state was there to carry on from
        # A random moment in the loop (the first round: straight away).
        threading.Event().wait(0 if round_ == 0 else rng.uniform(0.01, 0.25))
        writer.send_signal(signal.SIGKILL)
        assert writer.wait(timeout=30) == -signal.SIGKILL
        committed = [int(line) for line in writer.stdout.read().split()]
        writer.stdout.close()
        last = committed[-1] if committed else previous

        assert read(path, "PRAGMA integrity_check") == [("ok",)]
        store = Store(path)
        try:
            raw = store.load(1)
            assert store.count() <= 1
        finally:
            store.close()
        if raw is None:
            assert last == 0  # killed before the first commit
            continue
        state = State.from_json(raw)
        assert state == written_state(state.turn), "not a state that was written"
        # Every commit the writer saw return is kept; at most one more may have landed
        # after it returned and before the writer could say so.
        assert last <= state.turn <= last + 1, (last, state.turn)
        turns_seen = state.turn
    assert turns_seen > 0


# ------------------------------------------------------------------ through Telegram

FALL = {"injury": "fall_or_impact", "weight_bearing": "yes", "deformity": "no", "tendon_gap": "no",
        "infection_signs": "no", "severity": "moderate"}


@pytest.fixture(scope="module")
def fall(engine: Engine) -> Plan:
    return plan(engine, FALL)


class Outage:
    """Makes one of the store's methods fail as a broken disk would, until `over()`."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, store: Store, method: str) -> None:
        self.monkeypatch, self.store, self.method = monkeypatch, store, method
        self.failures = 0

        def failing(*args: object, **kwargs: object) -> Any:
            self.failures += 1
            raise StoreError(f"{store.path}: the disk is full (database or disk is full); "
                             "nothing was saved")

        monkeypatch.setattr(store, method, failing)

    def over(self) -> None:
        self.monkeypatch.undo()


def store_errors(caplog: pytest.LogCaptureFixture, chat: int) -> list[str]:
    return [r.getMessage() for r in caplog.records
            if r.levelno >= logging.ERROR and r.name == "heel_bot.tg.app"
            and "StoreError" in r.getMessage() and f"chat {chat}" in r.getMessage()]


async def test_a_failing_save_during_a_press_tells_the_user_and_keeps_the_state(
        api: BotAPIStandIn, tmp_path: Path, engine: Engine, fall: Plan,
        caplog: pytest.LogCaptureFixture) -> None:
    db, chat = tmp_path / "heel.sqlite3", 7101
    caplog.set_level(logging.INFO)
    sorry = text(engine, "tg.store_error")
    store = SqliteStore(db)
    async with heel_bot(api, db, engine, store=store):
        first = await start_chat(api, chat, fall.steps[0])
        second = await answer_by_buttons(api, chat, first, fall.steps[:1], fall.steps[1].text)
        before = stored(db, chat)
        assert before is not None and before.node == fall.steps[1].question

        with pytest.MonkeyPatch.context() as mp:
            outage = Outage(mp, store, "save")
            query = api.press_button(chat, second.message_id, fall.steps[1].label)
            await api.wait_answer(query)  # the button does not spin forever
            await api.wait_text(chat, sorry, second.message_id)
            assert outage.failures == 1
            assert stored(db, chat) == before  # not advanced
            assert len(store_errors(caplog, chat)) == 1
            # The question is still there to press again.
            assert api.transcript(chat)[-2].message_id == second.message_id
            assert api.transcript(chat)[-2].has_keyboard
            outage.over()

        # The store is back: the same press works, and the conversation reaches its outcome.
        await answer_by_buttons(api, chat, second, fall.steps[1:], fall.level_title)
        await api.wait_idle()
    after = stored(db, chat)
    assert after is not None and after.finished
    assert dict(after.answers) == fall.answers
    assert len([m for m in api.transcript(chat) if sorry in m.text]) == 1
    assert api.unanswered_queries() == []


async def test_a_failing_store_while_typing_tells_the_user_and_recovers(
        api: BotAPIStandIn, tmp_path: Path, engine: Engine, fall: Plan,
        caplog: pytest.LogCaptureFixture) -> None:
    db, chat = tmp_path / "heel.sqlite3", 7102
    caplog.set_level(logging.INFO)
    sorry = text(engine, "tg.store_error")
    store = SqliteStore(db)
    async with heel_bot(api, db, engine, store=store):
        await start_chat(api, chat, fall.steps[0])
        before = stored(db, chat)
        for method in ("save", "load"):
            with pytest.MonkeyPatch.context() as mp:
                Outage(mp, store, method)
                sent = api.send_text(chat, fall.steps[0].label)
                await api.wait_text(chat, sorry, sent["message_id"])
                await api.wait_idle()
            assert stored(db, chat) == before
        assert len(store_errors(caplog, chat)) == 2
        # Recovered: the typed answer is taken and the next question follows.
        sent = api.send_text(chat, fall.steps[0].label)
        await api.wait_text(chat, fall.steps[1].text, sent["message_id"], keyboard=True)
    after = stored(db, chat)
    assert after is not None and dict(after.answers) == {fall.steps[0].question:
                                                         fall.steps[0].value}
    # The error lines name the chat, never what the user typed.
    for line in store_errors(caplog, chat):
        assert fall.steps[0].label not in line


@pytest.mark.slow
async def test_a_check_in_due_while_the_store_fails_is_sent_once_it_recovers(
        api: BotAPIStandIn, tmp_path: Path, engine: Engine, fall: Plan,
        caplog: pytest.LogCaptureFixture) -> None:
    db, chat = tmp_path / "heel.sqlite3", 7103
    caplog.set_level(logging.INFO)
    ask = prefix(engine, "checkin.ask")
    store = SqliteStore(db)
    async with heel_bot(api, db, engine, store=store, day_seconds=0.5):
        original = store.claim_reminder
        failures: list[int] = []

        def failing_twice(reminder_id: int, owner: str, **kwargs: Any) -> Any:
            if len(failures) < 2:
                failures.append(reminder_id)
                raise StoreError(f"{db}: the database is busy (database is locked)")
            return original(reminder_id, owner, **kwargs)

        await book(api, engine, chat, fall, 3)  # due 1.5 s after booking
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(store, "claim_reminder", failing_twice)
            await api.wait_for(chat, lambda t: any(ask in m.text for m in t), within=20)
        await api.wait_idle()
    assert len(failures) == 2
    assert len([m for m in api.transcript(chat) if ask in m.text]) == 1
    assert reminders(db, chat) == 0  # sent, so no longer booked
    logged = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR
              and f"chat {chat}" in r.getMessage() and "check-in" in r.getMessage()]
    assert len(logged) == 2


async def test_updates_the_store_cannot_record_are_not_confirmed_and_come_again(
        api: BotAPIStandIn, tmp_path: Path, engine: Engine, fall: Plan,
        caplog: pytest.LogCaptureFixture) -> None:
    db, chat = tmp_path / "heel.sqlite3", 7104
    store = SqliteStore(db)

    async def soon(seconds: float) -> None:  # the poller's pause after a failure, shortened
        await asyncio.sleep(0.05)

    async with heel_bot(api, db, engine, store=store, build={"sleep": soon}):
        with pytest.MonkeyPatch.context() as mp:
            outage = Outage(mp, store, "inbox_add")
            sent = api.send_text(chat, "/start")
            await api.wait_until(lambda: outage.failures >= 2)
            assert api.pending_updates() == 1  # never confirmed to Telegram
            assert api.transcript(chat) == []
            outage.over()
        await api.wait_text(chat, fall.steps[0].text, sent["message_id"], keyboard=True)
        await api.wait_idle()
    assert len([m for m in api.transcript(chat) if fall.steps[0].text in m.text]) == 1
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors and all("not recorded, so not confirmed" in e for e in errors)
