"""Round thirty-four (blind sets CX to DA): what the rules missed on first sight, as cases,
read by the rules alone (`alone=False`), as a bot whose model failed to load reads them."""

from __future__ import annotations

import pytest
from auxil.reading import read

from heel_bot.engine import Engine
from heel_bot.language.understand import Understanding


def rules(engine: Engine, text: str, question: str | None) -> Understanding:
    return read(engine, text, question, alone=False)


@pytest.mark.parametrize(("question", "text", "slot", "value"), [
    # an injury someone else did to my heel is mine (not another person's, as "my brother has it")
    ("injury", "my brother stood on my heel in his footy boots", "injury", "fall_or_impact"),
    ("injury", "one of the kids at school rode his scooter into the back of my foot", "injury",
     "fall_or_impact"),
    (None, "dropped a pallet jack on my heel monday", "injury", "fall_or_impact"),
    # a brand, a model or "on them" makes a distance the shoes'
    ("hard_surface", "yes, 600 miles on these Brooks", "shoe_age", "over_500_miles"),
    ("hard_surface", "Yep and I've been running in my old Pegasus with about 700 miles on them",
     "shoe_age", "over_500_miles"),
    # "maybe" before how often hedges the count, not the sign
    ("rest_pain", "wakes me maybe once a week", "rest_pain", "yes"),
    ("rest_pain", "it's woken me maybe twice in the last 2 weeks", "rest_pain", "yes"),
    ("age_group", "not under 16 no", "age_group", "16_plus"),
    ("deformity", "no. he turns 16 in July", "age_group", "under_16"),
    ("weight_bearing", "not really, I've been crawling to the loo", "weight_bearing", "no"),
    ("tendon_gap", "No gap I can see... but when I press there's a bit where my fingers sink in",
     "tendon_gap", "yes"),
    ("tendon_gap", "there's a soft bit just above my heel where it feels like the tendon's "
     "missing", "tendon_gap", "yes"),
    ("tendon_gap", "no dent. it did go with a bang when I pushed off though", "injury",
     "pop_or_kick"),
    ("every_step", "sharp on maybe 1 in 5 steps", "every_step", "no"),
    ("every_step", "more a dull throb than sharp", "every_step", "no"),
    ("severity", "I've stopped running altogether and it's hard getting round the supermarket",
     "severity", "severe"),
    ("severity", "bad-ish? I still do my runs just shorter", "severity", "moderate"),
    (None, "heel pain, nothing happened to it, walking is fine", "injury", "none"),
    (None, "Sorry english not so good. Heel hurt 2 month, every week more bad", "trend", "worse"),
    ("hard_surface", "not sure, shoes are fine i think? usual mix of road and park",
     "hard_surface", "no"),
    ("diabetes", "the podiatrist said I've got reduced feeling on the soles of my feet",
     "diabetes", "yes"),
    # "can walk ok but <an emergency>??": the question mark doubts the foot, not the walking
    ("weight_bearing", "can walk ok but my foot's gone cold and a bit blue??", "weight_bearing",
     "yes"),
    # "and I can't" ends the scope of the can't before it
    (None, "I can't get my shoe on and I can't walk", "weight_bearing", "no"),
])
def test_round_thirty_four_readings(engine: Engine, question: str | None, text: str,
                                    slot: str, value: str) -> None:
    assert rules(engine, text, question).facts.get(slot) == value


@pytest.mark.parametrize(("question", "text", "slot"), [
    ("heel_squeeze", "not sharp no. but I should say I can't really walk on it since Saturday",
     "weight_bearing"),
    ("every_step", "yes and it's got so bad I can't put my foot flat on the floor anymore",
     "weight_bearing"),
    ("rest_pain", "not rlly", "rest_pain"),
])
def test_round_thirty_four_asks_again(engine: Engine, question: str, text: str,
                                      slot: str) -> None:
    u = rules(engine, text, question)
    assert slot in u.confirm and slot not in u.facts


def test_the_emergency_notice_still_shows_after_a_contrast(engine: Engine) -> None:
    assert rules(engine, "can walk ok but my foot's gone cold and a bit blue??",
                 "weight_bearing").emergency


def test_a_partner_kicked_in_ones_sleep_says_nothing(engine: Engine) -> None:
    assert rules(engine, "lol my husband says I kick him in my sleep", "rest_pain").facts == {}
