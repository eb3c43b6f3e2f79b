"""One typed message in, one reply out: commands and answers, shared by the terminal and replay.

The engine knows answers; this layer also knows the words a person uses to steer (back,
restart, why, summary, learn, help, quit) and turns every reply into a document to show.
Beside the conversation, a `View` says what the reader has open: the learn menu, a page of a
topic, or one of the result's cards; its choices (a number, "more", "back", "home") come
first, and anything else is handled as usual.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from heel_bot.engine import Engine, Reply, State
from heel_bot.matching import normalise, parse_command
from heel_bot.render import Block, Doc, Renderer
from heel_bot.render_outcome import Card

# Words that move within what is open (the learn pages, a card), besides the commands.
MORE = ("more", "next", "more ›")
HOME = ("home", "result", "my result", "⌂ home", "‹ result")


@dataclass(frozen=True)
class View:
    """What the reader has open beside the conversation: the learn menu ("learn"), a topic's
    page ("topic", its index and page) or a result's card ("card")."""

    kind: str
    topic: int = 0
    page: int = 0


@dataclass(frozen=True)
class Turn:
    """The result of one message."""

    state: State
    doc: Doc
    reply: Reply | None = None  # set when the engine answered (not for help, summary…)
    command: str | None = None
    quit: bool = False
    view: View | None = None  # what is open after this message


class Session:
    """Handles typed messages for adapters without buttons."""

    def __init__(self, engine: Engine, numbered: bool = True,
                 today: Callable[[], str] | None = None) -> None:
        self.engine = engine
        self.render = Renderer(engine)
        self.numbered = numbered
        # The date a summary carries, from the adapter (the engine never reads the clock).
        self.today = today or (lambda: "")

    def opening(self) -> Turn:
        """The greeting and the first question."""
        reply = self.engine.start()
        return Turn(reply.state, self.render.welcome() + self.render.reply(reply, self.numbered),
                    reply)

    def current(self, state: State) -> Doc:
        """The current question again, or the result's screen with its choices."""
        if state.finished:
            return self.render.result(self.engine.outcome(state), state, self.numbered)
        return self.render.reply(self.engine.show(state), self.numbered)

    def browse(self, state: State, text: str, view: View | None) -> Turn | None:
        """A choice within what is open (learn pages, a result's card), else None."""
        word, learn = normalise(text), self.engine.bundle.learn
        if view is not None and word in HOME:
            return Turn(state, self.current(state))
        if view is not None and view.kind == "topic":
            if word in MORE and view.page + 1 < self.render.topic_pages(learn[view.topic]):
                return self.topic(state, view.topic, view.page + 1)
            if word == "back":
                return self.learn(state)
        if view is not None and view.kind == "learn":
            topic = self.render.find_topic(text)
            if topic is not None:
                return self.topic(state, learn.index(topic), 0)
            if word == "back":
                return Turn(state, self.current(state))
        if state.finished and word in HOME:
            return Turn(state, self.current(state))
        return self.result_choice(state, text) if state.finished else None

    def result_choice(self, state: State, text: str) -> Turn | None:
        """A numbered choice (or a card's name) under the result."""
        o = self.engine.outcome(state)
        choice = self.render.result_choice(o, text)
        if isinstance(choice, Card):
            c = self.engine.bundle.content
            doc = self.render.card(o, choice.id, state, self.today())
            return Turn(state, [*doc, Block("text", c["ui.outcome.card_hint"])],
                        view=View("card"))
        if choice == "learn":
            return self.learn(state)
        if choice in ("restart", "back"):
            reply = self.engine.restart(state) if choice == "restart" else self.engine.back(state)
            return Turn(reply.state, self.render.reply(reply, self.numbered), reply, choice)
        return None

    def learn(self, state: State) -> Turn:
        """The learn menu."""
        return Turn(state, self.render.learn_menu(self.numbered), command="learn",
                    view=View("learn"))

    def topic(self, state: State, index: int, page: int) -> Turn:
        """A page of a topic, with how to go on."""
        c = self.engine.bundle.content
        doc = self.render.topic(self.engine.bundle.learn[index], page)
        if self.numbered:
            doc.append(Block("text", c["ui.learn.hint"]))
        return Turn(state, doc, command="learn", view=View("topic", index, page))

    def handle(self, state: State, text: str, view: View | None = None) -> Turn:
        """Apply one message (`view`: what the reader had open, if anything)."""
        browsed = self.browse(state, text, view)
        if browsed is not None:
            return browsed
        words = normalise(text).lstrip("/").split(" ", 1)
        command = parse_command(text) or (
            "learn" if words[0] == "learn" and len(words) > 1 else None)
        e, r = self.engine, self.render
        if command is not None and not text.lstrip().startswith("/") and e.understands(
                state, text):
            # A bare word that is also an answer here ("back" for the back of the heel) is
            # taken as the answer; the slash form (/back) is always the command.
            command = None
        if command is None:
            reply = e.answer(state, text)
            return Turn(reply.state, r.reply(reply, self.numbered), reply)
        if command in ("back", "restart", "start"):
            reply = e.back(state) if command == "back" else e.restart(state)
            return Turn(reply.state, r.reply(reply, self.numbered), reply, command)
        if command == "why":
            return Turn(state, r.why(state), command=command)
        if command == "summary":
            return Turn(state, r.summary(e.summary(state), self.today()), command=command)
        if command == "help":
            return Turn(state, r.help(self.numbered) + self.current(state), command=command)
        if command == "quit":
            return Turn(state, [Block("text", e.bundle.content["ui.quit"])], command=command,
                        quit=True)
        # learn, optionally with a topic: "learn shoes", "learn 3".
        topic = r.find_topic(words[1]) if len(words) > 1 else None
        if topic is not None:
            return self.topic(state, e.bundle.learn.index(topic), 0)
        turn = self.learn(state)
        if len(words) > 1:
            doc = [Block("text", e.bundle.content["ui.learn.unknown"]), *turn.doc[1:]]
            return Turn(state, doc, command=command, view=turn.view)
        return turn
