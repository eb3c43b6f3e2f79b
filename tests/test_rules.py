"""Outcome computation: level, causes and advice from the answers (heel_bot/rules.py)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from heel_bot import rules
from heel_bot.errors import Mark
from heel_bot.model import CAUSE_KEY, LEVEL_KEY, AdviceRule, Bundle, Condition, Rules

NEVER_WITH_BREAK_OR_TEAR = {"calf_stretch", "plantar_stretch", "eccentric_heel_drops", "massage",
                            "night_splint", "cross_train"}


def evaluate(bundle: Bundle, answers: dict[str, str], r: Rules | None = None) -> rules.Outcome:
    return rules.evaluate(bundle.vocabulary, r or bundle.rules, answers)


def test_no_answers_is_self_care_with_no_cause(bundle: Bundle) -> None:
    o = evaluate(bundle, {})
    assert o.level == "self_care"
    assert o.causes == ()
    assert o.reasons == ()


@pytest.mark.parametrize(
    ("answers", "level"),
    [
        ({"numbness": "yes"}, "see_doctor"),
        ({"numbness": "yes", "infection_signs": "yes"}, "urgent"),
        ({"trend": "worse", "severity": "severe", "every_step": "yes"}, "see_doctor"),
        ({"injury": "fall_or_impact"}, "see_doctor"),
        ({"injury": "fall_or_impact", "weight_bearing": "no"}, "urgent"),
        ({"injury": "fall_or_impact", "weight_bearing": "with_pain"}, "see_doctor"),
        ({"diabetes": "yes", "infection_signs": "no"}, "see_doctor"),
        ({"duration": "over_3_weeks", "trend": "improving"}, "self_care"),
        ({"duration": "over_3_weeks", "trend": "same"}, "see_doctor"),
        ({"pain_location": "back", "run_pattern": "worsens_during"}, "self_care"),
        ({"pain_location": "whole_heel", "run_pattern": "worsens_during"}, "see_doctor"),
    ],
)
def test_level_is_the_most_urgent_fired_rule(bundle: Bundle, answers: dict[str, str],
                                             level: str) -> None:
    o = evaluate(bundle, answers)
    assert o.level == level
    fired = [r for r in bundle.rules.triage if r.when.holds(answers)]
    expected = min((r.level for r in fired), key=bundle.vocabulary.rank, default="self_care")
    assert o.level == expected
    assert set(o.reasons) == set(fired)


def test_reasons_are_most_urgent_first(bundle: Bundle) -> None:
    o = evaluate(bundle, {"numbness": "yes", "rest_pain": "yes", "infection_signs": "yes",
                          "trend": "worse"})
    ranks = [bundle.vocabulary.rank(r.level) for r in o.reasons]
    assert ranks == sorted(ranks)
    assert o.reasons[0].id == "infection"
    assert len(o.reasons) == 4


def test_triage_alone(bundle: Bundle) -> None:
    level, fired = rules.triage(bundle.vocabulary, bundle.rules, {"deformity": "yes"})
    assert level == "urgent"
    assert [r.id for r in fired] == ["deformity"]


def test_flagged_cause_comes_first(bundle: Bundle) -> None:
    # Everything points at plantar fasciitis by score, but a positive squeeze test flags a
    # stress fracture, which must lead.
    answers = {"pain_location": "bottom_inner", "morning_pain": "yes", "heel_squeeze": "yes",
               "mileage_jump": "yes", "tight_calves": "yes"}
    o = evaluate(bundle, answers)
    assert o.causes[0] == "calcaneal_stress_fracture"
    assert "plantar_fasciitis" in o.causes


def test_more_urgent_flag_leads(bundle: Bundle) -> None:
    o = evaluate(bundle, {"injury": "pop_or_kick", "numbness": "yes"})
    assert o.causes[:2] == ("achilles_rupture", "nerve_entrapment")


def test_causes_ranked_by_score(bundle: Bundle) -> None:
    o = evaluate(bundle, {"pain_location": "back", "morning_pain": "yes",
                          "run_pattern": "eases_when_warm", "tight_calves": "yes"})
    assert o.causes[0] == "achilles_tendinopathy"
    assert o.causes[1] == "plantar_fasciitis"


def test_flagged_causes_are_listed_beyond_max_listed(bundle: Bundle) -> None:
    r = replace(bundle.rules, max_listed=1)
    o = evaluate(bundle, {"injury": "fall_or_impact", "numbness": "yes", "age_group": "under_16",
                          "pain_location": "bottom_inner", "morning_pain": "yes"}, r)
    assert set(o.causes) == {"heel_fracture", "nerve_entrapment", "sever_disease"}


def test_max_listed_respected(bundle: Bundle) -> None:
    answers = {"pain_location": "back", "morning_pain": "yes", "run_pattern": "eases_when_warm",
               "tight_calves": "yes", "mileage_jump": "yes"}
    assert len(evaluate(bundle, answers).causes) >= 2
    one = evaluate(bundle, answers, replace(bundle.rules, max_listed=1))
    assert one.causes == ("achilles_tendinopathy",)


def test_min_score_respected(bundle: Bundle) -> None:
    answers = {"pain_location": "bottom_center", "hard_surface": "no", "morning_pain": "yes"}
    # heel_bruise scores 4 here; plantar_fasciitis 2 (morning pain only): below min_score 3.
    assert evaluate(bundle, answers).causes == ("heel_bruise",)
    assert evaluate(bundle, answers, replace(bundle.rules, min_score=5)).causes == ()
    low = evaluate(bundle, answers, replace(bundle.rules, min_score=1)).causes
    assert low[0] == "heel_bruise"
    assert "plantar_fasciitis" in low


def test_advice_in_vocabulary_order(bundle: Bundle) -> None:
    o = evaluate(bundle, {"pain_location": "bottom_inner", "morning_pain": "yes",
                          "tight_calves": "yes", "shoe_age": "over_500_miles"})
    order = bundle.vocabulary.advice
    assert list(o.advice) == sorted(o.advice, key=order.index)
    assert {"calf_stretch", "plantar_stretch", "night_splint", "shoes"} <= set(o.advice)


@pytest.mark.parametrize(
    ("answers", "cause", "banned"),
    [
        ({"injury": "pop_or_kick", "pain_location": "back", "morning_pain": "yes",
          "run_pattern": "eases_when_warm", "tight_calves": "yes"}, "achilles_rupture",
         NEVER_WITH_BREAK_OR_TEAR | {"heel_lift"}),
        ({"injury": "fall_or_impact", "pain_location": "bottom_inner", "morning_pain": "yes",
          "tight_calves": "yes", "mileage_jump": "yes"}, "heel_fracture",
         NEVER_WITH_BREAK_OR_TEAR | {"load_management"}),
        ({"heel_squeeze": "yes", "pain_location": "bottom_inner", "morning_pain": "yes",
          "tight_calves": "yes"}, "calcaneal_stress_fracture", NEVER_WITH_BREAK_OR_TEAR),
        ({"infection_signs": "yes", "pain_location": "back", "morning_pain": "yes",
          "run_pattern": "eases_when_warm"}, "infection",
         {"ice", "calf_stretch", "eccentric_heel_drops", "heel_lift", "cross_train"}),
    ],
)
def test_contraindications_remove_advice(bundle: Bundle, answers: dict[str, str], cause: str,
                                         banned: set[str]) -> None:
    o = evaluate(bundle, answers)
    assert cause in o.causes
    assert not banned & set(o.advice), o.advice
    # Without the red flag the same answers would have earned some of that advice.
    calm = {k: v for k, v in answers.items()
            if k not in ("injury", "heel_squeeze", "infection_signs")}
    assert banned & set(evaluate(bundle, calm).advice)


def test_contraindications_win_over_rules_that_add_the_advice(bundle: Bundle) -> None:
    everything = bundle.vocabulary.advice
    pushy = AdviceRule(Condition(((LEVEL_KEY, frozenset(bundle.vocabulary.levels)),)),
                       everything, Mark("test", 1, 1))
    by_cause = AdviceRule(Condition(((CAUSE_KEY, frozenset(bundle.vocabulary.causes)),)),
                          everything, Mark("test", 2, 1))
    r = replace(bundle.rules, advice=(*bundle.rules.advice, pushy, by_cause))
    for flag, cause in [({"injury": "pop_or_kick"}, "achilles_rupture"),
                        ({"injury": "fall_or_impact"}, "heel_fracture"),
                        ({"heel_squeeze": "yes"}, "calcaneal_stress_fracture"),
                        ({"infection_signs": "yes"}, "infection")]:
        o = evaluate(bundle, flag, r)
        assert cause in o.causes
        contra = bundle.rules.contraindications
        ruled_out = set().union(*(contra.get(k, frozenset()) for k in (*o.causes, o.level)))
        for ban in bundle.rules.withhold:
            if ban.when.holds(flag, o.level, o.causes):
                ruled_out |= ban.advice
        assert contra[cause] <= ruled_out
        assert set(o.advice) == set(everything) - ruled_out
        for banned in bundle.vocabulary.never_advise.get(cause, ()):
            assert banned not in o.advice


def test_advice_rule_may_test_level_and_cause(bundle: Bundle) -> None:
    only_urgent = AdviceRule(Condition(((LEVEL_KEY, frozenset({"urgent"})),)), ("shoes",),
                             Mark("test", 1, 1))
    r = replace(bundle.rules, advice=(only_urgent,))
    assert evaluate(bundle, {"deformity": "yes"}, r).advice == ("shoes",)
    assert evaluate(bundle, {"deformity": "no"}, r).advice == ()


def test_outcome_is_a_pure_function(bundle: Bundle) -> None:
    answers = {"pain_location": "back", "trend": "worse"}
    assert evaluate(bundle, answers) == evaluate(bundle, dict(answers))
    assert answers == {"pain_location": "back", "trend": "worse"}
