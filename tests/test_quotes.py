"""Quote verification: normalised matching, elisions, the closest passage, and the real evidence."""

from __future__ import annotations

from pathlib import Path

import pytest

from whatworks.quotes import find, normalise
from whatworks.validate import validate

REPO = Path(__file__).resolve().parent.parent
TEXTS = REPO.parent / "shared" / "sources"


def test_normalise_folds_marks_dashes_ellipses_emphasis_and_space() -> None:
    assert normalise("*“It’s — here…”*\n\n  and   there") == "\"It's - here...\" and there"


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
