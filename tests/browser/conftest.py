"""Browser-test harness: build the fixture site, serve it on 127.0.0.1, drive Chromium.

Every page opened through `open_page` records console errors, uncaught page
errors, JavaScript dialogs, failed local requests and any request to another
host (which is also blocked); a test fails if any of them happened.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
FIXTURE = HERE / "fixture_site"
CHROMIUM = os.environ.get("WHATWORKS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: Rows on the fixture's evidence table, and on the page used to time filtering.
TABLE_ROWS = 30
BIG_ROWS = 10_000

sys.path.insert(0, str(HERE))
import fixture_data  # noqa: E402


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: drives a real headless Chromium against a built site")


@dataclass
class Site:
    """A built fixture site."""

    root: Path
    rows: list[dict[str, Any]]
    big_rows: int


@pytest.fixture(scope="session")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A temporary copy of the fixture MkDocs project (built into project/site)."""
    return tmp_path_factory.mktemp("fixture_project")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextlib.contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve `directory` from a threaded http.server on a free local port; yield its URL.

    The server starts before the site is built, so the build can know its address.
    """
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name=f"serve-{directory.name}", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def mkdocs_build(config: Path, out: Path, site_url: str) -> None:
    """`mkdocs build --strict` into `out`; fail on any warning."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SITE_URL": site_url}
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-f", str(config), "-d", str(out)],
        capture_output=True, text=True, env=env, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stderr, result.stderr


@pytest.fixture(scope="session")
def base_url(project: Path) -> Iterator[str]:
    """The fixture site's address."""
    with serve(project / "site") as url:
        yield url


@pytest.fixture(scope="session")
def site(project: Path, base_url: str) -> Site:
    """Build the fixture project with `mkdocs build --strict`.

    SITE_URL is the server's own address: Material's instant navigation only
    follows links listed in sitemap.xml, which is empty without a site_url.
    """
    shutil.copytree(FIXTURE, project, dirs_exist_ok=True)
    for name in ("assets", "overrides"):
        shutil.copytree(ROOT / "docs" / name, project / "docs" / name)
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(re.sub(r"(?m)^INHERIT: .*$", f"INHERIT: {ROOT / 'mkdocs.yml'}", text), encoding="utf-8")
    rows = fixture_data.write_pages(project / "docs", rows=TABLE_ROWS)
    out = project / "site"
    mkdocs_build(config, out, base_url + "/")
    fixture_data.write_big_page(out, BIG_ROWS)
    return Site(root=out, rows=rows, big_rows=BIG_ROWS)


@dataclass
class RealSite:
    """The repository's own site, built from evidence/ by the whatworks plugin."""

    root: Path
    url: str


def _real_config(work: Path) -> Path:
    """mkdocs.yml if it already runs the whatworks plugin, else a copy that adds it."""
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    plugins = re.search(r"(?ms)^plugins:\n(.*?)(?=^\S)", text + "\nend:")
    if plugins and re.search(r"(?m)^\s+-\s+whatworks\b", plugins.group(1)):
        return ROOT / "mkdocs.yml"
    config = work / "mkdocs.yml"
    config.write_text(
        f"INHERIT: {ROOT / 'mkdocs.yml'}\n"
        f"docs_dir: {ROOT / 'docs'}\n"
        f"theme:\n  custom_dir: {ROOT / 'docs' / 'overrides'}\n"
        f"plugins:\n  - search\n  - whatworks:\n      evidence_dir: {ROOT / 'evidence'}\n",
        encoding="utf-8",
    )
    return config


@pytest.fixture(scope="session")
def real_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RealSite]:
    """Build and serve the real site; skip while the whatworks plugin or the evidence is missing."""
    if importlib.util.find_spec("whatworks") is None or not (ROOT / "evidence" / "cards").is_dir():
        pytest.skip("the whatworks package or evidence/cards is not there yet")
    work = tmp_path_factory.mktemp("real_site")
    out = work / "site"
    with serve(out) as url:
        mkdocs_build(_real_config(work), out, url + "/")
        yield RealSite(root=out, url=url)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


@dataclass
class Recorder:
    """What went wrong on a page, as a reader would not see it."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    foreign_requests: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)

    def problems(self) -> dict[str, list[str]]:
        return {k: v for k, v in vars(self).items() if v}


def _is_local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme not in ("http", "https", "ws", "wss") or parts.hostname == "127.0.0.1"


@pytest.fixture
def open_page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Callable[..., Any]]:
    """Open a recorded page: `open_page(viewport=(w, h), color_scheme=..., javascript=True, base=url)`.

    `base` defaults to the fixture site (built on first use).
    """
    contexts: list[tuple[Any, Recorder]] = []

    def _open(*, viewport: tuple[int, int] = (1280, 800), color_scheme: str = "light", javascript: bool = True,
              base: str | None = None) -> Any:
        if base is None:
            request.getfixturevalue("site")
            base = request.getfixturevalue("base_url")
        rec = Recorder()
        context = browser.new_context(
            base_url=base,
            viewport={"width": viewport[0], "height": viewport[1]},
            color_scheme=color_scheme,
            java_script_enabled=javascript,
            accept_downloads=True,
        )

        def route(r: Any) -> None:
            if _is_local(r.request.url):
                r.continue_()
            else:
                rec.foreign_requests.append(r.request.url)
                r.abort()

        context.route("**/*", route)
        page = context.new_page()
        page.on("console", lambda m: rec.console_errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: rec.page_errors.append(str(e)))
        page.on("dialog", lambda d: (rec.dialogs.append(d.message), d.dismiss()))
        page.on("requestfailed", lambda r: rec.failed_requests.append(f"{r.url} {r.failure}")
                if _is_local(r.url) and "ERR_ABORTED" not in str(r.failure) else None)
        page.on("response", lambda r: rec.failed_requests.append(f"{r.url} {r.status}") if r.status >= 400 else None)
        page.recorder = rec
        page.set_default_timeout(10_000)
        contexts.append((context, rec))
        return page

    yield _open
    problems = {}
    for context, rec in contexts:
        problems.update(rec.problems())
        context.close()
    assert not problems, f"problems on the page: {problems}"


@pytest.fixture
def page(open_page: Callable[..., Any]) -> Any:
    return open_page()
