"""Options of `heel-bot serve`, kept apart from the Telegram adapter so `chat` never imports it."""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The serve subcommand's flags (placeholder until the Telegram adapter lands)."""


def run(args: argparse.Namespace) -> int:
    """Run the Telegram bot."""
    print("heel-bot serve: the Telegram adapter is not built yet (issue 3).")
    return 2
