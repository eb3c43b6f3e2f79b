"""The learned second opinion applied to a reading (heel_bot/language/learned.py decides)."""

from __future__ import annotations

import re
from dataclasses import replace

from heel_bot.language import numvocab
from heel_bot.language.learned import KNOWN, AnswerModel, second_opinion
from heel_bot.language.numtrend import TREND
from heel_bot.language.understand import UNSURE, Understanding
from heel_bot.model import Bundle, Question

# Slots whose answers numbers carry (durations, ages, distances, scores, weekly distances):
# with a digit in the message the rules' reading of it stands (policy rule 3), because the
# model reads digits as characters, not as quantities.
NUMBERED = frozenset({"duration", "age_group", "shoe_age", "severity", "mileage_jump"})
_DIGIT = re.compile(r"\d")
# Numbers in words the rules read ("nine days"): the model saw "nine" too rarely to weigh it
# (it read "nine days" as under a week).
_NUMBER_WORDS = re.compile(r"\b(?:" + "|".join(sorted(
    (*numvocab.ONES, *numvocab.TEENS, *numvocab.TENS, *numvocab.VAGUE, *numvocab.HALVES,
     "fortnight", "dozen"), key=len, reverse=True)) + r")\b")


# A month names a time the rules date ("got them in Jan", "since March"): the model, trained
# without the replies that need a date, would guess a distance or a duration from the word.
# ("may" and "mar" are left out: "it may be worse" names no month.)
_MONTH = re.compile(r"\b(?:" + "|".join(sorted(
    set(numvocab.MONTHS) - {"may", "mar"}, key=len, reverse=True)) + r")\b")


class SecondOpinion:
    """Reviews the asked question's reading with the answer model, under the safety policy."""

    def __init__(self, bundle: Bundle, model: AnswerModel) -> None:
        self.model = model
        self.red = frozenset(bundle.vocabulary.red_flag_slots)
        self.alarming = bundle.dialog.alarming

    def __call__(self, u: Understanding, question: Question, text: str) -> Understanding:
        # An option named outright and "not sure" are the user's own words for an answer.
        if u.exact or u.answer == UNSURE:
            return u
        slot = question.slot
        quote = u.quotes.get(slot, "") if u.answer is not None else ""
        if (slot in NUMBERED and (_DIGIT.search(text) or _NUMBER_WORDS.search(quote)
                                  or _MONTH.search(text.casefold()))) or (
                slot == TREND and _DIGIT.search(quote)):
            return u  # (a number in words counts where the rules' answer was read from it;
            # so does a trend read from two scores: "was a 5 and now it's a 5" is the same)
        if u.answer is None and self._not_a_gap(u, question, text):
            return u
        guess = self.model.predict(question.id, text)
        if guess is None:
            return u
        verdict = second_opinion(u.answer, slot in u.confirm, u.understood, guess,
                                 red=slot in self.red,
                                 alarming=self.alarming.get(slot, frozenset()))
        if verdict is None:
            return u
        facts = {k: v for k, v in u.facts.items() if k != slot}
        confirm = tuple(s for s in u.confirm if s != slot)
        if verdict.answer is None:
            confirm += (slot,)
        else:
            facts[slot] = verdict.answer
        return replace(u, answer=verdict.answer, facts=facts, confirm=confirm, understood=True)

    def _not_a_gap(self, u: Understanding, question: Question, text: str) -> bool:
        """An unanswered question is guessed at only when the rules read nothing in the
        message (no words of its slot, no other fact: "I think it popped" at the walking
        question is about the injury) and most of its words are ones the model has seen."""
        slot = question.slot
        return bool(slot in u.where or slot in u.quotes or u.facts or u.confirm
                    or self.model.known(question.id, text) <= KNOWN)
