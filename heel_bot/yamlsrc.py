"""Read YAML into plain values that remember where they came from.

PyYAML's safe loader turns yes/no/on/off into booleans and silently keeps the last of two
duplicate keys; both would hide mistakes in a clinician-edited file. This reader keeps
yes/no/on/off as strings (only true/false are booleans), refuses duplicate keys, and wraps every
value in `Y` with its file:line:column so validation can say exactly where a problem is.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Union

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from heel_bot.errors import DefinitionError, Mark, Problem

Scalar = Union[str, int, float, bool, None]  # noqa: UP007 - used at runtime in isinstance
Value = Union[Scalar, dict[str, "Y"], list["Y"]]  # noqa: UP007


@dataclass(frozen=True)
class Y:
    """A YAML value with its place in the file (and, for a mapping, where each key is)."""

    value: Value
    mark: Mark
    key_marks: Mapping[str, Mark] = field(default_factory=dict, compare=False)

    def key_mark(self, key: str) -> Mark:
        """Where `key` of this mapping is written (the value's own mark if unknown)."""
        return self.key_marks.get(key, self.mark)

    def plain(self) -> object:
        """The value without places: dicts, lists and scalars, as PyYAML would give them."""
        v = self.value
        if isinstance(v, dict):
            return {k: x.plain() for k, x in v.items()}
        if isinstance(v, list):
            return [x.plain() for x in v]
        return v

    @property
    def kind(self) -> str:
        """The YAML name of the value's type, for error messages."""
        v = self.value
        if isinstance(v, bool):
            return "boolean"
        if isinstance(v, dict):
            return "mapping"
        if isinstance(v, list):
            return "list"
        if v is None:
            return "nothing (null)"
        if isinstance(v, int | float):
            return "number"
        return "string"


class _Resolver(yaml.resolver.Resolver):
    """YAML 1.1 resolution minus the yes/no/on/off booleans."""


_Resolver.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.resolver.Resolver.yaml_implicit_resolvers.items()
}
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


class _Loader(
    yaml.reader.Reader,
    yaml.scanner.Scanner,
    yaml.parser.Parser,
    yaml.composer.Composer,
    yaml.constructor.SafeConstructor,
    _Resolver,
):
    def __init__(self, stream: str) -> None:
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        yaml.composer.Composer.__init__(self)
        yaml.constructor.SafeConstructor.__init__(self)
        _Resolver.__init__(self)


if yaml.__with_libyaml__:  # pragma: no branch - libyaml ships in PyYAML's wheels

    _CParser: Any = yaml.cyaml.CParser  # type: ignore[attr-defined]  # C type, no stubs

    class _CLoader(_CParser, yaml.constructor.SafeConstructor, _Resolver):  # type: ignore[misc]
        """The same reader on libyaml's parser: about seven times faster at start-up."""

        def __init__(self, stream: str) -> None:
            _CParser.__init__(self, stream)
            yaml.constructor.SafeConstructor.__init__(self)
            _Resolver.__init__(self)

    _LOADER: type = _CLoader
else:  # pragma: no cover
    _LOADER = _Loader


def _mark(name: str, node: Node) -> Mark:
    return Mark(name, node.start_mark.line + 1, node.start_mark.column + 1)


class _Converter:
    """Nodes to `Y` trees, each node once: an alias shares its value, a self-reference is refused.

    Converting an aliased node again for every alias would let a few lines of anchors (the
    "billion laughs") expand exponentially, and a recursive alias would never end.
    """

    def __init__(self, name: str, loader: Any) -> None:
        self.name = name
        self.loader = loader
        self.problems: list[Problem] = []
        self.done: dict[int, Y] = {}
        self.active: set[int] = set()

    def convert(self, node: Node) -> Y:
        key = id(node)
        if key in self.done:
            return self.done[key]
        mark = _mark(self.name, node)
        if key in self.active:
            self.problems.append(Problem(mark, "this value contains itself (a recursive alias); "
                                         "write the value out instead"))
            return Y(None, mark)
        self.active.add(key)
        try:
            result = self._convert(node, mark)
        finally:
            self.active.discard(key)
        self.done[key] = result
        return result

    def _convert(self, node: Node, mark: Mark) -> Y:
        if isinstance(node, MappingNode):
            out: dict[str, Y] = {}
            keys: dict[str, Mark] = {}
            self.loader.flatten_mapping(node)
            for key_node, value_node in node.value:
                key = self.convert(key_node)
                if not isinstance(key.value, str):
                    self.problems.append(
                        Problem(key.mark, f"a key must be a string, not a {key.kind}; quote it")
                    )
                    continue
                if key.value in out:
                    self.problems.append(
                        Problem(key.mark, f"duplicate key {key.value!r} (first at line "
                                f"{keys[key.value].line}); each key may appear once")
                    )
                    continue
                keys[key.value] = key.mark
                out[key.value] = self.convert(value_node)
            return Y(out, mark, keys)
        if isinstance(node, SequenceNode):
            return Y([self.convert(n) for n in node.value], mark)
        assert isinstance(node, ScalarNode)
        value = self.loader.construct_object(node, deep=True)
        if not isinstance(value, str | int | float | bool | type(None)):
            # Dates, timestamps and binary are not part of our formats: keep the text as written.
            value = str(node.value)
        return Y(value, mark)


def parse(text: str, name: str) -> Y:
    """Parse one YAML document; raise DefinitionError naming the place of any syntax error."""
    loader = _LOADER(text)
    converter = _Converter(name, loader)
    problems = converter.problems
    try:
        node = loader.get_single_node()
        if node is None:
            raise DefinitionError([Problem(Mark(name, 1, 1), "the file is empty")])
        result = converter.convert(node)
    except yaml.MarkedYAMLError as exc:
        where = exc.problem_mark or exc.context_mark
        line, col = (where.line + 1, where.column + 1) if where else (1, 1)
        what = exc.problem or exc.context or "invalid YAML"
        problem = Problem(Mark(name, line, col), f"YAML syntax error: {what}")
        raise DefinitionError([problem]) from None
    except yaml.YAMLError as exc:
        raise DefinitionError([Problem(Mark(name, 1, 1), f"YAML error: {exc}")]) from None
    finally:
        loader.dispose()
    if problems:
        raise DefinitionError(problems)
    return result


def load_file(path: Path, name: str | None = None) -> Y:
    """Parse the YAML file at `path`; `name` is how errors refer to it."""
    shown = name or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        problem = Problem(Mark(shown, 1, 1), f"cannot read the file: {exc}")
        raise DefinitionError([problem]) from None
    return parse(text, shown)
