"""A real PostgreSQL server for the tests and benchmarks, never a mock.

`start()` makes a throwaway cluster with the server binaries of Debian's `postgresql` package
(or any found by `pg_config --bindir` or on PATH), in a temporary folder, listening on a Unix
socket there (or on a free loopback TCP port). `initdb` refuses to run as root, so as root the
cluster belongs to, and runs as, the `postgres` user the package creates. With
HEEL_BOT_TEST_POSTGRES set to a server's URL, that server is used instead.

`Unavailable` says why no server could start; the fixtures (tests/conftest.py) skip the
PostgreSQL tests with that reason, or fail them when HEEL_BOT_REQUIRE_POSTGRES is set (CI sets
it, so a CI run never passes without them). Each test gets a schema of its own (`fresh_url`):
a namespace in the one database, made in a millisecond, where a database takes a hundred.
"""

from __future__ import annotations

import contextlib
import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

URL_ENV = "HEEL_BOT_TEST_POSTGRES"
REQUIRE_ENV = "HEEL_BOT_REQUIRE_POSTGRES"
OS_USER = "postgres"
_NEEDED = ("initdb", "pg_ctl", "postgres")
_schemas = itertools.count(1)


class Unavailable(Exception):
    """No PostgreSQL server can be started here; the message says why and what to do."""


@dataclass
class Server:
    """A running server: `url` reaches its `postgres` database as a superuser."""

    url: str
    folder: Path | None = None  # ours to stop and delete; None: a server named by URL_ENV
    bindir: Path | None = None
    user: str | None = None
    log: Path | None = field(default=None, repr=False)
    options: str = ""  # the server's command-line options (port, socket folder, ...)

    def _ctl(self, *args: str) -> subprocess.CompletedProcess[str]:
        assert self.folder is not None and self.bindir is not None
        return subprocess.run([str(self.bindir / "pg_ctl"), "-D", str(self.folder / "data"),
                               *args], user=self.user, cwd=self.folder, capture_output=True,
                              text=True, check=False, timeout=60)

    def halt(self) -> None:
        """Shut the server down cleanly (its sessions end); `resume` starts it again."""
        self._ctl("stop", "-m", "fast", "-w")

    def resume(self) -> None:
        """Start the server again, as it was."""
        done = self._ctl("-l", str(self.log), "-o", self.options, "-w", "-t", "60", "start")
        assert done.returncode == 0, done.stderr

    def stop(self) -> None:
        """Stop the server (at once: its data is thrown away) and delete its folder."""
        if self.folder is None:
            return
        self._ctl("stop", "-m", "immediate", "-w")
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder = None


def find_bindir() -> Path | None:
    """A folder with initdb, pg_ctl and postgres, newest version first; None if none."""
    candidates: list[str] = []
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        out = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True,
                             check=True, timeout=10)
        candidates.append(out.stdout.strip())
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"),
                         key=lambda p: int(Path(p).parent.name) if Path(p).parent.name.isdigit()
                         else 0, reverse=True)
    if (initdb := shutil.which("initdb")) is not None:
        candidates.append(str(Path(initdb).parent))
    for folder in map(Path, candidates):
        if all((folder / name).is_file() for name in _NEEDED):
            return folder
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _owner() -> str | None:
    """The OS user to run the server as: ourselves, or `postgres` when we are root."""
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam(OS_USER)
    except KeyError:
        raise Unavailable(f"running as root, and there is no {OS_USER!r} user to run initdb "
                          "as (it refuses root); install Debian's postgresql package, which "
                          f"creates it, or set {URL_ENV} to a server's URL") from None
    return OS_USER


def start(*, tcp: bool = False, durable: bool = False) -> Server:
    """A new server. `durable`: fsync on, as in production (the benchmarks); the tests run
    without it (a throwaway cluster need not survive a power cut)."""
    if url := os.environ.get(URL_ENV):
        return Server(url)
    bindir = find_bindir()
    if bindir is None:
        raise Unavailable("no PostgreSQL server binaries (initdb, pg_ctl, postgres) found: "
                          "apt-get install postgresql, or set "
                          f"{URL_ENV} to a server's URL")
    user = _owner()
    folder = Path(tempfile.mkdtemp(prefix="heel-pg-"))
    if user is not None:
        shutil.chown(folder, user)
    server = Server("", folder, bindir, user, folder / "server.log")
    made = subprocess.run([str(bindir / "initdb"), "-D", str(folder / "data"), "-U", "postgres",
                           "-A", "trust", "-E", "UTF8", "--no-sync"], user=user, cwd=folder,
                          capture_output=True, text=True, check=False, timeout=120)
    if made.returncode != 0:
        shutil.rmtree(folder, ignore_errors=True)
        raise Unavailable(f"initdb failed: {made.stderr.strip()[-300:]}")
    port = _free_port() if tcp else 5432
    listen = "127.0.0.1" if tcp else "''"
    options = f"-k {folder} -p {port} -c listen_addresses={listen} -c max_connections=200"
    if not durable:
        options += " -F -c synchronous_commit=off -c full_page_writes=off"
    server.options = options
    started = server._ctl("-l", str(server.log), "-o", options, "-w", "-t", "60", "start")
    if started.returncode != 0:
        log = server.log.read_text(errors="replace")[-300:] if server.log else ""
        shutil.rmtree(folder, ignore_errors=True)
        raise Unavailable(f"the PostgreSQL server did not start: {started.stderr.strip()} {log}")
    host = f"127.0.0.1:{port}" if tcp else ""
    query = "" if tcp else f"?host={folder}&port={port}"
    server.url = f"postgresql://postgres@{host}/postgres{query}"
    return server


def fresh_url(server: Server, name: str | None = None) -> str:
    """A URL whose tables live in a new, empty schema of the server's database."""
    import psycopg

    schema = name or f"t{os.getpid()}_{next(_schemas)}"
    with psycopg.connect(server.url, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    glue = "&" if "?" in server.url else "?"
    return f"{server.url}{glue}options=-csearch_path%3D{schema}"
