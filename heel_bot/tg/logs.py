"""Logs never show the bot token or the webhook secret, from any logger, whatever prints it;
and the two ways a service log is written: text lines, or one JSON object per line."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class Redactor(logging.Filter):
    """Replaces secrets (the bot token, the webhook secret) in any log record with ***."""

    def __init__(self) -> None:
        super().__init__()
        self.secrets: set[str] = set()

    def add(self, *secrets: str | None) -> None:
        """Also hide these. The token's secret half is hidden on its own too, so that it is
        caught however the token is quoted or encoded in a URL."""
        for s in secrets:
            if s:
                self.secrets.add(s)
                if ":" in s:
                    self.secrets.add(s.split(":", 1)[1])

    def redact(self, text: str) -> str:
        """`text` with every secret replaced."""
        for s in sorted(self.secrets, key=len, reverse=True):
            if s in text:
                text = text.replace(s, "***")
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            message = str(record.msg)
        clean = self.redact(message)
        if clean != message:
            record.msg, record.args = clean, None
        if record.exc_info and not record.exc_text:
            text = logging.Formatter().formatException(record.exc_info)
            record.exc_text = self.redact(text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


REDACTOR = Redactor()
_factory_installed = False


def protect_logs(*secrets: str | None) -> Redactor:
    """Keep secrets out of every log line, from any logger, whatever handler prints it.

    httpx logs each request URL, which contains the token, at INFO: it is raised to WARNING.
    (And one noisy PTB logger is quietened, below.)
    Belt and braces, a log-record factory passes every record through the Redactor when it is
    created, so no handler (added now or later, e.g. by pytest) can see the secret.
    """
    global _factory_installed  # noqa: PLW0603 - one process-wide factory, installed once
    REDACTOR.add(*secrets)
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.WARNING)
    # PTB logs each answer that is not JSON (a 502 page from Telegram's front end) at ERROR,
    # with a traceback and the page; the transport and the poller log such a failure in one
    # line, so only its CRITICAL lines (it has none today) get through.
    logging.getLogger("telegram.request.BaseRequest").setLevel(logging.CRITICAL)
    if not _factory_installed:
        previous = logging.getLogRecordFactory()

        def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
            record = previous(*args, **kwargs)
            REDACTOR.filter(record)
            return record

        logging.setLogRecordFactory(factory)
        _factory_installed = True
    return REDACTOR


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, and the
    exception or stack when there is one — for log shippers that read JSON lines.

    Records arrive redacted (the record factory above); the finished line is passed through
    the Redactor once more, so a secret is hidden however a record was built.
    """

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(
                timespec="milliseconds"),
            "level": record.levelname, "logger": record.name, "message": record.getMessage()}
        if record.exc_info and not record.exc_text:
            record.exc_text = REDACTOR.redact(self.formatException(record.exc_info))
        if record.exc_text:
            line["exception"] = record.exc_text
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return REDACTOR.redact(json.dumps(line, ensure_ascii=False, default=str))


def log_handler(log_format: str) -> logging.Handler:
    """A handler on standard error writing `log_format` ("text" or "json") lines."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter() if log_format == "json"
                         else logging.Formatter(TEXT_FORMAT))
    return handler
