"""The store's behaviour, the same on both backends: every test here runs against an SQLite
file and against a real PostgreSQL server (the `backend` fixture, tests/conftest.py).

Schema and migrations, commits, timestamps, forgetting, reminders, check-ins, and what several
instances need: a chat's turn, claimed check-ins with leases, updates handled once.
(tests/test_store.py has what is SQLite's own: the file, its mode, WAL, damaged files.)
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from auxil.backends import Backend, Clock

from heel_bot.store import Reminder, StoreError
from heel_bot.stores.api import (
    INBOX_LEASE,
    KEEP_UPDATES,
    REMINDER_LEASE,
    Storage,
    chat_turn,
)
from heel_bot.stores.schema import MIGRATIONS, SCHEMA_VERSION

TABLES = {"conversations", "reminders", "checkins", "inbox"}


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(backend: Backend, clock: Clock) -> Iterator[Storage]:
    s = backend.open(clock)
    yield s
    s.close()


# ---------------------------------------------------------------- schema


def test_a_new_database_gets_the_whole_schema(backend: Backend, store: Storage):
    assert store.schema_version == SCHEMA_VERSION == len(MIGRATIONS)
    assert set(backend.columns()) >= TABLES


@pytest.mark.parametrize("version", [1, 3])
def test_an_old_database_is_migrated_and_keeps_its_rows(backend: Backend, clock: Clock,
                                                        version: int):
    rows = ["INSERT INTO conversations VALUES (7, '{}', 1.0, 2.0)"]
    if version >= 2:
        rows.append("INSERT INTO reminders (chat_id, due_at, days, created) "
                    "VALUES (7, 500.0, 3, 1.0)")
    backend.lay_down(version, rows)
    s = backend.open(clock)
    try:
        assert s.schema_version == SCHEMA_VERSION
        assert s.load(7) == "{}"
        assert [r.chat_id for r in s.claim_due_reminders("a")] == [7] * (version >= 2)
        assert s.add_reminder(7, 10.0, 3) > 0
    finally:
        s.close()


def test_a_database_from_a_newer_version_is_refused(backend: Backend):
    backend.lay_down(SCHEMA_VERSION + 1)
    with pytest.raises(StoreError, match="newer heel-bot") as info:
        backend.open()
    assert "HEEL_BOT_DB" in str(info.value) and "\n" not in str(info.value)


def test_reopening_keeps_everything(backend: Backend):
    s = backend.open()
    s.save(1, "state-one")
    rid = s.add_reminder(1, 123.0, 3)
    s.close()
    s = backend.open()
    try:
        assert s.load(1) == "state-one"
        assert [r.id for r in s.reminders(1)] == [rid]
        assert s.schema_version == SCHEMA_VERSION
    finally:
        s.close()


# ---------------------------------------------------------------- conversations


def test_save_is_committed_when_it_returns(backend: Backend, store: Storage):
    store.save(5, '{"a": 1}')
    assert backend.peek("SELECT chat_id, state FROM conversations") == [(5, '{"a": 1}')]
    store.save(5, '{"a": 2}')
    assert backend.peek("SELECT state FROM conversations") == [('{"a": 2}',)]
    assert store.load(5) == '{"a": 2}'
    assert store.load(6) is None
    assert store.count() == 1


def test_a_state_comes_back_byte_for_byte(store: Storage):
    states = {1: '{"answers": {"q": "Ferse \\u00fc"}, "x": [1, 2.5e-7]}',
              -1001234567890: "plain text, not JSON: 'quotes' \"and\" \\ backslashes",
              2**52: "ünïcödé 🏃 " * 200}
    for chat, text in states.items():
        store.save(chat, text)
    assert {chat: store.load(chat) for chat in states} == states


def test_timestamps(store: Storage, clock: Clock, backend: Backend):
    store.save(1, "{}")
    clock.now = 1250.0
    store.save(1, "{}")
    assert backend.peek("SELECT created, updated FROM conversations") == [(1000.0, 1250.0)]
    assert store.updated(1) == 1250.0
    assert store.updated(2) is None


def test_forget_leaves_no_row_of_the_chat(backend: Backend, store: Storage):
    for chat in (1, 2):
        store.save(chat, "{}")
        store.add_reminder(chat, 10.0, 3)
        store.ask_checkin(Reminder(store.add_reminder(chat, 20.0, 7), chat, 20.0, 7, 5.0))
    assert store.chat_rows(1) == 3
    store.forget(1)
    assert store.chat_rows(1) == 0
    for table in ("conversations", "reminders", "checkins"):
        assert backend.peek(f"SELECT count(*) FROM {table} WHERE chat_id = 1") == [(0,)]
    assert store.chat_rows(2) == 3
    store.forget(99)  # nothing to forget is fine


# ---------------------------------------------------------------- reminders and check-ins


def test_reminders_crud(store: Storage, clock: Clock):
    clock.now = 50.0
    a = store.add_reminder(1, 300.0, 7)
    b = store.add_reminder(1, 100.0, 3)
    c = store.add_reminder(2, 200.0, 14)
    assert store.reminders(1) == [Reminder(b, 1, 100.0, 3, 50.0), Reminder(a, 1, 300.0, 7, 50.0)]
    assert store.reminder(c) == Reminder(c, 2, 200.0, 14, 50.0)
    assert [r.id for r in store.all_reminders()] == [b, c, a]
    assert [r.id for r in store.due_reminders(now=200.0)] == [b, c]
    assert [r.id for r in store.due_reminders()] == []  # the clock says 50
    assert not store.delete_reminder(c, chat_id=1)  # not chat 1's to delete
    assert store.delete_reminder(c)
    assert store.reminder(c) is None
    assert not store.delete_reminder(c)
    assert store.delete_reminders(1) == 2
    assert store.all_reminders() == []
    assert store.add_reminder(1, 10.0, 3) > c  # ids are never handed out twice


def test_an_asked_check_in_is_taken_once_with_its_earliest_date(store: Storage):
    first = Reminder(store.add_reminder(1, 10.0, 3), 1, 10.0, 3, 4.0)
    second = Reminder(store.add_reminder(1, 20.0, 7), 1, 20.0, 7, 9.0)
    store.ask_checkin(second)
    store.ask_checkin(first)
    assert store.reminders(1) == []
    assert store.take_checkin(1) == 4.0  # the earlier check counts
    assert store.take_checkin(1) is None  # answered: a double tap finds nothing


# ---------------------------------------------------------------- a chat's turn


def test_a_chats_turn_is_one_holders_at_a_time(store: Storage):
    held = store.try_lock_chat(7)
    assert held is not None
    assert store.try_lock_chat(7) is None
    other = store.try_lock_chat(-7)  # other chats go on
    assert other is not None
    held.release()
    held.release()  # twice is harmless
    again = store.try_lock_chat(7)
    assert again is not None
    assert store.try_lock_chat(7) is None
    again.release()
    other.release()


async def test_chat_turn_waits_for_the_holder_then_gives_up_after_its_patience(store: Storage):
    held = store.try_lock_chat(3)
    assert held is not None
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)
        if len(waits) == 4:
            held.release()
        await asyncio.sleep(0)

    async with chat_turn(store, 3, sleep=sleep):
        assert store.try_lock_chat(3) is None  # the turn is ours now
    assert len(waits) == 4 and waits == sorted(waits)  # backing off
    lock = store.try_lock_chat(3)
    assert lock is not None  # and given back
    with pytest.raises(StoreError, match="busy in another instance"):
        async with chat_turn(store, 3, sleep=lambda _s: asyncio.sleep(0), patience=0.05):
            pass
    lock.release()


# ---------------------------------------------------------------- claimed check-ins


def test_a_claimed_check_in_is_the_claimers_until_its_lease_runs_out(store: Storage,
                                                                      clock: Clock):
    rid = store.add_reminder(1, 900.0, 3)
    assert store.claim_reminder(rid, "a") is not None
    assert store.claim_reminder(rid, "b") is None
    assert store.claim_due_reminders("b") == []
    assert store.claim_reminder(rid, "a") is not None  # its holder may claim it again
    clock.now += REMINDER_LEASE - 1
    assert store.claim_reminder(rid, "b") is None
    clock.now += 2  # a's lease ran out: a died, or never sent it
    taken = store.claim_reminder(rid, "b")
    assert taken is not None and taken.id == rid
    assert store.claim_reminder(rid, "a") is None  # now b's
    store.ask_checkin(taken)
    assert store.claim_reminder(rid, "b") is None  # sent: gone for everyone
    assert store.claim_due_reminders("a") == []


def test_due_check_ins_are_claimed_once_soonest_first(store: Storage, clock: Clock):
    ids = [store.add_reminder(chat, due, 3) for chat, due in
           [(1, 990.0), (2, 900.0), (3, 1000.0), (4, 950.0), (5, 1001.0)]]
    first = store.claim_due_reminders("a", limit=2)
    assert [r.id for r in first] == [ids[1], ids[3]]
    rest = store.claim_due_reminders("b")
    assert [r.id for r in rest] == [ids[0], ids[2]]  # not the one due later
    assert store.claim_due_reminders("a") == []
    clock.now += REMINDER_LEASE + 1  # nobody sent them: every lease ran out
    assert {r.id for r in store.claim_due_reminders("b", lease=10)} == set(ids)


# ---------------------------------------------------------------- updates handled once


def test_an_update_is_handled_by_the_instance_that_recorded_it(store: Storage, clock: Clock):
    assert store.inbox_add([(11, "{}")], "a") == [11]
    assert store.inbox_add([(11, "{}")], "b") == []  # re-delivered to b: recognised
    assert store.inbox_take_over("b") == []  # a's lease runs
    assert store.inbox_start(11, "b") is None  # b leaves it to a
    assert store.inbox_start(11, "a") is False  # a handles it: nothing applied yet
    assert store.inbox_start(11, "a") is False  # a may claim again what it holds
    store.inbox_done(11)
    assert store.inbox_start(11, "a") is None  # handled: never again
    clock.now += INBOX_LEASE + 1
    assert store.inbox_take_over("b") == []
    assert store.inbox_add([(11, "{}")], "b") == []  # a day later it is still recognised
    assert store.inbox_start(99, "b") is False  # not in the inbox: nothing says not to


def test_a_dead_instances_updates_are_taken_over_after_their_lease(store: Storage,
                                                                    clock: Clock):
    store.inbox_add([(21, '{"n": 1}'), (22, '{"n": 2}'), (23, '{"n": 3}')], "a")
    with store.handling(21):
        store.save(5, "{}")  # a applied 21, then died; its 22 and 23 untouched
    clock.now += INBOX_LEASE - 1
    assert store.inbox_renew("a", [23]) == 1  # a renewed 23 just before it died
    clock.now += 2
    taken = store.inbox_take_over("b", limit=1)
    assert [(r.update_id, r.body, r.applied) for r in taken] == [(21, '{"n": 1}', True)]
    assert [r.update_id for r in store.inbox_take_over("c")] == [22]  # 23's lease runs
    assert store.inbox_take_over("b") == []
    assert store.inbox_start(21, "a") is None  # b's now: a (if it lived on) leaves it
    assert store.inbox_start(21, "b") is True  # applied: b shows where the chat stands
    assert store.inbox_renew("b", [21, 22]) == 1  # 22 is c's
    clock.now += INBOX_LEASE + 1
    assert [r.update_id for r in store.inbox_take_over("b")] == [21, 22, 23]


def test_a_process_holding_the_store_alone_takes_over_every_update_not_done(store: Storage):
    store.inbox_add([(31, "{}"), (32, "{}"), (33, "{}")], "a")
    store.inbox_done(32)
    assert [r.update_id for r in store.inbox_take_over("b", everything=True)] == [31, 33]


def test_old_update_ids_are_expired(backend: Backend, store: Storage, clock: Clock):
    store.inbox_add([(1, "{}"), (2, "{}"), (3, "{}")], "a")
    for update_id in (1, 2):
        store.inbox_done(update_id)
    clock.now += KEEP_UPDATES + 1
    store.inbox_add([(4, "{}")], "a")
    store.inbox_done(4)
    assert store.inbox_confirm(older_than=KEEP_UPDATES) == 2  # not 3 (not done), nor 4
    assert backend.peek("SELECT update_id FROM inbox ORDER BY update_id") == [(3,), (4,)]


# ---------------------------------------------------------------- the update inbox


def test_the_inbox_records_each_update_once_and_forgets_it_when_confirmed(store: Storage,
                                                                          clock: Clock):
    assert store.inbox_add([(7, '{"update_id": 7}'), (8, '{"update_id": 8}')]) == [7, 8]
    assert store.inbox_add([(8, '{"update_id": 8}'), (9, "{}")]) == [9]  # 8 came again
    assert [(r.update_id, r.applied, r.done) for r in store.inbox()] == [
        (7, False, False), (8, False, False), (9, False, False)]
    store.inbox_done(7)
    seven = store.inbox()[0]
    assert (seven.body, seven.done) == ("", True)  # the user's words are gone at once
    assert store.inbox_confirm(older_than=60) == 0  # the webhook keeps it a while
    clock.now += 61
    assert store.inbox_confirm(older_than=60) == 1
    store.inbox_done(8)
    assert store.inbox_confirm() == 1
    assert [r.update_id for r in store.inbox()] == [9]


def test_a_write_while_handling_an_update_marks_it_applied_in_the_same_commit(
        store: Storage):
    store.inbox_add([(11, "{}"), (12, "{}")])
    with store.handling(11):
        assert not store.inbox()[0].applied  # reading marks nothing
        store.save(5, '{"v": 1}')
    with store.handling(12):
        store.load(5)
    assert [(r.update_id, r.applied) for r in store.inbox()] == [(11, True), (12, False)]
    store.save(5, '{"v": 2}')  # outside any update: marks nothing
    assert not store.inbox()[1].applied


def test_one_serve_holds_the_store(backend: Backend, store: Storage, clock: Clock):
    assert store.claim() is True
    second = backend.open(clock)
    try:
        with pytest.raises(StoreError, match="another heel-bot"):
            second.claim()
    finally:
        second.close()
    store.close()
    third = backend.open(clock)
    try:
        third.claim()  # the first let go when it closed
    finally:
        third.close()


def test_webhook_instances_share_the_store_where_it_allows_several(backend: Backend,
                                                                   store: Storage,
                                                                   clock: Clock):
    if not backend.several_instances:
        assert store.claim(alone=False) is True  # SQLite: one process holds the file
        return
    assert store.claim(alone=False) is False
    second, poller = backend.open(clock), backend.open(clock)
    try:
        assert second.claim(alone=False) is False  # another webhook instance: welcome
        with pytest.raises(StoreError, match="long polling serves from one instance"):
            poller.claim()
        store.close()
        second.close()
        assert poller.claim() is True  # every webhook instance gone: polling may start
        third = backend.open(clock)
        try:
            with pytest.raises(StoreError, match="serving by long polling holds"):
                third.claim(alone=False)
        finally:
            third.close()
    finally:
        second.close()
        poller.close()


def test_the_live_message_is_kept_with_the_conversation(store: Storage):
    store.set_live_message(3, 41)  # no conversation: nothing is kept
    assert store.live_message(3) is None
    store.save(3, "{}")
    store.set_live_message(3, 42)
    assert store.live_message(3) == 42
    store.save(3, '{"n": 1}')  # saving the conversation keeps it
    assert store.live_message(3) == 42
    store.forget(3)
    assert store.live_message(3) is None and store.chat_rows(3) == 0
