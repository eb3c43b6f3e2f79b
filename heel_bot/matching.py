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
    return _COMMAND_OF.get(norm)
