"""Properties of whole conversations, and an independent oracle over every path of the dialog.

1. Random sequences of actions (button presses, typed text of every kind, red-flag signs typed
   out of turn, affirmed or hedged, commands, stale or forged button presses) never raise
   anything unexpected, always leave a valid state that can still reach an outcome (through
   the read-back of typed answers), undo exactly, and never let a red flag's level drop unless
   that answer itself is undone.
2. The oracle re-implements the specification's red-flag and escalation rules from
   shared/clinical/symptom-model.md (not from rules.yaml), walks every path of the dialog with
   `choose` (on a checklist screen: every combination of ticks, then done), and checks that no
   outcome is less urgent than the specification demands, that no path ends while an unasked
   question could still demand more, that flagged causes are named, and that nothing
   stretches or loads a suspected tear or break.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from heel_bot import rules as rules_mod
from heel_bot import screen_turns
from heel_bot.engine import MAX_HISTORY, Engine, Reply, State
from heel_bot.errors import StateError
from heel_bot.model import READBACK, Bundle
from heel_bot.session import Session

# ---------------------------------------------------------------- random conversations

ODD_TEXTS = [
    "", " ", "x" * 10_000, "yes" + " " * 9_997, "😀🦶🔥", "👍", "👎", "\u202eyes\u202c",
    "\u200f\u200e", "\x00\x01\x02", "\u2066no\u2069", "نعم", "כן", "不", "?", "not sure",
    "i don't know", "not numb", "no", "yes", "1", "2", "3", "4", "0", "99", "#2", "option 1",
    "maybe", "it popped", "I can't walk", "it's misshapen", "I have a fever", "it's numb",
    "I'm diabetic", "it wakes me at night", "back", "/back", "/back@somebot", "restart",
    "/restart", "/start", "why", "summary", "help", "learn", "learn shoes", "learn 99",
    "the back of my heel", "under the heel", "all around", "getting worse", "{n}", "{}",
    "<b>bold</b> & co", "a" * 501, "ok", "hmm", "yes, that's right", "change 1",
    "I'm diabetic and it's been 6 weeks", "my foot is cold and blue",
]


@dataclass(frozen=True)
class Choose:
    index: int  # of the current question's options


@dataclass(frozen=True)
class Type:
    text: str


@dataclass(frozen=True)
class Back:
    pass


@dataclass(frozen=True)
class Tick:
    index: int  # of the shown checklist screen's items


@dataclass(frozen=True)
class Done:
    pass


@dataclass(frozen=True)
class Restart:
    pass


@dataclass(frozen=True)
class Forge:
    question: str
    value: str


# Red-flag signs as people type them (from the symptom model, not from dialogs/language.yaml),
# with the answer each means; each is also typed hedged. Affirmed they count at once; hedged,
# their question is asked next (policy rules 1, 4 and 5).
RED_FLAG_SIGNS: dict[str, tuple[str, str]] = {
    "it popped": ("injury", "pop_or_kick"),
    "I felt a snap": ("injury", "pop_or_kick"),
    "I'm on crutches now": ("weight_bearing", "no"),
    "it looks misshapen": ("deformity", "yes"),
    "there's a dent in the tendon": ("tendon_gap", "yes"),
    "I have a fever": ("infection_signs", "yes"),
    "it's red and hot": ("infection_signs", "yes"),
    "I'm diabetic": ("diabetes", "yes"),
    "it's gone numb": ("numbness", "yes"),
    "I get pins and needles": ("numbness", "yes"),
    "it wakes me at night": ("rest_pain", "yes"),
    "it's for my son, he's 12": ("age_group", "under_16"),
}
HEDGED_SIGNS = {f"I think {t[0].lower()}{t[1:]}": sign for t, sign in RED_FLAG_SIGNS.items()}
RED_FLAG_WORDS = [*RED_FLAG_SIGNS, *HEDGED_SIGNS]


def actions(bundle: Bundle) -> st.SearchStrategy[object]:
    qids = [*bundle.dialog.questions, "outcome", READBACK, "nowhere", ""]
    values = sorted({v for vs in bundle.vocabulary.slots.values() for v in vs} | {"", "maybe"})
    text = st.one_of(st.sampled_from(ODD_TEXTS), st.text(max_size=40),
                     st.text(alphabet=st.characters(codec="utf-8"), max_size=12))
    # Weighted by repetition: mostly answers, often red-flag signs typed out of turn.
    return st.one_of(
        st.builds(Choose, st.integers(0, 3)),
        st.builds(Choose, st.integers(0, 3)),
        st.builds(Choose, st.integers(0, 3)),
        st.builds(Tick, st.integers(0, 5)),
        st.builds(Tick, st.integers(0, 5)),
        st.builds(Done),
        st.builds(Type, st.sampled_from(RED_FLAG_WORDS)),
        st.builds(Type, st.sampled_from(RED_FLAG_WORDS)),
        st.builds(Type, text),
        st.builds(Type, text),
        st.builds(Back),
        st.builds(Restart),
        st.builds(Forge, st.sampled_from(qids), st.sampled_from(values)),
    )


def red_flag_floor(bundle: Bundle, recorded: list[tuple[str, str]]) -> int:
    """The rank of the most urgent level any recorded red-flag answer reaches on its own."""
    vocab = bundle.vocabulary
    worst = vocab.rank(vocab.least_urgent)
    for slot, value in recorded:
        if slot in vocab.red_flag_slots:
            level, _ = rules_mod.triage(vocab, bundle.rules, {slot: value})
            worst = min(worst, vocab.rank(level))
    return worst


def same_place(a: State, b: State) -> bool:
    """Equal but for the turn counter (and a red flag still to confirm: undo asks it afresh; and
    the progress bound, which never grows, so going back keeps the smaller one)."""
    return (replace(a, turn=0, confirming=None, most=0)
            == replace(b, turn=0, confirming=None, most=0))


def same_answers(a: State, b: State) -> bool:
    """The same answers, from the same sources in the same words, undoable the same way."""
    return (a.answers, a.sources, a.said, a.history) == (b.answers, b.sources, b.said, b.history)


@dataclass(frozen=True)
class Undo:
    """One history entry as the test expects `back` to undo it."""

    before: State  # the state before the turn that recorded it
    answer: tuple[str, str]  # (slot, value) recorded
    exact: bool  # the turn recorded only this answer: back restores `before` exactly
    first: bool  # the first entry of its turn: undoing it restores `before`'s answers


class Conversation:
    """Applies actions and checks every invariant after each one."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.bundle = engine.bundle
        self.session = Session(engine)
        self.state = engine.start().state
        # Per history entry that can still be undone, what undoing it restores; answers too old
        # to undo (history is bounded) stay in `kept`.
        self.undo: list[Undo] = []
        self.kept: list[tuple[str, str]] = []
        self.most = self.state.most  # the progress bound shown: never grows (but on restart)

    def recorded(self) -> list[tuple[str, str]]:
        return [*self.kept, *(u.answer for u in self.undo)]

    def level(self, state: State) -> int:
        return self.bundle.vocabulary.rank(self.engine.summary(state).level)

    def apply(self, action: object) -> None:
        e, before = self.engine, self.state
        snapshot = before.to_json()
        if isinstance(action, Back):
            reply = e.back(before)
            if before.history:
                # One entry, or a whole checklist screen (its ticks and the noes of "done").
                undone = len(before.history) - len(reply.state.history)
                assert undone >= 1
                if undone > 1:
                    screen = e.dialog.screen_of(before.history[-1].question)
                    assert screen is not None
                    assert all(h.question in screen.questions
                               for h in before.history[-undone:])
                popped = [self.undo.pop() for _ in range(undone)]
                undo = popped[-1]
                if undo.exact and undone == 1:
                    assert same_place(reply.state, undo.before), (reply.state, undo.before)
                elif undo.first:
                    assert same_answers(reply.state, undo.before), (reply.state, undo.before)
            elif before.detour is not None:
                assert reply.state.node == before.detour
                assert reply.state.answers == before.answers
            else:
                assert reply.state == before
            self.state = reply.state
        elif isinstance(action, Restart):
            reply = e.restart(before)
            assert same_place(reply.state, e.new_state())
            self.undo.clear()
            self.kept.clear()
            self.state = reply.state
            self.most = reply.state.most
        elif isinstance(action, Tick | Done):
            screen = e.screen(before)
            if screen is None:
                with pytest.raises(StateError):
                    if isinstance(action, Tick):
                        e.tick(before, "deformity")
                    else:
                        e.screen_done(before)
                assert before.to_json() == snapshot
                return
            if isinstance(action, Done):
                reply = e.screen_done(before)
                # nothing is left open: every item not ticked became no
                assert all(e.dialog.questions[i].slot in reply.state.answers
                           for i in screen.questions)
                self.record(before, reply)
            else:
                qid = screen.questions[action.index % len(screen.questions)]
                slot = e.dialog.questions[qid].slot
                reply = e.tick(before, qid)
                assert reply.state.node == before.node  # the screen stays
                if before.answers.get(slot) == "yes":
                    # The tick taken back: its last answer is undone, wherever it is.
                    at = max(i for i, h in enumerate(before.history) if h.question == qid)
                    assert len(reply.state.history) == len(before.history) - 1
                    assert reply.state.answers.get(slot) == before.history[at].previous
                    del self.undo[at]
                    self.state = reply.state
                else:
                    assert reply.state.answers[slot] == "yes"
                    self.record(before, reply)
        elif isinstance(action, Forge | Choose):
            if isinstance(action, Choose):
                q = e.dialog.questions.get(before.node)
                opts = q.options if q else ()
                qid = before.node
                value = opts[action.index % len(opts)].value if opts else "yes"
            else:
                qid, value = action.question, action.value
            q = e.dialog.questions.get(qid)
            valid = (q is not None and before.node == qid and q.option(value) is not None
                     and e.screen(before) is None)
            if not valid:
                with pytest.raises(StateError):
                    e.choose(before, qid, value)
                assert before.to_json() == snapshot  # nothing changed
                return
            self.record(before, e.choose(before, qid, value))
        else:
            assert isinstance(action, Type)
            turn = self.session.handle(before, action.text)
            assert turn.doc  # always something to show
            if turn.command in ("back", "restart", "start"):
                # Typed commands must behave like the buttons.
                self.state = before
                self.apply(Back() if turn.command == "back" else Restart())
                assert same_place(turn.state, self.state)
                self.state = turn.state
                return
            if turn.reply is None:
                assert turn.state == before  # why, summary, help, learn, quit
            else:
                self.record(before, turn.reply)
        self.check()

    def recorded_by(self, before: State, reply: Reply) -> list[tuple[str, str]]:
        """What a turn recorded, in order: the facts it volunteered, then the answer."""
        answer: list[tuple[str, str]] = []
        if reply.answered is not None:
            qid, value = reply.answered
            answer = [(self.engine.dialog.questions[qid].slot, value)]
        facts = [(slot, value) for slot, value in reply.state.answers.items()
                 if (slot, value) not in answer and before.answers.get(slot) != value]
        return [*facts, *answer]

    def record(self, before: State, reply: Reply) -> None:
        if reply.changed:
            assert reply.state.turn == before.turn + 1
        else:
            assert reply.state == before
        answers = self.recorded_by(before, reply)
        for i, answer in enumerate(answers):
            self.undo.append(Undo(before, answer, exact=len(answers) == 1 and reply.answered
                                  is not None, first=i == 0))
            if len(self.undo) > MAX_HISTORY:
                self.kept.append(self.undo.pop(0).answer)
        floor = red_flag_floor(self.bundle, self.recorded())
        assert self.level(reply.state) <= floor, (
            "the level dropped below a recorded red flag", before, reply.state)
        if reply.state.finished:
            assert reply.outcome is not None
        elif reply.state.node == READBACK:
            assert reply.readback
            assert all(g.source is not None for g in reply.readback)
            assert reply.question is None and reply.outcome is None
        else:
            assert reply.question is not None
            assert reply.question.id == reply.state.node
        self.state = reply.state

    def check(self) -> None:
        s = self.state
        assert self.engine.check_state(s) == s
        # "Step N of at most M": M never grows, and N is never past it.
        assert s.most <= self.most or not self.most, (s.most, self.most)
        self.most = s.most or self.most
        if s.node in self.engine.dialog.questions:
            n, most = self.engine.progress(s)
            assert 1 <= n <= most <= self.most
        assert self.engine.restore(s.to_json()) == s
        assert len(self.undo) == len(s.history)
        floor = red_flag_floor(self.bundle, self.recorded())
        assert self.level(s) <= floor

    def finish(self) -> None:
        """Choose first options (and confirm a read-back) until the outcome: the conversation
        can always end."""
        e = self.engine
        for _ in range(2 * len(e.dialog.questions) + 4):
            if self.state.finished:
                break
            if self.state.node == READBACK:
                self.apply(Type("yes"))  # that's right: on to the outcome
                continue
            q = e.dialog.questions[self.state.node]
            self.apply(Done() if e.screen(self.state) is not None else Choose(0))
            assert self.state.node != q.id or self.state.finished
        assert self.state.finished
        assert e.outcome(self.state).level in self.bundle.vocabulary.levels


@settings(deadline=None, max_examples=250, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
@pytest.mark.slow
def test_random_conversations(engine: Engine, bundle: Bundle, data: st.DataObject) -> None:
    conversation = Conversation(engine)
    for action in data.draw(st.lists(actions(bundle), max_size=40), label="actions"):
        conversation.apply(action)
    conversation.finish()


@settings(deadline=None, max_examples=120, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(presses=st.lists(st.one_of(st.builds(Choose, st.integers(0, 3)),
                                  st.builds(Tick, st.integers(0, 5)), st.builds(Done),
                                  st.builds(Back)), max_size=60))
def test_progress_bound_never_grows_over_button_paths(engine: Engine,
                                                      presses: list[object]) -> None:
    """Buttons only (options, ticks, done, back): "Step N of at most M" never shows an M
    larger than one shown before, nor an N past M, and the path ends within the first M."""
    state = engine.new_state()
    _, first = engine.progress(state)
    most, steps = first, 0
    for pressed in [*presses, *[None] * 40]:
        if state.finished:
            break
        screen = engine.screen(state)
        # when the presses have run out: on to the outcome
        press = pressed or (Done() if screen is not None else Choose(0))
        if isinstance(press, Back):
            state = engine.back(state).state
        elif screen is not None and isinstance(press, Tick):
            state = engine.tick(state, screen.questions[press.index % len(screen.questions)]).state
        elif screen is not None and isinstance(press, Done):
            state = engine.screen_done(state).state
            steps += 1
        elif screen is None and isinstance(press, Choose):
            q = engine.dialog.questions[state.node]
            state = engine.choose(state, q.id, q.options[press.index % len(q.options)].value).state
            steps += 1
        else:
            continue
        if not state.finished and state.node in engine.dialog.questions:
            n, bound = engine.progress(state)
            assert 1 <= n <= bound <= most, (n, bound, most)
            assert state.most == bound
            most = bound
    assert state.finished


def test_every_red_flag_typed_out_of_turn_keeps_the_red_flags(engine: Engine,
                                                                bundle: Bundle) -> None:
    """Every answer to every red-flag question (on the path of calm answers), every red-flag
    sign typed after it (affirmed: recorded at once; hedged: asked next), and every answer to
    a question it brings forward."""
    failures: list[str] = []
    detours = 0

    def check(state: State, recorded: list[tuple[str, str]], what: str) -> None:
        floor = red_flag_floor(bundle, recorded)
        if bundle.vocabulary.rank(engine.summary(state).level) > floor:
            failures.append(what)

    def probe(state: State, recorded: list[tuple[str, str]]) -> None:
        nonlocal detours
        for words in RED_FLAG_WORDS:
            reply = engine.answer(state, words)
            after = reply.state
            got = [*recorded, *((k, v) for k, v in after.answers.items()
                                if state.answers.get(k) != v)]
            check(after, got, f"{recorded} then {words!r}")
            if words in RED_FLAG_SIGNS:
                slot, value = RED_FLAG_SIGNS[words]
                if after.answers.get(slot) != value:
                    failures.append(f"{recorded} then {words!r}: {slot} is "
                                    f"{after.answers.get(slot)}, not {value}")
            else:
                slot, value = HEDGED_SIGNS[words]
                if after.answers.get(slot) not in (state.answers.get(slot), value):
                    failures.append(f"{recorded} then {words!r}: {slot} set to "
                                    f"{after.answers.get(slot)} from a hedge")
                asked = engine.dialog.questions.get(after.node)
                if slot not in after.answers and (asked is None or asked.slot != slot):
                    failures.append(f"{recorded} then {words!r}: {slot} not asked next")
            if after.detour is None or after.node == state.node or after.finished:
                continue
            detours += 1
            q = engine.dialog.questions[after.node]
            for opt in q.options:
                answered = engine.choose(after, q.id, opt.value).state
                check(answered, [*got, (q.slot, opt.value)],
                      f"{recorded} then {words!r}, {q.slot}={opt.value}")

    def visit(state: State, recorded: list[tuple[str, str]]) -> None:
        # Every answer to every red-flag question, on the path of calm answers; on a checklist
        # screen every answer to each item (the rest still open), then "none of these".
        probe(state, recorded)
        q = engine.dialog.questions.get(state.node)
        while q is not None and q.section == "red_flags":
            screen = engine.screen(state)
            if screen is not None:
                items = [engine.dialog.questions[i] for i in screen.questions]
                for item in items:
                    for opt in item.options:
                        after = screen_turns.give(engine, state, item.id, opt.value).state
                        if not after.finished:
                            probe(after, [*recorded, (item.slot, opt.value)])
                state = engine.screen_done(state).state
                recorded = [*recorded, *((i.slot, "no") for i in items)]
                probe(state, recorded)
                q = engine.dialog.questions.get(state.node)
                continue
            for opt in q.options:
                after = engine.choose(state, q.id, opt.value).state
                if not after.finished:
                    probe(after, [*recorded, (q.slot, opt.value)])
            calm = next(o.value for o in q.options
                        if o.value not in engine.dialog.alarming.get(q.slot, ()))
            state = engine.choose(state, q.id, calm).state
            recorded = [*recorded, (q.slot, calm)]
            q = engine.dialog.questions.get(state.node)

    visit(engine.new_state(), [])
    assert not failures, "\n".join(failures[:10])
    assert detours > 0  # the hedged signs did bring questions forward


@settings(deadline=None, max_examples=150, derandomize=True)
@given(text=st.text(max_size=300))
def test_any_text_at_any_question(engine: Engine, text: str) -> None:
    session = Session(engine)
    for qid in engine.dialog.questions:
        state = State(engine.version, qid)
        turn = session.handle(state, text)
        engine.check_state(turn.state)


# ---------------------------------------------------------------- the oracle

URGENT, SEE_DOCTOR, SELF_CARE = 0, 1, 2
LEVELS = ("urgent", "see_doctor", "self_care")

# The specification's rules, transcribed from shared/clinical/symptom-model.md: each is a
# level and the answers that trigger it (every listed slot must have one of its values).
SPEC_RULES: list[tuple[int, dict[str, set[str]]]] = [
    # Red-flag screen.
    (URGENT, {"injury": {"pop_or_kick"}}),
    (URGENT, {"injury": {"fall_or_impact"}, "weight_bearing": {"no"}}),
    (URGENT, {"injury": {"fall_or_impact"}, "deformity": {"yes"}}),
    (SEE_DOCTOR, {"injury": {"fall_or_impact"}}),
    (URGENT, {"weight_bearing": {"no"}}),
    (URGENT, {"deformity": {"yes"}}),
    (URGENT, {"infection_signs": {"yes"}}),
    (SEE_DOCTOR, {"diabetes": {"yes"}}),
    (URGENT, {"diabetes": {"yes"}, "infection_signs": {"yes"}}),
    (SEE_DOCTOR, {"numbness": {"yes"}}),
    (SEE_DOCTOR, {"rest_pain": {"yes"}}),
    (SEE_DOCTOR, {"age_group": {"under_16"}}),
    # Escalation beyond the red flags.
    (SEE_DOCTOR, {"every_step": {"yes"}}),
    (SEE_DOCTOR, {"severity": {"severe"}}),
    (SEE_DOCTOR, {"trend": {"worse"}}),
    (SEE_DOCTOR, {"duration": {"over_3_weeks"}, "trend": {"same", "worse"}}),
    (SEE_DOCTOR, {"heel_squeeze": {"yes"}}),
    (SEE_DOCTOR, {"pain_location": {"whole_heel"}, "run_pattern": {"worsens_during"}}),
]

# Causes the specification names for a red flag or escalation.
SPEC_CAUSES: list[tuple[str, dict[str, set[str]]]] = [
    ("achilles_rupture", {"injury": {"pop_or_kick"}}),
    ("heel_fracture", {"injury": {"fall_or_impact"}}),
    ("infection", {"infection_signs": {"yes"}}),
    ("nerve_entrapment", {"numbness": {"yes"}}),
    ("sever_disease", {"age_group": {"under_16"}}),
    ("calcaneal_stress_fracture", {"heel_squeeze": {"yes"}}),
    ("calcaneal_stress_fracture", {"pain_location": {"whole_heel"},
                                   "run_pattern": {"worsens_during"}}),
]

TEAR_OR_BREAK = {"achilles_rupture", "heel_fracture", "calcaneal_stress_fracture"}
NO_STRETCH_OR_LOAD = {"calf_stretch", "plantar_stretch", "eccentric_heel_drops"}


def holds(cond: Mapping[str, set[str]], answers: Mapping[str, str]) -> bool:
    return all(answers.get(slot) in values for slot, values in cond.items())


def could_still_hold(cond: Mapping[str, set[str]], answers: Mapping[str, str]) -> bool:
    """Whether unasked questions could still make `cond` hold."""
    return all(slot not in answers or answers[slot] in values for slot, values in cond.items())


def oracle_level(answers: Mapping[str, str]) -> int:
    return min((level for level, cond in SPEC_RULES if holds(cond, answers)), default=SELF_CARE)


def test_oracle_sanity() -> None:
    assert oracle_level({}) == SELF_CARE
    assert oracle_level({"injury": "fall_or_impact"}) == SEE_DOCTOR
    assert oracle_level({"injury": "fall_or_impact", "deformity": "yes"}) == URGENT
    assert oracle_level({"duration": "over_3_weeks", "trend": "improving"}) == SELF_CARE


@pytest.mark.slow
def test_every_path_meets_the_specification(engine: Engine, bundle: Bundle) -> None:
    """Every path through the red flags and the pain questions; the training questions (which
    the specification says shape the advice, not the level) on every path of theirs where a
    tear or break is suspected, and one combination per path, taken in turn, elsewhere: all
    ~145 000 paths would take several times longer for little more."""
    vocab = bundle.vocabulary
    assert vocab.levels == LEVELS
    stats = {"paths": 0, "longest": 0, "sampled": 0}
    failures: list[str] = []

    def fail(path: list[str], message: str) -> None:
        if len(failures) < 10:
            failures.append(f"{message} on the path {', '.join(path)}")

    def at_outcome(state: State, path: list[str], outcome: rules_mod.Outcome) -> None:
        stats["paths"] += 1
        answers = state.answers
        level = vocab.rank(outcome.level)
        if level > oracle_level(answers):
            fail(path, f"{outcome.level} is less urgent than the specification's "
                 f"{LEVELS[oracle_level(answers)]}")
        for spec_level, cond in SPEC_RULES:
            if spec_level < level and not holds(cond, answers) and could_still_hold(
                    cond, answers):
                fail(path, f"ended at {outcome.level} without asking "
                     f"{sorted(set(cond) - set(answers))}, which could make it "
                     f"{LEVELS[spec_level]}")
        for cause, cond in SPEC_CAUSES:
            if holds(cond, answers) and cause not in outcome.causes:
                fail(path, f"{cause} is not named")
        if TEAR_OR_BREAK & set(outcome.causes) and NO_STRETCH_OR_LOAD & set(outcome.advice):
            fail(path, f"advises {sorted(NO_STRETCH_OR_LOAD & set(outcome.advice))} with "
                 f"{sorted(TEAR_OR_BREAK & set(outcome.causes))}")
        if len(state.history) >= stats["longest"]:
            stats["longest"] = len(state.history)
            size = len(state.to_json().encode("utf-8"))
            if size > 2048:
                fail(path, f"the stored state takes {size} bytes")

    def ticked(state: State, number: int) -> tuple[Reply, list[str]]:
        """The shown screen's open items ticked as the bits of `number` say, then done."""
        screen = engine.screen(state)
        assert screen is not None
        items = engine.open_items(screen, state.answers)
        step = []
        for i, item in enumerate(items):
            value = "yes" if number >> i & 1 else "no"
            if value == "yes":
                state = engine.tick(state, item.id).state
            step.append(f"{item.slot}={value}")
        return engine.screen_done(state), step

    def walk(state: State, path: list[str]) -> None:
        q = engine.dialog.questions[state.node]
        screen = engine.screen(state)
        if screen is not None:
            # A checklist screen: every combination of ticks, then done.
            for number in range(2 ** len(engine.open_items(screen, state.answers))):
                reply, step = ticked(state, number)
                if reply.outcome is not None:
                    at_outcome(reply.state, [*path, *step], reply.outcome)
                else:
                    walk(reply.state, [*path, *step])
            return
        if q.section == "training" and not any(
                holds(cond, state.answers) for cause, cond in SPEC_CAUSES
                if cause in TEAR_OR_BREAK):
            sample(state, path)
            return
        for opt in q.options:
            reply = engine.choose(state, q.id, opt.value)
            step = [*path, f"{q.slot}={opt.value}"]
            if reply.outcome is not None:
                at_outcome(reply.state, step, reply.outcome)
            else:
                walk(reply.state, step)

    def sample(state: State, path: list[str]) -> None:
        # The n-th sampled path takes the combination numbered n (mixed radix over options).
        stats["sampled"] += 1
        number = stats["sampled"]
        while True:
            q = engine.dialog.questions[state.node]
            screen = engine.screen(state)
            if screen is not None:
                combos = 2 ** len(engine.open_items(screen, state.answers))
                reply, step = ticked(state, number % combos)
                number //= combos
                path = [*path, *step]
                if reply.outcome is not None:
                    at_outcome(reply.state, path, reply.outcome)
                    return
                state = reply.state
                continue
            opt = q.options[number % len(q.options)]
            number //= len(q.options)
            reply = engine.choose(state, q.id, opt.value)
            path = [*path, f"{q.slot}={opt.value}"]
            if reply.outcome is not None:
                at_outcome(reply.state, path, reply.outcome)
                return
            state = reply.state

    walk(engine.new_state(), [])
    assert not failures, "\n".join(failures)
    assert stats["paths"] > 10_000
    assert stats["longest"] == len(engine.dialog.questions)
