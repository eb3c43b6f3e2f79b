"""Round thirty-five (blind sets DB to DE): what the rules missed on first sight, as cases,
read by the rules alone (`alone=False`), as a bot whose model failed to load reads them."""

from __future__ import annotations

import pytest
from auxil.reading import read

from heel_bot.engine import Engine
from heel_bot.language.understand import Understanding


def rules(engine: Engine, text: str, question: str | None) -> Understanding:
    return read(engine, text, question, alone=False)


@pytest.mark.parametrize(("question", "text", "slot", "value"), [
    (None, "Our 14 year old's heel is getting worse and worse", "age_group", "under_16"),
    (None, "my 10yo's heel hurts but only when he's running", "age_group", "under_16"),
    (None, "Hi, no injury, foot looks fine, just a nagging ache in the heel for 10 days",
     "deformity", "no"),
    (None, "the heel is starting to grumble. Nothing dramatic happened", "injury", "none"),
    ("injury", "it started after the county cross country 2 weeks ago but there wasn't a "
     "specific moment", "injury", "none"),
    (None, "Heel pain 10+ weeks. Squeezing the sides of the heel bone is really sharp.",
     "heel_squeeze", "yes"),
    ("severity", "not terrible, but I've had to stop a couple of runs early", "severity",
     "moderate"),
    ("severity", "had to come off at half time on Saturday", "severity", "moderate"),
    ("run_pattern", "gets worse as the match goes on", "run_pattern", "worsens_during"),
    (None, "my daughter is 11. she says it only hurts after training", "run_pattern",
     "only_after"),
    ("shoe_age", "haven't a notion", "shoe_age", "unsure"),
    ("weight_bearing", "can walk fine, just hurts when running. type 1 diabetic btw",
     "weight_bearing", "yes"),
    ("heel_squeeze", "Didn't hurt when I squeezed it, only hurts when he runs", "heel_squeeze",
     "no"),
    ("mileage_jump", "Ive been building back up pretty fast", "mileage_jump", "yes"),
    (None, "Running 60 miles a week, no changes to my training lately, heel sore underneath",
     "mileage_jump", "no"),
    (None, "I cant walk on it at all!! woke up like this", "duration", "under_1_week"),
    (None, "Started when I switched to barefoot shoes 2 weeks ago. Mileage same as always.",
     "duration", "1_to_3_weeks"),
])
def test_round_thirty_five_readings(engine: Engine, question: str | None, text: str,
                                    slot: str, value: str) -> None:
    assert rules(engine, text, question).facts.get(slot) == value


@pytest.mark.parametrize(("question", "text", "slot"), [
    # "can walk a bit" is not walking fine (an opening read it so: a red flag lost)
    (None, "i think my heel's broken?? landed weird off the trampoline. can walk a bit",
     "weight_bearing"),
    ("injury", "not that she's told me 🤷\u200d♀️", "injury"),
    ("heel_squeeze", "she won't let me anywhere near it", "heel_squeeze"),
    ("age_group", "Transition Year", "age_group"),
])
def test_round_thirty_five_asks_again(engine: Engine, question: str | None, text: str,
                                      slot: str) -> None:
    u = rules(engine, text, question)
    assert slot in u.confirm and slot not in u.facts


def test_the_shoes_time_is_not_the_pains(engine: Engine) -> None:
    u = rules(engine, "Hurts at the back of my heel. Switched to minimalist shoes a couple of "
              "weeks ago", None)
    assert "duration" not in u.facts


def test_a_count_of_sessions_is_no_trend(engine: Engine) -> None:
    u = rules(engine, "not distance as such but she's gone from 2 to 4 netball sessions a week",
              "mileage_jump")
    assert "trend" not in u.facts


def test_new_phone_who_dis_is_no_shoe_age(engine: Engine) -> None:
    assert rules(engine, "new phone who dis", "shoe_age").facts == {}
