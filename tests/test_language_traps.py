"""Traps for each warning sign, written for issue 9 to break the layer rather than to sound
like a user: a denial with the sign after it ("no, but…", "unless…", "except…", "tho"), a
sign hedged, supposed, or described in other words. None of them may record the reassuring
value of the sign asked about (the specification's typed-answer policy, rule 1); each was
checked when written, and the two that did ("in case you're wondering it does go numb",
"doesn't wake me but I can't get to sleep") were fixed."""

from __future__ import annotations

from datetime import date

import pytest

from heel_bot.engine import Engine

CALM = {"injury": "none", "weight_bearing": "yes", "deformity": "no", "tendon_gap": "no",
        "infection_signs": "no", "diabetes": "no", "numbness": "no", "rest_pain": "no"}


@pytest.mark.parametrize(("question", "text"), [
    ('tendon_gap', "nope, although when I press there's a bit that gives"),
    ('tendon_gap', 'no gap as such, more of a soft spot'),
    ('tendon_gap', 'not a gap, but it feels hollow just above the heel'),
    ('tendon_gap', 'no. my physio said there might be a partial tear though'),
    ('tendon_gap', "I don't think so? it's hard to tell with the swelling"),
    ('deformity', 'no, it just looks really swollen and the bone sticks out more'),
    ('deformity', "not misshapen, but it's kind of flattened at the back since I fell"),
    ('deformity', "no. well, it's a different shape to the other one"),
    ('infection_signs', "no fever. the skin's gone shiny and red though"),
    ('infection_signs', 'not red, just really hot to the touch'),
    ('infection_signs', 'no, apart from the sweats at night'),
    ('infection_signs', "no temp but I've been shivering all day"),
    ('infection_signs', "nah. there's some pus from the blister but that's it"),
    ('diabetes', 'no, but my doctor said my sugar was a bit high'),
    ('diabetes', 'not diabetic as far as I know, but my feet are always cold and purple'),
    ('diabetes', 'no, I just take tablets for my sugar'),
    ('numbness', 'no, only pins and needles now and then'),
    ('numbness', "no numbness, it's more like burning"),
    ('numbness', "not numb, just can't really feel my toes"),
    ('numbness', 'nope, though the sole feels sort of far away'),
    ('rest_pain', "no, but it throbs when I'm in bed"),
    ('rest_pain', "doesn't wake me but I can't get to sleep because of it"),
    ('rest_pain', "not at night, it's the sitting at my desk that kills"),
    ('rest_pain', "no, it's constant though"),
    ('weight_bearing', 'yes but only by hopping'),
    ('weight_bearing', 'yeah if I use my crutches'),
    ('weight_bearing', 'sort of, on my tiptoes'),
    ('weight_bearing', 'yes, but I collapse after a few steps'),
    ('injury', 'no injury, but there was a loud crack when it started'),
    ('injury', 'nothing really, I jumped off a wall the day before though'),
    ('injury', 'no. well, I did land hard on it off a kerb'),
    ('injury', 'no, it just went bang during a sprint'),
    ('tendon_gap', "nope. there's a groove though when I run my thumb down it"),
    ('tendon_gap', 'no gap no. it does feel thinner than the other side'),
    ('tendon_gap', 'no, feels normal, apart from a little pit above the bone'),
    ('tendon_gap', "I can't feel one but my GP thought there might be"),
    ('tendon_gap', 'no, it just caves in a bit when I press'),
    ('deformity', "no, except the heel's sort of sunk down"),
    ('deformity', "nope but the bone's definitely sticking out at a weird angle"),
    ('deformity', 'no, just bigger than the other heel'),
    ('deformity', "not really, there's a new lump though"),
    ('infection_signs', "no fever, but I've got red lines going up my leg"),
    ('infection_signs', 'not hot, just weeping a bit from the cracked skin'),
    ('infection_signs', "no, but I've had the chills on and off"),
    ('infection_signs', "not red. feels like it's on fire though"),
    ('infection_signs', "nope, although there's a bit of yellow stuff coming out"),
    ('infection_signs', 'I feel fine apart from being a bit feverish at night'),
    ('diabetes', 'no, borderline type 2 last year though'),
    ('diabetes', "no but my circulation isn't great"),
    ('diabetes', "not me. well, I'm on insulin for my pregnancy"),
    ('diabetes', 'no, but my feet go purple when I sit'),
    ('numbness', 'no, although my toes go dead after a long run'),
    ('numbness', 'nope, except a tingly patch on the side'),
    ('numbness', "no numbness. there's a burning feeling at night tho"),
    ('numbness', 'not really, maybe a bit of pins and needles'),
    ('numbness', "no, it's like an electric shock sometimes"),
    ('rest_pain', "no, not unless I've run that day"),
    ('rest_pain', "doesn't wake me, I just lie there with it throbbing"),
    ('rest_pain', 'nope, well it aches all evening on the sofa'),
    ('rest_pain', 'not usually, but last night I was up with it'),
    ('rest_pain', "it's fine at night, but it's sore all the time otherwise even sitting"),
    ('weight_bearing', 'yes, if you count limping on my toes'),
    ('weight_bearing', 'I can stand but not walk'),
    ('weight_bearing', "barely, I'm using my son's old crutches"),
    ('weight_bearing', 'yes... well, no, not properly'),
    ('weight_bearing', 'only by holding onto the furniture'),
    ('injury', 'no, just a crunch when I landed off the step'),
    ('injury', 'not really, I felt something tear on the hill sprint'),
    ('injury', 'gradual. well there was a twang last week'),
    ('injury', 'no, my wife trod on it but that was after it started'),
])
def test_a_trap_never_records_the_reassuring_value(engine: Engine, question: str,
                                                   text: str) -> None:
    u = engine.language.understand(text, engine.dialog.questions[question], {},
                                   today=date(2025, 5, 14))
    assert u.answer != CALM[question] and u.facts.get(question) != CALM[question]
