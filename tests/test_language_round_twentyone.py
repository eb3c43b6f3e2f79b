"""Round twenty-one (blind sets AY, AZ and BA, read first with the learned second opinion):
what their first sight showed the rules missing, as cases."""

from __future__ import annotations

import pytest
from auxil.reading import read

from heel_bot.engine import Engine


@pytest.mark.parametrize(("question", "text"), [
    ("rest_pain", "it's not like it never wakes me up"),
    ("rest_pain", "not that it never wakes me"),
    ("numbness", "not as if it never tingles"),
])
def test_a_denied_never_is_confirmed_not_a_no(engine: Engine, question: str,
                                               text: str) -> None:
    u = read(engine, text, question)
    assert u.answer is None and question in u.confirm


def test_a_plain_never_is_still_a_no(engine: Engine) -> None:
    assert read(engine, "no it never wakes me", "rest_pain").answer == "no"
