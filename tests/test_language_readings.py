"""Readings the blind sets taught: softened signs, answers taken back, a relative's
condition, an illness already over. Each is one rule of the lexicon or the policy, checked
through the language layer itself (the corpus test holds the measured effect)."""

from __future__ import annotations

import pytest
from auxil.reading import read

from heel_bot.engine import Engine
from heel_bot.language.understand import UNSURE


@pytest.mark.parametrize(("question", "text", "value"), [
    ("numbness", "yes the whole sole feels kind of dead", "yes"),
    ("deformity", "the heel looks kind of flattened and wider than the other one", "yes"),
    ("deformity", "no, but the heel looks kind of flat and spread out since the fall", "yes"),
    ("infection_signs", "no... actually now I look at it yes it is kinda red and hot", "yes"),
    ("injury", "there was a sort of pop when i sprinted for the bus", "pop_or_kick"),
])
def test_a_softened_sign_is_said_not_doubted(engine: Engine, question: str, text: str,
                                             value: str) -> None:
    u = read(engine, text, question)
    assert u.answer == value and not u.confirm


@pytest.mark.parametrize("text", ["kinda", "sort of", "kind of?", "sometimes?", "occasionally"])
def test_a_softener_said_alone_is_confirmed(engine: Engine, text: str) -> None:
    u = read(engine, text, "numbness")
    assert u.answer is None and u.confirm == ("numbness",)


@pytest.mark.parametrize(("question", "text"), [
    ("diabetes", "yes... wait no, sorry, that's my dad"),
    ("diabetes", "yes — wait, no, sorry, misread. no diabetes"),
    ("numbness", "Yes... no. Sorry, no, I misread, no numbness"),
])
def test_a_bare_yes_taken_back_with_an_apology_is_a_no(engine: Engine, question: str,
                                                        text: str) -> None:
    assert read(engine, text, question).answer == "no"


@pytest.mark.parametrize(("question", "text"), [
    ("tendon_gap", "yes wait no"),  # no word takes it back: asked again
    ("tendon_gap", "yes there's a dip... sorry no"),  # the sign itself was named
    ("numbness", "yes, sorry, I think no"),  # the no is hedged
])
def test_a_yes_taken_back_without_a_clear_no_is_confirmed(engine: Engine, question: str,
                                                           text: str) -> None:
    u = read(engine, text, question)
    assert u.answer is None and question in u.confirm


@pytest.mark.parametrize("text", ["no but my mum has it", "No, but my mum is.",
                                  "my dad has it but I dont", "no, but my nan does"])
def test_a_relatives_diabetes_with_the_persons_own_no_is_a_no(engine: Engine,
                                                              text: str) -> None:
    assert read(engine, text, "diabetes").answer == "no"


def test_a_relatives_diabetes_alone_is_still_confirmed(engine: Engine) -> None:
    u = read(engine, "my mum has it", "diabetes")
    assert u.answer is None and u.confirm == ("diabetes",)


@pytest.mark.parametrize("text", [
    "I had covid last month but I'm fine now",
    "no redness. had a cold last week but that's cleared up",
])
def test_an_illness_already_over_is_no_fever_now(engine: Engine, text: str) -> None:
    assert read(engine, text, "infection_signs").answer == "no"


@pytest.mark.parametrize("text", ["had the flu this week", "had covid last week, heel's red now"])
def test_an_illness_not_over_or_a_sign_now_is_never_a_no(engine: Engine, text: str) -> None:
    u = read(engine, text, "infection_signs")
    assert u.answer != "no"


@pytest.mark.parametrize("text", [
    "diabetes no, but I do get a bit of numbness in my toes",
    "not diabetic but my feet are always freezing and go white in the cold",
    "Type 1 diabetic since I was a kid",
])
def test_the_diabetes_question_is_answered_by_what_it_asks_about(engine: Engine,
                                                                 text: str) -> None:
    # It asks about diabetes, poor circulation or reduced feeling in the feet: any one is yes,
    # and a diagnosis "since I was a kid" is the person's own, not something in the past.
    assert read(engine, text, "diabetes").answer == "yes"


@pytest.mark.parametrize("text", [
    "I can feel a soft squishy bit where the tendon should be",
    "there's a soft squidgy spot where it should be firm",
])
def test_a_soft_spot_where_the_tendon_should_be_firm_is_a_gap(engine: Engine,
                                                              text: str) -> None:
    assert read(engine, text, "tendon_gap").answer == "yes"


@pytest.mark.parametrize(("question", "text", "value"), [
    ("heel_squeeze", "no, but it hurts when I press underneath", "no"),
    ("heel_squeeze", "when I squeeze it it's fine", "no"),
    ("hard_surface", "track and road, same as always", "no"),
    ("hard_surface", "more road lately", "yes"),
    ("rest_pain", "only first thing in the morning", "no"),
    ("severity", "I've had to cut my long run in half", "moderate"),
    ("severity", "niggly but I can run through it", "mild"),
    ("tight_calves", "sometimes after netball", "yes"),
    ("numbness", "feels normal, just sore", "no"),
    ("numbness", "feels like walking on cotton wool", "yes"),
    ("rest_pain", "only hurts when I run", "no"),
    ("injury", "I came down really hard on a rock on a trail run", "fall_or_impact"),
])
def test_everyday_descriptions_name_the_option(engine: Engine, question: str, text: str,
                                               value: str) -> None:
    assert read(engine, text, question).answer == value


@pytest.mark.parametrize("text", [
    "my foot went numb once when I sat on it funny lol",
    "no numbness. tingling only when I sit cross-legged lol",
    "only when my foot goes to sleep sitting on the loo",
    "only when my laces are done up too tight",
])
def test_numbness_from_sitting_on_the_foot_is_asked_again(engine: Engine, text: str) -> None:
    # A foot gone to sleep from sitting on it is not the nerve sign, nor is it a clear no.
    u = read(engine, text, "numbness")
    assert u.answer is None and u.confirm == ("numbness",)


@pytest.mark.parametrize(("question", "text", "value"), [
    ("every_step", "most steps", None),
    ("tight_calves", "dunno, never noticed", None),
    ("trend", "not improving", None),
    ("trend", "not worse, not better", "same"),
])
def test_answers_between_the_options_are_asked_again(engine: Engine, question: str,
                                                     text: str, value: str | None) -> None:
    answer = read(engine, text, question).answer
    assert (None if answer == UNSURE else answer) == value  # UNSURE: not recorded either


def test_walking_on_tiptoe_without_the_heel_down_is_asked_again(engine: Engine) -> None:
    # Weight taken, but not on the heel: neither "with pain" nor "not at all" is clearly said.
    u = read(engine, "only on tiptoe, can't get my heel down", "weight_bearing")
    assert u.answer is None and u.confirm == ("weight_bearing",)


@pytest.mark.parametrize(("text", "value"), [
    ("every step is sore but not sharp", "no"),  # the sign is a sharp pain on every step
    ("sharp yes, every step no", "no"),
    ("sharp but only on the first few steps", "no"),
    ("when I run yes, walking no", "yes"),  # every step of a run: the sign, when running
    ("stabbing, every single step", "yes"),
])
def test_every_step_needs_the_pain_sharp_and_on_every_step(engine: Engine, text: str,
                                                           value: str) -> None:
    assert read(engine, text, "every_step").answer == value


@pytest.mark.parametrize(("text", "value"), [
    ("not really an injury, I jumped down off a wall and its been sore since", "fall_or_impact"),
    ("not really an injury, just felt a twang at the back of my heel on a sprint",
     "pop_or_kick"),
])
def test_not_really_an_injury_then_what_happened_is_what_happened(engine: Engine, text: str,
                                                                  value: str) -> None:
    # "not really an injury" is in the lexicon's ignore list: neither an injury nor a hedge.
    assert read(engine, text, "injury").answer == value


def test_a_mechanism_then_doubted_is_asked_again(engine: Engine) -> None:
    u = read(engine, "Not really an injury... I did bang it on the bed frame last week but "
                     "I don't think that's it", "injury")
    assert u.answer is None and u.confirm == ("injury",)


@pytest.mark.parametrize(("question", "text"), [
    ("deformity", "I wouldn't say it looks normal"),  # a denial of the reassurance
    ("injury", "twisted my foot on a pothole"),  # neither a pop nor a blow for sure
    ("numbness", "Not numb, no, though my toes tingle a bit if I sit cross-legged"),
])
def test_readings_that_are_asked_again(engine: Engine, question: str, text: str) -> None:
    u = read(engine, text, question)
    assert u.answer is None and question in u.confirm


def test_a_foot_gone_cold_and_pale_answers_the_circulation_question(engine: Engine) -> None:
    u = read(engine, "no, but since this morning my foot's gone cold and pale", "diabetes")
    assert u.answer == "yes" and u.emergency  # and the emergency notice is kept


@pytest.mark.parametrize(("question", "text", "value"), [
    ("numbness", "No numbness, tingling or burning", "no"),  # the list is denied as a whole
    ("infection_signs", "no redness, heat, swelling or fever", "no"),
    ("infection_signs", "no fever, red and hot", "yes"),  # no "or": not a list
    ("numbness", "no numbness, but tingling or burning sometimes", "yes"),  # across a contrast
])
def test_a_denied_list_is_denied_to_its_last_item(engine: Engine, question: str, text: str,
                                                  value: str) -> None:
    assert read(engine, text, question).answer == value
