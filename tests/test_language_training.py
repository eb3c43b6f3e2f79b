"""Training arithmetic and the number readings added for blind set A (issue 9): weekly
increases, percentages, shoe time × weekly distance (heel_bot/language/numtraining.py); profile
ages, "I am having 27 years", "a year old" (a thing's age), "the 4th" (numbers.py)."""

from __future__ import annotations

import datetime

import pytest

from heel_bot.engine import Engine
from heel_bot.language import numtraining
from heel_bot.language.numbers import Quantity, find_quantities, slot_value

TODAY = datetime.date(2025, 5, 14)  # a Wednesday


def training(text: str, *, shoes: bool = True, asked: str | None = None
             ) -> numtraining.Training:
    return numtraining.read(text.lower(), today=TODAY, shoes=shoes, asked=asked)


@pytest.mark.parametrize(("text", "jump"), [
    ("went from 20 to 35 miles in two weeks", "yes"),  # 32% a week
    ("40 to 44 km a week", "no"),  # exactly 10% is not more than 10%
    ("from 30 km to 33 km a week", "no"),
    ("from 15 to 18 miles a week last week", "yes"),  # one step of 20%
    ("went from about 30 miles a week to 50 over the last three weeks", "yes"),  # 19% a week
    ("I increased from 50 km to 60 km per week over a month.", "no"),  # 4% a week
    ("jumped from 20 to 40 miles a week in a fortnight", "yes"),
    ("went 40 → 60 km in a week", "yes"),
    ("not really, maybe 5% a week", "no"),
    ("more than 10% a week", "yes"),
    ("about 10% a week", None),  # straddles the question's 10%
    ("from 2 to 3 weeks", None),  # no distance
    ("it went from 3 to 4 out of 10", None),
    ("between 200 and 400", None),
    ("from 40 down to 30 miles a week", None),  # no increase read
])
def test_weekly_increases(text: str, jump: str | None) -> None:
    assert training(text).jump == jump


@pytest.mark.parametrize(("text", "want"), [
    ("bought them in march, run about 25 miles a week", "under_300_miles"),  # ≤ 10.6 weeks
    ("a year old, maybe 15 miles a week", "over_500_miles"),
    ("eight months, 20 mi/wk", "over_500_miles"),
    ("got them 3 weeks ago, run 30 a week", "under_300_miles"),  # miles or km
    ("idk like 6 months? i run 5k 3 times a week", "under_300_miles"),
    ("had them a year, I run 20 miles a week", "over_500_miles"),
    ("about 6 months, 20 miles a week", None),  # 477-564 miles straddles 500
    ("had them 6 months", None),  # a time alone
    ("20 miles a week", None),  # a rate alone
])
def test_shoe_time_times_weekly_distance(text: str, want: str | None) -> None:
    got = training(text.replace("wk", "week")).shoes
    if want is None:
        assert got is None or slot_value(_miles(*got)) is None
    else:
        assert got is not None and slot_value(_miles(*got)) == ("shoe_age", want)


def _miles(low: float, high: float) -> Quantity:
    return Quantity("distance", (low + high) / 2, low, high, "")


def test_an_increase_is_no_shoe_distance() -> None:
    t = training("went from about 30 miles a week to 50 over the last three weeks")
    assert t.jump == "yes" and t.shoes is None


def test_shoes_only_when_asked_or_said() -> None:
    assert training("a year, 20 miles a week", shoes=False).shoes is None


@pytest.mark.parametrize(("text", "want"), [
    ("I am having 27 years", "16_plus"),
    ("No. I am healthy man, 38 years, no illness", "16_plus"),
    ("52 M, type 2 diabetic", "16_plus"),
    ("Runner, 29, F. Heel sore 5 days.", "16_plus"),
    ("45, diabetic, pain under the heel", "16_plus"),
    ("no. 52, otherwise healthy", "16_plus"),
    ("Runner, 32F, sore heel", "16_plus"),
    ("12, f, gymnast", "under_16"),
    ("writing for my husband, 58, type 1 diabetic", "16_plus"),
    ("my son, 9, has heel pain", "under_16"),
    # blind sets D-G
    ("T2 diabetic, 57, heel pain bottom middle like a bruise, 2 wks", "16_plus"),
    ("heel pain 6 months, no injury, not diabetic, 38", "16_plus"),
    ("no pop no fall nothing, just sore. 45M", "16_plus"),
    ("32F marathoner, upped my miles a lot", "16_plus"),
    ("about 6 weeks now. 41M, not diabetic", "16_plus"),
    ("heel pain, 45, diabetic", "16_plus"),
    ("V45 at my club", "16_plus"), ("V45 masters runner", "16_plus"), ("V45 😅", "16_plus"),
    ("M50 masters, heel pain", "16_plus"), ("VW40", "16_plus"),
])
def test_profile_ages(text: str, want: str) -> None:
    ages = [slot_value(q) for q in find_quantities(text, today=TODAY) if q.kind == "age"]
    assert ages == [("age_group", want)]


@pytest.mark.parametrize("text", [
    "a year old, maybe 15 miles a week",  # the shoes
    "my shoes are a year old",
    "7, it's bad",  # a score, not a profile
    "Been running 20 yrs, heel pain last 2 wks",
    "stuck on the M50 for an hour, heel aching",  # a road, not a masters category
    "pain is 7, 8 on a bad day",
    "I did 45M, heel hurts",  # no clause starts before it
    "parkrun pb 25, heel sore",
])
def test_no_age(text: str) -> None:
    assert [q for q in find_quantities(text, today=TODAY) if q.kind == "age"] == []


@pytest.mark.parametrize(("text", "days"), [
    ("since the marathon on the 4th", 10),
    ("since the 20th", 24),
    ("started on the 31st", 44),  # April has no 31st: March's
])
def test_a_day_of_the_month(text: str, days: float) -> None:
    found = [q for q in find_quantities(text, today=TODAY) if q.kind == "duration"]
    assert [q.value for q in found] == [days]


def test_a_day_of_the_month_needs_an_onset() -> None:
    assert find_quantities("on the 4th I ran a 10k", today=TODAY) == []


@pytest.mark.parametrize(("text", "days"), [
    ("2/52", 14), ("x 6/52, worse in AM", 42), ("3/12", 90), ("5/7", 5),
])
def test_clinicians_shorthand_for_durations(text: str, days: float) -> None:
    found = [q for q in find_quantities(text, today=TODAY) if q.kind == "duration"]
    assert [q.value for q in found] == [days]


def test_a_date_is_no_clinical_duration() -> None:
    # "since 1/7" is a date (1 July or 7 January, both read), not "1/7", a clinician's day
    found = find_quantities("since 1/7", today=TODAY)
    assert [q.kind for q in found] == ["duration"] and found[0].low > 1


def test_easy_after_a_shoe_distance_is_no_easy_run() -> None:
    got = find_quantities("1200 km easy", today=TODAY, expect="shoe_age")
    assert [slot_value(q) for q in got] == [("shoe_age", "over_500_miles")]
    assert find_quantities("about 2 years old", today=TODAY, expect="shoe_age") == []


# ------------------------------------------------------- blind sets D-G (today: Wed 14 May)

def durations(text: str, expect: str | None = None) -> list[tuple[str, str] | None]:
    return [slot_value(q) for q in find_quantities(text, today=TODAY, expect=expect)
            if q.kind == "duration"]


@pytest.mark.parametrize(("text", "want"), [
    ("since tuesday last week", "1_to_3_weeks"),  # Tuesday 6 May: 8 days
    ("since Tuesday of last week", "1_to_3_weeks"),
    ("since last week tuesday", "1_to_3_weeks"),
    ("since last Tuesday", "1_to_3_weeks"),  # Tuesday was yesterday: last week's, 8 days
    ("since last Friday", "under_1_week"),  # later in the week than today: 5 days
    ("since last Wednesday", "1_to_3_weeks"),  # today's weekday: a week
    ("since last Monday", None),  # 2 or 9 days, as English speakers differ
    ("since tuesday", "under_1_week"),  # the most recent Tuesday: yesterday
    ("since sat", "under_1_week"), ("since last thurs", "under_1_week"),
    ("since fri", "under_1_week"), ("since tues", "under_1_week"),
    ("since the marathon in April", None),  # any day of April: 14 to 43 days
    ("it started in March", "over_3_weeks"),  # 44 to 74 days
    ("it started in May", None),  # 0 to 13 days
    ("3 weeks+", "over_3_weeks"), ("3+ weeks", "over_3_weeks"), ("6wks+", "over_3_weeks"),
    ("Did a 100k at the weekend and now the bottom of my heel feels bruised", "under_1_week"),
    ("Ran a half marathon on Sunday, now the whole heel hurts", "under_1_week"),
    ("ran a 10k on Sunday and it has hurt ever since", "under_1_week"),
])
def test_dates_and_durations_of_blind_sets_d_to_g(text: str, want: str | None) -> None:
    assert durations(text) == [("duration", want) if want else None]


@pytest.mark.parametrize("text", [
    "I sat down on the sun lounger",  # abbreviations need "since", "last", "on"...
    "I run 3 times one week",  # a rate
    "I ran 10 miles on Sunday",  # nothing says the pain followed it
    "went back to running on Saturday and now it's worse than ever",  # a change, not the start
])
def test_no_duration_in_blind_sets_d_to_g(text: str) -> None:
    assert durations(text) == []


def test_a_rate_is_no_duration_but_the_shoes_ran_800_km() -> None:
    text = "I run 3 times one week, heel pain under the foot. the shoes already run 800km"
    got = [slot_value(q) for q in find_quantities(text, today=TODAY)]
    assert got == [("shoe_age", "300_to_500_miles")]  # 800 km: 497 miles


@pytest.mark.parametrize(("question", "text", "slot", "want"), [
    ("injury", "No pop, no fall, nothing. It's been there since March", "duration",
     "over_3_weeks"),
    ("deformity", "there's a bump at the back of my heel, it's been there for years",
     "duration", None),  # the bump's time, not the pain's
    ("duration", "heel pain x 3 weeks", "duration", "1_to_3_weeks"),  # "x": for
    ("shoe_age", "two marathons and a training block, so prob 500+", "shoe_age",
     "over_500_miles"),  # "500+": over 500, its own clause
    ("shoe_age", "idk maybe 250?", "shoe_age", "under_300_miles"),  # a number with a hedge
    ("shoe_age", "dunno, 250ish?", "shoe_age", "under_300_miles"),
    ("shoe_age", "dunno, about a year old?", "shoe_age", "unsure"),  # time alone + dunno
    ("shoe_age", "about a year old", "shoe_age", None),
    ("shoe_age", "brand new, 2 weeks old", "shoe_age", "under_300_miles"),
    ("mileage_jump", "Not really, only last week I doubled because of holiday",
     "mileage_jump", "yes"),
    ("mileage_jump", "30 km to 32 km", "mileage_jump", "no"),
])
def test_understood_in_blind_sets_d_to_g(engine: Engine, question: str | None, text: str,
                                         slot: str, want: str | None) -> None:
    q = engine.dialog.questions[question] if question else None
    u = engine.language.understand(text, q, {}, today=TODAY)
    got = u.answer if q is not None and q.slot == slot else u.facts.get(slot)
    assert got == want


@pytest.mark.parametrize(("text", "want"), [
    ("old git, 61 😂", "16_plus"),  # an emoji ends the clause
    ("I'm 16 — wait no, 15, my birthday's not till August", "under_16"),  # corrected
])
def test_ages_at_the_age_question(text: str, want: str) -> None:
    found = find_quantities(text, today=TODAY, expect="age_group")
    assert [slot_value(q) for q in found] == [("age_group", want)]


def test_a_self_correction_keeps_the_later_quantity() -> None:
    found = find_quantities("3 weeks, sorry, 4 weeks", today=TODAY)
    assert [q.value for q in found] == [28.0]
    both = find_quantities("I'm 40 and my son is 12", today=TODAY)
    assert [q.value for q in both] == [40.0, 12.0]


@pytest.mark.parametrize(("text", "asked", "jump"), [
    ("from 3 runs a week to 6", None, "yes"),
    ("30 km to 32 km", None, "no"),  # both with a unit: 7%
    ("Strava says 20 → 25 → 35 the last three weeks", "mileage_jump", "yes"),
    ("Strava says 20 → 25 → 35 the last three weeks", None, None),  # arrows: at the question
    ("Marathon block, peak week was 70mpw, up from 45 the week before", None, "yes"),
    ("40 miles a week, up from 38", None, "no"),
    ("no, well actually I added a 15 mile long run on top of my usual 20, so yeah", None, "yes"),
    ("added 2 miles to my usual 30 miles", None, "no"),
    ("Not really, only last week I doubled because of holiday", "mileage_jump", "yes"),
    ("no, I never doubled it", "mileage_jump", None),
    ("the pain doubled", None, None),  # a doubling counts only at the question
    ("I've done maybe 35-40 miles a week", None, None),  # a range, no increase
    ("from 3 days to 5 days", None, None),  # counts need "a week"
])
def test_weekly_increases_of_blind_sets_d_to_g(text: str, asked: str | None,
                                              jump: str | None) -> None:
    assert training(text, asked=asked).jump == jump


def shoes_value(text: str, *, asked: str | None = "shoe_age") -> str | None:
    got = training(text, asked=asked).shoes
    found = slot_value(_miles(*got)) if got is not None else None
    return found[1] if found else None


@pytest.mark.parametrize(("text", "want"), [
    # time x weekly distance, read at its central value give or take 10%
    ("bought them in january, I do about 20 miles a week", "300_to_500_miles"),  # ≈ 337
    ("bought em in january, run bout 20 miles a week", "300_to_500_miles"),
    ("had them since last summer, I do about 20 miles a week in them", "over_500_miles"),
    ("ok so I bought them in January for marathon training and I've done maybe 35-40 miles a "
     "week in them since, apart from a couple of weeks off with covid", "over_500_miles"),
    ("about 6 months, 20 miles a week", None),  # ≈ 521: too near 500
    ("8 months, 40mpw", "over_500_miles"),
    # time x runs a week: every run length from 2 to 15 miles must agree
    ("2 years old, run 3x a week in them", "over_500_miles"),
    ("3 weeks old, run 3 times a week", "under_300_miles"),
    ("6 months old, run twice a week", None),
    # races
    ("about 40 parkruns in them", "under_300_miles"),
    ("12 marathons in them", "300_to_500_miles"),
    ("two marathons and a training block", None),  # at least 52 miles
    ("20 marathons", "over_500_miles"),  # at least 524 miles
    # a time alone, at the shoe question: only when even 140 miles a week stays under 300
    ("brand new, 2 weeks old", "under_300_miles"),
    ("a year old", None), ("3 weeks old", None),
])
def test_shoe_distances_of_blind_sets_d_to_g(text: str, want: str | None) -> None:
    assert shoes_value(text) == want


def test_shoe_time_alone_and_races_only_at_the_question() -> None:
    assert shoes_value("new shoes, pain for 2 weeks", asked=None) is None
    assert shoes_value("I've run 2 marathons, new shoes", asked=None) is None
    assert shoes_value("about 40 parkruns in these shoes", asked=None) == "under_300_miles"


# ---------------------------------------------------------------- blind sets H-K

@pytest.mark.parametrize(("text", "want"), [
    # days a week: running most days, or wearing them every day (at least a mile of walking)
    ("had them two years, run in them most days", "over_500_miles"),  # ≥ 4 × 2 mi × 104 wk
    ("had them about two years and I run most days", "over_500_miles"),
    ("they're like 3 years old and I wear them every day", "over_500_miles"),
    ("had them 6 months, run most days", None),  # 208 to 2,340 miles
    ("had them 2 weeks, wear them daily", "under_300_miles"),
    ("I wear them every day", None),  # no time
    # a holiday dates the purchase: 1 January to 14 May is 19 weeks, × 20 ≈ 380
    ("bought them right after New Year's and I do about 20 miles a week", "300_to_500_miles"),
    ("got them for christmas, 30 miles a week", "over_500_miles"),  # 20 weeks × 30
    ("got them at easter, about 20 miles a week", "under_300_miles"),  # 20 April: 3.4 weeks
    ("got them for Christmas", None),  # a time alone
])
def test_shoe_distances_of_blind_sets_h_to_k(text: str, want: str | None) -> None:
    assert shoes_value(text.lower()) == want


@pytest.mark.parametrize(("text", "asked", "jump"), [
    ("went from zero to 20 miles a week in a month", None, "yes"),  # from nothing: a jump
    ("went 20 to 35 miles", None, "yes"),  # "went" as "from"
    ("upped it 30 to 32 miles a week", None, "no"),
    ("Been doing 5 miles a day instead of my usual 2", None, "yes"),
    ("running 30 miles a week instead of 28", None, "no"),  # 7%
    ("3 sets instead of 2", None, None),  # no distance or rate
    ("10% or so, I follow the rule", "mileage_jump", "no"),  # straddles, but the rule says no
    ("I stick to the 10% rule", None, "no"),
    ("I don't follow the 10% rule", "mileage_jump", None),
    ("I follow the rule", None, None),  # which rule? only at the question
    ("10 percent ish", "mileage_jump", None),  # right on the line
    ("maybe 20%", "mileage_jump", "yes"),  # a percentage at the question is weekly
    ("15% tops", "mileage_jump", None),  # up to 15%
    ("10% max", "mileage_jump", "no"),
    ("I run 80% on roads", "mileage_jump", None),  # not an increase
    ("about 20% a month", "mileage_jump", None),  # not weekly
])
def test_weekly_increases_of_blind_sets_h_to_k(text: str, asked: str | None,
                                              jump: str | None) -> None:
    assert training(text, asked=asked).jump == jump


@pytest.mark.parametrize(("text", "want"), [
    ("since my birthday, April 2nd", "over_3_weeks"),  # "since my ...": still an onset
    ("since my birthday on April 2nd", "over_3_weeks"),
    ("it woke me last night", None),  # the pain at night, not its onset (still so)
    # an onset word up to twelve words back, with no comma between
    ("Felt a pop in the back of my ankle playing pickleball yesterday", "under_1_week"),
    ("Felt a pop, then I kept on playing and went home and we had dinner yesterday", None),
    # seasons, after since / from / last / this / the
    ("on and off since last summer", "over_3_weeks"),  # June to August 2024
    ("came on slowly over the winter", "over_3_weeks"),  # ended 28 February
    ("since last fall", "over_3_weeks"),
])
def test_dates_and_durations_of_blind_sets_h_to_k(text: str, want: str | None) -> None:
    assert durations(text) == ([("duration", want)] if want else [])


def test_a_season_begun_straddles() -> None:
    assert [(q.low, q.high) for q in find_quantities("since spring", today=TODAY)] == [
        (0.0, 74.0)]  # 1 March to today


@pytest.mark.parametrize("text", [
    "no fall or anything, sore since",  # a fall, not autumn
    "sore since the fall",  # the fall: the accident
    "the summer heat",
])
def test_no_season_in_blind_sets_h_to_k(text: str) -> None:
    assert durations(text) == []


@pytest.mark.parametrize(("question", "text", "slot", "want"), [
    ("duration", "6 or 7 days", "duration", None),  # straddles 7 days: "days" decides nothing
    ("duration", "a few days", "duration", "under_1_week"),
    (None, "Felt a pop in the back of my ankle playing pickleball yesterday, can still walk "
     "but limping bad", "duration", "under_1_week"),
])
def test_understood_durations_of_blind_sets_h_to_k(engine: Engine, question: str | None,
                                                   text: str, slot: str, want: str | None
                                                   ) -> None:
    q = engine.dialog.questions[question] if question else None
    u = engine.language.understand(text, q, {}, today=TODAY)
    got = u.answer if q is not None and q.slot == slot else u.facts.get(slot)
    assert got == want


@pytest.mark.parametrize(("text", "expect", "want"), [
    ("born in '88", None, "16_plus"),  # 1988 (2088 is yet to come)
    ("born in '12", None, "under_16"),  # 2012
    ("born '05", None, "16_plus"),  # 19 or 20
    ("nope. 34 and healthy", None, "16_plus"),  # "and" + a profile word, as "34, healthy"
    ("no, 45 and fit", None, "16_plus"),
    ("Walker, 55, no diabetes, no injury", None, "16_plus"),  # a role, as "Runner, 32F"
    ("old enough to know better 😅 (52)", "age_group", "16_plus"),
    ("retired, 67, still doing parkrun every week", "age_group", "16_plus"),
])
def test_ages_of_blind_sets_h_to_k(text: str, expect: str | None, want: str) -> None:
    found = find_quantities(text, today=TODAY, expect=expect)
    assert [slot_value(q) for q in found] == [("age_group", want)]


@pytest.mark.parametrize("text", ["ran 10 and healthy", "born in 88 degree heat"])
def test_no_age_in_blind_sets_h_to_k(text: str) -> None:
    assert [q for q in find_quantities(text, today=TODAY) if q.kind == "age"] == []


def test_an_age_volunteered_at_the_diabetes_question(engine: Engine) -> None:
    u = engine.language.understand("nope. 34 and healthy", engine.dialog.questions["diabetes"],
                                   {}, today=TODAY)
    assert (u.answer, u.facts.get("age_group")) == ("no", "16_plus")


def test_the_age_of_the_person_asked_for(engine: Engine) -> None:
    # Set M: the parent's own age first, then the child's, who has the heel pain.
    q = engine.dialog.questions["age_group"]
    u = engine.language.understand("I'm 41 but asking for my daughter who's 12", q, {},
                                   today=TODAY)
    assert u.answer == "under_16"


# ---------------------------------------------------------------- blind sets L-O

@pytest.mark.parametrize(("text", "days"), [
    ("sharp pain back of heel since saturdays parkrun", 4),  # Saturday 10 May
    ("sore since Saturday's long run", 4),
    ("since the weekend before last", 10),  # 3-4 May
    ("since the bank holiday", 9),  # England's early May bank holiday: Monday 5 May
    ("hi, my heel has hurt since the Boston marathon", 23),  # third Monday of April: 21 April
    ("since the Chicago marathon", 213),  # second Sunday of October: 13 October 2024
    ("since Christmas Eve", 141),  # 24 December 2024
])
def test_dates_of_blind_sets_l_to_o(text: str, days: float) -> None:
    found = find_quantities(text, today=TODAY)
    assert [(q.kind, q.low) for q in found] == [("duration", days)]


@pytest.mark.parametrize("text", ["on saturdays it hurts", "I ran in Boston last year",
                                  "bank holidays are when I run long"])
def test_no_date_in_blind_sets_l_to_o(text: str) -> None:
    assert [q for q in find_quantities(text, today=TODAY) if q.kind == "duration"] == []


@pytest.mark.parametrize(("text", "want"), [
    ("Pain in the heel pad since I switched to minimalist shoes 10 days ago", "1_to_3_weeks"),
    ("I slipped on ice in February and landed hard on my heel. It's never been right since.",
     "over_3_weeks"),
    ("I've had this heel on and off since my twenties", "over_3_weeks"),
    ("About three weeks? Maybe a bit less", "1_to_3_weeks"),  # just under 21 days
    ("a week, or a little more", "1_to_3_weeks"),
    ("about a week, maybe a bit less", "under_1_week"),
])
def test_durations_of_blind_sets_l_to_o(text: str, want: str) -> None:
    found = find_quantities(text, today=TODAY, expect="duration")
    assert [slot_value(q) for q in found if q.kind == "duration"] == [("duration", want)]


@pytest.mark.parametrize(("text", "want"), [
    ("I ran a race in February. Haven't run since.", []),  # not the pain
    ("bought new trainers 3 months ago", []),  # the shoes' age
    ("3 weeks, less", ["3 weeks"]),  # no softener: not read as a correction
])
def test_durations_not_read_in_blind_sets_l_to_o(text: str, want: list[str]) -> None:
    assert [q.text for q in find_quantities(text, today=TODAY)] == want


@pytest.mark.parametrize(("text", "want"), [
    ("350ish", None),  # 350 km ≈ 217 mi, 350 mi: the readings disagree
    ("700-ish", None),  # 435 or 700 mi
    ("dunno, 250ish?", "under_300_miles"),  # 155 or 250 mi: both under 300
    ("like 350", "300_to_500_miles"),  # no "-ish": miles, as the options are
    ("four hundred ish", "300_to_500_miles"),  # in words: miles
    ("half a thousand miles, give or take", None),  # about 500
    ("half a thousand miles", "300_to_500_miles"),
    ("Under 300 I reckon, got them at Easter", "under_300_miles"),  # its own first clause
])
def test_shoe_numbers_of_blind_sets_l_to_o(text: str, want: str | None) -> None:
    found = find_quantities(text, today=TODAY, expect="shoe_age")
    assert [slot_value(q) for q in found] == [("shoe_age", want) if want else None]


@pytest.mark.parametrize("text", [
    "Brand new, bought them last week because the old ones had done 700 miles",
    "my previous pair did 600 miles",
    "300, got them at Easter",  # a bare first clause needs "I reckon": not read
])
def test_no_shoe_distance_in_blind_sets_l_to_o(text: str) -> None:
    assert find_quantities(text, today=TODAY, expect="shoe_age") == []


@pytest.mark.parametrize(("text", "jump"), [
    ("i run about 30 miles a week and just bumped it to 40", "yes"),  # 33% in a week
    ("i run 30 miles a week and upped it to 32", "no"),  # 7%
    ("i do 20km a week and pushed it up to 30 over 3 weeks", "yes"),  # 14% a week
])
def test_weekly_increases_of_blind_sets_l_to_o(text: str, jump: str) -> None:
    assert numtraining.read(text, today=TODAY, shoes=False).jump == jump


def test_a_decade_as_its_own_clause_at_the_age_question(engine: Engine) -> None:
    q = engine.dialog.questions["age_group"]
    u = engine.language.understand(
        "mid 30s. I run about 30 miles a week and just bumped it to 40", q, {}, today=TODAY)
    assert (u.answer, u.facts.get("mileage_jump")) == ("16_plus", "yes")
    assert find_quantities("it was mid 30s today, hot run", today=TODAY,
                           expect="age_group") == []  # not its own clause: the weather
