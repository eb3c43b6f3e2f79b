"""A typed message on a checklist screen, under the typed-answer safety policy.

- The numbers of the items that apply ("1 4", "2, 3 and 5") tick them and confirm the screen;
  "none", "done" or a plain no confirms it (the items not ticked become no).
- Anything else is read by the language layer once per item, as the answer to that item's
  question: an item said to apply is ticked; an item said clearly not to apply is a no; a red
  flag said with a hedge is asked on its own with buttons, alarming first (policy rule 5);
  facts about other questions are kept as volunteered. The screen stays until every item is
  answered or the user confirms it: nothing is assumed no.
- A bare "yes" cannot say which item: the user is asked to pick; so is a likely yes ("👍",
  "probably"), which a maybe for the whole list would otherwise be.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace

from heel_bot import screen_turns
from heel_bot.dialog_engine import DialogEngine
from heel_bot.language.understand import UNSURE, Understander, Understanding
from heel_bot.model import Question, Screen
from heel_bot.replies import Notice, Reply
from heel_bot.state import MAX_SAID, TYPED, VOLUNTEERED, State

# Item numbers in ASCII digits ("1 3", "1, 3 and 4"): "¹" or "１" name no item.
_NUMBERS = re.compile(r"[0-9]{1,2}(?:\s*(?:,|;|&|\+|and|\s)\s*[0-9]{1,2})*")
_DONE = ("none", "0", "done", "finished", "that's all", "thats all", "that's it", "nope none")


def answer(engine: DialogEngine, language: Understander, state: State, screen: Screen,
           text: str) -> Reply:
    """Apply one typed message to the checklist screen `state` shows."""
    words = " ".join(text.casefold().split()).strip(" .!")
    items = [engine.dialog.questions[q] for q in screen.questions]
    if _NUMBERS.fullmatch(words):
        return _numbers(engine, state, items, words)
    if words in _DONE or words in language.lexicon.deny:
        return screen_turns.confirm(engine, state)
    if words in language.lexicon.wordlist("likely_yes"):
        # "👍", "probably" to the whole list: something applies; which is theirs to say.
        return engine.reply(state, (Notice("ui.screen.which"),), changed=False)
    return _read(engine, language, state, items, text)


def _read(engine: DialogEngine, language: Understander, state: State, items: list[Question],
          text: str) -> Reply:
    """Words other than numbers or a plain none: read once per item."""
    readings = [language.understand(text, q, state.answers, alone=False) for q in items]
    notices = [Notice("ui.emergency")] if any(u.emergency for u in readings) else []
    # An item the words name (not a bare yes or no, which every item reads alike).
    named = {q.slot for q, u in zip(items, readings, strict=True) if q.slot in u.quotes}
    if len(named) > 1:  # words naming two items may be one item's own (read as an opening
        own = language.understand(text, None, state.answers).facts  # only then: ~1 ms)
        named -= _borrowed(own, items, readings, named)
    said = {q.slot: u.answer for q, u in zip(items, readings, strict=True)}
    hedged = _hedged(items, readings)
    if not named and all(v == "yes" for v in said.values()):
        # "yes" to "do any of these apply" does not say which: never guess, never assume no.
        return engine.reply(state, (*notices, Notice("ui.screen.which")), changed=False)
    if hedged is None:
        # "I don't think so" to the whole list: the list once more, nothing assumed.
        return engine.reply(state, (*notices, Notice("ui.screen.unsure")), changed=False)
    if not named and all(v == "no" for v in said.values()):
        return screen_turns.confirm(engine, state, tuple(notices))  # "nope, none of those"
    flags = set(engine.bundle.vocabulary.red_flag_slots)
    if len({s for s in named if said[s] == "no" and s in flags}) > 1 and "yes" not in (
            said[s] for s in named):
        # "it looks normal", "all fine": words that could deny several warning signs at once
        # deny none of them for sure (policy rule 1); each is ticked or confirmed instead.
        return engine.reply(state, (*notices, Notice("ui.screen.generic")), changed=False)
    new = _record(engine, state, items, readings, text, named=named)
    alone = _red_flag(engine, new, hedged, language.careful)
    if alone is not None:
        # Policy rule 5: that one on its own, with buttons, alarming first.
        asked = replace(new, node=alone.id, detour=state.node, confirming=alone.slot,
                        turn=state.turn + 1)
        return engine.reply(asked, (*notices, Notice("ui.confirm")))
    if new.answers == state.answers:
        notices = notices or [Notice("ui.unmatched")]
        return engine.reply(state, tuple(notices), changed=False)
    result = engine.onward(new, state, asked=None)
    if result.node == state.node:
        notices.append(Notice("ui.screen.more"))
    return engine.reply(result, tuple(notices))


def _hedged(items: list[Question], readings: list[Understanding]) -> list[Question] | None:
    """The items said with a hedge; None when the hedge is about the whole list ("I don't
    think so": every item's own reading hedged, none named)."""
    slots = {q.slot for q in items}
    named = {s for q, u in zip(items, readings, strict=True) for s in u.confirm
             if s != q.slot and s in slots}
    own = [q for q, u in zip(items, readings, strict=True)
           if u.answer == UNSURE or q.slot in u.confirm]
    if named:
        return [q for q in items if q.slot in named]
    if own and len(own) == len(items):
        return None
    return own


def _numbers(engine: DialogEngine, state: State, items: list[Question], words: str) -> Reply:
    """Item numbers: tick each, then confirm; a number off the list changes nothing."""
    picked = [int(n) for n in re.findall(r"[0-9]+", words)]
    if picked == [0]:
        return screen_turns.confirm(engine, state)
    if not all(1 <= n <= len(items) for n in picked):
        return engine.reply(state, (Notice("ui.screen.numbers"),), changed=False)
    new = state
    for n in dict.fromkeys(picked):
        q = items[n - 1]
        if new.answers.get(q.slot) != screen_turns.YES:
            new = engine.put(new, q, screen_turns.YES, source=None)
    return screen_turns.confirm(engine, new)


def _record(engine: DialogEngine, state: State, items: list[Question],
            readings: list[Understanding], text: str, *, named: set[str]) -> State:
    """Each item the words name as applying or not, then the facts about other questions
    (volunteered). A bare yes or no in the same message is not taken for the items it does
    not name: in "no, but I can feel a dent" or "no, it looks normal" only the item named
    counts; the others stay open."""
    new = state
    for q, u in zip(items, readings, strict=True):
        if u.answer == "no" and _said_of_another(q, u, items, readings):
            continue
        if q.slot in named and u.answer in ("yes", "no") and q.slot not in u.confirm:
            words = u.quotes.get(q.slot) or " ".join(text.split())
            new = engine.put(new, q, str(u.answer), source=TYPED, said=words[:MAX_SAID])
    on_screen = {q.slot for q in items}
    for slot, value in readings[0].facts.items():
        fq = next((q for q in engine.dialog.questions.values() if q.slot == slot), None)
        if fq is None or slot in on_screen or new.answers.get(slot) == value:
            continue
        new = engine.put(new, fq, value, source=VOLUNTEERED, said=readings[0].quotes.get(slot))
    return new


def _borrowed(own: Mapping[str, str], items: list[Question], readings: list[Understanding],
              named: set[str]) -> set[str]:
    """Items named only by words that are another item's own (`own`: what the words mean
    wherever they are typed): "numb" answers the diabetes question on its own (it asks about
    reduced feeling too), but on a screen that also lists numbness the word ticks numbness,
    and diabetes is left to be asked on its own."""
    spans = {q.slot: {(a, b) for a, b, _ in u.where.get(q.slot, ())}
             for q, u in zip(items, readings, strict=True)}
    return {s for s in named if s not in own and spans[s] and any(
        o != s and o in own and spans[s] <= spans[o] for o in named)}


def _said_of_another(q: Question, u: Understanding, items: list[Question],
                     readings: list[Understanding]) -> bool:
    """Whether the words that deny item `q` are also words of an item said with a hedge, or
    words that say what another item is ("sore when I squeeze but not sharp": the "not sharp"
    is the squeeze's, not a no to sharp pain with every step): they deny nothing for sure, so
    `q` stays open."""
    mine = [(a, b) for a, b, _ in u.where.get(q.slot, ())]
    for other, v in zip(items, readings, strict=True):
        hedged = other.slot in v.confirm
        if other is q or not (hedged or v.answer in ("yes", "no")):
            continue
        if any(a < d and c < b and (hedged or not denied) for a, b in mine
               for c, d, denied in v.where.get(other.slot, ())):
            return True
    return False


def _red_flag(engine: DialogEngine, state: State, hedged: list[Question],
              careful: frozenset[str]) -> Question | None:
    """The first red-flag item (or item read as carefully: the squeeze test) said with a hedge
    and not already alarming."""
    alarming = engine.dialog.alarming
    for q in hedged:
        if q.slot in careful and state.answers.get(q.slot) not in alarming.get(q.slot, ()):
            return q
    return None
