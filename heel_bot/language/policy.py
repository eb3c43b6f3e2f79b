"""The typed-answer safety policy applied to one slot's evidence (symptom model v2, rules 1-5).

Evidence for a slot is what the message says of it: values affirmed outright, values denied
(a denial's meaning comes from the lexicon: "no fever" means infection_signs "no"), values
raised only with doubt (hedged, not known, said in part, said of someone or something else
or only supposed: "my dad's diabetic", "what if it's red"), and the bare answers of the asked
question ("nope", "I think so", "ok").

For a red flag (and the lexicon's `careful` slots) the alarming reading wins and doubt is
confirmed: the reassuring value is never taken while the sign is affirmed or in doubt; a hedge
or a self-correction ("a dip... wait no") around an affirmed sign is confirmed too; "no, but
I can feel a dent" is a dent. For other slots the closest value is taken (a bare yes or no
first; what is said of someone else does not count), and two values are settled by the
lexicon's combinations, then by the more alarming, then by what follows a contrast.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from heel_bot.language.bare import ACK, DOUBT, HEDGES, LIKELY_NO, LIKELY_YES, NO, UNSURE, YES, Bare
from heel_bot.language.mentions import Mention
from heel_bot.language.words import ASK, Combination, Implication
from heel_bot.model import Bundle, Question

DONT_KNOW = "?"  # a non-red slot's answer when the message only says it does not know


@dataclass
class Evidence:
    """What a message says of one slot; each value with the offset where it is said."""

    clear: dict[str, int] = field(default_factory=dict)
    denied: dict[str, int] = field(default_factory=dict)
    doubt: dict[str, int] = field(default_factory=dict)  # values raised with doubt
    unknown: bool = False  # "not sure"-type doubt only (no value leaning either way)
    asked_doubt: bool = False  # a doubt that needs the buttons (ASK, a hedged bare answer)
    after: dict[str, bool] = field(default_factory=dict)  # value -> said after a contrast
    seen: bool = False  # the slot is mentioned, even if that decides nothing ("not worse")
    negated: set[str] = field(default_factory=set)  # the values denied, as said
    bare: str | None = None  # the value of the first bare yes or no
    bare_at: int = -1  # where the first bare yes or no is
    bares: set[str] = field(default_factory=set)  # the values of every bare yes or no
    others: set[str] = field(default_factory=set)  # values doubted only as said of another
    hedged: bool = False  # a bare answer was hedged ("I don't think so")

    def any(self) -> bool:
        """Whether the message says anything of the slot."""
        return bool(self.seen or self.clear or self.denied or self.doubt or self.unknown
                    or self.asked_doubt)


class Policy:
    """Decides slot values from evidence, for one vocabulary and lexicon."""

    def __init__(self, slots: Mapping[str, tuple[str, ...]], urgency: Mapping[tuple[str, str],
                 int], *, careful: frozenset[str], denial: Mapping[tuple[str, str], str | None],
                 bare: Mapping[str, Mapping[str, str]], combine: Sequence[Combination],
                 agreeing: frozenset[str] = frozenset(),
                 several: Mapping[str, re.Pattern[str]] | None = None) -> None:
        self.slots = slots
        self.agreeing = agreeing  # a "no" or "is fine" on reassuring words agrees with them
        self.urgency = urgency
        self.careful = careful
        self.denial = denial
        self.bare = bare
        self.combine = combine
        self.several = several or {}  # slot -> words saying its answer is more than one thing

    # ------------------------------------------------------------ evidence

    def evidence(self, slot: str, mentions: Sequence[Mention], contrast: int | None,
                 bares: Sequence[Bare] = ()) -> Evidence:
        """The evidence for `slot` from its mentions (and the asked question's bare answers);
        `contrast` is where the last contrast word is (None: there is none)."""
        ev = Evidence()
        for m in mentions:
            if m.slot == slot:
                ev.seen = True
                self._mention(slot, m, ev, contrast)
        for b in bares:
            if b.kind not in (ACK, DOUBT):
                self._bare(slot, b, ev)
        kinds = {b.kind for b in bares}
        if slot in self.careful and not ev.any() and ACK in kinds:
            ev.asked_doubt = True  # a bare "ok" or "sure": yes to what?
        if slot in self.careful and DOUBT in kinds and (ev.clear or ev.denied or kinds & {
                YES, NO}):
            ev.asked_doubt = True  # "no, I believe not": the answer itself is doubted
        return ev

    def _mention(self, slot: str, m: Mention, ev: Evidence, contrast: int | None) -> None:
        careful = slot in self.careful
        if m.other:
            if careful:  # said of someone else, or supposed: asked again, never reassuring
                if m.value not in ev.doubt and not m.supposed:  # ("no, in case you're
                    ev.others.add(m.value)  # wondering, it does go numb": not another's)
                ev.doubt.setdefault(m.value, m.start)
            return
        meant = self.denial.get((slot, m.value))
        if m.negated and set(m.deniers) <= self.agreeing and (
                m.value == self.reassuring(slot) or self.bare.get(slot, {}).get(NO) == m.value):
            m = replace(m, negated=False)  # "nah, looks fine", "no, can't put it down": agrees
        if m.negated:
            if careful and (m.uncertain or m.unknown):
                ev.doubt.setdefault(m.value, m.start)  # "I don't think it's red": confirm
            elif meant == ASK:
                ev.asked_doubt = True
            elif meant is not None:
                ev.denied[meant] = m.start
            ev.negated.add(m.value)
            return
        if m.unknown and not careful:
            ev.unknown = True
            return
        target = ev.doubt if careful and m.doubtful else ev.clear
        if target is ev.doubt:
            ev.others.discard(m.value)
        target[m.value] = m.start
        ev.after[m.value] = contrast is not None and m.start > contrast

    def _bare(self, slot: str, b: Bare, ev: Evidence) -> None:
        """A bare answer's part."""
        word = {YES: YES, LIKELY_YES: YES, NO: NO, LIKELY_NO: NO, UNSURE: UNSURE}.get(b.kind)
        meant = self.bare.get(slot, {}).get(word or "")
        careful = slot in self.careful
        if meant == ASK or (careful and b.kind in HEDGES and meant is None) or (
                careful and b.kind in (LIKELY_YES, LIKELY_NO)):
            ev.asked_doubt = True
        elif meant is not None:
            ev.clear.setdefault(meant, b.start)
            ev.after.setdefault(meant, b.after_contrast)
            if ev.bare is None and not b.after_contrast:
                ev.bare, ev.bare_at = meant, b.start
            ev.bares.add(meant)
            ev.hedged = ev.hedged or b.kind in (LIKELY_YES, LIKELY_NO)
        elif b.kind == UNSURE:
            ev.unknown = True

    # ------------------------------------------------------------ decisions

    def careful_value(self, slot: str, ev: Evidence, bares: Sequence[Bare] = (),
                      retracted: int | None = None) -> tuple[str | None, bool]:
        """A red flag's value (or None), and whether it must be confirmed with buttons;
        `retracted`: where the message takes back what it said ("sorry, misread")."""
        if ev.clear:
            best = min(ev.clear, key=lambda v: self.rank(slot, v))
            if retracted is not None and _taken_back(best, ev, bares, retracted,
                                                     self.bare.get(slot, {})):
                return self.reassuring(slot), False  # "yes... wait, no, sorry, misread"
            quiet = self.reassuring(slot)
            if (best == ev.bare and ev.clear[best] == ev.bare_at and best != quiet
                    and quiet in ev.clear and quiet not in ev.bares):
                return None, True  # "yeah it looks normal": a bare yes, the sign denied
            feared = [v for v in ev.doubt if self.rank(slot, v) < self.rank(slot, best)]
            calm = best == quiet
            if calm and _said_of_another(ev, best):
                return best, False  # "my mum is diabetic, not me"
            if feared or (calm and (ev.doubt or ev.asked_doubt)):
                return None, True
            denied = (best in ev.negated and not ev.after.get(best)
                      and set(self.slots[slot]) != {"yes", "no"})
            if not calm and (denied or _second_thoughts(best, ev, bares,
                                                        self.bare.get(slot, {}))):
                return None, True  # said and denied ("came down awkwardly, didn't fall")
            return best, False
        if ev.doubt or ev.asked_doubt or ev.unknown:
            return None, True
        if ev.denied:
            return min(ev.denied, key=lambda v: self.rank(slot, v)), False
        quiet = self.reassuring(slot)
        if ev.negated and ev.negated >= set(self.slots[slot]) - {quiet}:
            return quiet, False  # "no pop, no fall": every alarming value denied
        return None, False

    def plain_value(self, slot: str, ev: Evidence) -> str | None:
        """A slot's value other than a red flag's: the closest one, DONT_KNOW or None; a bare
        yes or no says it unless a contrast follows ("no, mornings are my best time")."""
        values = set(ev.clear) | set(ev.doubt)
        if ev.unknown and ev.hedged and values == {ev.bare}:
            return DONT_KNOW  # "not sure, I haven't noticed"
        if len(values) == 1:
            return values.pop()
        if ev.bare is not None and len(ev.bares) == 1 and not any(
                ev.after.get(v) for v in values if v != ev.bare):
            # A worse value said outright after the bare answer corrects it ("walking no,
            # running yes each step"); a yes and a no both said bare are settled below.
            worse = [v for v in values if ev.clear.get(v, -1) > ev.bare_at
                     and self.rank(slot, v)[0] < self.rank(slot, ev.bare)[0]]
            return worse[0] if len(worse) == 1 else ev.bare
        later = [v for v in values if ev.after.get(v) and v != ev.bare]
        combined = any(c.slot == slot and values == c.values for c in self.combine)
        if ev.bare is not None and len(later) == 1 and not (combined and later[0] == "no"):
            return later[0]  # a bare answer taken back ("no — actually yeah, getting up is grim")
        if len(values) > 1:
            return self._settle(slot, values, ev)
        if len(ev.denied) == 1:
            return next(iter(ev.denied))
        return DONT_KNOW if ev.unknown else None

    def _settle(self, slot: str, values: set[str], ev: Evidence) -> str | None:
        for c in self.combine:
            if c.slot == slot and values == c.values:
                return c.means
        ranked = sorted(values, key=lambda v: self.rank(slot, v))
        if self.rank(slot, ranked[0])[0] < self.rank(slot, ranked[1])[0]:
            return ranked[0]
        later = [v for v in values if ev.after.get(v)]
        return later[0] if len(later) == 1 else None

    def one_of_several(self, text: str, question: Question | None, answer: str | None,
                       facts: dict[str, str]) -> str | None:
        """The asked slot's answer, and `facts` (changed in place), with the value of a slot
        the text says is more than one thing left open ("I rotate two pairs, one new, one about
        450": which is the answer?); not knowing still stands ("I rotate three pairs, dunno")."""
        for slot, words in self.several.items():
            if words.search(text) is None:
                continue
            keep = self.bare.get(slot, {}).get(UNSURE)
            if facts.get(slot) not in (None, keep):
                del facts[slot]
            if question is not None and slot == question.slot and answer not in (keep, DONT_KNOW):
                answer = None
        return answer

    def rank(self, slot: str, value: str) -> tuple[int, int]:
        """How alarming a value is (smaller: more): the level it reaches alone, then its
        place among the slot's values (later ones are worse: "with_pain" before "yes")."""
        values = self.slots[slot]
        return self.urgency.get((slot, value), 99), -values.index(value)

    def reassuring(self, slot: str) -> str:
        """The least alarming value of a slot ("no" of a yes/no slot)."""
        values = self.slots[slot]
        if set(values) == {"yes", "no"}:
            return "no"
        return max(values, key=lambda v: self.rank(slot, v))


def _said_of_another(ev: Evidence, calm: str) -> bool:
    """The sign said only of someone else, with a clear, unhedged bare no ("my mum is
    diabetic, not me", "no, but my dad has type 2", "my dad has it but I don't"): the no is
    the person's own answer (the blind sets' annotators read a no before it so too)."""
    return (ev.bares == {calm} and not ev.hedged and not ev.asked_doubt
            and not ev.unknown and bool(ev.doubt) and set(ev.doubt) <= ev.others)


def _taken_back(best: str, ev: Evidence, bares: Sequence[Bare], retracted: int,
                meaning: Mapping[str, str]) -> bool:
    """A bare yes, taken back ("sorry", "misread") and followed by a bare no, with no word of
    the sign itself: the yes was a slip ("yes... wait no, sorry, that's my dad")."""
    yes = [b.start for b in bares if b.kind == YES and meaning.get(YES) == best]
    return (bool(yes) and ev.clear[best] == yes[0] and yes[0] < retracted and not ev.doubt
            and not ev.asked_doubt and not ev.hedged and not ev.unknown
            and any(b.kind == NO and b.start > yes[0] and meaning.get(NO) != best
                    for b in bares))


def _second_thoughts(best: str, ev: Evidence, bares: Sequence[Bare],
                     meaning: Mapping[str, str]) -> bool:
    """A hedge before an affirmed sign in the same breath ("I think so, it looks wider"), a no
    after it ("a dip... wait no"), a doubt after a contrast ("...but I don't think that's
    it"), or a no with it and no contrast between ("no it wakes me"): confirm rather than take
    it. "No, but I can feel a dent" is a dent."""
    said, contrasted = ev.clear[best], ev.after.get(best, False)
    for b in bares:
        leaning = meaning.get(NO) if b.kind == LIKELY_NO else None
        if b.kind in HEDGES and b.start <= said and not contrasted and leaning != best:
            return True  # (but "not really, I'm hopping everywhere" leans the way it says)
        if b.kind == NO and meaning.get(NO) != best and (b.start > said or not contrasted):
            return True
        if b.kind == LIKELY_NO and b.start > said and b.after_contrast:
            return True  # "I did bang it... but I don't think that's it": the sign doubted
    return False


def urgency(bundle: Bundle) -> dict[tuple[str, str], int]:
    """(slot, value) -> the rank of the most urgent level it reaches alone (smaller: worse)."""
    vocab, out = bundle.vocabulary, dict[tuple[str, str], int]()
    for rule in bundle.rules.triage:
        if len(rule.when.tests) == 1:
            slot, values = rule.when.tests[0]
            for v in values:
                out[(slot, v)] = min(out.get((slot, v), 99), vocab.rank(rule.level))
    return out


def implied(implies: Sequence[Implication], facts: dict[str, str], answer: str | None,
            question: Question | None) -> tuple[str | None, dict[str, str]]:
    """Adds to `facts` the values the facts imply for the asked question (they win over what
    is said of that slot: "no hard ground, but my shoes have done 600 miles" is a yes); the
    asked slot's answer, and each implied slot's source slot (its words are the ones to quote).
    Said at another question, the distance is the shoes' only: the implied question is still
    asked, the way the sets' annotators read it."""
    sources: dict[str, str] = {}
    for i in implies:
        if facts.get(i.slot) == i.value and question is not None and (
                question.slot == i.then_slot):
            facts[i.then_slot] = answer = i.then_value
            sources[i.then_slot] = i.slot
    return answer, sources
