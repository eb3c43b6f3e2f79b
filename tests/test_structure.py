"""The shape of the `heel_bot` package, read from its source with ast.

Small modules, functions and classes; no import cycle; `telegram` only in the Telegram adapter;
and the layering of the README's "How it is built": the core (definitions, proofs, engine,
rendering) never imports an adapter (Telegram, the store, the serve settings, the command line),
and the engine, the rules and the model do no I/O. Also: the proof cache hashes every module a
proof depends on, so an edit to any of them proves afresh.
"""

from __future__ import annotations

import ast
import functools
from dataclasses import dataclass
from pathlib import Path

import pytest

import heel_bot
from heel_bot import proof_cache

MAX_MODULE_LINES, MAX_FUNCTION_LINES, MAX_CLASS_LINES = 400, 40, 250

# Known violations, by kind and name. Empty: keep it so (the Telegram adapter's rewrite into
# heel_bot/tg/ and the serve settings' split removed the last ones).
KNOWN_VIOLATIONS: frozenset[str] = frozenset()

# The core: reads and proves the definitions, runs conversations, renders replies.
CORE = frozenset(
    {
        "heel_bot", "heel_bot.yamlsrc", "heel_bot.errors", "heel_bot.model", "heel_bot.reading",
        "heel_bot.read_rules", "heel_bot.read_dialog", "heel_bot.loader", "heel_bot.checkin",
        "heel_bot.rules", "heel_bot.advice_proof", "heel_bot.proofs", "heel_bot.diagrams",
        "heel_bot.proof_cache", "heel_bot.engine", "heel_bot.state", "heel_bot.matching",
        "heel_bot.render", "heel_bot.render_doc", "heel_bot.render_learn",
        "heel_bot.render_outcome", "heel_bot.session", "heel_bot.replay", "heel_bot.uikeys",
        "heel_bot.dialog_engine", "heel_bot.replies", "heel_bot.typed_turn", "heel_bot.language",
        "heel_bot.language.lexicon", "heel_bot.language.mentions", "heel_bot.language.numbers",
        "heel_bot.language.pipeline", "heel_bot.language.understand", "heel_bot.language.build",
        "heel_bot.language.corpus", "heel_bot.language.bare", "heel_bot.language.policy",
        "heel_bot.language.clauses", "heel_bot.language.phrases", "heel_bot.language.deferred",
        "heel_bot.language.words", "heel_bot.language.numvocab", "heel_bot.language.numtokens",
        "heel_bot.language.numhedges", "heel_bot.language.numwords", "heel_bot.language.numdates",
        "heel_bot.language.numages", "heel_bot.language.numdecades",
        "heel_bot.language.numunits", "heel_bot.language.numscan",
        "heel_bot.language.numtraining", "heel_bot.language.numtrend",
        "heel_bot.language.numrates", "heel_bot.language.numshoes",
        "heel_bot.language.numcalendar",
        "heel_bot.language.numholidays", "heel_bot.language.learned", "heel_bot.language.second",
        "heel_bot.language.training",
        "heel_bot.language.spoken",
        "heel_bot.language.paintime",
        "heel_bot.screen_check", "heel_bot.progress", "heel_bot.screen_turns",
        "heel_bot.screen_typed", "heel_bot.replay_persona", "heel_bot.undo",
    }
)
# The adapters (and the entry point): each is a module or, for heel_bot.tg, a package.
ADAPTERS = ("heel_bot.tg", "heel_bot.store", "heel_bot.store_errors", "heel_bot.store_inbox",
            "heel_bot.store_live",
            "heel_bot.store_side", "heel_bot.serve_config", "heel_bot.cli",
            "heel_bot.cli_understand", "heel_bot.cli_ops", "heel_bot.ops", "heel_bot.__main__",
            "heel_bot.stores")
# Where `telegram` may be imported.
TELEGRAM_HOMES = ("heel_bot.tg",)
# Pure logic: these, and every bot module they import, import nothing that does I/O.
PURE = ("heel_bot.engine", "heel_bot.rules", "heel_bot.model")
IO_MODULES = frozenset(
    {
        "aiohttp", "asyncio", "http", "httpx", "io", "pathlib", "platformdirs", "requests",
        "select", "selectors", "shutil", "socket", "sqlite3", "ssl", "subprocess", "telegram",
        "tempfile", "urllib",
    }
)


@dataclass(frozen=True)
class Module:
    name: str  # dotted, e.g. heel_bot.tg.app ("heel_bot.tg" for heel_bot/tg/__init__.py)
    lines: int
    tree: ast.Module
    is_package: bool


def _in(name: str, prefixes: tuple[str, ...]) -> bool:
    """Whether module `name` is one of `prefixes` or inside one of them (a package)."""
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def read_package(root: Path) -> dict[str, Module]:
    """Every module of the package at `root`, by dotted name."""
    out: dict[str, Module] = {}
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root.parent).with_suffix("").parts
        is_package = parts[-1] == "__init__"
        name = ".".join(parts[:-1] if is_package else parts)
        source = path.read_text(encoding="utf-8")
        # The empty line after the final newline counts, as in the shared shape checker.
        out[name] = Module(name, source.count("\n") + 1, ast.parse(source), is_package)
    return out


def imports(module: Module, names: frozenset[str]) -> set[str]:
    """Every module `module` imports, at the top or inside a function.

    `from P import x` imports P.x when that is a module of the package, else P.
    """
    found: set[str] = set()
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = module.name.split(".")[: None if module.is_package else -1]
                parts = parts[: len(parts) - node.level + 1]
                base = ".".join([*parts, *([node.module] if node.module else [])])
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                found.add(sub if sub in names else base)
    found.discard(module.name)
    return found


@functools.cache
def package() -> dict[str, Module]:
    return read_package(Path(heel_bot.__file__).parent)


@functools.cache
def import_graph() -> dict[str, frozenset[str]]:
    """Module -> the package's modules it imports."""
    mods = package()
    names = frozenset(mods)
    return {name: frozenset(i for i in imports(m, names) if i in names)
            for name, m in mods.items()}


def reach(start: str, graph: dict[str, frozenset[str]]) -> set[str]:
    """`start` and every module it imports, directly or not."""
    seen, stack = {start}, [start]
    while stack:
        for nxt in graph[stack.pop()] - seen:
            seen.add(nxt)
            stack.append(nxt)
    return seen


def cycles(graph: dict[str, frozenset[str]]) -> list[list[str]]:
    """The import cycles: groups of modules that all import one another, directly or not."""
    groups = {frozenset(m for m in reach(start, graph) if start in reach(m, graph))
              for start in graph}
    return sorted(sorted(g) for g in groups if len(g) > 1)


def sizes(module: Module) -> list[tuple[str, str, int]]:
    """(kind, qualified name, lines) of every function and class, nested ones too."""
    out: list[tuple[str, str, int]] = []

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                kind = "class" if isinstance(child, ast.ClassDef) else "function"
                name = f"{prefix}.{child.name}"
                assert child.end_lineno is not None
                out.append((kind, name, child.end_lineno - child.lineno + 1))
                visit(child, name)
            else:
                visit(child, prefix)

    visit(module.tree, module.name)
    return out


def assert_only_known(found: dict[str, str]) -> None:
    """Fail with every violation found (key -> what) that is not a known one."""
    new = [f"{key}: {what}" for key, what in sorted(found.items()) if key not in KNOWN_VIOLATIONS]
    assert not new, "\n".join(["", *new])


# ---------------------------------------------------------------- size


def test_no_module_is_too_long() -> None:
    found = {f"module {m.name}": f"{m.lines} lines (at most {MAX_MODULE_LINES})"
             for m in package().values() if m.lines > MAX_MODULE_LINES}
    assert_only_known(found)


@pytest.mark.parametrize(("kind", "limit"), [("function", MAX_FUNCTION_LINES),
                                             ("class", MAX_CLASS_LINES)])
def test_no_function_or_class_is_too_long(kind: str, limit: int) -> None:
    found = {f"{k} {name}": f"{n} lines (at most {limit})"
             for m in package().values() for k, name, n in sizes(m) if k == kind and n > limit}
    assert_only_known(found)


# ---------------------------------------------------------------- imports


def test_no_import_cycle() -> None:
    found = {f"cycle {' <-> '.join(group)}": "these modules import one another"
             for group in cycles(import_graph())}
    assert_only_known(found)


def test_only_the_telegram_adapter_imports_telegram() -> None:
    names = frozenset(package())
    found = {f"telegram {m.name}": "imports telegram outside heel_bot/tg/"
             for m in package().values() if not _in(m.name, TELEGRAM_HOMES)
             and any(i.split(".")[0] == "telegram" for i in imports(m, names))}
    assert_only_known(found)


def test_every_module_is_core_or_adapter() -> None:
    unplaced = [name for name in package() if name not in CORE and not _in(name, ADAPTERS)]
    assert unplaced == [], "add each new module to CORE or ADAPTERS in this test"


def test_the_core_never_imports_an_adapter() -> None:
    graph = import_graph()
    found = {f"layer {name}": f"imports the adapter(s) {', '.join(sorted(bad))}"
             for name in sorted(CORE & set(graph))
             if (bad := {i for i in graph[name] if _in(i, ADAPTERS)})}
    assert_only_known(found)


@pytest.mark.parametrize("name", PURE)
def test_the_engine_rules_and_model_do_no_io(name: str) -> None:
    mods, graph = package(), import_graph()
    names = frozenset(mods)
    found = {f"io {m}": f"imports {', '.join(sorted(bad))} (needed by {name})"
             for m in sorted(reach(name, graph))
             if (bad := {i for i in imports(mods[m], names) if i.split(".")[0] in IO_MODULES})}
    assert_only_known(found)


def test_the_proof_cache_hashes_all_the_code_a_proof_depends_on() -> None:
    # A proof's verdict depends on the proofs and on everything that loads what they prove.
    graph = import_graph()
    needed = reach("heel_bot.proofs", graph) | reach("heel_bot.loader", graph)
    hashed = {m.__name__ for m in proof_cache.PROOF_MODULES}
    missing = sorted(needed - hashed)
    assert not missing, f"add {', '.join(missing)} to heel_bot.proof_cache.PROOF_MODULES"


# ---------------------------------------------------------------- the checks themselves


def test_the_checks_see_violations(tmp_path: Path) -> None:
    root = tmp_path / "pkg"
    (root / "sub").mkdir(parents=True)
    (root / "__init__.py").write_text("")
    (root / "sub" / "__init__.py").write_text("from pkg.sub import b\n")
    (root / "sub" / "b.py").write_text("from . import c\n")
    (root / "sub" / "c.py").write_text("def f():\n    from pkg import a\n")
    long_body = "".join(f"    x{i} = {i}\n" for i in range(MAX_FUNCTION_LINES))
    (root / "a.py").write_text("import telegram.ext\nfrom pkg.sub import b\n\n\n"
                               f"def long():\n{long_body}")
    mods = read_package(root)
    names = frozenset(mods)
    graph = {n: frozenset(i for i in imports(m, names) if i in names) for n, m in mods.items()}
    assert imports(mods["pkg.a"], names) == {"telegram.ext", "pkg.sub.b"}
    assert cycles(graph) == [["pkg.a", "pkg.sub.b", "pkg.sub.c"]]
    assert ("function", "pkg.a.long", MAX_FUNCTION_LINES + 1) in sizes(mods["pkg.a"])
    assert mods["pkg.a"].lines == 5 + MAX_FUNCTION_LINES + 1
