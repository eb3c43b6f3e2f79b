"""`heel-bot understand`: what the language layer reads in a message, as JSON.

    heel-bot understand [--question ID] [--answered SLOT=VALUE ...] TEXT
    heel-bot understand --batch          JSON lines {"question", "text", "answered"} on stdin
    heel-bot understand --report [PATH]  per-question accuracy on the labelled corpus
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TextIO

from heel_bot.engine import Engine
from heel_bot.language import corpus

# The labelled corpus is test data: it lives in the source repository (tests/language/), not in
# the installed package, and only --report reads it. By default it is the checkout's own, found
# beside the package rather than in the working directory, so that it works from any folder.
CORPUS = Path(__file__).resolve().parent.parent / "tests" / "language"


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The understand subcommand's flags."""
    p.add_argument("--question", default=None, metavar="ID",
                   help="the question the text answers (default: an opening message)")
    p.add_argument("--answered", action="append", default=[], metavar="SLOT=VALUE",
                   help="a slot already answered (repeat for more)")
    p.add_argument("--batch", action="store_true",
                   help="read JSON lines {question, text, answered} from standard input")
    p.add_argument("--report", nargs="?", const="", default=None, metavar="PATH",
                   help="score a labelled corpus (default: tests/language/ of the checkout "
                        "heel-bot runs from)")
    p.add_argument("text", nargs="?", default=None, help="the message")


def run(args: argparse.Namespace, engine: Engine, out: TextIO, err: TextIO) -> int:
    """Print one JSON object per message (or the corpus report); 2 on bad arguments."""
    if args.report is not None:
        path = Path(args.report) if args.report else CORPUS
        if not path.exists():
            where = f"at {path}" if args.report else "beside this installed heel-bot"
            err.write(f"heel-bot understand: no labelled corpus {where}; it ships with the "
                      "source (tests/language/ in the repository), not with the package: "
                      "give its folder, --report PATH\n")
            return 2
        cases = corpus.read_cases([path])
        out.write(corpus.report(corpus.judge(engine.bundle, engine.language, cases)) + "\n")
        return 0
    if args.batch:
        for line in sys.stdin:
            if line.strip():
                item = json.loads(line)
                result = _one(engine, item.get("question"), str(item.get("text", "")),
                              dict(item.get("answered") or {}))
                out.write(json.dumps(result, ensure_ascii=False) + "\n")
        return 0
    if args.text is None:
        err.write("heel-bot understand: give a TEXT, --batch or --report\n")
        return 2
    answered: dict[str, str] = {}
    for pair in args.answered:
        slot, sep, value = pair.partition("=")
        if not sep or value not in engine.bundle.vocabulary.slots.get(slot, ()):
            err.write(f"heel-bot understand: --answered {pair!r} is not SLOT=VALUE of the "
                      "vocabulary\n")
            return 2
        answered[slot] = value
    if args.question is not None and args.question not in engine.dialog.questions:
        err.write(f"heel-bot understand: unknown question {args.question!r}; allowed: "
                  f"{', '.join(engine.dialog.questions)}\n")
        return 2
    out.write(json.dumps(_one(engine, args.question, args.text, answered),
                         ensure_ascii=False) + "\n")
    return 0


def _one(engine: Engine, question: str | None, text: str,
         answered: dict[str, str]) -> dict[str, object]:
    q = engine.dialog.questions.get(question) if question else None
    return engine.language.understand(text, q, answered).as_json()
