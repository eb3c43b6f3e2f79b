"""Issue 9 experiment, two more uses of the nearest labelled example (see fallback_knn.py).

    python -m benchmarks.fallback_variants [--readers tfidf,minilm] [--minilm DIR]

- escalate: where the lexicon gives a red flag its reassuring value, ask it with buttons
  instead when the nearest example's answer is alarming or to be confirmed;
- veto: where the lexicon records only values that are not alarming (nothing to confirm, no
  emergency), record nothing when the nearest example is off-topic.
Thresholds are calibrated leave-one-out on the examples for 95% right, as in fallback_knn.py;
the blind sets are read by the layer as it was before tuning on them.
"""

import argparse
import sys
import tempfile
from dataclasses import replace

from benchmarks.fallback_knn import (
    BLIND,
    CONFIRM,
    CORPUS,
    OFF,
    READERS,
    Knn,
    Replay,
    examples,
    measure,
    snapshot_readings,
)
from heel_bot import loader
from heel_bot.language import corpus


def threshold(knn, wanted, target=0.95):
    """The lowest similarity above which a leave-one-out answer in `wanted` is right at
    `target` (an answer is right when the example's own label is in `wanted` too)."""
    rows = []
    for e in knn.pool:
        found, sim, _ = knn.nearest(e.question, e.text, exclude=e.text)
        if found in wanted:
            rows.append((sim, e.label in wanted))
    rows.sort(reverse=True)
    best, right = 1.01, 0
    for n, (sim, good) in enumerate(rows, 1):
        right += good
        if right / n >= target:
            best = sim
    return best


def escalate(u, q, text, knn, t, *, alarming):
    slot = q.slot
    if u.answer is None or u.answer in alarming.get(slot, ()) or slot not in alarming:
        return None
    found, sim, _ = knn.nearest(q.id, text)
    if sim < t or not (found == CONFIRM or found in alarming[slot]):
        return None
    facts = {k: v for k, v in u.facts.items() if k != slot}
    return replace(u, answer=None, facts=facts, confirm=(*u.confirm, slot))


def veto(u, q, text, knn, t, *, alarming):
    if not u.facts or u.confirm or u.emergency or any(
            v in alarming.get(k, ()) for k, v in u.facts.items()):
        return None
    found, sim, _ = knn.nearest(q.id, text)
    if found != OFF or sim < t:
        return None
    return replace(u, answer=None, facts={}, understood=False)


def run(bundle, name, before, reader_name):
    main = [f.name for f in sorted(CORPUS.glob("*.yaml"))]
    pool = examples(bundle, [*main, f"blind/{BLIND[name][1]}"])
    knn = Knn(pool, READERS[reader_name]([e.text for e in pool]))
    red = set(bundle.vocabulary.red_flag_slots)
    alarming = {s: v for s, v in bundle.dialog.alarming.items() if s in red}
    cases = corpus.read_cases([CORPUS / "blind" / name])
    worrying = {CONFIRM} | {v for values in alarming.values() for v in values}
    for use, wanted in ((escalate, worrying), (veto, {OFF})):
        t, after, fired = threshold(knn, wanted), dict(before), []
        for c in cases:
            q = bundle.dialog.questions.get(c.question) if c.question else None
            found = q and use(before[(c.question, c.text)], q, c.text, knn, t,
                                 alarming=alarming)
            if found:
                after[(c.question, c.text)] = found
                fired.append(c.text)
        a = corpus.judge(bundle, Replay(after), cases)["all"]
        print(f"| {name} | {reader_name} {use.__name__} | {t:.2f} | {len(fired)} | "
              f"{measure(a)} |")
        for text in fired:
            print(f"|   | {text!r} | | | | | | |")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--readers", default="tfidf")
    p.add_argument("--minilm", default=None, metavar="DIR")
    args = p.parse_args(argv)
    if args.minilm:
        sys.path.insert(0, args.minilm)
    bundle = loader.load()
    print("| set | reader and use | threshold | fired | red flags lost | right | "
          "not understood | off-topic recorded |\n|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for name, (commit, _) in BLIND.items():
            before = snapshot_readings(commit, name, tmp)
            a = corpus.judge(bundle, Replay(before), corpus.read_cases(
                [CORPUS / "blind" / name]))["all"]
            print(f"| {name} | lexicon alone ({commit}) | | | {measure(a)} |")
            for reader_name in args.readers.split(","):
                run(bundle, name, before, reader_name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
