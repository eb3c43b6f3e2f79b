"""Content keys that Python code uses directly (the rest are named by the YAML files).

The loader refuses content that lacks one of these, and `heel-bot check` reports content keys
that nothing uses, so this list is the contract between the code and content/.
"""

from __future__ import annotations

# Engine, rendering and terminal chat.
CORE: frozenset[str] = frozenset(
    {
        "ui.welcome",
        "ui.disclaimer",
        "ui.help",
        "ui.progress",
        "ui.unmatched",
        "ui.unsure_assumed",
        "ui.unsure_pick",
        "ui.safety_net",
        "ui.back_done",
        "ui.back_none",
        "ui.restarted",
        "ui.why",
        "ui.finished",
        "ui.summary.title",
        "ui.summary.answers",
        "ui.summary.level",
        "ui.summary.level_so_far",
        "ui.summary.causes",
        "ui.summary.none_yet",
        "ui.outcome.reasons",
        "ui.outcome.causes",
        "ui.outcome.advice",
        "ui.outcome.no_clear_cause",
        "ui.learn.menu",
        "ui.learn.unknown",
        "ui.quit",
        "ui.state_reset",
        "ui.chat.hint",
    }
)

# The Telegram adapter.
TELEGRAM: frozenset[str] = frozenset()

ALL: frozenset[str] = CORE | TELEGRAM

# Placeholders each key must use (all others take none).
PLACEHOLDERS: dict[str, frozenset[str]] = {
    "ui.progress": frozenset({"n", "total"}),
    "ui.unsure_assumed": frozenset({"label"}),
    "ui.why": frozenset({"text"}),
    "ui.summary.level": frozenset({"level"}),
    "ui.summary.level_so_far": frozenset({"level"}),
}
