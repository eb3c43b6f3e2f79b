"""Checks on the dialog that need the rules as well as the questions.

- A screen's questions must follow each other in the dialog (each leads only to the next one
  or to the outcome), so that answering the whole screen at once goes where answering them one
  by one would; and its items come most serious first, as the symptom model asks.
- A question skipped once the level is settled (`skip_if_settled`) may only be able to change
  the level: no cause sign, advice, withhold, text or note rule may test its slot. (Whether
  skipping it can leave the level too low is proven on every path by heel_bot/proofs.py.)
"""

from __future__ import annotations

import itertools

from heel_bot.model import OUTCOME, Dialog, Rules, Screen, Vocabulary
from heel_bot.reading import Reader


def yes_rank(vocab: Vocabulary, rules: Rules, slot: str) -> int:
    """The most urgent level a yes to `slot` reaches on its own (smaller: more urgent)."""
    ranks = [vocab.rank(r.level) for r in rules.triage
             if r.when.tests == ((slot, frozenset({"yes"})),)]
    return min(ranks, default=len(vocab.levels))


def check_screens(r: Reader, d: Dialog, vocab: Vocabulary, rules: Rules) -> None:
    """Report screens whose questions do not follow each other or are not most serious first."""
    for screen in d.screens.values():
        _check_chain(r, d, screen)
        ranks = [yes_rank(vocab, rules, d.questions[q].slot) for q in screen.questions]
        for i in range(1, len(ranks)):
            if ranks[i] < ranks[i - 1]:
                r.fail(screen.mark, f"screen {screen.id}: {screen.questions[i]} is more serious "
                       f"than {screen.questions[i - 1]} above it; list the most serious first")
                break


def _check_chain(r: Reader, d: Dialog, screen: Screen) -> None:
    qs = screen.questions
    for here, after in itertools.pairwise(qs):
        for t in d.questions[here].next:
            if t.goto not in (after, OUTCOME):
                r.fail(t.mark, f"question {here} is on screen {screen.id}, so it may lead only "
                       f"to {after} (the next item) or to the outcome, not to {t.goto}")


def check_skips(r: Reader, d: Dialog, rules: Rules) -> None:
    """Report `skip_if_settled` questions whose answer could change more than the level."""
    tested = {
        "cause signs": [x.when for x in rules.signs],
        "advice rules": [x.when for x in rules.advice],
        "withhold entries": [x.when for x in rules.withhold],
        "text rules": [x.when for x in rules.texts],
        "notes": [x.when for x in rules.notes],
    }
    for q in d.questions.values():
        if not q.skip_if_settled:
            continue
        used = [what for what, conds in tested.items() if any(q.slot in c.slots for c in conds)]
        if used:
            r.fail(q.mark, f"question {q.id} has skip_if_settled, but its slot {q.slot} is "
                   f"tested by {', '.join(used)} in rules.yaml, so skipping it could change "
                   "the causes or the advice; only a question that can change nothing but "
                   "the level may be skipped")
