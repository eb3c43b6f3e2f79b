"""Whose distance a number of miles or km is (heel_bot/language/numunits.py): the shoes' when it
names the pair ("my 600+ mile shoes", "600+ miles on them"), never one run's ("ran 18 miles
sunday"), at the shoe question or out of turn (heel_bot/language/understand.py)."""

from __future__ import annotations

import datetime

import pytest

from heel_bot.engine import Engine
from heel_bot.language.numbers import find_quantities, slot_value

TODAY = datetime.date(2025, 5, 14)  # a Wednesday
LT300, MID, GT500 = "under_300_miles", "300_to_500_miles", "over_500_miles"


def shoes(text: str, *, expect: str | None = None) -> list[str | None]:
    """The shoe_age values of the distances read (None: read, but it straddles)."""
    found = find_quantities(text, today=TODAY, expect=expect)
    return [(slot_value(q) or (None, None))[1] for q in found if q.kind == "distance"]


@pytest.mark.parametrize("expect", [None, "shoe_age"])
@pytest.mark.parametrize(("text", "want"), [
    # a distance before the shoes names them: their mileage
    ("my 600 mile shoes", [GT500]),
    ("my 600+ mile shoes", [GT500]),
    ("my 400-mile trainers", [MID]),
    ("my 200km shoes", [LT300]),
    ("my 700 mile running shoes", [GT500]),
    ("in my 350 mile pegasus", [MID]),
    ("this 450km pair", [LT300]),
    # ... but not the race they are for, no longer than one run
    ("my 10k shoes", []),
    ("my 50 mile shoes", []),
    ("my 20 mile long run", []),
    # one run's distance is not the shoes'
    ("ran 18 miles sunday in my 600+ mile shoes and now my heel hurts", [GT500]),
    ("ran 22 miles on concrete in old shoes (like 600+ miles on them)", [GT500]),
    ("did 15 miles on tarmac in old trainers (1000km+ on them)", [GT500]),
    ("ran 10 miles in my new shoes", []),
    ("I ran 10 miles yesterday in my shoes", []),
    ("I did about 12 miles in them this morning", []),
    ("I ran over 20 miles on sunday in these trainers", []),
    # the sum of the runs so far is
    ("I've run 400 miles in them", [MID]),
    ("I have run about 400 miles in these shoes", [MID]),
    ("ran 80 miles in them so far", [LT300]),
    ("only ran 60 km in them in total", [LT300]),
    ("ran 90 miles since I got them", [LT300]),
    ("the shoes already run 800km", [MID]),
    ("they did 80 miles", [LT300]),
    ("I ran 900 km in them", [GT500]),  # farther than one run goes
])
def test_whose_distance(text: str, want: list[str | None], expect: str | None) -> None:
    assert shoes(text, expect=expect) == want


OPENING_AND_SHOE_QUESTION = [
    ("ran 18 miles sunday in my 600+ mile shoes and now my heel hurts", GT500, {}),
    ("my 600 mile shoes", GT500, {}),
    ("my 400-mile trainers", MID, {}),
    ("my 200km shoes", LT300, {}),
    ("ran 22 miles on concrete in old shoes (like 600+ miles on them) and now my heel pad "
     "feels bruised", GT500, {"hard_surface": "yes", "pain_location": "bottom_center"}),
    ("did 15 miles on tarmac in my 800 mile trainers, heel pad is sore", GT500,
     {"hard_surface": "yes", "pain_location": "bottom_center"}),
    ("ran 5 miles yesterday in my 550-mile sneakers", GT500, {}),
    ("ran 10 miles in my shoes", None, {}),  # a run alone: no shoe distance
    ("I ran 12 miles in my trainers this morning and my heel hurts", None, {}),
]


@pytest.mark.parametrize("question", [None, "shoe_age"])
@pytest.mark.parametrize(("text", "want", "facts"), OPENING_AND_SHOE_QUESTION)
def test_shoe_distance_in_a_message(engine: Engine, question: str | None, text: str,
                                    want: str | None, facts: dict[str, str]) -> None:
    q = engine.dialog.questions[question] if question else None
    u = engine.language.understand(text, q, {}, today=TODAY)
    assert u.facts.get("shoe_age") == want
    if q is not None:
        assert u.answer == want
    for slot, value in facts.items():
        assert u.facts.get(slot) == value


def test_a_run_with_new_shoes_records_the_words_not_the_run(engine: Engine) -> None:
    # "new shoes" says under 300 miles by its words; the 10 miles of the run are not read as
    # the shoes' (they would say the same here, so the number reader is asked directly).
    u = engine.language.understand("ran 10 miles in my new shoes", None, {}, today=TODAY)
    assert u.facts.get("shoe_age") == LT300
    assert shoes("ran 10 miles in my new shoes") == []
