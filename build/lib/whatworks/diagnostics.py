"""Diagnostics: the one type every check returns, and the registry of stable codes.

Loaders and validators return diagnostics for user data instead of raising, so that one run
reports every problem in every file. Only `report` formats them.
"""

from __future__ import annotations

import difflib
import enum
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Diagnostic:
    """A problem in a file, at a 1-based line and column."""

    path: str
    line: int
    col: int
    code: str
    message: str
    severity: Severity = field(default=Severity.ERROR, compare=False)
    hint: str | None = field(default=None, compare=False)

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR


@dataclass(frozen=True)
class Code:
    """A check's stable code, with the failing and passing examples shown to contributors."""

    code: str
    title: str
    explanation: str
    bad: str
    good: str


_CODES: tuple[Code, ...] = (
    Code("WW100", "File cannot be read", "The file system refused to open the file.",
         "a card file with no read permission", "a readable file"),
    Code("WW101", "Invalid YAML", "The file is not valid YAML, so nothing in it could be checked.",
         "title: \"Fathers joined online", "title: \"Fathers joined online\""),
    Code("WW102", "Duplicate key", "A key appears twice in the same mapping; YAML would silently keep the last one.",
         "title: A\ntitle: B", "title: A"),
    Code("WW103", "Anchor or alias", "Anchors (&) and aliases (*) are not allowed: they hide repeated text and can "
         "expand exponentially (an 'alias bomb').", "base: &b text\ncopy: *b", "write the text out in full"),
    Code("WW104", "YAML tag", "Tags such as !!python/object are never constructed; cards hold plain data only.",
         "title: !!python/object:os.system x", "title: plain text"),
    Code("WW105", "Tab indentation", "YAML indentation must use spaces; a tab makes the structure ambiguous.",
         "evidence:\n\t- source: x", "evidence:\n  - source: x"),
    Code("WW106", "Not UTF-8", "Evidence files must be UTF-8 text.", "a file saved as Latin-1 or UTF-16",
         "the same file saved as UTF-8"),
    Code("WW107", "Empty file", "The file has no content.", "an empty cards/x.yml", "a complete card"),
    Code("WW108", "File too large", "Evidence files are limited to 1 MiB; a card is a few kilobytes.",
         "a 2 MiB card", "split the content into several cards"),
    Code("WW109", "Several documents", "One file holds one YAML document (one card, one source ...).",
         "id: a\n---\nid: b", "id: a"),
    Code("WW110", "Not a mapping", "The top level of the file must be a mapping of field names to values.",
         "- id: a", "id: a"),
    Code("WW111", "Key is not text", "Keys must be plain text field names.", "? [a, b]\n: value", "title: value"),
    Code("WW112", "Unexpected file", "The file is not where the evidence layout expects one.",
         "cards/x.yaml or cards/notes.txt", "cards/x.yml"),
    Code("WW201", "Missing field", "A required field is missing.", "a card with no title", "title: ..."),
    Code("WW202", "Unknown field", "The field is not part of the schema (often a typo).", "titel: ...",
         "title: ..."),
    Code("WW203", "Wrong type", "The value has the wrong type (text, number, list or mapping).",
         "objectives: engage-fathers", "objectives: [engage-fathers]"),
    Code("WW204", "Value not allowed", "The field only takes one of a fixed set of values.", "effect: benefitt",
         "effect: benefit"),
    Code("WW205", "Text length", "Text is shorter or longer than the field allows.", "title: Dads",
         "title: Online groups made it easier for fathers to take part"),
    Code("WW206", "Not a slug", "Ids and term references are lowercase slugs: letters, digits, single hyphens.",
         "id: Online_Groups", "id: online-groups"),
    Code("WW207", "List size", "The list has too few or too many items.", "objectives: []",
         "objectives: [widen-reach]"),
    Code("WW208", "Benefit or risk missing", "A benefit finding states the benefit, a challenge finding the risk, "
         "a mixed finding both.", "effect: mixed\nbenefit: ...", "effect: mixed\nbenefit: ...\nrisk: ..."),
    Code("WW209", "Value out of range", "A number is outside the range the field allows.", "year: 20211",
         "year: 2021"),
    Code("WW301", "Unknown term", "The value is not a term of the named vocabulary.", "approach: remote-grup",
         "approach: remote-group-delivery"),
    Code("WW302", "Unknown source", "The card cites a source id that has no file in sources/.",
         "source: oneplusone-2012", "source: oneplusone-2021-blended-practice"),
    Code("WW303", "Unknown dataset", "The evidence entry cites a dataset id that has no file in datasets/.",
         "dataset: survey", "dataset: oneplusone-2021-survey-table-1"),
    Code("WW304", "Duplicate id", "Two files declare the same id.", "two cards with id: a", "unique ids"),
    Code("WW305", "Id is not the file name", "A file's id must equal its file name, so links stay stable.",
         "cards/a.yml with id: b", "cards/a.yml with id: a"),
    Code("WW306", "Unused term", "A vocabulary term that no card uses (a warning: the site shows it as a gap).",
         "a term no card cites", "a card that uses it, or remove the term"),
    Code("WW307", "Missing file", "A file the evidence base needs is missing.", "no vocab/approaches.yml",
         "vocab/approaches.yml"),
    Code("WW308", "Vocabulary name", "A vocabulary file's `vocabulary` field must equal its file name.",
         "vocab/approaches.yml with vocabulary: approach", "vocabulary: approaches"),
    Code("WW309", "Unknown parent term", "A term's parent must be another term of the same vocabulary.",
         "parent: nonexistent", "parent: an existing term id"),
    Code("WW401", "Unsafe URL", "Only http and https links with a host and no credentials are allowed.",
         "url: javascript:alert(1)", "url: https://example.org/report"),
    Code("WW402", "HTML in text", "Card text is plain text; HTML tags and comments are not allowed.",
         "title: <b>Fathers</b>", "title: Fathers"),
    Code("WW403", "Template syntax", "Template syntax ({{, {%, {#) is not allowed in text.",
         "title: \"{{ config }}\"", "title: Configuration"),
    Code("WW404", "Markdown markup", "Markdown links and images are not rendered; cite sources in `evidence`.",
         "statement: see [this](https://x.org)", "statement: see the OnePlusOne report"),
    Code("WW405", "HTML entity", "Write the character itself, not an HTML entity.", "title: Fish &amp; chips",
         "title: Fish & chips"),
    Code("WW406", "Invisible control character", "Bidirectional overrides and other invisible control "
         "characters can make text read differently from what it says.", "title with U+202E",
         "plain text"),
    Code("WW501", "Quote not found", "The quote is not in the source's text copy (after normalising quotation "
         "marks, dashes, ellipses and white space).", "a paraphrase", "the exact words of the source"),
    Code("WW502", "Source text missing", "The source's text copy was not found, so its quotes were not checked "
         "(a warning).", "text_file: missing.txt", "the text copy in the configured directory"),
    Code("WW601", "Dataset file", "The dataset's CSV file is missing or malformed.", "a CSV without a header",
         "statement_id,response,count,percent"),
    Code("WW602", "Dataset counts", "A statement's counts do not fit the sample size, or a cell is missing.",
         "counts summing to more than n", "counts that sum to at most n"),
    Code("WW603", "Dataset percentages", "A percentage does not agree with its count (to rounding).",
         "8 of 72 printed as 20%", "8 of 72 printed as 11%"),
    Code("WW604", "Dataset values", "The CSV names a statement or response level the YAML does not define.",
         "response: sometimes", "response: some-extent"),
)

CODES: dict[str, Code] = {c.code: c for c in _CODES}


def closest(word: str, candidates: Iterable[str]) -> str | None:
    """The nearest known name to a mistyped one, or None when nothing is near."""
    matches = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return matches[0] if matches else None


def did_you_mean(word: str, candidates: Iterable[str]) -> str | None:
    match = closest(word, candidates)
    return f"did you mean '{match}'?" if match else None


def display_path(path: Path) -> str:
    """A path as the user would type it: relative to the working directory when inside it."""
    # os.path, not pathlib: this runs once per file and Path.resolve() costs a system call per part.
    absolute = os.path.abspath(path)  # noqa: PTH100
    cwd = os.getcwd()  # noqa: PTH109
    if absolute.startswith(cwd + os.sep):
        return Path(absolute[len(cwd) + 1:]).as_posix()
    return Path(absolute).as_posix() if not path.is_absolute() else path.as_posix()
