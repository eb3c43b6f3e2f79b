"""The path proofs, on the real dialog and on loadable but unsafe copies; the diagrams."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from auxil.defs import REPO, Defs, copy_defs, problem_at

from heel_bot import diagrams, proof_cache, proofs
from heel_bot.errors import DefinitionError, Problem
from heel_bot.model import OUTCOME, Bundle

TRIAGE = "dialogs/triage.yaml"
RULES = "dialogs/rules.yaml"
VOCAB = "dialogs/vocabulary.yaml"


@pytest.fixture
def defs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Defs:
    monkeypatch.chdir(tmp_path)
    return copy_defs(tmp_path)


def test_real_dialog_is_proven(bundle: Bundle) -> None:
    assert proofs.prove(bundle) == []


def test_load_proven_accepts_the_real_dialog() -> None:
    assert proof_cache.load_proven().dialog.start == "injury"


# ---------------------------------------------------------------- unsafe but loadable dialogs


def skip_infection_screen(defs: Defs) -> None:
    """Only people who walk with pain see the red-flag screen (infection, diabetes, numbness…)
    and are asked their age; the others go straight on to the pain questions. (The branch is
    at weight_bearing, before the screen, so the screen's own items still follow each other.)
    """
    defs.edit(TRIAGE, '      - {when: {weight_bearing: "no"}, goto: outcome}\n'
              "      - goto: deformity\n",
              '      - {when: {weight_bearing: "no"}, goto: outcome}\n'
              "      - {when: {weight_bearing: with_pain}, goto: deformity}\n"
              "      - goto: pain_location\n")


def test_a_path_skipping_a_red_flag_question(defs: Defs) -> None:
    skip_infection_screen(defs)
    problems = proofs.prove(defs.load())  # it loads: every question is still reachable
    p = problem_at(problems, defs.at(RULES, "{id: infection,"), "without asking infection_signs",
                   "which could make it urgent (rule infection)")
    assert "weight_bearing=yes" in p.message
    assert "infection_signs=" not in p.message
    # The other skipped red flags are named too, each once.
    for rule, slot in [("numbness", "numbness"), ("rest_pain", "rest_pain"),
                       ("under_16", "age_group"), ("diabetes", "diabetes")]:
        hits = [x for x in problems if f"(rule {rule})" in x.message]
        assert len(hits) == 1, problems
        assert f"without asking {slot}" in hits[0].message


def test_unsafe_dialog_is_refused_at_start(defs: Defs) -> None:
    skip_infection_screen(defs)
    with pytest.raises(DefinitionError) as info:
        proof_cache.load_proven(defs.dialogs, defs.content)
    assert any("without asking infection_signs" in p.message for p in info.value.problems)


def test_weakened_triage_rule_breaks_a_requirement(defs: Defs) -> None:
    defs.edit(RULES, "{id: pop_or_kick, when: {injury: pop_or_kick}, level: urgent",
              "{id: pop_or_kick, when: {injury: pop_or_kick}, level: see_doctor")
    problems = proofs.prove(defs.load())
    where = defs.at(VOCAB, "{when: {injury: pop_or_kick}, level: urgent}")
    p = problem_at(problems, where, "the specification requires at least urgent here")
    assert "but the rules give see_doctor on the path injury=pop_or_kick" in p.message


def test_weakened_combined_rule(defs: Defs) -> None:
    # weight_bearing is on no checklist screen, so weakening its rules leaves the screens'
    # most-serious-first order alone and only the proofs can object.
    defs.edit(RULES, "{id: fall_cannot_bear_weight, when: {injury: fall_or_impact, "
              "weight_bearing: \"no\"}, level: urgent", "{id: fall_cannot_bear_weight, when: "
              "{injury: fall_or_impact, weight_bearing: \"no\"}, level: see_doctor")
    defs.edit(RULES, "{id: cannot_bear_weight, when: {weight_bearing: \"no\"}, level: urgent",
              "{id: cannot_bear_weight, when: {weight_bearing: \"no\"}, level: see_doctor")
    problems = proofs.prove(defs.load())
    where = defs.at(VOCAB, "{when: {injury: fall_or_impact, weight_bearing: \"no\"}, "
                    "level: urgent}")
    p = problem_at(problems, where, "requires at least urgent")
    assert "injury=fall_or_impact" in p.message
    assert "weight_bearing=no" in p.message


def test_question_reached_only_under_an_impossible_condition(defs: Defs) -> None:
    # duration only from run_pattern with bottom_inner: but bottom_inner skips run_pattern.
    defs.edit(TRIAGE, "      - {when: {trend: same}, goto: duration}\n", "")
    defs.edit(TRIAGE, "opt.run_pattern.only_after}\n    next:\n      - goto: severity\n",
              "opt.run_pattern.only_after}\n    next:\n"
              "      - {when: {pain_location: bottom_inner}, goto: duration}\n"
              "      - goto: severity\n")
    problems = proofs.prove(defs.load())
    p = problem_at(problems, defs.at(TRIAGE, "duration:\n    slot"),
                   "question duration is never reached")
    assert "on every path the conditions leading to it fail" in p.message


def test_branch_on_an_answer_not_yet_given(defs: Defs) -> None:
    # shoe_age is asked after trend: the branch could never be taken in the normal flow, and
    # whether it is would depend on what was volunteered early.
    defs.edit(TRIAGE, "      - {when: {trend: same}, goto: duration}\n",
              "      - {when: {shoe_age: unsure}, goto: duration}\n")
    problems = proofs.prove(defs.load())
    p = problem_at(problems, defs.at(TRIAGE, "{when: {shoe_age: unsure}"),
                   "question trend: the branch to duration tests shoe_age")
    assert "not asked on every path here" in p.message


def test_ending_early_after_a_see_doctor_answer(defs: Defs) -> None:
    # Stopping as soon as someone is under 16 would skip the pain questions that can still
    # only reach see_doctor (fine), so nothing is reported…
    defs.edit(TRIAGE, "    next:\n      - goto: pain_location\n",
              "    next:\n      - {when: {age_group: under_16}, goto: outcome}\n"
              "      - goto: pain_location\n")
    assert proofs.prove(defs.load()) == []


def test_ending_early_before_an_urgent_question(defs: Defs) -> None:
    # …but stopping after a see_doctor answer before the urgent screen is done is reported.
    defs.edit(TRIAGE, '    next:\n      - {when: {weight_bearing: "no"}, goto: outcome}\n',
              '    next:\n      - {when: {weight_bearing: ["no", with_pain]}, goto: outcome}\n')
    problems = proofs.prove(defs.load())
    assert any("without asking deformity" in p.message and "weight_bearing=with_pain"
               in p.message for p in problems), problems


# ---------------------------------------------------------------- diagrams


def edges(bundle: Bundle) -> list[tuple[str, str]]:
    return sorted((q.id, t.goto) for q in bundle.dialog.questions.values() for t in q.next)


def test_mermaid_has_every_question_and_edge(bundle: Bundle) -> None:
    text = diagrams.mermaid(bundle)
    assert text.startswith("flowchart TD\n")
    nodes = re.findall(r"^    (\w+)\[\"", text, flags=re.M)
    assert sorted(nodes) == sorted(bundle.dialog.questions)
    assert re.search(rf"^    {OUTCOME}\(\[", text, flags=re.M)
    found = re.findall(r"^    (\w+) -->\|\"[^\"]*\"\| (\w+)$", text, flags=re.M)
    assert sorted(found) == edges(bundle)
    assert '-->|"injury = pop_or_kick"| outcome' in text
    assert '-->|"otherwise"| weight_bearing' in text


def test_dot_has_every_question_and_edge(bundle: Bundle) -> None:
    text = diagrams.dot(bundle)
    assert text.startswith('digraph "triage" {')
    assert text.rstrip().endswith("}")
    nodes = re.findall(r'^    "(\w+)" \[label=', text, flags=re.M)
    assert sorted(nodes) == sorted(bundle.dialog.questions)
    assert f'"{OUTCOME}" [shape=doublecircle];' in text
    found = re.findall(r'^    "(\w+)" -> "(\w+)" \[label="[^"]*"\];$', text, flags=re.M)
    assert sorted(found) == edges(bundle)


def test_diagrams_are_stable(bundle: Bundle) -> None:
    assert diagrams.mermaid(bundle) == diagrams.mermaid(bundle)
    assert diagrams.dot(bundle) == diagrams.dot(bundle)


def test_readme_diagram_is_current(bundle: Bundle) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    match = re.search(r"^<!-- graph:start -->\n```mermaid\n(.*?)```\n<!-- graph:end -->$",
                      readme, flags=re.M | re.S)
    assert match, "README.md lacks the ```mermaid block between the graph markers"
    assert match.group(1) == diagrams.mermaid(bundle), (
        "README.md's diagram is out of date: paste the output of `heel-bot graph` between "
        "<!-- graph:start --> and <!-- graph:end -->")


# ---------------------------------------------------------------- the remembered proof


@pytest.mark.slow
def test_a_proof_is_remembered_for_exactly_these_files(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    graph_mod = proof_cache
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("HEEL_BOT_PROOF_CACHE", raising=False)
    defs = copy_defs(tmp_path / "defs")
    calls: list[int] = []
    real_prove = graph_mod.prove

    def counting_prove(bundle: Bundle) -> list[Problem]:
        calls.append(1)
        return real_prove(bundle)

    monkeypatch.setattr(graph_mod, "prove", counting_prove)
    graph_mod.load_proven(defs.dialogs, defs.content)
    graph_mod.load_proven(defs.dialogs, defs.content)
    assert len(calls) == 1, "an unchanged dialog is proved once"
    assert len(list((tmp_path / "cache" / "heel-bot" / "proven").iterdir())) == 1

    # Any edit proves afresh, and an unsafe edit is refused although the old one was proven.
    defs.edit("dialogs/rules.yaml",
              "when: {injury: pop_or_kick}, level: urgent",
              "when: {injury: pop_or_kick}, level: see_doctor")
    with pytest.raises(DefinitionError):
        graph_mod.load_proven(defs.dialogs, defs.content)
    assert len(calls) == 2
    with pytest.raises(DefinitionError):
        graph_mod.load_proven(defs.dialogs, defs.content)
    assert len(calls) == 3, "a failed proof is never remembered"

    monkeypatch.setenv("HEEL_BOT_PROOF_CACHE", "0")
    defs.edit("dialogs/rules.yaml",
              "when: {injury: pop_or_kick}, level: see_doctor",
              "when: {injury: pop_or_kick}, level: urgent")
    graph_mod.load_proven(defs.dialogs, defs.content)
    graph_mod.load_proven(defs.dialogs, defs.content)
    assert len(calls) == 5, "HEEL_BOT_PROOF_CACHE=0 proves every time"
