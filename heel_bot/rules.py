"""Compute an outcome from answers with the data in rules.yaml: level, causes, advice.

Pure functions. The level is the most urgent that any triage rule reaches (so an outcome can
never fall below a red flag); causes are ranked by summed sign scores, with the causes named by
fired triage rules first; advice is collected by the advice rules, then every advice that a
listed cause, or the outcome's level, contraindicates, and every advice a `withhold` entry
forbids for these answers, is removed. Text rules pick the variant of a text that fits (e.g.
rest "until you are seen"), and notes add the paragraphs that apply (e.g. diabetes foot care).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from heel_bot.model import Rules, TriageRule, Vocabulary

# Causes named by a fired triage rule outrank any sign score.
_FLAGGED = 1_000


@dataclass(frozen=True)
class Outcome:
    """What a finished conversation concludes."""

    level: str
    causes: tuple[str, ...]  # most likely first
    advice: tuple[str, ...]  # in the vocabulary's order
    reasons: tuple[TriageRule, ...]  # the fired rules that set the level, most urgent first
    texts: Mapping[str, str] = field(default_factory=dict)  # default key -> key to show
    notes: tuple[str, ...] = ()  # content keys of the notes that apply

    def text(self, key: str) -> str:
        """The content key to show for `key` in this outcome (its variant, if one applies)."""
        return self.texts.get(key, key)


def triage(vocab: Vocabulary, rules: Rules, answers: Mapping[str, str]) -> tuple[str, tuple[
        TriageRule, ...]]:
    """The level the answers reach and every rule that fired, most urgent first."""
    fired = [r for r in rules.triage if r.when.holds(answers)]
    level = vocab.least_urgent
    for r in fired:
        level = vocab.most_urgent(level, r.level)
    fired.sort(key=lambda r: vocab.rank(r.level))
    return level, tuple(fired)


def can_raise(vocab: Vocabulary, rules: Rules, slot: str, answers: Mapping[str, str],
              level: str) -> bool:
    """Whether some answer to `slot` could still raise the level above `level`: a triage rule
    testing it reaches higher and no answer given contradicts it (unanswered slots may take
    any value)."""
    rank = vocab.rank(level)
    for r in rules.triage:
        if slot in r.when.slots and vocab.rank(r.level) < rank and all(
                s == slot or s not in answers or answers[s] in allowed
                for s, allowed in r.when.tests):
            return True
    return False


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
    shown = listed[: max(rules.max_listed, len(flagged))]
    # Causes a fired rule always lists (e.g. Sever's for an under-16) come last if not ranked.
    shown += [c for r in fired for c in r.lists if c not in shown]
    return tuple(dict.fromkeys(shown))


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
    for ban in rules.withhold:
        if ban.when.holds(answers, level, causes):
            chosen -= ban.advice
    return tuple(a for a in vocab.advice if a in chosen)


def choose_texts(rules: Rules, answers: Mapping[str, str], level: str,
                 causes: tuple[str, ...]) -> tuple[dict[str, str], tuple[str, ...]]:
    """The text variants (first rule per key wins) and the notes that apply."""
    texts: dict[str, str] = {}
    for t in rules.texts:
        if t.replace not in texts and t.when.holds(answers, level, causes):
            texts[t.replace] = t.use
    notes = tuple(n.text for n in rules.notes if n.when.holds(answers, level, causes))
    return texts, notes


def evaluate(vocab: Vocabulary, rules: Rules, answers: Mapping[str, str]) -> Outcome:
    """The whole outcome for a set of answers."""
    level, fired = triage(vocab, rules, answers)
    causes = rank_causes(rules, vocab, answers, fired)
    advice = choose_advice(rules, vocab, answers, level, causes)
    texts, notes = choose_texts(rules, answers, level, causes)
    return Outcome(level, causes, advice, fired, texts, notes)
