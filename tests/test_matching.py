"""What `heel_bot.matching` still does for the engine: normalising text and reading commands.

Typed answers are read by the language layer (heel_bot/language/, tested in tests/test_language.py,
and through the engine in tests/test_engine.py), not by a keyword matcher.
"""

from __future__ import annotations

import pytest

from heel_bot.matching import MAX_INPUT, normalise, parse_command

# ---------------------------------------------------------------- normalising


def test_normalise() -> None:
    assert normalise("  Hello,   World!  ") == "hello, world"
    assert normalise("It’s\u200b NUMB") == "it's numb"
    assert normalise("\u202e\u202d") == ""
    assert normalise("Ｆｕｌｌ") == "full"


@pytest.mark.parametrize("text", ["\u202eyes", "yes\u200f", "\u2066yes\u2069", "\u200byes",
                                  "yes\u0000", "\x07yes\x7f", "ｙｅｓ", " YES! "])
def test_control_and_direction_marks_are_dropped(text: str) -> None:
    assert normalise(text) == "yes"


def test_long_messages_are_cut_not_rejected() -> None:
    assert len(normalise("a" * 10_000)) == MAX_INPUT
    assert normalise("yes" + " " * 9_997) == "yes"


# ---------------------------------------------------------------- commands


@pytest.mark.parametrize(
    ("text", "command"),
    [
        ("/back", "back"),
        ("/back@somebot", "back"),
        ("/back@heel_bot extra words", "back"),
        ("back", "back"),
        ("Back!", "back"),
        ("/BACK", "back"),
        ("go back", "back"),
        ("undo", "back"),
        ("/restart", "restart"),
        ("start over", "restart"),
        ("/start", "start"),
        ("why?", "why"),
        ("/why", "why"),
        ("summary", "summary"),
        ("/help", "help"),
        ("/learn", "learn"),
        ("quit", "quit"),
        ("\u202eback\u202c", "back"),
        ("why do you need to know that?", "why"),
        ("hmm, why do you ask that", "why"),
        ("what does that mean", "why"),
        ("I don't understand the question", "why"),
    ],
)
def test_commands(text: str, command: str) -> None:
    assert parse_command(text) == command


@pytest.mark.parametrize("text", ["/unknown", "/", "backwards", "go back to the start please",
                                  "at the back", "1", "", "x" * 10_000,
                                  "why does it hurt more in the morning?", "why is my heel sore"])
def test_not_commands(text: str) -> None:
    assert parse_command(text) is None
