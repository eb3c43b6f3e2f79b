"""Train the answer model (heel_bot/language/learned.py) from the labelled corpus.

`python -m heel_bot.language.training [--out PATH] [--corpus DIR] [--without SET ...]` fits
one classifier per question on every labelled reply to it in tests/language (the per-question
files, the held-out sample and the blind sets): what a careful reader recorded for the asked
slot, or "confirm with buttons", or "nothing". It is scikit-learn's TF-IDF (word 1-3-grams
and character 2-5-grams inside words) and multinomial logistic regression, the field's
standard linear text classifier; the weights are written as JSON (gzip) and read at run time
without scikit-learn (`learned.py` computes the same numbers; a test checks they agree).

scikit-learn is needed only here: `pip install -e '.[train]'` (the test extras include it).
Retrain after changing the corpus or the questions: the model records the corpus's digest and
`tests/test_language_learned.py` fails when they no longer match.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import math
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from heel_bot.language.corpus import Case, read_cases
from heel_bot.language.learned import CHAR, CONFIRM, FORMAT, NOTHING, WORD, features_of
from heel_bot.loader import ANSWERS_FILE, default_dir

C = 4.0  # inverse regularisation, chosen on sets AS-AX held out (docs/language.md)
MIN_CHAR_DF = 2  # character n-grams seen in one reply only are noise
DIGITS = 5  # weights and idf kept to 5 significant digits: ~1/3 of the size, same answers


def corpus_files(root: Path) -> list[Path]:
    """The corpus files a model is trained on, in a fixed order (the digest depends on it)."""
    return sorted(root.glob("*.yaml")) + sorted((root / "blind").glob("*.yaml"))


def digest(files: Iterable[Path]) -> str:
    """SHA-256 of the corpus files' bytes, in order: whether a model is up to date."""
    h = hashlib.sha256()
    for f in files:
        h.update(f.name.encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()


def label(case: Case) -> str:
    """The class a case teaches for its asked question."""
    assert case.question is not None
    if case.question in case.confirm:
        return CONFIRM
    return NOTHING if case.answer is None else case.answer


def cases_of(files: Sequence[Path], without: Iterable[str] = ()) -> list[Case]:
    """Every reply to a question in `files`, but those of the files named in `without`."""
    skip = set(without)
    out: list[Case] = []
    for f in files:
        if f.stem in skip:
            continue
        # A reading that depends on the day it is sent ("since March") is the rules' to date.
        out += [c for c in read_cases([f]) if c.question is not None and c.today is None]
    return out


def fit_question(texts: list[str], labels: list[str]) -> dict[str, Any]:
    """One question's classifier, as the JSON `learned.py` reads."""
    from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: PLC0415 - train only
    from sklearn.linear_model import LogisticRegression  # noqa: PLC0415
    from sklearn.pipeline import make_pipeline, make_union  # noqa: PLC0415

    word = TfidfVectorizer(ngram_range=WORD, sublinear_tf=True)
    char = TfidfVectorizer(analyzer="char_wb", ngram_range=CHAR, sublinear_tf=True,
                           min_df=MIN_CHAR_DF)
    model = make_pipeline(make_union(word, char), LogisticRegression(C=C, max_iter=5000))
    model.fit([features_of(t) for t in texts], labels)
    coef = model[-1].coef_
    out: dict[str, Any] = {"classes": [str(c) for c in model[-1].classes_],
                           "intercept": [_round(x) for x in model[-1].intercept_]}
    offset = 0
    for name, vec in (("word", word), ("char", char)):
        grams = sorted(vec.vocabulary_.items())
        # Numbers as one string each (not JSON lists): reading them makes no Python object
        # per weight, which kept ~50 MiB of every bot process (learned.py).
        out[name] = {"grams": [g for g, _ in grams],
                     "idf": _numbers(vec.idf_[i] for _, i in grams),
                     "weights": _numbers(x for _, i in grams for x in coef[:, offset + i])}
        offset += len(vec.vocabulary_)
    return out


def train(files: Sequence[Path], without: Iterable[str] = ()) -> dict[str, Any]:
    """The whole model: one classifier per question answered in the corpus."""
    cases = cases_of(files, without)
    questions: dict[str, dict[str, Any]] = {}
    for q in sorted({c.question for c in cases if c.question}):
        mine = [c for c in cases if c.question == q]
        labels = [label(c) for c in mine]
        if len(set(labels)) > 1:
            questions[q] = fit_question([c.text for c in mine], labels)
    return {"format": FORMAT, "corpus": digest(files), "without": sorted(set(without)),
            "cases": len(cases), "questions": questions}


def _round(x: float) -> float:
    return float(f"{x:.{DIGITS}g}") if math.isfinite(x) else 0.0


def _numbers(xs: Iterable[float]) -> str:
    """Numbers rounded to DIGITS significant digits, separated by spaces."""
    return " ".join(repr(_round(x)) for x in xs)


def write(model: dict[str, Any], path: Path) -> None:
    """gzip JSON, reproducible byte for byte (no timestamp in the gzip header)."""
    raw = json.dumps(model, separators=(",", ":"), sort_keys=True).encode()
    path.write_bytes(gzip.compress(raw, compresslevel=9, mtime=0))


def main(argv: Sequence[str] | None = None) -> int:
    """Train and write the model."""
    p = argparse.ArgumentParser(prog="python -m heel_bot.language.training",
                                description=__doc__.splitlines()[0])
    p.add_argument("--corpus", type=Path, default=Path("tests/language"))
    p.add_argument("--out", type=Path, default=default_dir("dialogs") / ANSWERS_FILE)
    p.add_argument("--without", nargs="*", default=[],
                   help="corpus files (stems, e.g. set_ax) to leave out: to measure on them")
    args = p.parse_args(argv)
    model = train(corpus_files(args.corpus), args.without)
    write(model, args.out)
    print(f"{args.out}: {len(model['questions'])} questions, {model['cases']} replies")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
