"""Property-based tests of the loader and the validator (Hypothesis).

1. Whatever the text or bytes, nothing escapes as an exception and every problem is placed inside the file.
2. Any card the schema allows, written out as YAML, validates cleanly and comes back unchanged, both when
   reloaded from YAML and through the JSON export.

Four kinds of input once broke property 1 (Unicode line separators, CR line endings, numerals too long for
int(), and control characters after non-ASCII text); the general strategies draw them, and the tests at the
end pin each one.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from evidence_fixture import CARD, VOCAB, write_evidence
from whatworks.diagnostics import Diagnostic
from whatworks.export import data_files
from whatworks.load import load_file, load_text
from whatworks.model import CONCERNS, EFFECTS, LEVELS, Card
from whatworks.validate import validate

GOOD = CARD.format(id="broken")
LINE_BREAK = re.compile(r"\r\n|\r|\n")
SAFE = settings(deadline=None, database=None)
"""No deadline: a first example pays for imports and caches. No database: nothing is written into the repository."""
SHARED_DIR = [*settings().suppress_health_check, HealthCheck.function_scoped_fixture]
"""The evidence folder is made once per test and each example overwrites its one card: resetting it per example
is what the check asks for, and is done by hand (see _place)."""

_UNICODE = st.characters(blacklist_categories=("Cs",))
_ASCII = st.characters(max_codepoint=0x7F)

def _editor_lines(text: str) -> list[str]:
    """The file's lines as an editor shows them; a BOM is not part of the first line."""
    return LINE_BREAK.split(text.removeprefix("\ufeff"))


def _assert_inside(diagnostics: list[Diagnostic], text: str, path_suffix: str = "") -> None:
    lines = _editor_lines(text)
    for d in diagnostics:
        if not d.path.endswith(path_suffix):
            continue
        assert d.line >= 1 and d.col >= 1, d
        assert d.line <= len(lines) + 1, (d, len(lines))
        width = len(lines[d.line - 1]) if d.line <= len(lines) else 0
        assert d.col <= width + 1, (d, width)
        assert d.code.startswith("WW") and d.message, d


class _Yaml12Dumper(yaml.SafeDumper):
    """PyYAML writes YAML 1.1: it leaves '1e5', '-.5' and '09' plain, which whatworks reads (as YAML 1.2 does)
    as numbers. These resolvers make the dumper quote them, as any tool that writes cards must."""


_Yaml12Dumper.add_implicit_resolver("tag:yaml.org,2002:int", re.compile(r"^[-+]?[0-9]+$"), list("-+0123456789"))
_Yaml12Dumper.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^(?:[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?|[-+]?[0-9]+[eE][-+]?[0-9]+)$"),
    list("-+.0123456789"))


def dump(value: Any, **options: Any) -> str:
    return yaml.dump(value, Dumper=_Yaml12Dumper, sort_keys=False, allow_unicode=True, **options)


scalars = (st.none() | st.booleans() | st.integers(-10**12, 10**12) | st.floats(allow_nan=False)
           | st.text(_UNICODE | _ASCII, max_size=30))
keys = st.text(_UNICODE | _ASCII, max_size=12) | st.integers() | st.booleans()
documents = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=4),
                         max_leaves=25)
rendered = st.builds(lambda value, flow, width: dump(value, default_flow_style=flow, width=width),
                     documents, st.none() | st.booleans(), st.integers(20, 200))
garbage = st.text(_UNICODE, max_size=300) | st.text(_ASCII, max_size=300)
_YAML_NOISE = [*":-?[]{},#&*!|>'\"%@` \t\n", "---\n", "  ", "\n  - ", ": ", "!!python/object ", "&a ", "*a"]
_NOISE = {True: st.sampled_from([*_YAML_NOISE, "\x00", "\x07", "\x1b"]),
          False: st.sampled_from([*_YAML_NOISE, "\ufeff", "\u202e", "\u200b", "é", "\U0001f600"])}


@st.composite
def mutated_cards(draw: st.DrawFn) -> str:
    """The valid card with a few characters inserted, deleted or replaced: broken in the ways people break it."""
    text = GOOD
    noise = _NOISE[draw(st.booleans())] | _NOISE[draw(st.booleans())]
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        cut = draw(st.integers(0, 3))
        text = text[:at] + draw(noise | st.just("")) + text[at + cut:]
    return text


yaml_texts = rendered | garbage | mutated_cards()


@pytest.fixture(scope="module")
def evidence(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A valid evidence base with no cards: each example writes its own."""
    return write_evidence(tmp_path_factory.mktemp("properties"), cards={})


def _place(evidence: Path, name: str, data: bytes) -> Path:
    cards = evidence / "cards"
    shutil.rmtree(cards)
    cards.mkdir()
    path = cards / name
    path.write_bytes(data)
    return path


@settings(SAFE, max_examples=600)
@given(yaml_texts)
def test_load_text_never_raises_and_places_every_problem_inside(text: str) -> None:
    result = load_text(text, Path("cards/x.yml"))
    assert (result.document is None) == bool(result.diagnostics)
    _assert_inside(result.diagnostics, text)


@settings(SAFE, max_examples=300)
@given(st.binary(max_size=300) | yaml_texts.map(lambda t: t.encode("utf-8")))
def test_load_file_never_raises_on_any_bytes(tmp_path_factory: pytest.TempPathFactory, raw: bytes) -> None:
    path = tmp_path_factory.getbasetemp() / "raw.yml"
    path.write_bytes(raw)
    result = load_file(path)
    assert (result.document is None) == bool(result.diagnostics)
    _assert_inside(result.diagnostics, raw.decode("utf-8", errors="replace"))

@settings(SAFE, max_examples=300, suppress_health_check=SHARED_DIR)
@given(yaml_texts)
def test_validate_never_raises_and_places_every_problem_inside(evidence: Path, text: str) -> None:
    _place(evidence, "broken.yml", text.encode("utf-8"))
    result = validate(evidence)
    assert (result.base is None) == bool(result.errors)
    _assert_inside(list(result.diagnostics), text, "cards/broken.yml")


_FORBIDDEN = "{}<[&"
"""The characters the markup checks start from; valid text simply avoids them."""
_TEXT = st.characters(blacklist_categories=("Cc", "Cs", "Co", "Cn", "Cf", "Zl", "Zp"),
                      blacklist_characters=_FORBIDDEN) | st.sampled_from(" \n")


def text(low: int, high: int) -> st.SearchStrategy[str]:
    """Text of an allowed length; long texts cost generation time and find nothing short ones do not."""
    return st.text(_TEXT, min_size=low, max_size=min(high, low + 40))


def terms(vocabulary: str) -> st.SearchStrategy[str]:
    return st.sampled_from([term for term, _ in VOCAB[vocabulary]])


slugs = st.lists(st.text("abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=10), min_size=1,
                 max_size=4).map("-".join)
"""Lowercase slugs (SLUG_PATTERN) built from parts: quicker than st.from_regex, and at most 43 characters."""
_EFFECT_NEEDS = {"benefit": ("benefit",), "challenge": ("risk",), "mixed": ("benefit", "risk")}


@st.composite
def cards(draw: st.DrawFn) -> dict[str, Any]:
    """A card the schema allows, as plain data, in the field order of the model (as model_dump gives it)."""
    effect = draw(st.sampled_from(EFFECTS))
    entry = st.fixed_dictionaries({"source": st.just("report-2021"), "locator": text(3, 200),
                                   "quote": text(10, 2000)}, optional={"group": text(1, 60)})
    card: dict[str, Any] = {
        "id": draw(slugs),
        "title": draw(text(10, 120)),
        "statement": draw(text(20, 600)),
        "approach": draw(terms("approaches")),
        "objectives": draw(st.lists(terms("objectives"), min_size=1, max_size=10)),
        "effect": effect,
    }
    for name in ("benefit", "risk"):
        if name in _EFFECT_NEEDS[effect] or draw(st.booleans()):
            card[name] = draw(text(10, 400))
    card["themes"] = draw(st.lists(terms("themes"), min_size=1, max_size=10))
    card["for_whom"] = {"populations": draw(st.lists(terms("populations"), min_size=1, max_size=20)),
                        "settings": draw(st.lists(terms("settings"), max_size=20))}
    if draw(st.booleans()):
        card["mechanism"] = draw(text(20, 800))
    card["evidence"] = draw(st.lists(entry, min_size=1, max_size=3))
    card["confidence"] = draw(st.fixed_dictionaries({
        "level": st.sampled_from(LEVELS),
        "methodological_limitations": st.sampled_from(CONCERNS),
        "coherence": st.sampled_from(CONCERNS),
        "adequacy": st.sampled_from(CONCERNS),
        "relevance": st.sampled_from(CONCERNS),
        "explanation": text(10, 300),
    }))
    card["tags"] = draw(st.lists(slugs, max_size=20))
    return card


def _ordered(record: dict[str, Any]) -> dict[str, Any]:
    """A record's fields in the model's order, for a readable diff when a round trip fails."""
    return {name: record[name] for name in Card.model_fields if name in record}


@settings(SAFE, max_examples=150, suppress_health_check=SHARED_DIR)
@given(cards(), st.none() | st.booleans(), st.integers(20, 200))
def test_a_valid_card_validates_and_round_trips_through_yaml_and_the_json_export(
    evidence: Path, card: dict[str, Any], flow: bool | None, width: int
) -> None:
    text = dump(card, default_flow_style=flow, width=width)
    _place(evidence, f"{card['id']}.yml", text.encode("utf-8"))

    result = validate(evidence)

    assert result.errors == [], text
    assert result.base is not None
    [loaded] = result.base.cards
    assert loaded.model_dump(exclude_none=True) == card

    [record] = json.loads(data_files(result.base)["cards.json"])["cards"]
    assert record.pop("url") == f"cards/{card['id']}/"
    assert record.pop("labels")["approach"] == dict(VOCAB["approaches"])[card["approach"]]
    reloaded = Card.model_validate(record)
    assert reloaded == loaded
    assert _ordered(reloaded.model_dump(exclude_none=True)) == card


@settings(SAFE, max_examples=20)
@example("k: [a\u2028b\u2028c\u2028d]\nx: [1\n")
@given(st.sampled_from("\x85\u2028\u2029").map(lambda c: f"k: [a{c}b{c}c{c}d]\nx: [1\n"))
def test_positions_after_a_unicode_line_separator_are_inside_the_file(text: str) -> None:
    _assert_inside(load_text(text, Path("x.yml")).diagnostics, text)


@settings(SAFE, max_examples=20)
@example("id: x\rtitle: a\x07b\r")
@given(st.just("id: x\rtitle: a\x07b\r"))
def test_positions_in_a_file_with_cr_line_endings_are_inside_the_file(text: str) -> None:
    _assert_inside(load_text(text, Path("x.yml")).diagnostics, text)


@settings(SAFE, max_examples=20)
@example(5000)
@given(st.integers(4301, 20_000))
def test_a_numeral_longer_than_python_converts_is_a_diagnostic(digits: int) -> None:
    text = "title: " + "9" * digits + "\n"
    _assert_inside(load_text(text, Path("x.yml")).diagnostics, text)


@settings(SAFE, max_examples=20)
@example("\xa0\xa1\x1f")
@example("statement: V\xe4ter \u2013 \u201conline\u201d\neffect: bene\x1bfit\n")
@given(st.text(st.characters(min_codepoint=0x100, max_codepoint=0xD7FF), min_size=3, max_size=20)
       .map(lambda prose: f"title: {prose}\neffect: a\x07b\n"))
def test_a_control_character_after_non_ascii_text_is_placed_where_it_is(text: str) -> None:
    _assert_inside(load_text(text, Path("x.yml")).diagnostics, text)
