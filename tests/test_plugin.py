"""The MkDocs adapter, with real builds in a temporary folder."""

from __future__ import annotations

import hashlib
import logging
import shutil
from pathlib import Path
from typing import Any

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, get_files
from mkdocs.structure.pages import Page

import whatworks.plugin
from evidence_fixture import CARD, write_evidence
from whatworks.plugin import RenderedPage, WhatworksPlugin
from whatworks.render import Renderer, SiteOptions

REPO = Path(__file__).resolve().parent.parent


def make_project(root: Path, *, cards: dict[str, str] | None = None) -> Path:
    write_evidence(root, cards=cards)
    docs = root / "docs"
    docs.mkdir(exist_ok=True)
    (docs / "method.md").write_text("# Method\n\n<!-- whatworks:promise-rule -->\n")
    (root / "mkdocs.yml").write_text(
        "site_name: Test site\nsite_url: https://example.org/site/\nrepo_url: https://example.org/repo\n"
        "edit_uri: edit/main/docs/\ntheme:\n  name: material\n  font: false\n"
        "plugins:\n  - whatworks:\n      texts_dir: texts\n")
    return root / "mkdocs.yml"


def build_site(config_file: Path, site: Path, *extra: BasePlugin) -> None:
    config = load_config(str(config_file), site_dir=str(site), strict=True)
    for number, plugin in enumerate(extra):
        config.plugins[f"extra-{number}"] = plugin
    config.plugins.on_startup(command="build", dirty=False)
    try:
        build(config)
    finally:
        config.plugins.on_shutdown()


def test_a_build_generates_every_page_and_download(tmp_path: Path) -> None:
    site = tmp_path / "site"
    build_site(make_project(tmp_path), site)
    card = (site / "cards" / "online-groups-engage-fathers" / "index.html").read_text()
    assert "Online groups made it easier for fathers to take part" in card
    assert 'href="https://example.org/repo/edit/main/evidence/cards/online-groups-engage-fathers.yml"' in card
    assert "https://example.org/site/cards/online-groups-engage-fathers/" in card
    for page in ("index.html", "map/index.html", "evidence/index.html", "summary/index.html",
                 "questions/benefits-and-challenges/index.html", "approaches/remote-group-delivery/index.html",
                 "for-whom/fathers/index.html", "sources/report-2021/index.html", "data/index.html"):
        assert (site / page).is_file(), page
    for download in ("cards.csv", "cards.json", "cards.xlsx", "datapackage.json", "sources.ris",
                     "schema/card.schema.json"):
        assert (site / "downloads" / download).stat().st_size > 0, download
    method = (site / "method" / "index.html").read_text()
    assert "An approach shows promise for a group when two findings" in method
    assert not (tmp_path / "docs" / "cards").exists(), "nothing is written into docs/"


def test_invalid_evidence_fails_the_build_with_the_validators_messages(tmp_path: Path,
                                                                          caplog: pytest.LogCaptureFixture) -> None:
    bad = CARD.format(id="c").replace("approach: remote-group-delivery", "approach: remote-grup-delivery")
    config_file = make_project(tmp_path, cards={"c": bad})
    with pytest.raises((PluginError, Abort)):
        build_site(config_file, tmp_path / "site")
    assert "c.yml:5:11: error[WW301]: 'remote-grup-delivery' is not a term in vocab/approaches.yml" in caplog.text
    assert "did you mean 'remote-group-delivery'?" in caplog.text
    assert not (tmp_path / "site").exists(), "an invalid build writes no site"


def _digests(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(site.rglob("*")) if p.is_file() and not p.name.startswith("sitemap.xml")}


def test_two_builds_are_byte_identical(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING)
    config_file = make_project(tmp_path / "one")
    shutil.copytree(tmp_path / "one", tmp_path / "two")
    build_site(config_file, tmp_path / "site-one")
    build_site(tmp_path / "two" / "mkdocs.yml", tmp_path / "site-two")
    one, two = _digests(tmp_path / "site-one"), _digests(tmp_path / "site-two")
    assert one.keys() == two.keys()
    assert [name for name in one if one[name] != two[name]] == []


def test_a_failed_build_leaves_the_previous_site_as_it_was(tmp_path: Path) -> None:
    """The evidence is validated in on_config, before MkDocs cleans site/: a failure changes nothing there."""
    config_file = make_project(tmp_path)
    site = tmp_path / "site"
    build_site(config_file, site)
    before = _digests(site)
    card = tmp_path / "evidence" / "cards" / "online-groups-engage-fathers.yml"
    card.write_text(card.read_text().replace("effect: benefit", "effect: benefitt"))
    with pytest.raises((PluginError, Abort)):
        build_site(config_file, site)
    assert _digests(site) == before


CARD_URI = "cards/online-groups-engage-fathers.md"


def test_generated_markdown_is_rendered_when_mkdocs_reads_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rendered: list[str] = []
    render = Renderer._render

    def counted(self: Renderer, uri: str, template: str, **context: Any) -> str:
        rendered.append(uri)
        return render(self, uri, template, **context)

    monkeypatch.setattr(Renderer, "_render", counted)
    config = load_config(str(make_project(tmp_path)), site_dir=str(tmp_path / "site"))
    config.plugins.on_startup(command="build", dirty=False)
    config = config.plugins.on_config(config)
    files = config.plugins.on_files(get_files(config), config=config)
    assert rendered == [], "no page is rendered before MkDocs reads it"
    card = files.get_file_from_path(CARD_URI)
    assert isinstance(card, RenderedPage)
    assert "Online groups made it easier for fathers to take part" in card.content_string
    assert card.content_bytes == card.content_string.encode()
    assert rendered == [CARD_URI] * 3
    card.content_string = "# Replaced by another plugin\n"
    assert card.content_string == "# Replaced by another plugin\n"
    assert card.content_bytes == b"# Replaced by another plugin\n"
    assert len(rendered) == 3


class _Probe(BasePlugin):
    """Records what the build holds for the card page once every page is converted, and once it is written."""

    def __init__(self) -> None:
        self.seen: dict[str, tuple[str | None, str | None]] = {}
        self.output = ""

    @event_priority(-200)
    def on_env(self, env: Any, /, *, config: MkDocsConfig, files: Files) -> Any:
        for uri in (CARD_URI, "method.md"):
            page = files.get_file_from_path(uri).page
            self.seen[uri] = (page.markdown, page.content)
        return env

    @event_priority(-200)
    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str:
        if page.file.src_uri == CARD_URI:
            self.seen["written"] = (page.markdown, page.content)
            self.output = output
        return output


def test_generated_pages_text_is_released_yet_the_site_is_the_same(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Markdown dropped once converted, HTML parked compressed until written, then dropped: same site, search too."""
    config_file = make_project(tmp_path)
    config_file.write_text(config_file.read_text().replace("plugins:\n", "plugins:\n  - search\n"))
    probe = _Probe()
    build_site(config_file, tmp_path / "site", probe)
    assert probe.seen[CARD_URI] == ("", ""), "converted, then held only compressed"
    assert probe.seen["written"] == ("", "")
    assert "Online groups made it easier for fathers to take part" in probe.output
    markdown, content = probe.seen["method.md"]
    assert markdown and content, "hand-written pages are left alone"
    index = (tmp_path / "site" / "search" / "search_index.json").read_text()
    assert "fathers joined parenting groups online more readily" in index

    # The same build holding every page's Markdown and HTML, as MkDocs does by default, and letting
    # Python-Markdown pass the HTML blocks through itself (no deferred blocks).
    monkeypatch.setattr(RenderedPage, "of", staticmethod(
        lambda config, uri, render: File.generated(config, uri, content=render())))
    monkeypatch.setattr(whatworks.plugin, "SiteOptions",
                        lambda **options: SiteOptions(**{**options, "defer_html_blocks": False}))
    for event in ("on_page_content", "on_page_context", "on_post_page"):
        monkeypatch.delattr(WhatworksPlugin, event)
    build_site(config_file, tmp_path / "site-held")
    held, released = _digests(tmp_path / "site-held"), _digests(tmp_path / "site")
    assert held.keys() == released.keys()
    assert [name for name in held if held[name] != released[name]] == []
    assert "<!--whatworks-html-" not in (tmp_path / "site-held" / "cards").joinpath(
        CARD_URI.removeprefix("cards/").removesuffix(".md"), "index.html").read_text(encoding="utf-8")
