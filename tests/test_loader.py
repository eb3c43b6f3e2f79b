"""The loader: the real definitions load; each kind of mistake is reported at its exact place.

Mutation tests copy dialogs/ and content/, break one thing, and check that the problem's
`file:line:column` is where the broken text now is (found by searching the edited file) and
that the message says what is allowed.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from auxil.defs import Defs, copy_defs, problem_at

from heel_bot import loader
from heel_bot.model import OUTCOME, Bundle

TRIAGE = "dialogs/triage.yaml"
RULES = "dialogs/rules.yaml"
VOCAB = "dialogs/vocabulary.yaml"
LEARN = "dialogs/learn.yaml"
QUESTIONS = "content/questions.yaml"
UI = "content/ui.yaml"


@pytest.fixture
def defs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Defs:
    monkeypatch.chdir(tmp_path)
    return copy_defs(tmp_path)


# ---------------------------------------------------------------- the real definitions


def test_real_definitions_load(bundle: Bundle) -> None:
    d = bundle.dialog
    assert d.start == "injury"
    assert d.start in d.questions
    assert OUTCOME not in d.questions
    assert bundle.vocabulary.levels == ("urgent", "see_doctor", "self_care")
    for q in d.questions.values():
        assert q.slot in bundle.vocabulary.slots
        assert {o.value for o in q.options} == set(bundle.vocabulary.slots[q.slot])
        assert q.next[-1].when is None
        for key in (q.text, q.why, *(o.label for o in q.options)):
            assert bundle.content[key]


def test_yes_no_values_are_strings_in_the_loaded_model(bundle: Bundle) -> None:
    assert bundle.vocabulary.slots["deformity"] == ("yes", "no")
    deformity = bundle.dialog.questions["deformity"]
    assert [o.value for o in deformity.options] == ["yes", "no"]
    assert deformity.if_unsure == "yes"
    (rule,) = [r for r in bundle.rules.triage if r.id == "deformity"]
    assert rule.when.tests == (("deformity", frozenset({"yes"})),)


def test_copy_loads_like_the_original(defs: Defs, bundle: Bundle) -> None:
    copy = defs.load()
    assert copy.dialog.questions.keys() == bundle.dialog.questions.keys()
    assert copy.content.texts == bundle.content.texts


def test_question_marks_point_at_the_question_id(defs: Defs) -> None:
    q = defs.load().dialog.questions["deformity"]
    assert str(q.mark) == defs.at(TRIAGE, "deformity:\n    slot")


def test_alarming_values_are_the_most_urgent_answers_of_a_slot(bundle: Bundle) -> None:
    # A typed red-flag word re-asks a question unless its answer is already one of these: a
    # fall (see a doctor) must not stop a later "it popped" (urgent) from being asked about.
    alarming = bundle.dialog.alarming
    assert alarming["injury"] == {"pop_or_kick"}
    assert alarming["weight_bearing"] == {"no"}
    assert alarming["numbness"] == {"yes"}


# ---------------------------------------------------------------- mutations: YAML


def test_yaml_syntax_error(defs: Defs) -> None:
    defs.edit(TRIAGE, "dialog: triage\n", "dialog: triage: x\n")
    (p,) = defs.problems()
    assert str(p).startswith(defs.at(TRIAGE, ": x") + ": YAML syntax error: ")


def test_duplicated_question_id(defs: Defs) -> None:
    defs.edit(TRIAGE, "  rest_pain:\n    slot: rest_pain", "  numbness:\n    slot: rest_pain")
    p = problem_at(defs.problems(), defs.at(TRIAGE, "numbness:\n    slot: rest_pain"),
                   "duplicate key 'numbness'")
    assert "each key may appear once" in p.message


def test_empty_file(defs: Defs) -> None:
    defs.write(LEARN, "")
    (p,) = defs.problems()
    assert str(p) == f"{LEARN}:1:1: the file is empty"


def test_empty_content_file(defs: Defs) -> None:
    defs.write(UI, "# nothing here yet\n")
    problem_at(defs.problems(), f"{UI}:1:1", "the file is empty")


# ---------------------------------------------------------------- mutations: the dialog


def test_unknown_key_in_a_question(defs: Defs) -> None:
    defs.edit(TRIAGE, "    text: q.deformity.text\n",
              "    text: q.deformity.text\n    colour: red\n")
    p = problem_at(defs.problems(), defs.at(TRIAGE, "colour: red"), "unknown key 'colour'")
    assert "question deformity" in p.message
    assert p.message.endswith(
        "allowed: slot, section, text, why, options, next, if_unsure, skip_if_settled")


def test_misspelt_key_gets_a_suggestion(defs: Defs) -> None:
    defs.edit(TRIAGE, "    if_unsure: under_16\n", "    if_unsur: under_16\n")
    p = problem_at(defs.problems(), defs.at(TRIAGE, "if_unsur:"), "unknown key 'if_unsur'")
    assert "did you mean 'if_unsure'?" in p.message


def test_missing_required_key(defs: Defs) -> None:
    defs.edit(TRIAGE, "    why: q.duration.why\n", "")
    problem_at(defs.problems(), defs.at(TRIAGE, "slot: duration"),
               "question duration lacks the required key 'why'")


def test_unknown_goto_target(defs: Defs) -> None:
    defs.edit(TRIAGE, "      - goto: diabetes\n", "      - goto: diabets\n")
    p = problem_at(defs.problems(), defs.at(TRIAGE, "diabets"), "unknown target 'diabets'")
    assert "did you mean 'diabetes'?" in p.message
    assert "allowed: " in p.message


def test_goto_itself(defs: Defs) -> None:
    defs.edit(TRIAGE, "    next:\n      - goto: rest_pain\n", "    next:\n      - goto: numbness\n")
    problem_at(defs.problems(), defs.at(TRIAGE, "numbness", within="goto: numbness\n\n  rest"),
               "question numbness leads to itself")


def test_unknown_slot_in_a_when(defs: Defs) -> None:
    # severity is on no checklist screen, so only the reading of its `when` is at stake.
    defs.edit(TRIAGE, "{when: {injury: fall_or_impact}, goto: outcome}",
              "{when: {injury_kind: fall_or_impact}, goto: outcome}")
    p = problem_at(defs.problems(), defs.at(TRIAGE, "injury_kind"),
                   "unknown slot 'injury_kind'")
    assert "question severity: when" in p.message
    assert "did you mean 'injury'?" in p.message


def test_unknown_value_in_a_when(defs: Defs) -> None:
    defs.edit(TRIAGE, "{when: {trend: same}, goto: duration}",
              "{when: {trend: unchanged}, goto: duration}")
    p = problem_at(defs.problems(), defs.at(TRIAGE, "unchanged"),
                   "unknown value of trend 'unchanged'")
    assert p.message.endswith("allowed: improving, same, worse")


def test_option_value_not_in_the_slots_values(defs: Defs) -> None:
    defs.edit(TRIAGE, "{value: none, label: opt.injury.none",
              "{value: nothing, label: opt.injury.none")
    p = problem_at(defs.problems(), defs.at(TRIAGE, "nothing, label"),
                   "unknown value of slot injury 'nothing'")
    assert p.message.endswith("allowed: fall_or_impact, none, pop_or_kick")


def test_question_offers_no_option_for_a_value(defs: Defs) -> None:
    text = defs.text(TRIAGE)
    line = next(x for x in text.splitlines(keepends=True) if "{value: only_after," in x)
    defs.edit(TRIAGE, line, "")
    p = problem_at(defs.problems(), defs.at(TRIAGE, "- {value: eases_when_warm"),
                   "question run_pattern offers no option for only_after")
    assert "slot run_pattern takes eases_when_warm, worsens_during, only_after" in p.message


def test_option_offered_twice(defs: Defs) -> None:
    defs.edit(TRIAGE, '      - {value: "no", label: opt.diabetes.no}\n',
              '      - {value: "yes", label: opt.diabetes.no}\n')
    problem_at(defs.problems(), defs.at(TRIAGE, '{value: "yes", label: opt.diabetes.no}'),
               "question diabetes offers the value 'yes' twice")


def test_boolean_true_instead_of_yes(defs: Defs) -> None:
    defs.edit(TRIAGE, '{value: "yes", label: opt.deformity.yes',
              "{value: true, label: opt.deformity.yes")
    p = problem_at(defs.problems(), defs.at(TRIAGE, "true, label"),
                   "got the boolean true")
    assert 'write "yes"/"no" or quote the value' in p.message


def test_boolean_in_a_when(defs: Defs) -> None:
    defs.edit(TRIAGE, '{when: {deformity: "yes"}, goto: outcome}',
              "{when: {deformity: false}, goto: outcome}")
    problem_at(defs.problems(), defs.at(TRIAGE, "false}"), "got the boolean false")


def test_two_questions_set_the_same_slot(defs: Defs) -> None:
    defs.edit(TRIAGE, "    slot: tight_calves\n", "    slot: mileage_jump\n")
    where = defs.at(TRIAGE, "mileage_jump",
                    within="slot: mileage_jump\n    section: training\n    text: q.tight_calves")
    p = problem_at(defs.problems(), where, "question tight_calves sets slot mileage_jump")
    assert "already set by question mileage_jump" in p.message


def test_unreachable_question(defs: Defs) -> None:
    # duration is reached only when the trend is the same (and is on no checklist screen).
    defs.edit(TRIAGE, "      - {when: {trend: same}, goto: duration}\n", "")
    p = problem_at(defs.problems(), defs.at(TRIAGE, "duration:\n    slot"),
                   "question duration is unreachable")
    assert "no transition from injury leads to it" in p.message


def test_dead_end_last_entry_has_a_when(defs: Defs) -> None:
    defs.edit(TRIAGE, "    next:\n      - goto: numbness\n",
              '    next:\n      - {when: {diabetes: "no"}, goto: numbness}\n')
    p = problem_at(defs.problems(), defs.at(TRIAGE, '{when: {diabetes: "no"}'),
                   "question diabetes: the last next entry must have no 'when'")
    assert "dead end" in p.message


def test_entry_without_when_must_be_last(defs: Defs) -> None:
    defs.edit(TRIAGE, "    next:\n      - goto: numbness\n",
              "    next:\n      - goto: numbness\n      - goto: rest_pain\n")
    problem_at(defs.problems(), defs.at(TRIAGE, "goto: numbness\n      - goto: rest_pain"),
               "an entry without 'when' must be last")


def test_loop(defs: Defs) -> None:
    defs.edit(TRIAGE, "opt.shoe_age.unsure}\n    next:\n      - goto: outcome\n",
              "opt.shoe_age.unsure}\n    next:\n      - goto: duration\n")
    where = defs.at(TRIAGE, "goto: duration", within="shoe_age:\n    slot")
    p = problem_at(defs.problems(), where, "the dialog loops")
    assert "(duration → shoe_age → duration)" in p.message


def test_options_not_a_list(defs: Defs) -> None:
    defs.edit(TRIAGE, '    options:\n      - {value: "yes", label: opt.diabetes.yes}\n'
              '      - {value: "no", label: opt.diabetes.no}\n',
              "    options: yes or no\n")
    problem_at(defs.problems(), defs.at(TRIAGE, "yes or no"),
               "question diabetes: options must be a list, got string")


def test_version_a_string(defs: Defs) -> None:
    defs.edit(TRIAGE, "version: 2\n", 'version: "one"\n')
    problem_at(defs.problems(), defs.at(TRIAGE, '"one"'),
               "version must be a whole number ≥ 1, got string 'one'")


def test_unknown_start(defs: Defs) -> None:
    defs.edit(TRIAGE, "start: injury\n", "start: injuries\n")
    problem_at(defs.problems(), defs.at(TRIAGE, "injuries"),
               "unknown start question 'injuries'")


# ---------------------------------------------------------------- mutations: vocabulary, rules


def test_unknown_cause_in_a_triage_rule(defs: Defs) -> None:
    defs.edit(RULES, "cause: achilles_rupture, because: reason.pop",
              "cause: achilles_tear, because: reason.pop")
    p = problem_at(defs.problems(), defs.at(RULES, "achilles_tear"),
                   "unknown cause 'achilles_tear'")
    assert "achilles_rupture" in p.message


def test_unknown_advice_id_in_an_advice_rule(defs: Defs) -> None:
    defs.edit(RULES, "add: [ice, recheck, cross_train]", "add: [ice, recheck, cross_training]")
    p = problem_at(defs.problems(), defs.at(RULES, "cross_training"),
                   "unknown advice id 'cross_training'")
    assert "did you mean 'cross_train'?" in p.message


def test_unknown_cause_in_signs_points_at_the_key(defs: Defs) -> None:
    defs.edit(RULES, "    heel_bruise:\n      - {when: {pain_location: bottom_center}",
              "    heel_bruising:\n      - {when: {pain_location: bottom_center}")
    problem_at(defs.problems(), defs.at(RULES, "heel_bruising:"),
               "unknown cause 'heel_bruising'")


def test_unknown_level_in_a_triage_rule(defs: Defs) -> None:
    defs.edit(RULES, "level: urgent, cause: achilles_rupture, because: reason.pop",
              "level: emergency, cause: achilles_rupture, because: reason.pop")
    p = problem_at(defs.problems(), defs.at(RULES, "emergency"), "unknown level 'emergency'")
    assert p.message.endswith("allowed: see_doctor, self_care, urgent")


def test_unknown_advice_in_contraindications(defs: Defs) -> None:
    defs.edit(RULES, "  infection: [ice, calf_stretch,", "  infection: [icing, calf_stretch,")
    problem_at(defs.problems(), defs.at(RULES, "icing"), "unknown advice id 'icing'")


def test_contraindications_lack_what_never_advise_requires(defs: Defs) -> None:
    defs.edit(RULES, "  heel_fracture: [calf_stretch, plantar_stretch, eccentric_heel_drops, "
              "massage, night_splint", "  heel_fracture: [calf_stretch, plantar_stretch, "
              "eccentric_heel_drops, night_splint")
    where = defs.at(RULES, "heel_fracture:", within="contraindications:\n")
    p = problem_at(defs.problems(), where, "the contraindications of heel_fracture lack massage")
    assert "never_advise (dialogs/vocabulary.yaml:" in p.message
    assert "must never be advised" in p.message


def test_contraindications_without_the_cause(defs: Defs) -> None:
    text = defs.text(RULES)
    line = next(x for x in text.splitlines(keepends=True)
                if x.startswith("  calcaneal_stress_fracture: ["))
    defs.edit(RULES, line, "")
    p = problem_at(defs.problems(), defs.at(RULES, "contraindications:\n"),
                   "the contraindications of calcaneal_stress_fracture lack")
    for advice in ("calf_stretch", "plantar_stretch", "eccentric_heel_drops"):
        assert advice in p.message


def test_requirement_with_unknown_slot_in_vocabulary(defs: Defs) -> None:
    defs.edit(VOCAB, "  - {when: {rest_pain: \"yes\"}, level: see_doctor}",
              "  - {when: {night_pain: \"yes\"}, level: see_doctor}")
    problem_at(defs.problems(), defs.at(VOCAB, "night_pain"), "unknown slot 'night_pain'")


# ---------------------------------------------------------------- mutations: content


def test_missing_content_key_referenced_by_a_question(defs: Defs) -> None:
    defs.edit(TRIAGE, "    text: q.deformity.text\n", "    text: q.deformity.txt\n")
    problems = defs.problems()
    p = problem_at(problems, defs.at(TRIAGE, "q.deformity.txt"),
                   "missing content key 'q.deformity.txt'")
    assert "add it to a file in content" in p.message
    # The text that is no longer referred to is reported too, at its key.
    problem_at(problems, defs.at(QUESTIONS, "text:", within='  deformity:\n    item: "My foot'),
               "content key 'q.deformity.text' is not used")


def test_missing_option_label(defs: Defs) -> None:
    defs.edit(TRIAGE, "label: opt.numbness.no}", "label: opt.numbness.nope}")
    problem_at(defs.problems(), defs.at(TRIAGE, "opt.numbness.nope"),
               "missing content key 'opt.numbness.nope'")


def test_missing_content_key_needed_by_the_code(defs: Defs) -> None:
    text = defs.text(UI)
    line = next(x for x in text.splitlines(keepends=True) if x.startswith("  back_done:"))
    defs.edit(UI, line, "")
    p = problem_at(defs.problems(), "content:1:1", "missing content key 'ui.back_done'")
    assert "needed by the code" in p.message


def test_unused_content_key(defs: Defs) -> None:
    defs.edit(QUESTIONS, '    short: "Foot looks misshapen"\n',
              '    short: "Foot looks misshapen"\n    extra: "Nobody reads this."\n')
    p = problem_at(defs.problems(), defs.at(QUESTIONS, "extra:"),
                   "content key 'q.deformity.extra' is not used")
    assert "remove it or refer to it" in p.message


def test_content_key_defined_twice(defs: Defs) -> None:
    # Content files are read in name order: the later one holds the duplicate.
    defs.write("content/zz_extra.yaml", 'ui:\n  quit: "Bye."\n')
    p = problem_at(defs.problems(), "content/zz_extra.yaml:2:3",
                   "content key 'ui.quit' is defined twice")
    assert f"(also at {defs.at(UI, 'quit:')})" in p.message


def test_stray_brace_in_content(defs: Defs) -> None:
    defs.edit(UI, "back_done: \"OK, I've gone back one question.\"",
              "back_done: \"OK, I've gone back {one question.\"")
    p = problem_at(defs.problems(), defs.at(UI, "\"OK, I've gone back {"),
                   "ui.back_done: braces must come in pairs")
    assert "write {{ or }} for a literal brace" in p.message


def test_progress_without_n(defs: Defs) -> None:
    defs.edit(UI, 'progress: "Step {n} of at most {total}"',
              'progress: "Step of at most {total}"')
    p = problem_at(defs.problems(), defs.at(UI, '"Step of at most'),
                   "ui.progress uses placeholders ['total']")
    assert p.message.endswith("it takes exactly: {n}, {total}")


def test_placeholder_where_none_is_taken(defs: Defs) -> None:
    defs.edit(UI, 'back_done: "OK,', 'back_done: "OK {name},')
    p = problem_at(defs.problems(), defs.at(UI, '"OK {name},'),
                   "ui.back_done uses placeholders ['name']")
    assert p.message.endswith("it takes exactly: none")


def test_content_leaf_is_a_list(defs: Defs) -> None:
    text = defs.text(UI)
    line = next(x for x in text.splitlines(keepends=True) if x.startswith("  quit:"))
    defs.edit(UI, line, '  quit: ["Take care.", "Bye."]\n')
    problem_at(defs.problems(), defs.at(UI, '["Take care."'),
               "the text of ui.quit must be a non-empty string, got list")


def test_content_leaf_is_a_number(defs: Defs) -> None:
    defs.edit(QUESTIONS, '    short: "Age"\n', "    short: 16\n")
    problem_at(defs.problems(), defs.at(QUESTIONS, "16\n"),
               "the text of q.age_group.short must be a non-empty string, got number")


# ---------------------------------------------------------------- collecting problems


def test_independent_problems_are_all_reported(defs: Defs) -> None:
    defs.edit(TRIAGE, "    text: q.deformity.text\n",
              "    text: q.deformity.text\n    colour: red\n")
    defs.edit(RULES, "add: [ice, recheck, cross_train]", "add: [ice, recheck, cross_training]")
    defs.edit(UI, 'progress: "Step {n} of at most {total}"',
              'progress: "Step of at most {total}"')
    problems = defs.problems()
    problem_at(problems, defs.at(TRIAGE, "colour: red"), "unknown key 'colour'")
    problem_at(problems, defs.at(RULES, "cross_training"), "unknown advice id 'cross_training'")
    problem_at(problems, defs.at(UI, '"Step of at most'), "ui.progress uses placeholders")


def test_problems_in_several_questions_are_all_reported(defs: Defs) -> None:
    defs.edit(TRIAGE, "{value: none, label: opt.injury.none",
              "{value: nothing, label: opt.injury.none")
    defs.edit(TRIAGE, "      - goto: diabetes\n", "      - goto: diabets\n")
    problems = defs.problems()
    problem_at(problems, defs.at(TRIAGE, "nothing, label"), "'nothing'")
    problem_at(problems, defs.at(TRIAGE, "diabets"), "'diabets'")


def test_problems_are_sorted_and_distinct(defs: Defs) -> None:
    defs.edit(TRIAGE, "      - goto: diabetes\n", "      - goto: diabets\n")
    defs.edit(TRIAGE, "version: 2\n", 'version: "one"\n')
    problems = defs.problems()
    assert list(problems) == sorted(set(problems), key=lambda p: (p.mark, p.message))


def test_missing_vocabulary_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    defs = copy_defs(tmp_path)
    (defs.dialogs / "vocabulary.yaml").unlink()
    problem_at(defs.problems(), "dialogs/vocabulary.yaml:1:1", "cannot read the file")


def test_default_dirs_are_the_repository_folders() -> None:
    assert loader.default_dir("dialogs").name == "dialogs"
    assert (loader.default_dir("dialogs") / "triage.yaml").is_file()
    assert (loader.default_dir("content") / "ui.yaml").is_file()


def test_the_actions_priority_is_data_and_complete(defs: Defs, bundle: Bundle) -> None:
    """rules.yaml's `priority` orders the result's actions: every advice id, once, known."""
    assert sorted(bundle.rules.priority) == sorted(bundle.vocabulary.advice)
    assert bundle.rules.priority[0] == "rest"
    defs.edit("dialogs/rules.yaml", "priority: [rest, eccentric_heel_drops,",
              "priority: [rest, heel_drops,")
    problems = defs.problems()
    problem_at(problems, defs.at("dialogs/rules.yaml", "heel_drops,"), "unknown advice id",
               "eccentric_heel_drops")
    problem_at(problems, defs.at("dialogs/rules.yaml", "[rest, heel_drops"),
               "every advice id once", "missing: eccentric_heel_drops")
