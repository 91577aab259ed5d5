"""The generated references: every field and code documented, bounds taken from the model, safe Markdown."""

from __future__ import annotations

import inspect
import os
import re
import subprocess
import sys
import types
import typing
from pathlib import Path
from typing import Any

import annotated_types
import markdown
import pytest
from pydantic import BaseModel, StringConstraints
from pydantic.fields import FieldInfo

from evidence_fixture import CARD, write_evidence
from whatworks import fieldref, model
from whatworks.diagnostics import CODES, Code
from whatworks.fieldref import FieldRow, code_span, codes_reference, escape_inline, field_reference, field_tables
from whatworks.validate import _CARD_TERMS, FOLDERS, validate

UNDOCUMENTED = {"StrictModel", "Question", "Questions", "PromiseRule"}
"""Models a contributor never writes (questions.yml is the maintainers'); everything else must be documented."""


def html(text: str) -> str:
    return markdown.markdown(text, extensions=["tables", "attr_list"])


def walk(cls: type[BaseModel], prefix: str = "") -> dict[str, tuple[type[BaseModel], str, FieldInfo]]:
    """Every field path of a model, found through its Python annotations (not the JSON Schema fieldref uses)."""
    paths: dict[str, tuple[type[BaseModel], str, FieldInfo]] = {}
    for name, info in cls.model_fields.items():
        path = f"{prefix}.{name}" if prefix else name
        paths[path] = (cls, name, info)
        for nested, is_list in nested_models(info.annotation):
            paths.update(walk(nested, path + ("[]" if is_list else "")))
    return paths


def nested_models(annotation: Any, in_list: bool = False) -> list[tuple[type[BaseModel], bool]]:
    if inspect.isclass(annotation) and issubclass(annotation, BaseModel):
        return [(annotation, in_list)]
    origin = typing.get_origin(annotation)
    found = []
    for arg in typing.get_args(annotation):
        found += nested_models(arg, in_list or origin is list)
    return found


def documented() -> dict[str, tuple[type[BaseModel], str, FieldInfo]]:
    paths = {}
    for kind in fieldref.KINDS:
        paths.update({f"{kind.folder}:{p}": v for p, v in walk(kind.model).items()})
    return paths


def rows() -> dict[str, FieldRow]:
    return {f"{t.kind.folder}:{r.path}": r for t in field_tables() for r in t.rows}


def bounds(annotation: Any, metadata: list[Any]) -> tuple[set[int], set[str]]:
    """Numbers and allowed values a field's type constrains it to, read from the annotation."""
    numbers: set[int] = set()
    values: set[str] = set()
    for item in metadata:
        if isinstance(item, StringConstraints) and item.pattern != model.SLUG_PATTERN:
            numbers |= {n for n in (item.min_length, item.max_length) if n is not None}
        elif isinstance(item, annotated_types.MinLen):
            numbers.add(item.min_length)
        elif isinstance(item, annotated_types.MaxLen):
            numbers.add(item.max_length)
        elif isinstance(item, annotated_types.Ge):
            numbers.add(int(item.ge))
        elif isinstance(item, annotated_types.Le):
            numbers.add(int(item.le))
    origin = typing.get_origin(annotation)
    if origin is typing.Literal:
        values |= {str(v) for v in typing.get_args(annotation)}
    elif origin is typing.Annotated:
        base, *extra = typing.get_args(annotation)
        more_numbers, more_values = bounds(base, extra)
        numbers |= more_numbers
        values |= more_values
    elif origin in (list, typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            more_numbers, more_values = bounds(arg, [])
            numbers |= more_numbers
            values |= more_values
    return numbers, values


def test_every_model_is_documented_or_deliberately_left_out() -> None:
    defined = {name for name, obj in vars(model).items()
               if inspect.isclass(obj) and issubclass(obj, BaseModel) and obj.__module__ == model.__name__}
    reached = {cls.__name__ for cls, _, _ in documented().values()}
    assert reached | UNDOCUMENTED == defined
    assert not reached & UNDOCUMENTED


def test_the_kinds_are_the_validators_folders() -> None:
    assert {k.folder: k.model for k in fieldref.KINDS} == FOLDERS


def test_every_field_has_a_row_and_every_row_a_field() -> None:
    assert sorted(rows()) == sorted(documented())


def test_every_field_has_a_description() -> None:
    missing = [path for path, (_, _, info) in documented().items() if not info.description]
    assert missing == [], "describe these fields in model.py: the description is the documentation"
    for path, row in rows().items():
        assert row.description and row.description != "—", path


def test_every_field_appears_in_the_rendered_reference() -> None:
    page = html(field_reference())
    for path, (_, _, info) in documented().items():
        row_path = path.split(":", 1)[1]
        assert f"<td><code>{row_path}</code></td>" in page, row_path
        assert " ".join(str(info.description).replace("`", "").split()) in html_text(page), path


def html_text(page: str) -> str:
    return re.sub(r"<[^>]+>", "", page).replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")


@pytest.mark.parametrize("path", sorted(documented()))
def test_bounds_and_allowed_values_are_the_models(path: str) -> None:
    _, _, info = documented()[path]
    numbers, values = bounds(info.annotation, info.metadata)
    row = rows()[path]
    shown = set(map(int, re.findall(r"\d+", row.type)))
    assert numbers <= shown, (row.type, numbers)
    for value in values:
        assert code_span(value) in row.type, (row.type, value)
    assert ("yes" if info.is_required() else "no") in row.required or "unless" in row.required


def test_some_types_read_as_plain_words() -> None:
    by_path = rows()
    assert by_path["cards:title"].type == "text (10–120 characters)"
    assert by_path["cards:objectives"].type == "list of 1–10 terms from `vocab/objectives.yml`"
    assert by_path["cards:effect"].type == "one of `benefit` / `challenge` / `mixed`"
    assert by_path["sources:year"].type == "whole number from 1900 to 2100"
    assert by_path["datasets:n"].type == "whole number ≥ 1"
    assert by_path["cards:evidence"].type.startswith("list of 1–50 entries")


def test_every_text_pattern_has_plain_words() -> None:
    for path, row in rows().items():
        assert "pattern" not in row.type, (path, row.type)


def test_vocabulary_references_match_the_validator() -> None:
    by_path = rows()
    for loc, vocabulary in _CARD_TERMS:
        row = by_path["cards:" + ".".join(str(part) for part in loc)]
        assert f"vocab/{vocabulary}.yml" in row.type, row


@pytest.mark.parametrize("effect", model.EFFECTS)
@pytest.mark.parametrize("field", ["benefit", "risk"])
def test_conditional_requirements_match_the_validator(tmp_path: Path, effect: str, field: str) -> None:
    required = rows()[f"cards:{field}"].required
    unless = re.fullmatch(r"yes, unless `effect` is `([\w-]+)`", required)
    assert unless, required
    card = CARD.format(id="c").replace("effect: benefit", f"effect: {effect}")
    card = card.replace("benefit: Fathers", "risk: Fathers" if field == "benefit" else "benefit: Fathers")
    evidence = write_evidence(tmp_path, cards={"c": card})
    complaints = [d for d in validate(evidence, tmp_path / "texts").diagnostics if d.code == "WW208"]
    assert bool(complaints) == (effect != unless.group(1)), (effect, field, complaints)


def test_examples_are_the_models_first_examples() -> None:
    by_path = rows()
    for path, (_, _, info) in documented().items():
        if info.examples:
            assert by_path[path].example != "", path
        else:
            assert by_path[path].example == "", path
    assert by_path["cards:for_whom.populations"].example == "`[fathers]`"
    assert by_path["sources:year"].example == "`2021`"


def test_every_code_is_documented() -> None:
    text = codes_reference()
    page = html(text)
    for code in CODES.values():
        assert f"<td><code>{code.code}</code></td>" in page, code.code
        assert escape_inline(code.title) in text
    assert page.count("<td><code>WW") == len(CODES)


def test_tables_keep_their_shape_and_nothing_is_interpreted() -> None:
    nasty = Code("WW999", "Pipes | and <b>tags</b>", "Keep `a|b` and * _ [x](y) {{ z }} & `unbalanced",
                 "a | b\n\tindented with `tick`\n  two spaces", "ok\u202e")
    page = html(codes_reference({"WW101": CODES["WW101"], "WW999": nasty}))
    assert "<b>" not in page and "<a " not in page and "<em>(tab)</em>" in page
    assert "<code>a | b</code><br>" in page
    assert "<code>indented with `tick`</code>" in page
    assert "&nbsp;&nbsp;<code>two spaces</code>" in page
    assert "<code>okU+202E</code>" in page and "\u202e" not in page
    assert "Pipes | and &lt;b&gt;tags&lt;/b&gt;" in page
    assert "<code>a|b</code>" in page and "{{ z }}" in page and "`unbalanced" in page
    assert "### WW9xx {#codes-ww9xx}" in codes_reference({"WW999": nasty})
    for text in (field_reference(), codes_reference(), codes_reference({"WW999": nasty})):
        rendered = html(text)
        for table in re.findall(r"<table>.*?</table>", rendered, re.S):
            widths = {row.count("<td>") + row.count("<th>") for row in re.findall(r"<tr>.*?</tr>", table, re.S)}
            assert widths == {5}, table[:200]


def test_headings_have_stable_anchors() -> None:
    text = field_reference()
    assert "### Cards {#fields-cards}" in text
    assert "#### Cards: `evidence[]` {#fields-cards-evidence}" in text
    ids = re.findall(r"\{#([a-z0-9-]+)\}", text + codes_reference())
    assert len(ids) == len(set(ids))


def test_output_is_deterministic_across_processes() -> None:
    script = ("from whatworks.fieldref import field_reference, codes_reference;"
              "print(field_reference() + codes_reference())")
    outputs = {subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                              env={**os.environ, "PYTHONHASHSEED": seed}).stdout for seed in ("1", "2")}
    assert len(outputs) == 1
    assert outputs == {field_reference() + codes_reference() + "\n"}
