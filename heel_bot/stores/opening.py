"""Which backend a `HEEL_BOT_DB` / `--db` value selects, and opening it.

A `postgresql://` or `postgres://` URL selects PostgreSQL (several instances may share it);
anything else is the path of an SQLite file (one process). psycopg is imported only when
PostgreSQL is chosen, so the SQLite bot starts as fast as before.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from heel_bot.serve_config import POSTGRES_SCHEMES
from heel_bot.stores.api import Storage


def is_postgres(db: str | Path) -> bool:
    """Whether `db` names a PostgreSQL database (a URL) rather than an SQLite file."""
    return isinstance(db, str) and db.strip().lower().startswith(POSTGRES_SCHEMES)


def open_store(db: str | Path, *, clock: Callable[[], float] = time.time) -> Storage:
    """The store `db` names, opened and migrated; StoreError (one line) if it cannot be."""
    if is_postgres(db):
        from heel_bot.stores.postgres import PgStore  # noqa: PLC0415 - only when chosen

        return PgStore(str(db).strip(), clock=clock)
    from heel_bot.stores.sqlite import SqliteStore  # noqa: PLC0415 - the same way as above

    return SqliteStore(Path(db).expanduser(), clock=clock)
