"""The Contribute page's reference tables, generated from the model and the codes registry.

Both tables are computed, never written by hand, so the documentation cannot drift from what the
validator checks: a new field, bound, allowed value or code appears on the page at the next build.
The output is Markdown for Python-Markdown's `tables` and `attr_list` extensions; every cell is
escaped here, so nothing in a description or an example can change the page's structure.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import yaml
from pydantic import BaseModel

from .diagnostics import CODES, Code
from .model import SLUG_PATTERN, VOCABULARIES, Card, Dataset, Source, Vocabulary
from .schema import SCHEMAS

Schema = dict[str, Any]


@dataclass(frozen=True)
class Kind:
    """A kind of evidence file: its model and where its files live."""

    title: str
    model: type[BaseModel]
    folder: str
    file_name: str


KINDS: tuple[Kind, ...] = (
    Kind("Cards", Card, "cards", "<id>.yml"),
    Kind("Sources", Source, "sources", "<id>.yml"),
    Kind("Vocabularies", Vocabulary, "vocab", "<vocabulary>.yml"),
    Kind("Datasets", Dataset, "datasets", "<id>.yml"),
)
"""The documented file kinds, in the order a contributor meets them."""

PATTERN_WORDS: dict[str, str] = {
    r"^\d{4}(-\d{2}(-\d{2})?)?$": "date: YYYY, YYYY-MM or YYYY-MM-DD",
    r"^[A-Za-z0-9][A-Za-z0-9._-]*\.txt$": "file name ending in .txt",
    r"^[a-z0-9][a-z0-9._-]*\.csv$": "file name in lowercase, ending in .csv",
    r"^https?://": "web address starting http:// or https://",
}
"""Plain words for the text patterns the model uses (slugs are described separately)."""

CODE_SERIES: dict[str, str] = {
    "1": "reading the file",
    "2": "fields and values",
    "3": "references between files",
    "4": "safe text and links",
    "5": "quotes",
    "6": "datasets",
}
"""Headings for each hundred of codes; a new hundred is listed under its number alone."""

FIELD_COLUMNS = ("Field", "Type", "Required", "Description", "Example")
CODE_COLUMNS = ("Code", "Problem", "What it means", "Fails", "Passes")

_VOCAB_REF = re.compile(r"\bvocab/([a-z0-9-]+)\.yml\b")
_REQUIRED_UNLESS = re.compile(r"\bRequired unless (\w+) is ([\w-]+)\.")
_CODE_SPAN = re.compile(r"(`+)(.+?)(?<!`)\1(?!`)")
_TEXT_ESCAPES = {"\\": "\\\\", "`": "\\`", "*": "\\*", "_": "\\_", "[": "\\[", "]": "\\]", "{": "\\{",
                 "}": "\\}", "|": "\\|", "<": "&lt;", ">": "&gt;", "&": "&amp;"}


@dataclass(frozen=True)
class FieldRow:
    """One row of the field reference; every cell except `path` is Markdown, already escaped."""

    path: str
    type: str
    required: str
    description: str
    example: str


@dataclass(frozen=True)
class FieldTable:
    """The fields of one model, at one place in a file (`""` for the top level, else e.g. `evidence[]`)."""

    kind: Kind
    prefix: str
    intro: str
    rows: tuple[FieldRow, ...]


def _visible(text: str) -> str:
    """Name invisible control and format characters (not white space) instead of printing them."""
    return "".join(f"U+{ord(c):04X}" if unicodedata.category(c) in ("Cc", "Cf") and not c.isspace() else c
                   for c in text)


def escape_text(text: str) -> str:
    """Plain text for a table cell: one line, with nothing Markdown or HTML would interpret."""
    flat = re.sub(r"\s+", " ", _visible(text.replace("\t", " ")))
    return "".join(_TEXT_ESCAPES.get(c, c) for c in flat)


def code_span(text: str) -> str:
    """Text shown literally in a code span, fenced by more backticks than it contains.

    A `|` stays as it is: Python-Markdown's tables do not split cells inside code spans, and would
    show a backslash before an escaped one.
    """
    text = " ".join(_visible(text).split())
    if not text:
        return ""
    fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def escape_inline(text: str) -> str:
    """Text that may mark names as `code`: code spans are kept, everything else escaped."""
    out, end = [], 0
    for match in _CODE_SPAN.finditer(text):
        out += [escape_text(text[end:match.start()]), code_span(match.group(2))]
        end = match.end()
    out.append(escape_text(text[end:]))
    return "".join(out).strip()


def code_lines(text: str) -> str:
    """A possibly multi-line example: one code span per line, keeping leading tabs and spaces visible."""
    shown = []
    for line in text.split("\n"):
        body = line.lstrip(" \t")
        indent = "".join("*(tab)* " if c == "\t" else "&nbsp;" for c in line[:len(line) - len(body)])
        shown.append(indent + code_span(body.replace("\t", " (tab) ")))
    return "<br>".join(shown)


def _row(cells: tuple[str, ...]) -> str:
    return "| " + " | ".join(cell or "—" for cell in cells) + " |"


def _table(columns: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[str]:
    return [_row(columns), "| " + " | ".join("---" for _ in columns) + " |", *(_row(r) for r in rows)]


def _resolve(node: Schema, defs: Mapping[str, Schema]) -> Schema:
    ref = node.get("$ref")
    return defs[ref.rsplit("/", 1)[-1]] if isinstance(ref, str) else node


def _unwrap_optional(node: Schema) -> Schema:
    """The non-null alternative of `X | None`, with the field's own keys kept."""
    options = node.get("anyOf")
    if isinstance(options, list):
        real = [o for o in options if o.get("type") != "null"]
        if len(real) == 1:
            return {**{k: v for k, v in node.items() if k != "anyOf"}, **real[0]}
    return node


def _span(low: int | None, high: int | None, unit: str) -> str:
    if low is not None and high is not None:
        return f"{low}–{high} {unit}"
    if high is not None:
        return f"up to {high} {unit}"
    return f"at least {low} {unit}" if low is not None else ""


def _plural(word: str, plural: bool) -> str:
    return word + "s" if plural else word


def _describe(node: Schema, defs: Mapping[str, Schema], vocabulary: str | None, plural: bool = False) -> str:
    """The type of a value in plain words (Markdown): what to write, with its bounds and allowed values."""
    node = _unwrap_optional(node)
    if "$ref" in node:
        return "entries (fields in the table below)" if plural else "group of fields (table below)"
    if "enum" in node:
        return "one of " + " / ".join(code_span(str(v)) for v in node["enum"])
    kind = node.get("type")
    if kind == "array":
        items = _describe(node.get("items", {}), defs, vocabulary, plural=True)
        count = _span(node.get("minItems"), node.get("maxItems"), "").strip()
        return f"list of {count} {items}" if count else f"list of {items}"
    if kind == "integer":
        low, high = node.get("minimum"), node.get("maximum")
        bounds = (f"from {low} to {high}" if low is not None and high is not None
                  else f"≥ {low}" if low is not None else f"≤ {high}" if high is not None else "")
        return _plural("whole number", plural) + (f" {bounds}" if bounds else "")
    if kind == "boolean":
        return "true or false"
    if kind != "string":
        return escape_text(str(kind))
    pattern = node.get("pattern")
    if pattern == SLUG_PATTERN:
        if vocabulary is not None:
            return f"{_plural('term', plural)} from {code_span(f'vocab/{vocabulary}.yml')}"
        return (f"lowercase {_plural('id', plural)}: a–z, 0–9 and single hyphens "
                f"({_span(node.get('minLength'), node.get('maxLength'), 'characters')}{' each' if plural else ''})")
    length = _span(node.get("minLength"), node.get("maxLength"), "characters")
    if isinstance(pattern, str):
        words = PATTERN_WORDS.get(pattern)
        base = escape_text(words) if words else "text matching the pattern " + code_span(pattern)
        if plural:
            base = f"values, each a {base}"
    else:
        base = _plural("text", plural)
    if not length:
        return base
    return f"{base} ({length}{' each' if plural else ''})"


def _example(value: Any, node: Schema) -> str:
    """The first example: free text as text, anything else (ids, terms, lists, numbers) as typed in YAML."""
    if isinstance(value, str) and node.get("type") == "string" and not {"pattern", "enum"} & node.keys():
        return escape_text(value)
    dumped = yaml.safe_dump(value, default_flow_style=True, width=10**9, allow_unicode=True, sort_keys=False)
    return code_lines(dumped.removesuffix("\n").removesuffix("\n...").strip())


def _vocabulary(description: str) -> str | None:
    match = _VOCAB_REF.search(description)
    return match.group(1) if match and match.group(1) in VOCABULARIES else None


def _required(required: bool, description: str) -> str:
    """yes or no, or the condition under which the validator requires the field (stated in its description)."""
    unless = _REQUIRED_UNLESS.search(description)
    if unless:
        return f"yes, unless {code_span(unless.group(1))} is {code_span(unless.group(2))}"
    return "yes" if required else "no"


def _tables(kind: Kind, model: Schema, defs: Mapping[str, Schema], prefix: str,
            intro: str) -> Iterator[FieldTable]:
    rows, nested = [], []
    required = set(model.get("required", []))
    for name, raw in model.get("properties", {}).items():
        node = _unwrap_optional(raw)
        description = str(raw.get("description", ""))
        path = f"{prefix}.{name}" if prefix else name
        examples = raw.get("examples")
        rows.append(FieldRow(
            path=path,
            type=_describe(node, defs, _vocabulary(description)),
            required=_required(name in required, description),
            description=escape_inline(description),
            example=_example(examples[0], node) if isinstance(examples, list) and examples else "",
        ))
        child = node.get("items", {}) if node.get("type") == "array" else node
        if "$ref" in child:
            sub = _resolve(child, defs)
            child_prefix = path + ("[]" if node.get("type") == "array" else "")
            nested.append((sub, child_prefix, str(sub.get("description") or description)))
    yield FieldTable(kind, prefix, intro, tuple(rows))
    for sub, child_prefix, sub_intro in nested:
        yield from _tables(kind, sub, defs, child_prefix, sub_intro)


def field_tables() -> list[FieldTable]:
    """Every documented field, table by table, in the order of the model."""
    tables: list[FieldTable] = []
    for kind in KINDS:
        schema = kind.model.model_json_schema()
        tables += _tables(kind, schema, schema.get("$defs", {}), "", str(schema.get("description", "")))
    return tables


def _schema_name(model: type[BaseModel]) -> str | None:
    return next((name for name, m in SCHEMAS.items() if m is model), None)


def _anchor(*parts: str) -> str:
    return "-".join(re.sub(r"[^a-z0-9]+", "-", p.lower()).strip("-") for p in parts if p)


def field_reference() -> str:
    """Markdown for the Contribute page: one table per file kind and per nested part of it."""
    lines: list[str] = []
    for table in field_tables():
        kind = table.kind
        if not table.prefix:
            lines += [f"### {kind.title} {{#fields-{_anchor(kind.folder)}}}", ""]
            where = (f"One file each in {code_span(f'evidence/{kind.folder}/')}, named "
                     f"{code_span(kind.file_name)}.")
            schema = _schema_name(kind.model)
            if schema:
                where += f" Editors check it against {code_span(f'evidence/schema/{schema}.schema.json')}."
            lines += [f"{escape_inline(table.intro)} {where}", ""]
        else:
            lines += [f"#### {kind.title}: {code_span(table.prefix)} {{#fields-{_anchor(kind.folder, table.prefix)}}}",
                      "", escape_inline(table.intro), ""]
        lines += _table(FIELD_COLUMNS, [(code_span(r.path), r.type, r.required, r.description, r.example)
                                        for r in table.rows])
        lines.append("")
    return "\n".join(lines)


def codes_reference(codes: Mapping[str, Code] | None = None) -> str:
    """Markdown for the Contribute page: every diagnostic code, with a failing and a passing example."""
    registry = CODES if codes is None else codes
    series: dict[str, list[Code]] = {}
    for key in sorted(registry):
        code = registry[key]
        series.setdefault(code.code[2:3] or "?", []).append(code)
    lines: list[str] = []
    for digit, members in series.items():
        name = f"WW{digit}xx"
        title = CODE_SERIES.get(digit)
        lines += [f"### {name}{': ' + title if title else ''} {{#codes-{name.lower()}}}", ""]
        lines += _table(CODE_COLUMNS, [(code_span(c.code), escape_inline(c.title), escape_inline(c.explanation),
                                        code_lines(c.bad), code_lines(c.good)) for c in members])
        lines.append("")
    return "\n".join(lines)
