"""End to end: real crawls of the demo site served on 127.0.0.1 into real SQLite files."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from crawler.demo.server import SiteServer
from crawler.sites import BUNDLED_DIR
from tests.conftest import LOOPBACK, ROOT, DemoCrawl, demo_manifest, query, run_cli

DECLARED = "http://loopback-ledger.test"


def test_crawl_stores_every_demo_article_once(crawled_db: Path) -> None:
    stored = {row["canonical_url"]: row for row in query(crawled_db, "select * from articles")}
    manifest = demo_manifest()
    assert set(stored) == {DECLARED + entry["path"] for entry in manifest}
    for entry in manifest:
        row = stored[DECLARED + entry["path"]]
        assert row["title"] == entry["title"]
        assert json.loads(row["authors"]) == entry["authors"]
        assert row["published"] == entry["published"]
        assert row["section"] == entry["section"]
        assert row["site"] == "demo" and row["version"] == 1
        for line in ("Share this article", "Subscribe to our newsletter", "Back to top"):
            assert line not in row["body"]


def test_page_reachable_by_two_urls_is_one_article(crawled_db: Path) -> None:
    urls = query(
        crawled_db,
        "select article_urls.url, articles.canonical_url from article_urls "
        "join articles on articles.id = article_urls.article_id "
        "where article_urls.url like '%utm_source=%'",
    )
    assert len(urls) == 1
    assert (
        urls[0]["canonical_url"]
        == DECLARED + "/news/2026/11/18/marrow-river-crests-at-record-height.html"
    )


def test_full_text_index_follows_the_table(crawled_db: Path) -> None:
    hits = query(
        crawled_db,
        "select articles.title from articles_fts join articles on articles.id = articles_fts.rowid "
        "where articles_fts match '\"European Security Treaty\"'",
    )
    assert [h["title"] for h in hits] == [
        "NATO Thinks It’s at War with Russia, Lavrov Briefs Al Arabiya"
    ]


def test_second_crawl_adds_nothing_and_downloads_no_stored_article(
    tmp_path: Path, demo_crawl: DemoCrawl
) -> None:
    # The first crawl is the session's shared one; the second crawls a copy of its database.
    db, log = tmp_path / "news.db", tmp_path / "access.log"
    shutil.copy(demo_crawl.db, db)
    first = demo_crawl.result
    with SiteServer(log=log) as server:
        second = run_cli("crawl", "demo", "--db", str(db), "--base-url", server.url, *LOOPBACK)
    assert first.returncode == 0 and second.returncode == 0, second.stderr[-2000:]
    count = len(demo_manifest())
    assert f"{count} new" in first.stdout
    assert "0 new, 0 updated" in second.stdout
    assert query(db, "select count(*) as n from articles")[0]["n"] == count
    assert query(db, "pragma integrity_check")[0][0] == "ok"
    fetched = [line.split()[1] for line in log.read_text().splitlines()]
    stored_paths = {entry["path"] for entry in demo_manifest()}
    assert fetched, "the second crawl requested nothing at all"
    assert not stored_paths & {path.split("?")[0] for path in fetched}


def test_page_without_body_is_dropped_with_its_reason(demo_crawl: DemoCrawl) -> None:
    db, result = demo_crawl.db, demo_crawl.result
    assert "missing_body 1" in result.stdout
    assert (
        "missing_body: no body on http://loopback-ledger.test/news/2026/11/21/live-updates-storm.html"
        in result.stderr
    )
    assert not query(db, "select 1 from articles where canonical_url like '%live-updates%'")


def test_scrapy_crawl_uses_the_same_spider_and_pipelines(
    tmp_path: Path, demo_server: SiteServer
) -> None:
    db, feed = tmp_path / "scrapy.db", tmp_path / "articles.jsonl"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "scrapy",
            "crawl",
            "demo",
            "-a",
            f"base_url={demo_server.url}",
            "-s",
            f"NEWSDESK_DB_PATH={db}",
            "-s",
            "DOWNLOAD_DELAY=0",
            "-s",
            "AUTOTHROTTLE_ENABLED=False",
            "-O",
            str(feed),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env=env,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert query(db, "select count(*) as n from articles")[0]["n"] == len(demo_manifest())
    # the feed export carries the articles, without the pipelines' MinHash signature
    exported = [json.loads(line) for line in feed.read_text().splitlines()]
    assert len(exported) == len(demo_manifest())
    assert all(a["title"] and a["canonical_url"] and a["body"] for a in exported)
    assert not [a for a in exported if "minhash" in a]


def test_scrapy_list_shows_every_declared_site() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "scrapy", "list"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    declared = sorted(path.stem for path in BUNDLED_DIR.glob("*.toml"))
    assert {"demo", "eirns", "reuters"} <= set(declared)
    assert result.stdout.split() == declared


def test_per_article_lookups_use_their_indexes(tmp_path: Path) -> None:
    """The lookups made for every article stay index searches as the database grows."""
    from pipelines.dedup import STORED_WITH_HASH
    from store.db import open_db

    db = open_db(tmp_path / "plan.db")
    plans = {
        STORED_WITH_HASH: "idx_articles_content_hash",
        "select content_hash from articles where canonical_url = ?": "canonical_url",
    }
    for sql, index in plans.items():
        plan = " ".join(
            str(row[-1])
            for row in db.execute(
                f"explain query plan {sql}", ["x", "y"][: sql.count("?")]
            ).fetchall()
        )
        assert "SEARCH" in plan and index in plan, plan
