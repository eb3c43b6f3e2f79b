"""Settings of `heel-bot serve`: parsed and checked here, as data; nothing else happens here.

Every setting comes from a flag or, failing that, the environment. Anything wrong is reported
as one line that says what to do, before any network or database work starts; the token is
never echoed back, not even a malformed one (it may be a real token with a typo).
"""

from __future__ import annotations

import argparse
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import platformdirs

TOKEN_ENV = "TELEGRAM_BOT_TOKEN"  # noqa: S105 - the variable's name, not a token
API_URL_ENV = "TELEGRAM_API_URL"
DB_ENV = "HEEL_BOT_DB"
SECRET_ENV = "HEEL_BOT_WEBHOOK_SECRET"  # noqa: S105 - a variable's name
DAY_SECONDS_ENV = "HEEL_BOT_DAY_SECONDS"
HEALTH_PORT_ENV = "HEEL_BOT_HEALTH_PORT"
HEALTH_LISTEN_ENV = "HEEL_BOT_HEALTH_LISTEN"
LOG_FORMAT_ENV = "HEEL_BOT_LOG_FORMAT"
DEEP_LINKS_ENV = "HEEL_BOT_DEEP_LINKS"
INSTANCES_ENV = "HEEL_BOT_INSTANCES"
# Telegram's overall flood limit, messages a second for the whole bot (heel_bot/tg/pacing.py):
# split between the instances, each of which must keep at least one.
OVERALL_RATE = 30
LOG_FORMATS = ("text", "json")

# What @BotFather hands out: the bot's numeric id, a colon, then about 35 URL-safe characters.
TOKEN_RE = re.compile(r"[0-9]{1,20}:[A-Za-z0-9_-]{30,64}")
# Telegram allows 1-256 characters A-Z, a-z, 0-9, _ and - in a webhook's secret token.
SECRET_RE = re.compile(r"[A-Za-z0-9_-]{1,256}")
# A HEEL_BOT_DB that starts so is a PostgreSQL database (heel_bot/stores/opening.py agrees).
POSTGRES_SCHEMES = ("postgresql://", "postgres://")
# Ports Telegram's cloud delivers webhooks to (a self-hosted Bot API server allows any).
WEBHOOK_PORTS = (80, 88, 443, 8443)
# A deep link's payload (t.me/<bot>?start=<payload>): 1-64 characters A-Z, a-z, 0-9, _ and -.
DEEP_LINK_RE = re.compile(r"[A-Za-z0-9_-]{1,64}")


class ConfigError(Exception):
    """A setting is missing or malformed; the message is one line saying what to do."""


@dataclass(frozen=True)
class ServeConfig:
    """Everything the Telegram adapter needs to run."""

    token: str
    api_url: str | None
    db_path: Path
    webhook_url: str | None = None
    listen: str = "127.0.0.1"
    port: int = 8443
    secret_token: str | None = None
    day_seconds: float = 86400.0  # the length of a reminder "day"; tests shorten it
    health_port: int | None = None  # the operator's endpoints (None: not served)
    health_listen: str = "127.0.0.1"
    log_format: str = "text"  # or "json": one object per line
    deep_links: frozenset[str] = frozenset()  # /start payloads counted by name
    # A PostgreSQL URL (several instances share it): then it is the store, not db_path.
    db_url: str | None = None
    instances: int = 1  # how many serve this bot: each sends 1/instances of the overall rate

    def __repr__(self) -> str:
        # The token, the webhook secret and the database password must never reach a log
        # line or a traceback.
        db = f"db_url={without_password(self.db_url)!r}" if self.db_url else (
            f"db_path={self.db_path!r}")
        return (f"ServeConfig(token='***', api_url={self.api_url!r}, {db}, "
                f"webhook_url={self.webhook_url!r}, listen={self.listen!r}, port={self.port}, "
                f"secret_token={'***' if self.secret_token else None}, "
                f"day_seconds={self.day_seconds}, health_port={self.health_port}, "
                f"health_listen={self.health_listen!r}, log_format={self.log_format!r}, "
                f"deep_links={sorted(self.deep_links)}, instances={self.instances})")

    @property
    def mode(self) -> str:
        """'webhook' or 'polling'."""
        return "webhook" if self.webhook_url else "polling"


def default_db_path() -> Path:
    """The database in the user's data directory (e.g. ~/.local/share/heel-bot/)."""
    return platformdirs.user_data_path("heel-bot", appauthor=False) / "heel-bot.sqlite3"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The serve subcommand's flags; each falls back to an environment variable."""
    parser.add_argument("--token", default=None, metavar="TOKEN",
                        help=f"the bot token from @BotFather (default: ${TOKEN_ENV}; prefer the "
                             "variable, command lines are visible to other users)")
    parser.add_argument("--api-url", default=None, metavar="URL",
                        help=f"base URL of a self-hosted Bot API server, e.g. "
                             f"http://127.0.0.1:8081/bot (default: ${API_URL_ENV}, else "
                             "Telegram's own)")
    # A string, not a Path: a Path would fold the // of a postgresql:// URL.
    parser.add_argument("--db", default=None, metavar="FILE|URL",
                        help=f"SQLite file for conversations and reminders, or a "
                             f"postgresql://user@host/db URL that several instances share "
                             f"(default: ${DB_ENV}, else {default_db_path()}; give a password "
                             "in the variable or ~/.pgpass, not on the command line)")
    parser.add_argument("--webhook-url", default=None, metavar="URL",
                        help="receive updates by webhook at this public URL instead of long "
                             "polling")
    parser.add_argument("--listen", default=None, metavar="ADDRESS",
                        help="address the webhook server listens on (default: 127.0.0.1)")
    parser.add_argument("--port", default=None, metavar="PORT",
                        help="port the webhook server listens on (default: 8443)")
    parser.add_argument("--secret-token", default=None, metavar="SECRET",
                        help=f"secret Telegram sends with every webhook call (default: "
                             f"${SECRET_ENV}, else a random one per run)")
    _add_service_arguments(parser)


def _add_service_arguments(parser: argparse.ArgumentParser) -> None:
    """The flags of running it as a service: operator endpoints, logs, metrics, instances."""
    parser.add_argument("--health-port", default=None, metavar="PORT",
                        help=f"serve GET /healthz, /readyz and /metrics on this port (default: "
                             f"${HEALTH_PORT_ENV}, else none)")
    parser.add_argument("--health-listen", default=None, metavar="ADDRESS",
                        help=f"address of the health port (default: ${HEALTH_LISTEN_ENV}, else "
                             "127.0.0.1; 0.0.0.0 in a container)")
    parser.add_argument("--log-format", default=None, choices=LOG_FORMATS,
                        help=f"text lines, or one JSON object per line (default: "
                             f"${LOG_FORMAT_ENV}, else text)")
    parser.add_argument("--deep-links", default=None, metavar="NAME,...",
                        help=f"deep-link sources (t.me/<bot>?start=NAME) counted by name in the "
                             f"metrics; any other is counted as 'other' (default: "
                             f"${DEEP_LINKS_ENV})")
    parser.add_argument("--instances", default=None, metavar="N",
                        help=f"how many instances serve this bot (webhook mode, one PostgreSQL "
                             f"database): each sends at most 1/N of Telegram's {OVERALL_RATE} "
                             f"messages a second (default: ${INSTANCES_ENV}, else 1)")
    # Shortens reminder "days" for trying check-ins out by hand and for end-to-end tests.
    parser.add_argument("--day-seconds", default=None, help=argparse.SUPPRESS)


def _pick(args: argparse.Namespace, name: str, env: Mapping[str, str],
          var: str | None) -> str | None:
    value = getattr(args, name, None)
    if value is None and var is not None:
        value = env.get(var) or None
    return None if value is None else str(value).strip() or None


def _check_url(url: str, what: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"{what} must be an http:// or https:// URL with a host, got "
                          f"{url!r}")
    try:
        _ = parts.port
    except ValueError:
        raise ConfigError(f"{what} has an invalid port: {url!r}") from None
    if parts.query or parts.fragment:
        raise ConfigError(f"{what} must not have a query or fragment: {url!r}")
    return url


def api_base_url(url: str) -> str:
    """A Bot API base URL ending where the token goes (`…/bot`), as the builder wants it."""
    url = url.rstrip("/")
    if urlsplit(url).path in ("", "/"):
        url += "/bot"
    return url


def api_file_url(base_url: str) -> str:
    """The file download URL that belongs with a base URL: …/bot → …/file/bot."""
    head, _, last = base_url.rpartition("/")
    return f"{head}/file/{last}"


def config_from(args: argparse.Namespace, env: Mapping[str, str]) -> ServeConfig:
    """Build the settings from flags, then the environment; ConfigError if unusable."""
    api_url = _api_url(args, env)
    webhook_url, secret = _webhook(args, env, api_url)
    listen, port = _listen(args, env)
    health_listen, health_port = _health(args, env, port if webhook_url else None)
    db_path, db_url = _db(args, env)
    return ServeConfig(token=_token(args, env), api_url=api_url, db_path=db_path,
                       webhook_url=webhook_url, listen=listen, port=port, secret_token=secret,
                       day_seconds=_day_seconds(args, env), health_port=health_port,
                       health_listen=health_listen, log_format=_log_format(args, env),
                       deep_links=_deep_links(args, env), db_url=db_url,
                       instances=_instances(args, env, webhook_url, db_url))


def _token(args: argparse.Namespace, env: Mapping[str, str]) -> str:
    token = _pick(args, "token", env, TOKEN_ENV)
    if token is None:
        raise ConfigError(f"no bot token: create a bot with @BotFather in Telegram, then set "
                          f"{TOKEN_ENV} (or pass --token)")
    if not TOKEN_RE.fullmatch(token):
        raise ConfigError(f"the bot token is malformed: expected digits, a colon and about 35 "
                          f"letters, digits, - or _, exactly as @BotFather gives it; check "
                          f"{TOKEN_ENV} (or --token) for quotes, spaces or a missing part")
    return token


def _api_url(args: argparse.Namespace, env: Mapping[str, str]) -> str | None:
    api_url = _pick(args, "api_url", env, API_URL_ENV)
    if api_url is None:
        return None
    return api_base_url(_check_url(api_url, f"the Bot API URL ({API_URL_ENV} or --api-url)"))


def without_password(url: str) -> str:
    """A database URL fit for a log line: no password, no query (it may hold one)."""
    parts = urlsplit(url)
    try:
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return f"{parts.scheme}://(malformed)"
    user = f"{parts.username}@" if parts.username else ""
    return f"{parts.scheme}://{user}{host}{port}{parts.path}"


def _db(args: argparse.Namespace, env: Mapping[str, str]) -> tuple[Path, str | None]:
    """The SQLite file, or the PostgreSQL URL (with the default file beside it, unused)."""
    db = _pick(args, "db", env, DB_ENV)
    if db is not None and db.lower().startswith(POSTGRES_SCHEMES):
        parts = urlsplit(db)
        try:
            _ = parts.port
        except ValueError:
            raise ConfigError(f"the PostgreSQL URL in {DB_ENV} (or --db) has an invalid port: "
                              f"{without_password(db)!r}") from None
        return default_db_path(), db
    db_path = Path(db).expanduser() if db else default_db_path()
    if db_path.exists() and db_path.is_dir():
        raise ConfigError(f"the database path {db_path} is a folder; give a file name in "
                          f"{DB_ENV} (or --db)")
    return db_path, None


def _port(text: str, what: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise ConfigError(f"{what} must be a number from 1 to 65535, got {text!r}")
    return int(text)


def _listen(args: argparse.Namespace, env: Mapping[str, str]) -> tuple[str, int]:
    listen = _pick(args, "listen", env, None) or "127.0.0.1"
    port_text = _pick(args, "port", env, None)
    return listen, 8443 if port_text is None else _port(port_text, "--port")


def _health(args: argparse.Namespace, env: Mapping[str, str],
            webhook_port: int | None) -> tuple[str, int | None]:
    """The health port's address and port (None: no health port)."""
    listen = _pick(args, "health_listen", env, HEALTH_LISTEN_ENV) or "127.0.0.1"
    text = _pick(args, "health_port", env, HEALTH_PORT_ENV)
    if text is None:
        return listen, None
    port = _port(text, f"--health-port ({HEALTH_PORT_ENV})")
    if port == webhook_port:
        raise ConfigError(f"--health-port {port} is the webhook's --port; give the health "
                          "endpoints a port of their own")
    return listen, port


def _log_format(args: argparse.Namespace, env: Mapping[str, str]) -> str:
    fmt = _pick(args, "log_format", env, LOG_FORMAT_ENV) or "text"
    if fmt not in LOG_FORMATS:
        raise ConfigError(f"{LOG_FORMAT_ENV} must be text or json, got {fmt!r}")
    return fmt


def _deep_links(args: argparse.Namespace, env: Mapping[str, str]) -> frozenset[str]:
    text = _pick(args, "deep_links", env, DEEP_LINKS_ENV) or ""
    names = [n.strip() for n in text.split(",") if n.strip()]
    bad = [n for n in names if not DEEP_LINK_RE.fullmatch(n)]
    if bad:
        raise ConfigError(f"deep-link sources ({DEEP_LINKS_ENV} or --deep-links) are 1 to 64 "
                          f"characters of A-Z, a-z, 0-9, _ and -, separated by commas; got "
                          f"{bad[0]!r}")
    return frozenset(names)


def _webhook(args: argparse.Namespace, env: Mapping[str, str],
             api_url: str | None) -> tuple[str | None, str | None]:
    """The webhook URL (None: long polling) and its secret."""
    webhook_url = _pick(args, "webhook_url", env, None)
    secret = _pick(args, "secret_token", env, SECRET_ENV)
    if secret is not None and not SECRET_RE.fullmatch(secret):
        raise ConfigError(f"the webhook secret ({SECRET_ENV} or --secret-token) must be 1 to "
                          "256 characters of A-Z, a-z, 0-9, _ and -")
    if webhook_url is None:
        return None, secret
    _check_url(webhook_url, "--webhook-url")
    parts = urlsplit(webhook_url)
    if api_url is None and parts.scheme != "https":
        raise ConfigError("--webhook-url must start with https:// (Telegram only calls "
                          "HTTPS webhooks, unless --api-url points at your own Bot API "
                          "server)")
    if api_url is None and (parts.port or 443) not in WEBHOOK_PORTS:
        raise ConfigError(f"--webhook-url must use port 443, 80, 88 or 8443 (Telegram "
                          f"calls no other), got {parts.port}")
    # Without a secret anyone who finds the URL could post fake updates.
    return webhook_url, secret or secrets.token_urlsafe(32)


def _day_seconds(args: argparse.Namespace, env: Mapping[str, str]) -> float:
    day_text = _pick(args, "day_seconds", env, DAY_SECONDS_ENV)
    if day_text is None:
        return 86400.0
    try:
        day_seconds = float(day_text)
    except ValueError:
        day_seconds = -1.0
    if not 0 < day_seconds < 1e9:
        raise ConfigError(f"{DAY_SECONDS_ENV} must be a positive number of seconds, got "
                          f"{day_text!r}")
    return day_seconds


def _instances(args: argparse.Namespace, env: Mapping[str, str], webhook_url: str | None,
               db_url: str | None) -> int:
    text = _pick(args, "instances", env, INSTANCES_ENV)
    if text is None:
        return 1
    count = int(text) if text.isdigit() else 0
    if not 1 <= count <= OVERALL_RATE:
        raise ConfigError(f"{INSTANCES_ENV} (or --instances) must be a whole number from 1 to "
                          f"{OVERALL_RATE}, got {text!r}")
    if count > 1 and (webhook_url is None or db_url is None):
        raise ConfigError("several instances need --webhook-url and a postgresql:// database "
                          f"({DB_ENV} or --db) that they share; with long polling or an "
                          "SQLite file, run one")
    if count > 1 and _pick(args, "secret_token", env, SECRET_ENV) is None:
        raise ConfigError(f"several instances need the same webhook secret: set {SECRET_ENV} "
                          "(or --secret-token) on each (a random one per instance would make "
                          "Telegram's calls to the others fail)")
    return count
