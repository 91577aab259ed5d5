"""The real site, built from evidence/ by the whatworks plugin, driven as a reader would.

Skipped until the plugin and the evidence exist. Expectations come from the data the
page itself carries, so they hold whatever the evidence says.
"""

from __future__ import annotations

from collections import Counter
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from browser_helpers import arm_instant_navigation, axe_light_and_dark, requests_to, screenshot, settle, wait_ready

pytestmark = pytest.mark.browser

PHONE = (360, 740)


def query(page: Any) -> list[tuple[str, str]]:
    page.evaluate("() => new Promise(resolve => setTimeout(resolve, 0))")
    return parse_qsl(urlsplit(page.url).query)


def first_dir(site: Any, section: str) -> str:
    pages = sorted(p.parent.name for p in (site.root / section).glob("*/index.html"))
    assert pages, f"no pages under /{section}/"
    return f"/{section}/{pages[0]}/"


def sample_pages(site: Any) -> list[str]:
    """Every hand-made and synthesis page, and the first page of each generated kind."""
    paths = ["/", "/map/", "/evidence/", "/summary/", "/data/", "/method/", "/contribute/", "/questions/"]
    paths += [f"/questions/{p.parent.name}/" for p in sorted((site.root / "questions").glob("*/index.html"))]
    for section in sorted(p.name for p in site.root.iterdir() if p.is_dir()):
        if section in ("assets", "search", "questions", "downloads") or f"/{section}/" in paths:
            continue
        if any((site.root / section).glob("*/index.html")):
            paths.append(first_dir(site, section))
        elif (site.root / section / "index.html").is_file():
            paths.append(f"/{section}/")
    return [p for p in paths if (site.root / p.strip("/") / "index.html").is_file() or p == "/"]


def test_no_errors_on_the_pages_of_each_kind(open_page, real_site):
    page = open_page(base=real_site.url)
    seen = {}
    paths = sample_pages(real_site)
    assert len(paths) >= 10
    for path in paths:
        page.goto(path)
        settle(page)
        if page.recorder.problems():
            seen[path] = page.recorder.problems()
        for name in vars(page.recorder):
            getattr(page.recorder, name).clear()
    assert not seen


@pytest.mark.parametrize("kind", ["home", "table", "map", "card", "question"])
def test_axe_has_no_serious_violations_in_either_palette(open_page, real_site, kind):
    path = {"home": "/", "table": "/evidence/", "map": "/map/", "card": first_dir(real_site, "cards"),
            "question": first_dir(real_site, "questions")}[kind]
    page = open_page(base=real_site.url)
    page.goto(path)
    settle(page)
    assert axe_light_and_dark(page) == {"light": [], "dark": []}


def table_rows(page: Any) -> list[dict[str, Any]]:
    return page.evaluate("() => whatworks.table.getData()")


def test_filter_the_table_by_approach_and_population(open_page, real_site):
    page = open_page(base=real_site.url)
    page.goto("/evidence/")
    wait_ready(page, "[data-ww-table]")
    rows = table_rows(page)
    pairs = Counter((r["approach"], p) for r in rows for p in r["populations"])
    (approach, population), n = pairs.most_common(1)[0]
    page.locator("#ww-table-approach").select_option(approach)
    page.locator("#ww-table-populations").select_option(population)
    want = [r["id"] for r in rows if r["approach"] == approach and population in r["populations"]]
    assert len(want) == n
    assert page.evaluate("() => whatworks.table.getData('active').map(r => r.id)") == want
    assert page.locator(".ww-table__count").inner_text() == f"{n} of {len(rows)} findings"
    assert query(page) == [("approach", approach), ("populations", population)]
    # The same address, opened afresh, shows the same rows.
    shared = page.url
    other = open_page(base=real_site.url)
    other.goto(shared)
    wait_ready(other, "[data-ww-table]")
    assert other.evaluate("() => whatworks.table.getData('active').map(r => r.id)") == want


def test_a_map_cell_opens_the_filtered_table(open_page, real_site):
    page = open_page(base=real_site.url)
    page.goto("/map/")
    wait_ready(page, "[data-ww-map]")
    approach, objective, count, x, y = page.evaluate(
        """() => {
            const gd = document.getElementById('ww-map-chart');
            const t = gd.data[1];
            const point = gd.querySelectorAll('.scatterlayer .trace')[1].querySelectorAll('path.point')[0];
            point.scrollIntoView({block: 'center', inline: 'center'});
            const r = point.getBoundingClientRect();
            return [t.customdata[0][0], t.customdata[0][1], Number(t.text[0]), r.x + r.width / 2, r.y + r.height / 2];
        }"""
    )
    page.mouse.click(x, y)
    page.wait_for_url("**/evidence/?*")
    wait_ready(page, "[data-ww-table]")
    assert query(page) == [("approach", approach), ("objectives", objective)]
    assert page.locator(".ww-table__count").inner_text().startswith(f"{count} of ")


def test_instant_navigation_to_the_table_and_the_map(open_page, real_site):
    """Material's instant navigation re-creates each inline <script> of the next page
    without its attributes, so the renderer puts its JSON in <template> elements."""
    built = (real_site.root / "evidence" / "index.html").read_text(encoding="utf-8")
    assert '<script type="application/json"' not in built
    page = open_page(base=real_site.url)
    page.goto("/")
    arm_instant_navigation(page)
    page.evaluate("() => { window.__sameDocument = true; }")
    problems = []
    for tab, selector in (("Evidence table", "[data-ww-table]"), ("Evidence map", "[data-ww-map]")):
        page.locator(".md-tabs__link", has_text=tab).click()
        wait_ready(page, selector)
        problems += page.recorder.page_errors + page.recorder.console_errors
        page.recorder.page_errors.clear()
        page.recorder.console_errors.clear()
    assert page.evaluate("() => window.__sameDocument === true")
    assert problems == []


def test_a_card_links_to_its_source(open_page, real_site):
    page = open_page(base=real_site.url)
    page.goto(first_dir(real_site, "cards"))
    link = page.locator(".md-content a[href*='/sources/']").first
    link.click()
    page.wait_for_url("**/sources/**")
    assert page.locator("h1").count() == 1


@pytest.mark.parametrize("name,path", [("home", "/"), ("table", "/evidence/"), ("map", "/map/")])
def test_phone_and_desktop(open_page, real_site, name, path):
    """No horizontal page scroll at 360 px; screenshots of both sizes (test-artifacts/screenshots)."""
    page = open_page(base=real_site.url, viewport=PHONE)
    page.goto(path)
    settle(page)
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, f"real-{name}-phone")
    page.set_viewport_size({"width": 1280, "height": 800})
    page.wait_for_timeout(400)  # the map redraws for the new width
    screenshot(page, f"real-{name}-desktop")


def test_site_search_loads_its_index_only_when_opened_and_then_finds_words(open_page, real_site):
    page = open_page(base=real_site.url)
    index_requests = requests_to(page, "search_index.json")
    page.goto("/evidence/")
    wait_ready(page, "[data-ww-table]")
    settle(page)
    assert index_requests == []
    word = page.evaluate("() => whatworks.table.getData()[0].title.split(' ').find(w => w.length > 5)")
    page.keyboard.press("/")  # Material's shortcut to the search box
    page.locator(".md-search__input").fill(word)
    page.wait_for_selector(".md-search-result__item")
    assert len(index_requests) == 1
    results = page.locator(".md-search-result__item").all_inner_texts()
    assert any(word.lower() in text.lower() for text in results)
    # A page opened from a search result (?h=, to highlight the words) fetches the index at once.
    other = open_page(base=real_site.url)
    with other.expect_request(lambda r: r.url.endswith("search_index.json")):
        other.goto(f"/?h={word}")


def test_sitemap_waits_for_the_readers_first_move_and_instant_navigation_then_works(open_page, real_site):
    page = open_page(base=real_site.url)
    sitemaps = requests_to(page, "sitemap.xml")
    page.goto("/map/")
    wait_ready(page, "[data-ww-map]")
    settle(page)
    assert sitemaps == []
    # Without the sitemap a click is an ordinary page load, which still works.
    page.evaluate("() => { window.__sameDocument = true; }")
    page.evaluate("() => document.querySelector('.md-tabs__link[href$=\"evidence/\"]').click()")
    page.wait_for_url("**/evidence/")
    wait_ready(page, "[data-ww-table]")
    assert page.evaluate("() => window.__sameDocument") is None
    assert sitemaps == []
    # The reader's first move fetches it once; the next click is an instant navigation.
    arm_instant_navigation(page)
    assert len(sitemaps) == 1
    page.evaluate("() => { window.__sameDocument = true; }")
    page.locator(".md-tabs__link", has_text="Evidence map").click()
    page.wait_for_url("**/map/")
    wait_ready(page, "[data-ww-map]")
    assert page.evaluate("() => window.__sameDocument === true")
    assert len(sitemaps) == 1
