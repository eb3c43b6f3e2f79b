"""The YAML reader: yes/no stay strings, duplicates and syntax errors are reported with marks."""

from __future__ import annotations

from pathlib import Path

import pytest

from heel_bot.errors import DefinitionError, Mark
from heel_bot.yamlsrc import Y, load_file, parse


def problems_of(text: str, name: str = "f.yaml") -> list[str]:
    with pytest.raises(DefinitionError) as info:
        parse(text, name)
    return [str(p) for p in info.value.problems]


def plain(y: Y) -> object:
    if isinstance(y.value, dict):
        return {k: plain(v) for k, v in y.value.items()}
    if isinstance(y.value, list):
        return [plain(v) for v in y.value]
    return y.value


@pytest.mark.parametrize("word", ["yes", "no", "on", "off", "Yes", "NO", "On", "OFF", "y", "n"])
def test_yes_no_on_off_stay_strings(word: str) -> None:
    y = parse(f"a: {word}\nb: [{word}]\n", "f.yaml")
    assert plain(y) == {"a": word, "b": [word]}
    assert y.value["a"].kind == "string"  # type: ignore[index]


@pytest.mark.parametrize(("word", "value"), [("true", True), ("false", False), ("True", True),
                                             ("FALSE", False)])
def test_true_false_are_booleans(word: str, value: bool) -> None:
    y = parse(f"a: {word}\n", "f.yaml")
    a = y.value["a"]  # type: ignore[index]
    assert a.value is value
    assert a.kind == "boolean"


def test_other_scalars() -> None:
    y = parse("i: 3\nf: 1.5\nn: ~\ns: '3'\nd: 2024-01-02\nq: \"yes\"\n", "f.yaml")
    assert plain(y) == {"i": 3, "f": 1.5, "n": None, "s": "3", "d": "2024-01-02", "q": "yes"}
    kinds = {k: v.kind for k, v in y.value.items()}  # type: ignore[union-attr]
    assert kinds == {"i": "number", "f": "number", "n": "nothing (null)", "s": "string",
                     "d": "string", "q": "string"}


def test_duplicate_keys_refused_with_line_and_column() -> None:
    found = problems_of("a: 1\nb:\n  c: 2\n  c: 3\n")
    assert found == ["f.yaml:4:3: duplicate key 'c' (first at line 3); each key may appear once"]


def test_duplicate_top_level_key_in_flow_mapping() -> None:
    found = problems_of("x: {k: 1, k: 2}\n")
    assert len(found) == 1
    assert found[0].startswith("f.yaml:1:11: duplicate key 'k'")


def test_every_duplicate_is_reported() -> None:
    found = problems_of("a: 1\na: 2\nb: {c: 1, c: 2}\n")
    assert [p.split(": ", 1)[0] for p in found] == ["f.yaml:2:1", "f.yaml:3:11"]


def test_non_string_key_refused() -> None:
    found = problems_of("1: a\n")
    assert found == ["f.yaml:1:1: a key must be a string, not a number; quote it"]


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("a: b: c\n", "f.yaml:1:5"),
        ("a:\n\tb: 1\n", "f.yaml:2:1"),
        ("- a\nb: 1\n", "f.yaml:2:1"),
        ("a: [1, 2\nb: 3\n", "f.yaml:2:2"),
    ],
)
def test_syntax_error_names_file_line_column(text: str, where: str) -> None:
    found = problems_of(text)
    assert len(found) == 1
    assert found[0].startswith(f"{where}: YAML syntax error: ")


def test_unclosed_quote_is_a_syntax_error() -> None:
    (found,) = problems_of("a: 'x\n")
    assert found.startswith("f.yaml:")
    assert "YAML syntax error" in found


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n"])
def test_empty_file_refused(text: str) -> None:
    assert problems_of(text) == ["f.yaml:1:1: the file is empty"]


def test_marks_are_one_based_and_point_at_values_and_keys() -> None:
    text = "top:\n  key: value\n  list:\n    - first\n    - {x: 1}\n"
    y = parse(text, "f.yaml")
    assert y.mark == Mark("f.yaml", 1, 1)
    top = y.value["top"]  # type: ignore[index]
    assert y.key_mark("top") == Mark("f.yaml", 1, 1)
    assert top.mark == Mark("f.yaml", 2, 3)
    assert top.key_mark("key") == Mark("f.yaml", 2, 3)
    assert top.value["key"].mark == Mark("f.yaml", 2, 8)
    lst = top.value["list"]
    assert lst.mark == Mark("f.yaml", 4, 5)
    first, flow = lst.value
    assert first.mark == Mark("f.yaml", 4, 7)
    assert flow.mark == Mark("f.yaml", 5, 7)
    assert flow.key_mark("x") == Mark("f.yaml", 5, 8)
    assert flow.value["x"].mark == Mark("f.yaml", 5, 11)
    assert str(first.mark) == "f.yaml:4:7"


def test_key_mark_of_an_absent_key_is_the_mapping() -> None:
    y = parse("a: 1\n", "f.yaml")
    assert y.key_mark("nope") == y.mark


def test_merge_keys_and_aliases() -> None:
    y = parse("base: &b {x: 1}\nd:\n  <<: *b\n  y: 2\n", "f.yaml")
    assert plain(y) == {"base": {"x": 1}, "d": {"x": 1, "y": 2}}


def test_recursive_alias_is_refused_not_a_crash() -> None:
    (found,) = problems_of("a: &x [1, *x]\n")
    assert found.startswith("f.yaml:1:4: ")  # the anchored value that contains itself
    assert "recursive alias" in found


def test_many_aliases_do_not_blow_up() -> None:
    # The "billion laughs": each level refers to the previous one nine times.
    lines = ["l0: &l0 [a, a, a, a, a, a, a, a, a]"]
    for i in range(1, 12):
        refs = ", ".join([f"*l{i - 1}"] * 9)
        lines.append(f"l{i}: &l{i} [{refs}]")
    y = parse("\n".join(lines) + "\n", "f.yaml")
    assert isinstance(y.value, dict)
    assert len(y.value) == 12


def test_load_file_uses_the_given_name(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("a: 1\na: 2\n", encoding="utf-8")
    with pytest.raises(DefinitionError) as info:
        load_file(path, "shown/x.yaml")
    assert str(info.value).startswith("shown/x.yaml:2:1: duplicate key 'a'")


def test_load_file_missing_or_not_utf8(tmp_path: Path) -> None:
    with pytest.raises(DefinitionError) as info:
        load_file(tmp_path / "missing.yaml", "missing.yaml")
    assert str(info.value).startswith("missing.yaml:1:1: cannot read the file")
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(b"a: \xff\xfe\n")
    with pytest.raises(DefinitionError) as info:
        load_file(bad, "bad.yaml")
    assert str(info.value).startswith("bad.yaml:1:1: cannot read the file")


def test_error_lists_problems_in_file_order() -> None:
    found = problems_of("b: 1\nb: 2\na: 1\na: 2\n")
    assert [f.split(":")[1] for f in found] == ["2", "4"]
