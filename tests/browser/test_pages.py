"""Every page: no errors, nothing from other hosts, accessible, fits a phone, instant navigation."""

from __future__ import annotations

from typing import Any

import pytest
from browser_helpers import (
    arm_instant_navigation,
    axe_light_and_dark,
    screenshot,
    serious_violations,
    settle,
    switch_to_dark,
    wait_ready,
)

pytestmark = pytest.mark.browser

PHONE = (360, 740)
DESKTOP = (1280, 800)


def all_pages(site: Any) -> list[str]:
    """Every page but the 10,000-row one, with two of the thirty look-alike card pages."""
    paths = []
    for index in sorted(site.root.rglob("index.html")):
        rel = index.parent.relative_to(site.root).as_posix()
        if rel.startswith(("assets", "big", "cards/")) and rel not in ("cards/finding-00001", "cards/finding-00030"):
            continue
        paths.append("/" if rel == "." else f"/{rel}/")
    return paths


def test_no_errors_on_any_page(page, site):
    paths = all_pages(site)
    assert len(paths) >= 8
    seen = {}
    for path in paths:
        page.goto(path)
        settle(page)
        problems = page.recorder.problems()
        if problems:
            seen[path] = problems
        for name in vars(page.recorder):
            getattr(page.recorder, name).clear()
    assert not seen
    failed = page.evaluate("() => document.querySelectorAll('[data-ww-state=\"failed\"]').length")
    assert failed == 0


@pytest.mark.parametrize("path", ["/", "/evidence/", "/map/", "/data/"])
def test_axe_has_no_serious_violations_in_either_palette(page, path):
    page.goto(path)
    settle(page)
    assert axe_light_and_dark(page) == {"light": [], "dark": []}


def test_axe_on_a_phone_with_collapsed_columns(open_page):
    page = open_page(viewport=PHONE)
    page.goto("/evidence/")
    settle(page)
    assert page.locator("#ww-table-grid .tabulator-responsive-collapse").first.is_visible()
    assert serious_violations(page) == []


def test_dark_palette_follows_the_system_setting(open_page):
    page = open_page(color_scheme="dark")
    page.goto("/map/")
    settle(page)
    assert page.locator("body").get_attribute("data-md-color-scheme") == "slate"


@pytest.mark.parametrize("path", ["/evidence/", "/map/"])
def test_no_horizontal_page_scroll_on_a_phone(open_page, path):
    page = open_page(viewport=PHONE)
    page.goto(path)
    settle(page)
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def test_no_horizontal_page_scroll_on_a_phone_without_javascript(open_page):
    page = open_page(viewport=PHONE, javascript=False)
    page.goto("/evidence/")
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def test_instant_navigation_initialises_each_page(page):
    """Plotly is not in the home page's head: the map must load it on its own."""
    page.goto("/")
    arm_instant_navigation(page)
    page.evaluate("() => { window.__sameDocument = true; }")
    assert page.evaluate("() => typeof Plotly") == "undefined"
    page.locator(".md-tabs__link", has_text="Evidence table").click()
    page.wait_for_url("**/evidence/")
    wait_ready(page, "[data-ww-table]")
    page.locator(".md-tabs__link", has_text="Evidence map").click()
    page.wait_for_url("**/map/")
    wait_ready(page, "[data-ww-map]")
    assert page.locator("#ww-map-chart .scatterlayer .trace").count() == 2
    page.locator(".md-tabs__link", has_text="Data").click()
    page.wait_for_url("**/data/")
    wait_ready(page, "[data-ww-plotly]")
    assert page.locator("#ww-survey-chart .barlayer .trace").count() == 2
    page.go_back()
    page.wait_for_url("**/map/")
    wait_ready(page, "[data-ww-map]")
    assert page.evaluate("() => window.__sameDocument === true"), "expected Material's instant navigation"


def test_chart_pages_load_plotly_in_the_head(page):
    page.goto("/data/")
    wait_ready(page, "[data-ww-plotly]")
    assert page.locator("head script[data-ww-plotly-lib]").count() == 1
    assert page.locator("#ww-survey-chart .main-svg").count() >= 1
    page.goto("/evidence/")
    assert page.locator("head script[data-ww-plotly-lib]").count() == 0


def test_palette_toggle_redraws_the_map(page):
    page.goto("/map/")
    wait_ready(page, "[data-ww-map]")
    colour = "() => getComputedStyle(document.querySelector('#ww-map-chart .ytick text')).fill"
    before = page.evaluate(colour)
    switch_to_dark(page)
    page.wait_for_function(f"before => ({colour})() !== before", arg=before)


def test_screenshot_dark_map(open_page):
    page = open_page(viewport=DESKTOP, color_scheme="dark")
    page.goto("/map/?colour=confidence")
    settle(page)
    assert screenshot(page, "fixture-map-desktop-dark").stat().st_size > 10_000
