"""The labelled corpus of typed answers (tests/language/*.yaml), and how well they are read.

Each case is a message, the question it answers (or none: an opening message) and what a
careful person reads in it: the answer, the facts, what must be confirmed. The measures are
the issue's targets: red flags lost (a reassuring value where the text affirms or hedges the
red flag) must be 0; answers right ≥ 95%; understood messages left not understood ≤ 5%;
off-topic messages that record something ≤ 3%.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from heel_bot.language.understand import UNSURE, Understander, Understanding
from heel_bot.model import Bundle
from heel_bot.yamlsrc import load_file


@dataclass(frozen=True)
class Case:
    """One labelled message."""

    file: str
    question: str | None
    text: str
    answer: str | None
    facts: Mapping[str, str]
    confirm: tuple[str, ...]
    understood: bool
    tags: tuple[str, ...]
    answered: Mapping[str, str]
    today: date | None = None  # the day the message is read (for "since March")


@dataclass
class Score:
    """Counts for one question (or all), and the cases that went wrong."""

    cases: int = 0
    right: int = 0
    should_understand: int = 0
    not_understood: int = 0
    offtopic: int = 0
    offtopic_recorded: int = 0
    red_flags_lost: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)

    def rate(self, part: int, whole: int) -> float:
        """part / whole, 0 when there is nothing to count."""
        return part / whole if whole else 0.0


HELDOUT = "heldout_sample.yaml"  # scored on its own: an estimate of generalisation


def read_cases(paths: Iterable[Path], *, heldout: bool = False) -> list[Case]:
    """Every case of the corpus files (folders expanded to their *.yaml files, without the
    held-out sample unless `heldout`). A file's `question` applies to each case unless the
    case names its own (files of mixed questions say `question: mixed`)."""
    out: list[Case] = []
    for path in paths:
        files = sorted(path.glob("*.yaml")) if path.is_dir() else [path]
        for f in files:
            if path.is_dir() and (f.name == HELDOUT) != heldout:
                continue
            data = load_file(f).plain()
            if isinstance(data, dict) and "cases" in data:
                out += [_case(f.name, data.get("question"), c) for c in data["cases"]]
    return out


def _case(file: str, question: object, c: dict[str, object]) -> Case:
    q = c.get("question", question)
    today = c.get("today")
    return Case(file, None if q in (None, "mixed") else str(q), str(c["text"]),
                _opt(c.get("answer")), _map(c.get("facts")), _strs(c.get("confirm")),
                bool(c.get("understood", True)), _strs(c.get("tags")), _map(c.get("answered")),
                date.fromisoformat(str(today)) if today else None)


def _strs(value: object) -> tuple[str, ...]:
    return tuple(str(v) for v in value) if isinstance(value, list) else ()


def _map(value: object) -> dict[str, str]:
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}


def _opt(value: object) -> str | None:
    return None if value is None else str(value)


def judge(bundle: Bundle, understander: Understander, cases: Iterable[Case]
          ) -> dict[str, Score]:
    """Scores by question id ("opening" for none) and "all"."""
    scores: dict[str, Score] = {"all": Score()}
    red = set(bundle.vocabulary.red_flag_slots)
    alarming = bundle.dialog.alarming
    for case in cases:
        q = bundle.dialog.questions.get(case.question) if case.question else None
        u = understander.understand(case.text, q, case.answered, today=case.today)
        for key in ("all", case.question or "opening"):
            _count(scores.setdefault(key, Score()), case, u, red, alarming)
    return scores


def _count(s: Score, case: Case, u: Understanding, red: set[str],
           alarming: Mapping[str, frozenset[str]]) -> None:
    s.cases += 1
    answer = None if u.answer == UNSURE else u.answer
    right = (answer == case.answer and set(case.confirm) <= set(u.confirm)
             and all(u.facts.get(k) == v for k, v in case.facts.items()))
    s.right += right
    if not right:
        s.wrong.append(f"{case.file}: {case.text!r}: expected answer={case.answer} "
                       f"facts={dict(case.facts)} confirm={list(case.confirm)}; got "
                       f"answer={answer} facts={dict(u.facts)} confirm={list(u.confirm)}")
    if case.understood:
        s.should_understand += 1
        s.not_understood += not u.understood
    if "offtopic" in case.tags and not case.understood:
        s.offtopic += 1
        s.offtopic_recorded += bool(u.facts)
    for slot in red:
        feared = case.facts.get(slot) if slot != case.question else case.answer
        worried = slot in case.confirm or (feared is not None and feared in alarming.get(
            slot, frozenset()))
        got = u.facts.get(slot)
        if worried and got is not None and got not in alarming.get(slot, frozenset()):
            s.red_flags_lost.append(f"{case.file}: {case.text!r}: {slot}={got}")


def report(scores: Mapping[str, Score]) -> str:
    """Per-question accuracy and the four target measures, as text."""
    lines = [f"{'question':<18} {'cases':>5} {'right':>7} {'not understood':>15}"]
    for key, s in sorted(scores.items(), key=lambda kv: (kv[0] == "all", kv[0])):
        lines.append(f"{key:<18} {s.cases:>5} {s.rate(s.right, s.cases):>7.1%} "
                     f"{s.rate(s.not_understood, s.should_understand):>15.1%}")
    a = scores["all"]
    lines += ["", f"red flags lost: {len(a.red_flags_lost)} (target 0)",
              f"answers right: {a.rate(a.right, a.cases):.1%} (target ≥ 95%)",
              f"not understood: {a.rate(a.not_understood, a.should_understand):.1%} "
              "(target ≤ 5%)",
              f"off-topic recorded: {a.rate(a.offtopic_recorded, a.offtopic):.1%} "
              "(target ≤ 3%)"]
    return "\n".join(lines)
