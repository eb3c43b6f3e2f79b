"""The path proof for advice an answer forbids (never_advise_when), used by heel_bot/proofs.py.

The loader already proves that whenever a never_advise_when entry holds, the rules withhold its
advice. What the answers cannot show is an answer never asked: a path that ends advising ice
without having asked about diabetes would give ice to a person with diabetes. So at the end of
every path this module works out which advice the outcome could possibly give there, and
reports an entry whose advice could be given while a slot it tests was never asked.

"Could possibly" over-approximates, so the proof errs on the side of asking: a condition could
hold when every slot it tests was asked and no known answer contradicts it (unasked slots have
no answer at the end of a path, and an unanswered slot never satisfies a condition).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from heel_bot.errors import Mark
from heel_bot.model import CAUSE_KEY, LEVEL_KEY, Bundle, Condition


def ban_slots(bundle: Bundle) -> frozenset[str]:
    """The slots never_advise_when entries test: the proof keeps their answers on each path."""
    out: set[str] = set()
    for ban in bundle.vocabulary.never_advise_when:
        out |= ban.when.slots - {LEVEL_KEY, CAUSE_KEY}
    return frozenset(out)


def _may_hold(cond: Condition, facts: Mapping[str, str], asked: frozenset[str],
              level: str, causes: frozenset[str]) -> bool:
    for key, allowed in cond.tests:
        if key == LEVEL_KEY:
            if level not in allowed:
                return False
        elif key == CAUSE_KEY:
            if not causes & allowed:
                return False
        elif key not in asked or (key in facts and facts[key] not in allowed):
            return False
    return True


def possible_causes(bundle: Bundle, facts: Mapping[str, str], asked: frozenset[str]
                    ) -> frozenset[str]:
    """Causes the outcome could list at the end of a path with these answers asked."""
    rules, level = bundle.rules, bundle.vocabulary.least_urgent
    out = {r.cause for r in rules.triage
           if r.cause and _may_hold(r.when, facts, asked, level, frozenset())}
    best: dict[str, int] = {}
    for sign in rules.signs:
        if _may_hold(sign.when, facts, asked, level, frozenset()):
            best[sign.cause] = best.get(sign.cause, 0) + sign.score
    out |= {c for c, score in best.items() if score >= rules.min_score}
    return frozenset(out)


def possible_advice(bundle: Bundle, facts: Mapping[str, str], asked: frozenset[str],
                    level: str) -> frozenset[str]:
    """Advice the outcome could give at the end of a path (level known, causes possible)."""
    causes = possible_causes(bundle, facts, asked)
    out: set[str] = set()
    for rule in bundle.rules.advice:
        if _may_hold(rule.when, facts, asked, level, causes):
            out.update(rule.add)
    return frozenset(out) - bundle.rules.contraindications.get(level, frozenset())


def check_path_end(bundle: Bundle, level: str, facts: Mapping[str, str],
                   asked: frozenset[str], *, path: Callable[[], str],
                   report: Callable[[Mark, str], None]) -> None:
    """Report each never_advise_when entry whose advice this path could give unasked."""
    open_bans = [(ban, sorted(ban.when.slots - {LEVEL_KEY, CAUSE_KEY} - asked))
                 for ban in bundle.vocabulary.never_advise_when]
    open_bans = [(ban, unasked) for ban, unasked in open_bans if unasked]
    if not open_bans:  # most paths ask every slot a ban tests: nothing to work out
        return
    advice = possible_advice(bundle, facts, asked, level)
    for ban, unasked in open_bans:
        given = sorted(ban.advice & advice)
        if given:
            report(ban.mark, f"a path ends at {level} that may advise {', '.join(given)} "
                   f"without asking {', '.join(unasked)}, which never_advise_when says may forbid "
                   f"it, on the path {path()}; ask it first or do not advise it")
