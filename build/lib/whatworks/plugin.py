"""The MkDocs adapter: the only module that imports mkdocs.

Validates and synthesises once per build in `on_config`, adds the generated pages and data files in `on_files` with
`File.generated` (nothing is written into docs/), and turns validation errors into one failed build
with the same messages as the CLI.

MkDocs converts every page before it writes any, so at 10,000 findings each copy of the site's text
kept per page costs hundreds of MB. Generated pages' Markdown is therefore rendered only when MkDocs
reads it and dropped once converted, and their HTML is held compressed until the page is written.
Their HTML blocks skip Python-Markdown, which would only parse them to pass them through: the
renderer leaves markers in their place and `on_page_content` puts them back.
"""

from __future__ import annotations

import logging
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from . import report
from .render import VOCAB_SECTIONS, Renderer, SiteOptions, fill_html_blocks
from .schema import schema_files
from .synthesise import Synthesis, synthesise
from .validate import validate

log = logging.getLogger("mkdocs.plugins.whatworks")

PLACEHOLDERS = ("<!-- whatworks:field-reference -->", "<!-- whatworks:codes-reference -->",
                "<!-- whatworks:promise-rule -->")


class WhatworksConfig(base.Config):
    evidence_dir = c.Type(str, default="evidence")
    """The evidence folder, relative to mkdocs.yml."""
    texts_dir = c.Optional(c.Type(str))
    """Folder of the sources' plain-text copies used to verify quotes (relative to mkdocs.yml)."""
    edit_url = c.Optional(c.Type(str))
    """'Edit this card' link, with {path} for the card's path; default: from repo_url and edit_uri."""


class RenderedPage(File):
    """A generated page whose Markdown is rendered each time it is read instead of being held.

    MkDocs reads each page once; holding every page's Markdown from `on_files` to the end of the build
    cost 250 MB at 10,000 findings (the text is mostly 2 bytes a character).
    """

    render: Callable[[], str] | None = None

    @classmethod
    def of(cls, config: MkDocsConfig, src_uri: str, render: Callable[[], str]) -> RenderedPage:
        file = cls.generated(config, src_uri, content="")
        assert isinstance(file, cls)
        file.render = render
        return file

    @property
    def content_string(self) -> str:
        return self.render() if self.render is not None else super().content_string

    @content_string.setter
    def content_string(self, value: str) -> None:
        self.render = None
        File.content_string.fset(self, value)  # type: ignore[attr-defined]

    @property
    def content_bytes(self) -> bytes:
        return self.render().encode() if self.render is not None else super().content_bytes

    @content_bytes.setter
    def content_bytes(self, value: bytes) -> None:
        self.render = None
        File.content_bytes.fset(self, value)  # type: ignore[attr-defined]


class WhatworksPlugin(BasePlugin[WhatworksConfig]):
    def __init__(self) -> None:
        self.synthesis: Synthesis | None = None
        self.quotes_checked = 0
        self.renderer: Renderer | None = None
        self.parked: dict[str, bytes] = {}
        """Generated pages' HTML, compressed, from conversion until the page is written."""

    def _path(self, config: MkDocsConfig, value: str) -> Path:
        return (Path(config.config_file_path).parent / value).resolve()

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        """Validate and synthesise once per build, early, so the nav can list the questions."""
        evidence = self._path(config, self.config.evidence_dir)
        texts = self._path(config, self.config.texts_dir) if self.config.texts_dir else None
        if texts is not None and not texts.is_dir():
            log.info("whatworks: texts_dir %s not found; quotes are not checked", texts)
            texts = None
        result = validate(evidence, texts)
        for warning in result.warnings:
            log.info("whatworks: %s", report.as_text([warning]).replace("\n", " "))
        if result.base is None:
            message = report.render(result.diagnostics, "text", sum(result.files.values()), result.quotes_checked)
            raise PluginError(f"the evidence is not valid:\n{message}")
        self.synthesis = synthesise(result.base)
        self.quotes_checked = result.quotes_checked
        if not config.nav:
            docs = Path(config.docs_dir)
            pages = [name for name in ("method.md", "contribute.md") if (docs / name).is_file()]
            config.nav = default_nav([q.id for q in result.base.questions.questions], pages)
        if config.not_in_nav is None:
            from mkdocs.config.config_options import PathSpec

            hidden = ["/cards/", "/sources/", *(f"/{section}/" for section in VOCAB_SECTIONS.values()),
                      "!/sources/index.md", *(f"!/{section}/index.md" for section in VOCAB_SECTIONS.values())]
            config.not_in_nav = PathSpec().run_validation("\n".join(hidden))
        return config

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        assert self.synthesis is not None
        base = self.synthesis.base
        self.parked.clear()  # left over only from a failed build
        from .export import data_files

        data = data_files(base, site_url=config.site_url)
        data.update({f"schema/{name}": text.encode() for name, text in schema_files().items()})
        options = SiteOptions(
            site_name=config.site_name, site_url=config.site_url, use_directory_urls=config.use_directory_urls,
            edit_url=self.config.edit_url or _edit_url(config),
            evidence_path=_relative_to_repo(config, self._path(config, self.config.evidence_dir)),
            downloads=tuple(sorted((name, len(content)) for name, content in data.items())),
            defer_html_blocks=True,
        )
        self.renderer = Renderer(self.synthesis, options)
        pages = self.renderer.page_renderers()
        for uri, render in pages.items():
            if files.get_file_from_path(uri) is not None:
                raise PluginError(f"docs/{uri} would be replaced by a generated page; rename or remove it")
            files.append(RenderedPage.of(config, uri, render))
        for name, content in sorted(data.items()):
            files.append(File.generated(config, f"downloads/{name}", content=content))
        log.info("whatworks: %d findings, %d quotes verified, %d pages and %d data files generated",
                 len(base.cards), self.quotes_checked, len(pages), len(data))
        return files

    def on_page_markdown(self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        if "<!-- whatworks:" not in markdown or self.synthesis is None:
            return markdown
        from .fieldref import codes_reference, field_reference
        from .render import md

        rule = self.synthesis.base.questions.promise_rule
        replacements = {
            PLACEHOLDERS[0]: field_reference(),
            PLACEHOLDERS[1]: codes_reference(),
            PLACEHOLDERS[2]: f"> {md(rule.summary)}",
        }
        for marker, text in replacements.items():
            markdown = markdown.replace(marker, text)
        return markdown

    @event_priority(100)  # first, so that other plugins see the whole page
    def _fill_html_blocks(self, html: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        """Put back the HTML blocks the renderer kept out of the Markdown (SiteOptions.defer_html_blocks)."""
        if not isinstance(page.file, RenderedPage) or self.renderer is None:
            return html
        return fill_html_blocks(html, self.renderer.html_blocks.pop(page.file.src_uri, []))

    @event_priority(-100)  # last, after any other plugin has changed the HTML
    def _park_html(self, html: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        """Drop a generated page's Markdown once converted and park its HTML, compressed, until it is written."""
        if not isinstance(page.file, RenderedPage):
            return html
        page.markdown = ""  # not None: Page.title reads None as "not read yet"
        self.parked[page.file.src_uri] = zlib.compress(html.encode("utf-8", "surrogatepass"), 1)
        return ""

    on_page_content = CombinedEvent(_fill_html_blocks, _park_html)

    @event_priority(100)  # first: the search plugin indexes page.content in this event
    def on_page_context(self, context: Any, /, *, page: Page, config: MkDocsConfig, nav: Any) -> Any:
        parked = self.parked.pop(page.file.src_uri, None)
        if parked is not None:
            page.content = zlib.decompress(parked).decode("utf-8", "surrogatepass")
        return context

    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str:
        """A generated page's HTML is in `output` now; nothing later in the build reads page.content."""
        if isinstance(page.file, RenderedPage):
            page.content = ""
        return output

    def on_serve(self, server: Any, /, *, config: MkDocsConfig, builder: Any) -> Any:
        server.watch(str(self._path(config, self.config.evidence_dir)))
        return server


def _edit_url(config: MkDocsConfig) -> str | None:
    if not config.repo_url or not config.edit_uri:
        return None
    edit_uri = config.edit_uri.rstrip("/")
    docs = Path(config.docs_dir).name
    if edit_uri.endswith("/" + docs):
        edit_uri = edit_uri[: -len(docs) - 1]
    return config.repo_url.rstrip("/") + "/" + edit_uri.strip("/") + "/{path}"


def _relative_to_repo(config: MkDocsConfig, evidence: Path) -> str:
    root = Path(config.config_file_path).parent.resolve()
    try:
        return evidence.relative_to(root).as_posix()
    except ValueError:
        return evidence.name


def default_nav(question_ids: list[str], hand_written: list[str]) -> list[Any]:
    """The site map's nav: generated sections, then the hand-written pages that exist."""
    return [
        {"Home": "index.md"},
        {"Questions": ["questions/index.md", *(f"questions/{q}.md" for q in question_ids)]},
        {"Evidence map": "map.md"},
        {"Evidence table": "evidence/index.md"},
        {"Summary of findings": "summary.md"},
        {"Browse": ["approaches/index.md", "objectives/index.md", "for-whom/index.md", "settings/index.md",
                    "themes/index.md", "sources/index.md"]},
        {"Data": "data/index.md"},
        *({name.removesuffix(".md").capitalize(): name} for name in hand_written),
    ]
