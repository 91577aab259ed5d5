"""The loader's fast path (rapidyaml) must give exactly what the strict libyaml path gives, or step aside.

The differential tests feed both paths real evidence files, mutated real files and generated documents in
every scalar style, and fail on any text the fast path takes but reads differently (or at all, when the
strict path refuses it). Types are compared exactly: 1 is not 1.0, True is not 1.
"""

from __future__ import annotations

import random
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from evidence_fixture import CARD
from fuzz_fastyaml import document, mutate, same
from whatworks import fastyaml
from whatworks.load import _build, load_text

ROOT = Path(__file__).resolve().parents[1]
REAL_FILES = sorted((ROOT / "evidence").rglob("*.yml"))
SEEDS = [path.read_text(encoding="utf-8") for path in REAL_FILES] + [CARD.format(id="x")]


def strict(text: str) -> dict[str, Any] | None:
    data, problems = _build(text, "x.yml")
    return None if problems else data


def assert_agrees(text: str) -> bool:
    """The fast path's answer equals the strict path's whenever it gives one; True when it gave one."""
    fast = fastyaml.load(text)
    if fast is None:
        return False
    expected = strict(text)
    assert expected is not None, f"fast path took text the strict loader refuses:\n{text}"
    assert same(fast, expected), f"fast path read differently:\n{text}\nfast: {fast!r}\nstrict: {expected!r}"
    return True


def test_every_real_card_source_and_vocabulary_takes_the_fast_path_and_reads_the_same() -> None:
    assert len(REAL_FILES) > 40
    refused = {path.relative_to(ROOT / "evidence").as_posix() for path in REAL_FILES
               if not assert_agrees(path.read_text(encoding="utf-8"))}
    # Only the dataset, whose answer scale is written as flow mappings ({value: 1, ...}), is left to libyaml.
    assert refused == {"datasets/oneplusone-2021-survey-table-1.yml"}


def test_load_text_marks_fast_documents_plain_and_strict_ones_not() -> None:
    fast = load_text(CARD.format(id="x"), Path("x.yml")).document
    slow = load_text(CARD.format(id="x") + "extra: !!str tagged\n", Path("x.yml"))
    assert fast is not None and fast.plain
    assert slow.document is None and slow.diagnostics[0].code == "WW104"


@pytest.mark.parametrize("text", [
    "a: &x 1\nb: *x\n",  # anchor and alias
    "a: !!str 1\n",  # tag
    "a: ! 1\n",  # non-specific tag
    "%YAML 1.2\n---\na: 1\n",  # directive
    "a: 1\n---\nb: 2\n",  # second document
    "---\na: 1\n",  # document marker
    "a: 1\n...\n",
    "a:\t1\n",  # tab
    'a: "x\\ty"\n',  # escape
    "a: x\x01\n",  # control character
    "a: x\u2028y\n",  # line separator
    "a: x\u00a0y\n",  # non-breaking space
    "a: 1\na: 2\n",  # duplicate key
    "a:\n- b: 1\n  b: 2\n", "a:\n  b: [x]\n  b: [y]\n", "a:\n  b:\n    c: 1\n  b:\n    c: 1\n",  # nested ones
    "a: ~\n", "a: 007\n", "a: Null\n", "a: True\n", "a: .inf\n", "a: -inf\n", "a: .NaN\n",  # resolved differently
    'a: "1"\n', "a: 'true'\n", 'a: ""\n', "a: [1, '2']\n",  # quoted: the JSON cannot tell
    "1: a\n", '"": a\n',  # keys that are not plain text
    ": x\n",  # empty key, which rapidyaml allows
    "a: [x, :y]\n", "a: [x:y]\n", "a: [x, y] # c\n", "a: [x, # c\n  y]\n", "a: [x,\n  y]\n",  # flow quirks
    "a: [[x]]\n", "a: {b: c}\n", "a: [- x]\n", "a: [x, ]\n",
    "a: ]x\n", "]a: 1\n", "a: x\n}b: 1\n", "a: ,x\n",
    "a: |2\n   x\n", "a: >1\n  x\n", "a: > x\n",  # indentation indicators, text after a header
    # found by differential fuzzing, each read differently by the two parsers or refused by libyaml alone:
    "a:  ]\n", "a:  [x, y:]\n",  # a bracket after ':' and two spaces begins a value too
    "a: 'x\n  y': []\n", '"k": v\n',  # a quoted key (rapidyaml reads one that spans lines, libyaml refuses it)
    "a: >\n  x", "a: |\n  x\n\n   y",  # a block scalar that ends the file with no line break
    "? a\n: 1\n",  # complex key
    "a: @x\n", "a: `x\n",  # reserved indicators
    "k" * 1001 + ": v\n", "a:\n  - " + "k" * 1001 + ": v\n",  # keys longer than libyaml may allow
    "a:\n" + "".join(" " * (2 * i) + f"k{i}:\n" for i in range(1, 22)) + " " * 44 + "v: 1\n",  # deep nesting
    "- a\n- b\n",  # not a mapping
    "a: [" + ", ".join("x" for _ in range(70)) + "]\n" + "b: [x]\n" * 70,  # many lists
])
def test_what_the_fast_path_refuses(text: str) -> None:
    assert fastyaml.load(text) is None


@pytest.mark.parametrize(("text", "expected"), [
    ("a: 1\nb: 1.0\nc: 1e3\nd: -0\ne: true\nf: false\ng:\nh: null\n",
     {"a": 1, "b": 1.0, "c": 1000.0, "d": 0, "e": True, "f": False, "g": None, "h": None}),
    ("a: yes\nb: no\nc: 0x1F\nd: 1_000\ne: 2021-01-01\n",
     {"a": "yes", "b": "no", "c": "0x1F", "d": "1_000", "e": "2021-01-01"}),
    ("a: >-\n  one\n  two\n\n  three\nb: |\n  x\n   y\n", {"a": "one two\nthree", "b": "x\n y\n"}),
    ("a: it's ok!\nb: 'quoted: yes'\nc: \"say 'hi'\"\nd: x # comment\n",
     {"a": "it's ok!", "b": "quoted: yes", "c": "say 'hi'", "d": "x"}),
    ("a: [x, y z, 3]\nb: 'see [1] and [2]'\nc: text [with] brackets\n",
     {"a": ["x", "y z", 3], "b": "see [1] and [2]", "c": "text [with] brackets"}),
    ("a: []\nb: [x]\n", {"a": [], "b": ["x"]}),
    ("i: 123456789012345678901234567890\nj: -98765432109876543210\nf: 1.5e-7\ng: 0.1\nh: 1e400\nk: 2.5E+3\n",
     {"i": 123456789012345678901234567890, "j": -98765432109876543210, "f": 1.5e-7, "g": 0.1, "h": float("inf"),
      "k": 2500.0}),
])
def test_values_and_types_match_the_strict_loader(text: str, expected: dict[str, Any]) -> None:
    fast = fastyaml.load(text)
    assert fast is not None and same(fast, expected) and same(fast, strict(text))


@pytest.mark.parametrize(("text", "code"), [
    ("a: b: c\n", "WW101"),  # rapidyaml's parse error
    ("a:\n" + "- " * 100 + "x\n", None),  # nested deeper than rapidyaml's writer goes: libyaml reads it
])
def test_rapidyaml_errors_leave_stderr_clean_and_fall_back(capfd: pytest.CaptureFixture[str], text: str,
                                                           code: str | None) -> None:
    assert fastyaml.load(text) is None
    result = load_text(text, Path("x.yml"))
    captured = capfd.readouterr()
    assert captured.err == "" and captured.out == ""
    assert [d.code for d in result.diagnostics] == ([code] if code else [])


def test_without_rapidyaml_everything_takes_the_strict_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fastyaml, "ryml", None)
    result = load_text(CARD.format(id="x"), Path("x.yml"))
    assert result.document is not None and not result.document.plain
    assert result.document.data["id"] == "x"


@settings(deadline=None, database=None, max_examples=3000)
@given(st.randoms(use_true_random=False), st.sampled_from(SEEDS))
def test_mutated_real_files_read_the_same_or_are_refused(rng: random.Random, seed: str) -> None:
    assert_agrees(mutate(rng, seed))


@settings(deadline=None, database=None, max_examples=3000)
@given(st.randoms(use_true_random=False))
def test_generated_documents_in_every_scalar_style_read_the_same_or_are_refused(rng: random.Random) -> None:
    text = document(rng, quoted_keys=False)
    if rng.random() < 0.2:
        text = mutate(rng, text)
    assert_agrees(text)


def test_the_generators_reach_the_fast_path() -> None:
    """The differential tests prove something only if the fast path takes a fair share of their texts."""
    rng = random.Random(1)
    mutated = sum(fastyaml.load(mutate(rng, rng.choice(SEEDS))) is not None for _ in range(400))
    generated = [document(rng, quoted_keys=False) for _ in range(400)]
    taken = [text for text in generated if fastyaml.load(text) is not None]
    block = [text for text in taken if ": |" in text or ": >" in text or "- |" in text or "- >" in text]
    assert mutated > 80, mutated
    assert len(taken) > 20 and len(block) > 5, (len(taken), len(block))


def test_the_ascii_control_check_refuses_exactly_what_isprintable_refuses() -> None:
    for code in range(128):
        text = f"id: a{chr(code)}b\n"
        raw = text.encode("ascii")
        assert (len(raw.translate(None, fastyaml._CONTROL_BYTES)) == len(raw)) == (
            text.replace("\n", " ").isprintable()), code


_NODE_START_RULE = re.compile(
    r"\\"
    r"|&(?<=[\n \[{,]&)|\*(?<=[\n \[{,]\*)|!(?<=[\n \[{,]!)|%(?<=[\n \[{,]%)|@(?<=[\n \[{,]@)"
    r"|`(?<=[\n \[{,]`)|\?(?<=[\n \[{,]\?)"
    r"|\|(?<=[\n\[{,]\|)|\|(?<= \|)(?![-+]?\n)|>(?<=[\n\[{,]>)|>(?<= >)(?![-+]?\n)"
)
"""The rule `_node_start` implements, as one regular expression (what the fast path first used)."""


_QUOTED_KEY_RULE = re.compile(r"""['"] *:(?:[ \n]|$)""")
"""The rule `_quoted_key` implements, as one regular expression."""


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet="ab :'\"\n", max_size=30))
def test_quoted_key_is_the_rule(text: str) -> None:
    assert fastyaml._quoted_key(text) == bool(_QUOTED_KEY_RULE.search(text))


def _starts_value_by_definition(text: str, at: int) -> bool:
    before = text[text.rfind("\n", 0, at) + 1:at]
    return not before.strip(" ") or re.search(r"[:-] +$", before) is not None


_RULE_TEXT = st.text(alphabet="ab :-\n[]{},&*!%@`?|>+\\", max_size=30)


@settings(max_examples=3000, deadline=None)
@given(_RULE_TEXT)
def test_node_start_is_the_rule(text: str) -> None:
    assert fastyaml._node_start(text) == bool(_NODE_START_RULE.search(text))


@settings(max_examples=1000, deadline=None)
@given(_RULE_TEXT, st.integers(0, 30))
def test_starts_value_is_the_rule(text: str, at: int) -> None:
    assume(at < len(text))
    assert fastyaml._starts_value(text, at) == _starts_value_by_definition(text, at)
