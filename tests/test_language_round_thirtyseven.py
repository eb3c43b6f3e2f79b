"""Round thirty-seven (blind sets DJ to DM): what the rules missed on first sight, as cases,
read by the rules alone (`alone=False`), as a bot whose model failed to load reads them."""

from __future__ import annotations

import pytest
from auxil.reading import read

from heel_bot.engine import Engine
from heel_bot.language.understand import Understanding


def rules(engine: Engine, text: str, question: str | None) -> Understanding:
    return read(engine, text, question, alone=False)


@pytest.mark.parametrize(("question", "text", "slot", "value"), [
    (None, "Sore heel. I'm 58, running my first marathon in the fall and I've been upping my "
     "miles fast", "mileage_jump", "yes"),
    (None, "My wife's heel has been bothering her, she's doubled her weekly km in like 3 weeks",
     "mileage_jump", "yes"),
    (None, "my daughter (11) hurt her heel at netball when another girl stood on the back of it",
     "injury", "fall_or_impact"),
    ("injury", "jumped off the trampoline w my brother and landed funny. im 11", "injury",
     "fall_or_impact"),
    ("injury", "he took a cricket ball straight on the heel at nets", "injury",
     "fall_or_impact"),
    # "no pain at night or when resting" denies the sign (it was read as rest pain)
    (None, "heel hurts when I run but no pain at night or when resting. Been 3 weeks",
     "rest_pain", "no"),
    ("numbness", "sort of a dead feeling under the heel", "numbness", "yes"),
    ("tight_calves", "No hills, but I sit at a desk all day and they feel really short",
     "tight_calves", "yes"),
    (None, "My left heel is fatter than the right one and really sore", "deformity", "yes"),
    (None, "been doing all my long runs on tar instead of the trails", "hard_surface", "yes"),
    (None, "Me heel's been at me for a fortnight. Calves are fierce tight", "tight_calves",
     "yes"),
    ("diabetes", "Reduced feeling yes, from chemo a few years back", "diabetes", "yes"),
    (None, "42M, L heel, 3wks, worse AM", "morning_pain", "yes"),
])
def test_round_thirty_seven_readings(engine: Engine, question: str | None, text: str,
                                     slot: str, value: str) -> None:
    assert rules(engine, text, question).facts.get(slot) == value


def test_nothing_stabbing_at_the_squeeze_is_no_every_step_sign(engine: Engine) -> None:
    u = rules(engine, "just achy when I squeeze, nothing stabbing", "heel_squeeze")
    assert "every_step" not in u.facts
