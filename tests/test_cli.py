"""The `heel-bot` command: check, replay, graph, chat (in process and as a real process)."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from auxil.answering import answer
from auxil.defs import REPO, copy_defs

from heel_bot import cli, diagrams
from heel_bot.engine import Engine
from heel_bot.model import Bundle

PROBLEM_LINE = re.compile(r"^\S+:\d+:\d+: \S.*$")
SELF_CARE = {"injury": "none", "weight_bearing": "yes", "deformity": "no", "tendon_gap": "no",
             "infection_signs": "no", "diabetes": "no", "numbness": "no", "rest_pain": "no",
             "age_group": "16_plus", "pain_location": "bottom_inner", "morning_pain": "yes",
             "run_pattern": "eases_when_warm", "heel_squeeze": "no", "hard_surface": "no",
             "every_step": "no", "severity": "mild", "trend": "improving",
             "duration": "under_1_week", "mileage_jump": "yes", "shoe_age": "under_300_miles",
             "tight_calves": "no"}


def typed_numbers(engine: Engine, persona: dict[str, str]) -> list[str]:
    """The option numbers a person types to give the persona's answers, start to outcome."""
    state, lines = engine.new_state(), []
    while not state.finished:
        screen = engine.screen(state)
        if screen is not None:
            # a checklist screen: the numbers of the items that apply, or "none"
            ticks = [str(i) for i, qid in enumerate(screen.questions, 1)
                     if persona[engine.dialog.questions[qid].slot] == "yes"]
            lines.append(" ".join(ticks) or "none")
        else:
            q = engine.dialog.questions[state.node]
            lines.append(str([o.value for o in q.options].index(persona[q.slot]) + 1))
        state = answer(engine, state, persona).state
    return lines


# ---------------------------------------------------------------- check


def test_check_ok(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["check"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("OK: ")
    assert "every requirement of the specification met on every path" in out


def test_check_broken_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                           capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    defs = copy_defs(tmp_path)
    defs.edit("dialogs/triage.yaml", "      - goto: diabetes\n", "      - goto: diabets\n")
    defs.edit("content/ui.yaml", 'progress: "Step {n} of at most {total}"',
              'progress: "Step of at most {total}"')
    code = cli.main(["check", "--dialogs", str(defs.dialogs), "--content", str(defs.content)])
    assert code == 1
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2
    assert all(PROBLEM_LINE.match(line) for line in lines), lines
    assert lines[0].startswith(defs.at("content/ui.yaml", '"Step of at most') + ": ")
    assert lines[1].startswith(defs.at("dialogs/triage.yaml", "diabets") + ": ")


def test_check_unsafe_copy_reports_the_proof(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    defs = copy_defs(tmp_path)
    defs.edit("dialogs/rules.yaml", "{id: pop_or_kick, when: {injury: pop_or_kick}, "
              "level: urgent", "{id: pop_or_kick, when: {injury: pop_or_kick}, level: self_care")
    code = cli.main(["check", "--dialogs", "dialogs", "--content", "content"])
    assert code == 1
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines
    assert all(PROBLEM_LINE.match(line) for line in lines), lines
    assert any("requires at least urgent" in line for line in lines)


def test_other_commands_refuse_broken_definitions(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    defs = copy_defs(tmp_path)
    defs.write("dialogs/learn.yaml", "")
    code = cli.main(["graph", "--dialogs", str(defs.dialogs), "--content", str(defs.content)])
    assert code == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"{defs.dialogs / 'learn.yaml'}:1:1: the file is empty"]


# ---------------------------------------------------------------- replay


PASSING = """\
title: a pop is urgent
patient:
  injury: pop_or_kick
expect:
  triage: urgent
  cause: achilles_rupture
  no_advice: [calf_stretch]
"""

FAILING = """\
title: a pop is not self care
patient:
  injury: pop_or_kick
expect:
  triage: self_care
"""


def test_replay_pass_and_fail(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good, bad = tmp_path / "good.yaml", tmp_path / "bad.yaml"
    good.write_text(PASSING, encoding="utf-8")
    bad.write_text(FAILING, encoding="utf-8")
    assert cli.main(["replay", str(good)]) == 0
    out = capsys.readouterr().out
    assert f"PASS {good}" in out
    assert "1 passed, 0 failed" in out
    assert cli.main(["replay", str(tmp_path)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert f"FAIL {bad}: expected self_care, got urgent" in lines
    assert f"PASS {good}" in lines
    assert lines[-1] == "1 passed, 1 failed"


def test_replay_nothing_to_replay(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["replay", str(tmp_path)]) == 1
    assert "no conversation files found" in capsys.readouterr().out


# ---------------------------------------------------------------- graph


@pytest.mark.parametrize("fmt", ["mermaid", "dot"])
def test_graph(fmt: str, bundle: Bundle, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["graph", "--format", fmt]) == 0
    expected = diagrams.mermaid(bundle) if fmt == "mermaid" else diagrams.dot(bundle)
    assert capsys.readouterr().out == expected


def test_graph_default_is_mermaid(bundle: Bundle, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["graph"]) == 0
    assert capsys.readouterr().out == diagrams.mermaid(bundle)


# ---------------------------------------------------------------- chat


def test_chat_piped_to_an_outcome(engine: Engine, bundle: Bundle) -> None:
    lines = typed_numbers(engine, SELF_CARE)
    args = cli.build_parser().parse_args(["chat"])
    out = io.StringIO()
    assert cli.cmd_chat(args, io.StringIO("\n".join(lines) + "\n"), out) == 0
    text = out.getvalue()
    assert bundle.content["q.injury.text"] in text
    assert bundle.content["level.self_care.title"] in text
    assert bundle.content["ui.disclaimer"] in text
    assert text.rstrip().endswith(bundle.content["ui.quit"])  # said at the end of the input
    assert f"> {lines[0]}" in text  # piped input is echoed


def test_chat_commands_and_learning(bundle: Bundle) -> None:
    args = cli.build_parser().parse_args(["chat"])
    out = io.StringIO()
    script = "why\nlearn\n5\nsummary\n/back\nquit\nnever read\n"
    assert cli.cmd_chat(args, io.StringIO(script), out) == 0
    text = out.getvalue()
    c = bundle.content
    assert c["q.injury.why"] in text
    assert c["ui.learn.menu"] in text
    assert c[bundle.learn[4].title] in text
    assert c["ui.summary.none_yet"] in text
    assert c["ui.back_none"] in text
    assert "never read" not in text  # quit stops reading


def test_no_subcommand_without_token_chats(monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str],
                                           bundle: Bundle) -> None:
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    monkeypatch.setattr(sys, "stdin", io.StringIO("it popped\n"))
    assert cli.main([]) == 0
    out = capsys.readouterr().out
    assert bundle.content["q.injury.text"] in out
    assert bundle.content["level.urgent.title"] in out


def run_bot(args: list[str], stdin: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "TELEGRAM_BOT_TOKEN"}
    return subprocess.run([sys.executable, "-m", "heel_bot", *args], input=stdin, text=True,
                          capture_output=True, env=env, cwd=REPO, timeout=120, check=False)


@pytest.mark.slow
def test_chat_as_a_process(engine: Engine, bundle: Bundle) -> None:
    lines = typed_numbers(engine, SELF_CARE)
    done = run_bot(["chat"], "\n".join(lines) + "\n")
    assert done.returncode == 0, done.stderr
    assert bundle.content["level.self_care.title"] in done.stdout
    assert done.stdout.rstrip().endswith(bundle.content["ui.quit"])
    assert done.stderr == ""


@pytest.mark.slow
def test_no_subcommand_as_a_process_chats(bundle: Bundle) -> None:
    done = run_bot([], "it popped\n")
    assert done.returncode == 0, done.stderr
    assert bundle.content["level.urgent.title"] in done.stdout
