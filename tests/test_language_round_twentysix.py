"""Round twenty-six (blind sets BR to BU): what the rules missed on first sight, as cases,
read by the rules alone (`alone=False`), as a bot whose model failed to load reads them."""

from __future__ import annotations

import pytest
from auxil.reading import read

from heel_bot.engine import Engine
from heel_bot.language.understand import Understanding


def rules(engine: Engine, text: str, question: str | None) -> Understanding:
    return read(engine, text, question, alone=False)


READINGS = [
    # number words are never spelling-corrected: "eighty" was read as "eight", an age of 8
    ("age_group", "I'll be eighty in August", "age_group", "16_plus"),
    ("age_group", "eighty", "age_group", "16_plus"),
    ("age_group", "Seventy-seven", "age_group", "16_plus"),
    # ages in profiles
    (None, "runner 38M ~40 mpw, pain right in the middle of the heel pad", "age_group",
     "16_plus"),
    (None, "gym kid not a runner lol but my heel hurts on the treadmill. 19 if that matters",
     "age_group", "16_plus"),
    (None, "15 but 16 in june. sharp stabbing pain in my heel every single step", "age_group",
     "under_16"),
    (None, "I am writing on behalf of my husband Dennis who is 80, he won't use the phone.",
     "age_group", "16_plus"),
    (None, "yr 9, i do the 1500m", "age_group", "under_16"),
    (None, "hey so im a second year at uni, club runner", "age_group", "16_plus"),
    # "no problem with" denies what follows (the "no problem" that reassures what came before
    # had taken the "no")
    ("diabetes", "no diabetes, no problem with circulation", "diabetes", "no"),
    # the diabetes question asks about reduced feeling in the feet too
    ("diabetes", "no diabetes, but my foot goes numb sometimes", "diabetes", "yes"),
    (None, "Good morning doctor, I am 42 years, I am having sugar since 10 years", "diabetes",
     "yes"),
    ("heel_squeeze", "not sharp, just kinda sore when i press", "heel_squeeze", "no"),
    ("heel_squeeze", "A dull ache but no sharpness", "heel_squeeze", "no"),
    ("heel_squeeze", "tender when I squeeze but not what I would call sharp", "heel_squeeze",
     "no"),
    ("rest_pain", "No, when I rest it calms down", "rest_pain", "no"),
    ("rest_pain", "not at night. In rest also ok", "rest_pain", "no"),
    ("rest_pain", "it throbs when im sat in class", "rest_pain", "yes"),
    ("weight_bearing", "yes but it makes pain", "weight_bearing", "with_pain"),
    (None, "I fell from the ladder on saturday and landed on my heel, now I cannot put the foot "
     "on the floor at all", "weight_bearing", "no"),
    (None, "Yesterday on the track I felt like a kick in the back of my heel", "injury",
     "pop_or_kick"),
    ("trend", "Getting worse, and now the heel looks redder and feels hot", "infection_signs",
     "yes"),
    ("numbness", "No. Only pain, 6 of 10", "severity", "moderate"),
    ("severity", "8 of 10", "severity", "severe"),
    (None, "Doctor and runner, 31. L heel: no trauma, no neuro sx, no systemic sx", "numbness",
     "no"),
    (None, "Doctor and runner, 31. L heel: no trauma, no neuro sx, no systemic sx",
     "infection_signs", "no"),
    ("tendon_gap", "nop", "tendon_gap", "no"),
    ("every_step", "sí, cada paso", "every_step", "yes"),
    (None, "I have a pain under the heel since I run on the cobblestones of the old town",
     "hard_surface", "yes"),
    (None, "my coach upped our mileage like crazy this month", "mileage_jump", "yes"),
    ("deformity", "compared both feet and theyre the same", "deformity", "no"),
]


@pytest.mark.parametrize(("question", "text", "slot", "value"), READINGS)
def test_round_twenty_six_readings(engine: Engine, question: str | None, text: str,
                                   slot: str, value: str) -> None:
    assert rules(engine, text, question).facts.get(slot) == value


@pytest.mark.parametrize(("question", "text", "slot"), [
    # a "not really" to a red flag is a hedged denial, with or without the "nah" before it
    ("numbness", "nah not really", "numbness"),
    ("rest_pain", "no not really", "rest_pain"),
    ("injury", "sharp stabbing pain with every single step since Saturday, no injury that I "
     "remember", "injury"),
])
def test_round_twenty_six_asks_again(engine: Engine, question: str | None, text: str,
                                     slot: str) -> None:
    u = rules(engine, text, question)
    assert slot in u.confirm and slot not in u.facts


@pytest.mark.parametrize(("question", "text"), [
    ("infection_signs", "its so hot in this gym rn 😭"),
    ("injury", "add me on snap lol"),
    ("run_pattern", "running late for work, will finish this later"),
    ("rest_pain", "what time does this chat close? I really need to sleep"),
])
def test_round_twenty_six_off_topic_records_nothing(engine: Engine, question: str,
                                                    text: str) -> None:
    assert rules(engine, text, question).facts == {}


def test_a_not_really_to_another_question_is_still_its_no(engine: Engine) -> None:
    assert rules(engine, "nah not really", "tight_calves").answer == "no"
