"""The database schema of both backends, from one list: migration i takes version i to i + 1.

Each migration is written twice, in SQLite's and in PostgreSQL's words, side by side, so a
change to one is a change to the other; tests/test_store_schema.py migrates a real database of
each kind and checks that both end with the same tables, columns and nullability. Append only:
never edit a migration that has shipped (a database that ran it would not run it again).

Types: chat and update ids are 64-bit integers (BIGINT in PostgreSQL), times are Unix seconds
as floating point (REAL / DOUBLE PRECISION), conversation states are text (the engine's JSON,
stored and returned byte for byte).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Migration:
    """One step of the schema, as SQLite and PostgreSQL statements."""

    sqlite: tuple[str, ...]
    postgres: tuple[str, ...]


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        sqlite=(
            """CREATE TABLE conversations (
                   chat_id INTEGER PRIMARY KEY,
                   state   TEXT    NOT NULL,
                   created REAL    NOT NULL,
                   updated REAL    NOT NULL
               )""",
        ),
        postgres=(
            """CREATE TABLE conversations (
                   chat_id BIGINT           PRIMARY KEY,
                   state   TEXT             NOT NULL,
                   created DOUBLE PRECISION NOT NULL,
                   updated DOUBLE PRECISION NOT NULL
               )""",
        ),
    ),
    Migration(
        sqlite=(
            """CREATE TABLE reminders (
                   id      INTEGER PRIMARY KEY AUTOINCREMENT,
                   chat_id INTEGER NOT NULL,
                   due_at  REAL    NOT NULL,
                   days    INTEGER NOT NULL,
                   created REAL    NOT NULL
               )""",
            "CREATE INDEX reminders_by_chat ON reminders (chat_id)",
            "CREATE INDEX reminders_by_due ON reminders (due_at)",
        ),
        postgres=(
            # An identity never hands out an id twice, like SQLite's AUTOINCREMENT: a stale
            # cancel button cannot cancel a newer check-in.
            """CREATE TABLE reminders (
                   id      BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                   chat_id BIGINT           NOT NULL,
                   due_at  DOUBLE PRECISION NOT NULL,
                   days    INTEGER          NOT NULL,
                   created DOUBLE PRECISION NOT NULL
               )""",
            "CREATE INDEX reminders_by_chat ON reminders (chat_id)",
            "CREATE INDEX reminders_by_due ON reminders (due_at)",
        ),
    ),
    Migration(
        # A check-in that has been asked and not yet answered: when the check was (Unix time),
        # so the answer's day count comes from here, never from the chat's button data.
        sqlite=(
            """CREATE TABLE checkins (
                   chat_id INTEGER PRIMARY KEY,
                   checked REAL    NOT NULL
               )""",
        ),
        postgres=(
            """CREATE TABLE checkins (
                   chat_id BIGINT           PRIMARY KEY,
                   checked DOUBLE PRECISION NOT NULL
               )""",
        ),
    ),
    Migration(
        # Several instances: a check-in being sent is claimed by one instance until its lease
        # runs out (then another may send it), and each update id is handled once (a webhook
        # call Telegram re-delivers, maybe to another instance, is recognised and skipped).
        sqlite=(
            "ALTER TABLE reminders ADD COLUMN claimed_by TEXT",
            "ALTER TABLE reminders ADD COLUMN claimed_until REAL",
            """CREATE TABLE updates_seen (
                   update_id   INTEGER PRIMARY KEY,
                   seen        REAL    NOT NULL,
                   owner       TEXT    NOT NULL,
                   lease_until REAL    NOT NULL,
                   done        REAL
               )""",
            "CREATE INDEX updates_seen_by_time ON updates_seen (seen)",
        ),
        postgres=(
            "ALTER TABLE reminders ADD COLUMN claimed_by TEXT",
            "ALTER TABLE reminders ADD COLUMN claimed_until DOUBLE PRECISION",
            """CREATE TABLE updates_seen (
                   update_id   BIGINT           PRIMARY KEY,
                   seen        DOUBLE PRECISION NOT NULL,
                   owner       TEXT             NOT NULL,
                   lease_until DOUBLE PRECISION NOT NULL,
                   done        DOUBLE PRECISION
               )""",
            "CREATE INDEX updates_seen_by_time ON updates_seen (seen)",
        ),
    ),
    Migration(
        # Updates fetched from Telegram, from before their offset is confirmed until they have
        # been handled (then `body` is emptied and `done` set; the row goes once Telegram has
        # been told). `seq` is the order they came in; `applied`: a write of the update's
        # handling has been committed, so a crash-restart must not apply it again.
        sqlite=(
            """CREATE TABLE inbox (
                   seq       INTEGER PRIMARY KEY AUTOINCREMENT,
                   update_id INTEGER NOT NULL UNIQUE,
                   body      TEXT    NOT NULL,
                   received  REAL    NOT NULL,
                   applied   INTEGER NOT NULL DEFAULT 0,
                   done      INTEGER NOT NULL DEFAULT 0
               )""",
        ),
        postgres=(
            """CREATE TABLE inbox (
                   seq       BIGSERIAL        PRIMARY KEY,
                   update_id BIGINT           NOT NULL UNIQUE,
                   body      TEXT             NOT NULL,
                   received  DOUBLE PRECISION NOT NULL,
                   applied   INTEGER          NOT NULL DEFAULT 0,
                   done      INTEGER          NOT NULL DEFAULT 0
               )""",
        ),
    ),
    Migration(
        # The message that carries the conversation's buttons (Telegram's message id): only it
        # keeps them, so a new one takes them off the one before. Kept with the conversation,
        # so forgetting the chat forgets it too.
        sqlite=("ALTER TABLE conversations ADD COLUMN live INTEGER",),
        postgres=("ALTER TABLE conversations ADD COLUMN live BIGINT",),
    ),
    Migration(
        # Several instances share the inbox (issue 14): a row not done is one instance's
        # (`owner`) until `lease_until`, which that instance keeps renewing while it lives; a
        # dead instance's rows are taken over by another once the lease has run out. The
        # inbox's own UNIQUE update_id recognises a re-delivered update, so the separate table
        # of seen update ids (migration 4) goes. Handled rows are kept, emptied, for a day
        # (`received`: when they go).
        sqlite=(
            "ALTER TABLE inbox ADD COLUMN owner TEXT",
            "ALTER TABLE inbox ADD COLUMN lease_until REAL",
            "CREATE INDEX inbox_open ON inbox (seq) WHERE done = 0",
            "CREATE INDEX inbox_by_received ON inbox (received)",
            "DROP TABLE updates_seen",
        ),
        postgres=(
            "ALTER TABLE inbox ADD COLUMN owner TEXT",
            "ALTER TABLE inbox ADD COLUMN lease_until DOUBLE PRECISION",
            "CREATE INDEX inbox_open ON inbox (seq) WHERE done = 0",
            "CREATE INDEX inbox_by_received ON inbox (received)",
            "DROP TABLE updates_seen",
        ),
    ),
)

SQLITE: tuple[tuple[str, ...], ...] = tuple(m.sqlite for m in MIGRATIONS)
POSTGRES: tuple[tuple[str, ...], ...] = tuple(m.postgres for m in MIGRATIONS)
SCHEMA_VERSION = len(MIGRATIONS)
