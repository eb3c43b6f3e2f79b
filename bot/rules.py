"""Compute an outcome from answers with the data in rules.yaml: level, causes, advice.

Pure functions. The level is the most urgent that any triage rule reaches (so an outcome can
never fall below a red flag); causes are ranked by summed sign scores, with the causes named by
fired triage rules first; advice is collected by the advice rules, then every advice that a
listed cause, or the outcome's level, contraindicates is removed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot.model import Rules, TriageRule, Vocabulary

# Causes named by a fired triage rule outrank any sign score.
_FLAGGED = 1_000


@dataclass(frozen=True)
class Outcome:
    """What a finished conversation concludes."""

    level: str
    causes: tuple[str, ...]  # most likely first
    advice: tuple[str, ...]  # in the vocabulary's order
    reasons: tuple[TriageRule, ...]  # the fired rules that set the level, most urgent first


def triage(vocab: Vocabulary, rules: Rules, answers: Mapping[str, str]) -> tuple[str, tuple[
        TriageRule, ...]]:
    """The level the answers reach and every rule that fired, most urgent first."""
    fired = [r for r in rules.triage if r.when.holds(answers)]
    level = vocab.least_urgent
    for r in fired:
        level = vocab.most_urgent(level, r.level)
    fired.sort(key=lambda r: vocab.rank(r.level))
    return level, tuple(fired)


def rank_causes(
    rules: Rules, vocab: Vocabulary, answers: Mapping[str, str], fired: tuple[TriageRule, ...]
) -> tuple[str, ...]:
    """Likely causes, most likely first."""
    scores = dict.fromkeys(vocab.causes, 0)
    for i, r in enumerate(fired):
        if r.cause is not None:
            # Earlier (more urgent) flags first.
            scores[r.cause] = max(scores[r.cause], _FLAGGED * (len(fired) - i))
    for sign in rules.signs:
        if sign.when.holds(answers):
            scores[sign.cause] += sign.score
    order = {c: i for i, c in enumerate(vocab.causes)}
    listed = [c for c in vocab.causes if scores[c] >= rules.min_score]
    listed.sort(key=lambda c: (-scores[c], order[c]))
    flagged = [c for c in listed if scores[c] >= _FLAGGED]
    return tuple(listed[: max(rules.max_listed, len(flagged))])


def choose_advice(
    rules: Rules, vocab: Vocabulary, answers: Mapping[str, str], level: str,
    causes: tuple[str, ...],
) -> tuple[str, ...]:
    """The advice that fits, minus anything a listed cause rules out."""
    chosen: set[str] = set()
    for rule in rules.advice:
        if rule.when.holds(answers, level, causes):
            chosen.update(rule.add)
    for key in (*causes, level):
        chosen -= rules.contraindications.get(key, frozenset())
    return tuple(a for a in vocab.advice if a in chosen)


def evaluate(vocab: Vocabulary, rules: Rules, answers: Mapping[str, str]) -> Outcome:
    """The whole outcome for a set of answers."""
    level, fired = triage(vocab, rules, answers)
    causes = rank_causes(rules, vocab, answers, fired)
    advice = choose_advice(rules, vocab, answers, level, causes)
    return Outcome(level, causes, advice, fired)
