"""Section 2, in process: `Application.process_update` per update, heel-bot against the bare
bot, both on the same in-memory transport and fed the same updates (every persona
conversation, /start to outcome, by buttons, in fresh chats)."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from telegram import Update

from benchmarks.bots import (
    CHAT_BASE,
    CannedRequest,
    Script,
    build_bare,
    build_heel,
    initialized,
    persona_walks,
    record_scripts,
    update_json,
)
from benchmarks.common import Section, mean, median, pct, temp_dir, us, verdict

TARGET_RATIO = 1.25


async def _interleaved(apps: dict[str, Any], scripts: list[Script], first: int,
                       count: int) -> dict[str, list[float]]:
    """Seconds per update: conversation by conversation, the bots in alternating order, so
    that the noise of a shared machine falls on both alike."""
    samples: dict[str, list[float]] = {name: [] for name in apps}
    clock = time.perf_counter
    for i, chat in enumerate(range(first, first + count)):
        script = scripts[chat % len(scripts)]
        for name in list(apps)[:: 1 if i % 2 == 0 else -1]:
            app = apps[name]
            for n, (kind, value) in enumerate(script.updates):
                update = Update.de_json(update_json(chat * 100 + n, chat, kind, value), app.bot)
                t0 = clock()
                await app.process_update(update)
                samples[name].append(clock() - t0)
    return samples


async def _measure(count: int) -> tuple[dict[str, list[float]], list[Script]]:
    from heel_bot import loader  # noqa: PLC0415
    from heel_bot.engine import Engine  # noqa: PLC0415

    engine = Engine(loader.load())
    scripts = await record_scripts(engine, persona_walks(engine))
    with temp_dir() as tmp:
        apps = {"heel": build_heel(tmp / "inproc.sqlite3", engine, request=CannedRequest()),
                "bare": build_bare(scripts, request=CannedRequest())}
        async with initialized(apps["heel"]), initialized(apps["bare"]):
            await _interleaved(apps, scripts, CHAT_BASE, len(scripts))  # warm-up
            return await _interleaved(apps, scripts, CHAT_BASE + len(scripts), count), scripts


def run(quick: bool) -> Section:
    """The in-process section (run it in a fresh process: it installs heel-bot's log filter)."""
    samples, scripts = asyncio.run(_measure(60 if quick else 400))
    heel, bare = samples["heel"], samples["bare"]
    sec = Section("2. In process: Application.process_update per update")
    for name, s in (("heel-bot", heel), ("bare PTB bot", bare)):
        sec.add(f"{name}: mean / median / p99 per update",
                f"{us(mean(s))} / {us(median(s))} / {us(pct(s, 0.99))}")
    ratio = mean(heel) / mean(bare)
    sec.add("heel-bot ÷ bare (mean)", f"{ratio:.2f}×", f"≤ {TARGET_RATIO}×",
            verdict(ratio <= TARGET_RATIO))
    sec.add("heel-bot ÷ bare (median)", f"{median(heel) / median(bare):.2f}×")
    sec.add("heel-bot's extra time per update (mean)", us(mean(heel) - mean(bare)))
    updates, calls = sum(len(s.updates) for s in scripts), sum(s.sends for s in scripts)
    sec.notes.append(
        f"{len(heel)} updates timed per bot. The {len(scripts)} persona conversations have "
        f"{updates} updates and {calls} Bot API calls (≈ {calls / updates:.1f} per update: "
        "answerCallbackQuery, the question edited to show the answer, the next question).")
    return sec
