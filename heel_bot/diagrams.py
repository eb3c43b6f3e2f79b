"""The dialog drawn as a diagram: Mermaid (for the README) or Graphviz."""

from __future__ import annotations

from heel_bot.model import OUTCOME, Bundle, Condition


def _cond_text(cond: Condition | None) -> str:
    if cond is None:
        return "otherwise"
    return " and ".join(f"{s} = {' or '.join(sorted(v))}" for s, v in cond.tests)


def mermaid(bundle: Bundle) -> str:
    """The dialog as a Mermaid flowchart (stable text, for the README)."""
    d = bundle.dialog
    lines = ["flowchart TD"]
    for q in d.questions.values():
        lines.append(f'    {q.id}["{q.id}<br/><i>{q.section}</i>"]')
    lines.append(f'    {OUTCOME}(["{OUTCOME}: urgent / see_doctor / self_care"])')
    for q in d.questions.values():
        for t in q.next:
            lines.append(f'    {q.id} -->|"{_cond_text(t.when)}"| {t.goto}')
    return "\n".join(lines) + "\n"


def dot(bundle: Bundle) -> str:
    """The dialog as a Graphviz digraph."""
    d = bundle.dialog
    lines = [f'digraph "{d.name}" {{', "    rankdir=TB;", "    node [shape=box];"]
    for q in d.questions.values():
        lines.append(f'    "{q.id}" [label="{q.id}\\n({q.section})"];')
    lines.append(f'    "{OUTCOME}" [shape=doublecircle];')
    for q in d.questions.values():
        for t in q.next:
            lines.append(f'    "{q.id}" -> "{t.goto}" [label="{_cond_text(t.when)}"];')
    lines.append("}")
    return "\n".join(lines) + "\n"
