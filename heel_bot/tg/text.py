"""Message text as Telegram counts and limits it: HTML escaping, UTF-16 lengths, splitting."""

from __future__ import annotations

import html

MESSAGE_LIMIT = 4096  # Telegram's limit, in UTF-16 code units
SPLIT_AT = 4000  # parts stay a little below the limit


def utf16_len(text: str) -> int:
    """Length as Telegram counts it."""
    return len(text.encode("utf-16-le")) // 2


_SEPARATORS = ("\n\n", "\n", " ")


def split_html(text: str, limit: int = SPLIT_AT) -> list[str]:
    """Split HTML text into messages below `limit`: at paragraphs, else lines, else words.

    Tags never span a paragraph or a line in rendered documents, so every part stays valid.
    """
    return [p for p in _split(text.strip(), limit, 0) if p.strip()]


def _split(text: str, limit: int, level: int) -> list[str]:
    if utf16_len(text) <= limit:
        return [text]
    if level == len(_SEPARATORS):
        return _hard_cut(text, limit)
    sep = _SEPARATORS[level]
    chunks: list[str] = []
    current = ""
    for part in text.split(sep):
        if utf16_len(part) > limit:
            if current:
                chunks.append(current)
            subs = _split(part, limit, level + 1)
            chunks.extend(subs[:-1])
            current = subs[-1]
            continue
        candidate = f"{current}{sep}{part}" if current else part
        if utf16_len(candidate) <= limit:
            current = candidate
        else:
            chunks.append(current)
            current = part
    if current:
        chunks.append(current)
    return chunks


def _hard_cut(text: str, limit: int) -> list[str]:
    out: list[str] = []
    while utf16_len(text) > limit:
        cut = limit // 2  # code points; safe for any mix of UTF-16 widths
        amp = text.rfind("&", max(0, cut - 10), cut)
        if amp != -1 and ";" not in text[amp:cut]:
            cut = amp  # never cut an entity such as &amp; in two
        out.append(text[:cut])
        text = text[cut:]
    out.append(text)
    return out


def esc(text: str) -> str:
    """Text as Telegram HTML (quotes may stay as they are)."""
    return html.escape(text, quote=False)
