"""The real Blended Services site, built as the maintainer builds it: links, schemes and determinism."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

REPO = Path(__file__).resolve().parent.parent


def _build(site: Path, seed: str, workdir: Path | None = None) -> None:
    env = {**os.environ, "PYTHONHASHSEED": seed, "NO_MKDOCS_2_WARNING": "1"}
    cwd = workdir or REPO
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(site)], cwd=cwd, env=env,
                   check=True, capture_output=True, text=True)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("real") / "site"
    _build(path, "0")
    return path


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value is not None:
                self.links.append(value)


def test_every_internal_link_resolves_and_every_external_one_is_http(site: Path) -> None:
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 100
    broken, unsafe = [], []
    for page in pages:
        parser = Links()
        parser.feed(page.read_text(encoding="utf-8"))
        for link in parser.links:
            parts = urlsplit(link)
            if parts.scheme or link.startswith("//"):
                if parts.scheme not in ("http", "https", "mailto"):
                    unsafe.append(f"{page.relative_to(site)}: {link}")
                continue
            if not parts.path:
                continue
            base = site if parts.path.startswith("/") else page.parent  # 404.html links from the site root
            target = (base / unquote(parts.path).lstrip("/")).resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                broken.append(f"{page.relative_to(site)}: {link}")
    assert unsafe == []
    assert broken == []


def test_builds_in_other_folders_with_other_hash_seeds_are_byte_identical(site: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy" / "main"
    subprocess.run(["git", "clone", "-q", str(REPO), str(copy)], check=True)
    for name in ("mkdocs.yml", "docs", "evidence", "scripts"):  # the working tree, committed or not
        subprocess.run(["cp", "-a", str(REPO / name), str(copy.parent / "stage")], check=True)
        subprocess.run(["rm", "-rf", str(copy / name)], check=True)
        subprocess.run(["mv", str(copy.parent / "stage"), str(copy / name)], check=True)
    texts = REPO.parent / "shared"
    if texts.is_dir():
        (copy.parent / "shared").symlink_to(texts)
    other = tmp_path / "other-site"
    _build(other, "12345", workdir=copy)

    def digests(root: Path) -> dict[str, str]:
        return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted(root.rglob("*")) if p.is_file() and not p.name.startswith("sitemap.xml")}

    first, second = digests(site), digests(other)
    assert first.keys() == second.keys()
    assert [name for name in first if first[name] != second[name]] == []
