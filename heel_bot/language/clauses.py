"""Where clauses end and where a contrast starts in a cleaned message ("no, but…", "…tho").

Split out of the understander: what counts after "but" (the safety policy's rule 2) depends
only on the text and the lexicon's contrast words."""

from __future__ import annotations

import re
from collections.abc import Iterator

CLAUSE_END = re.compile(r"[,.;!?]")
TRAILS = re.compile(r"\s*(?:[,.;!?]|$)")  # what follows a contrast word that closes a clause


def last_contrast(contrast: re.Pattern[str] | None, text: str) -> int | None:
    """Where the last contrast starts: its word, or the start of the clause it closes
    ("nope. been feeling faint on and off today though"); None when there is none."""
    found = list(contrast.finditer(text)) if contrast else []
    if not found:
        return None
    last = found[-1]
    if TRAILS.match(text, last.end()):  # the contrast word closes its clause
        ends = [c.end() for c in CLAUSE_END.finditer(text, 0, last.start())]
        return ends[-1] if ends else last.start()
    return last.start()


def trailing(contrast: re.Pattern[str] | None, text: str) -> Iterator[int]:
    """Where each clause closed by a contrast word starts ("no redness. had a blister that went
    yellowy tho": the clause before "tho" is what contrasts)."""
    for m in contrast.finditer(text) if contrast else ():
        if not TRAILS.match(text, m.end()):
            continue
        before = [c.end() for c in CLAUSE_END.finditer(text, 0, m.start())]
        start = before[-1] if before else 0
        if start > 0 and re.search(r"[a-z]", text[start:m.start()]):
            yield start
