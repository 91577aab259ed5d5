"""Check a dataset's CSV against its description: every cell present, counts and percentages agree."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from .diagnostics import Diagnostic
from .model import Dataset

HEADER = ["statement_id", "response", "count", "percent"]
PERCENT_TOLERANCE = 1.0
"""Printed percentages may differ from count/answered by up to one point: reports round and force totals to 100."""


@dataclass(frozen=True)
class Cell:
    statement: str
    response: str
    count: int
    percent: float


@dataclass(frozen=True)
class DatasetTable:
    """A dataset's description with its checked rows, in the description's order."""

    meta: Dataset
    cells: tuple[Cell, ...]

    def answered(self, statement: str) -> int:
        return sum(c.count for c in self.cells if c.statement == statement)


def row_breaks(row: list[str]) -> int:
    """Line breaks inside quoted values: csv's line_num is the row's last line, not its first."""
    return sum(value.count("\n") for value in row)


def check_dataset(meta: Dataset, csv_path: Path, shown: str) -> tuple[DatasetTable | None, list[Diagnostic]]:
    def problem(line: int, col: int, code: str, message: str, hint: str | None = None) -> Diagnostic:
        return Diagnostic(shown, line, col, code, message, hint=hint)

    try:
        text = csv_path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        return None, [problem(1, 1, "WW601", f"cannot read the dataset file: {exc.strerror or exc}",
                              f"put {meta.file} beside {meta.id}.yml")]
    except UnicodeDecodeError:
        return None, [problem(1, 1, "WW601", "the dataset file is not UTF-8", "save it as UTF-8")]
    reader = csv.reader(io.StringIO(text))
    numbered: list[tuple[int, list[str]]] = []
    try:
        for row in reader:
            numbered.append((reader.line_num - row_breaks(row), row))
    except csv.Error as exc:
        return None, [problem(reader.line_num, 1, "WW601", f"the CSV file cannot be read: {exc}")]
    if not numbered or [h.strip() for h in numbered[0][1]] != HEADER:
        return None, [problem(1, 1, "WW601", "the first line must be the header " + ",".join(HEADER))]

    statements = {s.id for s in meta.statements}
    levels = [level.id for level in meta.scale]
    problems: list[Diagnostic] = []
    found: dict[tuple[str, str], Cell] = {}
    lines: dict[tuple[str, str], int] = {}
    for number, row in numbered[1:]:
        if not any(field.strip() for field in row):
            continue
        if len(row) != len(HEADER):
            problems.append(problem(number, 1, "WW601", f"expected {len(HEADER)} values, found {len(row)}"))
            continue
        statement, response, count_text, percent_text = (field.strip() for field in row)
        col = len(row[0]) + 2
        if statement not in statements:
            problems.append(problem(number, 1, "WW604", f"unknown statement '{statement}'"))
            continue
        if response not in levels:
            problems.append(problem(number, col, "WW604", f"unknown response level '{response}'",
                                    "one of " + ", ".join(levels)))
            continue
        try:
            count, percent = int(count_text), float(percent_text)
        except ValueError:
            problems.append(problem(number, col + len(row[1]) + 1, "WW601",
                                    f"count and percent must be numbers, not {count_text!r} and {percent_text!r}"))
            continue
        if count < 0 or not 0 <= percent <= 100:
            problems.append(problem(number, col + len(row[1]) + 1, "WW602", "counts and percentages cannot be "
                                    "negative, and percentages are at most 100"))
            continue
        if (statement, response) in found:
            problems.append(problem(number, 1, "WW602", f"'{statement}' / '{response}' appears twice"))
            continue
        found[(statement, response)] = Cell(statement, response, count, percent)
        lines[(statement, response)] = number

    cells: list[Cell] = []
    for item in meta.statements:
        row_cells = [found.get((item.id, level)) for level in levels]
        missing = [level for level, cell in zip(levels, row_cells, strict=True) if cell is None]
        if missing:
            problems.append(problem(1, 1, "WW602", f"'{item.id}' has no row for " + ", ".join(missing)))
            continue
        present = [cell for cell in row_cells if cell is not None]
        answered = sum(cell.count for cell in present)
        if answered > meta.n:
            problems.append(problem(1, 1, "WW602", f"'{item.id}' counts sum to {answered}, more than n = {meta.n}"))
        for cell in present:
            expected = 100 * cell.count / answered if answered else 0.0
            if abs(cell.percent - expected) >= PERCENT_TOLERANCE:
                problems.append(problem(lines[(cell.statement, cell.response)], 1, "WW603",
                                        f"'{item.id}' / '{cell.response}': {cell.count} of {answered} is "
                                        f"{expected:.1f}%, but the file says {cell.percent:g}%"))
        cells.extend(present)
    if problems:
        return None, problems
    return DatasetTable(meta, tuple(cells)), []
