"""The evidence table: filters, URL state, sorting, search and CSV download."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import fixture_data
import pytest
from browser_helpers import wait_ready

pytestmark = pytest.mark.browser

TABLE = "[data-ww-table]"


def shown_ids(page: Any) -> list[str]:
    """Ids of the rows that pass the filters, in display order (every page)."""
    return page.evaluate("() => whatworks.table.getData('active').map(r => r.id)")


def rendered_ids(page: Any) -> list[str]:
    """Ids of the rows drawn on the current page of the table, from the DOM."""
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('#ww-table-grid .tabulator-row a'))
                 .map(a => a.getAttribute('href').split('/').filter(Boolean).pop())"""
    )


def query(page: Any) -> list[tuple[str, str]]:
    """The page's query string, once whatworks.js has written it (just after a redraw)."""
    page.evaluate("() => new Promise(resolve => setTimeout(resolve, 0))")
    return parse_qsl(urlsplit(page.url).query)


def count_text(page: Any) -> str:
    return page.locator(".ww-table__count").inner_text().strip()


def expected(rows: list[dict[str, Any]], **filters: str) -> list[str]:
    out = []
    for r in rows:
        if all((v in r[k]) if isinstance(r[k], list) else (r[k] == v) for k, v in filters.items()):
            out.append(r["id"])
    return out


def haystack(row: dict[str, Any]) -> str:
    """What the search box matches: title, statement, every label and the sources."""
    parts = [row["title"], row["statement"], *row["sources"]]
    for facet in ("approach", "objectives", "populations", "settings", "themes", "effect", "confidence"):
        values = row[facet] if isinstance(row[facet], list) else [row[facet]]
        parts += [fixture_data._label(facet, v) for v in values]
    return "\n".join(parts).lower()


def open_table(page: Any, query_string: str = "") -> None:
    page.goto("/evidence/" + query_string)
    wait_ready(page, TABLE)


def test_filter_by_approach_and_population_updates_count_and_url(page, site):
    open_table(page)
    assert count_text(page) == "30 of 30 findings"
    page.get_by_label("Approach", exact=True).select_option("loaned-devices")
    page.get_by_label("For whom", exact=True).select_option("fathers")
    want = expected(site.rows, approach="loaned-devices", populations="fathers")
    assert 0 < len(want) < 30
    assert count_text(page) == f"{len(want)} of 30 findings"
    assert shown_ids(page) == want
    assert sorted(rendered_ids(page)) == sorted(want)
    assert query(page) == [("approach", "loaned-devices"), ("populations", "fathers")]


def test_shared_url_opens_the_same_rows(page, site):
    open_table(page, "?approach=loaned-devices&populations=fathers")
    want = [r["id"] for r in site.rows if r["approach"] == "loaned-devices" and "fathers" in r["populations"]]
    assert shown_ids(page) == want
    assert count_text(page) == f"{len(want)} of 30 findings"
    assert page.get_by_label("Approach", exact=True).input_value() == "loaned-devices"
    assert page.get_by_label("For whom", exact=True).input_value() == "fathers"


def test_every_facet_and_sort_round_trip_through_the_url(page, site):
    row = site.rows[4]
    qs = (f"?approach={row['approach']}&objectives={row['objectives'][0]}&populations={row['populations'][0]}"
          f"&settings={row['settings'][0]}&themes={row['themes'][0]}&effect={row['effect']}"
          f"&confidence={row['confidence']}&search=finding&sort=title&dir=desc")
    open_table(page, qs)
    assert row["id"] in shown_ids(page)
    assert query(page) == parse_qsl(qs[1:])
    assert page.get_by_label("Sort by").input_value() == "title:desc"


def test_unknown_values_in_the_url_are_ignored(page, site):
    open_table(page, "?approach=no-such-approach&effect=benefit&sort=colour&dir=sideways&h=groups")
    want = [r["id"] for r in site.rows if r["effect"] == "benefit"]
    assert shown_ids(page) == want
    assert page.get_by_label("Approach", exact=True).input_value() == ""
    # Our keys are rewritten from the state; other keys (Material's ?h=) are kept.
    assert query(page) == [("h", "groups"), ("effect", "benefit")]


def test_sort_by_clicking_and_by_keyboard(page):
    open_table(page)
    header = page.locator("#ww-table-grid .tabulator-col[tabulator-field='title']")
    header.click()
    titles = page.evaluate("() => whatworks.table.getData('active').map(r => r.title)")
    ordered = page.evaluate(
        "t => t.slice().sort((a, b) => a.localeCompare(b, 'en', {sensitivity: 'base', numeric: true}))", titles)
    assert titles == ordered
    assert ("sort", "title") in query(page) and ("dir", "asc") in query(page)
    assert header.get_attribute("aria-sort") == "ascending"
    header.focus()
    page.keyboard.press("Enter")
    assert header.get_attribute("aria-sort") == "descending"
    assert page.evaluate("() => whatworks.table.getData('active').map(r => r.title)") == ordered[::-1]
    assert ("dir", "desc") in query(page)
    assert page.get_by_label("Sort by").input_value() == "title:desc"


def test_sort_by_confidence_from_the_select(page):
    open_table(page)
    page.get_by_label("Sort by").select_option("confidence:desc")
    levels = page.evaluate("() => whatworks.table.getData('active').map(r => r.confidence)")
    rank = {"high": 0, "moderate": 1, "low": 2, "very-low": 3}
    assert [rank[x] for x in levels] == sorted(rank[x] for x in levels)
    assert query(page) == [("sort", "confidence"), ("dir", "desc")]


def test_text_search(page, site):
    open_table(page)
    box = page.get_by_label("Search the findings")
    box.fill("TABLETS rural")
    page.wait_for_function("() => new URLSearchParams(location.search).get('search') === 'TABLETS rural'")
    want = [r["id"] for r in site.rows if all(w in haystack(r) for w in ("tablets", "rural"))]
    got = shown_ids(page)
    assert got == want and 0 < len(got) < 30
    assert count_text(page) == f"{len(got)} of 30 findings"
    # A label is searched too: "fathers" is a population term.
    box.fill("fathers")
    box.press("Enter")
    assert shown_ids(page) == [r["id"] for r in site.rows if "fathers" in haystack(r)]


def test_clear_filters(page):
    open_table(page, "?approach=loaned-devices&search=groups")
    page.get_by_role("button", name="Clear filters").click()
    assert count_text(page) == "30 of 30 findings"
    assert query(page) == []
    assert page.get_by_label("Search the findings").input_value() == ""


def _download(page: Any) -> list[dict[str, str]]:
    with page.expect_download() as info:
        page.get_by_role("button", name="Download these rows (CSV)").click()
    download = info.value
    assert download.suggested_filename == "findings.csv"
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_download_has_only_the_filtered_rows(page, site):
    open_table(page, "?effect=benefit&sort=title&dir=asc")
    rows = _download(page)
    assert [r["ID"] for r in rows] == shown_ids(page)
    assert {r["ID"] for r in rows} == set(expected(site.rows, effect="benefit"))
    first = next(x for x in site.rows if x["id"] == rows[0]["ID"])
    assert rows[0]["Finding"] == first["title"]
    assert rows[0]["Statement"] == first["statement"]
    assert rows[0]["URL"].endswith(f"/cards/{first['id']}/")
    assert list(rows[0]) == ["ID", "Finding", "Statement", "Approach", "Objectives", "Effect", "For whom",
                             "Settings", "Themes", "Confidence", "Sources", "URL"]


def test_csv_download_covers_every_page(page):
    open_table(page)
    assert len(rendered_ids(page)) == 20  # the first page: 20 of 30
    assert len(_download(page)) == 30


def test_pages_of_rows(page):
    open_table(page)
    page.get_by_role("button", name="Next page").click()
    assert len(rendered_ids(page)) == 10


def test_without_javascript_the_static_table_is_complete(open_page, site):
    page = open_page(javascript=False)
    page.goto("/evidence/")
    table = page.locator("table.ww-static-table")
    assert table.is_visible()
    assert table.locator("tbody tr").count() == len(site.rows)
    assert page.locator(".ww-filters").count() == 0
    assert page.locator(".ww-table__count").inner_text() == "30 findings"
