"""Replay scripted conversations and say, per file, whether the bot behaved as expected.

Three forms, told apart by their keys (both documented in tests/conversations/README.md):

- turn by turn (`turns:`): what the user types or presses, and what the bot must ask, notice
  or say after each turn, like a Rasa test story or a Botium convo;
- a persona (`patient:`): the facts a patient would give, by slot; every question the dialog
  asks is answered from them (the symptom model's form);
- a typed persona (`says:` beside `patient:`): for the slots in `says` the patient types the
  text instead of pressing (a list gives one text per time the slot is asked).

Turn-by-turn files may also answer a follow-up check-in (`checkin: {answer, days}`).

Both end with an optional `expect:` on the outcome: triage level, first cause, advice that must
or must not be given, and text fragments of the rendered outcome.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from bot.engine import Engine, Reply, State
from bot.errors import DefinitionError, StateError
from bot.model import Question
from bot.render import to_plain
from bot.rules import Outcome
from bot.session import Session
from bot.yamlsrc import load_file

MAX_TURNS = 60
TURN_KEYS = ("user", "press", "checkin", "ask", "notice", "says", "not_says", "level")
EXPECT_KEYS = ("triage", "cause", "causes", "advice", "no_advice", "says", "not_says", "asked",
               "not_asked")


@dataclass(frozen=True)
class Result:
    """The verdict on one file."""

    path: str
    ok: bool
    reason: str = ""

    def __str__(self) -> str:
        return f"PASS {self.path}" if self.ok else f"FAIL {self.path}: {self.reason}"


@dataclass
class _Run:
    """Where a turn-by-turn replay has got to."""

    state: State
    text: str  # the last reply, as plain text
    notices: list[str]
    asked: list[str]
    checkin: str | None = None  # the level of the last turn, when it was a check-in


class CaseError(Exception):
    """The conversation did not go as the file expects (the message says how)."""


def files(paths: Iterable[str | Path]) -> list[Path]:
    """The conversation files named, folders expanded to their *.yaml files (sorted)."""
    out: list[Path] = []
    for p in map(Path, paths):
        out.extend(sorted(p.rglob("*.yaml")) if p.is_dir() else [p])
    return out


def _strs(value: object, what: str) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(x, str) for x in value):
        return list(value)
    raise CaseError(f"{what} must be a string or a list of strings")


class Replayer:
    """Runs conversation files against one engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.session = Session(engine)

    def run(self, path: Path) -> Result:
        """Replay one file."""
        shown = str(path)
        try:
            data = load_file(path).plain()
            if not isinstance(data, dict):
                raise CaseError("a conversation file must be a mapping")
            if "patient" in data:
                self._persona(data)
            elif "turns" in data:
                self._turns(data)
            else:
                raise CaseError("no 'turns' (turn by turn) or 'patient' (persona) in the file")
        except DefinitionError as exc:
            return Result(shown, False, str(exc.problems[0]))
        except (CaseError, StateError) as exc:
            return Result(shown, False, str(exc))
        return Result(shown, True)

    # ------------------------------------------------------------ persona

    def _persona(self, data: dict[str, object]) -> None:
        unknown = set(data) - {"title", "patient", "says", "expect"}
        if unknown:
            raise CaseError(f"unknown keys {sorted(unknown)}; allowed: title, patient, says, "
                            "expect")
        patient = data["patient"]
        if not isinstance(patient, dict):
            raise CaseError("patient must map slots to values")
        says = self._says(data.get("says", {}))
        slots = self.engine.bundle.vocabulary.slots
        for slot, value in patient.items():
            if slot not in slots:
                raise CaseError(f"patient gives unknown slot {slot!r}")
            if value not in slots[slot]:
                raise CaseError(f"patient's {slot}={value!r} is not among {list(slots[slot])}")
        reply = self.engine.start()
        state = reply.state
        asked: list[str] = []
        for _ in range(MAX_TURNS):
            q = reply.question
            if q is None and reply.readback:
                reply = self.engine.readback_ok(state)  # the typed answers read back: right
                state = reply.state
                continue
            if q is None:
                break
            asked.append(q.id)
            if q.slot in says:
                reply = self._type(state, q.slot, says[q.slot])
            else:
                reply = self._press(state, q, patient)
            state = reply.state
        else:
            raise CaseError(f"the dialog did not end within {MAX_TURNS} turns")
        left = [slot for slot, texts in says.items() if texts]
        if left:
            raise CaseError(f"says has text never typed for {', '.join(left)} (the slot was "
                            "not asked, or not asked that often)")
        self._expect(data.get("expect"), state, asked)

    def _says(self, says: object) -> dict[str, list[str]]:
        """`says`: slot -> what the patient types (a list: one text per time it is asked)."""
        if not isinstance(says, dict):
            raise CaseError("says must map slots to what the patient types")
        slots = self.engine.bundle.vocabulary.slots
        out: dict[str, list[str]] = {}
        for slot, texts in says.items():
            if slot not in slots:
                raise CaseError(f"says gives unknown slot {slot!r}")
            out[slot] = _strs(texts, f"says.{slot}")
        return out

    def _type(self, state: State, slot: str, texts: list[str]) -> Reply:
        """Type the next text the patient has for `slot` (each text is typed once)."""
        if not texts:
            raise CaseError(f"slot {slot!r} was asked again, and says has no more text for it")
        turn = self.session.handle(state, texts.pop(0))
        if turn.reply is None:
            raise CaseError(f"typing for slot {slot!r} ran a command instead of answering")
        return turn.reply

    def _press(self, state: State, q: Question, patient: dict[str, object]) -> Reply:
        if q.slot not in patient:
            raise CaseError(f"patient has no answer for slot {q.slot!r}")
        value = str(patient[q.slot])
        if q.option(value) is None:
            raise CaseError(f"answer {value!r} is not among question {q.id}'s values")
        return self.engine.choose(state, q.id, value)

    # ------------------------------------------------------------ turn by turn

    def _turns(self, data: dict[str, object]) -> None:
        unknown = set(data) - {"title", "turns", "expect"}
        if unknown:
            raise CaseError(f"unknown keys {sorted(unknown)}; allowed: title, turns, expect")
        turns = data["turns"]
        if not isinstance(turns, list):
            raise CaseError("turns must be a list")
        opening = self.session.opening()
        run = _Run(opening.state, to_plain(opening.doc), [], [opening.state.node])
        for i, turn in enumerate(turns, start=1):
            where = f"turn {i}"
            if not isinstance(turn, dict) or len(turn) != 1:
                raise CaseError(f"{where}: each turn is a mapping with one of {TURN_KEYS}")
            ((key, value),) = turn.items()
            step = getattr(self, f"_turn_{key}", None) if key in TURN_KEYS else None
            if step is None:
                raise CaseError(f"{where}: unknown turn {key!r}; allowed: {', '.join(TURN_KEYS)}")
            step(run, value, where)
            if run.state.node not in run.asked[-1:]:
                run.asked.append(run.state.node)
        self._expect(data.get("expect"), run.state, run.asked, run.text, run.checkin)

    def _turn_user(self, run: _Run, value: object, where: str) -> None:
        t = self.session.handle(run.state, str(value))
        run.state, run.text, run.checkin = t.state, to_plain(t.doc), None
        run.notices = [n.key for n in t.reply.notices] if t.reply else []

    def _turn_press(self, run: _Run, value: object, where: str) -> None:
        qid, _, val = str(value).partition("=")
        if not val:
            qid, val = run.state.node, qid
        try:
            reply = self.engine.choose(run.state, qid, val)
        except StateError as exc:
            raise CaseError(f"{where}: cannot press {value!r}: {exc}") from None
        run.state, run.text = reply.state, to_plain(self.session.render.reply(reply))
        run.notices, run.checkin = [n.key for n in reply.notices], None

    def _turn_checkin(self, run: _Run, value: object, where: str) -> None:
        """`checkin: {answer: same, days: 15}`: a follow-up check-in answered."""
        if not isinstance(value, dict) or set(value) != {"answer", "days"} or not isinstance(
                value["days"], int):
            raise CaseError(f"{where}: checkin must be {{answer: better|same|worse, days: N}}")
        try:
            result = self.engine.checkin(run.state, str(value["answer"]), value["days"])
        except StateError as exc:
            raise CaseError(f"{where}: {exc}") from None
        reply = result.reply
        if reply is None:
            run.checkin = result.level
            run.text = to_plain(self.session.render.checkin(result))
            run.notices = [result.rule.text]
            return
        run.state, run.text, run.checkin = reply.state, to_plain(
            self.session.render.reply(reply)), None
        run.notices = [n.key for n in reply.notices]

    def _turn_ask(self, run: _Run, value: object, where: str) -> None:
        if run.state.node != value:
            raise CaseError(f"{where}: expected question {value}, got {run.state.node}")

    def _turn_notice(self, run: _Run, value: object, where: str) -> None:
        for k in _strs(value, "notice"):
            if k not in run.notices:
                raise CaseError(f"{where}: expected notice {k}, got {run.notices or 'none'}")

    def _turn_says(self, run: _Run, value: object, where: str) -> None:
        for frag in _strs(value, "says"):
            if frag.casefold() not in run.text.casefold():
                raise CaseError(f"{where}: the reply does not say {frag!r}")

    def _turn_not_says(self, run: _Run, value: object, where: str) -> None:
        for frag in _strs(value, "not_says"):
            if frag.casefold() in run.text.casefold():
                raise CaseError(f"{where}: the reply says {frag!r}")

    def _turn_level(self, run: _Run, value: object, where: str) -> None:
        # After a check-in that did not re-ask the questions, its own level is the level.
        got = run.checkin or self.engine.summary(run.state).level
        if got != value:
            raise CaseError(f"{where}: expected level so far {value}, got {got}")

    # ------------------------------------------------------------ expectations

    def _expect(self, expect: object, state: State, asked: list[str],
                text: str | None = None, checkin: str | None = None) -> None:
        if expect is None:
            return
        if not isinstance(expect, dict):
            raise CaseError("expect must be a mapping")
        unknown = set(expect) - set(EXPECT_KEYS)
        if unknown:
            raise CaseError(f"unknown expect keys {sorted(unknown)}; allowed: "
                            f"{', '.join(EXPECT_KEYS)}")
        if checkin is not None:
            self._expect_checkin(expect, checkin, text or "")
            return
        if not state.finished:
            raise CaseError(f"the conversation did not reach an outcome (stopped at "
                            f"{state.node})")
        o = self.engine.outcome(state)
        _expect_outcome(expect, o, asked)
        self._expect_text(expect, text if text is not None else to_plain(
            self.session.render.outcome(o)))

    def _expect_checkin(self, expect: dict[str, object], level: str, text: str) -> None:
        """After a check-in that did not re-ask the questions: its level and words only."""
        other = set(expect) - {"triage", "says", "not_says"}
        if other:
            raise CaseError(f"after a check-in, expect may test triage, says and not_says only; "
                            f"not {sorted(other)}")
        if "triage" in expect and expect["triage"] != level:
            raise CaseError(f"expected {expect['triage']} after the check-in, got {level}")
        self._expect_text(expect, text)

    @staticmethod
    def _expect_text(expect: dict[str, object], shown: str) -> None:
        for frag in _strs(expect.get("says", []), "says"):
            if frag.casefold() not in shown.casefold():
                raise CaseError(f"the outcome does not say {frag!r}")
        for frag in _strs(expect.get("not_says", []), "not_says"):
            if frag.casefold() in shown.casefold():
                raise CaseError(f"the outcome says {frag!r}")


def _expect_outcome(expect: dict[str, object], o: Outcome, asked: list[str]) -> None:
    """The outcome's level, causes and advice, and the questions asked, as `expect` says."""
    if "triage" in expect and expect["triage"] != o.level:
        raise CaseError(f"expected {expect['triage']}, got {o.level}")
    if "cause" in expect:
        got = o.causes[0] if o.causes else "no cause"
        if expect["cause"] != got:
            raise CaseError(f"expected cause {expect['cause']}, got {got}")
    for c in _strs(expect.get("causes", []), "causes"):
        if c not in o.causes:
            raise CaseError(f"expected cause {c} among {list(o.causes)}")
    for a in _strs(expect.get("advice", []), "advice"):
        if a not in o.advice:
            raise CaseError(f"expected advice {a}, got {list(o.advice)}")
    for a in _strs(expect.get("no_advice", []), "no_advice"):
        if a in o.advice:
            raise CaseError(f"advice {a} must not be given, got {list(o.advice)}")
    for q in _strs(expect.get("asked", []), "asked"):
        if q not in asked:
            raise CaseError(f"expected question {q} to be asked; asked {asked}")
    for q in _strs(expect.get("not_asked", []), "not_asked"):
        if q in asked:
            raise CaseError(f"question {q} must not be asked")
