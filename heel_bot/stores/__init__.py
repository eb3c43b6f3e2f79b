"""The store behind one interface, with two backends: SQLite (one process) and PostgreSQL.

- `api`: the interface (`Storage`) every part of the bot uses, and the per-chat turn helper;
- `schema`: the migrations of both backends, side by side in one list;
- `sqlite`: the SQLite backend (heel_bot/store.py, plus what several instances need);
- `postgres`: the PostgreSQL backend, shared by several instances of the bot;
- `opening`: the backend a `HEEL_BOT_DB` / `--db` value selects.

Nothing is imported here, so heel_bot/store.py can read the schema without a cycle.
"""
