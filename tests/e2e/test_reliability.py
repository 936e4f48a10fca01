"""Reliability, round 2: work bounded per page and per document, a page's claims checked,
and no traceback on any database. RELIABILITY.md lists each class with its test."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from scrapy.http import HtmlResponse

from crawler.cli.app import main
from crawler.discovery import parse_discovery
from crawler.extract.article import build_article
from store.articles import write_article
from store.db import open_db, write_transaction
from tests.conftest import ROOT
from tests.e2e.test_faults import (
    DECLARED,
    MEMORY_BOUND_MB,
    SETTINGS,
    read_access_log,
    rows,
    run_measured,
)
from tests.faultserver import DEEP_JSONLD, GOOD, FaultServer, article_html

DEEP = "/news/deep-jsonld.html"
OPEN_GRAPH = '<meta property="og:image" content="https://x.test/bread.jpg">'

UNREADABLE = ["3 March 2021", "the day after the flood, 99:99", "gestern", "2026-13-45", "soon"]


def sitemap(lastmods: list[str]) -> bytes:
    urls = "".join(
        f"<url><loc>https://x.test/news/{n}.html</loc><lastmod>{lastmod}</lastmod></url>"
        for n, lastmod in enumerate(lastmods)
    )
    return f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'.encode()


@pytest.mark.parametrize(
    ("lastmod", "iso"),
    [
        ("2026-11-18", "2026-11-18"),
        ("2026-11", "2026-11-01"),
        ("2026", "2026-01-01"),
        ("2026-11-18T07:45Z", "2026-11-18T07:45:00+00:00"),
        ("2026-11-18T07:45:00.25+01:00", "2026-11-18T07:45:00.250000+01:00"),
        ("Tue, 18 Nov 2026 07:45:00 GMT", "2026-11-18T07:45:00+00:00"),
    ],
)
def test_sitemap_and_feed_dates_in_w3c_and_rfc_formats_are_read(lastmod: str, iso: str) -> None:
    assert [e.date for e in parse_discovery(sitemap([lastmod]))] == [iso]


def test_any_other_sitemap_date_is_no_date_and_never_reaches_the_fuzzy_parser() -> None:
    # dateparser guessed among all languages for each of these: 6-36 ms a date, so a
    # sitemap of 20,000 of them held discovery for 89 s with no request sent.
    code = (
        "import sys\n"
        "from crawler.discovery import parse_discovery\n"
        "from tests.e2e.test_reliability import UNREADABLE, sitemap\n"
        "entries = list(parse_discovery(sitemap(UNREADABLE * 200)))\n"
        "assert len(entries) == 1000 and {e.date for e in entries} == {None}, entries[:3]\n"
        "assert 'dateparser' not in sys.modules, 'the fuzzy parser was loaded'\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]


def test_deeply_nested_json_ld_falls_back_to_the_other_sources() -> None:
    # A page of no declared site: every field comes from the generic extractor, whose
    # first source (JSON-LD) here raises RecursionError when read or walked.
    html = article_html(GOOD[DEEP], meta=DEEP_JSONLD + OPEN_GRAPH).encode()
    response = HtmlResponse("https://x.test" + DEEP, body=html, encoding="utf-8")
    article = build_article(response)
    assert article["title"] == GOOD[DEEP]
    assert article["image"] == "https://x.test/bread.jpg"  # from OpenGraph instead
    assert article["body"].count("\n\n") == 3


def stored(db: Path, count: int) -> Path:
    """A database of ``count`` short articles (ids 1 to ``count``), written by the store."""
    database = open_db(db)
    with write_transaction(database):
        for n in range(1, count + 1):
            url = f"https://x.test/news/story-{n}.html"
            body = f"Story number {n} of the day. " * 10
            item = {"url": url, "canonical_url": url, "site": "x", "title": f"Story {n}",
                    "body": body, "content_hash": f"hash-{n}",
                    "fetched_at": "2026-11-20T08:00:00+00:00"}  # fmt: skip
            write_article(database, item, near_threshold=0.5)
    database.close()
    return db


def newsdesk(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def assert_one_line_error(result: Result, *needles: str) -> None:
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
    for needle in needles:
        assert needle in lines[0]


@pytest.mark.parametrize("ref", ["99999999999999999999999", "9223372036854775808", "²", "١",
                                 "１", " 1 x", "1.0", "+1"])  # fmt: skip
def test_show_takes_ascii_digits_in_sqlite_range_as_ids_and_nothing_else(
    tmp_path: Path, ref: str
) -> None:
    db = stored(tmp_path / "news.db", 2)
    result = newsdesk("show", ref, "--db", str(db))
    assert_one_line_error(result, str(db), "no article with id or URL")


def test_show_finds_an_article_by_id_or_url(tmp_path: Path) -> None:
    db = str(stored(tmp_path / "news.db", 2))
    assert "Story 2" in newsdesk("show", "2", "--db", db).output
    assert "Story 2" in newsdesk("show", " 2 ", "--db", db).output
    assert "Story 1" in newsdesk("show", "https://x.test/news/story-1.html", "--db", db).output
    assert newsdesk("show", "9223372036854775807", "--db", db).exit_code == 1  # in range, absent


MAX_TERMS = 32  # as README states


def test_a_search_of_too_many_terms_is_a_one_line_error(tmp_path: Path) -> None:
    # FTS5's bm25() and snippet() grow with the term count: 500 OR'ed terms took 33 s.
    db = str(stored(tmp_path / "news.db", 3))
    words = [f"word{n}" for n in range(MAX_TERMS)]
    assert newsdesk("search", " OR ".join(["story", *words[1:]]), "--db", db).exit_code == 0
    for text in (" OR ".join([*words, "story"]), '"' + " ".join([*words, "story"]) + '"'):
        result = newsdesk("search", text, "--db", db)
        assert result.exit_code == 2, result.output
        lines = result.output.strip().splitlines()
        assert len(lines) == 1 and f"at most {MAX_TERMS}" in lines[0], result.output


def test_a_snippet_sees_the_start_of_a_huge_article_only(tmp_path: Path) -> None:
    # A 1.2M-word body made `search a` take 28 s: snippet() read all of it.
    db = stored(tmp_path / "news.db", 2)
    database = open_db(db)
    huge = "Quiet opening words of a very long report. " + "filler " * 400_000 + "zeppelin"
    with write_transaction(database):
        item = {"url": "https://x.test/news/huge.html", "canonical_url": "https://x.test/news/huge.html",
                "site": "x", "title": "Huge report", "body": huge, "content_hash": "huge",
                "fetched_at": "2026-11-20T08:00:00+00:00"}  # fmt: skip
        write_article(database, item, near_threshold=0.5)
    database.close()
    result = newsdesk("search", "zeppelin", "--db", str(db), "--format", "json")
    assert result.exit_code == 0, result.output
    [row] = json.loads(result.output)
    assert row["title"] == "Huge report"  # found: the index holds the whole text
    assert row["snippet"].startswith("Quiet opening words") and "zeppelin" not in row["snippet"]
    normal = json.loads(newsdesk("search", "number 2", "--db", str(db), "--format", "json").output)
    assert "[number] [2]" in normal[0]["snippet"]


# -- Databases: never a traceback, never a write into what is not ours ---------------------

READ_COMMANDS = [
    ["show", "1"], ["stats"], ["search", "story"], ["export", "--format", "jsonl"], ["runs"]
]
NEWSDESK_APPLICATION_ID = 0x4E57534B  # "NWSK"


def pragma(db: Path, name: str) -> int:
    connection = sqlite3.connect(db)
    try:
        return int(connection.execute(f"PRAGMA {name}").fetchone()[0])
    finally:
        connection.close()


def test_concurrent_creation_of_a_new_database_is_safe(tmp_path: Path) -> None:
    # Each process waits for the same moment, then creates and migrates the same new file.
    code = (
        "import sys, time\n"
        "from store.db import open_db\n"
        "time.sleep(max(0.0, float(sys.argv[2]) - time.time()))\n"
        "open_db(sys.argv[1]).close()\n"
    )
    for trial in range(3):
        db = tmp_path / f"new-{trial}.db"
        start = str(time.time() + 1.5)
        processes = [
            subprocess.Popen([sys.executable, "-c", code, str(db), start], cwd=ROOT,
                             stderr=subprocess.PIPE, text=True)  # fmt: skip
            for _ in range(5)
        ]
        errors = [p.communicate(timeout=60)[1] for p in processes]
        assert [p.returncode for p in processes] == [0] * 5, "\n".join(errors)
        assert pragma(db, "application_id") == NEWSDESK_APPLICATION_ID
        assert query_one(db, "PRAGMA quick_check") == "ok"
        assert query_one(db, "select count(*) from _sqlite_migrations") == query_one(
            stored(tmp_path / f"alone-{trial}.db", 0), "select count(*) from _sqlite_migrations"
        )


def query_one(db: Path, sql: str) -> object:
    connection = sqlite3.connect(db)
    try:
        return connection.execute(sql).fetchone()[0]
    finally:
        connection.close()


def foreign_database(path: Path) -> Path:
    """Another program's SQLite file that happens to have an ``articles`` table."""
    connection = sqlite3.connect(path)
    connection.executescript(
        "create table articles (id integer primary key, title text, body text);"
        "insert into articles values (1, 'Recipe', 'Flour and water');"
        "create table authors (id integer primary key, name text);"
    )
    connection.close()
    return path


@pytest.mark.parametrize("command", [*READ_COMMANDS, ["crawl", "demo"]])
def test_a_foreign_sqlite_file_is_refused_and_never_modified(
    tmp_path: Path, command: list[str]
) -> None:
    db = foreign_database(tmp_path / "recipes.db")
    before = db.read_bytes()
    result = newsdesk(*command, "--db", str(db))
    assert_one_line_error(result, str(db), "not a newsdesk database")
    assert db.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["recipes.db"]  # no -wal, no -shm


def test_an_existing_newsdesk_database_is_adopted(tmp_path: Path) -> None:
    db = stored(tmp_path / "news.db", 2)
    connection = sqlite3.connect(db)  # as databases were before the application id
    connection.execute("PRAGMA application_id = 0")
    connection.execute("PRAGMA user_version = 0")
    connection.commit()
    connection.close()
    assert newsdesk("show", "2", "--db", str(db)).exit_code == 0  # read as it is
    assert pragma(db, "application_id") == 0  # reading changes nothing
    open_db(db).close()  # what a crawl does first
    assert pragma(db, "application_id") == NEWSDESK_APPLICATION_ID
    assert "Story 2" in newsdesk("show", "2", "--db", str(db)).output


def damaged(db: Path) -> Path:
    """A newsdesk database whose pages after the first few are overwritten with junk."""
    stored(db, 60)
    with sqlite3.connect(db) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    data = bytearray(db.read_bytes())
    page = 4096
    for offset in range(page * 3, len(data) - page, page * 2):
        data[offset + 8 : offset + page] = bytes(range(256)) * ((page - 8) // 256) + bytes(
            (page - 8) % 256
        )
    db.write_bytes(bytes(data))
    return db


@pytest.mark.parametrize("command", [*READ_COMMANDS, ["crawl", "demo"]])
def test_a_damaged_database_is_a_one_line_error_naming_the_file(
    tmp_path: Path, command: list[str]
) -> None:
    db = damaged(tmp_path / "news.db")
    before = db.read_bytes()
    result = newsdesk(*command, "--db", str(db))
    assert_one_line_error(result, str(db), "PRAGMA integrity_check", ".recover")
    if command[0] == "crawl":
        assert db.read_bytes() == before  # nothing written into it


def crawl_served(tmp_path: Path, **served: Any) -> tuple[Path, set[str], float]:
    """Crawl the fault site served so (robots.txt, big pages): the database, the paths
    requested and the crawl's own peak RSS (MB)."""
    db, access, out = tmp_path / "news.db", tmp_path / "access.log", tmp_path / "out.txt"
    settings = [arg for setting in SETTINGS for arg in ("-s", setting)]
    with FaultServer(log=access, **served) as server:  # a process each: one reactor a process
        command = ["crawl", "faulty", "--db", str(db), "--base-url", server.url,
                   "--log-file", str(tmp_path / "crawl.log"), *settings]  # fmt: skip
        returncode, peak = run_measured(command, out)
    assert returncode == 0, out.read_text()[-2000:]
    return db, {path for _, path in read_access_log(access)}, peak


def test_a_robots_txt_answering_5xx_disallows_the_whole_site(tmp_path: Path) -> None:
    # RFC 9309 2.3.1.4: a server error on robots.txt means complete disallow.
    db, requested, _ = crawl_served(tmp_path, robots_status=503)
    assert requested == {"/robots.txt"}  # (retried: it is a 503)
    drops = rows(db, "select url, reason from dropped_pages")
    assert {r["reason"] for r in drops} == {"robots_unavailable"}
    urls = {r["url"] for r in drops}
    assert {DECLARED + "/robots.txt", DECLARED + "/", DECLARED + "/sitemap.xml"} <= urls
    assert rows(db, "select count(*) as n from articles")[0]["n"] == 0


def test_no_request_that_waited_for_robots_txt_passes_it(tmp_path: Path) -> None:
    # Scrapy hands the parsed robots.txt to the first request that waited for it only:
    # the other start requests (six sitemaps, the home page) were fetched.
    db, requested, _ = crawl_served(tmp_path, robots_text="User-agent: *\nDisallow: /\n")
    assert requested == {"/robots.txt"}
    drops = rows(db, "select url, reason from dropped_pages")
    assert {r["reason"] for r in drops} == {"robots"}
    assert DECLARED + "/sitemap-dates.xml" in {r["url"] for r in drops}


def test_a_huge_page_is_extracted_from_its_start_and_keeps_the_start_of_its_body() -> None:
    # 9 MB of HTML whose story body holds 1.5M words: extraction and every stage after it
    # (hash, FTS, snippets) saw all of it; peak RSS 1.85 GB in a crawl.
    from crawler.extract.bounds import MAX_BODY_CHARS, MAX_EXTRACT_BYTES
    from crawler.sites import load_site_file
    from tests.faultserver import big_article_html

    site = load_site_file(ROOT / "tests" / "fixtures" / "faultsites" / "faulty.toml")
    html = big_article_html("Big Report Number 1").encode()
    response = HtmlResponse("http://faulty.test/news/big-1.html", body=html, encoding="utf-8")
    article = build_article(response, site)
    assert article["title"] == "Big Report Number 1"
    body = article["body"]
    assert MAX_BODY_CHARS - 1_000 < len(body) <= MAX_BODY_CHARS
    assert body.endswith("more figures.")  # cut at a paragraph break
    notes = article["provenance"]
    assert notes["page_truncated"].startswith("the first ") and f"of {len(html)} bytes" in notes[
        "page_truncated"]  # fmt: skip
    assert int(notes["page_truncated"].split()[2]) <= MAX_EXTRACT_BYTES
    assert notes["body_truncated"].startswith(f"the first {len(body)} of ")
    small = build_article(HtmlResponse("http://faulty.test/news/good-1.html",
                                       body=article_html("Small").encode(), encoding="utf-8"),
                          site)  # fmt: skip
    assert not {"page_truncated", "body_truncated"} & small["provenance"].keys()


BIG_PAGES = 3


def test_a_crawl_of_big_pages_stays_under_the_memory_bound(tmp_path: Path) -> None:
    # Three article pages of 9 MB (under DOWNLOAD_MAXSIZE), each a story body of 1.5M
    # words; robots.txt keeps the crawl to them. Before the caps: 471 MB for four.
    robots = "User-agent: *\nAllow: /news/big-\nDisallow: /news/\n"
    db, requested, peak = crawl_served(tmp_path, robots_text=robots, big_pages=BIG_PAGES)
    big = rows(db, "select length(body) as n, provenance from articles")
    assert {f"/news/big-{n}.html" for n in range(1, BIG_PAGES + 1)} <= requested
    assert len(big) == BIG_PAGES and all(r["n"] <= 200_000 for r in big)
    print(f"peak RSS of a crawl of {BIG_PAGES} big pages: {peak:.0f} MB")
    assert peak < MEMORY_BOUND_MB


def test_a_huge_body_is_signed_by_its_start_only() -> None:
    # Signing a 1.5M-word body whole took 4.5 s and 1.5 GB on the reactor thread.
    from store.minhash import MAX_SIGNED_CHARS, signature

    start = " ".join(f"opening{n}" for n in range(MAX_SIGNED_CHARS // 8))
    huge = start[:MAX_SIGNED_CHARS] + " " + "different tail words " * 300_000
    signed, of_start = signature(huge), signature(start[:MAX_SIGNED_CHARS])
    assert signed is not None and of_start is not None
    assert (signed == of_start).all()


# -- A rel=canonical naming another stored story -------------------------------------------


def story_page(title: str, canonical: str | None = None, *, extra: str = "") -> bytes:
    link = f"<link rel='canonical' href='{canonical}'>" if canonical else ""
    html = article_html(title, meta=link)
    return html.replace("</article>", f"<p>{extra}</p></article>").encode()


def through_the_pipelines(db: Path, *pages: tuple[str, bytes]) -> None:
    """One run: each page (URL, HTML) extracted and sent through dedup, near-dup and store."""
    from scrapy.exceptions import DropItem

    from pipelines.dedup import DedupPipeline
    from pipelines.neardup import NearDupPipeline
    from pipelines.store import StorePipeline

    stages = [DedupPipeline(str(db)), NearDupPipeline(str(db)), StorePipeline(str(db), 10)]
    for stage in stages:
        stage.open_spider()
    for url, html in pages:
        item = build_article(HtmlResponse(url, body=html, encoding="utf-8"))
        try:
            for stage in stages:
                item = stage.process_item(item)
        except DropItem:
            pass
    for stage in reversed(stages):
        stage.close_spider()


def by_url(db: Path) -> dict[str, dict[str, object]]:
    found = rows(db, "select canonical_url, title, version, provenance from articles")
    return {r["canonical_url"]: {**r, "provenance": json.loads(r["provenance"])} for r in found}


STORY, OTHER = "https://x.test/news/story.html", "https://x.test/news/other.html"


@pytest.mark.parametrize("order", ["story first", "claimant first", "story first, one run",
                                   "claimant first, one run"])  # fmt: skip
def test_a_canonical_naming_another_story_does_not_take_its_url(tmp_path: Path, order: str) -> None:
    # A page whose canonical names another story overwrote that story's row, or was
    # dropped as duplicate_url: whichever comes first, each story keeps its own URL.
    db = tmp_path / "news.db"
    story = (STORY, story_page("Harbour Bridge Reopens After Repairs"))
    claimant = (OTHER, story_page("Parking Charges Rise in Town Centre", STORY))
    pages = [story, claimant] if order.startswith("story") else [claimant, story]
    if order.endswith("one run"):
        through_the_pipelines(db, *pages)
    else:
        through_the_pipelines(db, pages[0])
        through_the_pipelines(db, pages[1])
    stored = by_url(db)
    assert {url: row["title"] for url, row in stored.items()} == {
        STORY: "Harbour Bridge Reopens After Repairs",
        OTHER: "Parking Charges Rise in Town Centre",
    }
    assert "canonical_rejected" not in stored[STORY]["provenance"]
    assert stored[OTHER]["provenance"]["canonical_rejected"].startswith(STORY + ": ")
    aliases = rows(db, "select u.url, a.canonical_url from article_urls u "
                       "join articles a on a.id = u.article_id where u.url = ?", STORY)  # fmt: skip
    assert [r["canonical_url"] for r in aliases] == [STORY]


def test_a_revised_story_is_still_a_revision(tmp_path: Path) -> None:
    # Through one of its known URLs, or at its own URL with text like the stored one,
    # a page with other text is the story revised (a new version), as before.
    db = tmp_path / "news.db"
    old = "https://x.test/news/story.html?id=7"  # fetched there; its canonical names STORY
    through_the_pipelines(db, (old, story_page("Harbour Bridge Reopens", STORY)))
    through_the_pipelines(db, (old, story_page("Harbour Bridge Reopens", STORY, extra="Update.")))
    through_the_pipelines(db, (STORY, story_page("Harbour Bridge Reopens", extra="Update 2.")))
    assert [(url, row["version"]) for url, row in by_url(db).items()] == [(STORY, 3)]
