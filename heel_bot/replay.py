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
from dataclasses import dataclass, field
from pathlib import Path

from heel_bot.engine import Engine, State
from heel_bot.errors import DefinitionError, StateError
from heel_bot.render import to_plain
from heel_bot.replay_persona import CaseError, Patient, press
from heel_bot.rules import Outcome
from heel_bot.session import Session
from heel_bot.yamlsrc import load_file

TURN_KEYS = ("user", "press", "checkin", "ask", "notice", "says", "not_says", "level")
EXPECT_KEYS = ("triage", "cause", "causes", "advice", "no_advice", "says", "not_says", "asked",
               "not_asked")


@dataclass(frozen=True)
class Result:
    """The verdict on one file, and what the conversation came to (when it reached one)."""

    path: str
    ok: bool
    reason: str = ""
    level: str | None = None
    causes: tuple[str, ...] = ()
    advice: tuple[str, ...] = ()
    screens: int = 0  # messages the user answered: presses, typed messages, checklists done
    outcome_chars: int = 0  # the plain-text length of the outcome's first message

    def __str__(self) -> str:
        return f"PASS {self.path}" if self.ok else f"FAIL {self.path}: {self.reason}"

    def as_json(self) -> dict[str, object]:
        """The `heel-bot replay --json` line."""
        return {"file": self.path, "passed": self.ok, "reason": self.reason or None,
                "level": self.level, "causes": list(self.causes), "advice": list(self.advice),
                "screens": self.screens, "outcome_chars": self.outcome_chars}


@dataclass
class _Run:
    """Where a turn-by-turn replay has got to."""

    state: State
    text: str  # the last reply, as plain text
    notices: list[str]
    asked: list[str]
    checkin: str | None = None  # the level of the last turn, when it was a check-in
    screens: int = 0  # the messages the user answered (typed, pressed, checklists confirmed)
    deferred: list[str] = field(default_factory=list)  # presses for questions not asked yet


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
        self._last: tuple[State, int] | None = None
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
            return self._result(shown, str(exc.problems[0]))
        except (CaseError, StateError) as exc:
            return self._result(shown, str(exc))
        return self._result(shown, "")

    def _result(self, shown: str, reason: str) -> Result:
        """The verdict, with the outcome's measures when the conversation reached one."""
        if self._last is None or not self._last[0].finished:
            screens = self._last[1] if self._last else 0
            return Result(shown, not reason, reason, screens=screens)
        state, screens = self._last
        o = self.engine.outcome(state)
        chars = len(to_plain(self.session.render.result(o, state, numbered=False)))
        return Result(shown, not reason, reason, o.level, o.causes, o.advice, screens, chars)

    def _persona(self, data: dict[str, object]) -> tuple[State, list[str]]:
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
        run = Patient(self.engine, self.session, patient, says)
        state = run.play()
        self._last = (state, run.screens)
        self._expect(data.get("expect"), state, run.asked)
        return state, run.asked

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
            self._last = (run.state, run.screens)
        self._settle(run, "the end")
        if run.deferred:
            raise CaseError(f"presses never applied (their questions were not asked): "
                            f"{', '.join(run.deferred)}")
        self._last = (run.state, run.screens)
        self._expect(data.get("expect"), run.state, run.asked, run.text, run.checkin)

    def _turn_user(self, run: _Run, value: object, where: str) -> None:
        self._settle(run, where)
        t = self.session.handle(run.state, str(value))
        run.screens += t.reply is not None
        run.state, run.text, run.checkin = t.state, to_plain(t.doc), None
        run.notices = [n.key for n in t.reply.notices] if t.reply else []

    def _turn_press(self, run: _Run, value: object, where: str) -> None:
        qid, _, _ = str(value).partition("=")
        screen = self.engine.screen(run.state)
        if (screen is not None and qid not in (*screen.questions, "done", "none")
                and qid in self.engine.dialog.questions):
            # A later question pressed while a checklist is open (the file lists answers in
            # an older order): kept until that question is asked.
            run.deferred.append(str(value))
            return
        self._apply_press(run, str(value), where)
        self._drain(run, where)

    def _apply_press(self, run: _Run, value: str, where: str) -> None:
        try:
            reply, answered = press(self.engine, run.state, value)
        except StateError as exc:
            raise CaseError(f"{where}: cannot press {value!r}: {exc}") from None
        run.screens += answered
        run.state, run.text = reply.state, to_plain(self.session.render.reply(reply))
        run.notices, run.checkin = [n.key for n in reply.notices], None

    def _drain(self, run: _Run, where: str) -> None:
        """Presses kept for later questions, applied once each is asked."""
        while run.deferred and self.engine.screen(run.state) is None:
            qid = run.deferred[0].partition("=")[0]
            if qid != run.state.node:
                return
            self._apply_press(run, run.deferred.pop(0), where)

    def _settle(self, run: _Run, where: str) -> None:
        """Before a typed message, a check-in or the end: a checklist left open with presses
        kept for later is confirmed (the items not given are no), and those presses made."""
        if run.deferred and self.engine.screen(run.state) is not None:
            self._apply_press(run, "done", where)
            self._drain(run, where)

    def _turn_checkin(self, run: _Run, value: object, where: str) -> None:
        """`checkin: {answer: same, days: 15}`: a follow-up check-in answered."""
        self._settle(run, where)
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
        screen = self.engine.screen(run.state)
        if screen is not None and value in screen.questions:
            return  # asked on the checklist screen shown
        if screen is not None:
            # A later question: the checklist left open is confirmed (items not given: no).
            self._apply_press(run, "done", where)
            self._drain(run, where)
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
