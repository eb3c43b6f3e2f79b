"""Inline keyboard rows that fit a phone (shared by every keyboard module)."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton


def layout(buttons: Sequence[InlineKeyboardButton]) -> list[list[InlineKeyboardButton]]:
    """Rows of at most 3 buttons; fewer per row when labels are long, so none is cut off."""
    if not buttons:
        return []
    longest = max(len(b.text) for b in buttons)
    per_row = 3 if longest <= 12 else 2 if longest <= 20 else 1
    return [list(buttons[i:i + per_row]) for i in range(0, len(buttons), per_row)]
