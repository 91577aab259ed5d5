"""The only formatter of diagnostics: text for people, JSON for editors, GitHub annotations for CI."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Sequence

from .diagnostics import Diagnostic

FORMATS = ("text", "json", "github")


_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_HIDDEN = {"Cc", "Cf", "Co", "Cs", "Zl", "Zp", "Cn"}


def printable(text: str) -> str:
    """Escape what a terminal or annotation would hide or obey (controls, bidi overrides, private use,
    undecodable file-name bytes), so user text cannot forge or reorder a line of output."""
    if text.isprintable():
        return text
    out = []
    for ch in text:
        if ch in _NAMED:
            out.append(_NAMED[ch])
        elif unicodedata.category(ch) in _HIDDEN:
            code = ord(ch)
            if 0xDC80 <= code <= 0xDCFF:  # a file-name byte that was not UTF-8 (surrogateescape)
                out.append(f"\\x{code - 0xDC00:02x}")
            elif code < 0x100:
                out.append(f"\\x{code:02x}")
            else:
                out.append(f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
        else:
            out.append(ch)
    return "".join(out)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def summary(diagnostics: Sequence[Diagnostic], files_checked: int, quotes_checked: int = 0) -> str:
    errors = [d for d in diagnostics if d.is_error]
    warnings = [d for d in diagnostics if not d.is_error]
    quoted = f", {_plural(quotes_checked, 'quote')} verified" if quotes_checked else ""
    if not diagnostics:
        return f"No problems in {_plural(files_checked, 'file')}{quoted}."
    parts = []
    if errors:
        parts.append(_plural(len(errors), "error"))
    if warnings:
        parts.append(_plural(len(warnings), "warning"))
    affected = len({d.path for d in diagnostics})
    return f"{' and '.join(parts)} in {_plural(affected, 'file')} ({_plural(files_checked, 'file')} checked{quoted})."


def as_text(diagnostics: Sequence[Diagnostic]) -> str:
    lines = []
    for d in diagnostics:
        lines.append(f"{printable(d.path)}:{d.line}:{d.col}: {d.severity.value}[{d.code}]: {printable(d.message)}")
        if d.hint:
            lines.append(f"  help: {printable(d.hint)}")
    return "\n".join(lines)


def as_json(diagnostics: Sequence[Diagnostic], files_checked: int, quotes_checked: int = 0) -> str:
    return json.dumps({
        "diagnostics": [
            {"path": printable(d.path), "line": d.line, "col": d.col, "code": d.code,
             "severity": d.severity.value, "message": printable(d.message),
             "hint": printable(d.hint) if d.hint else None}
            for d in diagnostics
        ],
        "errors": sum(d.is_error for d in diagnostics),
        "warnings": sum(not d.is_error for d in diagnostics),
        "files_checked": files_checked,
        "quotes_checked": quotes_checked,
    }, indent=2, ensure_ascii=False)


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


def as_github(diagnostics: Sequence[Diagnostic]) -> str:
    """GitHub Actions workflow commands, which annotate the lines of a pull request."""
    lines = []
    for d in diagnostics:
        level = "error" if d.is_error else "warning"
        message = printable(d.message) + (f" ({printable(d.hint)})" if d.hint else "")
        lines.append(f"::{level} file={_escape_property(printable(d.path))},line={d.line},col={d.col},"
                     f"title={_escape_property(d.code)}::{_escape_data(message)}")
    return "\n".join(lines)


def render(diagnostics: Sequence[Diagnostic], fmt: str, files_checked: int, quotes_checked: int = 0) -> str:
    if fmt == "json":
        return as_json(diagnostics, files_checked, quotes_checked)
    body = as_github(diagnostics) if fmt == "github" else as_text(diagnostics)
    tail = summary(diagnostics, files_checked, quotes_checked)
    return f"{body}\n{tail}" if body else tail
