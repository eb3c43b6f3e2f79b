"""The button wire format (heel_bot/tg/codec.py): every press survives encode and decode, and
anything else — forged, truncated, oversized, of another type — decodes to None, which the bot
refuses as stale. The routing patterns send each press only to its own handler."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from heel_bot.tg import codec
from heel_bot.tg.codec import (
    CALLBACK_LIMIT,
    Answer,
    Back,
    Cancel,
    CheckinAnswer,
    Forget,
    LearnMenu,
    Press,
    Remind,
    ScreenDone,
    StartOver,
    Summary,
    Tick,
    Topic,
    Why,
)

KINDS = (Answer, Back, Why, StartOver, Summary, LearnMenu, Topic, Remind, Cancel, Forget,
         CheckinAnswer, Tick, ScreenDone)
# The largest value each field can carry.
BIGGEST = [Answer(999_999_999, 999, 99), Back(999_999_999), Why(999_999_999),
           StartOver(999_999_999), Summary(), LearnMenu(), Topic(99), Remind(99),
           Cancel(999_999_999_999), Forget(True), Forget(False), CheckinAnswer("better"),
           CheckinAnswer("same"), CheckinAnswer("worse"), Tick(999_999_999, 9),
           ScreenDone(999_999_999)]

presses = st.one_of(
    st.builds(Answer, st.integers(0, 999_999_999), st.integers(0, 999), st.integers(0, 99)),
    st.builds(Back, st.integers(0, 999_999_999)),
    st.builds(Why, st.integers(0, 999_999_999)),
    st.builds(StartOver, st.integers(0, 999_999_999)),
    st.just(Summary()), st.just(LearnMenu()),
    st.builds(Topic, st.integers(0, 99)),
    st.builds(Remind, st.integers(0, 99)),
    st.builds(Cancel, st.integers(0, 999_999_999_999)),
    st.builds(Forget, st.booleans()),
    st.builds(CheckinAnswer, st.sampled_from(["better", "same", "worse"])),
    st.builds(Tick, st.integers(0, 999_999_999), st.integers(0, 9)),
    st.builds(ScreenDone, st.integers(0, 999_999_999)),
)


@given(presses)
def test_every_press_survives_a_round_trip(press: Press) -> None:
    data = codec.encode(press)
    assert data.isascii() and 1 <= len(data.encode()) <= CALLBACK_LIMIT
    assert codec.decode(data) == press


@pytest.mark.parametrize("press", BIGGEST, ids=repr)
def test_the_biggest_values_fit_telegrams_limit(press: Press) -> None:
    data = codec.encode(press)
    assert len(data.encode()) <= CALLBACK_LIMIT
    assert codec.decode(data) == press


def test_the_wire_format_is_stable() -> None:
    # Buttons on messages already sent must keep working after an upgrade.
    assert [codec.encode(p) for p in (
        Answer(12, 3, 1), Back(12), Why(12), StartOver(12), Summary(), LearnMenu(), Topic(4),
        Remind(7), Cancel(55), Forget(True), Forget(False), CheckinAnswer("better"),
        CheckinAnswer("same"), CheckinAnswer("worse"), Tick(12, 3), ScreenDone(12))] == [
        "a:12:3:1", "b:12", "w:12", "n:12", "s", "l", "t:4", "r:7", "x:55", "f:y", "f:n",
        "c:b", "c:s", "c:w", "g:12:3", "y:12"]


FORGED = [
    # not ours at all
    "zzz", "", " ", "s ", " s", "S", "ss", "l:1", "q", "?", "\x00", "💥", "\u202es",
    # the right prefix, the wrong shape
    "a", "a:", "a:1", "a:1:0", "a:1:0:0:0", "a:1:0:", "a::0:0", "a:abc:0:0", "a:1:x:0",
    "a:-1:0:0", "a:1:-1:0", "a:+1:0:0", "a:1.0:0:0", "a:1 :0:0", "a:1:0:0\n", "a:0x1:0:0",
    "b", "b:", "b:x", "b:1:2", "w:x", "n:", "n:7:1",
    "t", "t:", "t:x", "t:-1", "t:100", "r", "r:", "r:x", "r:100", "r:-3",
    "x", "x:", "x:notanid", "x:-5", "x:1234567890123",
    "f", "f:", "f:maybe", "f:Y", "f:yes", "f:y:1",
    "c", "c:", "c:q", "c:q:3", "c:s:99", "c:bs", "c:better",
    "g", "g:", "g:1", "g:1:", "g::1", "g:1:x", "g:1:10", "g:1:-1", "g:1:1:1", "g:x:1",
    "y", "y:", "y:x", "y:1:1", "y:-1",
    # numbers longer than any counter the bot keeps
    "a:1234567890:0:0", "a:1:1234:0", "a:1:0:123", "b:" + "9" * 10, "g:1234567890:0",
    "y:" + "9" * 10,
    # over Telegram's 64 bytes
    "a:" + "9" * 70, "s" + " " * 64, "x:1" + "0" * 63,
]


@pytest.mark.parametrize("data", FORGED, ids=repr)
def test_forged_and_malformed_data_decodes_to_nothing(data: str) -> None:
    assert codec.decode(data) is None


@pytest.mark.parametrize("data", [None, 1, 1.5, b"s", b"a:1:0:0", ["s"], {"s": 1}, object()],
                         ids=repr)
def test_data_of_another_type_decodes_to_nothing(data: object) -> None:
    assert codec.decode(data) is None


@pytest.mark.parametrize("data", ["a:\u0661:0:0", "t:\u0663", "r:\uff13", "x:\u096b",
                                  "g:1:\u0663", "y:\uff13"], ids=repr)
def test_non_ascii_digits_decode_to_nothing(data: str) -> None:
    assert codec.decode(data) is None


@given(st.text(max_size=80))
def test_any_text_decodes_to_a_press_that_encodes_back_or_to_nothing(data: str) -> None:
    press = codec.decode(data)
    if press is not None:
        assert codec.decode(codec.encode(press)) == press
        assert len(data.encode()) <= CALLBACK_LIMIT


@pytest.mark.parametrize("press", BIGGEST, ids=repr)
def test_each_press_is_routed_to_its_own_handler_only(press: Press) -> None:
    data = codec.encode(press)
    assert [kind for kind in KINDS if codec.matches(kind)(data)] == [type(press)]


@pytest.mark.parametrize("data", ["zzz", "", "a:1:0:0:0", "f:maybe", "g:1", "y:", None, 7])
def test_forged_data_is_routed_to_no_press_handler(data: object) -> None:
    assert not any(codec.matches(kind)(data) for kind in KINDS)
