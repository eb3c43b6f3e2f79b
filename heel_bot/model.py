"""The frozen model every other module works on: vocabulary, dialog, rules, content. The
loader builds it from dialogs/ and content/; nothing else ever sees raw YAML."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

from heel_bot.errors import Mark

OUTCOME = "outcome"
"""The terminal state every conversation ends in."""
READBACK = "readback"
"""Before the outcome: the answers taken from typed text, read back to be confirmed or changed."""

# Condition keys that are not slots: the outcome's level, and any listed cause.
LEVEL_KEY = "level"
CAUSE_KEY = "cause"


@dataclass(frozen=True)
class Condition:
    """All of `tests` must hold: each key's answer is one of its allowed values."""

    tests: tuple[tuple[str, frozenset[str]], ...]

    @cached_property
    def slots(self) -> frozenset[str]:
        """The keys this condition reads."""
        return frozenset(k for k, _ in self.tests)

    def holds(
        self,
        answers: Mapping[str, str],
        level: str | None = None,
        causes: tuple[str, ...] = (),
    ) -> bool:
        """Whether the condition holds; an unanswered slot never satisfies a test."""
        for key, allowed in self.tests:
            if key == LEVEL_KEY:
                if level not in allowed:
                    return False
            elif key == CAUSE_KEY:
                if not any(c in allowed for c in causes):
                    return False
            elif answers.get(key) not in allowed:
                return False
        return True

    def implies(self, other: Condition) -> bool:
        """Whether this condition holding always makes `other` hold too (a sufficient test).

        True when every key `other` tests is tested here with allowed values among `other`'s:
        whatever the answers, level and causes, `self.holds` then entails `other.holds`.
        """
        mine = dict(self.tests)
        return all(k in mine and mine[k] <= allowed for k, allowed in other.tests)


@dataclass(frozen=True)
class AdviceBan:
    """Advice never given when `when` holds (answers, level or any listed cause)."""

    when: Condition
    advice: frozenset[str]
    mark: Mark


@dataclass(frozen=True)
class CheckinRequirement:
    """From the specification: a check-in answer (after at least `days` days) leads to at least
    `level`, and with `rescreen` to the red-flag questions again."""

    answer: str
    days: int
    level: str
    rescreen: bool
    mark: Mark


@dataclass(frozen=True)
class Vocabulary:
    """The clinical specification's ids: what every other file is checked against."""

    levels: tuple[str, ...]  # most urgent first
    slots: Mapping[str, tuple[str, ...]]
    red_flag_slots: tuple[str, ...]
    requirements: tuple[Requirement, ...]
    causes: tuple[str, ...]
    advice: tuple[str, ...]
    never_advise: Mapping[str, frozenset[str]] = field(default_factory=dict)
    never_advise_marks: Mapping[str, Mark] = field(default_factory=dict)
    never_advise_when: tuple[AdviceBan, ...] = ()
    checkin_requirements: tuple[CheckinRequirement, ...] = ()

    @cached_property
    def _ranks(self) -> dict[str, int]:
        return {level: i for i, level in enumerate(self.levels)}

    def rank(self, level: str) -> int:
        """Smaller is more urgent."""
        return self._ranks[level]

    def most_urgent(self, a: str, b: str) -> str:
        """The more urgent of two levels."""
        return a if self.rank(a) <= self.rank(b) else b

    @property
    def least_urgent(self) -> str:
        """The level of a conversation nothing escalated."""
        return self.levels[-1]


@dataclass(frozen=True)
class Requirement:
    """From the specification: when `when` holds, the outcome is at least `level`."""

    when: Condition
    level: str
    mark: Mark


@dataclass(frozen=True)
class Option:
    """One answer a question offers."""

    value: str
    label: str  # content key


@dataclass(frozen=True)
class Transition:
    """Where an answer leads: to `goto` when `when` holds (always, if None)."""

    goto: str
    when: Condition | None
    mark: Mark


@dataclass(frozen=True)
class Question:
    """A state of the dialog: one question that sets one slot."""

    id: str
    slot: str
    section: str
    text: str  # content key
    why: str  # content key
    options: tuple[Option, ...]
    next: tuple[Transition, ...]
    if_unsure: str | None
    mark: Mark
    # Not asked once no answer to it could raise the level any more (it changes nothing else).
    skip_if_settled: bool = False

    def option(self, value: str) -> Option | None:
        """The option with this value, if any."""
        for opt in self.options:
            if opt.value == value:
                return opt
        return None


@dataclass(frozen=True)
class ScreenItem:
    """A checklist line: a yes/no question, worded as the statement that would be true."""

    question: str  # question id
    label: str  # content key of the statement


@dataclass(frozen=True)
class Screen:
    """Yes/no questions asked together as a checklist (the symptom model's Screens): they
    follow each other in the dialog and are shown where the first is asked. A tick is a yes;
    the rest become no only on "none of these" or "done"."""

    id: str
    text: str  # content key: the screen's question
    why: str  # content key
    items: tuple[ScreenItem, ...]
    mark: Mark

    @property
    def first(self) -> str:
        """The question where the screen is shown."""
        return self.items[0].question

    @property
    def questions(self) -> tuple[str, ...]:  # the question ids, in order
        return tuple(i.question for i in self.items)


@dataclass(frozen=True)
class Dialog:
    """The whole question flow."""

    name: str
    version: int
    start: str
    questions: Mapping[str, Question]
    file: str
    # Which values of each slot make an escalation rule fire on their own (the alarming ones).
    alarming: Mapping[str, frozenset[str]] = field(default_factory=dict)
    screens: Mapping[str, Screen] = field(default_factory=dict)  # by screen id

    def screen_of(self, question_id: str) -> Screen | None:
        """The checklist screen a question is on, if any."""
        for s in self.screens.values():
            if question_id in s.questions:
                return s
        return None

    def screen_at(self, question_id: str) -> Screen | None:
        """The checklist screen shown where `question_id` is asked (its first question)."""
        s = self.screen_of(question_id)
        return s if s is not None and s.first == question_id else None


@dataclass(frozen=True)
class TriageRule:
    """Raise the level to at least `level` when `when` holds."""

    id: str
    when: Condition
    level: str
    cause: str | None
    because: str  # content key
    mark: Mark
    lists: tuple[str, ...] = ()  # causes always listed when it fires, without putting them first


@dataclass(frozen=True)
class CauseSign:
    """A sign of `cause`: adds `score` when `when` holds."""

    cause: str
    when: Condition
    score: int


@dataclass(frozen=True)
class AdviceRule:
    """Add the advice ids when `when` holds (it may test level and cause too)."""

    when: Condition
    add: tuple[str, ...]
    mark: Mark


@dataclass(frozen=True)
class Rules:
    """How an outcome is computed from the answers."""

    triage: tuple[TriageRule, ...]
    signs: tuple[CauseSign, ...]
    min_score: int
    max_listed: int
    advice: tuple[AdviceRule, ...]
    contraindications: Mapping[str, frozenset[str]]
    withhold: tuple[AdviceBan, ...] = ()
    texts: tuple[TextRule, ...] = ()
    notes: tuple[NoteRule, ...] = ()
    priority: tuple[str, ...] = ()  # the order the result picks its actions in


@dataclass(frozen=True)
class TextRule:
    """Show content key `use` instead of `replace` when `when` holds."""

    when: Condition
    replace: str
    use: str
    mark: Mark


@dataclass(frozen=True)
class NoteRule:
    """Add the paragraph `text` (a content key) to the outcome when `when` holds."""

    when: Condition
    text: str
    mark: Mark


@dataclass(frozen=True)
class CheckinRule:
    """What a check-in answer leads to: the first rule whose test holds is taken."""

    answer: frozenset[str] | None  # None: any answer
    days_at_least: int
    level: str
    text: str  # content key
    rescreen: bool
    offer_checkin: bool
    set: Mapping[str, str]  # answers kept as facts when the red-flag questions are re-asked
    also: tuple[str, ...]  # content keys shown after the text
    mark: Mark

    def holds(self, answer: str, days: int) -> bool:
        """Whether this rule applies to `answer` after `days` days."""
        return (self.answer is None or answer in self.answer) and days >= self.days_at_least


@dataclass(frozen=True)
class Checkin:
    """The follow-up check-in: its question, its answers and the rules for them."""

    question: str  # content key, with {days}
    short: str  # content key
    options: tuple[Option, ...]
    rules: tuple[CheckinRule, ...]
    file: str

    def option_value(self, value: str) -> Option | None:
        """The option with this value, if any."""
        return next((o for o in self.options if o.value == value), None)

    def decide(self, answer: str, days: int) -> CheckinRule:
        """The rule for `answer` after `days` days (the last rule always applies)."""
        return next(r for r in self.rules if r.holds(answer, days))


@dataclass(frozen=True)
class LearnTopic:
    """One page of the browse menu."""

    id: str
    title: str  # content key
    body: tuple[str, ...]  # content keys
    mark: Mark


@dataclass(frozen=True)
class Content:
    """Every user-facing text, by key."""

    texts: Mapping[str, str]
    marks: Mapping[str, Mark]

    def __getitem__(self, key: str) -> str:
        return self.texts[key]

    def get(self, key: str, **params: object) -> str:
        """The text for `key` with its placeholders filled in."""
        text = self.texts[key]
        return text.format(**params) if params else text


@dataclass(frozen=True)
class Phrase:
    """A phrase matched word by word (any case), or a regular expression over the text."""

    text: str
    regex: bool
    mark: Mark


@dataclass(frozen=True)
class Concept:
    """Words that mean `slot` = `value`: anywhere in a message, or only when that slot is asked."""

    slot: str
    value: str
    anywhere: tuple[Phrase, ...]
    asked: tuple[Phrase, ...]


@dataclass(frozen=True)
class Lexicon:
    """Everything dialogs/language.yaml says."""

    concepts: tuple[Concept, ...]
    affirm: tuple[str, ...]
    deny: tuple[str, ...]
    unsure: tuple[str, ...]
    context: Mapping[tuple[str, str], tuple[str, ...]]  # (negated|possible, forward|backward)
    terminate: tuple[str, ...]
    emergency: tuple[str, ...]
    typos: Mapping[str, str] = field(default_factory=dict)

    def by_slot(self, slot: str) -> tuple[Concept, ...]:
        """The concepts of one slot."""
        return tuple(c for c in self.concepts if c.slot == slot)


@dataclass(frozen=True)
class Bundle:
    """Everything loaded and validated: what the engine and adapters are built from."""

    vocabulary: Vocabulary
    dialog: Dialog
    rules: Rules
    learn: tuple[LearnTopic, ...]
    content: Content
    checkin: Checkin
    language: Lexicon
    answers: tuple[str, bytes] | None = None  # the answer model's file (where, gzip JSON)
