"""In process: `Application.process_update` per update, heel-bot against the bare baseline.

Both Applications use the same in-memory transport (canned JSON, no network) and get the same
updates: every persona conversation, from /start to the outcome, by buttons, for many fresh
chats. The bare bot makes exactly the calls heel-bot made for each update (see common.py), so
the ratio is what heel-bot's engine, store, rendering and layers cost per update.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from benchmarks import what_if
from benchmarks.common import (
    CHAT_BASE,
    Script,
    Section,
    canned_request_class,
    heel_config,
    lift_flood_limit,
    median,
    pct,
    persona_walks,
    press_update,
    record_scripts,
    temp_dir,
    text_update,
    us,
    verdict,
)

TARGET_RATIO = 1.25


def updates_for(scripts: list[Script], chats: range, first_id: int) -> list[dict[str, Any]]:
    """The updates of whole conversations for `chats`, one conversation after another."""
    out = []
    uid = first_id
    for chat in chats:
        script = scripts[chat % len(scripts)]
        for kind, value in script.updates:
            uid += 1
            out.append(text_update(uid, chat, 1, value) if kind == "text"
                       else press_update(uid, chat, 2, value))
    return out


async def _time(app: Any, raw: list[dict[str, Any]]) -> list[float]:
    from telegram import Update  # noqa: PLC0415

    updates = [Update.de_json(u, app.bot) for u in raw]
    clock = time.perf_counter
    samples = []
    for u in updates:
        t0 = clock()
        await app.process_update(u)
        samples.append(clock() - t0)
    return samples


class _MemoryStore:
    """A dict in place of the SQLite store (ablation only)."""

    def __init__(self) -> None:
        self.rows: dict[int, str] = {}

    def load(self, chat_id: int) -> str | None:
        return self.rows.get(chat_id)

    def save(self, chat_id: int, state_json: str) -> None:
        self.rows[chat_id] = state_json

    def all_reminders(self) -> list[Any]:
        return []

    def close(self) -> None:
        """Nothing to close."""


def _without(app: Any, *layers: str) -> Any:
    """heel-bot with layers taken out, to see what each costs (private attributes: ablation)."""
    if "limiter" in layers:
        app.bot._rate_limiter = None
    if "retry" in layers:
        app.bot._request = (app.bot._request[0], app.bot._request[1].inner)
    if "store" in layers:
        app.bot_data["heel"].store = _MemoryStore()
    return app


FIXED = "heel + proposed fixes"
VARIANTS = {
    "heel": (),
    "heel − flood limiter": ("limiter",),
    "heel − retry layer": ("retry",),
    "heel − SQLite store": ("store",),
    "heel − all three": ("limiter", "retry", "store"),
}


class _Timed:
    """Wraps named methods of objects and adds up the time spent in them."""

    def __init__(self) -> None:
        self.spent: dict[str, float] = {}
        self._undo: list[tuple[Any, str, Any]] = []

    def wrap(self, part: str, owner: Any, *names: str) -> None:
        for name in names:
            original = getattr(owner, name)

            def timed(*args: Any, _f: Any = original, **kwargs: Any) -> Any:
                t0 = time.perf_counter()
                try:
                    return _f(*args, **kwargs)
                finally:
                    self.spent[part] = self.spent.get(part, 0.0) + time.perf_counter() - t0

            self._undo.append((owner, name, original))
            setattr(owner, name, timed)

    def undo(self) -> None:
        for owner, name, original in reversed(self._undo):
            setattr(owner, name, original)


async def _parts(app: Any, raw: list[dict[str, Any]]) -> dict[str, float]:
    """Mean time per update spent in heel-bot's own parts, measured inside a real run."""
    from bot import telegram_app  # noqa: PLC0415

    heel = app.bot_data["heel"]
    timed = _Timed()
    timed.wrap("store (load + save)", heel.store, "load", "save")
    timed.wrap("engine (restore, answer, state JSON)", heel.engine, "restore", "choose",
               "start", "restart", "show")
    timed.wrap("keyboards", heel, "reply_markup")
    timed.wrap("rendering (document, HTML, split)", heel, "reply_doc")
    timed.wrap("rendering (document, HTML, split)", telegram_app, "to_html", "split_html")
    try:
        await _time(app, raw)
    finally:
        timed.undo()
    return {part: spent / len(raw) for part, spent in timed.spent.items()}


async def _measure(conversations: int, rounds: int) -> dict[str, Any]:
    from benchmarks.common import build_bare  # noqa: PLC0415
    from bot import loader  # noqa: PLC0415
    from bot.engine import Engine  # noqa: PLC0415
    from bot.telegram_app import build_application  # noqa: PLC0415

    lift_flood_limit()
    engine = Engine(loader.load())
    scripts = await record_scripts(engine, persona_walks(engine))
    request = canned_request_class()
    samples: dict[str, list[float]] = {name: [] for name in [*VARIANTS, FIXED, "bare"]}
    with temp_dir() as tmp:
        apps = {name: _without(build_application(
                    heel_config(tmp / f"inproc-{i}.sqlite3"), engine, request=request(),
                    get_updates_request=request()), *layers)
                for i, (name, layers) in enumerate(VARIANTS.items())}
        fixed = build_application(heel_config(tmp / "inproc-fixed.sqlite3"),
                                  Engine(engine.bundle), request=request(),
                                  get_updates_request=request())
        apps[FIXED] = what_if.apply(fixed)
        apps["bare"] = build_bare(scripts, request=request())
        for app in apps.values():
            await app.initialize()
            if app.post_init:
                await app.post_init(app)
        chat = CHAT_BASE
        warm = updates_for(scripts, range(chat, chat + len(scripts)), chat * 100)
        for app in apps.values():  # warm-up: one pass over every script
            await _time(app, warm)
        chat += len(scripts)
        # Interleaved conversation by conversation, in a rotating order, so that the noise
        # of a shared machine falls on every variant alike.
        names = list(apps)
        for i in range(rounds * conversations):
            raw = updates_for(scripts, range(chat, chat + 1), chat * 100)
            for k in range(len(names)):
                name = names[(i + k) % len(names)]
                samples[name] += await _time(apps[name], raw)
            chat += 1
        parts = await _parts(apps["heel"], updates_for(scripts, range(chat, chat + conversations),
                                                       chat * 100))
        for app in apps.values():
            await app.shutdown()
            if app.post_shutdown:
                await app.post_shutdown(app)
    return {"samples": samples, "parts": parts, "sends": sum(s.sends for s in scripts),
            "updates": sum(len(s.updates) for s in scripts), "scripts": len(scripts)}


def run(quick: bool) -> Section:
    """The in-process section (run it in a fresh process: it installs heel-bot's log filter)."""
    conversations, rounds = (30, 2) if quick else (100, 4)
    result = asyncio.run(_measure(conversations, rounds))
    samples = result["samples"]
    heel, bare = samples["heel"], samples["bare"]
    sec = Section("2. In process: Application.process_update per update")

    def mean(xs: list[float]) -> float:
        return sum(xs) / len(xs)

    mean_h, mean_b = mean(heel), mean(bare)
    ratio = mean_h / mean_b
    sec.add("heel-bot: mean / median / p99 per update",
            f"{us(mean_h)} / {us(median(heel))} / {us(pct(heel, 0.99))}")
    sec.add("bare PTB bot: mean / median / p99 per update",
            f"{us(mean_b)} / {us(median(bare))} / {us(pct(bare, 0.99))}")
    sec.add("heel-bot ÷ bare (mean)", f"{ratio:.2f}×", f"≤ {TARGET_RATIO}×",
            verdict(ratio <= TARGET_RATIO))
    sec.add("heel-bot ÷ bare (median)", f"{median(heel) / median(bare):.2f}×")
    sec.add("heel-bot's extra time per update (mean)", us(mean_h - mean_b))
    for name in list(VARIANTS)[1:]:
        saved = mean_h - mean(samples[name])
        sec.add(f"ablation: {name}", f"{us(mean(samples[name]))} (saves {us(saved)}, "
                f"{saved / (mean_h - mean_b):.0%} of the extra)")
    fixed = mean(samples[FIXED])
    sec.add("what-if: heel-bot + proposed fixes (keyboard cache, one-statement save, "
            "engine table)",
            f"{us(fixed)} = {fixed / mean_b:.2f}× bare (saves {us(mean_h - fixed)})",
            note="projection: fixes patched in by benchmarks/what_if.py")
    for part, spent in result["parts"].items():
        sec.add(f"inside heel-bot, per update: {part}", us(spent))
    sec.add("updates timed per variant", str(len(heel)))
    sec.notes.append(
        f"{result['scripts']} persona conversations, {result['updates']} updates, "
        f"{result['sends']} Bot API calls in all (≈ {result['sends'] / result['updates']:.1f} "
        "calls per update: answerCallbackQuery, the question edited to show the answer, the "
        "next question). The bare bot makes the same calls with the same texts and keyboards. "
        "heel-bot's flood limiter is present but set to never wait (see common.lift_flood_limit)."
        " Ablation rows take one layer out of heel-bot at a time (same run, interleaved), to "
        "show where the extra time goes.")
    return sec
