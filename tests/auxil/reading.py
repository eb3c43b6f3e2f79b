"""Reading one typed message through the real language layer, as the round-by-round tests of
tests/test_language_round_*.py do: a question id (None: an opening message) and the corpus's
fixed day, 14 May 2025 (a Wednesday), for the messages whose reading depends on the date."""

from __future__ import annotations

from datetime import date

from heel_bot.engine import Engine
from heel_bot.language.understand import Understanding

TODAY = date(2025, 5, 14)


def read(engine: Engine, text: str, question: str | None = None,
         answered: dict[str, str] | None = None, *, alone: bool = True) -> Understanding:
    """`text` read as the answer to `question` (None: an opening), with the slots `answered`
    before it (none by default); `alone=False` reads it by the rules alone (the learned second
    opinion judges single questions only), as a bot whose model failed to load does."""
    q = engine.dialog.questions[question] if question else None
    return engine.language.understand(text, q, answered or {}, today=TODAY, alone=alone)
