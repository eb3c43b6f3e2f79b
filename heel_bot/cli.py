"""The `heel-bot` command: chat, serve, replay, check, graph, understand, backup, stats.

With no subcommand it serves Telegram when TELEGRAM_BOT_TOKEN is set, else chats in the
terminal. Definition errors are printed as `file:line:column: message` and exit with 1.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import threading
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TextIO

from heel_bot import cli_ops, cli_understand, diagrams, proofs, serve_config
from heel_bot.engine import Engine
from heel_bot.errors import DefinitionError
from heel_bot.language import learned
from heel_bot.model import Bundle
from heel_bot.ops.server import check_free
from heel_bot.proof_cache import load_proven
from heel_bot.render import to_plain
from heel_bot.render_doc import wrap
from heel_bot.replay import Replayer, files
from heel_bot.session import Session
from heel_bot.store import StoreError
from heel_bot.stores.opening import open_store


def _add_paths(p: argparse.ArgumentParser) -> None:
    p.add_argument("--dialogs", type=Path, default=None, help="folder of dialog YAML files")
    p.add_argument("--content", type=Path, default=None, help="folder of content YAML files")


def _load(args: argparse.Namespace) -> Bundle:
    return load_proven(args.dialogs, args.content)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (also used by the tests)."""
    parser = argparse.ArgumentParser(
        prog="heel-bot",
        description="Heel pain after running: a safe symptom check, in the terminal or on "
                    "Telegram. With no command: serve Telegram if TELEGRAM_BOT_TOKEN is set, "
                    "else chat here.")
    _add_paths(parser)
    sub = parser.add_subparsers(dest="command")
    _add_paths(sub.add_parser("chat", help="have the conversation in this terminal"))
    serve = sub.add_parser("serve", help="run the Telegram bot")
    _add_paths(serve)
    serve_config.add_arguments(serve)
    replay = sub.add_parser("replay", help="replay scripted conversations (files or folders)")
    _add_paths(replay)
    replay.add_argument("paths", nargs="+", help="conversation files or folders")
    replay.add_argument("--json", action="store_true",
                        help="one JSON object per file, one line each (file, passed, reason, "
                        "level, causes, advice, screens, outcome_chars)")
    check = sub.add_parser("check", help="validate dialogs and content and prove the graph")
    _add_paths(check)
    und = sub.add_parser("understand", help="what the language layer reads in a message (JSON)")
    _add_paths(und)
    cli_understand.add_arguments(und)
    cli_ops.add_backup_arguments(sub.add_parser(
        "backup", help="an online, consistent copy of the bot's store (safe while it runs)"))
    cli_ops.add_stats_arguments(sub.add_parser(
        "stats", help="what the store holds, counted (the store's part of /metrics)"))
    g = sub.add_parser("graph", help="print the dialog as a diagram")
    _add_paths(g)
    g.add_argument("--format", choices=("mermaid", "dot"), default="mermaid")
    return parser


def cmd_check(args: argparse.Namespace, out: TextIO) -> int:
    """Validate and prove; one line per problem."""
    try:
        bundle = _load(args)
    except DefinitionError as exc:
        for p in exc.problems:
            print(p, file=out)
        return 1
    problems = [*proofs.prove(bundle), *learned.problems(bundle)]
    for p in problems:
        print(p, file=out)
    if problems:
        return 1
    d = bundle.dialog
    print(f"OK: {len(d.questions)} questions, {len(bundle.rules.triage)} triage rules, "
          f"{len(bundle.content.texts)} texts; every question reachable, every path ends in an "
          f"outcome, every requirement of the specification met on every path, no advice "
          f"an answer forbids on any path, every check-in answer re-triaged as specified.",
          file=out)
    return 0


def cmd_replay(args: argparse.Namespace, out: TextIO) -> int:
    """Replay files; one PASS/FAIL line each."""
    replayer = Replayer(Engine(_load(args)))
    paths = files(args.paths)
    if not paths:
        print("no conversation files found", file=out)
        return 1
    results = [replayer.run(p) for p in paths]
    failed = sum(not r.ok for r in results)
    for r in results:
        print(json.dumps(r.as_json()) if args.json else r, file=out)
    if not args.json:
        print(f"{len(results) - failed} passed, {failed} failed", file=out)
    return 1 if failed else 0


def cmd_graph(args: argparse.Namespace, out: TextIO) -> int:
    """Print the diagram."""
    bundle = _load(args)
    out.write(diagrams.mermaid(bundle) if args.format == "mermaid" else diagrams.dot(bundle))
    return 0


def _warming(engine: Engine) -> Engine:
    """`engine`, its language layer building while the first question is read (the first
    typed answer waits for what is left)."""
    threading.Thread(target=lambda: engine.language, daemon=True).start()
    return engine


def cmd_chat(args: argparse.Namespace, inp: TextIO, out: TextIO,
             width: int | None = None) -> int:
    """The conversation in a terminal; works with piped input too. Text is wrapped to
    `width` columns: by default the terminal's, asked here at the edge (piped output is left
    unwrapped)."""
    columns = width if width is not None else (
        shutil.get_terminal_size().columns if out.isatty() else 0)
    session = Session(_warming(Engine(_load(args))), today=lambda: date.today().isoformat())
    c = session.engine.bundle.content
    interactive = inp.isatty()

    def show(text: str) -> None:
        print(wrap(text, columns), file=out)
        print(file=out)

    turn = session.opening()
    state = turn.state
    show(to_plain(turn.doc))
    show(c["ui.chat.hint"])
    while True:
        if interactive:
            out.write("> ")
            out.flush()
        line = inp.readline()
        if not line:
            show(c["ui.quit"])
            return 0
        text = line.strip()
        if not interactive:
            print(f"> {text}", file=out)
        turn = session.handle(state, text, turn.view)
        state = turn.state
        show(to_plain(turn.doc))
        if turn.quit:
            return 0


def cmd_serve(args: argparse.Namespace) -> int:
    """The composition root of the Telegram bot: settings, engine, store, then the app.

    A configuration or store problem is one line on stderr and exit code 2, before anything
    connects to Telegram; the bot never starts on a dialog that fails the safety proofs.
    """
    try:
        settings = serve_config.config_from(args, os.environ)
        if settings.health_port is not None:
            check_free(settings.health_listen, settings.health_port)
    except serve_config.ConfigError as exc:
        print(f"heel-bot: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"heel-bot: cannot serve the health port {settings.health_listen}:"
              f"{settings.health_port} ({exc.strerror}); choose another --health-port",
              file=sys.stderr)
        return 2
    # Imported here so that `heel-bot chat` and the other commands never load telegram.
    from heel_bot.tg import app as tg  # noqa: PLC0415

    engine = Engine(_load(args))
    tg.setup_logging(settings)
    try:
        store = open_store(settings.db_url or settings.db_path)
    except StoreError as exc:
        print(f"heel-bot: {exc}", file=sys.stderr)
        return 2
    return tg.run(tg.build_application(settings, engine=engine, store=store))


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    command = args.command or ("serve" if os.environ.get("TELEGRAM_BOT_TOKEN") else "chat")
    try:
        if command == "check":
            return cmd_check(args, sys.stdout)
        if command == "replay":
            return cmd_replay(args, sys.stdout)
        if command == "graph":
            return cmd_graph(args, sys.stdout)
        if command in ("backup", "stats"):
            run = cli_ops.run_backup if command == "backup" else cli_ops.run_stats
            return run(args, sys.stdout, sys.stderr)
        if command == "understand":
            return cli_understand.run(args, Engine(_load(args)), sys.stdout, sys.stderr)
        if command == "serve":
            if args.command is None:
                rest = sys.argv[1:] if argv is None else list(argv)
                args = parser.parse_args(["serve", *rest])
            return cmd_serve(args)
        return cmd_chat(args, sys.stdin, sys.stdout)
    except DefinitionError as exc:
        for p in exc.problems:
            print(p, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
