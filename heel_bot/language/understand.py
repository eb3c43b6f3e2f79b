"""What a typed message says, under the typed-answer safety policy (symptom model version 2).

The rules, in the order they bind:
1. A red-flag slot is never given its reassuring value from a message that mentions its sign
   affirmatively or with a hedge: affirmed → the alarming value; hedged → confirm with buttons.
2. Negation, hedging and contrast are read in scope (ConText): "no, but…" counts what follows.
3. Numbers with units are read as numbers (heel_bot/language/numbers.py).
4. Facts volunteered out of turn are kept (only from phrases that mean a value anywhere); an
   affirmed red flag counts at once.
5. A hedged answer to a red flag is confirmed with buttons before anything is recorded.
6. Emergency signs with no slot of their own raise an immediate notice.

The reading is in heel_bot/language/pipeline.py (mentions and their sense) and bare.py (bare yes,
no, not sure); the decisions per slot in policy.py; this module puts them together.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from heel_bot.language import numbers, numtraining, numtrend
from heel_bot.language.bare import HEDGES, NO, YES, BareReader
from heel_bot.language.clauses import CLAUSE_END, last_contrast, trailing
from heel_bot.language.mentions import EMERGENCY, Mention, Reading, asks_back, questioned
from heel_bot.language.numvocab import AGE, DISTANCE, DURATION
from heel_bot.language.paintime import PAIN, TIME, other_time, pain_first, shoes_time, within
from heel_bot.language.policy import DONT_KNOW, Policy, implied, urgency
from heel_bot.language.spoken import Options, Restarts
from heel_bot.language.words import START, Language, Sense, words_re
from heel_bot.model import Bundle, Lexicon, Question

if TYPE_CHECKING:
    from heel_bot.language.pipeline import Pipeline

UNSURE = DONT_KNOW  # the asked slot's answer when the message only says "not sure"
_CUT_OFF = re.compile(r"\bbut\W*$")  # a message that stops at "but" (unlike "though")
UNREAD_WORDS = 2  # words after a contrast (besides it) that, all unread, make a reassuring
# answer uncertain
_OF_ME = re.compile(r"\b(?:i'm|i am|im|i feel|i was|i get)\s+$")  # a qualifier of the person
# The slots numbers.py reads, by the kind of quantity (it reads bare numbers for them too).
_KINDS = {AGE: "age_group", DISTANCE: "shoe_age", DURATION: "duration"}
SHOES = "shoe_age"
# Questions about the training, where a time typed alone is the training's ("doing 30 a week
# for months", the shoes "a year old"), not how long it has hurt, unless the pain is named.
TRAINING_TIME = frozenset({SHOES, "mileage_jump"})
WORN_SHOES = "over_500_miles"  # what "old" says of shoes, unless their age is given in time
# A second opinion on one question's reading: (reading, question, typed text) -> reading.
Review = Callable[["Understanding", Question, str], "Understanding"]


@dataclass(frozen=True)
class Understanding:
    """What one message would record, and what must be confirmed first."""

    question: str | None  # the asked question's id (None: an opening message)
    answer: str | None  # the asked slot's value, UNSURE, or None (not understood / confirm)
    facts: Mapping[str, str] = field(default_factory=dict)  # every slot it records
    confirm: tuple[str, ...] = ()  # slots to confirm with buttons before relying on them
    understood: bool = False
    emergency: bool = False
    quotes: Mapping[str, str] = field(default_factory=dict)  # slot -> the words it came from
    exact: bool = False  # the answer named an option outright (its number or label): no read-back
    # slot -> where the words read for it are (offsets in the cleaned text) and whether they
    # are denied: on a checklist screen one word may be two items' ("not sharp" said of the
    # squeeze is no answer to sharp pain with every step)
    where: Mapping[str, tuple[tuple[int, int, bool], ...]] = field(default_factory=dict)

    def as_json(self) -> dict[str, object]:
        """The `heel-bot understand` form."""
        return {"question": self.question, "answer": None if self.answer == UNSURE else
                self.answer, "facts": dict(self.facts), "confirm": list(self.confirm),
                "understood": self.understood, "emergency": self.emergency}


@dataclass(frozen=True)
class _Numbers:
    """Slot values read from numbers with units: every reading, and the words of each slot."""

    readings: Mapping[str, tuple[tuple[str, int], ...]]  # slot -> (value, offset), in order
    quotes: Mapping[str, str]
    seen: frozenset[str] = frozenset()  # slots with a quantity, even one that straddles
    spans: tuple[tuple[int, int], ...] = ()  # where every quantity is, hedge included
    # where no pain duration is: an increase or the shoes (numtraining.py), an age ("38 years")
    worked: tuple[tuple[int, int], ...] = ()
    shoe_time: bool = False  # the shoes' age in time alone was said ("a few months old")

    def inside(self, at: int) -> bool:
        """Whether offset `at` is in a quantity ("maybe" in "started maybe 6 weeks ago")."""
        return any(a <= at < b for a, b in self.spans)

    def single(self, slot: str) -> str | None:
        """The slot's value when the numbers agree on one."""
        values = {v for v, _ in self.readings.get(slot, ())}
        return values.pop() or None if len(values) == 1 else None

    def straddles(self, slot: str) -> bool:
        """Whether a value worked out for the slot straddles a bound (then no word of the
        lexicon decides it: "about 2 years old, 5 miles a week" is not "years old")."""
        return ("", 0) in self.readings.get(slot, ())

    def unsettled(self, slot: str) -> bool:
        """Whether any number said of the slot straddles a bound ("I'm in 10th grade": 15 or
        16), wherever it is in the message."""
        return any(value == "" for value, _ in self.readings.get(slot, ()))


class Understander:
    """Reads messages against one bundle: its slots, red flags and questions."""

    def __init__(self, bundle: Bundle, lexicon: Lexicon, pipeline: Pipeline,
                 review: Review | None = None) -> None:
        if not isinstance(lexicon, Language):
            raise TypeError("the understander needs the lexicon read by heel_bot.language.lexicon")
        self.vocab = bundle.vocabulary
        self.lexicon = lexicon
        self.pipeline = pipeline
        self.red = frozenset(self.vocab.red_flag_slots)
        self.careful = self.red | lexicon.careful
        self.options = Options(bundle.dialog.questions.values(), bundle.content.texts)
        self.restarts = Restarts(lexicon.affirm, lexicon.deny)
        denial = {(c.slot, c.value): c.negated for c in lexicon.concepts
                  if isinstance(c, Sense)}
        agreeing = frozenset((*(w for w in lexicon.deny if " " not in w),
                              *(t.text for t in lexicon.triggers if t.kind == "reassured")))
        self.policy = Policy(self.vocab.slots, urgency(bundle), careful=self.careful,
                             denial=denial, bare=lexicon.bare, combine=lexicon.combine,
                             agreeing=agreeing, several={
                                 s: p for s, w in lexicon.several.items() if (p := words_re(w))})
        self.bare = BareReader(lexicon)
        self.contrast = words_re(lexicon.wordlist("contrast"))
        self.qualifying = words_re((*lexicon.wordlist("contrast"),
                                     *lexicon.wordlist("qualifiers")))
        self.topic = words_re(lexicon.wordlist("topic"))
        self.twice = words_re(lexicon.wordlist("twice_negated"))
        self.retract = words_re(lexicon.wordlist("retract"))
        self.asking = words_re(t.text.removeprefix(START).strip() for t in lexicon.triggers
                                if t.kind == "hypothetical" and t.text.startswith(START))
        self.needs = {slot: words_re(words) for slot, words in lexicon.needs.items()}
        self.review = review  # the learned second opinion on an asked question's answer

    def understand(self, text: str, question: Question | None = None,
                   answered: Mapping[str, str] | None = None, *,
                   today: date | None = None, alone: bool = True) -> Understanding:
        """Read `text` as the answer to `question` (or as an opening message); `today` dates
        relative durations ("since March"); `alone`: the only question the message answers
        (not one item of a checklist screen: the second opinion knows single questions)."""
        reading = self.pipeline.read(text, question.slot if question else None)
        corrected = self.restarts.reread(reading, question, self.careful, self.pipeline)
        reading = corrected or reading
        emergency = any(m.slot == EMERGENCY and not m.negated for m in reading.mentions)
        nums = self._numbers(reading.cleaned, question, today)
        mentions = questioned(reading.cleaned, self._mentions(reading, nums, question),
                              self.careful, self.asking, self.contrast)
        contrast = _past_emergency(reading, last_contrast(self.contrast, reading.cleaned))
        facts, confirm = self._volunteered(mentions, nums, question, contrast)
        if self._unread(reading, nums):  # a reassuring red flag is not taken from it either
            facts = {s: v for s, v in facts.items()  # (a number is: "but here goes. I'm 69")
                     if s not in self.red or v != self.policy.reassuring(s) or nums.single(s)}
        answer, said = None, False
        if question is not None:
            answer, ask, said = self._asked(question, reading, mentions, nums, contrast,
                                            typed=text)
            facts.pop(question.slot, None)
            confirm = [s for s in confirm if s != question.slot] + ask
            if answer not in (None, UNSURE):
                facts[question.slot] = answer
        answer, sources = implied(self.lexicon.implies, facts, self.policy.one_of_several(
            reading.cleaned, question, answer, facts), question)
        done = dict(answered or {})
        facts = {s: v for s, v in facts.items() if s not in done or self._raises(s, v, done)}
        quotes = _quotes(facts, nums, mentions, sources)
        understood = bool(facts or confirm or emergency or answer is not None or said
                          or self._on_topic(reading.cleaned, question))
        exact = (question is not None and answer is not None and corrected is None
                 and self.options.exact(question, reading.cleaned, text) == answer)
        u = Understanding(question.id if question else None, answer, facts,
                          tuple(dict.fromkeys(confirm)), understood, emergency, quotes, exact,
                          _where(mentions))
        return self._reviewed(u, question, text, alone and corrected is None and not (
            reading.ignored and u.answer is None))  # set-aside words ("the concrete in my
        # garden") were read: the model does not fill in an answer for them

    def _reviewed(self, u: Understanding, question: Question | None, text: str,
                  second: bool) -> Understanding:
        """`u`, or the learned second opinion on it where one is wanted and there is a model."""
        if self.review is None or question is None or not second:
            return u
        return self.review(u, question, text)

    def _mentions(self, reading: Reading, nums: _Numbers, question: Question | None
                  ) -> list[Mention]:
        """The mentions of slots, but durations that are not the pain's: the time an increase
        took ("in two weeks"), a person's age ("healthy man, 38 years"), the shoes' age (at the
        shoe question, unless the pain is named: "a few months old")."""
        shoes = question is not None and question.slot in TRAINING_TIME and not PAIN.search(
            reading.cleaned)
        return [m for m in reading.mentions if m.slot != EMERGENCY and not (
            m.slot == "duration" and (shoes or within((m.start, m.end), nums.worked)
                                      or other_time(reading.cleaned, m.start)
                                      or shoes_time(reading.cleaned, m.start)))]

    def _asked(self, q: Question, reading: Reading, mentions: list[Mention], nums: _Numbers,
               contrast: int | None, *, typed: str) -> tuple[str | None, list[str], bool]:
        """The asked slot's value (or UNSURE / None), the slots to confirm, and whether the
        message said anything to the question (a bare answer, a mention of its slot)."""
        slot = q.slot
        named = self.options.exact(q, reading.cleaned, typed) or self.options.by_place(
            q, reading.cleaned)
        if named is not None:
            return named, [], True
        if self.twice and self.twice.search(reading.cleaned):  # "not that it doesn't tingle"
            return _twice_negated(slot, slot in self.careful, self.vocab.slots[slot])
        # A hedge of a number hedges the number, not the answer ("maybe 6 weeks ago").
        bares = [b for b in self.bare.read(reading)
                 if not (b.kind in HEDGES and nums.inside(b.start))]
        ev = self.policy.evidence(slot, mentions, contrast, bares)
        for counted, at in nums.readings.get(slot, ()):
            if not counted:
                continue  # worked out, but straddling
            ev.clear.setdefault(counted, at)
            ev.after.setdefault(counted, contrast is not None and at > contrast)
        said = bool(bares) or ev.any() or bool(nums.seen)
        if slot == _KINDS[AGE] and nums.single(slot):  # "a junior in high school, 17"
            return nums.single(slot), [], said
        if slot in self.careful:
            took_back = self.retract.search(reading.cleaned) if self.retract else None
            value, ask = self.policy.careful_value(slot, ev, bares,
                                                   took_back.start() if took_back else None)
            if value == self.policy.reassuring(slot) and self._unread(reading, nums):
                value, ask = None, True  # "no, but <words we cannot read>": ask again
            ask = ask or (value is None and nums.unsettled(slot))  # "born in 2009"
            return value, [slot] if ask else [], said
        single = nums.single(slot)  # rule 3: a number with its unit says it best
        if single is None and nums.straddles(slot):
            return None, [], said
        value = single or self.policy.plain_value(slot, ev)
        if single is None and nums.shoe_time and WORN_SHOES in ev.clear and value in (
                WORN_SHOES, None):
            # "pretty old, over a year": a time alone says no distance ("dunno, a year old?")
            return "unsure" if "unsure" in ev.clear else None, [], said
        return value, [], said

    # ------------------------------------------------------------ volunteered facts

    def _volunteered(self, mentions: list[Mention], nums: _Numbers, question: Question | None,
                     contrast: int | None) -> tuple[dict[str, str], list[str]]:
        asked = question.slot if question else None
        facts: dict[str, str] = {}
        for slot in nums.readings:
            value = nums.single(slot)
            if slot != asked and value is not None:
                facts[slot] = value
        confirm: list[str] = []
        anywhere = [m for m in mentions if m.anywhere]
        for slot in dict.fromkeys(m.slot for m in anywhere):
            if slot == asked or slot in facts:
                continue
            ev = self.policy.evidence(slot, anywhere, contrast)
            if slot in self.careful:
                value, ask = self.policy.careful_value(slot, ev)
            else:
                value, ask = self.policy.plain_value(slot, ev), False
            if value not in (None, UNSURE):
                facts[slot] = str(value)
            elif ask:
                confirm.append(slot)
        return facts, confirm

    # ------------------------------------------------------------ numbers

    def _numbers(self, cleaned: str, question: Question | None, today: date | None) -> _Numbers:
        """Slot values read from numbers with units, and the words each came from."""
        asked = question.slot if question else None
        readings: dict[str, list[tuple[str, int]]] = {}
        quotes: dict[str, str] = {}
        seen: set[str] = set()
        shoes = asked == SHOES or bool((need := self.needs.get(SHOES)) and need.search(cleaned))
        training = numtraining.read(cleaned, today=today or date.today(), shoes=shoes,
                                    asked=asked)
        spans, worked = list(training.spans), list(training.spans)
        every = numbers.find_quantities(cleaned, today=today, opening=question is None,
                                        expect=asked if asked in _KINDS.values() else None)
        for q in pain_first(every, cleaned, training.spans):  # "10 days, fell yesterday": 10
            seen.add(_KINDS.get(q.kind, ""))
            spans.append(q.span)
            if q.kind == AGE or (q.kind == DURATION and other_time(cleaned, q.span[0])):
                worked.append(q.span)
                if q.kind == DURATION:
                    continue
            if within(q.span, training.spans) or (
                    asked in TRAINING_TIME and q.kind == DURATION and not PAIN.search(cleaned)):
                continue  # the time an increase took, the shoes' age: not the pain's
            found = numbers.slot_value(q)
            if found is None:
                if asked and _KINDS.get(q.kind) == asked:  # "6 or 7 days": no word decides
                    readings.setdefault(asked, []).append(("", q.span[0]))  # it either
                continue
            slot, value = found
            need = self.needs.get(slot)
            if slot != asked and need is not None and not need.search(cleaned):
                continue  # e.g. a distance, but not said of the shoes
            readings.setdefault(slot, []).append((value, q.span[0]))
            quotes.setdefault(slot, q.text)
        numtraining.record(cleaned, training, readings, quotes, seen)
        numtrend.record(cleaned, readings, quotes)  # "was a 6 now a 3": improving
        # the shoes' age in time alone ("a few months old", "over a year"): no distance
        shoe_time = asked == SHOES and SHOES not in seen and bool(TIME.search(cleaned))
        back = asked if asks_back(cleaned, self.asking) else None  # "is that 10% a week?"
        return _Numbers({s: tuple(v) for s, v in readings.items() if s != back}, quotes,
                        frozenset(seen), tuple(spans), tuple(worked), shoe_time)

    # ------------------------------------------------------------ helpers

    def _unread(self, reading: Reading, nums: _Numbers) -> bool:
        """A clause opened by a contrast or a qualifier whose words say nothing we can read
        ("no, but it looks angry", "not really, a bit when I first lie down"): what follows
        "but" counts (policy rule 2), so it is asked about, not dropped."""
        text = reading.without_ignored()  # "no gap, I'm 15 tho if that matters"
        if _CUT_OFF.search(text):  # "no fever but": the rest was not sent (yet)
            return True
        contrasts = {m.start() for m in self.contrast.finditer(text)} if self.contrast else set()
        # A qualifier qualifies what was said before it: in the first clause it qualifies
        # nothing ("heel hurts a bit when I run, no numbness" denies the numbness).
        first = CLAUSE_END.search(text)
        starts = sorted(({m.start() for m in self.qualifying.finditer(text) if (
            m.start() in contrasts or (first and m.start() > first.start()))
            and not _OF_ME.search(text, 0, m.start())  # "I'm a bit of a worrier": of me
            and not nums.inside(m.start())}  # "two and a bit months": part of a number
                         if self.qualifying else set()) | set(trailing(self.contrast, text)))
        said = [(m.start, m.end) for m in reading.mentions] + [
            (at, at + 1) for found in nums.readings.values() for _, at in found]
        if starts:  # a bare yes or no after the contrast is read ("my dad has it but I don't")
            said += [(b.start, b.start + 1) for b in self.bare.read(reading)
                     if b.kind in (YES, NO)]
        for start in starts:
            stop = CLAUSE_END.search(text, start + 1)
            end = stop.start() if stop else len(text)
            end = min([end, *(s for s in starts if s > start)])
            words = re.findall(r"[a-z']+", text[start:end])
            if len(words) > UNREAD_WORDS and not any(a < end and start < b for a, b in said):
                return True
        return False

    def _on_topic(self, cleaned: str, question: Question | None) -> bool:
        """Words about the heel or running: understood, though nothing is recorded ("the
        heel"); at a question, not when the message asks something back."""
        if self.topic is None or not self.topic.search(cleaned):
            return False
        return question is None or not (cleaned.rstrip().endswith("?")
                                        or bool(self.asking and self.asking.match(cleaned)))

    def _raises(self, slot: str, value: str, answered: Mapping[str, str]) -> bool:
        """Whether a new value for an answered slot is more alarming (it then counts)."""
        return slot in self.red and (self.policy.rank(slot, value)
                                     < self.policy.rank(slot, answered[slot]))


def _past_emergency(reading: Reading, contrast: int | None) -> int | None:
    """The contrast, unless all that follows it is an emergency sign ("can walk ok but my
    foot's gone cold and blue"): the notice says that; the answer before it stands."""
    after = [m for m in reading.mentions if contrast is not None and m.start > contrast]
    return None if after and all(m.slot == EMERGENCY for m in after) else contrast


def _quotes(facts: Mapping[str, str], nums: _Numbers, mentions: Iterable[Mention],
            sources: Mapping[str, str]) -> dict[str, str]:
    """Slot -> the words each fact came from (an implied fact: its source's words)."""
    quotes = {s: q for s, q in nums.quotes.items() if s in facts}
    quotes.update({t: quotes[s] for t, s in sources.items() if s in quotes and t in facts})
    for m in mentions:
        if m.slot in facts and m.slot not in quotes:
            quotes[m.slot] = m.text
    return quotes


def _where(mentions: Iterable[Mention]) -> dict[str, tuple[tuple[int, int, bool], ...]]:
    """Slot -> where its words are, and whether they are denied."""
    where: dict[str, tuple[tuple[int, int, bool], ...]] = {}
    for m in mentions:
        where[m.slot] = (*where.get(m.slot, ()), (m.start, m.end, m.negated))
    return where


def _twice_negated(slot: str, careful: bool, values: tuple[str, ...]
                   ) -> tuple[str | None, list[str], bool]:
    """A denial of a denial: a red flag is confirmed; a yes/no question's answer is yes."""
    if careful:
        return None, [slot], True
    return ("yes" if set(values) == {"yes", "no"} else None), [], True
