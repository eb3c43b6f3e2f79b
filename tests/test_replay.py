"""Replay every scripted conversation in tests/conversations, and check the replay can fail.

Each conversation file is one test (id = file stem). Conversations that describe what the bot
should do but currently does not are listed in XFAIL with the reason; they are strict, so a fix
turns them into failures until the entry is removed. The replayer itself is tested on
deliberately wrong cases, so a broken replayer cannot make the suite pass silently.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from heel_bot.engine import Engine
from heel_bot.model import Bundle
from heel_bot.replay import Replayer

FOLDER = Path(__file__).parent / "conversations"
FILES = sorted(FOLDER.glob("*.yaml"))
MIN_FILES = 30

# stem -> why the bot fails this conversation (a bug or clinical error, not a test mistake).
XFAIL: dict[str, str] = {}


def _param(path: Path) -> object:
    reason = XFAIL.get(path.stem)
    marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
    return pytest.param(path, id=path.stem, marks=marks)


@pytest.mark.parametrize("path", [_param(p) for p in FILES])
def test_conversation(engine: Engine, path: Path) -> None:
    result = Replayer(engine).run(path)
    assert result.ok, result.reason


# ------------------------------------------------------------ the folder keeps its promises


def _data(path: Path) -> dict[str, object]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), path.name
    return data


def test_enough_conversations() -> None:
    assert len(FILES) >= MIN_FILES


def test_every_conversation_has_a_title_and_one_form() -> None:
    for path in FILES:
        data = _data(path)
        assert isinstance(data.get("title"), str) and data["title"].strip(), path.name
        assert ("turns" in data) != ("patient" in data), path.name


def test_xfail_entries_name_existing_files() -> None:
    stems = {p.stem for p in FILES}
    assert set(XFAIL) <= stems, sorted(set(XFAIL) - stems)


def test_coverage_of_levels_and_first_causes(bundle: Bundle) -> None:
    # Only conversations expected to pass count: the promise must hold without known bugs.
    levels: set[str] = set()
    causes: set[str] = set()
    for path in FILES:
        if path.stem in XFAIL:
            continue
        expect = _data(path).get("expect") or {}
        assert isinstance(expect, dict), path.name
        if "triage" in expect:
            levels.add(str(expect["triage"]))
        if "cause" in expect:
            causes.add(str(expect["cause"]))
    assert levels == set(bundle.vocabulary.levels)
    assert causes == set(bundle.vocabulary.causes)


def test_personas_cover_the_spec_example() -> None:
    personas = [p for p in FILES if "patient" in _data(p)]
    assert len(personas) >= 12
    titles = {_data(p)["title"] for p in personas}
    assert "Pop at the back of the heel while sprinting, still walking" in titles


# ------------------------------------------------------------ the replayer fails when it should

PLANTAR_FASCIITIS = """
patient:
  injury: none
  weight_bearing: "yes"
  deformity: "no"
  tendon_gap: "no"
  infection_signs: "no"
  diabetes: "no"
  numbness: "no"
  rest_pain: "no"
  age_group: 16_plus
  pain_location: bottom_inner
  morning_pain: "yes"
  heel_squeeze: "no"
  every_step: "no"
  hard_surface: "no"
  severity: mild
  trend: improving
  mileage_jump: "no"
  shoe_age: under_300_miles
  tight_calves: "no"
"""

WRONG_CASES = {
    "wrong_triage": (
        "title: t\n" + PLANTAR_FASCIITIS + "expect:\n  triage: urgent\n",
        "expected urgent, got self_care"),
    "wrong_cause": (
        "title: t\n" + PLANTAR_FASCIITIS + "expect:\n  cause: heel_bruise\n",
        "expected cause heel_bruise, got plantar_fasciitis"),
    "missing_advice": (
        "title: t\n" + PLANTAR_FASCIITIS + "expect:\n  advice: [eccentric_heel_drops]\n",
        "expected advice eccentric_heel_drops"),
    "forbidden_advice": (
        "title: t\n" + PLANTAR_FASCIITIS + "expect:\n  no_advice: [night_splint]\n",
        "advice night_splint must not be given"),
    "not_asked_violated": (
        "title: t\n" + PLANTAR_FASCIITIS + "expect:\n  not_asked: [heel_squeeze]\n",
        "question heel_squeeze must not be asked"),
    "persona_missing_slot": (
        "title: t\npatient:\n  injury: none\nexpect:\n  triage: self_care\n",
        "patient has no answer for slot 'weight_bearing'"),
    "persona_unknown_value": (
        "title: t\npatient:\n  injury: sprain\n",
        "patient's injury='sprain' is not among"),
    "unknown_turn_key": (
        "title: t\nturns:\n  - shout: hello\n",
        "turn 1: unknown turn 'shout'"),
    "wrong_ask": (
        "title: t\nturns:\n  - ask: weight_bearing\n",
        "turn 1: expected question weight_bearing, got injury"),
    "wrong_notice": (
        "title: t\nturns:\n  - user: \"3\"\n  - notice: ui.unmatched\n",
        "turn 2: expected notice ui.unmatched, got none"),
    "wrong_level": (
        "title: t\nturns:\n  - user: \"1\"\n  - level: self_care\n",
        "turn 2: expected level so far self_care, got urgent"),
    "says_missing": (
        "title: t\nturns:\n  - user: \"why\"\n  - says: zebra crossing\n",
        "turn 2: the reply does not say 'zebra crossing'"),
    "press_not_an_option": (
        "title: t\nturns:\n  - press: injury=sprain\n",
        "turn 1: cannot press 'injury=sprain'"),
    "expect_unfinished": (
        "title: t\nturns:\n  - user: \"3\"\nexpect:\n  triage: self_care\n",
        "did not reach an outcome (stopped at weight_bearing)"),
    "unknown_expect_key": (
        "title: t\nturns:\n  - user: \"1\"\nexpect:\n  level: urgent\n",
        "unknown expect keys ['level']"),
    "says_never_typed": (
        "title: t\nsays:\n  injury: [gradually, gradually]\n" + PLANTAR_FASCIITIS,
        "says has text never typed for injury"),
    "says_not_understood_twice": (
        "title: t\nsays:\n  injury: [blorp, zzz]\n" + PLANTAR_FASCIITIS,
        "slot 'injury' was asked again, and says has no more text for it"),
    "says_unknown_slot": (
        "title: t\nsays:\n  mood: happy\n" + PLANTAR_FASCIITIS,
        "says gives unknown slot 'mood'"),
    "typed_outcome_wrong": (
        "title: t\nsays:\n  tendon_gap: \"yes, a dent\"\n" + PLANTAR_FASCIITIS
        + "expect:\n  triage: self_care\n",
        "expected self_care, got urgent"),
    "checkin_wrong_level": (
        "title: t\nturns:\n  - checkin: {answer: same, days: 20}\n  - level: self_care\n",
        "turn 2: expected level so far self_care, got see_doctor"),
    "checkin_malformed": (
        "title: t\nturns:\n  - checkin: {answer: same}\n",
        "turn 1: checkin must be {answer: better|same|worse, days: N}"),
    "checkin_unknown_answer": (
        "title: t\nturns:\n  - checkin: {answer: fine, days: 3}\n",
        "turn 1: 'fine' after 3 days is not a check-in answer"),
    "checkin_expect_outcome_keys": (
        "title: t\nturns:\n  - checkin: {answer: better, days: 3}\nexpect:\n  cause: infection\n",
        "after a check-in, expect may test triage, says and not_says only"),
    "neither_form": (
        "title: t\nexpect:\n  triage: urgent\n",
        "no 'turns' (turn by turn) or 'patient' (persona)"),
}


@pytest.mark.parametrize(("text", "fragment"), list(WRONG_CASES.values()), ids=list(WRONG_CASES))
def test_replayer_reports_wrong_cases(engine: Engine, tmp_path: Path, text: str,
                                      fragment: str) -> None:
    path = tmp_path / "case.yaml"
    path.write_text(text, encoding="utf-8")
    result = Replayer(engine).run(path)
    assert not result.ok
    assert fragment in result.reason
    assert str(result).startswith(f"FAIL {path}: ")


def test_replayer_passes_a_right_case(engine: Engine, tmp_path: Path) -> None:
    # The same persona with the right expectations passes, so the failures above are about
    # the expectations alone.
    path = tmp_path / "case.yaml"
    path.write_text("title: t\n" + PLANTAR_FASCIITIS + "expect:\n  triage: self_care\n"
                    "  cause: plantar_fasciitis\n  advice: [night_splint]\n", encoding="utf-8")
    result = Replayer(engine).run(path)
    assert result.ok, result.reason


def test_replayer_does_not_drop_turns_past_the_limit(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "case.yaml"
    path.write_text("title: t\nturns:\n" + "  - user: help\n" * 60
                    + "  - ask: weight_bearing\n", encoding="utf-8")
    result = Replayer(engine).run(path)
    assert not result.ok
