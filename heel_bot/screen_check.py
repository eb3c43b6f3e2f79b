"""Checks on the dialog that need the rules as well as the questions.

- A screen's questions must follow each other in the dialog (each leads only to the next one
  or to the outcome), so that answering the whole screen at once goes where answering them one
  by one would; and its items come most serious first, as the symptom model asks.
- A question skipped once the level is settled (`skip_if_settled`) may only be able to change
  the level: no cause sign, advice, withhold, text or note rule may test its slot. (Whether
  skipping it can leave the level too low is proven on every path by heel_bot/proofs.py.)
- A branch that skips questions and then rejoins the questions everyone else is asked (e.g.
  pain under the inner heel skips what running does to it) may skip only what cannot change
  the causes or the advice there: every rule testing a skipped slot must contradict the
  branch's condition. Branches to the outcome end the check early; the level proofs cover them.
"""

from __future__ import annotations

import itertools

from heel_bot.model import OUTCOME, Condition, Dialog, Rules, Screen, Vocabulary
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


def _beyond_level(rules: Rules) -> dict[str, list[Condition]]:
    """The conditions of every rule that decides more than the level, by kind."""
    return {
        "cause signs": [x.when for x in rules.signs],
        "advice rules": [x.when for x in rules.advice],
        "withhold entries": [x.when for x in rules.withhold],
        "text rules": [x.when for x in rules.texts],
        "notes": [x.when for x in rules.notes],
    }


def check_skips(r: Reader, d: Dialog, rules: Rules) -> None:
    """Report `skip_if_settled` questions whose answer could change more than the level."""
    tested = _beyond_level(rules)
    for q in d.questions.values():
        if not q.skip_if_settled:
            continue
        used = [what for what, conds in tested.items() if any(q.slot in c.slots for c in conds)]
        if used:
            r.fail(q.mark, f"question {q.id} has skip_if_settled, but its slot {q.slot} is "
                   f"tested by {', '.join(used)} in rules.yaml, so skipping it could change "
                   "the causes or the advice; only a question that can change nothing but "
                   "the level may be skipped")


def check_bypasses(r: Reader, d: Dialog, rules: Rules) -> None:
    """Report branches that skip a question whose answer could change the causes or advice
    of the people the branch is for, then rejoin the questions everyone is asked."""
    tested = _beyond_level(rules)
    for q in d.questions.values():
        for i, t in enumerate(q.next):
            if t.when is None or t.goto == OUTCOME:
                continue
            others = set().union(*(_reach(d, u.goto) for u in q.next[i + 1:]))
            ahead = _reach(d, t.goto)
            if not (others & ahead) <= _reach(d, t.goto, t.when):
                continue  # it does not rejoin for good: an early end, not a skip
            for skipped in sorted(others - ahead - {OUTCOME}):
                slot = d.questions[skipped].slot
                used = [what for what, conds in tested.items()
                        if any(slot in c.slots and not _contradicts(c, t.when) for c in conds)]
                if used:
                    r.fail(t.mark, f"this branch skips question {skipped}, but {', '.join(used)} "
                           f"in rules.yaml test {slot} without contradicting the branch's "
                           "condition, so skipping it could change the causes or the advice; "
                           f"restrict those rules or ask {skipped}")


def _contradicts(a: Condition, b: Condition) -> bool:
    """Whether `a` and `b` can never hold together (they allow no common value of a key)."""
    mine = dict(a.tests)
    return any(k in mine and not (mine[k] & allowed) for k, allowed in b.tests)


def _reach(d: Dialog, start: str, given: Condition | None = None) -> set[str]:
    """The questions (and OUTCOME) reachable from `start`; with `given` holding, branches it
    contradicts are not followed and a branch it implies is always taken."""
    seen: set[str] = set()
    todo = [start]
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        if node == OUTCOME:
            continue
        for t in d.questions[node].next:
            if t.when is not None and given is not None and _contradicts(t.when, given):
                continue
            todo.append(t.goto)
            if t.when is None or (given is not None and given.implies(t.when)):
                break
    return seen
