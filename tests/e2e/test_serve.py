"""``newsdesk serve``: Datasette on a crawled database, checked through its JSON API."""

from __future__ import annotations

import json
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
