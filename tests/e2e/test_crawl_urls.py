"""``newsdesk crawl --url``: pages of an undeclared site, served on 127.0.0.1, into real SQLite."""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from crawler.demo.server import SiteServer
from tests.conftest import FIXTURES, LOOPBACK, assert_one_line_error, run_cli

ARTICLES = ("harbour-dredging-plan-approved.html", "lighthouse-keepers-cottage-reopens.html")
BAD = ("empty.html", "photo.html", "huge.html", "missing.html")


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[SiteServer, Path]]:
    """The undeclared site's pages, plus a page over 10 MB made for the test."""
    root = tmp_path_factory.mktemp("site")
    shutil.copytree(FIXTURES / "undeclared", root, dirs_exist_ok=True)
    filler = "<p>" + "Lorem ipsum dolor sit amet. " * 40 + "</p>\n"
    huge = "<html><body>" + filler * (11 * 1024 * 1024 // len(filler)) + "</body></html>"
    (root / "2026/11/huge.html").write_text(huge, encoding="utf-8")
    with SiteServer(root) as server:
        yield server, root


def url(server: SiteServer, name: str) -> str:
    return f"{server.url}/2026/11/{name}"


def stored(db: Path) -> dict[str, sqlite3.Row]:
    connection = sqlite3.connect(db)
    connection.row_factory = sqlite3.Row
    try:
        return {r["title"]: r for r in connection.execute("select * from articles")}
    finally:
        connection.close()


def test_crawl_urls_stores_articles_and_drops_bad_pages_with_reasons(
    tmp_path: Path, served: tuple[SiteServer, Path]
) -> None:
    server, _ = served
    db = tmp_path / "news.db"
    args = [arg for name in ARTICLES + BAD for arg in ("--url", url(server, name))]
    result = run_cli("crawl", *args, "--db", str(db), *LOOPBACK)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    for reason in ("empty_page 1", "not_html 1", "too_large 1", "http_404 1"):
        assert reason in result.stdout, result.stdout
    rows = stored(db)
    assert set(rows) == {
        "Harbour dredging plan approved after two-year wait",
        "Lighthouse keeper's cottage reopens as a museum",
    }
    harbour = rows["Harbour dredging plan approved after two-year wait"]
    assert harbour["site"] == "127.0.0.1"
    assert json.loads(harbour["authors"]) == ["Maria Santos"]
    assert harbour["published"] == "2026-11-19T08:30:00+00:00"
    assert json.loads(harbour["provenance"])["body"] == "trafilatura"
    assert "Advertisement" not in harbour["body"]
    # the page's canonical URL is on another host: the fetched URL stays the key
    assert harbour["canonical_url"].startswith(server.url)


def test_urls_file_crawls_the_same_pages_and_skips_comments(
    tmp_path: Path, served: tuple[SiteServer, Path]
) -> None:
    server, _ = served
    listing = tmp_path / "urls.txt"
    listing.write_text("# pages\n\n" + "\n".join(url(server, n) for n in ARTICLES) + "\n")
    db = tmp_path / "news.db"
    result = run_cli("crawl", "--urls-file", str(listing), "--db", str(db), *LOOPBACK)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "2 new" in result.stdout
    assert len(stored(db)) == 2


def test_crawl_needs_a_site_or_urls(tmp_path: Path) -> None:
    assert_one_line_error(run_cli("crawl", "--db", str(tmp_path / "n.db")), "give a SITE")
    bad = tmp_path / "urls.txt"
    bad.write_text("https://example.test/a\nnot a url\n")
    assert_one_line_error(
        run_cli("crawl", "--urls-file", str(bad), "--db", str(tmp_path / "n.db")),
        f"{bad}:2: not an http(s) URL",
    )
    assert_one_line_error(run_cli("crawl", "demo", "--url", "https://example.test/a"), "not both")
