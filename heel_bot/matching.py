"""The words that steer a chat (back, restart, why, summary, learn, help, quit), in any form.

What an answer says is the language layer's job (heel_bot/language/); this module only tells a
command from everything else, and normalises text the same way for both.
"""

from __future__ import annotations

import re
import unicodedata

MAX_INPUT = 500  # characters looked at; longer messages are cut, never rejected

COMMANDS: dict[str, tuple[str, ...]] = {
    "back": ("back", "undo", "previous", "go back"),
    "restart": ("restart", "start over", "start again", "reset"),
    "help": ("help", "commands"),
    "why": ("why", "why?", "why do you ask", "why do you ask?"),
    "summary": ("summary", "summarise", "summarize"),
    "learn": ("learn", "info", "menu", "topics", "browse"),
    "quit": ("quit", "exit", "bye", "goodbye"),
    "start": ("start",),
}
_COMMAND_OF = {word: cmd for cmd, words in COMMANDS.items() for word in words}
# A question back about the question ("why do you need my age?", "what's that got to do with
# it?", "what do you mean?"): answered with why it is asked, which also says what it means.
_ASKS_WHY = re.compile(
    r"(?:(?:sorry|um|umm|erm|ok|okay|but|and|hmm|hm|wait|hang on|huh)[,.?!]* )?"
    r"(?:why (?:do|would|d|does|did) (?:you|u|ya|the bot|it) (?:need|want|ask|care|wanna)\b"
    r"|why (?:does|is|would) (?:that|this|it|my \w+) (?:matter|relevant|important|needed|count)"
    r"|why (?:ask|asking|is that|that|this question)\b|why's that"
    r"|what(?:'s| has| does) (?:that|this|it) (?:got )?to do with"
    r"|what (?:do|d) (?:you|u|ya) mean|what does (?:that|this|it) mean"
    r"|(?:i )?(?:don't|do not|dont) (?:understand|get) (?:the|that|this|your) question)"
    r"[^.!]{0,30}$")
_CONTROL = re.compile(r"[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
_EDGE_PUNCT = " \t.,!;:'\"()[]«»“”‘’-–—"


def normalise(text: str) -> str:
    """Casefolded, NFKC, no control or direction marks, single spaces, no edge punctuation."""
    text = unicodedata.normalize("NFKC", text[: MAX_INPUT * 2])[:MAX_INPUT]
    text = _CONTROL.sub(" ", text).casefold().replace("’", "'")
    return " ".join(text.split()).strip(_EDGE_PUNCT)


def parse_command(text: str) -> str | None:
    """The command a message asks for (`/back`, `back`, `/back@heel_bot`), or None."""
    norm = normalise(text)
    if norm.startswith("/"):
        norm = norm[1:].split("@", 1)[0].split(" ", 1)[0]
        return norm if norm in COMMANDS else None
    if norm in _COMMAND_OF:
        return _COMMAND_OF[norm]
    return "why" if _ASKS_WHY.match(norm) else None
