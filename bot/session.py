"""One typed message in, one reply out: commands and answers, shared by the terminal and replay.

The engine knows answers; this layer also knows the words a person uses to steer (back,
restart, why, summary, learn, help, quit) and turns every reply into a document to show.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.engine import Engine, Reply, State
from bot.matching import normalise, parse_command
from bot.render import Block, Doc, Renderer


@dataclass(frozen=True)
class Turn:
    """The result of one message."""

    state: State
    doc: Doc
    reply: Reply | None = None  # set when the engine answered (not for help, summary…)
    command: str | None = None
    quit: bool = False


class Session:
    """Handles typed messages for adapters without buttons."""

    def __init__(self, engine: Engine, numbered: bool = True) -> None:
        self.engine = engine
        self.render = Renderer(engine)
        self.numbered = numbered

    def opening(self) -> Turn:
        """The greeting and the first question."""
        reply = self.engine.start()
        return Turn(reply.state, self.render.welcome() + self.render.reply(reply, self.numbered),
                    reply)

    def current(self, state: State) -> Doc:
        """The current question again, or a word that the check is complete."""
        if state.finished:
            return [Block("text", self.engine.bundle.content["ui.finished"])]
        return self.render.reply(self.engine.show(state), self.numbered)

    def handle(self, state: State, text: str) -> Turn:
        """Apply one message."""
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
            return Turn(state, r.summary(e.summary(state)), command=command)
        if command == "help":
            return Turn(state, r.help() + self.current(state), command=command)
        if command == "quit":
            return Turn(state, [Block("text", e.bundle.content["ui.quit"])], command=command,
                        quit=True)
        # learn, optionally with a topic: "learn shoes", "learn 3".
        topic = r.find_topic(words[1]) if len(words) > 1 else None
        if topic is not None:
            return Turn(state, r.topic(topic), command=command)
        doc = r.learn_menu(self.numbered)
        if len(words) > 1:
            doc = [Block("text", e.bundle.content["ui.learn.unknown"]), *doc[1:]]
        return Turn(state, doc, command=command)
