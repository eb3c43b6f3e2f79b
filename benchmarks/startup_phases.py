"""Where `heel-bot serve`'s start-up time goes, phase by phase, printed as JSON.

Run in a fresh process by bench_startup (python -m benchmarks.startup_phases); the phases are
the steps `heel-bot serve` takes before its first poll, with the Bot API answered from memory.
"""

import time

T0 = time.perf_counter()

import asyncio  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

marks: list[tuple[str, float]] = []


def mark(name: str) -> None:
    marks.append((name, time.perf_counter()))


def main() -> None:
    import bot.cli  # noqa: PLC0415 - what `python -m bot` imports first

    mark("import bot.cli and what it imports")
    import bot.telegram_app  # noqa: PLC0415

    mark("import bot.telegram_app (python-telegram-bot, httpx)")
    from bot import graph, loader  # noqa: PLC0415
    from bot.engine import Engine  # noqa: PLC0415

    bundle = loader.load()
    mark("load + validate the definitions")
    graph.prove(bundle)
    mark("graph proofs")
    engine = Engine(bundle)
    mark("build the engine")
    from benchmarks.common import canned_request_class, heel_config  # noqa: PLC0415

    mark("(benchmark helpers, not counted)")
    request = canned_request_class()
    with tempfile.TemporaryDirectory() as tmp:
        app = bot.telegram_app.build_application(
            heel_config(Path(tmp) / "phases.sqlite3"), engine, request=request(),
            get_updates_request=request())
        mark("build_application (store, PTB Application)")

        async def init() -> None:
            await app.initialize()
            if app.post_init:
                await app.post_init(app)
            await app.shutdown()

        asyncio.run(init())
        mark("initialize + post_init (Bot API in memory)")
    out = {}
    prev = T0
    for name, t in marks:
        if not name.startswith("("):
            out[name] = t - prev
        prev = t
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
