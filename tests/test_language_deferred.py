"""NLTK, which medspaCy's QuickUMLS imports but heel-bot never uses, is loaded only when used
(heel_bot/language/deferred.py): ~0.9 s and ~100 MiB of every process that reads typed answers."""

from __future__ import annotations

import subprocess
import sys
import types

import pytest

from heel_bot.language import deferred


def _run(code: str) -> str:
    return subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                          text=True, timeout=120).stdout.strip()


@pytest.mark.slow
def test_building_the_pipeline_does_not_load_nltk() -> None:
    out = _run("import sys\n"
               "from heel_bot.language.pipeline import Pipeline\n"
               "from heel_bot.loader import load\n"
               "Pipeline(load().language).read('no, but I can feel a dent', 'tendon_gap')\n"
               "print(sorted(m for m in sys.modules if m.split('.')[0] in ('nltk', 'scipy')))")
    assert out == "['nltk']"  # the stand-in alone


def test_the_stand_in_gives_the_real_module_on_first_use(monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    monkeypatch.delitem(sys.modules, "json", raising=True)
    deferred.defer(("json",))
    stand_in = sys.modules["json"]
    assert isinstance(stand_in, deferred.Deferred)
    assert stand_in.dumps([1]) == "[1]"  # type: ignore[operator]
    real = sys.modules["json"]
    assert not isinstance(real, deferred.Deferred) and isinstance(real, types.ModuleType)
    assert stand_in.loads("2") == 2  # type: ignore[operator]  # still works, once loaded
    assert sys.modules["json"] is real


def test_a_module_already_imported_or_not_installed_is_left_alone() -> None:
    before = sys.modules["json"]
    deferred.defer(("json", "no_such_module_here"))
    assert sys.modules["json"] is before
    assert "no_such_module_here" not in sys.modules
