"""Every persona conversation in tests/conversations (a file with a `patient`), replayed through
Telegram by button presses, as a black box: each question is recognised by its text on the
screen and answered by pressing the button labelled with the patient's answer (a checklist:
its items ticked where the patient says yes, then Done or None of these), until the
outcome; the outcome shown must be the one the engine reaches, and what the file expects.

One bot serves the module, each persona in a chat of its own. The whole set is a replay of the
corpus through the transport (tests/test_replay.py replays it against the engine in a moment),
so it is marked slow.
"""

from __future__ import annotations

import html
import itertools
from pathlib import Path
from typing import Any

import pytest
from auxil.botapi import press_all, stored
from auxil.shared_bot import shared_bot

from heel_bot.replay import Replayer
from heel_bot.yamlsrc import load_file

pytestmark = pytest.mark.slow

CONVERSATIONS = Path(__file__).parent / "conversations"
CHATS = itertools.count(1001)


def personas() -> list[Path]:
    out = []
    for path in sorted(CONVERSATIONS.glob("*.yaml")):
        data = load_file(path).value
        if isinstance(data, dict) and "patient" in data:
            out.append(path)
    return out


api, db, bot, heel = shared_bot("personas")


def test_there_are_personas() -> None:
    assert len(personas()) >= 20


@pytest.mark.asyncio(loop_scope="module")
@pytest.mark.parametrize("path", personas(), ids=lambda p: p.stem)
async def test_persona_replayed_by_button_presses(api, db, engine, bot, clean, path: Path):
    data = load_file(path).plain()
    patient = {slot: str(value) for slot, value in data["patient"].items()}
    expect: dict[str, Any] = data.get("expect") or {}
    content = engine.bundle.content
    chat = next(CHATS)
    sent = api.send_text(chat, "/start")
    await api.wait_text(chat, content[engine.dialog.questions[engine.dialog.start].text],
                        sent["message_id"], keyboard=True)
    outcome = await press_all(api, engine, chat, patient)
    state = stored(db, chat)
    assert state is not None and state.finished
    reached = engine.outcome(state)
    title = html.escape(content[f"level.{reached.level}.title"], quote=False)
    assert f"<b>{title}</b>" in outcome.raw
    # The adapter must reach what the engine reaches; and what the file expects, unless the
    # dialog itself does not (then tests/test_replay.py reports it, not this test).
    engine_ok = Replayer(engine).run(path).ok
    if "triage" in expect and engine_ok:
        assert reached.level == expect["triage"]
    if "cause" in expect and engine_ok:
        assert (reached.causes[0] if reached.causes else "no cause") == expect["cause"]
    if not engine_ok:
        pytest.xfail("the engine itself does not meet this file (see tests/test_replay.py)")
