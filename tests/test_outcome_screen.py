"""The result on one screen, the details as cards, learn pages, wrapping and help per channel.

The first message's limits are proven over every persona in tests/conversations (through the
replay machinery) and over a sweep of answer sets evaluated by `heel_bot.rules.evaluate`.
"""

from __future__ import annotations

import itertools
import random
import statistics
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from auxil.botapi import finished

from heel_bot import rules
from heel_bot.engine import Engine, State
from heel_bot.model import Bundle
from heel_bot.render import Renderer, to_plain
from heel_bot.render_doc import Block, words, wrap
from heel_bot.render_learn import PAGE_WORDS, pages, paragraphs
from heel_bot.render_outcome import ADVICE_CARD, CARD_WORDS, OutcomeView
from heel_bot.replay import Replayer, files
from heel_bot.rules import Outcome
from heel_bot.session import Session, View
from heel_bot.state import ASSUMED, TYPED
from heel_bot.uikeys import advice_line_key, note_line_key

SCREEN_CHARS = 900
CONVERSATIONS = Path(__file__).parent / "conversations"


# ---------------------------------------------------------------- the outcomes measured


class _Collector(Replayer):
    """A replayer that keeps each finished conversation's state."""

    def __init__(self, engine: Engine) -> None:
        super().__init__(engine)
        self.finished: dict[str, State] = {}
        self.current = ""

    def _expect(self, expect: object, state: State, asked: list[str], text: str | None = None,
                checkin: str | None = None) -> None:
        if state.finished:
            self.finished[self.current] = state
        super()._expect(expect, state, asked, text, checkin)


@pytest.fixture(scope="module")
def personas(engine: Engine) -> dict[str, State]:
    """Every conversation file's finished state, by file name."""
    collector = _Collector(engine)
    for path in files([CONVERSATIONS]):
        collector.current = path.name
        assert collector.run(path).ok, path
    assert len(collector.finished) >= 90
    return collector.finished


def sweep(bundle: Bundle) -> Iterator[tuple[dict[str, str], Outcome]]:
    """Answer sets through rules.evaluate: every combination of the slots that add reasons,
    notes and causes, then random sets over every slot (some slots left unanswered)."""
    slots = bundle.vocabulary.slots
    grid = ("injury", "weight_bearing", "diabetes", "numbness", "infection_signs", "age_group",
            "pain_location", "heel_squeeze", "severity")
    fixed = {"run_pattern": "worsens_during", "trend": "worse", "duration": "over_3_weeks",
             "every_step": "yes", "rest_pain": "yes", "mileage_jump": "yes",
             "shoe_age": "over_500_miles", "tight_calves": "yes", "hard_surface": "yes",
             "morning_pain": "yes"}
    for values in itertools.product(*(slots[s] for s in grid)):
        answers = {**fixed, **dict(zip(grid, values, strict=True))}
        yield answers, rules.evaluate(bundle.vocabulary, bundle.rules, answers)
    rng = random.Random(20261130)
    for _ in range(3000):
        answers = {s: rng.choice(v) for s, v in slots.items() if rng.random() < 0.8}
        yield answers, rules.evaluate(bundle.vocabulary, bundle.rules, answers)


@pytest.fixture(scope="module")
def swept(bundle: Bundle) -> list[tuple[dict[str, str], Outcome]]:
    return list(sweep(bundle))


# ---------------------------------------------------------------- the first screen


def test_the_first_message_fits_a_phone_for_every_persona(engine: Engine, personas) -> None:
    r = Renderer(engine)
    sizes = {}
    for name, state in personas.items():
        reply = replace(engine.show(state), changed=True)  # as the last answer's reply
        # What Telegram sends (no numbers) and the terminal's screen above its choices.
        telegram = to_plain(r.reply(reply, numbered=False))
        assert telegram == to_plain(r.view.screen(engine.outcome(state), state.answers))
        sizes[name] = len(telegram)
    assert max(sizes.values()) <= SCREEN_CHARS, max(sizes.items(), key=lambda kv: kv[1])
    print(f"first message: max {max(sizes.values())}, "
          f"median {statistics.median(sizes.values())} characters over {len(sizes)} personas")


def test_the_first_message_fits_for_every_swept_answer_set(bundle: Bundle, swept) -> None:
    view = OutcomeView(bundle)
    longest = max(swept, key=lambda s: len(to_plain(view.screen(s[1], s[0]))))
    assert len(to_plain(view.screen(longest[1], longest[0]))) <= SCREEN_CHARS, longest[0]


def test_the_screen_has_level_when_why_cause_actions_and_warning_signs(
        engine: Engine, bundle: Bundle, personas) -> None:
    c, view = bundle.content, OutcomeView(bundle)
    for state in personas.values():
        o = engine.outcome(state)
        text = to_plain(view.screen(o, state.answers))
        lv = o.level
        assert text.startswith(f"== {c[o.text(f'level.{lv}.title')]} ==")
        for part in ("brief", "watch"):
            assert c[o.text(f"level.{lv}.{part}")] in text
        assert view.cause_line(o) in text
        assert 1 <= len(view.actions(o)) <= 3
        for key in view.actions(o):
            assert f"- {c[key]}" in text
        if view.reasons(o):
            assert c[f"screen.why.{view.reasons(o)[0].because.split('.')[1]}"] in text
        else:
            assert c["ui.outcome.why_self_care"] in text
        # The watch list: at most five short items.
        watch = c[o.text(f"level.{lv}.watch")]
        assert sum(line.startswith("- ") for line in watch.splitlines()) <= 5


def test_when_to_go_follows_the_case(engine: Engine, bundle: Bundle, swept) -> None:
    c, view = bundle.content, OutcomeView(bundle)
    for answers, o in swept:
        text = to_plain(view.screen(o, answers))
        if o.level == "urgent":
            assert "today" in c["level.urgent.brief"] and c["level.urgent.brief"] in text
        elif o.level == "see_doctor" and answers.get("injury") == "fall_or_impact":
            assert "within a day or two" in text
        elif o.level == "see_doctor":
            assert "next few days" in text
        else:
            assert "2 weeks" in text


def test_self_care_says_why_from_the_answers(engine: Engine, bundle: Bundle, personas) -> None:
    c, view = bundle.content, OutcomeView(bundle)
    state = personas["persona_classic_plantar_fasciitis.yaml"]
    o = engine.outcome(state)
    assert o.level == "self_care"
    line = view.why_lines(o, state.answers)
    assert c["opt.pain_location.bottom_inner"].lower() in line


def test_only_chosen_advice_and_the_notes_that_apply_are_shown(bundle: Bundle, swept) -> None:
    view = OutcomeView(bundle)
    for answers, o in swept:
        lines = set(view.actions(o))
        allowed = {o.text(advice_line_key(a)) for a in o.advice} | {
            note_line_key(n) for n in o.notes}
        assert lines <= allowed, (answers, lines - allowed)
        cards = [card.id for card in view.cards(o)]
        advised = {cid[len(ADVICE_CARD):] for cid in cards if cid.startswith(ADVICE_CARD)}
        assert advised == set(o.advice)
        note_cards = [cid for cid in cards if cid == "notes" or cid.startswith("note:")]
        # One card for every note, or a card each when together they would be too long.
        assert note_cards in ([], ["notes"], [f"note:{i}" for i in range(len(o.notes))])
        assert bool(note_cards) == bool(o.notes)


def test_priorities_keep_off_first_and_diabetes_team(bundle: Bundle, swept) -> None:
    c, view = bundle.content, OutcomeView(bundle)
    for answers, o in swept:
        actions = view.actions(o)
        text = "\n".join(c[k] for k in actions).casefold()
        if "rest" in o.advice and (o.level == "urgent" or {
                "heel_fracture", "calcaneal_stress_fracture", "achilles_rupture"} & set(o.causes)):
            assert actions[0] == "advice.rest.line_until_seen", answers
        if answers.get("diabetes") == "yes":
            assert "diabetes team" in text, answers
            assert "ice" not in o.advice
        suspected = {"heel_fracture", "calcaneal_stress_fracture"} & set(o.causes)
        if suspected:
            every = to_plain([b for card in view.cards(o) if card.id != "summary"
                              for b in view.card(o, card.id)] + view.screen(o, answers))
            for phrase in ("softer ground", "short, easy runs", "10% a week"):
                assert phrase not in every, (answers, phrase)


# ---------------------------------------------------------------- cards


def every_card(engine: Engine, outcomes: list[Outcome]) -> Iterator[tuple[Outcome, str, Any]]:
    view = OutcomeView(engine.bundle)
    for o in outcomes:
        for card in view.cards(o):
            if card.id != "summary":
                yield o, card.id, view.card(o, card.id)


def test_every_card_is_short(engine: Engine, personas, swept) -> None:
    """Every card but the summary (a record to show a clinician, complete on purpose) fits
    CARD_WORDS, over the personas and a sweep that fires many reasons and notes at once."""
    outcomes = [engine.outcome(s) for s in personas.values()] + [o for _, o in swept]
    longest: dict[str, int] = {}
    for _o, cid, doc in every_card(engine, outcomes):
        kind = "advice" if cid.startswith(ADVICE_CARD) else cid
        longest[kind] = max(longest.get(kind, 0), words(doc))
        assert words(doc) <= CARD_WORDS, (cid, words(doc), to_plain(doc))
    assert {"why", "notes", "come_back", "meanwhile", "advice", "cause"} <= set(longest)
    print(f"longest cards: {longest}")


def test_a_long_why_keeps_every_reason_in_short_form(engine: Engine, swept) -> None:
    """When the reasons don't fit in full, the most urgent keep their full text and the rest
    their one-line form: none is dropped while the short forms fit."""
    view = OutcomeView(engine.bundle)
    c = engine.bundle.content
    crowded = max((o for _, o in swept), key=lambda o: len(view.reasons(o)))
    reasons = view.reasons(crowded)
    assert len(reasons) >= 6
    text = to_plain(view.card(crowded, "why"))
    for r in reasons:
        assert c[r.because] in text or c[f"screen.why.{r.because.split('.', 1)[1]}"] in text
    assert c[reasons[0].because] in text or "+ " not in text


def test_cards_have_no_hedges_for_what_was_ruled_out(engine: Engine, bundle: Bundle,
                                                     personas) -> None:
    c = bundle.content
    for _o, cid, doc in every_card(engine, [engine.outcome(s) for s in personas.values()]):
        text = to_plain(doc).casefold()
        if cid.startswith(ADVICE_CARD):
            # Advice is never given with diabetes or reduced feeling where it would need the
            # hedge, and never with a possible tear where the hedge would apply.
            assert "diabetes" not in text, cid
            assert "if a break or a torn tendon is possible" not in text, cid
            assert "might be torn" not in text, cid
    assert "listed for you" not in c["level.self_care.meanwhile"]


def test_ice_card_is_a_cold_pack_while_a_break_is_possible(engine: Engine, bundle: Bundle,
                                                           swept) -> None:
    c, view = bundle.content, OutcomeView(bundle)
    for _answers, o in swept:
        if "ice" not in o.advice:
            continue
        card = to_plain(view.card(o, ADVICE_CARD + "ice"))
        risky = o.level == "urgent" or {"heel_fracture", "calcaneal_stress_fracture",
                                        "achilles_rupture"} & set(o.causes)
        assert (c["advice.ice.cold_pack"] in card) == bool(risky)
        assert ("roll your sole" in card.casefold()) == (not risky)


def test_safety_content_stays_reachable(engine: Engine, bundle: Bundle, swept) -> None:
    c = bundle.content
    r = Renderer(engine)
    for _answers, o in swept[:: 11]:
        everything = to_plain(r.outcome(o))
        for note in o.notes:
            assert c[note] in everything
        for part in ("where", "tell", "meanwhile", "come_back"):
            assert c[o.text(f"level.{o.level}.{part}")] in everything
        if o.level != "self_care":
            assert "ciprofloxacin" in everything


def test_the_summary_card_is_dated_with_the_users_words(engine: Engine, bundle: Bundle) -> None:
    c, r = bundle.content, Renderer(engine)
    qs = engine.dialog.questions
    s = engine.choose(engine.new_state(), "injury", "pop_or_kick").state
    s = engine.put(s, qs["weight_bearing"], "with_pain", source=TYPED, said="it hurts a lot")
    s = engine.put(s, qs["deformity"], "yes", source=ASSUMED)
    o = engine.outcome(s)
    text = to_plain(r.card(o, "summary", s, "2026-11-30"))
    assert c.get("ui.summary.date", date="2026-11-30") in text
    assert c.get("ui.given.said", words="it hurts a lot") in text
    assert c["ui.given.assumed"] in text
    assert "summary" in [card.id for card in r.view.cards(o)]


def test_the_summary_quotes_words_worth_quoting(engine: Engine, bundle: Bundle) -> None:
    """A one-word reply ("yeah") is not quoted in the summary (its answer says as much); a
    reply with a number or several words is; plain noes share one line."""
    c, r = bundle.content, Renderer(engine)
    qs = engine.dialog.questions
    s = engine.new_state()
    s = engine.put(s, qs["injury"], "none", source=TYPED, said="nope")
    s = engine.put(s, qs["weight_bearing"], "yes", source=TYPED, said="yeah")
    s = engine.put(s, qs["deformity"], "no", source=None, said=None)
    s = engine.put(s, qs["tendon_gap"], "no", source=None, said=None)
    s = engine.put(s, qs["duration"], "over_3_weeks", source=TYPED, said="6wks")
    text = to_plain(r.summary(engine.summary(s)))
    assert c.get("ui.given.said", words="yeah") not in text
    assert c.get("ui.given.said", words="6wks") in text
    denied = "; ".join(c[f"q.{q}.short"] for q in ("deformity", "tendon_gap"))
    assert c.get("ui.summary.denied", items=denied) in text


# ---------------------------------------------------------------- learn pages


def test_learn_pages_are_short_and_lose_nothing(bundle: Bundle, engine: Engine) -> None:
    c, r = bundle.content, Renderer(engine)
    for topic in bundle.learn:
        shown = pages(c, topic)
        assert [p for page in shown for p in page] == paragraphs(c, topic)
        for n in range(len(shown)):
            doc = r.topic(topic, n)
            assert words(doc) <= PAGE_WORDS, (topic.id, n, words(doc))
    assert any(r.topic_pages(t) > 1 for t in bundle.learn)


# ---------------------------------------------------------------- the terminal


FALL = {"injury": "fall_or_impact", "weight_bearing": "with_pain", "deformity": "no",
        "tendon_gap": "no", "infection_signs": "no", "diabetes": "yes", "numbness": "no",
        "rest_pain": "no", "age_group": "16_plus", "pain_location": "bottom_center",
        "morning_pain": "no", "run_pattern": "only_after", "heel_squeeze": "no",
        "hard_surface": "no", "every_step": "no", "severity": "moderate", "trend": "same",
        "duration": "under_1_week", "mileage_jump": "no", "shoe_age": "under_300_miles",
        "tight_calves": "no"}


def test_terminal_numbers_open_cards_and_result_comes_back(engine: Engine,
                                                           bundle: Bundle) -> None:
    c = bundle.content
    session = Session(engine, today=lambda: "2026-11-30")
    state = finished(engine, FALL)
    o = engine.outcome(state)
    screen = to_plain(session.current(state))
    cards = session.render.view.cards(o)
    for i, card in enumerate(cards, start=1):
        assert f"{i}. {card.label}" in screen
    notes = session.handle(state, "1")
    assert cards[0].id == "notes" and c["note.fall"] in to_plain(notes.doc)
    assert notes.view == View("card") and notes.state == state
    by_name = session.handle(state, cards[1].label.upper())
    assert c[o.text(f"advice.{cards[1].id.split(':')[1]}.howto")] in to_plain(by_name.doc)
    summary = session.handle(state, str(len(cards)))
    assert c.get("ui.summary.date", date="2026-11-30") in to_plain(summary.doc)
    again = session.handle(state, "result", notes.view)
    assert to_plain(again.doc) == screen
    undo = session.handle(state, str(len(cards) + 3))  # learn, start again, undo
    assert not undo.state.finished and undo.command == "back"


def test_terminal_learn_pages_more_back_home(engine: Engine, bundle: Bundle) -> None:
    session = Session(engine)
    state = engine.new_state()
    menu = session.handle(state, "learn")
    assert menu.view == View("learn")
    long = next(i for i, t in enumerate(bundle.learn) if session.render.topic_pages(t) > 1)
    first = session.handle(state, str(long + 1), menu.view)
    assert first.view == View("topic", long, 0)
    second = session.handle(state, "more", first.view)
    assert second.view == View("topic", long, 1)
    assert to_plain(second.doc) != to_plain(first.doc)
    assert session.handle(state, "back", second.view).view == View("learn")
    home = session.handle(state, "home", second.view)
    assert home.view is None
    assert bundle.content["q.injury.text"] in to_plain(home.doc)


def test_help_fits_the_channel(bundle: Bundle) -> None:
    terminal, telegram = bundle.content["ui.help"].casefold(), bundle.content[
        "ui.help_buttons"].casefold()
    assert "tap" not in terminal and "button" not in terminal
    assert "number" not in telegram


def test_wrap_keeps_hanging_indents() -> None:
    text = ("Intro line that is rather long and must be wrapped somewhere.\n"
            "- a bullet that is long enough to need a second line here\n"
            "12. a numbered choice that is long enough to wrap as well\n\nend")
    out = wrap(text, 30)
    lines = out.split("\n")
    assert all(len(line) <= 30 for line in lines)
    assert "" in lines and lines[-1] == "end"
    bullet = lines.index(next(x for x in lines if x.startswith("- ")))
    assert lines[bullet + 1].startswith("  ") and not lines[bullet + 1].startswith("   ")
    numbered = lines.index(next(x for x in lines if x.startswith("12. ")))
    assert lines[numbered + 1].startswith("    ") and lines[numbered + 1][4] != " "
    assert " ".join(out.split()) == " ".join(text.split())
    assert wrap(text, 0) == text


def test_chat_wraps_to_the_width_given(engine: Engine) -> None:
    import io

    from heel_bot import cli

    args = cli.build_parser().parse_args(["chat"])
    out = io.StringIO()
    assert cli.cmd_chat(args, io.StringIO("1\n"), out, width=40) == 0
    assert max(len(line) for line in out.getvalue().splitlines()) <= 40
    assert Block("text", "x") == Block("text", "x")
