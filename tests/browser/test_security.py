"""Hostile card text is shown as text: no markup, no script, no template, no formula."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import fixture_data
import pytest
from browser_helpers import wait_ready

pytestmark = pytest.mark.browser

HOSTILE = fixture_data.HOSTILE


def test_hostile_text_in_the_table_is_literal(page):
    page.goto("/hostile-table/")
    wait_ready(page, "[data-ww-table]")
    titles = page.locator("#ww-table-grid .tabulator-cell[tabulator-field='title']").all_inner_texts()
    assert titles == HOSTILE
    # Labels from the facets reach the selects and the cells as text too.
    options = page.locator("#ww-table-approach option").all_inner_texts()
    assert HOSTILE[0] in options
    assert page.locator("#ww-table-grid img, #ww-table-grid script, .ww-filters img").count() == 0
    assert page.evaluate("() => document.querySelectorAll('img[src=\"x\"]').length") == 0
    # Searching for markup finds it as text.
    page.get_by_label("Search the findings").fill("<img src=x")
    page.get_by_label("Search the findings").press("Enter")
    assert "hostile-00001" in page.evaluate("() => whatworks.table.getData('active').map(r => r.id)")
    assert page.recorder.dialogs == []


def test_hostile_text_in_the_csv_cannot_run_as_a_formula(page):
    page.goto("/hostile-table/")
    wait_ready(page, "[data-ww-table]")
    with page.expect_download() as info:
        page.get_by_role("button", name="Download these rows (CSV)").click()
    rows = list(csv.DictReader(io.StringIO(Path(info.value.path()).read_text(encoding="utf-8-sig"))))
    assert [r["Finding"] for r in rows[:3]] == HOSTILE[:3]
    assert rows[3]["Finding"] == "'" + HOSTILE[3]


def test_hostile_text_in_the_map_is_literal(page):
    page.goto("/hostile-map/")
    wait_ready(page, "[data-ww-map]")
    ticks = page.evaluate(
        "() => Array.from(document.querySelectorAll('#ww-map-chart .ytick text, #ww-map-chart .xtick text'))"
        ".map(t => t.textContent)"
    )
    joined = " ".join(ticks).replace("  ", " ")
    assert "<img src=x" in joined and "</script>" in joined
    assert page.locator("#ww-map-chart img, #ww-map-chart script, #ww-map-chart a").count() == 0
    option = page.locator("#ww-map-populations option").all_inner_texts()
    assert HOSTILE[2] in option
    assert page.recorder.dialogs == []


def test_without_javascript_hostile_text_is_literal(open_page):
    page = open_page(javascript=False)
    page.goto("/hostile-table/")
    cells = page.locator("table.ww-static-table tbody td:first-child").all_inner_texts()
    assert cells == HOSTILE
