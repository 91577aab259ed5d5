"""The evidence map: filters recount the cells, colours toggle, cells lead to the table."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlsplit

import fixture_data
import pytest
from browser_helpers import arm_instant_navigation, wait_ready

pytestmark = pytest.mark.browser

MAP = "[data-ww-map]"


def html_counts(page: Any) -> dict[tuple[str, str], int]:
    """The counts shown in the map's HTML table, by (approach, objective)."""
    cells = page.evaluate(
        """() => Array.from(document.querySelectorAll('.ww-map-table td[data-approach]'))
                 .map(td => [td.dataset.approach, td.dataset.objective, td.textContent.trim(),
                             td.querySelector('a') ? td.querySelector('a').textContent : null])"""
    )
    out = {}
    for approach, objective, text, link in cells:
        out[(approach, objective)] = int(link) if link is not None else 0
        if link is None:
            assert "no findings" in text
    return out


def chart_counts(page: Any) -> dict[tuple[str, str], int]:
    """The bubbles Plotly drew: (approach, objective) -> the count printed in it."""
    trace = page.evaluate("() => { const t = document.getElementById('ww-map-chart').data[1];"
                          " return {c: t.customdata, n: t.text}; }")
    return {(a, o): int(n) for (a, o), n in zip(trace["c"], trace["n"], strict=True)}


def bubble_centre(page: Any, approach: str, objective: str) -> tuple[float, float]:
    box = page.evaluate(
        """([a, o]) => {
            const gd = document.getElementById('ww-map-chart');
            const i = gd.data[1].customdata.findIndex(c => c[0] === a && c[1] === o);
            const pts = gd.querySelectorAll('.scatterlayer .trace')[1].querySelectorAll('path.point');
            const r = pts[i].getBoundingClientRect();
            return [r.x + r.width / 2, r.y + r.height / 2];
        }""",
        [approach, objective],
    )
    return box[0], box[1]


def query(page: Any) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(page.url).query)


def nonzero(counts: dict[tuple[str, str], int]) -> dict[tuple[str, str], int]:
    return {k: v for k, v in counts.items() if v}


def test_map_shows_every_cell_and_the_counts(page, site):
    page.goto("/map/")
    wait_ready(page, MAP)
    want = fixture_data.map_counts(site.rows)
    counts = html_counts(page)
    assert len(counts) == 36  # 6 approaches x 6 objectives, zeros included
    assert nonzero(counts) == dict(want)
    assert chart_counts(page) == dict(want)
    # The grid keeps every approach and objective, even those with gaps.
    ticks = page.evaluate("() => Array.from(document.querySelectorAll('#ww-map-chart .ytick text')).length")
    assert ticks == 6
    assert page.locator(".ww-map__count").inner_text() == "Showing 30 of 30 findings in the map."


def test_map_filters_recount_the_cells(page, site):
    page.goto("/map/")
    wait_ready(page, MAP)
    page.get_by_label("For whom", exact=True).select_option("fathers")
    page.get_by_label("Effect", exact=True).select_option("benefit")
    want = fixture_data.map_counts(site.rows, populations="fathers", effect="benefit")
    assert nonzero(html_counts(page)) == dict(want)
    assert chart_counts(page) == dict(want)
    assert query(page) == [("populations", "fathers"), ("effect", "benefit")]
    shown = sum(1 for r in site.rows if "fathers" in r["populations"] and r["effect"] == "benefit")
    assert page.locator(".ww-map__count").inner_text() == f"Showing {shown} of 30 findings in the map."
    # Links in the table carry the filters too.
    href = page.locator(".ww-map-table td a").first.get_attribute("href")
    assert "populations=fathers" in href and "effect=benefit" in href


def test_colour_toggle_and_url_state(page):
    page.goto("/map/?populations=fathers&colour=confidence&settings=not-a-setting")
    wait_ready(page, MAP)
    assert page.get_by_label("Highest confidence in the cell").is_checked()
    assert page.get_by_label("For whom", exact=True).input_value() == "fathers"
    assert page.get_by_label("Setting", exact=True).input_value() == ""
    assert "highest confidence" in page.locator("#ww-map-legend").inner_text()
    hover = page.evaluate("() => document.getElementById('ww-map-chart').data[1].hovertext[0]")
    assert "highest confidence:" in hover
    page.get_by_label("Balance of benefits and challenges").check()
    assert query(page) == [("populations", "fathers")]
    assert "benefit and challenge" in page.locator("#ww-map-legend").inner_text()


def test_hover_text_in_words(page, site):
    page.goto("/map/")
    wait_ready(page, MAP)
    counts = fixture_data.map_counts(site.rows)
    (a, o), n = max(counts.items(), key=lambda kv: kv[1])
    x, y = bubble_centre(page, a, o)
    page.mouse.move(x, y)
    label = page.locator("#ww-map-chart .hoverlayer .hovertext")
    label.wait_for()
    text = label.text_content()
    a_label = fixture_data._label("approach", a)
    o_label = fixture_data._label("objectives", o)
    assert text.startswith(f"{a_label} \u00d7 {o_label}: {n} findings \u2014 ")


def test_clicking_a_bubble_opens_the_filtered_table(page, site):
    page.goto("/map/?populations=fathers")
    wait_ready(page, MAP)
    counts = fixture_data.map_counts(site.rows, populations="fathers")
    (a, o), n = sorted(counts.items())[0]
    x, y = bubble_centre(page, a, o)
    page.mouse.click(x, y)
    page.wait_for_url("**/evidence/?*")
    wait_ready(page, "[data-ww-table]")
    assert query(page) == [("approach", a), ("objectives", o), ("populations", "fathers")]
    assert page.locator(".ww-table__count").inner_text() == f"{n} of 30 findings"


def test_a_table_link_opens_the_filtered_table_with_instant_navigation(page, site):
    page.goto("/map/")
    wait_ready(page, MAP)
    counts = fixture_data.map_counts(site.rows)
    (a, o), n = sorted(counts.items())[-1]
    arm_instant_navigation(page)
    page.evaluate("() => { window.__sameDocument = true; }")
    page.locator(f'.ww-map-table td[data-approach="{a}"][data-objective="{o}"] a').click()
    page.wait_for_url("**/evidence/?*")
    wait_ready(page, "[data-ww-table]")
    assert page.evaluate("() => window.__sameDocument === true"), "expected Material's instant navigation"
    assert page.locator(".ww-table__count").inner_text() == f"{n} of 30 findings"


def test_the_chart_is_drawn_once_on_load_and_once_per_filter_change(page, site):
    """plotly.js arrives before whatworks.js draws (a deferred script): one draw, not a second on its promise."""
    page.add_init_script("""
      let P;
      window.__draws = 0;
      Object.defineProperty(window, "Plotly", { configurable: true, get() { return P; }, set(v) {
        P = v;
        const react = v.react;
        v.react = function () { window.__draws += 1; return react.apply(this, arguments); };
      } });
    """)
    page.goto("/map/")
    wait_ready(page, MAP)
    page.wait_for_timeout(300)
    assert page.evaluate("() => window.__draws") == 1
    page.locator("#ww-map-populations").select_option("fathers")
    page.wait_for_function("() => window.__draws === 2")
    page.wait_for_timeout(300)
    assert page.evaluate("() => window.__draws") == 2
