"""Helpers shared by the browser tests (fixtures live in conftest.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"


def wait_ready(page: Any, selector: str) -> None:
    """Wait until whatworks.js has enhanced the element (data-ww-state="ready")."""
    page.wait_for_selector(f'{selector}[data-ww-state="ready"]', state="attached")


def run_axe(page: Any) -> list[dict[str, Any]]:
    """Run axe-core on the page; return its violations."""
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    return page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")


def screenshot(page: Any, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def settle(page: Any) -> None:
    """Wait until every whatworks component on the page has finished (ready or failed)."""
    page.wait_for_function(
        """() => Array.from(document.querySelectorAll('[data-ww-table], [data-ww-map], [data-ww-plotly]'))
                 .every(el => ['ready', 'failed'].includes(el.getAttribute('data-ww-state')))"""
    )


def switch_to_dark(page: Any) -> None:
    """Click Material's palette toggle until the dark (slate) scheme is on."""
    for _ in range(3):
        if page.locator("body").get_attribute("data-md-color-scheme") == "slate":
            break
        page.locator("form[data-md-component=palette] label:not([hidden])").click()
    assert page.locator("body").get_attribute("data-md-color-scheme") == "slate"
    page.wait_for_timeout(200)  # charts redraw in the new colours


def serious_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations on the page, briefly."""
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5],
         "summary": v["nodes"][0].get("failureSummary", "")[:300]}
        for v in run_axe(page)
        if v["impact"] in ("serious", "critical")
    ]


def axe_light_and_dark(page: Any) -> dict[str, list[dict[str, Any]]]:
    """Serious violations in the light palette, then in the dark one (same page, toggled)."""
    assert page.locator("body").get_attribute("data-md-color-scheme") == "default"
    light = serious_violations(page)
    switch_to_dark(page)
    return {"light": light, "dark": serious_violations(page)}


def arm_instant_navigation(page: Any) -> None:
    """Move the pointer, as a reader would, and wait for sitemap.xml.

    The page holds Material's sitemap request until the reader's first move (overrides/main.html);
    until it arrives, a click is an ordinary page load rather than an instant navigation.
    """
    with page.expect_response(lambda r: r.url.endswith("/sitemap.xml")):
        page.mouse.move(3, 3)
    page.wait_for_timeout(50)  # Material parses the sitemap on the response's load event


def requests_to(page: Any, suffix: str) -> list[str]:
    """The URLs the page requests from now on that end with `suffix` (the list grows as they are made)."""
    seen: list[str] = []
    page.on("request", lambda r: seen.append(r.url) if r.url.endswith(suffix) else None)
    return seen
