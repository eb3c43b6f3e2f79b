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
from heel_bot.render_doc import Block, Doc
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
ACTIONS_SHOWN = 3
# The order the screen's actions are chosen in, after the safety notes: the cause-specific
# treatments that help most come before the general kit.
ADVICE_PRIORITY = ("rest", "eccentric_heel_drops", "calf_stretch", "plantar_stretch", "ice",
                   "heel_lift", "shoes", "avoid_hard_surfaces", "load_management", "cross_train",
                   "massage", "night_splint", "recheck")
# While one of these is possible, keeping off the foot comes before anything else.
KEEP_OFF = frozenset({"heel_fracture", "calcaneal_stress_fracture", "achilles_rupture"})
# The answers a self-care result quotes as its reason.
SELF_CARE_WHY = ("pain_location", "trend")
ADVICE_CARD = "advice:"


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
        the chosen advice in ADVICE_PRIORITY order. Only advice the rules chose is shown.
        """
        keep_off = (o.level == self.bundle.vocabulary.levels[0]
                    or any(cause in KEEP_OFF for cause in o.causes))
        first = ["rest"] if keep_off and "rest" in o.advice else []
        rest = [a for a in ADVICE_PRIORITY if a in o.advice and a not in first]
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
        out = [Card("notes", c[card_key("notes")])] if o.notes else []
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
        title = Block("title", c[card_key(card_id)])
        if card_id == "notes":
            return [title, *(Block("text", c[n]) for n in o.notes)]
        if card_id == "cause":
            return [title, *self._cause(o)]
        if card_id == "why":
            lines = "\n".join(f"- {c[r.because]}" for r in self.reasons(o))
            return [title, Block("text", c[o.text(level_key(lv, "intro"))]),
                    *([Block("text", lines)] if lines else [])]
        doc: Doc = [title, Block("text", c[o.text(level_key(lv, card_id))])]
        if card_id == "come_back":
            doc.append(Block("text", c["ui.disclaimer"]))
        return doc

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
