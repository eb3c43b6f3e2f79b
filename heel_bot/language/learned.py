"""A second opinion on the asked question's answer, learned from the labelled corpus.

The lexicon's rules read what they have words for; new writers use words they lack, so a
message the rules leave unread, or read against the way careful readers label such replies,
gets a second opinion from a classifier trained on every labelled reply to the same question
(`heel_bot/language/training.py`: TF-IDF n-grams and logistic regression). Its weights ship
as `dialogs/answers.json.gz` (read by the loader); this module computes the same probabilities
as scikit-learn without importing it (start-up and install stay as they were).

The second opinion is bound by the safety policy, whatever it says:
- it never records a red flag's reassuring value, nor lowers a value the rules read as more
  urgent; where it doubts an urgent reading, the question is asked again with buttons;
- it answers only when sure (`FILL`, `VETO`, `SWITCH`: probabilities chosen on held-out sets)
  and fills a gap only in a message made mostly of words it has seen (`KNOWN`);
- where the rules read an answer, it may only ask for it to be confirmed, or (not for a red
  flag) replace it with another value;
- an exact option, a number read with its unit, "not sure", a restart and the red-flag safety
  net stay the rules'.
"""

from __future__ import annotations

import gzip
import json
import math
import re
from array import array
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from heel_bot.errors import DefinitionError, Mark, Problem
from heel_bot.model import Bundle

FORMAT = 2  # 2: each question's n-grams as a list, their idf and weights as strings
WORD = (1, 3)  # word n-grams
CHAR = (2, 5)  # character n-grams inside words (typos, "heal", "nite")
CONFIRM = "?confirm"  # the class "ask again with buttons"
NOTHING = "?nothing"  # the class "no answer to this question"
FILL = 0.6  # answer a message the rules left unanswered
FILL_OFF_TOPIC = 0.8  # ... one with no word the layer knows (off-topic more likely)
VETO = 0.7  # take back the rules' answer: ask again with buttons
KNOWN = 0.5  # answer an unanswered message only when more of its words than this are known
SWITCH = 0.8  # another value than the rules'

_TOKEN = re.compile(r"(?u)\b\w\w+\b")  # scikit-learn's default token pattern
_SPACES = re.compile(r"\s\s+")


def features_of(text: str) -> str:
    """The text as both the trainer and the reader see it."""
    return text.lower().replace("\u2019", "'")


def word_grams(text: str) -> Counter[str]:
    """Word 1-3-grams, as scikit-learn's word analyzer makes them."""
    tokens = _TOKEN.findall(text)
    grams: Counter[str] = Counter()
    for n in range(WORD[0], WORD[1] + 1):
        grams.update(" ".join(tokens[i:i + n]) for i in range(len(tokens) - n + 1))
    return grams


def char_grams(text: str) -> Counter[str]:
    """Character 2-5-grams inside padded words, as scikit-learn's `char_wb` makes them."""
    grams: Counter[str] = Counter()
    for word in _SPACES.sub(" ", text).split():
        w = f" {word} "
        for n in range(CHAR[0], CHAR[1] + 1):
            offset = 0
            grams[w[:n]] += 1
            while offset + n < len(w):
                offset += 1
                grams[w[offset:offset + n]] += 1
            if offset == 0:  # the whole word is one gram: no longer ones
                break
    return grams


class _Table:
    """One question's n-grams (word or character): each gram's idf and its weight per class,
    kept in flat arrays (Python floats in tuples took ~100 MiB for the whole model)."""

    def __init__(self, table: Mapping[str, Any], width: int) -> None:
        self.index = {g: i for i, g in enumerate(table["grams"])}
        # array() of a map over the split string: no list of floats is ever built.
        self.idf = array("d", map(float, table["idf"].split()))
        self.weights = array("d", map(float, table["weights"].split()))
        self.width = width
        if len(self.idf) != len(self.index) or len(self.weights) != width * len(self.index):
            raise ValueError("each n-gram needs an idf and one weight per class")

    def __contains__(self, gram: str) -> bool:
        return gram in self.index

    def add(self, z: list[float], grams: Counter[str]) -> None:
        """Add the grams' contributions (l2-normalised sublinear tf-idf) to the scores `z`."""
        known = [(self.index[g], c) for g, c in grams.items() if g in self.index]
        values = [(1 + math.log(c)) * self.idf[i] for i, c in known]
        norm = math.sqrt(sum(v * v for v in values)) or 1.0
        for (i, _c), v in zip(known, values, strict=True):
            row = i * self.width
            for k in range(self.width):
                z[k] += self.weights[row + k] * v / norm


@dataclass(frozen=True)
class _Question:
    classes: tuple[str, ...]
    intercept: tuple[float, ...]
    word: _Table
    char: _Table

    def scores(self, text: str) -> list[float]:
        z = list(self.intercept)
        self.word.add(z, word_grams(text))
        self.char.add(z, char_grams(text))
        return z

    def predict(self, text: str) -> tuple[str, float]:
        z = self.scores(text)
        if len(z) == 1:  # two classes: one weight vector, for the second class
            p = 1 / (1 + math.exp(-z[0]))
            return (self.classes[1], p) if p >= 0.5 else (self.classes[0], 1 - p)
        top = max(z)
        e = [math.exp(x - top) for x in z]
        best = max(range(len(e)), key=e.__getitem__)
        return self.classes[best], e[best] / sum(e)


class AnswerModel:
    """The learned classifiers, one per question id."""

    def __init__(self, questions: Mapping[str, _Question]) -> None:
        self.questions = dict(questions)

    def known(self, question: str, text: str) -> float:
        """The share of the message's words the question's model has seen (0: none, or no
        model): a message mostly of new words ("xyzzy my heel plugh") is not guessed at."""
        q = self.questions.get(question)
        words = _TOKEN.findall(features_of(text))
        return sum(w in q.word for w in words) / len(words) if q and words else 0.0

    def predict(self, question: str, text: str) -> tuple[str, float] | None:
        """The likeliest class for a reply to `question`, and its probability (None: no
        model for that question)."""
        q = self.questions.get(question)
        return q.predict(features_of(text)) if q else None


def parse(file: tuple[str, bytes], allowed: Mapping[str, frozenset[str]]) -> AnswerModel:
    """Parse and check a model file ((where, bytes), as the loader read it): `allowed` maps
    each question id to its slot's values."""
    where = Mark(file[0], 1, 1)
    try:
        data = json.loads(gzip.decompress(file[1]))
    except (OSError, ValueError) as exc:
        raise DefinitionError([Problem(where, f"not a gzip JSON answer model ({exc})")]) from exc
    return from_data(data, allowed, where)


_NOWHERE = Mark("<model>", 1, 1)


def from_data(data: Any, allowed: Mapping[str, frozenset[str]],
              where: Mark = _NOWHERE) -> AnswerModel:
    """A model from its JSON form (as `training.train` makes it), checked against `allowed`."""
    try:
        problems = _problems(data, allowed)
        questions = {} if problems else {q: _question(d) for q, d in data["questions"].items()}
    except (KeyError, TypeError, ValueError, IndexError, AttributeError) as exc:
        problems = [f"a question's classes, intercept or n-grams are malformed ({exc!r}); "
                    "retrain: python -m heel_bot.language.training"]
    if problems:
        raise DefinitionError([Problem(where, p) for p in problems])
    return AnswerModel(questions)


def allowed(bundle: Bundle) -> dict[str, frozenset[str]]:
    """Question id -> the values its slot allows (what a model may answer)."""
    return {q.id: frozenset(bundle.vocabulary.slots[q.slot])
            for q in bundle.dialog.questions.values()}


def problems(bundle: Bundle) -> list[Problem]:
    """What is wrong with the bundle's answer model (for `heel-bot check`); none without one."""
    if bundle.answers is None:
        return []
    try:
        parse(bundle.answers, allowed(bundle))
    except DefinitionError as exc:
        return list(exc.problems)
    return []


def _problems(data: Any, allowed: Mapping[str, frozenset[str]]) -> list[str]:
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return [f"format must be {FORMAT} (retrain: python -m heel_bot.language.training)"]
    out = []
    for q, d in data.get("questions", {}).items():
        if q not in allowed:
            out.append(f"question {q!r} is not in the dialog; allowed: {', '.join(sorted(allowed))}"
                       " (retrain: python -m heel_bot.language.training)")
            continue
        bad = set(d["classes"]) - allowed[q] - {CONFIRM, NOTHING}
        if bad:
            out.append(f"question {q!r}: {', '.join(sorted(bad))} not values of its slot; "
                       f"allowed: {', '.join(sorted(allowed[q] | {CONFIRM, NOTHING}))}")
    return out


def _question(d: Mapping[str, Any]) -> _Question:
    intercept = tuple(float(x) for x in d["intercept"])
    return _Question(tuple(d["classes"]), intercept, _Table(d["word"], len(intercept)),
                     _Table(d["char"], len(intercept)))


@dataclass(frozen=True)
class Verdict:
    """What the second opinion changes: the answer to record, or None: ask the question again
    with buttons (it never takes an answer back to leave nothing)."""

    answer: str | None


def second_opinion(rules: str | None, confirming: bool, understood: bool,
                   guess: tuple[str, float], *, red: bool, alarming: frozenset[str]
                   ) -> Verdict | None:
    """The verdict when the model should overrule the rules' reading of the asked slot
    (`rules`: their answer or None; `confirming`: they ask again), else None. `alarming`: the
    slot's values that raise the level alone."""
    said, p = guess
    if rules is None:
        if confirming or said == NOTHING or p < (FILL if understood else FILL_OFF_TOPIC):
            return None
        if said == CONFIRM or (red and said not in alarming):
            return Verdict(None)  # never a red flag's reassuring value from the model
        return Verdict(said)
    if said == rules:
        return None
    if said == NOTHING:
        return None  # the rules found an answer in words they know: it stands
    if said == CONFIRM:
        return Verdict(None) if p >= VETO else None
    if p < SWITCH:
        return None
    if red or (rules in alarming and said not in alarming):
        # A red flag's value is the person's to choose when the two readings differ ("no, but
        # my brother fell"); an urgent reading is never lowered: ask again, with buttons.
        return Verdict(None)
    return Verdict(said)
