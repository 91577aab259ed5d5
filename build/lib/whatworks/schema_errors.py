"""Turn pydantic's validation errors into diagnostics with positions, plain words and suggestions."""

from __future__ import annotations

import re
import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError

from .diagnostics import Diagnostic, did_you_mean
from .load import Document, Loc
from .model import SLUG_PATTERN


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__  # pragma: no cover - the loader makes only the kinds above


_EXPECTED = {
    "string_type": "text", "int_type": "a whole number", "int_from_float": "a whole number",
    "bool_type": "true or false", "list_type": "a list", "model_type": "a mapping of fields",
    "dict_type": "a mapping of fields", "float_type": "a number",
}


def _model_at(model: type[BaseModel], loc: Loc) -> type[BaseModel] | None:
    """The model class that describes the mapping at `loc`, for naming its allowed fields."""
    current: Any = model
    for step in loc:
        if isinstance(step, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)) or step not in current.model_fields:
            return None
        current = _unwrap(current.model_fields[step].annotation)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _unwrap(annotation: Any) -> Any:
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated or origin in (list, tuple):
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            options = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = options[0]
        else:
            return annotation


def _slugify(value: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")[:80]


def schema_problems(doc: Document, model: type[BaseModel], shown: str) -> tuple[BaseModel | None, list[Diagnostic]]:
    """Validate a document against a model; return the typed object or positioned diagnostics."""
    try:
        return model.model_validate(doc.data), []
    except ValidationError as exc:
        problems = [_diagnostic(doc, model, shown, error) for error in exc.errors(include_url=False)]
        return None, problems


def _diagnostic(doc: Document, model: type[BaseModel], shown: str, error: Any) -> Diagnostic:
    loc: Loc = tuple(error["loc"])
    kind: str = error["type"]
    ctx: dict[str, Any] = error.get("ctx") or {}
    value = error.get("input")
    name = next((str(step) for step in reversed(loc) if isinstance(step, str)), "value")
    where = doc.span(loc)

    def diag(code: str, message: str, hint: str | None = None, *, key: bool = False) -> Diagnostic:
        span = doc.span(loc, key=True) if key else where
        return Diagnostic(shown, span.line, span.col, code, message, hint=hint)

    if kind == "missing":
        parent = _model_at(model, loc[:-1])
        field = parent.model_fields.get(name) if parent else None
        inside = next((f" in '{s}'" for s in reversed(loc[:-1]) if isinstance(s, str)), "")
        span = doc.span(loc[:-1])
        hint = f"{name}: {field.description}" if field is not None and field.description else None
        return Diagnostic(shown, span.line, span.col, "WW201", f"missing required field '{name}'{inside}",
                          hint=hint)
    if kind == "extra_forbidden":
        parent = _model_at(model, loc[:-1])
        allowed = list(parent.model_fields) if parent else []
        hint = did_you_mean(name, allowed) or ("allowed fields: " + ", ".join(allowed) if allowed else None)
        return diag("WW202", f"unknown field '{name}'", hint, key=True)
    if kind == "literal_error":
        expected = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        hint = did_you_mean(str(value), expected) if isinstance(value, str) else None
        got = f"'{value}'" if isinstance(value, str) else _kind(value)
        return diag("WW204", f"'{name}' must be one of {', '.join(expected)}; got {got}", hint)
    if kind in _EXPECTED:
        if value is None:
            return diag("WW203", f"'{name}' has no value", f"give '{name}' {_EXPECTED[kind]}")
        return diag("WW203", f"'{name}' must be {_EXPECTED[kind]}, not {_kind(value)}",
                    "write the items as a list: [a, b]" if kind == "list_type" else None)
    if kind in ("string_too_short", "string_too_long"):
        length = len(value) if isinstance(value, str) else 0
        if kind == "string_too_short":
            return diag("WW205", f"'{name}' is too short: {length} characters, at least {ctx['min_length']}")
        return diag("WW205", f"'{name}' is too long: {length} characters, at most {ctx['max_length']}",
                    "say it more briefly, or move detail into 'statement' or 'mechanism'")
    if kind == "string_pattern_mismatch":
        if ctx.get("pattern") == SLUG_PATTERN:
            suggestion = _slugify(value) if isinstance(value, str) else ""
            return diag("WW206", f"'{name}' must be a lowercase slug (a-z, 0-9, single hyphens), not {value!r}",
                        f"did you mean '{suggestion}'?" if suggestion and suggestion != value else None)
        return diag("WW206", f"'{name}' does not have the expected form: {value!r}", _PATTERN_HINTS.get(name))
    if kind in ("too_short", "too_long"):
        if kind == "too_short":
            need = ctx.get("min_length", 1)
            return diag("WW207", f"'{name}' needs at least {need} item{'s' if need != 1 else ''}")
        return diag("WW207", f"'{name}' has too many items (at most {ctx.get('max_length')})")
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        bound = ctx.get("ge", ctx.get("le", ctx.get("gt", ctx.get("lt"))))
        word = "at least" if kind.startswith("greater") else "at most"
        return diag("WW209", f"'{name}' must be {word} {bound}, not {value}")
    return diag("WW203", f"'{name}': {error['msg']}")  # pragma: no cover - a pydantic error kind we do not use


_PATTERN_HINTS = {
    "published": "write the date as \"YYYY\", \"YYYY-MM\" or \"YYYY-MM-DD\", in quotes",
    "text_file": "a file name ending in .txt, with no folder",
    "file": "a file name ending in .csv, beside the dataset's .yml",
}
