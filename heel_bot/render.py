"""Turn engine replies into readable documents, as plain text or Telegram-safe HTML.

A `Doc` is a list of blocks (title, heading, text); content texts may hold paragraphs and
"- " bullet lines. Adapters choose the format; all user text comes from content/.
"""

from __future__ import annotations

from collections.abc import Iterable

from heel_bot.engine import CheckinResult, Engine, Given, Notice, Reply, State, Summary
from heel_bot.model import Bundle, LearnTopic, Question, Screen
from heel_bot.render_doc import Block, Doc, to_html, to_plain
from heel_bot.render_learn import pages
from heel_bot.render_outcome import Card, OutcomeView
from heel_bot.rules import Outcome
from heel_bot.state import ASSUMED
from heel_bot.uikeys import cause_keys, level_key, nav_key, screen_short_key, short_key

# Documents and their formats live in heel_bot/render_doc.py; importable from here too.
__all__ = ["Block", "Doc", "Renderer", "short_only", "to_html", "to_plain"]

# The result's choices after its cards, in the terminal (Telegram adds a check-in row).
RESULT_NAV = ("learn", "restart", "back")


SHORT_NOTICES = frozenset({"ui.unmatched", "ui.readback_unmatched", "ui.emergency"})


def short_only(reply: Reply) -> bool:
    """Whether a reply is only a short line (nothing changed, nothing else to show)."""
    return not reply.changed and bool(reply.notices) and all(
        n.key in SHORT_NOTICES for n in reply.notices)


class Renderer:
    """Builds documents from the bundle's content."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.bundle: Bundle = engine.bundle
        self.c = engine.bundle.content
        self.view = OutcomeView(engine.bundle)

    def notices(self, notices: Iterable[Notice]) -> Doc:
        """The short messages a reply starts with."""
        return [Block("text", self.c.get(n.key, **n.params)) for n in notices]

    def progress(self, state: State) -> Block:
        """The "Step N of at most M" line."""
        n, total = self.engine.progress(state)
        return Block("text", self.c.get("ui.progress", n=str(n), total=str(total)))

    def question(self, state: State, q: Question, numbered: bool = True) -> Doc:
        """The question, its progress and (for the terminal) its numbered options."""
        doc = [self.progress(state), Block("text", self.c[q.text])]
        if numbered:
            lines = [f"{i}. {self.c[o.label]}" for i, o in enumerate(q.options, start=1)]
            doc.append(Block("text", "\n".join(lines)))
        return doc

    def so_far(self, state: State) -> list[str]:
        """The answers given so far, one short line per step (a checklist: what was ticked)."""
        c, steps = self.c, self.engine.steps
        lines: dict[str, str] = {}
        ticked: dict[str, list[str]] = {}
        for g in self.engine.given(state):
            step = steps.step_of(g.question.id)
            if step == g.question.id:
                lines[step] = f"{c[short_key(step)]}: {self.option_label(g.question, g.value)}"
                continue
            names = ticked.setdefault(step, [])
            if g.value == "yes":
                names.append(c[short_key(g.question.id)])
            shown = ", ".join(names) or c["ui.screen.none_ticked"]
            lines[step] = f"{c[screen_short_key(step)]}: {shown}"
        return list(lines.values())

    def screen(self, state: State, screen: Screen, numbered: bool = True) -> Doc:
        """A checklist screen: its question, then each statement, ticked ones marked."""
        c, qs = self.c, self.engine.dialog.questions
        tick = c["ui.screen.tick"]
        lines = []
        for i, item in enumerate(screen.items, start=1):
            mark = f" {tick}" if state.answers.get(qs[item.question].slot) == "yes" else ""
            lines.append(f"{i}. {c[item.label]}{mark}")
        doc = [self.progress(state), Block("text", c[screen.text]),
               Block("text", "\n".join(lines))]
        doc.append(Block("text", c["ui.screen.how_typed" if numbered else "ui.screen.how_buttons"]))
        return doc

    def option_label(self, q: Question, value: str) -> str:
        """The label the user saw for an answer."""
        opt = q.option(value)
        return self.c[opt.label] if opt else value

    def why(self, state: State) -> Doc:
        """Why the current question is asked."""
        key = self.engine.why(state)
        if key is None:
            return [Block("text", self.c["ui.finished"])]
        return [Block("text", self.c.get("ui.why", text=self.c[key]))]

    def reply(self, reply: Reply, numbered: bool = True) -> Doc:
        """A whole reply: notices, then the question, the read-back or the outcome.

        A turn that changed nothing and only says so (not understood) is one short line: the
        question is still on screen, with its buttons.
        """
        doc = self.notices(reply.notices)
        if short_only(reply):
            return doc
        if reply.screen is not None:
            doc += self.screen(reply.state, reply.screen, numbered)
        elif reply.question is not None:
            doc += self.question(reply.state, reply.question, numbered)
        elif reply.readback:
            doc += self.readback(reply.readback, numbered)
        elif reply.outcome is not None and reply.changed:
            doc += self.result(reply.outcome, reply.state, numbered)
        return doc

    def level_title(self, level: str) -> str:
        """A level as the user reads it."""
        return self.c[level_key(level, "title")]

    def result(self, o: Outcome, state: State, numbered: bool = True) -> Doc:
        """The result's first screen; in the terminal, its numbered choices under it."""
        doc = self.view.screen(o, state.answers)
        if numbered:
            doc += self.result_menu(o)
        return doc

    def result_menu(self, o: Outcome) -> Doc:
        """The numbered choices under the result: its cards, then learn, start again, undo."""
        labels = [card.label for card in self.view.cards(o)]
        labels += [self.c[nav_key(n)] for n in RESULT_NAV]
        lines = "\n".join(f"{i}. {label}" for i, label in enumerate(labels, start=1))
        return [Block("heading", self.c["ui.outcome.menu"]), Block("text", lines)]

    def result_choice(self, o: Outcome, text: str) -> Card | str | None:
        """What a typed choice under the result opens: a card, a navigation name, or None."""
        norm = text.strip().casefold().rstrip(".")
        cards = self.view.cards(o)
        nav = [(n, self.c[nav_key(n)]) for n in RESULT_NAV]
        for i, card in enumerate(cards, start=1):
            if norm in (str(i), card.label.casefold()):
                return card
        for i, (name, label) in enumerate(nav, start=len(cards) + 1):
            if norm in (str(i), label.casefold()):
                return name
        return None

    def card(self, o: Outcome, card_id: str, state: State, today: str | None = None) -> Doc:
        """One of the result's cards (the summary carries the date it was made)."""
        if card_id == "summary":
            return self.summary(self.engine.summary(state), today)
        return self.view.card(o, card_id)

    def outcome(self, o: Outcome, state: State | None = None) -> Doc:
        """Everything the result lets the user reach: the first screen, then every card but
        the summary (what replays and tests read)."""
        doc = self.view.screen(o, state.answers if state else None)
        for card in self.view.cards(o):
            if card.id != "summary":
                doc += self.view.card(o, card.id)
        return doc

    def checkin(self, result: CheckinResult) -> Doc:
        """What a check-in answer leads to (when it does not re-ask the red-flag questions)."""
        c, rule = self.c, result.rule
        # Better or the same, but the last check said to be seen: that still stands, and the
        # answer's own text (keep going, build up your running) would contradict it.
        doc = [Block("text", c["ui.checkin.still_seen" if result.raised else rule.text])]
        if result.level != self.bundle.vocabulary.least_urgent:
            lv = result.level
            doc += [Block("title", c[level_key(lv, "title")]),
                    *(Block("text", c[level_key(lv, p)]) for p in ("intro", "where", "tell",
                                                                   "come_back"))]
        if not result.raised:
            doc += [Block("text", c[k]) for k in rule.also]
        return doc

    def given(self, g: Given, record: bool = False) -> str:
        """One answer as the summary and the read-back show it: the user's words, if typed,
        and whether it was assumed from "not sure". In the summary (`record`), a one-word
        reply ("yeah", "medium") is left out: the answer it gave says as much."""
        c = self.c
        line = f"{c[short_key(g.question.id)]}: {self.option_label(g.question, g.value)}"
        if g.said and not (record and _one_word(g.said)):
            line += " " + c.get("ui.given.said", words=g.said)
        if g.source == ASSUMED:
            line += " " + c["ui.given.assumed"]
        return line

    def readback(self, items: tuple[Given, ...], numbered: bool = True) -> Doc:
        """Before the outcome: the answers taken from typed text, to confirm or change."""
        c = self.c
        lines = [f"{i}. {self.given(g)}" for i, g in enumerate(items, start=1)]
        how = "ui.readback.how_typed" if numbered else "ui.readback.how_buttons"
        return [Block("heading", c["ui.readback.title"]), Block("text", "\n".join(lines)),
                Block("text", c[how])]

    def summary(self, s: Summary, today: str | None = None) -> Doc:
        """What the user said and where it points, dated when `today` is given."""
        c = self.c
        doc = [Block("title", c["ui.summary.title"])]
        if today:
            doc.append(Block("text", c.get("ui.summary.date", date=today)))
        if not s.answers:
            return [*doc, Block("text", c["ui.summary.none_yet"])]
        lines = [f"- {self.given(g, record=True)}" for g in s.answers if not _plain_no(g)]
        denied = [c[short_key(g.question.id)] for g in s.answers if _plain_no(g)]
        if denied:
            lines.append("- " + c.get("ui.summary.denied", items="; ".join(denied)))
        key = "ui.summary.level" if s.finished else "ui.summary.level_so_far"
        doc += [Block("heading", c["ui.summary.answers"]), Block("text", "\n".join(lines)),
                Block("text", c.get(key, level=self.level_title(s.level)))]
        if s.causes:
            names = ", ".join(c[cause_keys(x)[0]] for x in s.causes)
            doc += [Block("heading", c["ui.summary.causes"]), Block("text", names)]
        return doc

    def learn_menu(self, numbered: bool = True) -> Doc:
        """The browse menu's topics."""
        doc = [Block("text", self.c["ui.learn.menu"])]
        if numbered:
            doc.append(Block("text", "\n".join(
                f"{i}. {self.c[t.title]}" for i, t in enumerate(self.bundle.learn, start=1))))
        return doc

    def find_topic(self, text: str) -> LearnTopic | None:
        """A topic by number, id or title."""
        norm = text.strip().casefold()
        for i, t in enumerate(self.bundle.learn, start=1):
            if norm in (str(i), t.id, self.c[t.title].casefold()):
                return t
        return None

    def topic_pages(self, topic: LearnTopic) -> int:
        """How many pages a topic has."""
        return len(pages(self.c, topic))

    def topic(self, topic: LearnTopic, page: int = 0) -> Doc:
        """One page of a topic (the first by default), with its place when there are more."""
        shown = pages(self.c, topic)
        page = min(max(page, 0), len(shown) - 1)
        doc = [Block("title", self.c[topic.title]), *(Block("text", p) for p in shown[page])]
        if len(shown) > 1:
            doc.append(Block("text", self.c.get("ui.learn.page", n=page + 1, total=len(shown))))
        return doc

    def welcome(self) -> Doc:
        """The greeting before the first question."""
        return [Block("text", self.c["ui.welcome"]), Block("text", self.c["ui.disclaimer"])]

    def help(self, numbered: bool = True) -> Doc:
        """How to answer, and the commands: typed numbers in the terminal, buttons elsewhere."""
        return [Block("text", self.c["ui.help" if numbered else "ui.help_buttons"])]


def _plain_no(g: Given) -> bool:
    """A plain "no" to a yes/no question: the summary lists these on one line. Assumed
    values and qualified answers ("no, but I can feel a dent") keep a line of their own."""
    return (g.value == "no" and g.source != ASSUMED
            and {o.value for o in g.question.options} == {"yes", "no"}
            and (g.said is None or len(g.said.split()) <= 2))


def _one_word(said: str) -> bool:
    """A reply of one word and no number (a number is worth quoting: "6wks", "600")."""
    return len(said.split()) == 1 and not any(ch.isdigit() for ch in said)
