"""Rendering: links, escaping of hostile text on its way into Markdown, HTML and JSON, determinism."""

from __future__ import annotations

import dataclasses
import html
import json
import posixpath
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evidence_fixture import write_evidence
from whatworks.model import Card, Source
from whatworks.render import Renderer, SiteOptions, fill_html_blocks, json_script, md, page_url, relative, render_pages
from whatworks.synthesise import synthesise
from whatworks.validate import EvidenceBase, validate

HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(2)>",
    "</script><script>alert(3)</script>",
    "{{ config }} {% raw %} {# c #}",
    "[click](javascript:alert(4)) ![x](javascript:alert(5))",
    "&lt;b&gt; &amp; \" onmouseover=\"alert(6)",
    "*bold* _it_ # not a heading | pipe",
]
EXTENSIONS = ["abbr", "admonition", "attr_list", "def_list", "footnotes", "md_in_html", "tables", "toc"]


@pytest.fixture()
def base(tmp_path: Path) -> EvidenceBase:
    result = validate(write_evidence(tmp_path), tmp_path / "texts")
    assert result.base is not None
    return result.base


def hostile_base(base: EvidenceBase) -> EvidenceBase:
    """Hostile text placed straight into the typed model: the renderer must not rely on the validator."""
    card = base.cards[0]
    nasty = " ".join(HOSTILE)
    data = card.model_dump()
    data.update(title=nasty[:120], statement=nasty[:600], benefit=nasty[:400], mechanism=nasty[:800])
    data["evidence"][0]["quote"] = nasty
    data["evidence"][0]["locator"] = HOSTILE[1]
    data["confidence"]["explanation"] = HOSTILE[2]
    source = base.sources["report-2021"].model_dump()
    source.update(title=HOSTILE[0], url="javascript:alert(7)", note=nasty)
    return dataclasses.replace(base, cards=(Card.model_validate(data), *base.cards[1:]),
                               sources={"report-2021": Source.model_validate(source)})


class Inspector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[dict[str, str | None]] = []
        self.handlers: list[str] = []
        self.links: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self.scripts.append(dict(attrs))
        self.handlers += [name for name, _ in attrs if name.startswith("on")]
        self.links += [value or "" for name, value in attrs if name in ("href", "src")]
        if tag == "img":
            self.handlers.append("img")

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def html_of(page: str) -> str:
    body = page.split("---\n", 2)[2] if page.startswith("---\n") else page
    return markdown.markdown(body, extensions=EXTENSIONS)


def test_hostile_text_comes_out_inert_in_every_page(base: EvidenceBase) -> None:
    pages = render_pages(synthesise(hostile_base(base)), SiteOptions(site_name="Test <b>site</b>"))
    card_page = pages["cards/online-groups-engage-fathers.md"]
    for uri, page in pages.items():
        inspector = Inspector()
        inspector.feed(html_of(page))
        assert all(s.get("type") == "application/json" for s in inspector.scripts), uri
        assert inspector.handlers == [], uri
        assert not any(link.lower().startswith(("javascript:", "data:", "vbscript:")) for link in inspector.links), uri
    inspector = Inspector()
    inspector.feed(html_of(card_page))
    shown = "".join(inspector.text)
    for text in HOSTILE:
        assert text in shown, text
    front_matter = card_page.split("---\n")[1]
    title = " ".join(HOSTILE)[:120]
    assert json.loads(front_matter.split("\n")[0].removeprefix("title: ")) == html.escape(title, quote=False)


def test_json_in_script_elements_cannot_close_them() -> None:
    text = json_script({"t": "</script><!-- \u2028 &"})
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == {"t": "</script><!-- \u2028 &"}


def test_markdown_escaping_keeps_text_literal() -> None:
    rendered = markdown.markdown("# " + md("*a* _b_ [c](d) `e` <f> & # g"), extensions=EXTENSIONS)
    assert rendered == "<h1 id=\"a-_b_-cd-e-f-g\">*a* _b_ [c](d) `e` &lt;f&gt; &amp; # g</h1>"


def test_relative_links_between_pages() -> None:
    assert relative("cards/x.md", "approaches/y.md") == "../../approaches/y/"
    assert relative("index.md", "evidence/index.md") == "evidence/"
    assert relative("evidence/index.md", "index.md") == "../"
    assert relative("map.md", "downloads/cards.csv") == "../downloads/cards.csv"
    assert relative("cards/x.md", "approaches/y.md", directory_urls=False) == "../approaches/y.html"


def test_every_card_term_and_source_has_a_page_and_links_resolve(base: EvidenceBase) -> None:
    pages = render_pages(synthesise(base), SiteOptions())
    for card in base.cards:
        assert f"cards/{card.id}.md" in pages
    for name in ("approaches", "objectives", "for-whom", "settings", "themes", "sources"):
        assert f"{name}/index.md" in pages
    assert {"index.md", "map.md", "summary.md", "evidence/index.md", "data/index.md", "questions/index.md",
            "questions/benefits-and-challenges.md"} <= set(pages)
    for uri, page in pages.items():
        inspector = Inspector()
        inspector.feed(html_of(page))
        here = Path("/site") / uri.removesuffix(".md").removesuffix("index")
        for link in inspector.links:
            if link.startswith(("http", "#")) or "downloads/" in link or "method/" in link or "contribute/" in link:
                continue
            target = (here / link.split("?")[0].split("#")[0]).resolve()
            page_path = target.relative_to(Path("/site")).as_posix().strip("/")
            assert (page_path + ".md" in pages or f"{page_path}/index.md" in pages
                    or (page_path == "" and "index.md" in pages)), f"{uri}: {link}"


def test_rendering_is_deterministic(base: EvidenceBase) -> None:
    first = render_pages(synthesise(base), SiteOptions())
    second = render_pages(synthesise(base), SiteOptions())
    assert first == second
    assert list(first) == sorted(first)


def test_table_page_drops_its_static_rows_above_the_limit_and_says_where_to_go(base: EvidenceBase) -> None:
    synthesis = synthesise(base)
    full = html_of(render_pages(synthesis, SiteOptions())["evidence/index.md"])
    assert full.count("<tr data-id=") == len(base.cards)
    limited = html_of(render_pages(synthesis, SiteOptions(static_table_rows_max=len(base.cards) - 1))
                      ["evidence/index.md"])
    assert "<tr data-id=" not in limited
    assert f"{len(base.cards)} findings: too many to list here without JavaScript" in limited
    for target in ("../downloads/cards.csv", "../downloads/cards.xlsx", "../summary/", "../approaches/",
                   "../objectives/", "../for-whom/"):
        assert f'href="{target}"' in limited
    # The interactive table's data is the same either way.
    assert limited.split('id="ww-table-data"')[1] == full.split('id="ww-table-data"')[1]


_segment = st.sampled_from(["a", "b", "cards", "x-y", "index"])
_uri = st.lists(_segment, min_size=0, max_size=3).map(lambda parts: "/".join([*parts, "index.md"]) if not parts
                                                        or parts[-1] == "index" else "/".join(parts) + ".md")


@settings(deadline=None, database=None, max_examples=300)
@given(_uri, _uri | st.sampled_from(["downloads/cards.csv", "assets/x/y.js"]), st.booleans())
def test_relative_links_match_posixpath_relpath(here: str, to: str, directory_urls: bool) -> None:
    """The string-only link maker agrees with the standard library's (which asks the OS for the cwd)."""
    got = relative(here, to, directory_urls)
    base_url = page_url(here, directory_urls)
    folder = base_url if base_url.endswith("/") or not base_url else posixpath.dirname(base_url) + "/"
    target = page_url(to, directory_urls)
    want = posixpath.relpath(target or ".", folder.rstrip("/") or ".")
    if target.endswith("/") or not target:
        want = "./" if want == "." else want + "/"
    assert got == want
    # And it resolves to the target from the page's folder.
    resolved = posixpath.normpath(posixpath.join("/", folder, got))
    assert resolved.rstrip("/") == ("/" + target).rstrip("/")


def test_map_data_holds_every_finding_as_positions_in_its_term_lists(base: EvidenceBase) -> None:
    page = html_of(render_pages(synthesise(base), SiteOptions())["map.md"])
    raw = page.split('<template id="ww-map-data" data-search-exclude>')[1].split("</template>")[0]
    data = json.loads(html.unescape(raw))
    lists = {"approach": data["approaches"], "objectives": data["objectives"],
             **{name: data["facets"][name]["terms"] for name in ("effect", "confidence", "populations", "settings")}}
    assert data["finding_fields"] == ["approach", "objectives", "effect", "confidence", "populations", "settings"]

    def decode(row: list[object]) -> dict[str, object]:
        return {name: [lists[name][i]["id"] for i in value] if isinstance(value, list) else lists[name][value]["id"]
                for name, value in zip(data["finding_fields"], row, strict=True)}

    want = [{"approach": c.approach, "objectives": list(c.objectives), "effect": c.effect,
             "confidence": c.confidence.level, "populations": list(c.for_whom.populations),
             "settings": list(c.for_whom.settings)} for c in base.cards]
    assert [decode(row) for row in data["findings"]] == want
    assert '"id"' not in json.dumps(data["findings"])  # no card ids: the map links to the filtered table


def test_deferred_html_blocks_give_the_same_html_as_markdown_would(base: EvidenceBase) -> None:
    """The plugin keeps HTML blocks out of Python-Markdown and puts them back after conversion."""
    synthesis = synthesise(hostile_base(base))
    plain = render_pages(synthesis, SiteOptions())
    renderer = Renderer(synthesis, SiteOptions(defer_html_blocks=True))
    deferred = renderer.pages()
    assert set(deferred) == set(plain)
    for uri, page in deferred.items():
        blocks = renderer.html_blocks.pop(uri, [])
        assert blocks, f"{uri}: no HTML block was deferred"
        assert "<div" not in page.split("---\n", 2)[2], uri  # every HTML block left the Markdown
        assert fill_html_blocks(html_of(page), blocks) == html_of(plain[uri]), uri
    assert renderer.html_blocks == {}


def test_card_text_cannot_forge_a_deferred_block_marker(base: EvidenceBase) -> None:
    card = base.cards[0]
    data = card.model_dump()
    data["statement"] = "<!--whatworks-html-0--> and <!--whatworks-html-1-->"
    forged = dataclasses.replace(base, cards=(Card.model_validate(data), *base.cards[1:]))
    renderer = Renderer(synthesise(forged), SiteOptions(defer_html_blocks=True))
    uri = f"cards/{card.id}.md"
    page = renderer.pages()[uri]
    html_page = fill_html_blocks(html_of(page), renderer.html_blocks[uri])
    assert "&lt;!--whatworks-html-0--&gt; and &lt;!--whatworks-html-1--&gt;" in html_page
    assert html_page.count('<div class="ww-card"') == 1


def test_a_marker_without_its_block_is_left_alone() -> None:
    html_text = "<p>a</p>\n<!--whatworks-html-0-->\n<!--whatworks-html-7-->"
    assert fill_html_blocks(html_text, ["<div>b</div>"]) == "<p>a</p>\n<div>b</div>\n<!--whatworks-html-7-->"
    assert fill_html_blocks(html_text, []) == html_text
