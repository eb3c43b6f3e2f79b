"""`heel-bot serve` with the dialog proven at start-up, for the start-up benchmark.

`heel-bot serve` validates the definitions (`loader.load`) but does not run the graph proofs
that `chat`, `replay` and `check` run (`graph.load_proven`). This shim makes serve prove the
dialog too, to measure what start-up with full validation costs. Run: python -m
benchmarks.serve_proven (same environment as `heel-bot serve`).
"""

from __future__ import annotations

import sys
from pathlib import Path

from bot import cli, graph, loader
from bot.errors import DefinitionError
from bot.model import Bundle

_load = loader.load


def load_and_prove(dialogs_dir: Path | None = None, content_dir: Path | None = None) -> Bundle:
    bundle = _load(dialogs_dir, content_dir)
    problems = graph.prove(bundle)
    if problems:
        raise DefinitionError(problems)
    return bundle


if __name__ == "__main__":
    loader.load = load_and_prove  # serve_config.run looks loader.load up when it is called
    sys.exit(cli.main(["serve"]))
