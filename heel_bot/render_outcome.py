"""The result as a phone shows it: one short screen, then the details as cards on demand.

The screen: the level and where or when to go, why (one or two short reasons from the
person's own answers), the likely cause in a line, the three most important things to do, and
the warning signs that change the plan. Everything else (each advice's how-to, the cause's
explanation, the safety notes, where to go and what to tell them, the full warning signs) is a
card, one choice away. Every text goes through `Outcome.text`, so the variants rules.yaml
chooses for this person (rest "until you are seen", a cold pack while a break is possible)
are the ones shown, and only the advice the rules chose is ever offered.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from heel_bot.model import Bundle, TriageRule
from heel_bot.render_doc import Block, Doc, words
from heel_bot.rules import Outcome
from heel_bot.uikeys import (
    OUTCOME_CARDS,
    advice_keys,
    advice_line_key,
    card_key,
    cause_keys,
    level_key,
    note_line_key,
    reason_line_key,
)

REASONS_SHOWN = 2
# A card is read on a phone in one go: at most this many words, title included.
CARD_WORDS = 120
ACTIONS_SHOWN = 3
# While one of these is possible, keeping off the foot comes before anything else.
KEEP_OFF = frozenset({"heel_fracture", "calcaneal_stress_fracture", "achilles_rupture"})
# The answers a self-care result quotes as its reason.
SELF_CARE_WHY = ("pain_location", "trend")
ADVICE_CARD = "advice:"
NOTE_CARD = "note:"


@dataclass(frozen=True)
class Card:
    """One detail the result offers: its id (a name in OUTCOME_CARDS, or advice:<id>)."""

    id: str
    label: str


class OutcomeView:
    """The result's screen and cards, from the bundle's content."""

    def __init__(self, bundle: Bundle) -> None:
        self.bundle = bundle
        self.c = bundle.content

    # ------------------------------------------------------------ the first screen

    def screen(self, o: Outcome, answers: Mapping[str, str] | None = None) -> Doc:
        """The first message: level, when and where, why, cause, actions, warning signs."""
        c, lv = self.c, o.level
        doc = [Block("title", c[o.text(level_key(lv, "title"))]),
               Block("text", c[o.text(level_key(lv, "brief"))]),
               Block("heading", c["ui.outcome.reasons"]),
               Block("text", self.why_lines(o, answers or {})),
               Block("text", self.cause_line(o)),
               Block("heading", c["ui.outcome.actions"]),
               Block("text", "\n".join(f"- {c[k]}" for k in self.actions(o))),
               Block("text", c[o.text(level_key(lv, "watch"))])]
        return [b for b in doc if b.text]

    def reasons(self, o: Outcome) -> list[TriageRule]:
        """The fired rules that set the level, one per reason text, most urgent first.

        A lesser rule's reason (e.g. "within a day or two" after a fall) would contradict a
        same-day outcome, so only those at the outcome's level count.
        """
        out: dict[str, TriageRule] = {}
        for r in o.reasons:
            if r.level == o.level:
                out.setdefault(r.because, r)
        return list(out.values())

    def why_lines(self, o: Outcome, answers: Mapping[str, str]) -> str:
        """One or two short reasons; for a self-care result, the answers that point there."""
        c = self.c
        reasons = self.reasons(o)
        if reasons:
            return "\n".join(f"- {c[reason_line_key(r.because)]}"
                             for r in reasons[:REASONS_SHOWN])
        questions = {q.slot: q for q in self.bundle.dialog.questions.values()}
        said = []
        for slot in SELF_CARE_WHY:
            q, value = questions.get(slot), answers.get(slot)
            opt = q.option(value) if q and value else None
            if opt:
                said.append(c[opt.label].lower())
        return c["ui.outcome.why_self_care"] + (f" ({', '.join(said)})" if said else "") + "."

    def cause_line(self, o: Outcome) -> str:
        """The likely cause in a line (the others are on the cause's card)."""
        c = self.c
        if not o.causes:
            return c["ui.outcome.no_clear_cause"]
        name, short, _ = cause_keys(o.causes[0])
        return f"{c['ui.outcome.likely']} {c[name]}. {c[short]}"

    def actions(self, o: Outcome) -> list[str]:
        """The content keys of the most important things to do, at most ACTIONS_SHOWN.

        Keeping off the foot first when the level is the most urgent or a break or tear is
        possible; then the safety notes (diabetes foot care, after a fall, numbness...); then
        the chosen advice in the order of rules.yaml's `priority`. Only advice the rules
        chose is shown.
        """
        keep_off = (o.level == self.bundle.vocabulary.levels[0]
                    or any(cause in KEEP_OFF for cause in o.causes))
        first = ["rest"] if keep_off and "rest" in o.advice else []
        rest = [a for a in self.bundle.rules.priority if a in o.advice and a not in first]
        rest += [a for a in o.advice if a not in rest and a not in first]
        keys = [o.text(advice_line_key(a)) for a in first]
        keys += [note_line_key(n) for n in o.notes]
        keys += [o.text(advice_line_key(a)) for a in rest]
        return keys[:ACTIONS_SHOWN]

    # ------------------------------------------------------------ cards

    def cards(self, o: Outcome) -> list[Card]:
        """The details this result offers, in order: safety notes, each advice, the cause,
        why, where to go, what to tell them, until then, the warning signs, the summary."""
        c = self.c
        out = self._note_cards(o)
        out += [Card(ADVICE_CARD + a, c[advice_keys(a)[0]]) for a in o.advice]
        out += [Card(name, c[card_key(name)]) for name in OUTCOME_CARDS
                if name not in ("notes",)]
        return out

    def card(self, o: Outcome, card_id: str) -> Doc:
        """One card (not the summary, which needs the conversation: see Renderer)."""
        c, lv = self.c, o.level
        if card_id.startswith(ADVICE_CARD):
            a = card_id[len(ADVICE_CARD):]
            name, howto = advice_keys(a)
            return [Block("title", c[name]), Block("text", c[o.text(howto)])]
        if card_id == "notes":
            return self._notes(o.notes)
        if card_id.startswith(NOTE_CARD):
            i = int(card_id[len(NOTE_CARD):])
            return [Block("title", f"{c[card_key('notes')]} {i + 1}"), Block("text", c[o.notes[i]])]
        title = Block("title", c[card_key(card_id)])
        if card_id == "cause":
            return [title, *self._cause(o)]
        if card_id == "why":
            items = [(c[r.because], c[reason_line_key(r.because)]) for r in self.reasons(o)]
            intro = Block("text", c[o.text(level_key(lv, "intro"))])
            return (fitted([title, intro], items, strict=True) or fitted([title], items))
        doc: Doc = [title, Block("text", c[o.text(level_key(lv, card_id))])]
        if card_id == "come_back":
            doc.append(Block("text", c["ui.outcome.not_a_diagnosis"]))
        return doc

    def plan(self, o: Outcome) -> Doc:
        """Every advice chosen, a numbered line each (its card's number in `advice_cards`)."""
        c = self.c
        lines = [f"{i}. {c[o.text(advice_line_key(a))]}" for i, a in enumerate(o.advice, 1)]
        return [Block("title", c[card_key("plan")]), Block("text", "\n".join(lines))]

    def _note_cards(self, o: Outcome) -> list[Card]:
        """The safety notes: one card when they fit together, else a card each (a note is
        a clinician's text and is never shortened)."""
        label = self.c[card_key("notes")]
        if not o.notes:
            return []
        if words(self._notes(o.notes)) <= CARD_WORDS:
            return [Card("notes", label)]
        return [Card(f"{NOTE_CARD}{i}", f"{label} {i + 1}") for i in range(len(o.notes))]

    def _notes(self, notes: tuple[str, ...]) -> Doc:
        c = self.c
        return [Block("title", c[card_key("notes")]), *(Block("text", c[n]) for n in notes)]

    def _cause(self, o: Outcome) -> Doc:
        c = self.c
        if not o.causes:
            return [Block("text", c["ui.outcome.no_clear_cause"])]
        doc = [Block("text", c[cause_keys(o.causes[0])[2]])]
        # The others by name, one a line (the learn menu explains every cause).
        others = [f"- {c[cause_keys(x)[0]]}" for x in o.causes[1:]]
        if others:
            doc += [Block("heading", c["ui.outcome.also"].rstrip(":")),
                    Block("text", "\n".join(others))]
        return doc


def fitted(head: Doc, items: list[tuple[str, str]], *, strict: bool = False) -> Doc:
    """`head`, then the items: in full as far as CARD_WORDS allows, the rest in their
    one-line short form (the most urgent items come first, so they keep their full text).
    A one-line full text is a bullet; a longer one (a note with its own list) a paragraph.

    When even the short forms overflow, as many as fit and a count of the rest, since a
    reason left unsaid must at least be counted; with `strict`, an empty document instead
    (the caller then tries a shorter head).
    """
    for k in range(len(items), -1, -1):
        doc = _mixed(head, [full for full, _ in items[:k]], [s for _, s in items[k:]])
        if words(doc) <= CARD_WORDS:
            return doc
    if strict:
        return []
    shown: list[str] = []
    for _, short in items:
        if words(_mixed(head, [], [*shown, short, "+ 99"])) > CARD_WORDS:
            break
        shown.append(short)
    return _mixed(head, [], [*shown, f"+ {len(items) - len(shown)}"])


def _mixed(head: Doc, full: list[str], short: list[str]) -> Doc:
    """The head, full texts (bulleted when one line), then the short forms as one list."""
    bullets = [f"- {t}" for t in full if "\n" not in t.strip()]
    doc = [*head, *(Block("text", t) for t in full if "\n" in t.strip())]
    bullets += [f"- {t}" for t in short]
    return doc + ([Block("text", "\n".join(bullets))] if bullets else [])
