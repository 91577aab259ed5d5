"""Checks that keep card text plain data: no markup, no template code, no unsafe links."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlsplit

_RULES: tuple[tuple[str, re.Pattern[str], str, str], ...] = (
    ("WW403", re.compile(r"\{\{|\{%|\{#|%\}|\}\}"), "template syntax", "write it without braces"),
    ("WW402", re.compile(r"<[A-Za-z/!?][^<>\n]{0,40}>?"), "HTML markup", "write plain text; the site formats it"),
    # Bounded, bracket-free repeats: a run of '[' cannot make the search quadratic.
    ("WW404", re.compile(r"!?\[[^\[\]\n]{0,500}\]\([^()\n]{0,2000}\)|!?\[[^\[\]\n]{1,500}\]\[[^\[\]\n]{0,500}\]"),
     "a Markdown link or image",
     "write plain text; cite sources in 'evidence' and links in a source's 'url'"),
    ("WW405", re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});"), "an HTML entity",
     "write the character itself"),
    ("WW406", re.compile("[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u200b-\u200f\u202a-\u202e"
                         "\u2060-\u2064\u2066-\u2069\ufeff]"), "an invisible control character",
     "delete it (it can make text display differently from what it says)"),
)
_TRIGGERS = re.compile("[{}<\\[&\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u200b-\u200f\u202a-\u202e"
                       "\u2060-\u2064\u2066-\u2069\ufeff]")
"""Characters that every rule's match starts with (or is); text without them needs no further look."""


_FILE_TRIGGERS = re.compile(_TRIGGERS.pattern.replace("\\[", ""))
"""The same without '[', which starts lists in a YAML file: there only a link's '](' or '][' counts."""
_LINK = re.compile(r"\][(\[]")


def file_suspicious(text: str, *, printable: bool = False) -> bool:
    """Could any value parsed from this YAML text trip a rule? Parsing adds only spaces and line breaks,
    except through a backslash escape, so this is a cheaper first pass than joining the values.
    `printable`: the caller knows the text holds printable characters and line breaks only."""
    if "{" in text or "}" in text or "<" in text or "&" in text or "\\" in text or _LINK.search(text):
        return True
    if printable:
        return False
    # The other triggers are control and invisible characters, none of which str.isprintable allows.
    return not text.replace("\n", "").replace("\t", "").isprintable() and _FILE_TRIGGERS.search(text) is not None


def suspicious(text: str) -> bool:
    """A cheap first pass over all of a document's text: could any rule match?"""
    return _TRIGGERS.search(text) is not None


def text_problems(value: str) -> Iterator[tuple[str, str, str]]:
    """(code, message, hint) for each kind of markup found in a text value."""
    if not suspicious(value):
        return
    for code, pattern, what, hint in _RULES:
        match = pattern.search(value)
        if match:
            shown = match.group(0)
            if code == "WW406":
                shown = f"U+{ord(shown):04X}"
            yield code, f"{what} ({shown!r}) is not allowed in text", hint


def url_problem(value: str) -> tuple[str, str] | None:
    """(message, hint) when a link is not a plain http(s) address, else None."""
    if any(ch.isspace() or ord(ch) < 32 for ch in value):
        return "link contains white space or control characters", "remove them, or encode spaces as %20"
    if value.startswith("//"):
        return "link has no scheme ('//...' inherits the page's)", "start it with https://"
    parts = urlsplit(value)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        shown = f"'{scheme}:'" if scheme else "no scheme"
        return f"only http and https links are allowed, not {shown}", "use an https:// address"
    if "@" in parts.netloc:
        return "link contains a user name or password", "remove the part before '@'"
    host = parts.hostname or ""
    if not host:
        return "link has no host name", "write the full address, e.g. https://example.org/report"
    if not host.isascii() or any(label.startswith("xn--") for label in host.split(".")):
        return (f"host name '{host}' is not plain ASCII (it may imitate another site)",
                "use the site's ASCII address")
    if not re.fullmatch(r"[A-Za-z0-9.-]+", host):
        return f"host name '{host}' is not valid", "check the address"
    try:
        port = parts.port
    except ValueError:
        port = -1
    if port is not None and not 1 <= port <= 65535:
        shown_port = parts.netloc.rsplit(":", 1)[-1]
        return f"link has an invalid port: {shown_port}", "remove the port, or use one from 1 to 65535"
    return None
