"""Issue 9: what the learned second opinion adds on text it has not seen, by the rules as they
were before anyone read that text.

    python -m benchmarks.learned_heldout

For each round below, the blind sets are read by the language layer as it was at the commit
that added them (a `git archive` run in a subprocess by benchmarks/fallback_dump.py: their
first sight, before any rule was written for them). The answer model is trained
(heel_bot/language/training.py) on every labelled reply except those sets and every set
written after them, then reviews those first-sight readings exactly as the shipped layer does
(heel_bot/language/second.py). Prints each set's score with the rules alone and with the
second opinion, in the corpus test's terms. Needs scikit-learn (the test extras) and git.
The measured table is in docs/language.md (*The learned second opinion*).
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass

from benchmarks.fallback_knn import CORPUS, ROOT
from heel_bot import loader
from heel_bot.language import corpus, learned, training
from heel_bot.language.second import SecondOpinion
from heel_bot.language.understand import Understanding
from heel_bot.model import Bundle, Question

LATER = ("set_as", "set_at", "set_au", "set_av", "set_aw", "set_ax")
# written once the second opinion was built (left out of training, as written later)
AFTER = ("set_ay", "set_az", "set_ba", "set_bb", "set_bc", "set_bd", "set_be", "set_bf",
         "set_bg", "set_bh", "set_bi", "set_bj", "set_bk", "set_bl", "set_bm", "set_bn",
         "set_bo", "set_bp", "set_bq", "set_br", "set_bs", "set_bt", "set_bu",
         "set_bv", "set_bw", "set_bx", "set_by", "set_bz", "set_ca", "set_cb", "set_cc",
         "set_cd", "set_ce", "set_cf", "set_cg", "set_ch", "set_ci", "set_cj", "set_ck",
         "set_cl", "set_cm", "set_cn", "set_co",
         "set_cp", "set_cq", "set_cr", "set_cs",
         "set_ct", "set_cu", "set_cv", "set_cw",
         "set_cx", "set_cy", "set_cz", "set_da",
         "set_db", "set_dc", "set_dd", "set_de",
         "set_df", "set_dg", "set_dh", "set_di",
         "set_dj", "set_dk", "set_dl", "set_dm",
         "set_dn", "set_do", "set_dp", "set_dq")
# (commit that added the sets, the sets, sets written later: left out of training too)
ROUNDS = (
    ("21104fb", ("set_am", "set_an", "set_ao", "set_ap", "set_aq", "set_ar"), (*LATER, *AFTER)),
    ("76712ea", LATER, AFTER),
)


@dataclass
class Replay:
    """An understander giving back readings made beforehand, reviewed or not."""

    readings: Mapping[tuple[str | None, str], Understanding]
    review: SecondOpinion | None = None

    def understand(self, text: str, question: Question | None = None,
                   answered: object = None, *, today: object = None) -> Understanding:
        del answered, today
        u = self.readings[(question.id if question else None, text)]
        return self.review(u, question, text) if self.review and question else u


def readings(commit: str, names: tuple[str, ...], into: str) -> dict:
    """First-sight readings of the sets, by the layer at `commit`."""
    from benchmarks.fallback_knn import snapshot_readings  # noqa: PLC0415

    out: dict = {}
    for name in names:
        out.update(snapshot_readings(commit, f"{name}.yaml", into))
    return out


def score(bundle: Bundle, name: str, reader: Replay) -> corpus.Score:
    cases = corpus.read_cases([CORPUS / "blind" / f"{name}.yaml"])
    return corpus.judge(bundle, reader, cases)["all"]  # type: ignore[arg-type]


def main() -> int:
    bundle = loader.load()
    files = training.corpus_files(CORPUS)
    print("| set | first sight: rules alone | + second opinion | red flags lost | off-topic "
          "recorded |\n|---|---|---|---|---|")
    totals = [0, 0, 0]
    with tempfile.TemporaryDirectory() as into:
        for commit, names, later in ROUNDS:
            model = learned.from_data(training.train(files, (*names, *later)),
                                      learned.allowed(bundle))
            seen = readings(commit, names, into)
            plain, reviewed = Replay(seen), Replay(seen, SecondOpinion(bundle, model))
            for name in names:
                a, b = score(bundle, name, plain), score(bundle, name, reviewed)
                totals = [totals[0] + a.cases, totals[1] + a.right, totals[2] + b.right]
                print(f"| {name} ({commit}) | {a.rate(a.right, a.cases):.1%} | "
                      f"{b.rate(b.right, b.cases):.1%} | {len(a.red_flags_lost)} → "
                      f"{len(b.red_flags_lost)} | {a.offtopic_recorded} → "
                      f"{b.offtopic_recorded} of {b.offtopic} |")
    n, r0, r1 = totals
    print(f"| all {n} | {r0 / n:.1%} | {r1 / n:.1%} | | |")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main())
