"""Message text as Telegram counts and limits it (heel_bot/tg/text.py): UTF-16 lengths, HTML
escaping, and splitting long HTML into messages that each stay valid and below the limit.
Validity is judged by the stand-in's parser, which refuses what Telegram refuses."""

from __future__ import annotations

import pytest
from auxil.botapi import ApiError, parse_html
from hypothesis import given
from hypothesis import strategies as st

from heel_bot.tg.text import MESSAGE_LIMIT, SPLIT_AT, esc, split_html, utf16_len


def valid(part: str) -> bool:
    """Whether Telegram would accept `part` as an HTML message."""
    try:
        plain, _ = parse_html(part)
    except ApiError:
        return False
    return 0 < utf16_len(plain) <= MESSAGE_LIMIT


def test_utf16_len_counts_as_telegram_does() -> None:
    assert utf16_len("") == 0
    assert utf16_len("heel") == 4
    assert utf16_len("é") == 1  # one code unit
    assert utf16_len("😀") == 2  # outside the BMP: a surrogate pair
    assert utf16_len("🏃‍♀️") == 5  # a ZWJ sequence: runner, joiner, female sign, selector
    assert SPLIT_AT < MESSAGE_LIMIT == 4096


def test_esc_escapes_what_html_needs_and_nothing_else() -> None:
    assert esc("a < b & c > d") == "a &lt; b &amp; c &gt; d"
    assert esc('"quoted" it\'s') == '"quoted" it\'s'
    assert parse_html(esc("<b>not bold</b> & co"))[0] == "<b>not bold</b> & co"


def test_short_text_is_one_part() -> None:
    assert split_html("short") == ["short"]
    assert split_html("  padded\n\n") == ["padded"]
    assert split_html("") == []
    exactly = "x" * SPLIT_AT
    assert split_html(exactly) == [exactly]


def test_paragraphs_are_kept_whole_and_every_part_is_valid() -> None:
    para = "word &amp; <b>bold</b> text " * 30
    text = "\n\n".join([para] * 40)
    parts = split_html(text)
    assert len(parts) > 1
    assert all(utf16_len(p) <= SPLIT_AT and valid(p) for p in parts)
    assert "\n\n".join(parts) == text.strip()


def test_one_huge_paragraph_is_split_at_lines_then_words() -> None:
    lines = "\n".join(["a line of <b>text</b> &amp; more " * 4] * 200)
    parts = split_html(lines)
    assert len(parts) > 1 and all(utf16_len(p) <= SPLIT_AT and valid(p) for p in parts)
    assert "\n".join(parts) == lines.strip()
    huge = "x&amp;y " * 2000  # one paragraph, no line breaks
    parts = split_html(huge)
    assert len(parts) > 1 and all(utf16_len(p) <= SPLIT_AT and valid(p) for p in parts)
    assert " ".join(parts) == huge.strip()


def test_text_without_spaces_is_cut_hard_never_inside_an_entity() -> None:
    blob = "é😀&amp;" * 3000
    parts = split_html(blob)
    assert len(parts) > 1 and all(utf16_len(p) <= SPLIT_AT and valid(p) for p in parts)
    assert "".join(parts) == blob


@pytest.mark.parametrize("limit", [40, 100, 1000])
def test_a_smaller_limit_is_respected(limit: int) -> None:
    text = "\n\n".join(f"paragraph {i} &lt;with&gt; <b>bold {i}</b> words" * 3 for i in range(50))
    parts = split_html(text, limit)
    assert all(utf16_len(p) <= limit for p in parts)
    assert "".join(parts).replace("\n", "").replace(" ", "") == text.replace(
        "\n", "").replace(" ", "")


words = st.text(alphabet=st.characters(exclude_categories=("Cs", "Cc", "Z")), min_size=1,
                max_size=12)
paragraphs = st.lists(st.lists(words, min_size=1, max_size=40).map(" ".join), min_size=1,
                      max_size=30)


@given(paragraphs)
def test_escaped_text_of_any_words_splits_into_valid_parts(paras: list[str]) -> None:
    text = "\n\n".join(f"<b>{esc(p[:10])}</b> {esc(p)}" for p in paras)
    parts = split_html(text, limit=200)
    assert all(utf16_len(p) <= 200 for p in parts)
    assert all(valid(p) for p in parts)
