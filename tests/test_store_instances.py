"""Two instances on one store, at the same time: each check-in sent once, a dead instance's
claim taken over when its lease runs out, a chat's turns never interleaved, each update
handled once.

On PostgreSQL the two instances are two stores (two connection pools) on one database, working
in threads or tasks at once. On SQLite, which one process holds, they are two owners sharing
the one store, which must keep the same promises.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator

import pytest
from auxil.backends import Backend, Clock

from heel_bot.stores.api import INBOX_LEASE, REMINDER_LEASE, Storage, chat_turn
from heel_bot.stores.postgres import PgStore

Instances = tuple[Storage, Storage]


@pytest.fixture
def clock() -> Clock:
    return Clock(time.time())


@pytest.fixture
def instances(backend: Backend, clock: Clock) -> Iterator[Instances]:
    first = backend.open(clock)
    second = backend.open(clock) if backend.several_instances else first
    yield first, second
    first.close()
    if second is not first:
        second.close()


def together(*jobs: Callable[[], None]) -> None:
    """Run the jobs in threads started at the same moment; re-raise the first failure."""
    start, failures = threading.Barrier(len(jobs)), []

    def run(job: Callable[[], None]) -> None:
        start.wait()
        try:
            job()
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if failures:
        raise failures[0]


def test_two_instances_claiming_due_check_ins_send_each_once(instances: Instances,
                                                             clock: Clock):
    a, b = instances
    booked = {a.add_reminder(chat, clock.now - 1, 3) for chat in range(300)}
    sent: list[tuple[str, int]] = []

    def sender(name: str, store: Storage) -> Callable[[], None]:
        def job() -> None:
            while claimed := store.claim_due_reminders(name, limit=7):
                for rem in claimed:
                    sent.append((name, rem.id))  # "sent" to Telegram
                    store.ask_checkin(rem)
        return job

    together(sender("a", a), sender("b", b))
    counts = Counter(rid for _, rid in sent)
    assert set(counts) == booked and set(counts.values()) == {1}
    assert a.all_reminders() == [] and b.due_reminders() == []


def test_a_dead_instances_check_ins_are_sent_by_the_other_once_its_lease_runs_out(
        backend: Backend, clock: Clock):
    a = backend.open(clock)
    b = backend.open(clock) if backend.several_instances else a
    try:
        ids = {a.add_reminder(chat, clock.now - 1, 3) for chat in (1, 2, 3)}
        assert {r.id for r in a.claim_due_reminders("a")} == ids
        if b is not a:
            a.close()  # a dies before sending them
        assert b.claim_due_reminders("b") == []  # a's lease still runs
        clock.now += REMINDER_LEASE + 1
        taken = b.claim_due_reminders("b")
        assert {r.id for r in taken} == ids
        for rem in taken:
            b.ask_checkin(rem)
        clock.now += REMINDER_LEASE + 1
        assert b.claim_due_reminders("b") == [] and b.all_reminders() == []
        assert {b.take_checkin(chat) for chat in (1, 2, 3)} == {clock.now - 2 * (
            REMINDER_LEASE + 1)}  # each asked once, dated when it was booked
    finally:
        a.close()
        if b is not a:
            b.close()


def test_each_update_is_handled_by_one_instance_however_often_it_is_delivered(
        instances: Instances):
    a, b = instances
    won: list[int] = []

    def deliver(name: str, store: Storage) -> Callable[[], None]:
        def job() -> None:
            for update_id in range(1, 301):
                for _ in range(2):  # Telegram delivers some updates twice
                    store.inbox_add([(update_id, "{}")], name)
                    # Both try to handle it; only its owner may (a dead owner's lease would
                    # first have to run out).
                    if store.inbox_start(update_id, name) is False:
                        won.append(update_id)
                        store.inbox_done(update_id)
        return job

    together(deliver("a", a), deliver("b", b))
    assert sorted(won) == list(range(1, 301))


def test_instances_taking_over_at_once_never_take_the_same_update(instances: Instances,
                                                                  clock: Clock):
    a, b = instances
    a.inbox_add([(i, "{}") for i in range(1, 401)], "dead")
    clock.now += INBOX_LEASE + 1
    taken: dict[str, list[int]] = {"a": [], "b": []}

    def take(name: str, store: Storage) -> Callable[[], None]:
        def job() -> None:
            while rows := store.inbox_take_over(name, limit=7):
                taken[name] += [r.update_id for r in rows]
        return job

    together(take("a", a), take("b", b))
    assert sorted(taken["a"] + taken["b"]) == list(range(1, 401))


async def turns(store: Storage, chat: int, count: int, locked: bool) -> None:
    """`count` turns that read the chat's conversation, think, and write it back advanced."""
    for _ in range(count):
        if locked:
            async with chat_turn(store, chat):
                await one_turn(store, chat)
        else:
            await one_turn(store, chat)


async def one_turn(store: Storage, chat: int) -> None:
    seen = int(store.load(chat) or "0")
    await asyncio.sleep(0.002)  # the engine and the reply: other updates run meanwhile
    store.save(chat, str(seen + 1))


async def test_a_chats_turns_on_two_instances_never_interleave(instances: Instances):
    a, b = instances
    await asyncio.gather(turns(a, 1, 20, locked=True), turns(b, 1, 20, locked=True))
    assert a.load(1) == b.load(1) == "40"  # no answer lost
    # Without the turn, the same run loses answers: the check above can fail.
    await asyncio.gather(turns(a, 2, 20, locked=False), turns(b, 2, 20, locked=False))
    assert int(a.load(2) or "0") < 40


HOLDER = """
import sys, time
from heel_bot.stores.postgres import PgStore
store = PgStore(sys.argv[1])
lock = store.try_lock_chat(77)
print("held" if lock else "refused", flush=True)
time.sleep(600)
"""


@pytest.mark.slow
def test_a_killed_instance_gives_its_chats_back(pg_url: str):
    store = PgStore(pg_url)
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, pg_url], stdout=subprocess.PIPE,
                              text=True, env={**os.environ, "PYTHONPATH": os.pathsep.join(
                                  sys.path)})
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        assert store.try_lock_chat(77) is None
        holder.send_signal(signal.SIGKILL)  # kill -9: no unlock, no goodbye
        holder.wait(timeout=30)
        for _ in range(200):  # the server notices the closed socket at once
            if (lock := store.try_lock_chat(77)) is not None:
                break
            time.sleep(0.05)
        assert lock is not None
        lock.release()
    finally:
        holder.kill()
        holder.wait()
        if holder.stdout is not None:
            holder.stdout.close()
        store.close()
