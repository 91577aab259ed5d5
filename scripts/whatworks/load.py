"""Read YAML evidence files into plain data that remembers where every key and value came from.

Uses PyYAML's C composer for speed, then walks the node tree once. Nothing is ever
constructed from a tag; scalars are resolved with a small YAML 1.2-like rule set (so `no`
stays text, unlike YAML 1.1), and dates stay text.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from . import fastyaml
from .diagnostics import Diagnostic

try:
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML without libyaml
    _Loader = yaml.SafeLoader

MAX_BYTES = 1024 * 1024

Loc = tuple[str | int, ...]
"""A path into a document: keys and list indexes, as pydantic reports error locations."""

_TAB_INDENT = re.compile(r"^[ ]*\t", re.MULTILINE)
_INT = re.compile(r"[-+]?[0-9]+")
_FLOAT = re.compile(r"[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?|[-+]?[0-9]+[eE][-+]?[0-9]+")


@dataclass(frozen=True)
class Span:
    """A 1-based position in a file."""

    line: int
    col: int


@dataclass
class Document:
    """One YAML file's data; positions are worked out from the text only when a problem needs one."""

    path: Path
    data: dict[str, Any]
    text: str = ""
    plain: bool = False
    """Read by the fast path, so the text holds only printable characters and line breaks."""
    _spans: tuple[dict[Loc, Span], dict[Loc, Span]] | None = field(default=None, repr=False, compare=False)

    def _tables(self) -> tuple[dict[Loc, Span], dict[Loc, Span]]:
        if self._spans is None:
            walker = _Walker("")
            walker.walk(yaml.compose(self.text, Loader=_Loader), ())
            self._spans = (walker.value_spans, walker.key_spans)
        return self._spans

    def span(self, loc: Loc, *, key: bool = False) -> Span:
        """The position of a key (or value) at `loc`, or of its nearest ancestor that has one."""
        value_spans, key_spans = self._tables()
        loc = tuple(loc)
        while loc:
            for table in ((key_spans, value_spans) if key else (value_spans, key_spans)):
                if loc in table:
                    return table[loc]
            loc = loc[:-1]
        return value_spans.get((), Span(1, 1))

    def get(self, loc: Loc) -> Any:
        """The value at `loc`, or None when any step is missing or of another type."""
        value: Any = self.data
        for step in loc:  # called for every reference on every card: the common case (a key) comes first
            if isinstance(step, str):
                if not isinstance(value, dict):
                    return None
                value = value.get(step)
            elif isinstance(value, list) and 0 <= step < len(value):
                value = value[step]
            else:
                return None
        return value

    def strings(self) -> Iterator[tuple[Loc, str]]:
        """Every text value in the document, with its location."""
        stack: list[tuple[Loc, Any]] = [((), self.data)]
        while stack:
            loc, value = stack.pop()
            if isinstance(value, str):
                yield loc, value
            elif isinstance(value, dict):
                stack.extend(((*loc, k), v) for k, v in value.items())
            elif isinstance(value, list):
                stack.extend(((*loc, i), v) for i, v in enumerate(value))


@dataclass
class LoadResult:
    document: Document | None
    diagnostics: list[Diagnostic]


def _diag(path: str, line: int, col: int, code: str, message: str, hint: str | None = None) -> Diagnostic:
    return Diagnostic(path, line, col, code, message, hint=hint)


def _line_col(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of a character index, counting \\n, \\r\\n and a lone \\r as line ends."""
    before = text[:index].replace("\r\n", "\n").replace("\r", "\n")
    line = before.count("\n") + 1
    col = len(before) - (before.rfind("\n") + 1) + 1
    return line, col


def decode(raw: bytes, shown: str) -> tuple[str | None, list[Diagnostic]]:
    """Bytes to text, or a diagnostic saying exactly which byte is not UTF-8."""
    if raw.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return None, [_diag(shown, 1, 1, "WW106", "file is UTF-32, not UTF-8", "save the file as UTF-8")]
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or _looks_utf16(raw):
        return None, [_diag(shown, 1, 1, "WW106", "file is UTF-16, not UTF-8", "save the file as UTF-8")]
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start].decode("utf-8", errors="replace")
        line, col = _line_col(before, len(before))
        return None, [
            _diag(shown, line, col, "WW106",
                  f"file is not valid UTF-8: byte 0x{raw[exc.start]:02x} cannot be decoded",
                  "save the file as UTF-8 (it looks like Latin-1 or Windows-1252)")
        ]
    nul = text.find("\x00")
    if nul >= 0:
        line, col = _line_col(text, nul)
        return None, [_diag(shown, line, col, "WW106", "file contains a NUL byte; it is binary, not text")]
    return text, []


def _looks_utf16(raw: bytes) -> bool:
    """UTF-16 without a byte-order mark: ASCII text with a NUL beside every character."""
    sample = raw[:200]
    if len(sample) < 4 or b"\x00" not in sample:
        return False
    evens, odds = sample[0::2], sample[1::2]
    return evens.count(0) > 0.9 * len(evens) or odds.count(0) > 0.9 * len(odds)


def load_file(path: Path, shown: str | None = None) -> LoadResult:
    """Load one evidence file; every problem comes back as a diagnostic, never an exception."""
    shown = shown or path.as_posix()
    text, problems = read_file(path, shown)
    if text is None:
        return LoadResult(None, problems)
    return load_text(text, path, shown)


def read_file(path: Path, shown: str) -> tuple[str | None, list[Diagnostic]]:
    """The file's text, or why it cannot be read as UTF-8 text of at most 1 MiB."""
    # Four system calls (open, fstat, read, close) against ten through a buffered file object: 12 µs, not 25–33.
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
        try:
            size = os.fstat(fd).st_size
            raw = b"" if size > MAX_BYTES else os.read(fd, size + 1)
            if len(raw) > size:  # it grew since fstat, or fstat cannot tell (/proc): read on, past the limit
                parts, total = [raw], len(raw)
                while total <= MAX_BYTES and (part := os.read(fd, 1 << 16)):
                    parts.append(part)
                    total += len(part)
                raw, size = b"".join(parts), total
        finally:
            os.close(fd)
    except OSError as exc:
        return None, [_diag(shown, 1, 1, "WW100", f"cannot read file: {exc.strerror or exc}")]
    if size > MAX_BYTES:
        return None, [_diag(shown, 1, 1, "WW108", f"file is {size:,} bytes; the limit is {MAX_BYTES:,} (1 MiB)")]
    return decode(raw, shown)


_UNICODE_BREAKS = re.compile("[\u0085\u2028\u2029]")
"""libyaml ends lines at these, editors do not: every later position would be off."""


def load_text(text: str, path: Path, shown: str | None = None) -> LoadResult:
    shown = shown or path.as_posix()
    ready, problems = yaml_ready(text, shown)
    if ready is None:
        return LoadResult(None, problems)
    text = ready
    data = fastyaml.load(text)
    if data is not None:
        return LoadResult(Document(path, data, text, plain=True), [])
    try:
        data, problems = _build(text, shown)
    except yaml.MarkedYAMLError as exc:
        tabs = _tab_indentation(text, shown)
        return LoadResult(None, tabs or [_yaml_error(exc, shown, text)])
    except yaml.reader.ReaderError as exc:
        index = _char_index(text, exc.position)
        line, col = _line_col(text, index)
        what = f"character U+{exc.character:04X}" if isinstance(exc.character, int) else "a character"
        return LoadResult(None, [_diag(shown, line, col, "WW106", f"{what} is not allowed in YAML",
                                       "delete it; evidence files hold printable text only")])
    except yaml.YAMLError as exc:  # pragma: no cover - every PyYAML error we know carries a mark
        return LoadResult(None, [_diag(shown, 1, 1, "WW101", f"invalid YAML: {exc}")])
    if problems or data is None:
        return LoadResult(None, problems)
    return LoadResult(Document(path, data, text), [])


def yaml_ready(text: str, shown: str) -> tuple[str | None, list[Diagnostic]]:
    """The text with editors' line ends, or why no YAML parser should see it (empty, odd line breaks)."""
    if not text.strip():
        return None, [_diag(shown, 1, 1, "WW107", "file is empty")]
    text = normalise_line_ends(text)
    odd_break = None
    if not text.isascii() and ("\x85" in text or "\u2028" in text or "\u2029" in text):
        odd_break = _UNICODE_BREAKS.search(text)
    if odd_break:
        return None, [_diag(shown, *_line_col(text, odd_break.start()), "WW106",
                            f"character U+{ord(odd_break.group()):04X} is not allowed in YAML",
                            "delete it; evidence files hold printable text only")]
    return text, []


def normalise_line_ends(text: str) -> str:
    """CRLF and lone CR to LF, so libyaml's line numbers are an editor's."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _tab_indentation(text: str, shown: str) -> list[Diagnostic]:
    """Tabs in indentation, reported only when parsing failed: inside a block scalar a tab is text."""
    if "\t" not in text:
        return []
    return [_diag(shown, *_line_col(text, m.end() - 1), "WW105", "tab character used for indentation",
                  "indent with spaces (two per level)") for m in _TAB_INDENT.finditer(text)]


def _char_index(text: str, position: int) -> int:
    """libyaml's C reader reports a byte offset into the UTF-8 text; Python's, a character index."""
    if _Loader is yaml.SafeLoader:  # pragma: no cover - PyYAML without libyaml
        return position
    return len(text.encode("utf-8")[:position].decode("utf-8", errors="ignore"))


_OPENING_QUOTE = re.compile(r"""^\s*(?:-\s+)?(?:[^\s'"#:][^:#]*:\s+)?(["'])""")


def _unclosed_quote(text: str, before_line: int) -> tuple[int, int] | None:
    """The last line before a syntax error whose value opens a quote it never closes on that line."""
    lines = text.splitlines()[:before_line]
    for number in range(len(lines), 0, -1):
        line = lines[number - 1]
        match = _OPENING_QUOTE.match(line)
        if not match:
            continue
        quote, rest = match.group(1), line[match.end():]
        closed = re.search(r'(?<!\\)"', rest) if quote == '"' else re.search(r"'(?!')", rest.replace("''", ""))
        if not closed:
            return number, match.start(1) + 1
    return None


def _yaml_error(exc: yaml.MarkedYAMLError, shown: str, text: str = "") -> Diagnostic:
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    problem = (exc.problem or "syntax error").strip()
    lines = text.splitlines() if text else []
    if ("escape" in problem or "hexdecimal" in problem) and 0 < line <= len(lines):
        backslash = lines[line - 1].rfind("\\", 0, col)
        if backslash >= 0:
            escape = lines[line - 1][backslash: backslash + 2]
            return _diag(shown, line, backslash + 1, "WW101",
                         f"invalid YAML: invalid escape sequence '{escape}' in double-quoted text",
                         "in double quotes a backslash starts an escape: write \\\\ for a backslash, "
                         "or use single quotes")
    if problem.startswith("mapping values are not allowed"):
        return _diag(shown, line, col, "WW101", "invalid YAML: mapping values are not allowed in this context",
                     "a colon followed by a space starts a new field; put the whole text in quotes")
    unclosed = _unclosed_quote(text, line) if text else None
    if unclosed and "quoted scalar" not in (exc.context or ""):
        return _diag(shown, *unclosed, "WW101", "invalid YAML: this quoted text is never closed",
                     f"add the closing quote mark (the parser stopped at line {line}, column {col}: {problem})")
    if "expected a single document" in (exc.context or ""):
        return _diag(shown, line, col, "WW109", "file holds more than one YAML document",
                     "one file holds one card (or source, or vocabulary); remove the '---' separator")
    context_mark = exc.context_mark
    if exc.context and "quoted scalar" in exc.context and context_mark is not None:
        return _diag(shown, context_mark.line + 1, context_mark.column + 1, "WW101",
                     "invalid YAML: this quoted text is never closed",
                     f"add the closing quote mark ({problem} at line {line}, column {col})")
    hint = None
    if exc.context and context_mark is not None and context_mark is not mark:
        hint = f"{exc.context} at line {context_mark.line + 1}, column {context_mark.column + 1}"
    return _diag(shown, line, col, "WW101", f"invalid YAML: {problem}", hint)


class _Skip:
    """Stands for a value that is being read only to be thrown away (after a duplicate key)."""


_SKIP = _Skip()
_NO_KEY = object()


def _build(text: str, shown: str) -> tuple[dict[str, Any] | None, list[Diagnostic]]:
    """Build plain data straight from parser events: faster than composing nodes, and nothing is resolved
    or constructed from a tag. Anchors, aliases, tags, duplicate and non-text keys are reported here.
    """
    problems: list[Diagnostic] = []
    stack: list[list[Any]] = []  # frames: [container, pending key, start event, container is a key]
    root: Any = None
    documents = 0

    def report(event: Any, code: str, message: str, hint: str | None = None) -> None:
        mark = event.start_mark
        problems.append(_diag(shown, mark.line + 1, mark.column + 1, code, message, hint))

    parser = _Loader(text)
    get_event = parser.get_event
    scalar_event, alias_event = yaml.ScalarEvent, yaml.AliasEvent
    mapping_start, sequence_start = yaml.MappingStartEvent, yaml.SequenceStartEvent
    mapping_end, sequence_end = yaml.MappingEndEvent, yaml.SequenceEndEvent
    document_start, stream_end = yaml.DocumentStartEvent, yaml.StreamEndEvent
    try:
        while True:
            event = get_event()
            kind = type(event)
            if kind is scalar_event:
                if event.anchor is not None:
                    report(event, "WW103", f"anchor '&{event.anchor}' is not allowed", "remove the anchor")
                if event.tag is not None and event.implicit == (False, False):
                    _report_tag(report, event)
                value: Any = _scalar(event.value, event.style, event.implicit)
            elif kind is mapping_start or kind is sequence_start:
                if event.anchor is not None:
                    report(event, "WW103", f"anchor '&{event.anchor}' is not allowed", "remove the anchor")
                if event.tag is not None and not event.implicit:
                    _report_tag(report, event)
                is_key = bool(stack) and stack[-1][1] is _NO_KEY and type(stack[-1][0]) is dict
                if is_key:
                    report(event, "WW111", "keys must be plain text field names")
                if not stack and kind is sequence_start:
                    report(event, "WW110", "the file holds a list; it must be a mapping of field names to values",
                           "start each line with a field name, e.g. 'id: ...'")
                    return None, problems
                stack.append([{} if kind is mapping_start else [], _NO_KEY, event, is_key])
                continue
            elif kind is mapping_end or kind is sequence_end:
                container, _, event, is_key = stack.pop()
                value = _SKIP if is_key else container
            elif kind is alias_event:
                report(event, "WW103", f"alias '*{event.anchor}' is not allowed", "write the value out in full")
                value = None
            elif kind is document_start:
                documents += 1
                if documents > 1:
                    report(event, "WW109", "file holds more than one YAML document",
                           "one file holds one card (or source, or vocabulary); remove the '---' separator")
                    return None, problems
                continue
            elif kind is stream_end:
                break
            else:
                continue
            if len(problems) >= 50:
                break
            if not stack:
                root = value
                continue
            frame = stack[-1]
            container = frame[0]
            if type(container) is list:
                container.append(value)
            elif frame[1] is _NO_KEY:  # this value is a key
                if value is _SKIP:
                    frame[1] = _SKIP
                elif type(value) is not str:
                    report(event, "WW111", "keys must be plain text field names")
                    frame[1] = _SKIP
                elif value in container:
                    report(event, "WW102", f"duplicate key '{value}'", "remove one of them")
                    frame[1] = _SKIP
                else:
                    frame[1] = value
            else:
                if frame[1] is not _SKIP:
                    container[frame[1]] = value
                frame[1] = _NO_KEY
    finally:
        parser.dispose()
    if problems:
        return None, problems
    if root is None:
        return None, [_diag(shown, 1, 1, "WW107", "file is empty (it holds only comments)")]
    if not isinstance(root, dict):
        return None, [_diag(shown, 1, 1, "WW110", "the file holds a single value; it must be a mapping of "
                            "field names to values", "start each line with a field name, e.g. 'id: ...'")]
    return root, problems


def _report_tag(report: Any, event: Any) -> None:
    shown_tag = str(event.tag).replace("tag:yaml.org,2002:", "!!")
    report(event, "WW104", f"YAML tag '{shown_tag}' is not allowed", "remove the tag; quote the value if it is text")


class _Walker:
    """Position tables for a composed node tree (used only when a problem needs a position)."""

    def __init__(self, shown: str) -> None:
        self.shown = shown
        self.value_spans: dict[Loc, Span] = {}
        self.key_spans: dict[Loc, Span] = {}

    def walk(self, root: yaml.Node | None, loc: Loc) -> None:
        """Iterative, so a deeply nested file (libyaml allows 999 levels) cannot exhaust the stack."""
        stack: list[tuple[yaml.Node, Loc]] = [(root, loc)] if root is not None else []
        while stack:
            node, here = stack.pop()
            mark = node.start_mark
            self.value_spans[here] = Span(mark.line + 1, mark.column + 1)
            if isinstance(node, yaml.SequenceNode):
                stack.extend((item, (*here, i)) for i, item in enumerate(node.value))
            elif isinstance(node, yaml.MappingNode):
                for key_node, value_node in node.value:
                    if isinstance(key_node, yaml.ScalarNode):
                        key_loc = (*here, key_node.value)
                        if key_loc not in self.key_spans:
                            self.key_spans[key_loc] = Span(key_node.start_mark.line + 1,
                                                           key_node.start_mark.column + 1)
                            stack.append((value_node, key_loc))


def _scalar(value: str, style: str | None, implicit: tuple[bool, bool]) -> Any:
    if style or not implicit[0]:
        return value
    if not value or value[0] in "-+.0123456789tTfFnN~":
        if value in ("", "~", "null", "Null", "NULL"):
            return None
        if value in ("true", "True", "TRUE"):
            return True
        if value in ("false", "False", "FALSE"):
            return False
        if _INT.fullmatch(value):
            try:
                return int(value)
            except ValueError:  # more digits than Python converts (4,300): still a number, not text
                return float(value)
        if _FLOAT.fullmatch(value):
            return float(value)
    return value
