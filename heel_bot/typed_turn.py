"""A typed message applied to a conversation: the answer, the facts volunteered, the red flags.

What the message says comes from the language layer (heel_bot/language/); this module applies the
safety policy's consequences to the state:
- facts volunteered out of turn are kept (undoable, marked as volunteered) and not asked blind
  again; an affirmed red flag counts at once and ends the check if it makes it urgent;
- a hedged red flag is asked again with buttons; hedged a second time, the safer value is
  taken and marked *assumed*; a red flag hedged out of turn is brought forward;
- an emergency sign gets its notice whatever else happens;
- a message that says nothing usable gets one short line, and the state is unchanged;
- before the outcome, the answers taken from typed text are read back (the engine).
"""

from __future__ import annotations

from dataclasses import replace

from heel_bot import screen_typed
from heel_bot.dialog_engine import DialogEngine as Engine
from heel_bot.language.understand import UNSURE, Understander, Understanding
from heel_bot.model import OUTCOME, READBACK, Question
from heel_bot.replies import Notice, Reply
from heel_bot.state import ASSUMED, MAX_SAID, TYPED, VOLUNTEERED, State


def answer(engine: Engine, language: Understander, state: State, text: str) -> Reply:
    """Apply one typed message to `state`."""
    if state.node == READBACK:
        return _readback(engine, language, state, text)
    screen = engine.screen(state)
    if screen is not None:
        return screen_typed.answer(engine, language, state, screen, text)
    q = engine.dialog.questions.get(state.node)
    u = language.understand(text, q, state.answers)
    notices = [Notice("ui.emergency")] if u.emergency else []
    if q is None:
        return _after_outcome(engine, state, u, notices)
    if not (u.facts or u.confirm or u.answer is not None):
        # Nothing to record: one short line (the emergency notice, or "didn't catch that").
        notices = notices or [Notice("ui.unmatched")]
        return engine.reply(state, tuple(notices), changed=False)
    new = _volunteer(engine, state, u, skip=q.slot)
    new, asked, more = _asked(engine, new, q, u, text)
    notices += more
    if (asked is None and new.answers == state.answers and new.confirming == state.confirming
            and not any(s != q.slot for s in u.confirm)):
        return engine.reply(state, tuple(notices), changed=False)  # e.g. "not sure", no default
    onward = engine.onward(new, state, asked=asked)
    result = _bring_forward(engine, onward, u, q.slot)
    if result.node != state.node and result.node not in (OUTCOME, READBACK) and any(
            n.key == "ui.confirm" for n in notices):
        notices = [n for n in notices if n.key != "ui.confirm"]
    if result.node != onward.node:
        notices.append(Notice("ui.safety_net"))  # a red flag brought forward out of turn
    answered = (q.id, new.answers[q.slot]) if asked is not None else None
    return engine.reply(result, tuple(notices), answered=answered)


def opening(engine: Engine, language: Understander, text: str) -> Reply:
    """A first message: facts it volunteers are kept; the check starts where they leave it."""
    start = engine.new_state()
    u = language.understand(text, None, {})
    notices = (Notice("ui.emergency"),) if u.emergency else ()
    new = _volunteer(engine, start, u, skip=None)
    if new is start:
        return engine.reply(start, notices)
    result = _bring_forward(engine, engine.onward(new, start, asked=None), u, None)
    return engine.reply(result, (*notices, Notice("ui.opening_kept")))


def _volunteer(engine: Engine, state: State, u: Understanding, skip: str | None) -> State:
    """Record the facts the message volunteers (never the asked slot: that is the answer)."""
    for slot, value in u.facts.items():
        fq = _question_of(engine, slot)
        if slot == skip or fq is None:
            continue
        state = engine.put(state, fq, value, source=VOLUNTEERED, said=u.quotes.get(slot),
                           aside=skip is not None)
    return state


def _asked(engine: Engine, state: State, q: Question, u: Understanding,
           text: str) -> tuple[State, Question | None, list[Notice]]:
    """The asked question's answer: recorded, confirmed with buttons, or taken as assumed."""
    if u.answer not in (None, UNSURE) and u.exact:
        return engine.put(state, q, u.answer, source=None), q, []  # as good as a press
    if u.answer not in (None, UNSURE):
        said = u.quotes.get(q.slot) or " ".join(text.split())
        return engine.put(state, q, u.answer, source=TYPED, said=said[:MAX_SAID]), q, []
    red = q.slot in engine.bundle.vocabulary.red_flag_slots
    hedged = u.answer == UNSURE or q.slot in u.confirm
    if not hedged:
        return state, None, []
    if red and state.confirming != q.slot:
        # Policy rule 5: the buttons once more, alarming first, before anything is assumed.
        return replace(state, confirming=q.slot), None, [Notice("ui.confirm")]
    if q.if_unsure is None:
        return state, None, [Notice("ui.unsure_pick")]
    label = engine.bundle.content[_label(q, q.if_unsure)]
    new = engine.put(state, q, q.if_unsure, source=ASSUMED)
    return new, q, [Notice("ui.unsure_assumed", {"label": label})]


def _bring_forward(engine: Engine, state: State, u: Understanding, asked: str | None) -> State:
    """A red flag hedged out of turn is asked next (then the check returns where it was)."""
    if state.node == OUTCOME and engine.outcome(state).level == engine.bundle.vocabulary.levels[0]:
        return state
    alarming = engine.dialog.alarming
    for slot in u.confirm:
        fq = _question_of(engine, slot)
        if slot == asked or fq is None or state.answers.get(slot) in alarming.get(slot, ()):
            continue
        # Hedged out of turn (even if answered calmly before): that question next.
        return replace(state, node=fq.id, detour=state.detour or state.node)
    return state


def _after_outcome(engine: Engine, state: State, u: Understanding,
                   notices: list[Notice]) -> Reply:
    """After the outcome a red flag typed still counts: its question is asked again."""
    alarming = engine.dialog.alarming
    for slot in (*u.facts, *u.confirm):
        fq = _question_of(engine, slot)
        if fq is None or slot not in engine.bundle.vocabulary.red_flag_slots:
            continue
        if state.answers.get(slot) in alarming.get(slot, ()):
            continue
        if slot in u.facts and u.facts[slot] not in alarming.get(slot, ()):
            continue
        new = replace(state, node=fq.id, detour=OUTCOME, turn=state.turn + 1)
        return engine.reply(new, (*notices, Notice("ui.safety_net")))
    return engine.reply(state, (*notices, Notice("ui.finished")), changed=False)


def _readback(engine: Engine, language: Understander, state: State, text: str) -> Reply:
    """At the read-back: "that's right" (the lexicon's yes and okay words), or the number of
    an answer to change."""
    words = " ".join(text.casefold().split()).strip(" .!")
    lexicon = language.lexicon
    if words in lexicon.affirm or words in lexicon.words.get("acknowledge", ()):
        return engine.readback_ok(state)
    items = engine.given(state, typed_only=True)
    number = words.removeprefix("change ").removeprefix("#").strip()
    if number.isascii() and number.isdigit() and 1 <= int(number) <= len(items):
        return engine.readback_change(state, items[int(number) - 1].question.id)
    return engine.reply(state, (Notice("ui.readback_unmatched"),), changed=False)


def _question_of(engine: Engine, slot: str) -> Question | None:
    return next((q for q in engine.dialog.questions.values() if q.slot == slot), None)


def _label(q: Question, value: str) -> str:
    opt = q.option(value)
    assert opt is not None
    return opt.label
