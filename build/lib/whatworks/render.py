"""Render the synthesis into the site's pages: {source path: Markdown} via Jinja2 templates.

Card text is data: Jinja2 autoescapes it into HTML, the `md` filter escapes it where it lands in
Markdown, and `json_script` escapes it inside script elements. Only http(s) links are emitted.
"""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from .model import CONCERNS, EFFECTS, LEVELS, VOCABULARIES, Card, Source, Term
from .synthesise import Synthesis

TEMPLATES = Path(__file__).parent / "templates"
EFFECT_LABELS = {"benefit": "Benefit", "challenge": "Challenge", "mixed": "Mixed"}
LEVEL_LABELS = {"high": "High", "moderate": "Moderate", "low": "Low", "very-low": "Very low"}
CONCERN_LABELS = {"none": "No or very minor concerns", "minor": "Minor concerns", "moderate": "Moderate concerns",
                  "serious": "Serious concerns"}
VOCAB_SECTIONS = {"approaches": "approaches", "objectives": "objectives", "populations": "for-whom",
                  "settings": "settings", "themes": "themes"}
"""Vocabulary -> URL folder of its pages."""
FACET_FIELDS = {"approaches": "approach", "objectives": "objectives", "populations": "populations",
                "settings": "settings", "themes": "themes"}
"""Vocabulary -> the table's URL filter parameter."""

HTML_BLOCK = re.compile(r"<!--whatworks-html-(\d+)-->")
"""Marks the place of a deferred HTML block in a page's Markdown (and then in its HTML)."""

MAP_FINDING_FIELDS = ("approach", "objectives", "effect", "confidence", "populations", "settings")
"""The map's findings, in order: each a position (or list of positions) in the map data's term lists."""

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|>])")


def md(text: str) -> Markup:
    """Escape text for inline Markdown: HTML-escape, then backslash every Markdown-active character."""
    return Markup(_MD_SPECIAL.sub(r"\\\1", str(escape(text))).replace("\n", " "))  # noqa: S704 - escaped first


def front_matter_value(text: str) -> Markup:
    """A YAML-safe scalar for front matter (JSON strings are YAML), HTML-escaped first: Material writes
    page.meta.description into an attribute without escaping it."""
    return Markup(json.dumps(str(escape(text)), ensure_ascii=True))  # noqa: S704 - a JSON string literal


def front_matter_title(text: str) -> Markup:
    """A page title for front matter: tags and entities escaped, quote marks kept, because Material escapes
    titles itself in attributes (escaping them here too would make the accessible name differ from the text)."""
    safe = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return Markup(json.dumps(safe, ensure_ascii=True))  # noqa: S704 - a JSON string literal


def json_script(value: Any) -> Markup:
    """JSON as element text (in a <template>, or a script element): nothing in it can close the element or
    form a tag or an entity, so it reads back exactly."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for raw, safe in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"),
                      ("\u2029", "\\u2029")):
        text = text.replace(raw, safe)
    return Markup(text)  # noqa: S704 - every character that could end the element is escaped


def safe_url(url: str | None) -> str | None:
    """The URL if it is http(s), else None: a second line of defence behind the validator."""
    if not url:
        return None
    return url if urlsplit(url).scheme.lower() in ("http", "https") and not url.startswith("//") else None


@dataclass(frozen=True)
class SiteOptions:
    site_name: str = "Evidence"
    site_url: str | None = None
    use_directory_urls: bool = True
    edit_url: str | None = None
    """Template for 'edit this card' links, with {path} for the card's path in the repository."""
    evidence_path: str = "evidence"
    """The evidence folder's path in the repository."""
    downloads: tuple[tuple[str, int], ...] = ()
    """Data files (name, size in bytes) offered on the data page."""
    defer_html_blocks: bool = False
    """Leave the pages' HTML blocks out of their Markdown, as HTML_BLOCK markers, for `Renderer.html_blocks` to
    put back after conversion (see `fill_html_blocks`). Python-Markdown would only parse them to pass them
    through unchanged, which is a fifth of a site build."""
    static_table_rows_max: int = 500
    """Above this many findings the table page carries no static copy of its rows (only readers without
    JavaScript see it): at 10,000 findings those rows are 5 MB of HTML to parse before the table starts."""


def fill_html_blocks(html: str, blocks: Sequence[str]) -> str:
    """Put a page's deferred HTML blocks back in place of their markers, in one pass.

    A marker with no block (only another plugin could write one) is left as it is, never an error.
    """
    def block(match: re.Match[str]) -> str:
        index = int(match.group(1))
        return blocks[index] if index < len(blocks) else match.group(0)

    return HTML_BLOCK.sub(block, html) if blocks else html


def page_url(uri: str, directory_urls: bool = True) -> str:
    """The URL path (relative to the site root) of a page's source path."""
    stem = uri[:-3] if uri.endswith(".md") else uri
    if not uri.endswith(".md"):
        return uri
    if directory_urls:
        if stem == "index":
            return ""
        return (stem[: -len("/index")] if stem.endswith("/index") else stem) + "/"
    return stem + ".html"


def relative(from_uri: str, to: str, directory_urls: bool = True) -> str:
    """A link from one page to a page (source path ending .md) or a file, relative so the site works anywhere."""
    here = page_url(from_uri, directory_urls)
    base = here if here.endswith("/") or not here else posixpath.dirname(here) + "/"
    target = page_url(to, directory_urls)
    rel = _relpath(target, base)
    if target.endswith("/") or not target:
        return "./" if rel == "." else rel + "/"
    return rel


def _relpath(target: str, base: str) -> str:
    """posixpath.relpath for two paths under the site root, from strings alone.

    posixpath.relpath makes both paths absolute first, asking the operating system for the current
    folder on every call: a third of the rendering time at 10,000 cards (270,000 links).
    """
    to_parts = [part for part in target.split("/") if part and part != "."]
    from_parts = [part for part in base.split("/") if part and part != "."]
    common = 0
    while common < len(to_parts) and common < len(from_parts) and to_parts[common] == from_parts[common]:
        common += 1
    return "/".join([".."] * (len(from_parts) - common) + to_parts[common:]) or "."


class Renderer:
    def __init__(self, synthesis: Synthesis, options: SiteOptions) -> None:
        self.s = synthesis
        self.base = synthesis.base
        self.options = options
        self.html_blocks: dict[str, list[str]] = {}
        """Deferred HTML blocks of the pages rendered so far, by page (with `defer_html_blocks`)."""
        self.env = Environment(
            loader=FileSystemLoader(TEMPLATES),
            autoescape=select_autoescape(default=True, default_for_string=True),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        self.env.filters.update(md=md, fm=front_matter_value, fm_title=front_matter_title, json_script=json_script,
                                safe_url=safe_url,
                                effect_label=EFFECT_LABELS.__getitem__, level_label=LEVEL_LABELS.__getitem__,
                                concern_label=CONCERN_LABELS.__getitem__)
        self.env.globals.update(EFFECTS=EFFECTS, LEVELS=LEVELS, CONCERNS=CONCERNS, VOCAB_SECTIONS=VOCAB_SECTIONS,
                                site=options, headline=synthesis.headline, base=self.base, s=synthesis,
                                map_index={(c.approach, c.objective): c for c in synthesis.map_cells},
                                describe=describe_download)

    def term_uri(self, vocabulary: str, term: str) -> str:
        return f"{VOCAB_SECTIONS[vocabulary]}/{term}.md"

    def _render(self, uri: str, template: str, **context: Any) -> str:
        def href(to: str) -> str:
            return relative(uri, to, self.options.use_directory_urls)

        def term_href(vocabulary: str, term: str) -> str:
            return href(self.term_uri(vocabulary, term))

        def label(vocabulary: str, term: str) -> str:
            return self.base.label(vocabulary, term)

        def table_href(**filters: str) -> str:
            query = urlencode(sorted((k, v) for k, v in filters.items() if v))
            return href("evidence/index.md") + (f"?{query}" if query else "")

        blocks: list[str] = []

        def html_block(caller: Callable[[], Markup]) -> Markup:
            """`{% call html_block() %}...{% endcall %}`: raw HTML that Markdown must pass through as it is."""
            content = caller()  # Markup: the block's body, rendered with autoescape
            if not self.options.defer_html_blocks:
                return content
            blocks.append(str(content).rstrip("\n"))
            return Markup(f"<!--whatworks-html-{len(blocks) - 1}-->\n")  # noqa: S704 - a number, no input

        helpers: dict[str, Callable[..., Any]] = {
            "href": href, "term_href": term_href, "label": label, "table_href": table_href,
            "card_href": lambda card_id: href(f"cards/{card_id}.md"),
            "source_href": lambda source_id: href(f"sources/{source_id}.md"),
            "html_block": html_block,
        }
        text = self.env.get_template(template).render(uri=uri, **helpers, **context)
        if blocks:
            self.html_blocks[uri] = blocks
        return text

    def pages(self) -> dict[str, str]:
        """Every generated page, by source path; sorted, so builds are deterministic."""
        return {uri: render() for uri, render in self.page_renderers().items()}

    def page_renderers(self) -> dict[str, Callable[[], str]]:
        """Every generated page as a function that renders its Markdown, by source path, sorted.

        The MkDocs plugin renders each page only when MkDocs reads it: at 10,000 findings the site's
        Markdown is about 250 MB in memory, most of it never needed at the same time.
        """
        pages: dict[str, Callable[[], str]] = {}
        pages["index.md"] = lambda: self._render("index.md", "home.md.j2", cells=self._map_axes())
        pages["evidence/index.md"] = lambda: self._render("evidence/index.md", "table.md.j2",
                                                          table=self._table_json("evidence/index.md"))
        pages["map.md"] = lambda: self._render("map.md", "map.md.j2", cells=self._map_json("map.md"))
        pages["summary.md"] = lambda: self._render("summary.md", "summary.md.j2")
        pages["questions/index.md"] = lambda: self._render("questions/index.md", "questions.md.j2")
        for question in self.base.questions.questions:
            uri = f"questions/{question.id}.md"
            pages[uri] = partial(self._render, uri,
                                 f"question-{self._question_kind(question.id, question.facets)}.md.j2",
                                 question=question, rule=self.base.questions.promise_rule)
        for card in self.base.cards:
            pages[f"cards/{card.id}.md"] = partial(self._card_page, card)
        for vocabulary in VOCABULARIES:
            vocab = self.base.vocabularies[vocabulary]
            section = VOCAB_SECTIONS[vocabulary]
            pages[f"{section}/index.md"] = partial(self._render, f"{section}/index.md", "vocabulary.md.j2",
                                                   vocabulary=vocabulary, vocab=vocab)
            for term in vocab.terms:
                pages[self.term_uri(vocabulary, term.id)] = partial(self._term_page, vocabulary, term)
        pages["sources/index.md"] = lambda: self._render("sources/index.md", "sources.md.j2")
        for source in self.base.sources.values():
            pages[f"sources/{source.id}.md"] = partial(self._source_page, source)
        pages["data/index.md"] = lambda: self._render("data/index.md", "data.md.j2", charts=self._survey_charts())
        return dict(sorted(pages.items()))

    def _card_page(self, card: Card) -> str:
        uri = f"cards/{card.id}.md"
        return self._render(uri, "card.md.j2", card=card, groups=self.s.groups(card),
                            edit_url=self._edit_url(card), cite=self._cite(card))

    def _term_page(self, vocabulary: str, term: Term) -> str:
        vocab = self.base.vocabularies[vocabulary]
        children = [t for t in vocab.terms if t.parent == term.id]
        return self._render(self.term_uri(vocabulary, term.id), "term.md.j2", vocabulary=vocabulary, vocab=vocab,
                            term=term, children=children, cards=self.s.cards_for(vocabulary, term.id),
                            filter_key=FACET_FIELDS[vocabulary])

    def _source_page(self, source: Source) -> str:
        cards = [c for c in self.base.cards if any(e.source == source.id for e in c.evidence)]
        return self._render(f"sources/{source.id}.md", "source.md.j2", source=source, cards=cards)

    @staticmethod
    def _question_kind(question_id: str, facets: Sequence[str]) -> str:
        if "effect" in facets and "themes" in facets and question_id != "promise":
            return "benefits"
        if question_id == "promise" or "populations" in facets:
            return "promise"
        if facets and facets[0] == "objectives":
            return "objectives"
        return "approaches"

    def _edit_url(self, card: Card) -> str | None:
        template = self.options.edit_url
        if not template:
            return None
        path = f"{self.options.evidence_path}/{self.base.card_files[card.id]}"
        return safe_url(template.format(path=path))

    def _cite(self, card: Card) -> str:
        from .export import cite_card  # the exports module is optional for rendering alone

        return cite_card(self.base, card, site_name=self.options.site_name, site_url=self.options.site_url)

    def _facets_json(self, names: tuple[str, ...]) -> dict[str, Any]:
        facets: dict[str, Any] = {}
        titles = {"approach": "Approach", "objectives": "Objective", "populations": "For whom",
                  "settings": "Setting", "themes": "Theme", "effect": "Effect", "confidence": "Confidence"}
        vocab_of = {"approach": "approaches", "objectives": "objectives", "populations": "populations",
                    "settings": "settings", "themes": "themes"}
        for name in names:
            if name == "effect":
                terms = [{"id": e, "label": EFFECT_LABELS[e]} for e in EFFECTS]
            elif name == "confidence":
                terms = [{"id": level, "label": LEVEL_LABELS[level]} for level in LEVELS]
            else:
                terms = [{"id": t.id, "label": t.label} for t in self.base.vocabularies[vocab_of[name]].terms]
            facets[name] = {"label": titles[name], "terms": terms}
        return facets

    def _table_json(self, uri: str) -> dict[str, Any]:
        rows = []
        for card in self.base.cards:
            rows.append({
                "id": card.id, "url": relative(uri, f"cards/{card.id}.md", self.options.use_directory_urls),
                "title": card.title, "statement": card.statement, "approach": card.approach,
                "objectives": list(card.objectives), "effect": card.effect,
                "populations": list(card.for_whom.populations), "settings": list(card.for_whom.settings),
                "themes": list(card.themes), "confidence": card.confidence.level,
                "sources": sorted({e.source for e in card.evidence}),
            })
        facets = self._facets_json(("approach", "objectives", "effect", "populations", "settings", "themes",
                                    "confidence"))
        return {"facets": facets, "rows": rows}

    def _map_axes(self) -> dict[str, list[dict[str, str]]]:
        """The map's rows and columns: all the home page's static map table needs."""
        return {name: [{"id": t.id, "label": t.label} for t in self.base.vocabularies[name].terms]
                for name in ("approaches", "objectives")}

    def _map_json(self, uri: str) -> dict[str, Any]:
        """The map's data: its axes, its filters, and every finding as term positions.

        Findings are rows of positions into the lists beside them (MAP_FINDING_FIELDS), not objects of
        ids: at 10,000 findings that is 57 KB gzipped instead of 233 KB, and the page is the map's
        whole weight budget apart from plotly.js.
        """
        axes = self._map_axes()
        approaches, objectives = axes["approaches"], axes["objectives"]
        facets = self._facets_json(("populations", "settings", "effect", "confidence"))
        position = {name: {term["id"]: i for i, term in enumerate(terms)} for name, terms in
                    (("approach", approaches), ("objectives", objectives),
                     *((name, facet["terms"]) for name, facet in facets.items()))}
        findings = [[position["approach"][c.approach], [position["objectives"][t] for t in c.objectives],
                     position["effect"][c.effect], position["confidence"][c.confidence.level],
                     [position["populations"][t] for t in c.for_whom.populations],
                     [position["settings"][t] for t in c.for_whom.settings]] for c in self.base.cards]
        return {
            "approaches": approaches,
            "objectives": objectives,
            "facets": facets,
            "finding_fields": list(MAP_FINDING_FIELDS),
            "findings": findings,
            "table_url": relative(uri, "evidence/index.md", self.options.use_directory_urls),
        }

    def _survey_charts(self) -> list[dict[str, Any]]:
        from .charts import survey_figure

        return [{"id": f"ww-survey-{table.meta.id}", "table": table, "figure": survey_figure(table)}
                for table in self.base.datasets.values()]


_DOWNLOADS = {
    "cards.csv": "Every finding, one row each, with its facets and confidence",
    "cards.xlsx": "The findings, the quotes and the sources as an Excel workbook",
    "cards.json": "Every finding with all its fields, as JSON",
    "evidence.csv": "Every quote, with its finding, source and locator",
    "sources.csv": "The sources, one row each",
    "sources.json": "The sources, as JSON",
    "sources.ris": "Citations of the sources (RIS: EndNote, Zotero, Mendeley)",
    "sources.bib": "Citations of the sources (BibTeX)",
    "sources.csl.json": "Citations of the sources (CSL-JSON)",
    "datapackage.json": "Data dictionary: a Frictionless Data Package describing the CSV files",
}


def describe_download(name: str) -> str:
    if name in _DOWNLOADS:
        return _DOWNLOADS[name]
    if name.startswith("schema/"):
        return "JSON Schema for editors and validators: " + name.removeprefix("schema/").split(".")[0] + " files"
    if name.startswith("survey-"):
        return "Survey responses as tidy data: one row per statement and response level"
    return "Data file"


def render_pages(synthesis: Synthesis, options: SiteOptions) -> dict[str, str]:
    return Renderer(synthesis, options).pages()

