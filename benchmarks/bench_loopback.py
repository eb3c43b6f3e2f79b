"""Over loopback HTTP: many chats walking whole conversations against the Bot API stand-in.

Three kinds of process, so that CPU time can be charged to the right one:

- the stand-in (tests/auxil/botapi.py, subclassed here, not edited) with the simulated users:
  each user presses the next button as soon as (or, paced, a while after) the bot's reply with
  a keyboard arrives;
- the bot under test, heel-bot (`build_application`, production transport) or the bare
  baseline (common.build_bare), polling the stand-in like `run_polling` does;
- this process, which starts them and reads their CPU time from /proc.

Latency is measured inside the stand-in, from the moment an update is queued to the moment the
bot's reply carrying the next keyboard (the next question, or the outcome's buttons) arrives.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing as mp
import os
import random
import sys
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from benchmarks.common import (
    CHAT_BASE,
    ROOT,
    TOKEN,
    Script,
    Section,
    cpu_seconds,
    median,
    ms,
    pct,
    rss_bytes,
    verdict,
)

DRAIN_SECONDS = 3.0  # most a bot may take to finish its backlog after a run
TARGET_RATE = 0.8
TARGET_CPU = 1.25
TARGET_P99 = 0.050
FLOOD_PER_SECOND = 30.0  # Telegram: about 30 messages per second per bot, overall
BARE_CONCURRENCY = 256  # PTB's concurrent_updates(True): what a plain bot would use

# ---------------------------------------------------------------- the stand-in side


@dataclass
class _Chat:
    script: int
    next_answer: int = 0
    queued_at: float | None = None


class _Run:
    """The simulated users of one run: each walks its persona conversation, then starts over
    with /start, until the run ends. Only the measuring window counts."""

    def __init__(self, api: Any, labels: list[list[str]], chats: list[int], think: float,
                 seed: int) -> None:
        self.api = api
        self.labels = labels
        self.think = think
        self.rng = random.Random(seed)
        self.loop = asyncio.get_running_loop()
        self.chats = {c: _Chat(c % len(labels)) for c in chats}
        self.latencies: list[float] = []
        self.replies = 0  # replies that arrived inside the window
        self.stray = 0
        self.window: tuple[float, float] | None = None  # (start, end) while measuring
        self.stopped = False

    def begin(self) -> None:
        for chat in self.chats:
            if self.think > 0:
                self.loop.call_later(self.rng.uniform(0, self.think), self.start, chat)
            else:
                self.start(chat)

    def _pause(self) -> float:
        return self.think * self.rng.uniform(0.5, 1.5)

    def start(self, chat: int) -> None:
        if self.stopped:
            return
        state = self.chats[chat]
        state.queued_at = time.perf_counter()
        state.next_answer = 0
        self.api.send_text(chat, "/start")

    def press(self, chat: int, message_id: int, label: str) -> None:
        if self.stopped:
            return
        state = self.chats[chat]
        state.queued_at = time.perf_counter()
        state.next_answer += 1
        self.api.press_button(chat, message_id, label)

    def on_keyboard(self, chat: int, message_id: int) -> None:
        state = self.chats.get(chat)
        if state is None or state.queued_at is None:
            self.stray += 1
            return
        now = time.perf_counter()
        if self.window is not None and now >= self.window[0]:
            self.replies += 1
            if state.queued_at >= self.window[0]:
                self.latencies.append(now - state.queued_at)
        state.queued_at = None
        if self.stopped:
            return
        labels = self.labels[state.script]
        if state.next_answer < len(labels):
            label = labels[state.next_answer]
            if self.think > 0:
                self.loop.call_later(self._pause(), self.press, chat, message_id, label)
            else:
                self.press(chat, message_id, label)
        elif self.think > 0:
            self.loop.call_later(self._pause(), self.start, chat)
        else:
            self.start(chat)


def _standin_class() -> type:
    sys.path.insert(0, str(ROOT / "tests"))
    from auxil.botapi import BotAPIStandIn  # noqa: PLC0415

    class LoadStandIn(BotAPIStandIn):  # type: ignore[misc]
        """The stand-in, telling the simulated users when a reply with a keyboard arrives."""

        run: _Run | None = None

        async def _send_message(self, params: dict[str, Any]) -> dict[str, Any]:
            result: dict[str, Any] = await super()._send_message(params)
            if self.run is not None and "reply_markup" in result:
                self.run.on_keyboard(result["chat"]["id"], result["message_id"])
            return result

    return LoadStandIn


async def _standin(conn: Connection, labels: list[list[str]]) -> None:
    loop = asyncio.get_running_loop()
    cls = _standin_class()
    apis: dict[int, Any] = {}
    while True:
        cmd = await loop.run_in_executor(None, conn.recv)
        if cmd[0] == "open":
            api = cls(TOKEN)
            await api.start()
            apis[api.port] = api
            conn.send((api.port, api.base_url))
        elif cmd[0] == "run":
            _, port, chats, think, warmup, duration, bot_pid = cmd
            conn.send(await _drive(apis[port], labels, chats, think=think, warmup=warmup,
                                   duration=duration, bot_pid=bot_pid))
        elif cmd[0] == "close":
            await apis.pop(cmd[1]).close()
            conn.send(None)
        else:
            return


async def _drive(api: Any, labels: list[list[str]], chats: list[int], *, think: float,
                 warmup: float, duration: float, bot_pid: int) -> dict[str, Any]:
    """Run the users for `warmup` + `duration` seconds; measure during `duration` only."""
    run = _Run(api, labels, chats, think, seed=len(chats))
    api.run = run
    run.begin()
    await asyncio.sleep(warmup)
    t0 = time.perf_counter()
    run.window = (t0, t0 + duration)
    bot0, own0 = cpu_seconds(bot_pid), time.process_time()
    calls0 = len(api.calls)
    await asyncio.sleep(duration)
    bot1, own1 = cpu_seconds(bot_pid), time.process_time()
    seconds = time.perf_counter() - t0
    methods: dict[str, int] = {}
    for call in api.calls[calls0:]:
        methods[call.method] = methods.get(call.method, 0) + 1
    run.stopped = True
    # Let the updates still in flight finish (not measured), so that nothing of this run
    # overlaps the next one.
    deadline = time.perf_counter() + DRAIN_SECONDS
    while (any(c.queued_at is not None for c in run.chats.values())  # noqa: ASYNC110
           and time.perf_counter() < deadline):
        await asyncio.sleep(0.02)
    api.run = None
    return {"latencies": run.latencies, "replies": run.replies, "seconds": seconds,
            "bot_cpu": bot1 - bot0, "standin_cpu": own1 - own0, "stray": run.stray,
            "methods": methods}


def standin_main(conn: Connection, labels: list[list[str]]) -> None:
    """Entry point of the stand-in process."""
    asyncio.run(_standin(conn, labels))


# ---------------------------------------------------------------- the bot side


def _settings(variant: str) -> dict[str, str]:
    """A variant spec, plus BENCH_WHAT_IF from the environment (for experiments by hand):
    comma-separated `shipped` (keep the flood limit), `fixes` (benchmarks/what_if.py),
    `no_limiter` / `no_retry` (take heel-bot's flood limiter / retry layer out),
    `concurrency=N` (heel-bot's ChatOrderedProcessor), `pool=N` (its HTTPX connection pool),
    `bare_concurrency=N` (the bare bot's concurrent updates)."""
    spec = ",".join(x for x in (variant, os.environ.get("BENCH_WHAT_IF", "")) if x)
    out = {}
    for item in spec.split(","):
        key, _, value = item.strip().partition("=")
        if key:
            out[key] = value
    return out


def _patch_heel(settings: dict[str, str]) -> None:
    """Change what build_application builds, without editing bot/ (experiments only)."""
    from telegram.request import HTTPXRequest  # noqa: PLC0415

    from benchmarks.common import lift_flood_limit  # noqa: PLC0415
    from bot import telegram_app  # noqa: PLC0415

    if "shipped" not in settings:
        lift_flood_limit()
    if "concurrency" in settings:
        limit = int(settings["concurrency"])
        processor = telegram_app.ChatOrderedProcessor

        def make_processor(max_concurrent_updates: int = limit) -> Any:
            return processor(max_concurrent_updates)

        telegram_app.ChatOrderedProcessor = make_processor  # type: ignore[assignment,misc]
    if "pool" in settings:
        size = int(settings["pool"])

        def make_request(**kwargs: Any) -> HTTPXRequest:
            return HTTPXRequest(**{**kwargs, "connection_pool_size": size})

        telegram_app.HTTPXRequest = make_request  # type: ignore[assignment,misc]


async def _bot(conn: Connection, kind: str, base_url: str, scripts: list[Script] | None,
               db_path: str, *, variant: str) -> None:
    sys.path.insert(0, str(ROOT / "tests"))
    from auxil.botapi import running  # noqa: PLC0415

    settings = _settings(variant)
    if kind == "heel":
        from benchmarks import what_if  # noqa: PLC0415
        from bot import loader  # noqa: PLC0415
        from bot.engine import Engine  # noqa: PLC0415
        from bot.serve_config import ServeConfig  # noqa: PLC0415
        from bot.telegram_app import build_application  # noqa: PLC0415

        _patch_heel(settings)
        app = build_application(ServeConfig(token=TOKEN, api_url=base_url,
                                            db_path=Path(db_path)), Engine(loader.load()))
        if "fixes" in settings:
            what_if.apply(app)
        if "no_limiter" in settings:  # ablation: private attribute, benchmark only
            app.bot._rate_limiter = None
        if "no_retry" in settings:  # ablation: the bare HTTPX transport under the bot
            app.bot._request = (app.bot._request[0], app.bot._request[1].inner)
    else:
        from benchmarks.common import build_bare  # noqa: PLC0415

        assert scripts is not None
        app = build_bare(scripts, base_url=base_url,
                         concurrent=int(settings.get("bare_concurrency", BARE_CONCURRENCY)))
    loop = asyncio.get_running_loop()
    profiler = None
    async with running(app):
        conn.send("ready")
        if os.environ.get("BENCH_PROFILE"):
            from pyinstrument import Profiler  # noqa: PLC0415 - optional, see docs/benchmarks.md

            profiler = Profiler(interval=0.0005, async_mode="disabled")
            profiler.start()
        await loop.run_in_executor(None, conn.recv)  # until "stop" (only when profiling)
        # Measuring is over. Stopping now, with updates still queued or a long poll out, makes
        # PTB log errors (its last getUpdates times out on a one-connection pool) that say
        # nothing about the bot under test.
        logging.getLogger("telegram.ext.Updater").setLevel(logging.CRITICAL + 1)
        if profiler is not None:
            profiler.stop()
            out = Path(os.environ["BENCH_PROFILE"]) / f"loopback-{kind}-{os.getpid()}.txt"
            out.write_text(profiler.output_text(unicode=True, show_all=True))
    conn.send("stopped")


def bot_main(  # noqa: PLR0917 - Process(args=...) passes arguments by position
        conn: Connection, kind: str, base_url: str, scripts: list[Script] | None, db_path: str,
        variant: str = "") -> None:
    """Entry point of a bot process."""
    os.environ["PTB_TIMEDELTA"] = "1"
    asyncio.run(_bot(conn, kind, base_url, scripts, db_path, variant=variant))


# ---------------------------------------------------------------- orchestration


@dataclass
class Result:
    kind: str
    chats: int
    think: float
    updates: int  # replies inside the measuring window
    seconds: float
    bot_cpu: float
    standin_cpu: float
    latencies: list[float]
    bot_rss: int
    methods: dict[str, int]  # Bot API calls by method during the window
    stray: int  # keyboard replies the simulated users did not expect

    @property
    def rate(self) -> float:
        return self.updates / self.seconds if self.seconds else 0.0

    @property
    def cpu_per_update(self) -> float:
        return self.bot_cpu / self.updates if self.updates else float("nan")

    @property
    def standin_busy(self) -> float:
        return self.standin_cpu / self.seconds if self.seconds else 0.0


@dataclass
class _Bot:
    """A running bot process and the stand-in it polls."""

    kind: str
    variant: str
    port: int
    proc: Any  # multiprocessing's SpawnProcess
    conn: Connection


class Bench:
    """Runs the stand-in process (with one stand-in per bot) and the bot processes."""

    def __init__(self, scripts: list[Script], tmp: Path) -> None:
        self.scripts = scripts
        self.tmp = tmp
        self.ctx = mp.get_context("spawn")
        labels = [[label for _q, _v, label in s.walk.answers] for s in scripts]
        self.conn, child = self.ctx.Pipe()
        self.standin = self.ctx.Process(target=standin_main, args=(child, labels), daemon=True)
        self.standin.start()
        self.next_chat = CHAT_BASE

    def _ask(self, *cmd: object, timeout: float = 60.0) -> Any:
        self.conn.send(cmd)
        if not self.conn.poll(timeout):
            raise TimeoutError(f"the stand-in did not answer {cmd[0]!r}")
        return self.conn.recv()

    def start_bot(self, kind: str, variant: str = "") -> _Bot:
        """A stand-in of its own and a bot process polling it, ready."""
        port, url = self._ask("open")
        conn, child = self.ctx.Pipe()
        db = self.tmp / f"{kind}-{port}.sqlite3"
        scripts = self.scripts if kind == "bare" else None
        proc = self.ctx.Process(target=bot_main, args=(child, kind, url, scripts, str(db),
                                                       variant), daemon=True)
        proc.start()
        bot = _Bot(kind, variant, port, proc, conn)
        if not conn.poll(60) or conn.recv() != "ready":
            self.stop_bot(bot)
            raise RuntimeError(f"the {kind} bot did not start")
        time.sleep(0.2)  # its first long poll is out
        return bot

    def stop_bot(self, bot: _Bot) -> None:
        if os.environ.get("BENCH_PROFILE") and bot.proc.is_alive():
            bot.conn.send("stop")  # a clean stop, so the profile gets written
            bot.conn.poll(60)
        # Otherwise the measurement is over: a graceful stop would first work off every
        # queued update (seconds, with 1000 chats) for nothing.
        bot.proc.kill()
        bot.proc.join(10)
        self._ask("close", bot.port)

    def run_on(self, bot: _Bot, chats: int, think: float, warmup: float,
               duration: float) -> Result:
        """Users in `chats` fresh chats talk to `bot` for `warmup` + `duration` seconds."""
        ids = list(range(self.next_chat, self.next_chat + chats))
        # Whole multiples of the script count: every run plays the same mix.
        self.next_chat += -(-chats // len(self.scripts)) * len(self.scripts)
        assert bot.proc.pid is not None
        out = self._ask("run", bot.port, ids, think, warmup, duration, bot.proc.pid,
                        timeout=warmup + duration + DRAIN_SECONDS + 60)
        return Result(bot.kind, chats, think, out["replies"], out["seconds"], out["bot_cpu"],
                      out["standin_cpu"], out["latencies"], rss_bytes(bot.proc.pid),
                      out["methods"], out["stray"])

    def measure(self, kind: str, chats: int, think: float, warmup: float, duration: float, *,
                variant: str = "") -> Result:
        """One run on a bot process of its own."""
        bot = self.start_bot(kind, variant)
        try:
            return self.run_on(bot, chats, think, warmup, duration)
        finally:
            self.stop_bot(bot)

    def alternate(self, chats: int, think: float, warmup: float, duration: float,
                  rounds: int) -> dict[str, list[Result]]:
        """Bare and heel-bot both running, driven in turn, `rounds` runs each: the two share
        the machine's good and bad moments far more evenly than runs minutes apart."""
        bots = [self.start_bot("bare"), self.start_bot("heel")]
        out: dict[str, list[Result]] = {"bare": [], "heel": []}
        try:
            for i in range(rounds):
                for bot in bots if i % 2 == 0 else bots[::-1]:
                    out[bot.kind].append(self.run_on(bot, chats, think, warmup, duration))
        finally:
            for bot in bots:
                self.stop_bot(bot)
        return out

    def close(self) -> None:
        self.conn.send(("quit",))
        self.standin.join(10)
        if self.standin.is_alive():
            self.standin.terminate()


# (chats, think s, warm-up s, measured s, rounds); think 0 is flat out. Up to 100 chats both
# bots run side by side and are driven in turn, `rounds` runs each (Bench.alternate); with
# 1000 chats the backlog takes too long to drain, so each run gets bot processes of its own.
PACE = 100 / FLOOD_PER_SECOND  # 100 chats each answering every 3.3 s offer 30 updates/s
FULL = ((10, 0.0, 1.0, 3.0, 4), (100, 0.0, 1.5, 3.5, 4), (1000, 0.0, 5.0, 7.0, 2),
        (100, PACE, 3.0, 10.0, 2))
QUICK = ((10, 0.0, 1.0, 2.0, 1), (100, 0.0, 1.0, 2.5, 1), (100, PACE, 2.0, 5.0, 1))
ALTERNATE_UP_TO = 100


@dataclass
class Pooled:
    """Repeated runs of one bot in one configuration."""

    runs: list[Result]

    @property
    def rate(self) -> float:
        return median([r.rate for r in self.runs])

    @property
    def cpu_per_update(self) -> float:
        return median([r.cpu_per_update for r in self.runs])

    @property
    def latencies(self) -> list[float]:
        return [x for r in self.runs for x in r.latencies]

    @property
    def standin_busy(self) -> float:
        return median([r.standin_busy for r in self.runs])

    @property
    def rates(self) -> str:
        return ", ".join(f"{r.rate:.0f}" for r in self.runs)


def run(quick: bool, scripts: list[Script], tmp: Path) -> tuple[Section, list[Result]]:
    """The loopback section."""
    sec = Section("3. Loopback HTTP: concurrent chats through the Bot API stand-in")
    bench = Bench(scripts, tmp)
    results: list[Result] = []
    shipped: Result | None = None
    try:
        for n, think, warmup, duration, rounds in QUICK if quick else FULL:
            if n <= ALTERNATE_UP_TO:
                pooled = bench.alternate(n, think, warmup, duration, rounds)
            else:
                pooled = {"bare": [], "heel": []}
                for i in range(rounds):
                    for kind in ("bare", "heel") if i % 2 == 0 else ("heel", "bare"):
                        pooled[kind].append(bench.measure(kind, n, think, warmup, duration))
            results += pooled["bare"] + pooled["heel"]
            heel, bare = Pooled(pooled["heel"]), Pooled(pooled["bare"])
            if think:
                _rows(sec, f"{n} chats, each answering every ~{think:.1f} s", heel, bare,
                      latency=True, paced=True)
            else:
                _rows(sec, f"{n} chats flat out", heel, bare, latency=n <= 100)
        if not quick:
            shipped = bench.measure("heel", 100, 0.0, 2.0, 5.0, variant="shipped")
            sec.add("heel-bot as shipped (flood limiter on), 100 chats flat out: updates/s",
                    f"{shipped.rate:.1f}",
                    note="AIORateLimiter holds chat-bound calls to 30/s by design")
    finally:
        bench.close()
    heel_flat = [r for r in results if r.kind == "heel" and r.think == 0]
    big = max(r.chats for r in heel_flat)
    rss = {r.kind: r.bot_rss for r in results if r.think == 0 and r.chats == big}
    sec.add(f"bot process RSS after the {big}-chat run, heel / bare",
            f"{rss['heel'] / 2**20:.0f} MiB / {rss['bare'] / 2**20:.0f} MiB")
    best = max(r.rate for r in heel_flat)
    sec.notes += [
        "Flat out: every simulated user answers the moment the reply arrives, so the bot is "
        "saturated; updates/s is its capacity and latency is mostly queueing (≈ chats ÷ "
        "updates/s). Flat-out rows are the median of the runs listed (bare and heel "
        "alternately; up to 100 chats both bots run side by side and are driven in turn). "
        "Paced: each chat answers 0.5–1.5× the think time after its reply, so "
        f"100 chats offer ≈ {FLOOD_PER_SECOND:.0f} updates/s, the most Telegram's flood limit "
        "lets one bot answer; that is where the latency target applies.",
        "With 1000 chats the measuring window sees mostly each chat's first update (/start: "
        "the welcome and the first question): a thousand users arriving together.",
        "CPU per update is the bot process's user + system time (from /proc) over the measuring "
        "window divided by the replies in it; the stand-in and the simulated users run in "
        "another process and are not charged to the bot. Latency runs from the update being "
        "queued at the stand-in to the reply with the next keyboard arriving there.",
        f"Physical limit: Telegram accepts about {FLOOD_PER_SECOND:.0f} messages per second per "
        "bot overall and about 1 per second per chat. heel-bot makes "
        f"≈ {_calls_per_update(scripts):.1f} Bot API calls per update, "
        f"≈ {_messages_per_update(scripts):.1f} of them new messages. Flat out, one heel-bot "
        f"process handled up to {best:.0f} updates/s, ≈ {best / FLOOD_PER_SECOND:.1f}× the "
        f"{FLOOD_PER_SECOND:.0f}/s the flood limit allows even if each update sent only one "
        "message" + (f"; as shipped, its flood limiter held it to {shipped.rate:.0f} updates/s"
                     if shipped is not None else "") + ".",
    ]
    return sec, results


def _calls_per_update(scripts: list[Script]) -> float:
    return sum(s.sends for s in scripts) / sum(len(s.updates) for s in scripts)


def _messages_per_update(scripts: list[Script]) -> float:
    sends = sum(1 for s in scripts for u in s.calls for m, _ in u if m == "sendMessage")
    return sends / sum(len(s.updates) for s in scripts)


def _rows(sec: Section, label: str, heel: Pooled, bare: Pooled, *, latency: bool,
          paced: bool = False) -> None:
    rate = heel.rate / bare.rate if bare.rate else float("nan")
    cpu = heel.cpu_per_update / bare.cpu_per_update
    runs = "" if paced or len(heel.runs) == 1 else f" (runs: {heel.rates} / {bare.rates})"
    sec.add(f"{label}: updates/s, heel / bare", f"{heel.rate:.0f} / {bare.rate:.0f} = "
            f"{rate:.2f}×{runs}", "" if paced else f"≥ {TARGET_RATE}×",
            "" if paced else verdict(rate >= TARGET_RATE))
    sec.add(f"{label}: CPU per update, heel / bare",
            f"{heel.cpu_per_update * 1e3:.2f} / {bare.cpu_per_update * 1e3:.2f} ms = {cpu:.2f}×",
            f"≤ {TARGET_CPU}×", verdict(cpu <= TARGET_CPU))
    if latency:
        p99 = pct(heel.latencies, 0.99)
        sec.add(f"{label}: reply latency p50 / p99, heel",
                f"{ms(median(heel.latencies))} / {ms(p99)}",
                f"p99 ≤ {TARGET_P99 * 1e3:.0f} ms" if paced else "",
                verdict(p99 <= TARGET_P99) if paced else "")
        sec.add(f"{label}: reply latency p50 / p99, bare",
                f"{ms(median(bare.latencies))} / {ms(pct(bare.latencies, 0.99))}")
    sec.add(f"{label}: stand-in process busy, heel runs / bare runs",
            f"{heel.standin_busy:.0%} / {bare.standin_busy:.0%}",
            note="near 100% would mean the stand-in set the pace")
