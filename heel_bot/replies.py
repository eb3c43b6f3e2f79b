"""What a turn produces: the new state and what to show (notices, question, read-back, outcome).

Plain data shared by the engine, the renderer and the adapters.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from heel_bot.model import CheckinRule, Question, Screen
from heel_bot.rules import Outcome
from heel_bot.state import State


@dataclass(frozen=True)
class Notice:
    """A short message shown before the question or outcome: a content key and its fields."""

    key: str
    params: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Given:
    """An answer as the read-back and the summary show it: where it came from, in whose words."""

    question: Question
    value: str
    source: str | None  # None: a button; else state.TYPED, VOLUNTEERED or ASSUMED
    said: str | None  # the user's own words, when typed


@dataclass(frozen=True)
class Reply:
    """What a turn produced: the new state and what to show."""

    state: State
    notices: tuple[Notice, ...] = ()
    answered: tuple[str, str] | None = None  # (question id, value) recorded by this turn
    question: Question | None = None
    outcome: Outcome | None = None
    changed: bool = True  # False when the state is unchanged (e.g. an unmatched answer)
    readback: tuple[Given, ...] = ()  # at the read-back: the answers taken from typed text
    screen: Screen | None = None  # a checklist screen shown at `question` (its first item)


@dataclass(frozen=True)
class CheckinResult:
    """What a check-in answer leads to: the rule taken, the least level, and (when the
    red-flag questions are asked again) the reply that starts them."""

    rule: CheckinRule
    level: str
    reply: Reply | None

    @property
    def raised(self) -> bool:
        """Whether the last check's outcome, not the answer, set the level."""
        return self.level != self.rule.level


@dataclass(frozen=True)
class Summary:
    """What the user said so far and where it points: something to show a clinician."""

    answers: tuple[Given, ...]  # in the order asked
    level: str
    causes: tuple[str, ...]
    finished: bool
