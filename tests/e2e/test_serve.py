"""``newsdesk serve``: Datasette on a crawled database, checked through its JSON API."""

from __future__ import annotations

import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, run_cli


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Served:
    def __init__(self, base: str, database: str) -> None:
        self.base = base
        self.database = database

    def get(self, path: str) -> dict[str, Any]:
        with urllib.request.urlopen(f"{self.base}/{self.database}{path}", timeout=10) as response:
            return json.loads(response.read())  # type: ignore[no-any-return]


def wait_until_up(
    process: subprocess.Popen[bytes], url: str, log: Path, seconds: float = 30
) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = log.read_text(errors="replace")[-2000:]
            pytest.fail(f"newsdesk serve exited with {process.returncode}: {output}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.2)
    pytest.fail(f"Datasette did not answer at {url} within {seconds} s")


@pytest.fixture(scope="module")
def served(crawled_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    # A file name other than news.db: the shipped metadata must follow the database's name.
    db = tmp_path_factory.mktemp("serve") / "morning.db"
    source, target = sqlite3.connect(crawled_db), sqlite3.connect(db)
    source.backup(target)
    source.close()
    target.close()
    port = free_port()
    log = db.with_name("serve.log")
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "crawler", "serve", "--db", str(db), "--port", str(port)],
            cwd=ROOT,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(process, f"{base}/-/versions.json", log)
        yield Served(base, "morning")
    finally:
        process.terminate()
        process.wait(timeout=30)
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(f"{base}/-/versions.json", timeout=2)  # Datasette stopped too


def test_full_text_search(served: Served) -> None:
    result = served.get("/articles.json?_search=coral+harbour&_shape=objects")
    titles = [row["title"] for row in result["rows"]]
    assert titles == ["Lab-Grown Coral Survives Its First Winter in Harbour Trial"]
    assert served.get("/articles.json?_search=zeppelin&_shape=objects")["rows"] == []


def test_facets_and_default_sort(served: Served, crawled_db: Path) -> None:
    result = served.get("/articles.json?_shape=objects&_size=100")
    facets = result["facet_results"]
    assert {"site", "authors", "section", "language"} <= set(facets)
    connection = sqlite3.connect(crawled_db)
    total = connection.execute("select count(*) from articles").fetchone()[0]
    sections = dict(connection.execute("select section, count(*) from articles group by section"))
    connection.close()
    assert [(f["value"], f["count"]) for f in facets["site"]["results"]] == [("demo", total)]
    assert {f["value"]: f["count"] for f in facets["section"]["results"]} == {
        k: v for k, v in sections.items() if k
    }
    assert "Jane Doe" in {f["value"] for f in facets["authors"]["results"]}  # JSON array facet
    published = [row["published"] for row in result["rows"] if row["published"]]
    assert len(published) == total and published == sorted(published, reverse=True)


def test_month_facet_on_the_article_list(served: Served) -> None:
    result = served.get("/article_list.json?_search=river&_shape=objects")
    months = {f["value"]: f["count"] for f in result["facet_results"]["published_month"]["results"]}
    assert sum(months.values()) == len(result["rows"]) >= 2
    assert all(row["published"].startswith(row["published_month"]) for row in result["rows"])


def test_canned_queries(served: Served) -> None:
    latest = served.get("/latest_per_site.json?_shape=objects")["rows"]
    assert 1 <= len(latest) <= 5 and {row["site"] for row in latest} == {"demo"}
    assert latest[0]["published"] == max(row["published"] for row in latest)
    assert served.get("/duplicates.json?_shape=objects")["rows"] == []


def test_serve_without_a_database(tmp_path: Path) -> None:
    result = run_cli("serve", "--db", str(tmp_path / "none.db"))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "no such database" in result.stderr
    assert not (tmp_path / "none.db").exists()


# --- In a real browser: headless Chromium (Debian's `chromium`) through Playwright -------------

SCREENSHOTS = "NEWSDESK_SCREENSHOTS"  # a folder to keep the screenshots in (docs/ refreshes them)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("no chromium on PATH (Debian: apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture()
def page(browser: Any) -> Iterator[Any]:
    opened = browser.new_page(viewport={"width": 1280, "height": 900})
    opened.set_default_timeout(10_000)
    yield opened
    opened.close()


def screenshot(page: Any, name: str, tmp_path: Path) -> Path:
    folder = Path(os.environ.get(SCREENSHOTS) or tmp_path)
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000  # a rendered page, not a blank one
    return path


def article_row(db: Path) -> sqlite3.Row:
    connection = sqlite3.connect(db)
    connection.row_factory = sqlite3.Row
    row = connection.execute(
        "select * from articles where lead is not null and authors != '[]'"
        " order by word_count desc limit 1"
    ).fetchone()
    connection.close()
    return row


def test_an_article_reads_like_an_article(
    served: Served, crawled_db: Path, page: Any, tmp_path: Path
) -> None:
    article = article_row(crawled_db)
    page.goto(f"{served.base}/{served.database}/articles/{article['id']}")
    assert page.locator("article h1").inner_text() == article["title"]
    names = ", ".join(json.loads(article["authors"]))
    assert page.locator(".newsdesk-byline").inner_text() == f"By {names}"
    paragraphs = page.locator(".newsdesk-body p").all_inner_texts()
    assert paragraphs == [p.strip() for p in article["body"].split("\n\n") if p.strip()]
    body_box = page.locator(".newsdesk-body").bounding_box()
    assert body_box["width"] >= 500  # a reading column, not a narrow table cell
    height = page.evaluate("document.documentElement.scrollHeight")
    # The page grows with the article, not with the table of every column
    # (that layout was over 3,600 px for a 200-word story).
    assert height <= 1400 + 4 * article["word_count"], height
    provenance = page.locator(".newsdesk-provenance th").all_inner_texts()
    assert sorted(provenance) == sorted(json.loads(article["provenance"]))
    assert article["canonical_url"] in page.locator(".newsdesk-about").inner_text()
    screenshot(page, "datasette-article", tmp_path)


def test_the_articles_table_lists_readable_columns(
    served: Served, page: Any, tmp_path: Path
) -> None:
    page.goto(f"{served.base}/{served.database}/articles?_search=harbour")
    headers = page.locator("table.rows-and-columns th").all_inner_texts()
    assert headers == ["id", "title", "site", "published", "authors", "section", "words"]
    rows = page.locator("table.rows-and-columns tbody tr")
    assert rows.count() >= 1
    assert all(rows.nth(i).bounding_box()["height"] < 200 for i in range(rows.count()))
    marks = page.locator(".newsdesk-snippet mark").all_inner_texts()
    assert marks and all(mark.lower().startswith("harbour") for mark in marks)
    first = rows.nth(0).locator("td.col-title a")
    title = first.inner_text()
    screenshot(page, "datasette-search", tmp_path)
    first.click()
    assert page.locator("article h1").inner_text() == title
    page.goto(f"{served.base}/{served.database}/articles?_search=harbour&_plain=1")
    every = [name.strip() for name in page.locator("table.rows-and-columns th").all_inner_texts()]
    assert {"body", "content_hash", "provenance"} <= set(every)


def test_the_article_list_links_to_articles(served: Served, page: Any) -> None:
    page.goto(f"{served.base}/{served.database}/article_list")
    link = page.locator("table.rows-and-columns tbody tr td.col-id a").first
    article_id = link.inner_text()
    link.click()
    assert page.url.endswith(f"/articles/{article_id}")
    assert page.locator("article h1").count() == 1


def test_internal_tables_are_hidden(served: Served, page: Any) -> None:
    page.goto(f"{served.base}/{served.database}")
    listed = page.locator("h3 a, h2 a").all_inner_texts()
    assert {"articles", "article_urls", "crawl_runs"} <= set(listed)
    assert not {"article_minhash", "article_bands", "_sqlite_migrations"} & set(listed)
