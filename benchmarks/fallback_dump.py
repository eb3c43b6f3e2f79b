"""What the heel_bot on PYTHONPATH reads in labelled messages, as JSON lines (for fallback_knn
and learned_heldout).

    PYTHONPATH=<a snapshot of the repository> python benchmarks/fallback_dump.py FILE...

Run as a script in a subprocess so that an older copy of the language layer (a snapshot from
before a blind set's fixes) reads the messages, not the one in the working tree.
"""

import json
import sys
from pathlib import Path

from heel_bot import loader
from heel_bot.engine import Engine
from heel_bot.language import corpus


def main(paths: list[str]) -> None:
    bundle = loader.load()
    engine = Engine(bundle)
    for arg in paths:
        path = Path(arg)
        for case in corpus.read_cases([path], heldout=path.name == corpus.HELDOUT):
            q = bundle.dialog.questions.get(case.question) if case.question else None
            u = engine.language.understand(case.text, q, case.answered, today=case.today)
            print(json.dumps({"question": case.question, "text": case.text,
                              "answer": u.answer, "facts": dict(u.facts),
                              "confirm": list(u.confirm), "understood": u.understood,
                              "emergency": u.emergency, "quotes": dict(u.quotes),
                              "exact": u.exact,
                              "where": {k: [list(w) for w in v] for k, v in u.where.items()}},
                             ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1:])
