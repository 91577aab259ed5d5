"""The loader: plain data, real positions, and every unsafe YAML construct refused."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from whatworks.load import MAX_BYTES, Document, Span, load_file, load_text, read_file


def load(text: str) -> tuple[object, list[tuple[int, int, str, str]]]:
    result = load_text(text, Path("f.yml"))
    data = result.document.data if result.document else None
    return data, [(d.line, d.col, d.code, d.message) for d in result.diagnostics]


def test_scalars_follow_yaml_1_2_so_no_stays_text() -> None:
    data, problems = load('a: 1\nb: no\nc: "2"\nd: 2021-06-01\ne: 1.5\nf: ~\ng: true\nh: yes\ni: [1, {x: off}]\n')
    assert problems == []
    assert data == {"a": 1, "b": "no", "c": "2", "d": "2021-06-01", "e": 1.5, "f": None, "g": True, "h": "yes",
                    "i": [1, {"x": "off"}]}


def test_positions_are_one_based_for_keys_and_values() -> None:
    result = load_text("id: x\nevidence:\n  - source: s\n    quote: hello there\n", Path("f.yml"))
    assert result.document is not None
    assert result.document.span(("evidence", 0, "quote")) == Span(4, 12)
    assert result.document.span(("evidence", 0, "quote"), key=True) == Span(4, 5)
    assert result.document.span(("evidence", 0, "missing")) == Span(3, 5)


@pytest.mark.parametrize(("text", "expected"), [
    ("a: &x 1\nb: *x\n", [(1, 4, "WW103", "anchor '&x' is not allowed"), (2, 4, "WW103", "alias '*x' is not allowed")]),
    ("a: !!python/object:os.system x\n", [(1, 4, "WW104", "YAML tag '!!python/object:os.system' is not allowed")]),
    ("a: !custom [1]\n", [(1, 4, "WW104", "YAML tag '!custom' is not allowed")]),
    ("a: 1\n---\nb: 2\n", [(2, 1, "WW109", "file holds more than one YAML document")]),
    ("a: 1\na: {x: 1}\n", [(2, 1, "WW102", "duplicate key 'a'")]),
    ("? [a]\n: 1\n", [(1, 3, "WW111", "keys must be plain text field names")]),
    ("2021: x\n", [(1, 1, "WW111", "keys must be plain text field names")]),
    ("just text\n", [(1, 1, "WW110", "the file holds a single value; it must be a mapping of field names to values")]),
    ("a:\n\t- b\n", [(2, 1, "WW105", "tab character used for indentation")]),
    ("# only a comment\n", [(1, 1, "WW107", "file is empty (it holds only comments)")]),
    ("a: \x07b\n", [(1, 4, "WW106", "character U+0007 is not allowed in YAML")]),
    ("a: [1, 2\n", [(2, 1, "WW101", "invalid YAML: did not find expected ',' or ']'")]),
    ('a: "open\nb: 2\nc: 3\n', [(1, 4, "WW101", "invalid YAML: this quoted text is never closed")]),
])
def test_unsafe_or_broken_yaml_is_reported_at_its_position(
    text: str, expected: list[tuple[int, int, str, str]]
) -> None:
    data, problems = load(text)
    assert data is None
    assert problems == expected


def test_an_alias_bomb_is_refused_quickly_without_expanding() -> None:
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    data, problems = load("\n".join(lines) + "\n")
    assert data is None
    assert problems[0] == (1, 5, "WW103", "anchor '&a0' is not allowed")
    assert 1 < len(problems) <= 50


def test_encodings(tmp_path: Path) -> None:
    cases = {
        "latin1.yml": (b"title: caf\xe9\n", (1, 11, "WW106", "file is not valid UTF-8: byte 0xe9 cannot be decoded")),
        "utf16.yml": ("title: x\n".encode("utf-16"), (1, 1, "WW106", "file is UTF-16, not UTF-8")),
        "nul.yml": (b"title: a\x00b\n", (1, 9, "WW106", "file contains a NUL byte; it is binary, not text")),
    }
    for name, (raw, expected) in cases.items():
        (tmp_path / name).write_bytes(raw)
        result = load_file(tmp_path / name)
        assert result.document is None
        d = result.diagnostics[0]
        assert (d.line, d.col, d.code, d.message) == expected, name
    (tmp_path / "bom.yml").write_bytes(b"\xef\xbb\xbftitle: ok\n")
    bom = load_file(tmp_path / "bom.yml")
    assert bom.document is not None and bom.document.data == {"title": "ok"}


def test_size_limit_and_unreadable_files(tmp_path: Path) -> None:
    big = tmp_path / "big.yml"
    big.write_bytes(b"a: " + b"x" * MAX_BYTES + b"\n")
    d = load_file(big).diagnostics[0]
    assert (d.code, d.message) == ("WW108", f"file is {MAX_BYTES + 4:,} bytes; the limit is 1,048,576 (1 MiB)")
    d = load_file(tmp_path / "absent.yml").diagnostics[0]
    assert (d.code, d.message) == ("WW100", "cannot read file: No such file or directory")


def test_files_whose_size_the_system_does_not_know_are_read_whole(tmp_path: Path) -> None:
    status = Path("/proc/self/status")
    if not status.exists():
        pytest.skip("no /proc")
    assert status.stat().st_size == 0
    text, problems = read_file(status, "status")
    assert problems == [] and text is not None and "Pid:" in text and text.endswith("\n")
    folder = tmp_path / "folder.yml"
    folder.mkdir()
    d = load_file(folder).diagnostics[0]
    assert (d.code, d.message) == ("WW100", "cannot read file: Is a directory")
    exact = tmp_path / "exact.yml"
    exact.write_bytes(b"a: " + b"x" * (MAX_BYTES - 4) + b"\n")
    assert load_file(exact).document is not None


def test_empty_file() -> None:
    assert load("")[1] == [(1, 1, "WW107", "file is empty")]
    assert load("   \n\n")[1] == [(1, 1, "WW107", "file is empty")]


def _get_by_definition(data: Any, loc: tuple[str | int, ...]) -> Any:
    value = data
    for step in loc:
        in_list = isinstance(step, int) and isinstance(value, list) and 0 <= step < len(value)
        in_dict = isinstance(step, str) and isinstance(value, dict) and step in value
        if not (in_list or in_dict):
            return None
        value = value[step]
    return value


_KEYS = st.sampled_from(["a", "b", "evidence", "0"])
_VALUES = st.recursive(st.none() | st.integers(-2, 2) | st.text(max_size=2),
                       lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_KEYS, inner, max_size=3),
                       max_leaves=12)


@given(st.dictionaries(_KEYS, _VALUES, max_size=4), st.lists(_KEYS | st.integers(-1, 3), max_size=4))
def test_get_follows_keys_and_indexes_or_gives_none(data: dict[str, Any], loc: list[str | int]) -> None:
    document = Document(Path("x.yml"), data)
    assert document.get(tuple(loc)) == _get_by_definition(data, tuple(loc))
