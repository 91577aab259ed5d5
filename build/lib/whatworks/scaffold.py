"""Start new evidence files: a card, a source, or a vocabulary term, from a contributor's choices.

The pure core behind `whatworks new`: it reads the choices (sources, vocabulary terms) from an
evidence folder, matches typed text against them, and builds the text of new files. Nothing
here prompts or prints. Two rules keep contributors' work safe:

- a new file is created with `open(path, "x")`, so an existing file is never overwritten;
- a card's placeholders (`""`, `[]`) fail validation, so a half-filled card never passes.
"""

from __future__ import annotations

import functools
import json
import os
import re
import textwrap
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError
from rapidfuzz import fuzz, utils

from .load import load_file, load_text
from .model import EFFECTS, SLUG_PATTERN, VOCABULARIES, Card, Source, Term, Vocabulary
from .schema_errors import schema_problems

SLUG_MAX = 80
"""The longest id the model accepts."""
SOURCE_SLUG_WORDS = 8
"""A source id is short: organisation, year and the first words of the title."""
FUZZY_CUTOFF = 60.0
"""Below this rapidfuzz score (0-100) a term is not offered as a match for typed text."""
DID_YOU_MEAN_SPREAD = 8.0
"""A "did you mean" names every option within this many points of the best, so near-ties are all shown."""
EFFECT_HELP = {
    "benefit": "something is gained (fill in 'benefit')",
    "challenge": "something is risked or lost (fill in 'risk')",
    "mixed": "both a gain and a risk (fill in both)",
}


@dataclass(frozen=True)
class Option:
    """One thing a contributor can choose: a vocabulary term, a source or an effect."""

    id: str
    label: str
    synonyms: tuple[str, ...] = ()
    definition: str = ""


@dataclass(frozen=True)
class Catalogue:
    """The choices an evidence folder offers, read leniently: a broken file gives fewer choices, not an error."""

    root: Path
    sources: tuple[Option, ...]
    vocabularies: dict[str, tuple[Option, ...]]

    def options(self, vocabulary: str) -> tuple[Option, ...]:
        if vocabulary == "sources":
            return self.sources
        if vocabulary == "effects":
            return tuple(Option(effect, effect, (), EFFECT_HELP[effect]) for effect in EFFECTS)
        return self.vocabularies.get(vocabulary, ())


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def load_catalogue(root: Path) -> Catalogue:
    """Read the sources and vocabulary terms under `root` (the evidence folder)."""
    sources: list[Option] = []
    for path in sorted((root / "sources").glob("*.yml")):
        doc = load_file(path).document
        if doc is not None and _text(doc.get(("id",))):
            sources.append(Option(_text(doc.get(("id",))), _text(doc.get(("title",))) or path.stem))
    vocabularies: dict[str, tuple[Option, ...]] = {}
    for name in VOCABULARIES:
        doc = load_file(root / "vocab" / f"{name}.yml").document
        terms = doc.get(("terms",)) if doc is not None else None
        options = []
        for term in terms if isinstance(terms, list) else []:
            if isinstance(term, dict) and _text(term.get("id")):
                synonyms = term.get("synonyms")
                options.append(Option(_text(term.get("id")), _text(term.get("label")) or _text(term.get("id")),
                                      tuple(_text(s) for s in synonyms if _text(s))
                                      if isinstance(synonyms, list) else (),
                                      " ".join(_text(term.get("definition")).split())))
        vocabularies[name] = tuple(options)
    return Catalogue(root, tuple(sources), vocabularies)


def slugify(text: str, max_length: int = SLUG_MAX) -> str:
    """A lowercase slug for an id: accents dropped, apostrophes removed, cut at a word boundary."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    ascii_text = re.sub(r"(?<=\w)'(?=\w)", "", ascii_text)  # "fathers'" and "don't": no stray hyphen
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) <= max_length:
        return slug
    cut = slug[: max_length + 1]
    return cut[: cut.rfind("-")] if "-" in cut else slug[:max_length]


def source_slug(title: str, organisation: str | None = None, year: int | None = None) -> str:
    """A source id in the house style, e.g. `oneplusone-2021-blended-practice`: the title up to a colon."""
    short = title.split(":", 1)[0]
    parts = [organisation or "", str(year) if year else "", short]
    words = slugify(" ".join(p for p in parts if p)).split("-")
    return slugify("-".join(words[:SOURCE_SLUG_WORDS]))


def is_slug(text: str) -> bool:
    return bool(re.fullmatch(SLUG_PATTERN, text)) and len(text) <= SLUG_MAX


def _normal(text: str) -> str:
    return " ".join(slugify(text, max_length=10_000).split("-"))


def resolve(text: str, options: Sequence[Option]) -> Option | None:
    """The option typed text names exactly (id, label or synonym, ignoring case and punctuation), if one."""
    wanted = _normal(text)
    if not wanted:
        return None
    for option in options:
        if _normal(option.id) == wanted:
            return option
    named = [o for o in options if wanted in {_normal(o.label), *(_normal(s) for s in o.synonyms)}]
    return named[0] if len(named) == 1 else None


def similarity(typed: str, name: str) -> float:
    """How near typed text is to a name, 0-100.

    The mean of three rapidfuzz scores: whole-string (catches typos), weighted partial (catches a
    fragment, "remote grup") and token order (catches "engage dads" for "dads ... engage"). Tried on
    the real vocabularies, no single scorer ranked every test phrase's intended term first; the mean did.
    """
    a, b = utils.default_process(typed), utils.default_process(name)
    return (fuzz.WRatio(a, b) + fuzz.QRatio(a, b) + fuzz.partial_token_sort_ratio(a, b)) / 3


def fuzzy_matches(text: str, options: Sequence[Option], limit: int = 5, cutoff: float = FUZZY_CUTOFF,
                  within: float | None = None) -> list[Option]:
    """Options whose id, label or a synonym is near the typed text, best first (ties keep file order).

    `within` keeps only options scoring at most that far below the best, so a clear winner stands alone.
    """
    query = _normal(text)
    if not query:
        return []
    scores = [(max(similarity(query, _normal(name)) for name in (o.id, o.label, *o.synonyms)), -i)
              for i, o in enumerate(options)]
    ranked = sorted(((score, index) for score, index in scores if score >= cutoff), reverse=True)
    if ranked and within is not None:
        ranked = [(score, index) for score, index in ranked if score >= ranked[0][0] - within]
    return [options[-index] for _score, index in ranked[:limit]]


def did_you_mean(text: str, options: Sequence[Option]) -> str:
    """The hint for an unknown choice, phrased as the validator phrases its own."""
    matches = fuzzy_matches(text, options, limit=3, within=DID_YOU_MEAN_SPREAD)
    if not matches:
        return ""
    return "did you mean " + " or ".join(f"'{m.id}'" for m in matches) + "?"


def resolve_all(values: Iterable[str], options: Sequence[Option], what: str,
                fallback: str = "") -> tuple[list[str], list[str]]:
    """Ids for typed values, and one problem per value that names nothing (with a suggestion, or `fallback`)."""
    ids: list[str] = []
    problems: list[str] = []
    for value in values:
        option = resolve(value, options)
        if option is None:
            hint = did_you_mean(value, options) or fallback
            problems.append(f"'{value}' is not {what}" + (f": {hint}" if hint else ""))
        elif option.id not in ids:
            ids.append(option.id)
    return ids, problems


@functools.cache
def _schema(model: type[BaseModel]) -> dict[str, Any]:
    return model.model_json_schema()


def _schema_property(model: type[BaseModel], *path: str) -> dict[str, Any]:
    """The JSON Schema of a (nested) field: the same schema editors use."""
    schema = _schema(model)
    current: dict[str, Any] = schema
    for step in path:
        container = current.get("items", current)
        if "$ref" in container:
            container = schema["$defs"][container["$ref"].rsplit("/", 1)[1]]
        current = container["properties"][step]
    return current


def field_help(model: type[BaseModel], *path: str) -> str:
    """A field's description and size limits, from the model, so template comments cannot drift from it."""
    prop = _schema_property(model, *path)
    text = str(prop.get("description", "")).rstrip(".")
    shape = next((o for o in prop.get("anyOf", []) if o.get("type") != "null"), prop)
    low, high = shape.get("minLength"), shape.get("maxLength")
    if low is not None and high is not None and "pattern" not in shape:
        text += f"; {low} to {high} characters"
    elif shape.get("enum"):
        *head, tail = shape["enum"]
        text += ": " + ", ".join(head) + f" or {tail}"
    return text + "."


def text_limits(model: type[BaseModel], *path: str) -> tuple[int, int]:
    shape = _schema_property(model, *path)
    return int(shape.get("minLength", 0)), int(shape.get("maxLength", 10_000))


_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9 .,;()'’/&?!+=-]*")
_YAML_WORDS = {"true", "false", "null", "yes", "no", "on", "off", "y", "n"}


def scalar(text: str, *, flow: bool = False) -> str:
    """Text as a YAML scalar: plain where that reads back the same, else double-quoted (JSON is valid YAML)."""
    plain = (_PLAIN.fullmatch(text) is not None and text == text.strip() and "  " not in text
             and text.lower() not in _YAML_WORDS and not (flow and "," in text))
    return text if plain else json.dumps(text, ensure_ascii=False)


def flow_list(items: Sequence[str]) -> str:
    return "[" + ", ".join(scalar(item, flow=True) for item in items) + "]"


def _comment(text: str, indent: str = "", width: int = 96) -> list[str]:
    return textwrap.wrap(text, width=width, initial_indent=f"{indent}# ", subsequent_indent=f"{indent}# ")


def _long(key: str, text: str, indent: str = "", width: int = 96) -> list[str]:
    """A long text as a folded block (`>-`), which reads back as the same single-spaced text."""
    text = " ".join(text.split())
    if len(indent) + len(key) + 2 + len(scalar(text)) <= width:
        return [f"{indent}{key}: {scalar(text)}"]
    body = textwrap.wrap(text, width=width - len(indent) - 2, break_long_words=False, break_on_hyphens=False)
    return [f"{indent}{key}: >-", *(f"{indent}  {line}" for line in body)]


@dataclass(frozen=True)
class CardDraft:
    """A contributor's choices for a new card; everything else becomes a placeholder."""

    title: str
    source: str
    approach: str
    objectives: tuple[str, ...]
    effect: str
    populations: tuple[str, ...]
    settings: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    id: str = ""

    @property
    def card_id(self) -> str:
        return self.id or slugify(self.title)


def card_text(draft: CardDraft) -> str:
    """The text of a new card: the schema modeline, the choices, and a commented placeholder for the rest."""
    def about(*path: str, indent: str = "", extra: str = "") -> list[str]:
        return _comment(field_help(Card, *path) + (f" {extra}" if extra else ""), indent)

    lines = [
        "# yaml-language-server: $schema=../schema/card.schema.json",
        "# A new finding, started by `whatworks new card`. Replace every \"\" and [] below (the comment",
        "# above each field says what to write), then run `whatworks validate`: until every placeholder",
        "# is filled in it reports them as errors, so a half-finished card cannot pass unnoticed.",
        *about("id", extra="Keep it when you change the title."),
        f"id: {draft.card_id}",
        *about("title"),
        f"title: {scalar(draft.title)}",
        *about("statement", extra="Say whose view it is (e.g. \"Practitioners found ...\"). For a long text "
               "write >- and continue on the next lines, indented by two spaces."),
        'statement: ""',
        *about("approach"),
        f"approach: {draft.approach}",
        *about("objectives"),
        f"objectives: {flow_list(draft.objectives)}",
        *about("effect"),
        f"effect: {draft.effect}",
    ]
    if draft.effect in ("benefit", "mixed"):
        lines += [*about("benefit"), 'benefit: ""']
    if draft.effect in ("challenge", "mixed"):
        lines += [*about("risk"), 'risk: ""']
    lines += [
        *about("themes", extra="At least one."),
        f"themes: {flow_list(draft.themes)}",
        *about("for_whom"),
        "for_whom:",
        *about("for_whom", "populations", indent="  "),
        f"  populations: {flow_list(draft.populations)}",
        *about("for_whom", "settings", indent="  ", extra="May be empty: []."),
        f"  settings: {flow_list(draft.settings)}",
        *about("mechanism", extra="Optional: only when the source itself says why; then remove the # below."),
        '# mechanism: ""',
        *about("evidence", extra="Add an entry (- source: ...) for each further quote."),
        "evidence:",
        f"  - source: {draft.source}",
        *about("evidence", "locator", indent="    "),
        '    locator: ""',
        *about("evidence", "group", indent="    ", extra="Delete this line only if the source names no group."),
        '    group: ""',
        *about("evidence", "quote", indent="    ", extra="Copy one continuous passage exactly; do not tidy it."),
        '    quote: ""',
        *about("evidence", "dataset", indent="    ", extra="Optional: remove the # below if the quote reports "
               "figures from a dataset."),
        '    # dataset: ""',
        *about("confidence", extra="Rate each component by its concerns, then the overall level (see the "
               "Method page)."),
        "confidence:",
    ]
    for component in ("level", "methodological_limitations", "coherence", "adequacy", "relevance", "explanation"):
        lines += [*about("confidence", component, indent="  "), f'  {component}: ""']
    lines += [*about("tags", extra="Optional."), "tags: []"]
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class SourceDraft:
    """A new source's known details; method and sample stay placeholders to be written from the source."""

    title: str
    type: str
    organisation: str | None = None
    year: int | None = None
    url: str | None = None
    id: str = ""

    @property
    def source_id(self) -> str:
        return self.id or source_slug(self.title, self.organisation, self.year)


def source_text(draft: SourceDraft) -> str:
    """The text of a new source: what is known filled in, method and sample as failing placeholders."""
    def about(name: str, extra: str = "") -> list[str]:
        return _comment(field_help(Source, name) + (f" {extra}" if extra else ""))

    def optional(name: str, value: str | None, example: str) -> list[str]:
        return [*about(name), f"{name}: {value}" if value else f"# {name}: {example}"]

    lines = [
        "# yaml-language-server: $schema=../schema/source.schema.json",
        "# A new source, started by `whatworks new source`. Replace every \"\" below and remove the # in",
        "# front of each optional field you fill in; then run `whatworks validate`.",
        *about("id", "Cards cite the source by this id."),
        f"id: {draft.source_id}",
        *about("title"),
        f"title: {scalar(draft.title)}",
        *optional("organisation", scalar(draft.organisation) if draft.organisation else None, "Organisation name"),
        *about("authors"),
        "authors: []",
        *optional("year", str(draft.year) if draft.year else None, "2021"),
        *about("published"),
        '# published: "2021-06"',
        *about("type"),
        f"type: {draft.type}",
        *optional("url", scalar(draft.url) if draft.url else None, "https://example.org/report"),
        *about("method", "Describe it as the source does, including who was not asked."),
        'method: ""',
        *about("sample"),
        'sample: ""',
        *optional("dates", None, '"March to April 2021"'),
        *optional("place", None, "England"),
        *optional("copyright", None, '"All content copyright ..."'),
        *about("text_file", "Ask a maintainer to add the copy, then name it here."),
        "# text_file: report.txt",
        *optional("note", None, "Anything readers should know, such as the publisher's interest."),
    ]
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class TermDraft:
    """A new vocabulary term."""

    label: str
    definition: str
    synonyms: tuple[str, ...] = ()
    parent: str | None = None
    id: str = ""

    @property
    def term_id(self) -> str:
        return self.id or slugify(self.label)

    def data(self) -> dict[str, Any]:
        """The term as it must read back from the file."""
        data: dict[str, Any] = {"id": self.term_id, "label": self.label,
                                "definition": " ".join(self.definition.split())}
        if self.parent:
            data["parent"] = self.parent
        if self.synonyms:
            data["synonyms"] = list(self.synonyms)
        return data


def term_problems(draft: TermDraft) -> list[str]:
    """What is wrong with a term before it is written, in the model's own words."""
    try:
        Term.model_validate(draft.data())
    except ValidationError as exc:
        problems = []
        for error in exc.errors(include_url=False):
            name, ctx, value = ".".join(str(s) for s in error["loc"]), error.get("ctx") or {}, error["input"]
            if error["type"] in ("string_too_short", "string_too_long") and isinstance(value, str):
                bound = (f"at least {ctx['min_length']}" if error["type"] == "string_too_short"
                         else f"at most {ctx['max_length']}")
                problems.append(f"{name} is {len(value)} characters; it must be {bound}")
            else:
                problems.append(f"{name}: {error['msg']}")
        return problems
    return []


def term_lines(draft: TermDraft, dash: int = 2, key: int = 4) -> list[str]:
    """A term as the lines of a block-list item, indented like the file's existing terms."""
    first, rest = " " * dash + "-" + " " * (key - dash - 1), " " * key
    data = draft.data()
    lines = [f"{first}id: {data['id']}", f"{rest}label: {scalar(data['label'])}",
             *_long("definition", data["definition"], rest)]
    if "parent" in data:
        lines.append(f"{rest}parent: {data['parent']}")
    if "synonyms" in data:
        lines.append(f"{rest}synonyms: {flow_list(data['synonyms'])}")
    return lines


@dataclass(frozen=True)
class Outcome:
    """What a scaffold step did: the file, or why nothing was written (with the exit code to give)."""

    path: Path
    problems: tuple[str, ...] = ()
    exit_code: int = 0
    notes: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems


def exists(path: Path) -> Outcome:
    """The refusal for a file that is already there (exit code 1)."""
    return Outcome(path, (f"{path.as_posix()} already exists; whatworks never overwrites a file. "
                          "Edit that file, or choose another title (or --id).",), 1)


def write_new(path: Path, text: str) -> Outcome:
    """Create `path` with `text`; an existing file is never touched (exit code 1)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    except FileExistsError:
        return exists(path)
    except OSError as exc:
        return Outcome(path, (f"cannot write {path.as_posix()}: {exc.strerror or exc}",), 1)
    return Outcome(path)


def _insertion_point(text: str) -> tuple[int, int, int] | str:
    """(line index to insert at, dash column, key column) after the last term, or why there is none."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:  # pragma: no cover - the file was loaded before this is called
        return f"the file is not valid YAML ({exc})"
    terms = next((v for k, v in root.value if isinstance(k, yaml.ScalarNode) and k.value == "terms"), None) \
        if isinstance(root, yaml.MappingNode) else None
    if not isinstance(terms, yaml.SequenceNode) or terms.flow_style or not terms.value:
        return "its 'terms' are not written as an indented list of '- id: ...' entries; add the term by hand"
    lines = text.splitlines()
    first, last = terms.value[0], terms.value[-1]
    prefix = lines[first.start_mark.line][: first.start_mark.column]
    if prefix.strip() != "-" or not isinstance(first, yaml.MappingNode):
        return "its terms are laid out in an unusual way; add the term by hand"
    dash, key = len(prefix) - len(prefix.lstrip()), first.start_mark.column
    end = min(terms.end_mark.line + (1 if terms.end_mark.column else 0), len(lines))
    after = last.start_mark.line
    for index in range(last.start_mark.line, end):
        stripped = lines[index].lstrip()
        indent = len(lines[index]) - len(stripped)
        if stripped and (not stripped.startswith("#") or indent > dash):
            after = index
    return after + 1, dash, key


def add_term(path: Path, vocabulary: str, draft: TermDraft) -> tuple[Outcome, str]:
    """Append a term to the end of a vocabulary's list, keeping every other byte (comments, layout).

    Returns the outcome and the new text. The new text is re-loaded and validated before it is
    written; a duplicate id or a file that would not read back the same is refused (exit 1).
    """
    shown = path.as_posix()
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return Outcome(path, (f"cannot read {shown}: {exc.strerror or exc}",), 1), ""
    loaded = load_file(path)
    if loaded.document is None:
        return Outcome(path, (f"{shown} has problems; fix them first (run `whatworks validate`)",), 1), ""
    text = raw.decode("utf-8-sig")
    terms = loaded.document.get(("terms",))
    ids = [t.get("id") for t in terms if isinstance(t, dict)] if isinstance(terms, list) else []
    if draft.term_id in ids:
        return Outcome(path, (f"'{draft.term_id}' is already a term in {shown}; nothing was changed. "
                              "Use that term, or give the new one another --id.",), 1), ""
    if draft.parent and draft.parent not in ids:
        hint = did_you_mean(draft.parent, [Option(str(i), str(i)) for i in ids if isinstance(i, str)])
        return Outcome(path, (f"parent '{draft.parent}' is not a term in {shown}" + (f": {hint}" if hint else ""),),
                       2), ""
    point = _insertion_point(text)
    if isinstance(point, str):
        return Outcome(path, (f"cannot add to {shown}: {point}",), 1), ""
    at, dash, key = point
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.splitlines(keepends=True)
    if at == len(lines) and lines and not lines[-1].endswith(("\n", "\r")):
        lines[-1] += newline
    new_text = "".join([*lines[:at], *(line + newline for line in term_lines(draft, dash, key)), *lines[at:]])

    check = load_text(new_text, path, shown)
    problems = [f"{d.line}:{d.col}: {d.message}" for d in check.diagnostics]
    if check.document is not None:
        expected = {**loaded.document.data, "terms": [*terms, draft.data()]}
        if check.document.data != expected:
            problems.append("the new term would not read back as written")
        _, schema = schema_problems(check.document, Vocabulary, shown)
        problems += [f"{d.line}:{d.col}: {d.message}" for d in schema]
    if problems:
        return Outcome(path, (f"refused to change {shown}:", *problems), 1), ""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with temporary.open("x", encoding="utf-8", newline="") as handle:
            handle.write(new_text)
        temporary.replace(path)  # atomic: the vocabulary is never left half-written
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        return Outcome(path, (f"cannot write {shown}: {exc.strerror or exc}",), 1), ""
    similar = [o.id for o in fuzzy_matches(draft.label, [Option(str(i), str(i)) for i in ids if isinstance(i, str)],
                                           limit=3, cutoff=80)]
    notes = (f"similar terms already in {vocabulary}: {', '.join(similar)}",) if similar else ()
    return Outcome(path, notes=notes), new_text


def next_steps(kind: str, path: Path) -> str:
    """What to do after a file is written: fill in, validate, open a pull request."""
    steps = {
        "card": [f"Fill in every \"\" and [] in {path.as_posix()}; the comment above each field says what "
                 "to write.",
                 "Check it: whatworks validate (it lists every placeholder still to fill in).",
                 "Open a pull request; the checklist in its description says what reviewers look for."],
        "source": [f"Fill in method and sample in {path.as_posix()}, and any optional field you know.",
                   "Check it: whatworks validate",
                   "Cite it from a card: whatworks new card --source " + path.stem],
        "term": ["Check the definition reads well to someone outside the field.",
                 "Check it: whatworks validate (a term no card uses yet is a warning, not an error).",
                 "Open a pull request with the card that needs the term."],
    }[kind]
    return "Next:\n" + "\n".join(f"  {number}. {step}" for number, step in enumerate(steps, 1))
