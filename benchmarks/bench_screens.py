"""Section 6, a check that fits a phone: screens to the outcome per level, the outcome's first
message, and Bot API calls per button press.

- Screens: the messages a user answers (presses, typed messages, checklists confirmed), from
  `heel-bot replay` over the project's persona conversations, and over held-out patients: random
  but plausible facts (red flags rare) that no file was written for.
- The outcome's first message: its plain-text length, over the same conversations.
- Bot API calls per button press: every persona conversation played by buttons through heel-bot
  in process (the real Application and handlers), each call recorded by method.
"""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from collections.abc import Iterable

from benchmarks.common import ROOT, Section, median, verdict
from heel_bot import loader
from heel_bot.engine import Engine
from heel_bot.render import to_plain
from heel_bot.replay import Replayer, files
from heel_bot.replay_persona import Patient

TARGETS = {"self_care": 10, "see_doctor": 10, "urgent": 3}  # median screens to the outcome
MAX_CHARS = 900
# Bot API methods that count against the flood limits (answerCallbackQuery does not).
LIMITED = ("sendMessage", "editMessageText", "editMessageReplyMarkup", "sendChatAction")
RED_FLAG_CHANCE = 0.05


def _patient(engine: Engine, rng: random.Random) -> dict[str, object]:
    """Plausible facts: red flags rare, the rest evenly spread."""
    vocab = engine.bundle.vocabulary
    facts: dict[str, object] = {}
    for slot, values in vocab.slots.items():
        if slot in vocab.red_flag_slots and set(values) == {"yes", "no"}:
            facts[slot] = "yes" if rng.random() < RED_FLAG_CHANCE else "no"
        elif slot == "injury":
            facts[slot] = rng.choices(values, weights=[1 if v != "none" else 18 for v in values])[0]
        elif slot == "weight_bearing":
            facts[slot] = rng.choices(values, weights=[10 if v != "no" else 1 for v in values])[0]
        else:
            facts[slot] = rng.choice(values)
    return facts


def _by_level(results: Iterable[tuple[str, int]]) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for level, screens in results:
        out.setdefault(level, []).append(screens)
    return out


def _screen_rows(sec: Section, what: str, by_level: dict[str, list[int]]) -> None:
    for level, target in TARGETS.items():
        counts = by_level.get(level, [])
        if not counts:
            continue
        mid = median([float(c) for c in counts])
        sec.add(f"{what}: screens to {level}, median / max (n={len(counts)})",
                f"{mid:g} / {max(counts)}", f"median ≤ {target}", verdict(mid <= target))


def _calls_per_press(engine: Engine) -> tuple[float, Counter[str], int]:
    from benchmarks.bots import persona_walks, record_scripts  # noqa: PLC0415 - telegram

    scripts = asyncio.run(record_scripts(engine, persona_walks(engine)))
    methods: Counter[str] = Counter()
    presses = 0
    for script in scripts:
        for (kind, _), calls in zip(script.updates, script.calls, strict=True):
            if kind == "press":
                presses += 1
                methods.update(m for m, _ in calls)
    limited = sum(n for m, n in methods.items() if m in LIMITED)
    return limited / max(presses, 1), methods, presses


def run(quick: bool) -> Section:
    engine = Engine(loader.load())
    sec = Section("6. A check that fits a phone")
    replayer = Replayer(engine)
    paths = [p for p in files([ROOT / "tests" / "conversations"])
             if p.name.startswith(("persona_", "says_"))]
    own = [r for r in map(replayer.run, paths) if r.level is not None]
    _screen_rows(sec, "persona conversations", _by_level((r.level or "", r.screens) for r in own))
    rng, held = random.Random(2026), []
    for _ in range(500 if quick else 3000):
        patient = Patient(engine, replayer.session, _patient(engine, rng), {})
        state = patient.play()
        held.append((engine.outcome(state), state, patient.screens))
    _screen_rows(sec, "held-out random patients", _by_level((o.level, n) for o, _, n in held))
    chars = [r.outcome_chars for r in own] + [
        len(to_plain(replayer.session.render.result(o, s, numbered=False))) for o, s, _ in held]
    sec.add("the outcome's first message, plain characters: median / max",
            f"{median([float(c) for c in chars]):g} / {max(chars)}", f"max ≤ {MAX_CHARS}",
            verdict(max(chars) <= MAX_CHARS))
    per_press, methods, presses = _calls_per_press(engine)
    sec.add("rate-limited Bot API calls per button press, persona conversations",
            f"{per_press:.2f}", "≤ 1", verdict(per_press <= 1))
    shown = ", ".join(f"{m} {n}" for m, n in methods.most_common())
    sec.add(f"calls by method over {presses} presses", shown)
    return sec
