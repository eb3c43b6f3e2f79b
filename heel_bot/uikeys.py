"""Content keys that Python code uses directly (the rest are named by the YAML files).

The loader refuses content that lacks one of these, and `heel-bot check` reports content keys
that nothing uses, so this list is the contract between the code and content/. Keys that code
builds from an id (a question's gist, a level's parts, a cause's name...) are built here too,
by the small functions below, and nowhere else.
"""

from __future__ import annotations

LEVEL_PARTS = ("title", "intro", "where", "tell", "meanwhile", "come_back", "brief", "watch")
"""The content keys `level.<level>.<part>` every triage level has."""


def short_key(question_id: str) -> str:
    """A question's few-word gist (for summaries and answered messages)."""
    return f"q.{question_id}.short"


def level_key(level: str, part: str) -> str:
    """One part of a triage level's text (a part of LEVEL_PARTS)."""
    return f"level.{level}.{part}"


def level_keys(level: str) -> tuple[str, ...]:
    """Every part of a triage level's text, in the order of LEVEL_PARTS."""
    return tuple(level_key(level, part) for part in LEVEL_PARTS)


def cause_keys(cause: str) -> tuple[str, str, str]:
    """A cause's name, one-liner and explanation."""
    return (f"cause.{cause}.name", f"cause.{cause}.short", f"cause.{cause}.explain")


def advice_keys(advice: str) -> tuple[str, str]:
    """An advice id's title and how-to."""
    return (f"advice.{advice}.title", f"advice.{advice}.howto")


def screen_short_key(screen_id: str) -> str:
    """A checklist screen's name in a list of answers ("Warning signs")."""
    return f"q.screen.{screen_id}.short"


def advice_line_key(advice: str) -> str:
    """An advice id's one-line action on the result's first screen."""
    return f"advice.{advice}.line"


def reason_line_key(because: str) -> str:
    """The short form of a triage reason (`because` is its full text's key, reason.<id>)."""
    return f"screen.why.{because.split('.', 1)[-1]}"


def note_line_key(note: str) -> str:
    """The one-line action of a safety note (`note` is its full text's key, note.<id>)."""
    return f"screen.note.{note.split('.', 1)[-1]}"


def card_key(name: str) -> str:
    """The label of one of the result's detail cards (names in OUTCOME_CARDS)."""
    return f"ui.card.{name}"


OUTCOME_CARDS = ("why", "cause", "notes", "where", "tell", "meanwhile", "come_back", "summary")
"""The result's detail cards besides one per advice id, in the order they are offered."""

OUTCOME_NAV = ("learn", "restart", "back", "result", "more", "home", "plan")
"""The result's and the learn menu's navigation choices (labels ui.nav.<name>)."""


def nav_key(name: str) -> str:
    """The label of a navigation choice (names in OUTCOME_NAV)."""
    return f"ui.nav.{name}"


def button_key(name: str) -> str:
    """A Telegram button's label (the names are in TELEGRAM: back, why, summary...)."""
    return f"tg.button.{name}"


def command_key(name: str) -> str:
    """A Telegram command's description in the command menu."""
    return f"tg.commands.{name}"


# Engine, rendering and terminal chat.
CORE: frozenset[str] = frozenset(
    {
        "ui.welcome",
        "ui.disclaimer",
        "ui.help",
        "ui.help_buttons",
        "ui.outcome.likely",
        "ui.outcome.also",
        "ui.outcome.actions",
        "ui.outcome.why_self_care",
        "ui.outcome.menu",
        "ui.outcome.card_hint",
        "ui.summary.date",
        "ui.learn.page",
        "ui.learn.hint",
        *(f"ui.card.{name}" for name in OUTCOME_CARDS),
        *(f"ui.nav.{name}" for name in OUTCOME_NAV),
        "ui.progress",
        "ui.unmatched",
        "ui.unsure_assumed",
        "ui.unsure_pick",
        "ui.screen.which",
        "ui.screen.more",
        "ui.screen.unsure",
        "ui.screen.generic",
        "ui.screen.numbers",
        "ui.screen.how_typed",
        "ui.screen.how_buttons",
        "ui.screen.none_ticked",
        "ui.screen.tick",
        "ui.kept_safer",
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
        "ui.summary.denied",
        "ui.summary.none_yet",
        "ui.outcome.reasons",
        "ui.outcome.no_clear_cause",
        "ui.outcome.not_a_diagnosis",
        "ui.card.plan",
        "ui.learn.menu",
        "ui.learn.unknown",
        "ui.quit",
        "ui.state_reset",
        "ui.chat.hint",
        "ui.emergency",
        "ui.confirm",
        "ui.opening_kept",
        "ui.readback_unmatched",
        "ui.readback.title",
        "ui.readback.how_typed",
        "ui.readback.how_buttons",
        "ui.given.said",
        "ui.given.assumed",
        "ui.checkin.still_seen",
    }
)

# The Telegram adapter.
TELEGRAM: frozenset[str] = frozenset(
    {
        "tg.commands.start",
        "tg.commands.help",
        "tg.commands.back",
        "tg.commands.restart",
        "tg.commands.why",
        "tg.commands.summary",
        "tg.commands.learn",
        "tg.commands.remind",
        "tg.commands.forget",
        "tg.commands.privacy",
        "tg.description",
        "tg.short_description",
        "tg.welcome_back",
        "tg.answered",
        "tg.stale",
        "tg.already",
        "tg.non_text",
        "tg.private_only",
        "tg.unknown_command",
        "tg.error",
        "tg.store_error",
        "tg.button.back",
        "tg.button.why",
        "tg.button.summary",
        "tg.button.learn",
        "tg.button.restart",
        "tg.button.remind_days",
        "tg.button.cancel",
        "tg.button.forget_yes",
        "tg.button.forget_no",
        "tg.button.readback_ok",
        "tg.button.screen_done",
        "tg.button.screen_none",
        "tg.button.change",
        "tg.button.plan",
        "tg.plan_hint",
        "tg.privacy",
        "tg.forget.ask",
        "tg.forget.done",
        "tg.forget.kept",
        "tg.remind.set",
        "tg.remind.none",
        "tg.remind.list",
        "tg.remind.item",
        "tg.remind.item_one",
        "tg.remind.item_today",
        "tg.remind.cancelled",
        "tg.remind.gone",
        "tg.remind.too_many",
        "tg.remind.already",
    }
)

ALL: frozenset[str] = CORE | TELEGRAM

# Placeholders each key must use (all others take none).
PLACEHOLDERS: dict[str, frozenset[str]] = {
    "ui.progress": frozenset({"n", "total"}),
    "ui.unsure_assumed": frozenset({"label"}),
    "ui.kept_safer": frozenset({"label"}),
    "ui.why": frozenset({"text"}),
    "ui.given.said": frozenset({"words"}),
    "tg.button.change": frozenset({"n"}),
    "ui.summary.level": frozenset({"level"}),
    "ui.summary.date": frozenset({"date"}),
    "ui.summary.denied": frozenset({"items"}),
    "tg.button.plan": frozenset({"n"}),
    "ui.learn.page": frozenset({"n", "total"}),
    "ui.summary.level_so_far": frozenset({"level"}),
    "tg.answered": frozenset({"question", "answer"}),
    "tg.button.remind_days": frozenset({"days"}),
    "tg.button.cancel": frozenset({"when"}),
    "tg.remind.set": frozenset({"days"}),
    "tg.remind.item": frozenset({"days"}),
    "tg.remind.too_many": frozenset({"max"}),
    "tg.remind.already": frozenset({"days"}),
    "checkin.ask": frozenset({"days"}),
}
