"""The operator's reads of the store (heel_bot/store_side.py, `heel-bot backup` and `stats`):
an online backup taken while twenty chats answer holds every conversation; the counts behind
/metrics and `heel-bot stats`; the readiness probe. None of them creates or changes a store.
"""

from __future__ import annotations

import asyncio
import io
import os
import sqlite3
import stat
from pathlib import Path
from typing import Any

import pytest
from auxil.botapi import BotAPIStandIn, answer_by_buttons, plan, start_chat

from heel_bot import cli, cli_ops, store_side
from heel_bot.engine import Engine
from heel_bot.model import OUTCOME
from heel_bot.state import State
from heel_bot.store import Store, StoreError
from heel_bot.store_side import UNREADABLE, StoreCounts

SELF_CARE = {"injury": "none", "weight_bearing": "yes", "deformity": "no", "tendon_gap": "no",
             "infection_signs": "no", "diabetes": "no", "numbness": "no", "rest_pain": "no",
             "age_group": "16_plus", "pain_location": "bottom_inner", "morning_pain": "yes",
             "heel_squeeze": "no", "every_step": "no", "severity": "mild", "trend": "improving",
             "mileage_jump": "yes", "shoe_age": "under_300_miles", "tight_calves": "yes"}
CHATS = range(7001, 7021)


def held(backup: Path) -> dict[int, str]:
    """The conversations a backup holds, after checking that it opens and is sound."""
    with sqlite3.connect(backup) as conn:
        assert conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        return dict(conn.execute("SELECT chat_id, state FROM conversations").fetchall())


# ------------------------------------------------------------------ backup


@pytest.mark.slow
async def test_a_backup_while_twenty_chats_answer_holds_every_conversation(
        api: BotAPIStandIn, db: Path, engine: Engine, heel: Any, tmp_path: Path) -> None:
    p = plan(engine, SELF_CARE)
    firsts = await asyncio.gather(*(start_chat(api, chat, p.steps[0]) for chat in CHATS))
    answering = asyncio.create_task(asyncio.wait_for(asyncio.gather(*(
        answer_by_buttons(api, chat, first, p.steps, p.level_title)
        for chat, first in zip(CHATS, firsts, strict=True))), 120))
    # Once the first chat is six answers in (stored before its next question went out), back
    # up again and again, on a worker thread, while all twenty go on answering.
    mid = p.steps[6].text
    await api.wait_for(CHATS[0], lambda t: any(mid in m.text for m in t), within=60)
    backups: list[Path] = []
    while not answering.done() or not backups:
        backups.append(tmp_path / f"backup-{len(backups)}.sqlite3")
        assert await asyncio.to_thread(store_side.backup, db, backups[-1]) == len(CHATS)
        await asyncio.sleep(0.01)
    await answering
    for backup in backups:
        states = held(backup)
        assert set(states) == set(CHATS)
        for raw in states.values():
            engine.restore(raw)  # a whole, current conversation (StateError otherwise)
    first = State.from_json(held(backups[0])[CHATS[0]])
    assert len(first.answers) >= 6 and not first.finished
    final = tmp_path / "after.sqlite3"
    store_side.backup(db, final)
    assert all(State.from_json(raw).finished for raw in held(final).values())


def test_a_backup_is_private_whole_and_never_overwrites(tmp_path: Path, engine: Engine) -> None:
    db, target = tmp_path / "heel.sqlite3", tmp_path / "copy.sqlite3"
    store = Store(db)
    store.save(1, engine.new_state().to_json())
    assert store_side.backup(db, target) == 1
    store.save(2, engine.new_state().to_json())  # the bot goes on writing: the copy stays
    assert set(held(target)) == {1}
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("copy")) == [
        "copy.sqlite3"]  # no -wal, -shm or partial file beside it
    with pytest.raises(StoreError, match="already exists"):
        store_side.backup(db, target)
    assert set(held(target)) == {1}
    store.close()


def test_the_backup_command(tmp_path: Path, engine: Engine,
                            capsys: pytest.CaptureFixture[str]) -> None:
    db, target = tmp_path / "heel.sqlite3", tmp_path / "b" / "copy.sqlite3"
    target.parent.mkdir()
    store = Store(db)
    store.save(5, engine.new_state().to_json())
    assert cli.main(["backup", str(target), "--db", str(db)]) == 0
    assert f"backed up 1 conversation(s) from {db} to {target}" in capsys.readouterr().out
    assert set(held(target)) == {5}
    assert cli.main(["backup", str(target), "--db", str(db)]) == 2
    assert "already exists" in capsys.readouterr().err
    store.close()


def test_backup_and_stats_never_create_a_store(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nothing.sqlite3"
    for argv in (["backup", str(tmp_path / "x.sqlite3"), "--db", str(missing)],
                 ["stats", "--db", str(missing)]):
        assert cli.main(argv) == 2
        assert f"no database at {missing}" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(StoreError):
        store_side.probe(missing)
    assert not missing.exists()


def test_the_database_comes_from_the_flag_the_environment_or_the_default(tmp_path: Path) -> None:
    parser = cli.build_parser()
    flag = parser.parse_args(["stats", "--db", str(tmp_path / "a")])
    plain = parser.parse_args(["stats"])
    assert cli_ops.db_path(flag, {"HEEL_BOT_DB": "/elsewhere"}) == tmp_path / "a"
    assert cli_ops.db_path(plain, {"HEEL_BOT_DB": str(tmp_path / "b")}) == tmp_path / "b"
    assert cli_ops.db_path(plain, {}).name == "heel-bot.sqlite3"


# ------------------------------------------------------------------ counts and stats


def filled(db: Path, engine: Engine, now: float) -> Store:
    """A store with conversations at several places, old and new, and check-ins."""
    clock = [now - 3 * 86400]
    store = Store(db, clock=lambda: clock[0])
    at_diabetes = engine.choose(engine.new_state(), "injury", "none").state
    store.save(1, at_diabetes.to_json())  # left three days ago at weight_bearing
    store.save(2, engine.new_state().to_json())  # left three days ago at the first question
    clock[0] = now - 60
    store.save(3, engine.new_state().to_json())  # answered a minute ago
    store.save(4, engine.choose(engine.new_state(), "injury", "pop_or_kick").state.to_json())
    store.save(5, "{not json")
    rid = store.add_reminder(4, now + 86400, 3)
    store.add_reminder(4, now + 2 * 86400, 7)
    reminder = store.reminder(rid)
    assert reminder is not None
    store.ask_checkin(reminder)
    return store


def test_counts_by_status_and_question(tmp_path: Path, engine: Engine) -> None:
    now = 1_750_000_000.0
    db = tmp_path / "heel.sqlite3"
    store = filled(db, engine, now)
    first = engine.dialog.start
    second = engine.choose(engine.new_state(), "injury", "none").state.node
    counts = store_side.counts(db, now - 86400)
    assert counts == StoreCounts(finished=1, waiting={first: 1, UNREADABLE: 1},
                                 dropped_off={first: 1, second: 1}, checkins_booked=1,
                                 checkins_open=1)
    assert counts.conversations == 5
    assert OUTCOME not in counts.waiting
    store.close()


def test_stats_prints_the_counts_metrics_show(tmp_path: Path, engine: Engine) -> None:
    now = 1_750_000_000.0
    db = tmp_path / "heel.sqlite3"
    store = filled(db, engine, now)
    args = cli.build_parser().parse_args(["stats", "--db", str(db)])
    out, err = io.StringIO(), io.StringIO()
    assert cli_ops.run_stats(args, out, err, {}, now=now) == 0
    text = out.getvalue()
    assert "conversations stored: 5\n  finished: 1\n" in text
    assert "dropped off (no answer for 1 day or more): 2" in text
    assert "check-ins booked: 1\ncheck-ins asked, not yet answered: 1\n" in text
    args = cli.build_parser().parse_args(["stats", "--db", str(db), "--format", "prometheus"])
    out = io.StringIO()
    assert cli_ops.run_stats(args, out, err, {}, now=now) == 0
    lines = out.getvalue().splitlines()
    assert 'heel_bot_stored_conversations{status="finished"} 1.0' in lines
    assert f'heel_bot_stored_dropped_off{{question="{engine.dialog.start}"}} 1.0' in lines
    assert 'heel_bot_stored_checkins{status="asked"} 1.0' in lines
    assert "heel_bot_store_up 1.0" in lines
    assert err.getvalue() == ""
    store.close()


def test_the_probe_reads_the_file_afresh(tmp_path: Path) -> None:
    db = tmp_path / "heel.sqlite3"
    store = Store(db)
    store_side.probe(db)
    moved = tmp_path / "moved.sqlite3"
    os.rename(db, moved)  # e.g. the volume is gone: the bot's own connection would not notice
    with pytest.raises(StoreError, match="cannot open"):
        store_side.probe(db)
    assert store.schema_version > 0
    store.close()
