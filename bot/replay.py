"""Replay scripted conversations and say, per file, whether the bot behaved as expected.

Two forms, told apart by their keys (both documented in tests/conversations/README.md):

- turn by turn (`turns:`): what the user types or presses, and what the bot must ask, notice
  or say after each turn, like a Rasa test story or a Botium convo;
- a persona (`patient:`): the facts a patient would give, by slot; every question the dialog
  asks is answered from them (the symptom model's form).

Both end with an optional `expect:` on the outcome: triage level, first cause, advice that must
or must not be given, and text fragments of the rendered outcome.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from bot.engine import Engine, State
from bot.errors import DefinitionError, StateError
from bot.render import to_plain
from bot.session import Session
from bot.yamlsrc import load_file

MAX_TURNS = 60
TURN_KEYS = ("user", "press", "ask", "notice", "says", "not_says", "level")
EXPECT_KEYS = ("triage", "cause", "causes", "advice", "no_advice", "says", "asked", "not_asked")


@dataclass(frozen=True)
class Result:
    """The verdict on one file."""

    path: str
    ok: bool
    reason: str = ""

    def __str__(self) -> str:
        return f"PASS {self.path}" if self.ok else f"FAIL {self.path}: {self.reason}"


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
        unknown = set(data) - {"title", "patient", "expect"}
        if unknown:
            raise CaseError(f"unknown keys {sorted(unknown)}; allowed: title, patient, expect")
        patient = data["patient"]
        if not isinstance(patient, dict):
            raise CaseError("patient must map slots to values")
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
            if q is None:
                break
            asked.append(q.id)
            if q.slot not in patient:
                raise CaseError(f"patient has no answer for slot {q.slot!r}")
            value = str(patient[q.slot])
            if q.option(value) is None:
                raise CaseError(f"answer {value!r} is not among question {q.id}'s values")
            reply = self.engine.choose(state, q.id, value)
            state = reply.state
        else:
            raise CaseError(f"the dialog did not end within {MAX_TURNS} turns")
        self._expect(data.get("expect"), state, asked)

    # ------------------------------------------------------------ turn by turn

    def _turns(self, data: dict[str, object]) -> None:
        unknown = set(data) - {"title", "turns", "expect"}
        if unknown:
            raise CaseError(f"unknown keys {sorted(unknown)}; allowed: title, turns, expect")
        turns = data["turns"]
        if not isinstance(turns, list):
            raise CaseError("turns must be a list")
        opening = self.session.opening()
        state, text = opening.state, to_plain(opening.doc)
        notices: list[str] = []
        asked: list[str] = [state.node]
        for i, turn in enumerate(turns, start=1):
            where = f"turn {i}"
            if not isinstance(turn, dict) or len(turn) != 1:
                raise CaseError(f"{where}: each turn is a mapping with one of {TURN_KEYS}")
            ((key, value),) = turn.items()
            if key == "user":
                t = self.session.handle(state, str(value))
                state, text = t.state, to_plain(t.doc)
                notices = [n.key for n in t.reply.notices] if t.reply else []
            elif key == "press":
                qid, _, val = str(value).partition("=")
                if not val:
                    qid, val = state.node, qid
                try:
                    reply = self.engine.choose(state, qid, val)
                except StateError as exc:
                    raise CaseError(f"{where}: cannot press {value!r}: {exc}") from None
                state, text = reply.state, to_plain(self.session.render.reply(reply))
                notices = [n.key for n in reply.notices]
            elif key == "ask":
                if state.node != value:
                    raise CaseError(f"{where}: expected question {value}, got {state.node}")
            elif key == "notice":
                for k in _strs(value, "notice"):
                    if k not in notices:
                        raise CaseError(f"{where}: expected notice {k}, got {notices or 'none'}")
            elif key == "says":
                for frag in _strs(value, "says"):
                    if frag.casefold() not in text.casefold():
                        raise CaseError(f"{where}: the reply does not say {frag!r}")
            elif key == "not_says":
                for frag in _strs(value, "not_says"):
                    if frag.casefold() in text.casefold():
                        raise CaseError(f"{where}: the reply says {frag!r}")
            elif key == "level":
                got = self.engine.summary(state).level
                if got != value:
                    raise CaseError(f"{where}: expected level so far {value}, got {got}")
            else:
                raise CaseError(f"{where}: unknown turn {key!r}; allowed: {', '.join(TURN_KEYS)}")
            if state.node not in asked[-1:]:
                asked.append(state.node)
        self._expect(data.get("expect"), state, asked, text)

    # ------------------------------------------------------------ expectations

    def _expect(self, expect: object, state: State, asked: list[str],
                text: str | None = None) -> None:
        if expect is None:
            return
        if not isinstance(expect, dict):
            raise CaseError("expect must be a mapping")
        unknown = set(expect) - set(EXPECT_KEYS)
        if unknown:
            raise CaseError(f"unknown expect keys {sorted(unknown)}; allowed: "
                            f"{', '.join(EXPECT_KEYS)}")
        if not state.finished:
            raise CaseError(f"the conversation did not reach an outcome (stopped at "
                            f"{state.node})")
        o = self.engine.outcome(state)
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
        if "says" in expect:
            shown = text if text is not None else to_plain(self.session.render.outcome(o))
            for frag in _strs(expect["says"], "says"):
                if frag.casefold() not in shown.casefold():
                    raise CaseError(f"the outcome does not say {frag!r}")
