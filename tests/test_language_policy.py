"""The typed-answer safety policy, one behaviour at a time, through the language layer itself.

Each test types a message at a question (or as an opening) and checks what the understander
would record: the answer, the facts, what must be confirmed. The labelled corpus and its four
measures are held by tests/test_language_corpus.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from auxil.reading import read

from heel_bot.engine import Engine
from heel_bot.language.lexicon import expand, read_language
from heel_bot.language.understand import UNSURE, Understanding
from heel_bot.language.words import Language
from heel_bot.model import Bundle
from heel_bot.reading import Reader
from heel_bot.yamlsrc import parse

DIALOGS = Path(__file__).parent.parent / "dialogs"



def confirmed(u: Understanding, slot: str) -> bool:
    """Asked again with buttons: nothing recorded for the slot."""
    return slot in u.confirm and slot not in u.facts and (
        u.question is None or u.answer is None or u.answer == UNSURE)


# ---------------------------------------------------------------- rule 1: the alarming reading


@pytest.mark.parametrize(("question", "text", "value"), [
    ("tendon_gap", "no, but I can feel a dent in the tendon", "yes"),
    ("infection_signs", "no fever but the heel is red and hot", "yes"),
    ("numbness", "not really but it does burn a little after long runs", "yes"),
    ("weight_bearing", "yes but it hurts", "with_pain"),
    ("injury", "no fall or anything, but something went pop when I pushed off", "pop_or_kick"),
    ("age_group", "I'm 38 but it's my 12-year-old who has the heel pain", "under_16"),
])
def test_an_affirmed_red_flag_takes_the_alarming_value(
        engine: Engine, question: str, text: str, value: str) -> None:
    u = read(engine, text, question)
    assert u.answer == value and not u.confirm


@pytest.mark.parametrize(("question", "text"), [
    ("numbness", "maybe a bit numb"),
    ("numbness", "I don't think so"),
    ("diabetes", "not that I know of"),
    ("tendon_gap", "no i dont think so"),
    ("tendon_gap", "possibly a tiny dip"),
    ("infection_signs", "a bit warm maybe?"),
    ("rest_pain", "I'm not sure, I sleep badly anyway"),
    ("heel_squeeze", "maybe a bit"),  # a `careful` slot: confirmed like a red flag
])
def test_a_hedged_red_flag_is_confirmed_never_reassuring(
        engine: Engine, question: str, text: str) -> None:
    slot = engine.dialog.questions[question].slot
    assert confirmed(read(engine, text, question), slot)


@pytest.mark.parametrize(("question", "text"), [
    ("deformity", "it's a bit swollen"),  # swelling: the shape change not said
    ("infection_signs", "it's warm after I run but that's it"),  # warmth after a run only
    ("infection_signs", "i feel grotty but that's cos I was out last night lol"),  # explained
    ("age_group", "I'm a teenager"),  # straddles 16
    ("weight_bearing", "barely. I'm limping badly"),
    ("tendon_gap", "yeah there's a dip... wait no that's just where the bone is"),  # corrected
    ("deformity", "I think so, the heel looks wider than the other"),  # a hedge before it
])
def test_a_sign_said_in_part_or_taken_back_is_confirmed(
        engine: Engine, question: str, text: str) -> None:
    slot = engine.dialog.questions[question].slot
    assert confirmed(read(engine, text, question), slot)


@pytest.mark.parametrize(("question", "text"), [
    ("tendon_gap", "no, I believe not"), ("diabetes", "not to my knowledge"),
    ("tendon_gap", "no?"), ("diabetes", "none that I can think of"),
    ("numbness", "nah, not noticed anything"),
])
def test_a_doubted_denial_of_a_red_flag_is_confirmed(
        engine: Engine, question: str, text: str) -> None:
    slot = engine.dialog.questions[question].slot
    assert confirmed(read(engine, text, question), slot)


def test_a_no_taken_back_for_the_sign_takes_the_sign(engine: Engine) -> None:
    # "wait" and "actually" correct what came before them (policy rule 2: what follows counts).
    u = read(engine, "nope, none. wait, actually my toes do tingle sometimes", "numbness")
    assert u.answer == "yes"
    assert read(engine, "no — actually yeah, getting up off the sofa is grim",
                "morning_pain").answer == "yes"


@pytest.mark.parametrize(("question", "text"), [
    ("infection_signs", "no, but it's gone all blotchy"),  # after "but": unread
    ("rest_pain", "not really, a bit when I first lie down"),  # a qualifier: unread
    ("rest_pain", "no it wakes me at night"),  # a no and the sign, no contrast between
])
def test_a_no_with_more_said_than_read_is_confirmed(
        engine: Engine, question: str, text: str) -> None:
    slot = engine.dialog.questions[question].slot
    assert confirmed(read(engine, text, question), slot)


def test_a_no_with_what_follows_read_stays_a_no(engine: Engine) -> None:
    u = read(engine, "no but it's been 10 days and it's getting worse", "injury")
    assert u.answer == "none" and u.facts["trend"] == "worse"
    assert read(engine, "no, it eases when I rest", "rest_pain").answer == "no"


@pytest.mark.parametrize(("question", "text"), [("deformity", "ok"), ("deformity", "sure"),
                                                 ("injury", "yes"), ("injury", "ok")])
def test_an_ok_or_a_bare_yes_that_names_nothing_is_confirmed(
        engine: Engine, question: str, text: str) -> None:
    slot = engine.dialog.questions[question].slot
    assert confirmed(read(engine, text, question), slot)


def test_an_ok_before_a_real_answer_does_not_count(engine: Engine) -> None:
    assert read(engine, "ok done. no pain", "heel_squeeze").answer == "no"


# ---------------------------------------------------------------- rule 2: scope


@pytest.mark.parametrize(("question", "text", "value"), [
    ("infection_signs", "not red, no fever", "no"),
    ("infection_signs", "no fever, not red or hot", "no"),
    ("infection_signs", "no red no hot no fever 👍", "no"),
    ("numbness", "no tingling, no burning, no numbness", "no"),
    ("diabetes", "my circulation is fine", "no"),
    ("weight_bearing", "no pain walking", "yes"),  # a denied limp is walking fine
    ("trend", "not getting any better", "same"),  # the lexicon's meaning of a denial
])
def test_a_clear_negation_is_read_in_scope(
        engine: Engine, question: str, text: str, value: str) -> None:
    assert read(engine, text, question).answer == value


def test_a_negation_ends_at_the_clause(engine: Engine) -> None:
    assert read(engine, "not numb exactly, more like an electric zap now and then",
                "numbness").answer == "yes"
    u = read(engine, "no I can't walk on it, and it looks bent", "weight_bearing")
    assert u.answer == "no" and u.facts["deformity"] == "yes"


def test_a_trailing_no_negates_what_it_follows(engine: Engine) -> None:
    assert read(engine, "numb? no. sore? yes", "numbness").answer == "no"
    assert read(engine, "at night? no. at rest? no.", "rest_pain").answer == "no"
    assert confirmed(read(engine, "red yes, hot no, no fever", "infection_signs"),
                     "infection_signs")


def test_a_no_that_agrees_with_reassuring_words_is_not_a_denial(engine: Engine) -> None:
    assert read(engine, "nah looks fine", "deformity").answer == "no"
    assert read(engine, "nah, once I'm off it it's fine", "rest_pain").answer == "no"
    assert read(engine, "nah fine, no limp", "weight_bearing").answer == "yes"


# ---------------------------------------------------------------- bare answers


@pytest.mark.parametrize(("question", "text", "value"), [
    ("deformity", "nope", "no"), ("deformity", "y", "yes"), ("tight_calves", "lol no", "no"),
    ("mileage_jump", "nooo", "no"), ("injury", "nah", "none"),
    ("weight_bearing", "not really, I'm hopping everywhere", "no"),
    ("morning_pain", "no it wakes me at night actually", "no"),
    ("every_step", "when I run yes, walking no", "yes"),  # split: the alarming one
    ("morning_pain", "I think so", "yes"),  # not a red flag: the closest value
    ("hard_surface", "nah mostly the gym", "no"), ("injury", "nope gradual", "none"),
])
def test_bare_answers(engine: Engine, question: str, text: str, value: str) -> None:
    assert read(engine, text, question).answer == value


def test_at_a_plain_question_a_bare_answer_says_it_unless_a_contrast_follows(
        engine: Engine) -> None:
    assert read(engine, "no, mornings are my best time", "morning_pain").answer == "no"
    assert read(engine, "no hills, but my calves are like rocks", "tight_calves").answer == "yes"


def test_a_bare_answer_to_a_question_with_named_options_records_nothing(
        engine: Engine) -> None:
    u = read(engine, "yes", "pain_location")
    assert u.answer is None and u.understood


def test_not_sure_at_a_plain_question_is_unsure(engine: Engine) -> None:
    u = read(engine, "kind of", "morning_pain")
    assert u.answer == UNSURE and not u.facts


def test_a_question_asked_back_is_no_answer(engine: Engine) -> None:
    u = read(engine, "what happens if it's yes?", "heel_squeeze")
    assert u.answer is None and "heel_squeeze" not in u.facts


# ---------------------------------------------------------------- rule 4: volunteered facts


def test_volunteered_facts_follow_the_same_policy(engine: Engine) -> None:
    u = read(engine, "Sore heel, no fever, not red, no numbness, no diabetes")
    assert u.facts == {"infection_signs": "no", "numbness": "no", "diabetes": "no"}
    u = read(engine, "maybe a bit numb under the heel, started 10 days ago")
    assert u.confirm == ("numbness",) and u.facts["duration"] == "1_to_3_weeks"
    u = read(engine, "normal shape, just a bit red", "deformity")
    assert u.answer == "no" and "infection_signs" in u.confirm
    assert "infection_signs" not in u.facts


def test_words_that_mean_a_value_only_as_an_answer_are_not_volunteered(
        engine: Engine) -> None:
    assert "rest_pain" not in read(engine, "yes, constant", "every_step").facts
    assert read(engine, "constant", "rest_pain").answer == "yes"


def test_an_answered_red_flag_is_only_ever_raised(engine: Engine) -> None:
    raised = read(engine, "under the heel. I fell down the stairs", "pain_location",
                  {"injury": "none"})
    assert raised.facts["injury"] == "fall_or_impact"
    lowered = read(engine, "no pop, no fall", "pain_location", {"injury": "fall_or_impact"})
    assert "injury" not in lowered.facts


def test_what_is_said_of_someone_else_is_not_the_persons(engine: Engine) -> None:
    # A red flag said of someone else is asked again (the attribution may be wrong), never
    # recorded as the person's sign; other slots ignore it.
    assert confirmed(read(engine, "my mum has type 2", "diabetes"), "diabetes")
    assert read(engine, "the weather is getting better", "trend").answer is None
    assert not read(engine, "my coffee is too hot", "infection_signs").facts
    cat = read(engine, "my diabetic cat needs feeding brb", "diabetes")
    assert not cat.facts and confirmed(cat, "diabetes")
    assert not read(engine, "my shoe is out of shape lol", "deformity").facts
    assert not read(engine, "lol my dog just fell off the sofa", "injury").facts


# ---------------------------------------------------------------- rule 3: numbers


@pytest.mark.parametrize(("question", "text", "value"), [
    ("duration", "10 days", "1_to_3_weeks"), ("duration", "about 40 days", "over_3_weeks"),
    ("shoe_age", "900 km", "over_500_miles"), ("age_group", "34", "16_plus"),
    ("age_group", "I'm 13", "under_16"), ("shoe_age", "pretty old, maybe 700k",
                                          "300_to_500_miles"),
])
def test_numbers_with_units_are_read_as_numbers(
        engine: Engine, question: str, text: str, value: str) -> None:
    assert read(engine, text, question).answer == value


def test_a_number_that_straddles_a_boundary_is_understood_but_not_recorded(
        engine: Engine) -> None:
    u = read(engine, "about three weeks", "duration")
    assert u.answer is None and u.understood


def test_a_distance_is_a_shoes_only_when_said_of_them(engine: Engine) -> None:
    assert "shoe_age" not in read(engine, "I ran 600 miles last year").facts
    assert read(engine, "my shoes have about 600 miles on them").facts["shoe_age"] == (
        "over_500_miles")


# ---------------------------------------------------------------- plain slots


def test_two_values_are_settled_by_combination_then_urgency(engine: Engine) -> None:
    assert read(engine, "sore for the first mile, then I forget about it, then it aches after",
                "run_pattern").answer == "eases_when_warm"
    assert read(engine, "was getting better but this week it's worse again",
                "trend").answer == "worse"
    assert read(engine, "back and bottom", "pain_location").answer is None


# ---------------------------------------------------------------- rule 6 and off-topic


def test_emergency_signs_and_their_negation(engine: Engine) -> None:
    assert read(engine, "my foot went cold and blue after I fell").emergency
    assert not read(engine, "no chest pain, just the heel").emergency


@pytest.mark.parametrize(("question", "text"), [
    ("injury", "Oh snap, I forgot my keys"), ("pain_location", "back in a sec"),
    ("morning_pain", "good morning!"), ("hard_surface", "road trip this weekend!"),
    ("severity", "mild weather today innit"), ("weight_bearing",
                                               "I can't walk the dog today because of the rain"),
])
def test_off_topic_words_record_nothing(engine: Engine, question: str, text: str) -> None:
    assert not read(engine, text, question).facts


def test_on_topic_words_are_understood_though_nothing_is_recorded(engine: Engine) -> None:
    assert read(engine, "the heel", "pain_location").understood
    assert not read(engine, "which shoes should I buy", "shoe_age").understood
    assert read(engine, "hi").understood and not read(engine, "asdfghjkl").understood


# ---------------------------------------------------------------- misreads found by blind sets


@pytest.mark.parametrize(("question", "text"), [
    ("run_pattern", "it eases when I rest"),
    ("morning_pain", "eases once I'm warm, and it eases when I rest too"),
    ("numbness", "fine when I'm sat on the sofa"),
])
def test_rest_said_to_ease_the_pain_is_a_rest_pain_no_anywhere(engine: Engine, question: str,
                                                               text: str) -> None:
    # Once read as rest_pain "yes" when typed at another question (issue 9).
    u = read(engine, text, question)
    assert u.facts.get("rest_pain") == "no" and "rest_pain" not in u.confirm


def test_words_of_another_question_tick_nothing_here(engine: Engine) -> None:
    assert "every_step" not in read(engine, "flat routes mostly", "every_step").facts
    u = read(engine, "lots of pavement", "mileage_jump")
    assert u.answer is None and u.facts == {"hard_surface": "yes"}
    assert read(engine, "mostly", "every_step").answer == "yes"


@pytest.mark.parametrize(("question", "text", "answer", "facts"), [
    ("mileage_jump", "went from 20 to 35 miles in two weeks", "yes", {}),
    ("mileage_jump", "40 to 44 km a week", "no", {}),
    ("shoe_age", "a year old, maybe 15 miles a week", "over_500_miles", {}),
    ("shoe_age", "bought them in march, run about 25 miles a week", "under_300_miles", {}),
    ("shoe_age", "between 200 and 400", None, {}),
    (None, "52 M, type 2 diabetic, sore heel 2 months", None,
     {"age_group": "16_plus", "diabetes": "yes", "duration": "over_3_weeks"}),
    ("diabetes", "No. I am healthy man, 38 years, no illness", "no", {"age_group": "16_plus"}),
    ("severity", "like a 9", "severe", {}),
    ("severity", "7/10", None, {}),
    ("duration", "since the marathon on the 4th", "1_to_3_weeks", {}),
])
def test_numbers_in_odd_forms(engine: Engine, question: str | None, text: str,
                              answer: str | None, facts: dict[str, str]) -> None:
    u = read(engine, text, question)
    assert u.answer == answer
    assert {k: u.facts.get(k) for k in facts} == facts
    for slot in ("duration", "age_group"):  # "in two weeks" is no duration, "a year old" no age
        assert slot not in u.facts or slot in facts or slot == engine.dialog.questions[
            question or "injury"].slot


@pytest.mark.parametrize(("question", "text", "slot"), [
    ("tendon_gap", "there's like a little dip when I run my finger down it?", "tendon_gap"),
    (None, "pain under heel, not red exactly, hard to say", "infection_signs"),
    (None, "45, diabetic-ish (borderline), heel sore for 6 weeks", "diabetes"),
    ("heel_squeeze", "it's sore but not sharp?", "heel_squeeze"),
    ("heel_squeeze", "I'm scared to try", "heel_squeeze"),
    ("weight_bearing", "only on my tippy toes", "weight_bearing"),
    ("rest_pain", "sleep fine, but sitting at my desk it aches a bit", "rest_pain"),
    ("morning_pain", "mornings are fine, it's worse at night", "rest_pain"),
    # set C's
    (None, "hi, asking for my wife. she's 41, can't remember hurting it", "injury"),
    ("heel_squeeze", "sore when I squeeze it", "heel_squeeze"),
    ("rest_pain", "not at night, but it aches sitting at my desk", "rest_pain"),
])
def test_hedged_red_flags_in_other_voices_are_confirmed(engine: Engine, question: str | None,
                                                       text: str, slot: str) -> None:
    u = read(engine, text, question)
    assert slot in u.confirm and slot not in u.facts
    assert u.answer is None or slot != engine.dialog.questions[question or "injury"].slot


@pytest.mark.parametrize(("question", "text"), [
    ("tendon_gap", "no gap that I can feel, it's thick tho"),  # once recorded as "no"
    ("injury", "stepped awkwardly off the footpath and felt a twinge"),
    ("weight_bearing", "only with the help of the banister"),
    ("diabetes", "my doctor mentioned my sugars were a little high"),
    ("heel_squeeze", "didn't want to try"),
    ("infection_signs", "bit crook today, think I'm coming down with something"),
])
def test_hedges_found_by_blind_set_b_are_confirmed(engine: Engine, question: str,
                                                   text: str) -> None:
    assert confirmed(read(engine, text, question), engine.dialog.questions[question].slot)


def test_a_qualifier_in_the_first_clause_qualifies_no_later_denial(engine: Engine) -> None:
    u = read(engine, "heel hurts a bit when I run, no numbness, not diabetic")
    assert u.facts == {"numbness": "no", "diabetes": "no"}
    assert confirmed(read(engine, "not really, a bit when I first lie down", "rest_pain"),
                     "rest_pain")


def test_off_topic_heat_and_hardship_record_nothing(engine: Engine) -> None:
    assert read(engine, "it's boiling hot in the office", "infection_signs").facts == {}
    assert read(engine, "life is hard lol", "hard_surface").facts == {}
    assert read(engine, "morning!", "morning_pain").facts == {}


def test_a_question_asked_back_does_not_hedge_a_statement(engine: Engine) -> None:
    u = read(engine, "my kid has had a temperature since yesterday, is that related?",
             "infection_signs")
    assert u.answer == "yes"


def test_a_number_s_hedge_is_not_the_answer_s(engine: Engine) -> None:
    u = read(engine, "Gradual. Started maybe 6 wks ago, no fall or anything", "injury")
    assert u.answer == "none" and u.facts.get("duration") == "over_3_weeks"


def test_the_sign_said_of_another_then_denied_is_a_no(engine: Engine) -> None:
    assert read(engine, "my mum is diabetic, not me", "diabetes").answer == "no"
    # A no before it too: the annotators of sets N, O, Q and R all read it as the person's no.
    assert read(engine, "no but my mum has type 2", "diabetes").answer == "no"
    assert confirmed(read(engine, "not sure, my mum has type 2", "diabetes"), "diabetes")


def test_a_worse_value_said_after_a_bare_no_corrects_it(engine: Engine) -> None:
    assert read(engine, "walking no, running yes each step", "every_step").answer == "yes"


def test_a_question_ends_its_own_scope(engine: Engine) -> None:
    u = read(engine, "Is this plantar fasciitis? it's agony under my heel towards the arch")
    assert u.facts.get("pain_location") == "bottom_inner"
    assert read(engine, "numb? no.", "numbness").answer == "no"


# ---------------------------------------------------------------- the lexicon's format


def test_a_phrase_pattern_expands_to_its_alternatives() -> None:
    assert expand("(wake|wakes) me (up|)") == ["wake me up", "wake me", "wakes me up",
                                               "wakes me"]
    assert expand("<start> (can|should) i") == ["<start> can i", "<start> should i"]
    assert expand("my <thing> (is|was) hot") == ["my <thing> is hot", "my <thing> was hot"]
    assert isinstance(expand("(a|(b|c))"), str)  # nested: refused
    assert isinstance(expand("a <end> b"), str)  # a marker in the middle: refused


def test_the_lexicon_reports_each_problem_where_it_is(bundle: Bundle) -> None:
    text = (DIALOGS / "language.yaml").read_text(encoding="utf-8")
    broken = text.replace('anywhere: [pop, popped,', 'anywhere: ["(pop|popped", popped,', 1)
    broken = broken.replace("careful: [heel_squeeze]", "careful: [heel_sqeeze]", 1)
    r = Reader()
    read_language(r, parse(broken, "language.yaml"), bundle.vocabulary)
    problems = [str(p) for p in r.problems]
    assert any(p.startswith("language.yaml:") and "'(pop|popped'" in p and "allowed" in p
               for p in problems), problems
    assert any("heel_sqeeze" in p and "did you mean 'heel_squeeze'" in p for p in problems)


def test_the_bundle_reads_the_extended_lexicon(bundle: Bundle) -> None:
    assert isinstance(bundle.language, Language)
    assert "heel_squeeze" in bundle.language.careful
