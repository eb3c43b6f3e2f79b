"""Typed reading of located YAML for the loaders: problems collected with file:line:column.

`Reader` turns `Y` trees into plain values, recording a problem (with the place and what is
allowed) instead of stopping at the first; `read_condition` reads the `when:` mappings that
dialogs, rules and check-ins share.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable, Mapping
from pathlib import Path

from heel_bot.errors import Mark, Problem
from heel_bot.model import Condition
from heel_bot.yamlsrc import Y


def shown(path: Path) -> str:
    """A path as errors show it: relative to the working directory when inside it."""
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return str(path)
    return str(path) if rel.startswith("..") else rel


def guess(word: str, allowed: Iterable[str]) -> str:
    """A hint naming the likely intended word, for a typo; empty when none is close."""
    close = difflib.get_close_matches(word, list(allowed), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def choices(allowed: Iterable[str]) -> str:
    items = sorted(allowed)
    if len(items) > 12:
        return ", ".join(items[:12]) + f", … ({len(items)} in all)"
    return ", ".join(items)


class Reader:
    """Typed access to Y trees that records problems instead of stopping at the first."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        # Where each content key is referred to, so a missing one is reported at its use.
        self.refs: dict[str, Mark] = {}
        # Places later checks point at (e.g. the contraindications of a cause).
        self.places: dict[str, Mark] = {}

    def ref(self, key: str | None, y: Y) -> str | None:
        """Record that content key `key` is referred to at `y`."""
        if key is not None:
            self.refs.setdefault(key, y.mark)
        return key

    def fail(self, mark: Mark, message: str) -> None:
        self.problems.append(Problem(mark, message))

    def mapping(
        self, y: Y, what: str, required: Iterable[str], optional: Iterable[str] = ()
    ) -> dict[str, Y] | None:
        if not isinstance(y.value, dict):
            self.fail(y.mark, f"{what} must be a mapping, got {y.kind}")
            return None
        req, opt = tuple(required), tuple(optional)
        allowed = (*req, *opt)
        for key in y.value:
            if key not in allowed:
                self.fail(y.key_mark(key), f"unknown key {key!r} in {what}"
                          f"{guess(key, allowed)}; allowed: "
                          f"{', '.join(allowed)}")
        for key in req:
            if key not in y.value:
                self.fail(y.mark, f"{what} lacks the required key {key!r}")
        return {k: v for k, v in y.value.items() if k in allowed}

    def string(self, y: Y, what: str) -> str | None:
        if isinstance(y.value, bool):
            word = "true" if y.value else "false"
            self.fail(y.mark, f"{what} must be a string, got the boolean {word}; "
                      f"write \"yes\"/\"no\" or quote the value")
            return None
        if not isinstance(y.value, str) or not y.value:
            self.fail(y.mark, f"{what} must be a non-empty string, got {y.kind}")
            return None
        return y.value

    def integer(self, y: Y, what: str, minimum: int = 0) -> int | None:
        if isinstance(y.value, bool) or not isinstance(y.value, int) or y.value < minimum:
            self.fail(y.mark, f"{what} must be a whole number ≥ {minimum}, got {y.kind} "
                      f"{y.value!r}")
            return None
        return y.value

    def flag(self, y: Y, what: str) -> bool | None:
        if not isinstance(y.value, bool):
            self.fail(y.mark, f"{what} must be true or false, got {y.kind} {y.value!r}")
            return None
        return y.value

    def seq(self, y: Y, what: str) -> list[Y]:
        if not isinstance(y.value, list):
            self.fail(y.mark, f"{what} must be a list, got {y.kind}")
            return []
        return y.value

    def strings(self, y: Y, what: str, unique: bool = True) -> list[tuple[str, Mark]]:
        out: list[tuple[str, Mark]] = []
        seen: set[str] = set()
        for item in self.seq(y, what):
            s = self.string(item, f"each entry of {what}")
            if s is None:
                continue
            if unique and s in seen:
                self.fail(item.mark, f"{s!r} appears twice in {what}")
                continue
            seen.add(s)
            out.append((s, item.mark))
        return out

    def member(self, y: Y, what: str, allowed: Iterable[str]) -> str | None:
        s = self.string(y, what)
        allowed = tuple(allowed)
        if s is not None and s not in allowed:
            self.fail(y.mark, f"unknown {what} {s!r}{guess(s, allowed)}; allowed: "
                      f"{choices(allowed)}")
            return None
        return s


def read_condition(
    r: Reader, y: Y, slots: Mapping[str, tuple[str, ...]], what: str,
    extra: Mapping[str, tuple[str, ...]] | None = None,
) -> Condition | None:
    if not isinstance(y.value, dict) or not y.value:
        r.fail(y.mark, f"{what} must be a non-empty mapping of slot to value(s), got {y.kind}")
        return None
    keys: dict[str, tuple[str, ...]] = dict(slots)
    if extra:
        keys.update(extra)
    tests: list[tuple[str, frozenset[str]]] = []
    ok = True
    for key, val in y.value.items():
        if key not in keys:
            r.fail(y.key_mark(key), f"unknown slot {key!r} in {what}{guess(key, keys)}; "
                   f"allowed: {choices(keys)}")
            ok = False
            continue
        items = val.value if isinstance(val.value, list) else [val]
        if not items:
            r.fail(val.mark, f"{what}: {key} lists no values")
            ok = False
            continue
        values: set[str] = set()
        for item in items:
            v = r.member(item, f"value of {key}", keys[key])
            if v is None:
                ok = False
            else:
                values.add(v)
        tests.append((key, frozenset(values)))
    return Condition(tuple(tests)) if ok else None
