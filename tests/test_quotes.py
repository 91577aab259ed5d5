"""Quote verification: normalised matching, elisions, the closest passage, and the real evidence."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from whatworks.quotes import _ELLIPSIS, _TRANSLATE, SourceText, find, normalise
from whatworks.validate import validate

REPO = Path(__file__).resolve().parent.parent
TEXTS = REPO.parent / "shared" / "sources"


def test_normalise_folds_marks_dashes_ellipses_emphasis_and_space() -> None:
    assert normalise("*“It’s — here…”*\n\n  and   there") == "\"It's - here...\" and there"


def _reference_normalise(text: str) -> str:
    """The rule normalise() implements, written plainly; normalise() takes shortcuts for speed."""
    text = _ELLIPSIS.sub("...", text.translate(_TRANSLATE))
    return re.sub(r"\s+", " ", text).strip()


_QUOTE_CHARS = st.sampled_from(list(" .\n\t\r\u00a0\u2026*`'\u2019\u201c-\u2014ab\u2028\x1c\u3000\x0bé"))


@settings(deadline=None, database=None, max_examples=3000)
@given(st.text(_QUOTE_CHARS, max_size=30) | st.text(max_size=30))
@example(". . .")
@example(" a .. b ")
@example("a*b`c")
@example("x\u00a0. .y")
def test_normalise_equals_its_plain_definition(text: str) -> None:
    assert normalise(text) == _reference_normalise(text)


def test_a_quote_split_across_a_page_break_is_found() -> None:
    text = normalise("Building trusting relationships\n\nand practitioners as experts who could engage")
    assert find("Building trusting relationships and practitioners as experts", text) is None


def test_an_elided_quote_matches_when_its_parts_are_in_order() -> None:
    text = normalise("one two three four five six")
    assert find("one two ... five six", text) is None
    assert find("five six ... one two", text) is not None


def test_a_missing_quote_reports_the_closest_passage() -> None:
    text = normalise("Fathers preferred a digital approach as it was less confrontational, and so on.")
    miss = find("Fathers preferred a digital approach as it was less confronting", text)
    assert miss is not None
    assert miss.closest.startswith("Fathers preferred a digital approach as it was less confront")
    assert 85 <= miss.similarity < 100


@pytest.mark.skipif(not (TEXTS / "000_4bf4fa86c8ec8a82.txt").is_file(), reason="the report's text copy is absent")
def test_every_quote_in_the_real_evidence_is_in_its_source() -> None:
    result = validate(REPO / "evidence", TEXTS)
    quote_problems = [d for d in result.diagnostics if d.code.startswith("WW5")]
    assert quote_problems == []
    cards = len(list((REPO / "evidence" / "cards").glob("*.yml")))
    assert result.quotes_checked >= cards >= 40


_WORDS = st.lists(st.sampled_from(["a", "ab", "abc", "care", "cared", "caring", "and", "", "x.y"]), max_size=40)


@settings(max_examples=2000, deadline=None)
@given(_WORDS, st.integers(0, 200), st.integers(0, 80), st.sampled_from(["", " ", "d", "ab c"]))
def test_the_word_start_index_finds_exactly_what_a_scan_finds(words: list[str], start: int, length: int,
                                                              edit: str) -> None:
    text = " ".join(words)
    wanted = text[start:start + length] + edit  # often a real passage, sometimes one changed at its end
    assert (wanted in SourceText(text, index_after=0)) == (wanted in text)


def test_the_index_is_built_only_after_enough_lookups() -> None:
    source = SourceText("a text with several words in it, enough to look for", index_after=2)
    assert "with several words" in source and "not in this text at all" not in source
    assert source._starts is None  # two lookups, both answered by scanning
    assert "several words in it" in source
    assert source._starts is not None  # the third built the index, which answered it
    assert "not in this text at all" not in source and "look for" in source
