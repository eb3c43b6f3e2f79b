"""Running heel-bot as a service: its metrics and the operator's HTTP endpoints.

Nothing here imports `telegram`: the Telegram adapter (heel_bot/tg/health.py) reports to
`Metrics` and serves these endpoints; `heel-bot stats` prints the store's counts from here too.
"""
