"""Proofs over the dialog graph, and the dialog drawn as a Mermaid or Graphviz diagram.

The proofs walk every path of the dialog with the answers that matter for them, merging paths
that reach the same question with the same relevant facts (so the walk stays small):

- every question is reached on some path (its conditions can all hold);
- every path ends in the outcome (the loader already refuses loops and dead ends);
- every specification requirement (vocabulary.yaml) is met: whenever its answers are given on
  a path, the outcome is at least its level;
- no path stops early: a path never ends while an unasked question could still raise the level;
- every branch tests only answers given on every path to it: an unasked slot would make the
  branch fail silently, and the safety net may ask a red-flag question early, so the branch
  taken must not depend on whether it did;
- no path may give advice that an unasked answer could forbid (never_advise_when: no ice
  without asking about diabetes; bot/advice_proof.py);
- every check-in answer, on every day count, meets the specification (bot/checkin.py).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from bot import advice_proof, checkin, loader, model, read_rules, reading, yamlsrc
from bot import rules as rules_mod
from bot.errors import DefinitionError, Mark, Problem
from bot.model import OUTCOME, Bundle, Condition, Requirement, TriageRule


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
    d, vocab, rules = bundle.dialog, bundle.vocabulary, bundle.rules
    reqs: tuple[Requirement, ...] = vocab.requirements
    combined: set[str] = set()
    for q in d.questions.values():
        for t in q.next:
            if t.when is not None:
                combined |= t.when.slots
    for cond in [r.when for r in rules.triage] + [r.when for r in reqs]:
        if len(cond.tests) > 1:
            combined |= cond.slots
    combined |= advice_proof.ban_slots(bundle)

    by_slot: dict[str, list[tuple[TriageRule, int]]] = {}
    for rule in rules.triage:
        for s in rule.when.slots:
            by_slot.setdefault(s, []).append((rule, vocab.rank(rule.level)))
    reqs_by_slot: dict[str, list[int]] = {}
    for i, req in enumerate(reqs):
        for s in req.when.slots:
            reqs_by_slot.setdefault(s, []).append(i)

    problems: dict[Mark, Problem] = {}
    reached: set[str] = set()
    seen: set[_Walk] = set()
    least = len(vocab.levels) - 1

    def report(mark: Mark, message: str) -> None:
        # One report per rule, requirement or question (each has its own mark), with the first
        # path found as its example: the same rule failing at two levels is one thing to fix.
        problems.setdefault(mark, Problem(mark, message))

    # Explicit stack: (walk, path) — paths only serve error messages.
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
        q = d.questions[walk.node]
        for t in q.next:
            unasked = (t.when.slots - walk.asked - {q.slot}) if t.when else frozenset()
            if unasked:
                report(t.mark, f"question {q.id}: the branch to {t.goto} tests "
                       f"{', '.join(sorted(unasked))}, which is not asked on every path here "
                       f"(not on the path {_path_text(path)}); branch only on answers "
                       "already given")
        facts = dict(walk.facts)
        asked = walk.asked | {q.slot}
        # Facts kept for the next question: those already kept, plus this answer if it counts.
        base = frozenset(x for x in walk.facts if x[0] != q.slot)
        for opt in q.options:
            answers = {**facts, q.slot: opt.value}
            level = walk.level
            for rule, rank in by_slot.get(q.slot, ()):
                if rank < level and rule.when.holds(answers):
                    level = rank
            pending = walk.pending
            for i in reqs_by_slot.get(q.slot, ()):
                if not reqs[i].when.holds(answers):
                    continue
                if pending < 0 or vocab.rank(reqs[i].level) < vocab.rank(reqs[pending].level):
                    pending = i
            nxt = next(t.goto for t in q.next if t.when is None or t.when.holds(answers))
            kept = base | {(q.slot, opt.value)} if q.slot in combined else base
            stack.append((_Walk(nxt, level, pending, asked, kept), (path, (q.slot, opt.value))))

    for qid, q in d.questions.items():
        if qid not in reached:
            report(q.mark, f"question {qid} is never reached: on every path the conditions "
                   "leading to it fail")
    return list(problems.values())


def _check_end(bundle: Bundle, walk: _Walk, path: _Path,
               report: Callable[[Mark, str], None]) -> None:
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


# ---------------------------------------------------------------- diagrams


def _cond_text(cond: Condition | None) -> str:
    if cond is None:
        return "otherwise"
    return " and ".join(f"{s} = {' or '.join(sorted(v))}" for s, v in cond.tests)


def mermaid(bundle: Bundle) -> str:
    """The dialog as a Mermaid flowchart (stable text, for the README)."""
    d = bundle.dialog
    lines = ["flowchart TD"]
    for q in d.questions.values():
        lines.append(f'    {q.id}["{q.id}<br/><i>{q.section}</i>"]')
    lines.append(f'    {OUTCOME}(["{OUTCOME}: urgent / see_doctor / self_care"])')
    for q in d.questions.values():
        for t in q.next:
            lines.append(f'    {q.id} -->|"{_cond_text(t.when)}"| {t.goto}')
    return "\n".join(lines) + "\n"


def dot(bundle: Bundle) -> str:
    """The dialog as a Graphviz digraph."""
    d = bundle.dialog
    lines = [f'digraph "{d.name}" {{', "    rankdir=TB;", "    node [shape=box];"]
    for q in d.questions.values():
        lines.append(f'    "{q.id}" [label="{q.id}\\n({q.section})"];')
    lines.append(f'    "{OUTCOME}" [shape=doublecircle];')
    for q in d.questions.values():
        for t in q.next:
            lines.append(f'    "{q.id}" -> "{t.goto}" [label="{_cond_text(t.when)}"];')
    lines.append("}")
    return "\n".join(lines) + "\n"


def load_proven(dialogs: Path | None = None, content: Path | None = None) -> Bundle:
    """Load, validate and prove: what the bot starts from (it never runs on an unsafe dialog).

    The proof is a pure function of the definition files and of the code that reads and proves
    them, so a successful proof is remembered under a hash of all of those (an empty marker
    file in the user's cache folder): an unchanged dialog is not proved again at every start,
    and any edit to a definition or to that code proves afresh. Validation always runs.
    """
    ddir = dialogs or loader.default_dir("dialogs")
    cdir = content or loader.default_dir("content")
    bundle = loader.load(ddir, cdir)
    marker = _proof_marker(ddir, cdir)
    if marker is not None and marker.exists():
        return bundle
    problems = prove(bundle)
    if problems:
        raise DefinitionError(problems)
    if marker is not None:
        with contextlib.suppress(OSError):  # a cache that cannot be written only costs time
            marker.parent.mkdir(parents=True, exist_ok=True)
            marker.touch()
    return bundle


def _proof_marker(dialogs: Path, content: Path) -> Path | None:
    """Where a successful proof of exactly these files and this code is remembered."""
    if os.environ.get("HEEL_BOT_PROOF_CACHE", "1") == "0":
        return None
    digest = hashlib.sha256()
    try:
        files = [*sorted(dialogs.glob("*.yaml")), *sorted(content.glob("*.yaml")),
                 *(Path(m.__file__ or "") for m in (sys.modules[__name__], loader, model,
                                                     yamlsrc, advice_proof, checkin,
                                                     read_rules, reading, rules_mod))]
        for path in files:
            digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    except OSError:
        return None
    return platformdirs.user_cache_path("heel-bot") / "proven" / digest.hexdigest()
