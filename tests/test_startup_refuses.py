"""The bot never starts on an invalid dialog: `check` and `serve` refuse at the exact place.

Each case copies dialogs/ and content/, breaks them one way and runs the real command line:
`heel-bot check`, `heel-bot serve` and plain `heel-bot` (which serves when a token is set).
All must exit with 1 and print the same `file:line:column: message` lines (check on stdout,
serve on stderr), with the problem at the position of the broken text in the edited file.
The Telegram adapter's `run` and `build_application` are replaced by tripwires, and the bot's
database and Bot API URL point at a temporary file and a closed local port: had serve got past
the definitions, the tripwire (or, failing that, a missing connection) would show it.
A positive control serves the intact copy and must reach the tripwire, so the tripwires are
known to sit on the real start-up path.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from auxil.defs import REPO, Defs, copy_defs

from heel_bot import cli
from heel_bot.engine import Engine
from heel_bot.tg import app as tg

TRIAGE = "dialogs/triage.yaml"
RULES = "dialogs/rules.yaml"
VOCAB = "dialogs/vocabulary.yaml"
LEARN = "dialogs/learn.yaml"
QUESTIONS = "content/questions.yaml"
UI = "content/ui.yaml"

# Well-formed (digits, a colon, 35 URL-safe characters) but belonging to no bot.
FAKE_TOKEN = "123456789:AAFakeTokenForStartupTests_0123456789"
PROBLEM_LINE = re.compile(r"^\S+:\d+:\d+: \S.*$")


@dataclass(frozen=True)
class Expected:
    """Where the problem must be reported and what its message must say."""

    where: str  # file:line:column, relative to the copy's root
    fragments: tuple[str, ...]


@dataclass(frozen=True)
class Break:
    """One way of breaking the definitions: apply it to a copy, get the expected problem."""

    name: str
    apply: Callable[[Defs], Expected]


def _expect(where: str, *fragments: str) -> Expected:
    return Expected(where, fragments)


def syntax_error(d: Defs) -> Expected:
    d.edit(TRIAGE, "dialog: triage\n", "dialog: triage: x\n")
    return _expect(d.at(TRIAGE, ": x"), "YAML syntax error")


def unknown_key(d: Defs) -> Expected:
    d.edit(TRIAGE, "    text: q.deformity.text\n", "    text: q.deformity.text\n    colour: red\n")
    return _expect(d.at(TRIAGE, "colour: red"), "question deformity", "unknown key 'colour'")


def dangling_target(d: Defs) -> Expected:
    d.edit(TRIAGE, "      - goto: diabetes\n", "      - goto: diabets\n")
    return _expect(d.at(TRIAGE, "diabets"), "unknown target 'diabets'",
                   "did you mean 'diabetes'?")


def missing_content_key(d: Defs) -> Expected:
    d.edit(TRIAGE, "label: opt.numbness.no}", "label: opt.numbness.nope}")
    return _expect(d.at(TRIAGE, "opt.numbness.nope"), "missing content key 'opt.numbness.nope'")


def missing_content_key_of_the_code(d: Defs) -> Expected:
    text = d.text(UI)
    line = next(x for x in text.splitlines(keepends=True) if x.startswith("  back_done:"))
    d.edit(UI, line, "")
    return _expect("content:1:1", "missing content key 'ui.back_done'", "needed by the code")


def unknown_slot(d: Defs) -> Expected:
    d.edit(TRIAGE, "{when: {injury: fall_or_impact}, goto: outcome}",
           "{when: {injury_kind: fall_or_impact}, goto: outcome}")
    return _expect(d.at(TRIAGE, "injury_kind"), "question severity: when",
                   "unknown slot 'injury_kind'")


def unknown_value(d: Defs) -> Expected:
    d.edit(TRIAGE, "{when: {trend: same}, goto: duration}",
           "{when: {trend: unchanged}, goto: duration}")
    return _expect(d.at(TRIAGE, "unchanged"), "unknown value of trend 'unchanged'")


def unknown_option_value(d: Defs) -> Expected:
    d.edit(TRIAGE, "{value: none, label: opt.injury.none",
           "{value: nothing, label: opt.injury.none")
    return _expect(d.at(TRIAGE, "nothing, label"), "unknown value of slot injury 'nothing'")


def unreachable_state(d: Defs) -> Expected:
    # duration is reached only when the trend is the same (and is on no checklist screen).
    d.edit(TRIAGE, "      - {when: {trend: same}, goto: duration}\n", "")
    return _expect(d.at(TRIAGE, "duration:\n    slot"), "question duration is unreachable")


def cycle(d: Defs) -> Expected:
    d.edit(TRIAGE, "opt.shoe_age.unsure}\n    next:\n      - goto: outcome\n",
           "opt.shoe_age.unsure}\n    next:\n      - goto: duration\n")
    return _expect(d.at(TRIAGE, "goto: duration", within="shoe_age:\n    slot"),
                   "the dialog loops", "(duration → shoe_age → duration)")


def self_loop(d: Defs) -> Expected:
    d.edit(TRIAGE, "    next:\n      - goto: rest_pain\n", "    next:\n      - goto: numbness\n")
    return _expect(d.at(TRIAGE, "numbness", within="goto: numbness\n\n  rest"),
                   "question numbness leads to itself")


def duplicated_id(d: Defs) -> Expected:
    d.edit(TRIAGE, "  rest_pain:\n    slot: rest_pain", "  numbness:\n    slot: rest_pain")
    return _expect(d.at(TRIAGE, "numbness:\n    slot: rest_pain"), "duplicate key 'numbness'")


def duplicated_content_key(d: Defs) -> Expected:
    d.write("content/zz_extra.yaml", 'ui:\n  quit: "Bye."\n')
    return _expect("content/zz_extra.yaml:2:3", "content key 'ui.quit' is defined twice")


def boolean_value(d: Defs) -> Expected:
    d.edit(TRIAGE, '{value: "yes", label: opt.deformity.yes',
           "{value: true, label: opt.deformity.yes")
    return _expect(d.at(TRIAGE, "true, label"), "got the boolean true",
                   'write "yes"/"no" or quote the value')


def boolean_in_a_when(d: Defs) -> Expected:
    d.edit(TRIAGE, '{when: {deformity: "yes"}, goto: outcome}',
           "{when: {deformity: false}, goto: outcome}")
    return _expect(d.at(TRIAGE, "false}"), "got the boolean false")


def empty_dialog_file(d: Defs) -> Expected:
    d.write(LEARN, "")
    return _expect(f"{LEARN}:1:1", "the file is empty")


def empty_content_file(d: Defs) -> Expected:
    d.write(UI, "# nothing here yet\n")
    return _expect(f"{UI}:1:1", "the file is empty")


def missing_file(d: Defs) -> Expected:
    d.path(VOCAB).unlink()
    return _expect(f"{VOCAB}:1:1", "cannot read the file")


def options_not_a_list(d: Defs) -> Expected:
    d.edit(TRIAGE, '    options:\n      - {value: "yes", label: opt.diabetes.yes}\n'
           '      - {value: "no", label: opt.diabetes.no}\n', "    options: yes or no\n")
    return _expect(d.at(TRIAGE, "yes or no"),
                   "question diabetes: options must be a list, got string")


def version_a_string(d: Defs) -> Expected:
    d.edit(TRIAGE, "version: 2\n", 'version: "one"\n')
    return _expect(d.at(TRIAGE, '"one"'), "version must be a whole number ≥ 1, got string 'one'")


def content_text_a_number(d: Defs) -> Expected:
    d.edit(QUESTIONS, '    short: "Age"\n', "    short: 16\n")
    return _expect(d.at(QUESTIONS, "16\n"),
                   "the text of q.age_group.short must be a non-empty string, got number")


def unknown_level(d: Defs) -> Expected:
    d.edit(RULES, "level: urgent, cause: achilles_rupture, because: reason.pop",
           "level: emergency, cause: achilles_rupture, because: reason.pop")
    return _expect(d.at(RULES, "emergency"), "unknown level 'emergency'")


# Loadable, but unsafe: only the graph proofs see these.


def red_flags_skipped(d: Defs) -> Expected:
    # Only people who walk with pain would see the red-flag screen (infection, diabetes,
    # numbness…); the branch is before the screen, so the screen's items still chain.
    d.edit(TRIAGE, '      - {when: {weight_bearing: "no"}, goto: outcome}\n'
           "      - goto: deformity\n",
           '      - {when: {weight_bearing: "no"}, goto: outcome}\n'
           "      - {when: {weight_bearing: with_pain}, goto: deformity}\n"
           "      - goto: pain_location\n")
    return _expect(d.at(RULES, "{id: infection,"), "without asking infection_signs",
                   "which could make it urgent (rule infection)")


def weakened_rule(d: Defs) -> Expected:
    d.edit(RULES, "{id: pop_or_kick, when: {injury: pop_or_kick}, level: urgent",
           "{id: pop_or_kick, when: {injury: pop_or_kick}, level: see_doctor")
    return _expect(d.at(VOCAB, "{when: {injury: pop_or_kick}, level: urgent}"),
                   "the specification requires at least urgent here",
                   "but the rules give see_doctor on the path injury=pop_or_kick")


BREAKS = [Break(f.__name__, f) for f in (
    syntax_error, unknown_key, dangling_target, missing_content_key,
    missing_content_key_of_the_code, unknown_slot, unknown_value, unknown_option_value,
    unreachable_state, cycle, self_loop, duplicated_id, duplicated_content_key, boolean_value,
    boolean_in_a_when, empty_dialog_file, empty_content_file, missing_file, options_not_a_list,
    version_a_string, content_text_a_number, unknown_level, red_flags_skipped, weakened_rule)]
UNSAFE_BUT_LOADABLE = {"red_flags_skipped", "weakened_rule"}


# ------------------------------------------------------------------ fixtures


def closed_port() -> int:
    """A local port nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Tripwires:
    """Calls that reached the Telegram adapter (there must be none on a broken dialog)."""

    calls: list[tuple[str, tuple[Any, ...]]]


@pytest.fixture
def defs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Defs:
    monkeypatch.chdir(tmp_path)
    return copy_defs(tmp_path)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "state" / "heel.sqlite3"


@pytest.fixture
def serve_env(monkeypatch: pytest.MonkeyPatch, db: Path) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", FAKE_TOKEN)
    monkeypatch.setenv("TELEGRAM_API_URL", f"http://127.0.0.1:{closed_port()}/bot")
    monkeypatch.setenv("HEEL_BOT_DB", str(db))
    monkeypatch.delenv("HEEL_BOT_WEBHOOK_SECRET", raising=False)
    monkeypatch.delenv("HEEL_BOT_DAY_SECONDS", raising=False)


@pytest.fixture
def tripwires(monkeypatch: pytest.MonkeyPatch, serve_env: None) -> Tripwires:
    wires = Tripwires([])

    def run(*args: Any, **kwargs: Any) -> int:
        wires.calls.append(("run", args))
        return 0

    def build_application(*args: Any, **kwargs: Any) -> Any:
        wires.calls.append(("build_application", (*args, kwargs["engine"])))
        kwargs["store"].close()
        return object()

    # cli imports the adapter package and calls these two through it.
    monkeypatch.setattr(tg, "run", run)
    monkeypatch.setattr(tg, "build_application", build_application)
    return wires


def problem_lines(output: str) -> list[str]:
    lines = output.strip().splitlines()
    assert lines, "nothing was printed"
    assert all(PROBLEM_LINE.match(line) for line in lines), lines
    return lines


def the_line(lines: list[str], expected: Expected) -> str:
    """The one line at the expected place saying everything expected."""
    hits = [line for line in lines if line.startswith(f"{expected.where}: ")
            and all(f in line for f in expected.fragments)]
    listing = "\n".join(lines)
    assert len(hits) == 1, f"expected one line at {expected.where} saying " \
                           f"{expected.fragments}; got:\n{listing}"
    return hits[0]


# ------------------------------------------------------------------ the refusals


@pytest.mark.parametrize("broken", BREAKS, ids=[b.name for b in BREAKS])
def test_check_and_serve_refuse_at_the_place_of_the_break(
        broken: Break, defs: Defs, tripwires: Tripwires, db: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    expected = broken.apply(defs)
    paths = ["--dialogs", str(defs.dialogs), "--content", str(defs.content)]

    assert cli.main(["check", *paths]) == 1
    out, err = capsys.readouterr()
    assert err == ""
    checked = problem_lines(out)
    the_line(checked, expected)

    assert cli.main(["serve", *paths]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert problem_lines(err) == checked  # the same problems, in the same order

    # Plain `heel-bot` with a token set serves, and refuses the same way.
    assert cli.main(paths) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert problem_lines(err) == checked

    assert tripwires.calls == []
    assert not db.exists() and not db.parent.exists()  # no store was even created
    assert FAKE_TOKEN.split(":", 1)[1] not in out + err


@pytest.mark.parametrize("name", sorted(UNSAFE_BUT_LOADABLE))
def test_unsafe_copies_load_and_only_the_proofs_refuse_them(name: str, defs: Defs) -> None:
    # Guards the cases above: they must really be "loadable but unsafe".
    from heel_bot import proofs

    broken = next(b for b in BREAKS if b.name == name)
    expected = broken.apply(defs)
    bundle = defs.load()
    problems = [str(p) for p in proofs.prove(bundle)]
    the_line(problems, expected)


def test_the_intact_copy_serves(defs: Defs, tripwires: Tripwires,
                                capsys: pytest.CaptureFixture[str]) -> None:
    # The positive control: the same command line on the unbroken copy reaches `run`.
    paths = ["--dialogs", str(defs.dialogs), "--content", str(defs.content)]
    assert cli.main(["check", *paths]) == 0
    assert capsys.readouterr().out.startswith("OK: ")
    assert cli.main(["serve", *paths]) == 0
    assert cli.main(paths) == 0
    assert [name for name, _ in tripwires.calls] == ["build_application", "run"] * 2
    for _, (config, engine) in tripwires.calls[::2]:
        assert config.token == FAKE_TOKEN
        assert isinstance(engine, Engine)
        assert engine.dialog.start == "injury"


@pytest.mark.slow
def test_serve_as_a_process_refuses_a_broken_dialog(defs: Defs, serve_env: None, db: Path) -> None:
    # The console entry point, end to end: a real process, the environment of a deployment.
    expected = dangling_target(defs)
    done = subprocess.run([sys.executable, "-m", "heel_bot", "serve", "--dialogs", "dialogs",
                           "--content", "content"], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(REPO)}, cwd=defs.root,
                          timeout=120, check=False)
    assert done.returncode == 1, done.stderr
    assert done.stdout == ""
    the_line(problem_lines(done.stderr), expected)
    assert "Traceback" not in done.stderr
    assert not db.exists()
