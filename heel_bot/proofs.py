"""Proofs over the dialog graph: what `heel-bot check` and every start rely on.

The proofs walk every path of the dialog with the answers that matter for them, merging paths
that reach the same question with the same relevant facts (so the walk stays small):

- every question is reached on some path (its conditions can all hold);
- every path ends in the outcome (the loader already refuses loops and dead ends);
- a checklist screen is the questions it contains, all answered at once: the walk takes every
  combination of its items' answers, and goes on where answering them one by one would lead;
- a question marked skip_if_settled is skipped where no answer to it could raise the level,
  exactly as the engine skips it (the end-of-path checks then prove nothing was lost);
- every specification requirement (vocabulary.yaml) is met: whenever its answers are given on
  a path, the outcome is at least its level;
- no path stops early: a path never ends while an unasked question could still raise the level;
- every branch tests only answers given on every path to it: an unasked slot would make the
  branch fail silently, and the safety net may ask a red-flag question early, so the branch
  taken must not depend on whether it did;
- no path may give advice that an unasked answer could forbid (never_advise_when: no ice
  without asking about diabetes; heel_bot/advice_proof.py);
- every check-in answer, on every day count, meets the specification (heel_bot/checkin.py).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

from heel_bot import advice_proof, checkin
from heel_bot import rules as rules_mod
from heel_bot.errors import Mark, Problem
from heel_bot.model import OUTCOME, Bundle, Condition, Question, Screen, TriageRule

_Report = Callable[[Mark, str], None]


@dataclass(frozen=True)
class _Walk:
    node: str
    level: int  # rank of the level reached, smaller is more urgent
    pending: int  # index of the most urgent requirement triggered, -1 for none
    asked: frozenset[str]
    facts: frozenset[tuple[str, str]]  # answers to the slots that conditions combine


# A path as a linked list (parent, (slot, value)): pushing an answer costs O(1); the list is
# only unrolled into text when a problem is reported.
_Path = tuple["_Path", tuple[str, str]] | None


@dataclass(frozen=True)
class _Index:
    """What the walk looks up at every answer, worked out once per proof."""

    combined: frozenset[str]  # slots whose answers a walk keeps (conditions combine them)
    triage: Mapping[str, list[tuple[TriageRule, int]]]  # slot -> rules testing it, with rank
    requirements: Mapping[str, list[int]]  # slot -> requirements testing it, by index


def _path_text(path: _Path) -> str:
    steps: list[str] = []
    while path is not None:
        path, (slot, value) = path
        steps.append(f"{slot}={value}")
    return ", ".join(reversed(steps)) or "(no answers)"


def prove(bundle: Bundle) -> list[Problem]:
    """Every problem the proofs find (empty when the dialog and the check-ins are sound)."""
    return sorted({*_prove_paths(bundle), *checkin.prove_checkin(bundle)},
                  key=lambda p: (p.mark, p.message))


def _prove_paths(bundle: Bundle) -> list[Problem]:
    """Every problem the path proofs find."""
    d, index = bundle.dialog, _index(bundle)
    problems: dict[Mark, Problem] = {}

    def report(mark: Mark, message: str) -> None:
        # One report per rule, requirement or question (each has its own mark), with the first
        # path found as its example: the same rule failing at two levels is one thing to fix.
        problems.setdefault(mark, Problem(mark, message))

    reached: set[str] = set()
    seen: set[_Walk] = set()
    # Explicit stack: (walk, path) — paths only serve error messages.
    least = len(bundle.vocabulary.levels) - 1
    stack: list[tuple[_Walk, _Path]] = [
        (_Walk(d.start, least, -1, frozenset(), frozenset()), None)
    ]
    while stack:
        walk, path = stack.pop()
        if walk in seen:
            continue
        seen.add(walk)
        reached.add(walk.node)
        if walk.node == OUTCOME:
            _check_end(bundle, walk, path, report)
            continue
        stack.extend(_step(bundle, index, walk, path, report, reached=reached))
    for qid, q in d.questions.items():
        if qid not in reached:
            report(q.mark, f"question {qid} is never reached: on every path the conditions "
                   "leading to it fail")
    return list(problems.values())


def _step(bundle: Bundle, index: _Index, walk: _Walk, path: _Path, report: _Report, *,
          reached: set[str]) -> list[tuple[_Walk, _Path]]:
    """Check the question (or screen) a walk is at; where each answer to it leads."""
    d = bundle.dialog
    q = d.questions[walk.node]
    screen = d.screen_at(q.id)
    if screen is not None:
        reached.update(screen.questions)
        asked = walk.asked | {d.questions[i].slot for i in screen.questions}
        for item in screen.questions:
            _check_branches(d.questions[item], replace(walk, asked=asked), path, report)
        return _screen_successors(bundle, index, screen, walk, path)
    _check_branches(q, walk, path, report)
    if q.skip_if_settled and not rules_mod.can_raise(
            bundle.vocabulary, bundle.rules, q.slot, dict(walk.facts),
            bundle.vocabulary.levels[walk.level]):
        facts = dict(walk.facts)
        nxt = next(t.goto for t in q.next if t.when is None or t.when.holds(facts))
        return [(replace(walk, node=nxt), path)]
    return _successors(bundle, index, q, walk, path)


def _combined_slots(bundle: Bundle) -> frozenset[str]:
    """The slots whose answers a walk must keep: branches, rules and requirements that test
    more than one slot, and the slots never_advise_when tests."""
    combined: set[str] = set()
    for q in bundle.dialog.questions.values():
        for t in q.next:
            if t.when is not None:
                combined |= t.when.slots
    conditions = [r.when for r in bundle.rules.triage]
    conditions += [r.when for r in bundle.vocabulary.requirements]
    for cond in conditions:
        if len(cond.tests) > 1:
            combined |= cond.slots
    return frozenset(combined | advice_proof.ban_slots(bundle))


def _index(bundle: Bundle) -> _Index:
    vocab = bundle.vocabulary
    by_slot: dict[str, list[tuple[TriageRule, int]]] = {}
    for rule in bundle.rules.triage:
        for s in rule.when.slots:
            by_slot.setdefault(s, []).append((rule, vocab.rank(rule.level)))
    reqs_by_slot: dict[str, list[int]] = {}
    for i, req in enumerate(vocab.requirements):
        for s in req.when.slots:
            reqs_by_slot.setdefault(s, []).append(i)
    return _Index(_combined_slots(bundle), by_slot, reqs_by_slot)


def _check_branches(q: Question, walk: _Walk, path: _Path, report: _Report) -> None:
    """Each branch of `q` tests only answers already given on this path."""
    for t in q.next:
        unasked = (t.when.slots - walk.asked - {q.slot}) if t.when else frozenset()
        if unasked:
            report(t.mark, f"question {q.id}: the branch to {t.goto} tests "
                   f"{', '.join(sorted(unasked))}, which is not asked on every path here "
                   f"(not on the path {_path_text(path)}); branch only on answers "
                   "already given")


def _successors(bundle: Bundle, index: _Index, q: Question, walk: _Walk, path: _Path
                ) -> list[tuple[_Walk, _Path]]:
    """Where each option of `q` leads, in the order of the options."""
    facts = dict(walk.facts)
    asked = walk.asked | {q.slot}
    # Facts kept for the next question: those already kept, plus this answer if it counts.
    base = frozenset(x for x in walk.facts if x[0] != q.slot)
    out: list[tuple[_Walk, _Path]] = []
    for opt in q.options:
        answers = {**facts, q.slot: opt.value}
        level = walk.level
        for rule, rank in index.triage.get(q.slot, ()):
            if rank < level and rule.when.holds(answers):
                level = rank
        pending = _pending(bundle, index, q.slot, answers, walk.pending)
        nxt = next(t.goto for t in q.next if t.when is None or t.when.holds(answers))
        kept = base | {(q.slot, opt.value)} if q.slot in index.combined else base
        out.append((_Walk(nxt, level, pending, asked, kept), (path, (q.slot, opt.value))))
    return out


def _screen_successors(bundle: Bundle, index: _Index, screen: Screen, walk: _Walk,
                       path: _Path) -> list[tuple[_Walk, _Path]]:
    """Every combination of a screen's answers, and where the dialog goes from each."""
    d = bundle.dialog
    items = [d.questions[i] for i in screen.questions]
    slots = {q.slot for q in items}
    base = frozenset(x for x in walk.facts if x[0] not in slots)
    out: list[tuple[_Walk, _Path]] = []
    for combo in itertools.product(*([o.value for o in q.options] for q in items)):
        given = dict(zip((q.slot for q in items), combo, strict=True))
        answers = {**dict(walk.facts), **given}
        level, pending, step = walk.level, walk.pending, path
        for slot, value in given.items():
            for rule, rank in index.triage.get(slot, ()):
                if rank < level and rule.when.holds(answers):
                    level = rank
            pending = _pending(bundle, index, slot, answers, pending)
            step = (step, (slot, value))
        node = screen.first
        while node in screen.questions:
            node = next(t.goto for t in d.questions[node].next
                        if t.when is None or t.when.holds(answers))
        kept = base | {(s, v) for s, v in given.items() if s in index.combined}
        out.append((_Walk(node, level, pending, walk.asked | slots, kept), step))
    return out


def _pending(bundle: Bundle, index: _Index, slot: str, answers: Mapping[str, str],
             pending: int) -> int:
    """The most urgent requirement triggered once `slot` is answered (-1 for none)."""
    vocab = bundle.vocabulary
    reqs = vocab.requirements
    for i in index.requirements.get(slot, ()):
        if not reqs[i].when.holds(answers):
            continue
        if pending < 0 or vocab.rank(reqs[i].level) < vocab.rank(reqs[pending].level):
            pending = i
    return pending


def _check_end(bundle: Bundle, walk: _Walk, path: _Path, report: _Report) -> None:
    vocab, rules = bundle.vocabulary, bundle.rules
    level = vocab.levels[walk.level]
    if walk.pending >= 0:
        req = vocab.requirements[walk.pending]
        if vocab.rank(req.level) < walk.level:
            report(req.mark, f"the specification requires at least {req.level} here, but the "
                   f"rules give {level} on the path {_path_text(path)}")
    facts = dict(walk.facts)
    advice_proof.check_path_end(bundle, level, facts, walk.asked,
                                path=lambda: _path_text(path), report=report)
    for rule in rules.triage:
        if vocab.rank(rule.level) >= walk.level:
            continue
        unasked = [s for s in rule.when.slots if s not in walk.asked]
        if unasked and _could_hold(rule.when, facts, walk.asked):
            report(rule.mark, f"a path ends at {level} without asking {', '.join(sorted(unasked))}"
                   f", which could make it {rule.level} (rule {rule.id}) on the path "
                   f"{_path_text(path)}")


def _could_hold(cond: Condition, facts: Mapping[str, str], asked: frozenset[str]) -> bool:
    for slot, allowed in cond.tests:
        if slot in asked and (slot not in facts or facts[slot] not in allowed):
            return False
    return True
