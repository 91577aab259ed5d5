"""A fast path for the loader: plain, well-formed files parsed by rapidyaml, or a refusal.

Composing with libyaml through PyYAML costs about 170 µs a card, most of it in building Python
event objects; rapidyaml parses in C++ and hands over JSON, which pydantic-core reads in Rust. It is
used only where its result is known to equal the strict loader's (`load._build`): any text that lacks
a final line break, or could hold an anchor, alias, tag, directive, escape, tab, control character,
second document, deep nesting, a quoted key or a value whose type depends on quoting, is refused,
and the strict loader decides. Refusing costs only time; accepting wrongly would be silent,
so the rules err on refusing, and `tests/test_fastyaml.py` checks them against the strict loader on
the real evidence, mutated real files and generated documents in every scalar style."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from pydantic_core import from_json

try:
    import ryml
except ImportError:  # pragma: no cover - rapidyaml is a dependency; without it every file takes the strict path
    ryml = None

_INDICATORS = "&*!%@`?|>"
"""Characters that start an anchor, alias, tag, directive, reserved indicator, complex key or block scalar
header when they begin a value; elsewhere they are only characters."""
_BARE_HEADER_ENDS = ("\n", "-\n", "+\n")


def _node_start(text: str) -> bool:
    """An escape, or an indicator at the start of a value (after a line break, a space, '[', '{' or ','),
    except a bare block scalar header ('|', '>', with a chomping sign or not) ending a 'key: ' line.

    str.find per character: a regular expression for the same rule took 25 µs a card, this 2."""
    if "\\" in text:
        return True  # an escape in double-quoted text
    for char in _INDICATORS:
        at = text.find(char, 1)  # the first character of the text is judged by `_plain`
        while at > 0:
            before = text[at - 1]
            if before in "\n[{,":
                return True
            if before == " " and (char not in "|>" or not text.startswith(_BARE_HEADER_ENDS, at + 1)):
                return True
            at = text.find(char, at + 1)
    return False


_FLOW_ITEM = r"[^\s\[\]{},:#'\"-][^\[\]{},:#'\"\n]*"
_FLOW_LINE = re.compile(rf"\[(?:{_FLOW_ITEM}(?:, {_FLOW_ITEM})*)?\][ ]*")
"""The one flow collection taken: a list of unquoted items on one line, '[a, b]', with nothing after it."""

_CONTROL_BYTES = bytes([*range(0x0A), *range(0x0B, 0x20), 0x7F])
"""Every ASCII character `str.isprintable` refuses, except the line feed."""
_DOCUMENT_MARKERS = ("---", "...")
_MARKER_OR_DEEP = re.compile(r"\n(?:---|\.\.\.| {40})")
"""A document marker starting a line, or a line indented 40 spaces or more (nesting rapidyaml's JSON writer
may refuse): one search, half the time of three `in` tests."""
_MAX_BRACKETS = 64
_SPECIAL = re.compile(
    r'"(?<!\\")(?=[-+.0-9~nNtTfFiI"])(?:~|[nN]ull|NULL|[tT]rue|TRUE|[fF]alse|FALSE|[-+]?[0-9]+'
    r"|[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?|[-+]?[0-9]+[eE][-+]?[0-9]+"
    r'|[-+]?\.?(?:[iI][nN][fF]|[nN][aA][nN])[a-zA-Z]*|)"'
)
"""A JSON string (key or value) that, unquoted in YAML, would be read as null, a boolean or a number, or
that rapidyaml's JSON writer may have rewritten (inf, nan), or that is empty: the JSON cannot say whether
the YAML value was quoted, so the file is refused. The text has no backslash (`_plain`), so in the JSON a
backslash only ever escapes a quote mark or a line break, and an unescaped quote mark starts or ends a string."""


@contextmanager
def _stderr_silenced() -> Iterator[None]:
    """rapidyaml writes each error to the process's stderr before raising it, with no way to turn that off;
    the strict loader reports the problem properly, so the copy goes to /dev/null."""
    global _null_fd
    try:
        saved = os.dup(2)
    except OSError:  # pragma: no cover - no stderr at all: nothing to silence
        yield
        return
    try:
        if _null_fd is None:
            _null_fd = os.open(os.devnull, os.O_WRONLY)
        os.dup2(_null_fd, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


_null_fd: int | None = None


_MAX_KEY = 1000
"""libyaml allows keys of at most 1,024 characters, rapidyaml any."""


def _nodes(container: dict[str, Any] | list[Any]) -> int:
    """Nodes in the data as rapidyaml counts them (each container and each scalar, keys not counted);
    -1 when a key is too long. Recursion is safe: rapidyaml's JSON writer refuses nesting deeper than 64."""
    count = 1 + len(container)
    values: Iterable[Any] = container
    if isinstance(container, dict):
        if container and max(map(len, container)) > _MAX_KEY:
            return -1
        values = container.values()
    for value in values:
        if value.__class__ is dict or value.__class__ is list:
            inner = _nodes(value)
            if inner < 0:
                return -1
            count += inner - 1
    return count


def _quoted_key(text: str) -> bool:
    """A quote mark, then spaces or none, then ':' ending the text or before a space or line break: a quoted
    key, or text that looks like one. rapidyaml reads a quoted key that spans lines, libyaml refuses it,
    and the JSON cannot tell. str.find per quote mark: a regular expression took 12.5 µs a card, this 3."""
    for mark in "'\"":
        at = text.find(mark)
        while at >= 0:
            after = at + 1
            while text.startswith(" ", after):
                after += 1
            if text.startswith(":", after) and text[after + 1:after + 2] in ("", " ", "\n"):
                return True
            at = text.find(mark, after)
    return False


def _starts_value(text: str, at: int) -> bool:
    """Does the character at `at` begin a value: first on its line, or after ':' or '-' and one or more
    spaces ('key:  [a, b]' is a list too)?"""
    if at and text[at - 1] not in " \n":
        return False  # most brackets, in text or closing a flow list: no need to look at the whole line
    if at >= 2 and text.startswith((": ", "- "), at - 2):
        return True  # most flow lists: no need to look back to the line's start either
    line_start = text.rfind("\n", 0, at) + 1
    before = text[line_start:at].rstrip(" ")
    return not before or before.endswith((":", "-"))


def _flow_lines_plain(text: str) -> bool:
    """A '[' that begins a value opens a one-line '[a, b]' list; a ']' never begins one; no '{' or '}'.
    Elsewhere (inside text, quoted or not) brackets are only characters, to both parsers."""
    if "{" in text or "}" in text:
        return False
    start = text.find("[")
    while start >= 0:
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        if _starts_value(text, start):
            if not _FLOW_LINE.fullmatch(text, start, end):
                return False
            start = text.find("[", end)
        else:
            start = text.find("[", start + 1)
    start = text.find("]")
    while start >= 0:
        if _starts_value(text, start):
            return False
        start = text.find("]", start + 1)
    return True


def _plain(text: str, raw: bytes) -> bool:
    """True when nothing in the text is outside what the fast path is known to read as libyaml does."""
    if text.isascii():
        if len(raw.translate(None, _CONTROL_BYTES)) != len(raw):
            return False  # tabs and other control characters: bytes.translate is four times isprintable's speed
    elif not text.replace("\n", " ").isprintable():
        return False  # tabs, control characters, line separators, the BOM, non-breaking spaces
    if text.startswith(_DOCUMENT_MARKERS) or text[:1] in "&*!%@`?:,[]{}|>":
        return False
    if not text.endswith("\n"):
        return False  # rapidyaml keeps a final line break in a block scalar that ends the file, libyaml not
    if _quoted_key(text):
        return False
    if _MARKER_OR_DEEP.search(text):
        return False
    if text.count("[") > _MAX_BRACKETS:
        return False
    if _node_start(text):
        return False
    return _flow_lines_plain(text)


Emitted = tuple[str, int]
"""A file's data as rapidyaml's JSON, and how many nodes rapidyaml's tree held."""


def load(text: str) -> dict[str, Any] | None:
    """The file's data, exactly as the strict loader would build it, or None to leave it to that loader."""
    emitted = emit(text)
    return None if emitted is None else decode(*emitted)


def emit(text: str) -> Emitted | None:
    """The half of `load` that parses (the worker's part when loading runs on two cores, parallel.py)."""
    if ryml is None:
        return None
    try:
        raw = text.encode("utf-8")
        if not _plain(text, raw):
            return None
        with _stderr_silenced():
            tree = ryml.parse_in_arena(raw)
            root = tree.root_id()
            if tree.is_stream(root) or not tree.is_map(root):
                return None
            emitted: str = ryml.emit_json_malloc(tree, root)  # refuses nesting deeper than 64, on stderr too
    except (ryml.ExceptionBasic, ValueError, RecursionError):
        return None
    return None if _SPECIAL.search(emitted) else (emitted, tree.size())


def decode(emitted: str, nodes: int) -> dict[str, Any] | None:
    """The data from `emit`'s JSON, or None when it differs from the YAML's.

    pydantic-core's JSON reader (jiter) takes a third of the time of the standard library's with an
    object_pairs_hook; a duplicate key, which JSON readers merge silently, shows instead as fewer
    nodes in the data than in rapidyaml's tree."""
    try:
        data = from_json(emitted, allow_inf_nan=False)  # NaN, Infinity: YAML spells them otherwise
    except ValueError:
        return None
    if not isinstance(data, dict) or _nodes(data) != nodes:
        return None
    return data
