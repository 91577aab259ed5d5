"""Verify that every quote appears, word for word, in its source's text copy."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rapidfuzz import fuzz

_TRANSLATE = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "`": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-",
    "\u00a0": " ", "*": None,
})
_REPLACEMENTS = tuple((chr(code), "" if to is None else str(to)) for code, to in _TRANSLATE.items())
_ELLIPSIS = re.compile(r"\u2026|\.\s*\.\s*\.")


def normalise(text: str) -> str:
    """Fold the differences a text copy introduces: quote marks, dashes, ellipses, emphasis, white space."""
    if not text.isascii():
        # str.translate with a table looks every character up in a dict (about 150 ns each);
        # replacing only the characters present is ten times faster on a quote
        for char, replacement in _REPLACEMENTS:
            if char in text:
                text = text.replace(char, replacement)
    elif "*" in text or "`" in text:  # the only ASCII characters the table changes; translate is slow
        text = text.replace("*", "").replace("`", "'")
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        # white space here is single spaces only, so an ellipsis can only be '..' or '. .'
        if ".." in text or ". ." in text or "\u2026" in text:
            text = _ELLIPSIS.sub("...", text)
        return text
    return " ".join(_ELLIPSIS.sub("...", text).split())  # str.split's white space is the \s of a str pattern


@dataclass(frozen=True)
class Miss:
    """A quote that is not in the text, with the text's closest passage."""

    closest: str
    similarity: float


_KEY = 8
"""Characters of a word's start that the index of a text is keyed on."""


class SourceText:
    """A normalised text copy, with where every word starts (every position after a space).

    A quote that holds a space and at least 8 characters after it can only occur where its second
    word starts, so `in` looks at those few places instead of scanning the text up to the quote:
    about 1.8 µs a quote against 3.9 µs in the 33 KB report, and a scan grows with the text.
    Building the index costs about as much as 1,300 scans (3.5 ms for that report), so it is built
    only after `index_after` lookups: the real site's 110 quotes never need it, 10,000 cards' 25,600 do."""

    def __init__(self, text: str, *, index_after: int = 1000) -> None:
        self.text = text
        self._scans_left = index_after
        self._starts: dict[str, list[int]] | None = None

    def _index(self) -> dict[str, list[int]]:
        starts: dict[str, list[int]] = {}
        text = self.text
        at = text.find(" ")
        while at >= 0:
            at += 1
            starts.setdefault(text[at:at + _KEY], []).append(at)
            at = text.find(" ", at)
        return starts

    def __contains__(self, wanted: str) -> bool:
        space = wanted.find(" ")
        if space < 0 or len(wanted) - space - 1 < _KEY:
            return wanted in self.text
        if self._starts is None:
            if self._scans_left > 0:
                self._scans_left -= 1
                return wanted in self.text
            self._starts = self._index()
        offset = space + 1
        text = self.text
        for at in self._starts.get(wanted[offset:offset + _KEY], ()):
            if at >= offset and text.startswith(wanted, at - offset):
                return True
        return False


@lru_cache(maxsize=64)
def read_text(path: Path) -> SourceText | None:
    """The normalised text copy, or None when it is absent or unreadable."""
    try:
        return SourceText(normalise(path.read_text(encoding="utf-8", errors="replace")))
    except OSError:
        return None


def find(quote: str, source: SourceText | str) -> Miss | None:
    """None when the quote is in the (normalised) text; else the closest passage.

    A quote that elides words with '...' matches when its parts appear in order.
    """
    wanted = normalise(quote)
    if wanted in source:
        return None
    text = source.text if isinstance(source, SourceText) else source
    parts = [p.strip() for p in wanted.split("...") if p.strip()]
    if len(parts) > 1:
        at = 0
        for part in parts:
            at = text.find(part, at)
            if at < 0:
                break
            at += len(part)
        else:
            return None
    alignment = fuzz.partial_ratio_alignment(wanted, text)
    if alignment is None:  # pragma: no cover - only for empty strings
        return Miss("", 0.0)
    start, end = alignment.dest_start, alignment.dest_end
    return Miss(text[start:end], alignment.score)
