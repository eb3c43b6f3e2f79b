"""Installed anywhere: the wheel carries dialogs/ and content/, and an installed copy runs from
any folder.

Building the wheel needs its build backend from the package index, so `.ci/run` builds and
installs the real one in a clean environment; here an installed copy is laid out as the wheel
lays it out (the package with `_data/` inside, no checkout around it) and run from elsewhere.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from auxil.defs import REPO

from heel_bot import loader


def test_the_wheel_ships_dialogs_and_content_where_the_loader_looks() -> None:
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    shipped = config["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    assert shipped == {name: f"heel_bot/{loader.DATA_DIR}/{name}"
                       for name in ("dialogs", "content")}
    assert "prometheus-client" in " ".join(config["project"]["dependencies"])


def test_a_checkout_reads_the_folders_at_its_root() -> None:
    assert loader.default_dir("dialogs") == REPO / "dialogs"
    assert loader.default_dir("content") == REPO / "content"


def installed_copy(site: Path) -> Path:
    """The package as the wheel installs it: heel_bot/ with _data/dialogs and _data/content,
    in a folder with no checkout around it."""
    package = site / "heel_bot"
    shutil.copytree(REPO / "heel_bot", package,
                    ignore=shutil.ignore_patterns("__pycache__", "_data"))
    for name in ("dialogs", "content"):
        shutil.copytree(REPO / name, package / loader.DATA_DIR / name)
    return package


def heel_bot_in(site: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HEEL_BOT_", "TELEGRAM_"))}
    env.update(PYTHONPATH=str(site), HEEL_BOT_PROOF_CACHE="0")
    return subprocess.run([sys.executable, "-m", "heel_bot", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300, check=False)


@pytest.mark.slow
def test_an_installed_copy_runs_from_any_folder(tmp_path: Path) -> None:
    site, elsewhere = tmp_path / "site", tmp_path / "elsewhere"
    elsewhere.mkdir()
    package = installed_copy(site)

    probe = heel_bot_in(site, elsewhere, "check")
    assert probe.returncode == 0, probe.stdout + probe.stderr
    assert probe.stdout.startswith("OK: ")

    conversation = sorted((REPO / "tests" / "conversations").glob("persona_*.yaml"))[0]
    replay = heel_bot_in(site, elsewhere, "replay", str(conversation))
    assert replay.returncode == 0, replay.stdout + replay.stderr
    assert "1 passed, 0 failed" in replay.stdout

    # It read the copy inside the package: with that copy gone, it cannot start.
    shutil.rmtree(package / loader.DATA_DIR / "content")
    broken = heel_bot_in(site, elsewhere, "check")
    assert broken.returncode == 1
    assert "no content files" in broken.stdout + broken.stderr


@pytest.mark.slow
def test_the_language_report_asks_for_the_corpus_when_installed(tmp_path: Path) -> None:
    # The labelled corpus is test data in the repository, not part of the package.
    site, elsewhere = tmp_path / "site", tmp_path / "elsewhere"
    elsewhere.mkdir()
    installed_copy(site)
    report = heel_bot_in(site, elsewhere, "understand", "--report")
    assert report.returncode == 2
    assert "no labelled corpus" in report.stderr and "--report PATH" in report.stderr
    given = heel_bot_in(site, elsewhere, "understand", "--report",
                        str(REPO / "tests" / "language" / "age_group.yaml"))
    assert given.returncode == 0, given.stderr
    assert given.stdout.strip()
