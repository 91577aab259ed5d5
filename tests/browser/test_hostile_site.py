"""Hostile card text, rendered by our own renderer past the validator, opened in Chromium: nothing runs,
nothing leaves the page, and every string is shown literally (issue 8)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_helpers import wait_ready

from conftest import ROOT, serve

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import whatworks.plugin
from evidence_fixture import write_evidence
from test_render import HOSTILE, hostile_base
from whatworks.validate import Result, validate

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    work = tmp_path_factory.mktemp("hostile")
    evidence = write_evidence(work)
    clean = validate(evidence, work / "texts")
    assert clean.base is not None
    poisoned = Result(hostile_base(clean.base), ())
    config_file = work / "mkdocs.yml"
    config_file.write_text(
        f"INHERIT: {ROOT / 'mkdocs.yml'}\ndocs_dir: {ROOT / 'docs'}\n"
        f"theme:\n  custom_dir: {ROOT / 'docs' / 'overrides'}\n"
        f"plugins:\n  - search\n  - whatworks:\n      evidence_dir: {evidence}\n", encoding="utf-8")
    site = work / "site"
    monkeypatch = pytest.MonkeyPatch()
    monkeypatch.setattr(whatworks.plugin, "validate", lambda *_args: poisoned)  # straight past the validator
    try:
        with serve(site) as url:
            config = load_config(str(config_file), site_dir=str(site), site_url=url + "/")
            config.plugins.on_startup(command="build", dirty=False)
            build(config)
            config.plugins.on_shutdown()
            yield url
    finally:
        monkeypatch.undo()


@pytest.mark.parametrize(("path", "ready", "shows_titles"), [
    ("cards/online-groups-engage-fathers/", None, True),
    ("evidence/", "[data-ww-table]", True),
    ("map/", "[data-ww-map]", False),  # counts only: no card text on the map
    ("sources/report-2021/", None, True),
    ("summary/", None, True),
])
def test_hostile_text_is_shown_literally_and_runs_nothing(open_page: Any, hostile_site: str, path: str,
                                                          ready: str | None, shows_titles: bool) -> None:
    """The open_page fixture fails the test on any dialog, console error, failed or foreign request."""
    page = open_page(base=hostile_site)
    page.goto(path)
    if ready:
        wait_ready(page, ready)
    page.wait_for_timeout(300)
    assert page.evaluate("() => document.querySelectorAll('img[src=x], script:not([src])').length") == \
        page.evaluate("() => document.querySelectorAll('script:not([src])').length")
    shown = " ".join(page.locator("article").inner_text().split())
    if path.startswith("cards/"):
        for text in HOSTILE:
            assert " ".join(text.split()) in shown, text
    elif shows_titles:
        assert HOSTILE[0] in shown
    assert page.evaluate("() => window.__pwned === undefined")
