"""Typed answers: numbers, values, labels, synonyms, unsure, negation, commands, odd input."""

from __future__ import annotations

import pytest

from bot.matching import (
    MAX_INPUT,
    Kind,
    Match,
    QuestionMatcher,
    SafetyNetMatcher,
    normalise,
    parse_command,
)
from bot.model import Bundle

UNMATCHED = Match(Kind.UNMATCHED)
UNSURE = Match(Kind.UNSURE)


def matcher(bundle: Bundle, qid: str) -> QuestionMatcher:
    return QuestionMatcher(bundle.dialog.questions[qid], dict(bundle.content.texts))


def matched(value: str) -> Match:
    return Match(Kind.MATCHED, value)


# ---------------------------------------------------------------- options


def test_option_numbers(bundle: Bundle) -> None:
    m = matcher(bundle, "pain_location")
    values = [o.value for o in bundle.dialog.questions["pain_location"].options]
    for i, value in enumerate(values, start=1):
        assert m.match(str(i)) == matched(value)
        assert m.match(f" {i}. ") == matched(value)
        assert m.match(f"#{i}") == matched(value)
        assert m.match(f"option {i}") == matched(value)
    assert m.match("0") == UNMATCHED
    assert m.match(str(len(values) + 1)) == UNMATCHED
    assert m.match("999") == UNMATCHED


def test_option_values_and_labels(bundle: Bundle) -> None:
    for q in bundle.dialog.questions.values():
        m = matcher(bundle, q.id)
        for opt in q.options:
            assert m.match(opt.value) == matched(opt.value), (q.id, opt.value)
            assert m.match(opt.value.replace("_", " ").upper()) == matched(opt.value)
            label = bundle.content[opt.label]
            assert m.match(label) == matched(opt.value), (q.id, label)
            assert m.match(f"  {label.upper()}!! ") == matched(opt.value), (q.id, label)


@pytest.mark.parametrize("text", ["yes", "Yes.", "YES!", "y", "yep", "yeah", "yup", "sure",
                                  "definitely", "absolutely", "of course", "i do", "👍"])
def test_yes_synonyms(bundle: Bundle, text: str) -> None:
    assert matcher(bundle, "numbness").match(text) == matched("yes")


@pytest.mark.parametrize("text", ["no", "No.", "n", "nope", "nah", "never", "not really",
                                  "not at all", "i don't", "no, not numb", "👎"])
def test_no_synonyms(bundle: Bundle, text: str) -> None:
    assert matcher(bundle, "numbness").match(text) == matched("no")


@pytest.mark.parametrize("text", ["numb", "it's numb", "tingling", "pins and needles",
                                  "a burning feeling"])
def test_option_match_words(bundle: Bundle, text: str) -> None:
    assert matcher(bundle, "numbness").match(text) == matched("yes")


@pytest.mark.parametrize("text", ["not numb", "it's not numb", "never numb", "without tingling",
                                  "it isn't tingling", "I don't feel numb"])
def test_negated_yes_words_are_never_yes(bundle: Bundle, text: str) -> None:
    assert matcher(bundle, "numbness").match(text) != matched("yes")


def test_negation_on_a_red_flag_question(bundle: Bundle) -> None:
    m = matcher(bundle, "infection_signs")
    assert m.match("not hot") != matched("yes")
    assert m.match("no fever") != matched("yes")
    assert m.match("fever") == matched("yes")


@pytest.mark.parametrize("text", ["not sure", "I'm not sure", "don't know", "idk", "dunno",
                                  "no idea", "maybe", "?", "Not sure!"])
def test_unsure(bundle: Bundle, text: str) -> None:
    assert matcher(bundle, "numbness").match(text) == UNSURE


def test_two_options_at_once_are_not_guessed(bundle: Bundle) -> None:
    m = matcher(bundle, "pain_location")
    assert m.match("the arch and the tendon") == UNMATCHED
    assert m.match("the tendon") == matched("back")


@pytest.mark.parametrize("text", ["", "   ", "\n\t", "banana", "asdfghjkl", "😀", "...", "12abc"])
def test_unmatched(bundle: Bundle, text: str) -> None:
    assert matcher(bundle, "severity").match(text) == UNMATCHED


# ---------------------------------------------------------------- odd input


@pytest.mark.parametrize("text", ["\u202eyes", "yes\u200f", "\u2066yes\u2069", "\u200byes",
                                  "yes\u0000", "\x07yes\x7f", "ｙｅｓ"])
def test_control_and_direction_marks_are_ignored(bundle: Bundle, text: str) -> None:
    assert matcher(bundle, "numbness").match(text) == matched("yes")


def test_right_to_left_text_does_not_crash(bundle: Bundle) -> None:
    assert matcher(bundle, "numbness").match("نعم") == UNMATCHED
    assert matcher(bundle, "numbness").match("\u202bכן\u202c") == UNMATCHED


def test_ten_thousand_characters(bundle: Bundle) -> None:
    m = matcher(bundle, "numbness")
    assert m.match("x" * 10_000) == UNMATCHED
    assert m.match("yes" + " " * 9_997) == matched("yes")
    assert m.match("numb " * 2_000) == matched("yes")
    assert len(normalise("a" * 10_000)) == MAX_INPUT


def test_normalise() -> None:
    assert normalise("  Hello,   World!  ") == "hello, world"
    assert normalise("It’s\u200b NUMB") == "it's numb"
    assert normalise("\u202e\u202d") == ""
    assert normalise("Ｆｕｌｌ") == "full"


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
    ],
)
def test_commands(text: str, command: str) -> None:
    assert parse_command(text) == command


@pytest.mark.parametrize("text", ["/unknown", "/", "backwards", "go back to the start please",
                                  "at the back", "1", "", "x" * 10_000])
def test_not_commands(text: str) -> None:
    assert parse_command(text) is None


# ---------------------------------------------------------------- safety net


def test_safety_net_words(bundle: Bundle) -> None:
    net = SafetyNetMatcher(bundle.dialog)
    assert net.find("I felt it pop") == ["injury"]
    assert net.find("I CAN’T WALK on it") == ["weight_bearing"]
    assert net.find("it's gone numb and I have a fever") == ["infection_signs", "numbness"]
    assert net.find("it just aches") == []
    assert net.find("") == []
    assert net.find("\u202efever\u202c") == ["infection_signs"]


def test_safety_net_needs_whole_words(bundle: Bundle) -> None:
    net = SafetyNetMatcher(bundle.dialog)
    assert "infection_signs" not in net.find("feverfew tea")
    assert "numbness" not in net.find("numbers")
