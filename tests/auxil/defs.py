"""A private copy of dialogs/ and content/ that a test may break, one edit at a time.

Mutation tests copy the real definitions into a temporary folder, change one thing and check
that the loader (or the graph proofs) report exactly that place. Edits are plain text
replacements that must match exactly once, so a test fails loudly if the real files drift away
from what it expects rather than silently testing nothing. Paths are shown relative to the
copy's root (tests chdir there), so a problem reads `dialogs/triage.yaml:12:7: ...`.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from heel_bot import loader
from heel_bot.errors import DefinitionError, Problem
from heel_bot.model import Bundle

REPO = Path(__file__).resolve().parents[2]
DIALOGS = REPO / "dialogs"
CONTENT = REPO / "content"


@dataclass(frozen=True)
class Defs:
    """A copy of the definitions under `root` (the working directory of the test)."""

    root: Path

    @property
    def dialogs(self) -> Path:
        return self.root / "dialogs"

    @property
    def content(self) -> Path:
        return self.root / "content"

    def path(self, name: str) -> Path:
        """`name` is relative to the root, e.g. "dialogs/triage.yaml"."""
        return self.root / name

    def text(self, name: str) -> str:
        return self.path(name).read_text(encoding="utf-8")

    def write(self, name: str, text: str) -> None:
        self.path(name).write_text(text, encoding="utf-8")

    def edit(self, name: str, old: str, new: str) -> None:
        """Replace the one occurrence of `old` with `new`."""
        text = self.text(name)
        found = text.count(old)
        assert found == 1, f"{old!r} occurs {found} times in {name}, expected once"
        self.write(name, text.replace(old, new))

    def at(self, name: str, needle: str, nth: int = 0, within: str | None = None) -> str:
        """`name:line:column` (1-based) of the `nth` occurrence of `needle`.

        With `within`, `needle` is looked for from the start of the one occurrence of `within`
        (a longer, unique snippet), which pins down a needle that is common in the file.
        """
        text = self.text(name)
        start = 0
        if within is not None:
            assert text.count(within) == 1, f"{within!r} is not unique in {name}"
            start = text.index(within)
        index = start - 1
        for _ in range(nth + 1):
            index = text.index(needle, index + 1)
        line = text.count("\n", 0, index) + 1
        column = index - (text.rfind("\n", 0, index) + 1) + 1
        return f"{name}:{line}:{column}"

    def load(self) -> Bundle:
        return loader.load(self.dialogs, self.content)

    def problems(self) -> tuple[Problem, ...]:
        """The problems of a load that must fail."""
        with pytest.raises(DefinitionError) as info:
            self.load()
        assert info.value.problems, "a DefinitionError must carry its problems"
        return info.value.problems


def copy_defs(root: Path) -> Defs:
    """Copy the real dialogs/ and content/ under `root`."""
    shutil.copytree(DIALOGS, root / "dialogs")
    shutil.copytree(CONTENT, root / "content")
    return Defs(root)


def problem_at(problems: tuple[Problem, ...] | list[Problem], where: str,
               *fragments: str) -> Problem:
    """The one problem reported at `where` whose message has all `fragments`; fail otherwise."""
    listing = "\n".join(str(p) for p in problems)
    hits = [p for p in problems if str(p).startswith(f"{where}: ")
            and all(f in p.message for f in fragments)]
    assert hits, f"no problem at {where} saying {fragments}; got:\n{listing}"
    assert len(hits) == 1, f"several problems at {where} saying {fragments}:\n{listing}"
    return hits[0]
