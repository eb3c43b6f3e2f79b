"""Documents: a list of blocks (title, heading, text), shown as plain text or Telegram HTML.

Content texts may hold paragraphs and "- " bullet lines. `wrap` fits plain text to a
terminal's width (the width is passed in by the command line; nothing here asks the terminal).
"""

from __future__ import annotations

import html
import re
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Block:
    """One piece of a document."""

    kind: str  # "title", "heading" or "text"
    text: str


Doc = list[Block]


def to_plain(doc: Iterable[Block]) -> str:
    """Plain text for a terminal."""
    shown = {"title": "== {} ==", "heading": "{}:", "text": "{}"}
    return _join((b.kind, shown[b.kind].format(b.text)) for b in doc)


def to_html(doc: Iterable[Block]) -> str:
    """Telegram HTML: everything escaped, titles and headings in bold."""
    def fmt(b: Block) -> str:
        text = html.escape(b.text, quote=False)
        return f"<b>{text}</b>" if b.kind in ("title", "heading") else text

    return _join((b.kind, fmt(b)) for b in doc)


def _join(parts: Iterable[tuple[str, str]]) -> str:
    out: list[str] = []
    after_heading = False
    for kind, text in parts:
        # A heading sits directly above its text; other blocks are separated by a blank line.
        if out and not after_heading:
            out.append("")
        out.append(text)
        after_heading = kind == "heading"
    return "\n".join(out).strip()


def words(doc: Iterable[Block]) -> int:
    """How many words a document has (what a reader reads: titles and headings too)."""
    return sum(len(b.text.split()) for b in doc)


# A bullet ("- ") or a numbered line ("12. "): wrapped lines hang under its text.
_MARKER = re.compile(r"^(\s*(?:- |[0-9]{1,3}\. ))")


def wrap(text: str, width: int) -> str:
    """Plain text wrapped to `width` columns, line by line; bullets and numbered lines keep
    a hanging indent, blank lines stay. Below 20 columns, text is left as it is."""
    if width < 20:
        return text
    out: list[str] = []
    for line in text.split("\n"):
        m = _MARKER.match(line)
        indent = " " * len(m.group(1)) if m else ""
        out.append(textwrap.fill(line, width, subsequent_indent=indent,
                                 break_long_words=True, break_on_hyphens=False) or line)
    return "\n".join(out)
