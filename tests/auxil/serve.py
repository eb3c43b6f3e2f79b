"""`heel-bot serve` as a separate process polling a Bot API stand-in: started, stopped by a
signal, or killed with SIGKILL, any number of times on the same database."""

from __future__ import annotations

import asyncio
import itertools
import os
import signal
import sys
from pathlib import Path

from auxil.botapi import DEFAULT_TOKEN, BotAPIStandIn

_INSTANCES = itertools.count(1)


class ServeProcess:
    """`python -m heel_bot serve *args` on `db`, against `api`, with `env` added to the
    environment; its output goes to a file per run (a pipe nobody reads could fill up and
    stall the bot)."""

    def __init__(self, api: BotAPIStandIn, db: Path, *args: str, **env: str) -> None:
        self.api, self.db, self.args = api, db, args
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("HEEL_BOT_")}
        self.env.update(TELEGRAM_BOT_TOKEN=DEFAULT_TOKEN, TELEGRAM_API_URL=api.base_url,
                        HEEL_BOT_DB=str(db), PTB_TIMEDELTA="1", PYTHONUNBUFFERED="1", **env)
        self.proc: asyncio.subprocess.Process | None = None
        self.runs = 0
        self.logs: list[Path] = []
        self._name = f"{db.name}.bot{next(_INSTANCES)}"

    async def start(self, *, ready: bool = True, within: float = 60.0) -> None:
        """Start a new process; with `ready`, wait until it has checked its command menu (it
        then polls at once)."""
        self.runs += 1
        log = self.db.with_name(f"{self._name}.run{self.runs}.log")
        self.logs.append(log)
        # Every start reads the command menu (and sets it only when it differs: a restart
        # finds it set already), then polls.
        before = len(self.api.methods("getMyCommands"))
        with log.open("wb") as out:
            self.proc = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "heel_bot", "serve", *self.args, env=self.env, stdout=out,
                stderr=asyncio.subprocess.STDOUT)
        if not ready:
            return
        async with asyncio.timeout(within):
            while len(self.api.methods("getMyCommands")) == before:
                if self.exited():
                    raise AssertionError(f"the bot exited during start-up:\n{self.output()}")
                await asyncio.sleep(0.05)

    def exited(self) -> bool:
        return self.proc is not None and self.proc.returncode is not None

    async def kill(self) -> None:
        """SIGKILL: no shutdown, no last getUpdates, no checkpoint."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        await self.proc.wait()

    async def stop(self, sig: int = signal.SIGTERM, within: float = 30.0) -> int:
        """Stop it with `sig` (if it still runs); its exit code."""
        assert self.proc is not None
        if self.proc.returncode is None:
            self.proc.send_signal(sig)
        return await asyncio.wait_for(self.proc.wait(), within)

    async def wait(self, within: float = 30.0) -> int:
        """Wait until it exits by itself; its exit code."""
        assert self.proc is not None
        return await asyncio.wait_for(self.proc.wait(), within)

    def output(self, run: int = -1) -> str:
        """What a run (default: the last) printed, stdout and stderr together."""
        return self.logs[run].read_text(errors="replace")
