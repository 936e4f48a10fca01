"""The archive (`crawl --archive`), `show --html`, and `reextract` after a declaration change."""

from __future__ import annotations

import shutil
import signal
import sqlite3
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner
from warcio.archiveiterator import ArchiveIterator

from crawler.cli import main
from crawler.demo.server import SITE_DIR, SiteServer
from crawler.sites import BUNDLED_DIR
from tests.conftest import LOOPBACK, demo_manifest, invoke, query, run_cli
from tests.e2e.test_crashes import start_crawl, wait_for
from tests.e2e.test_nightly import crawl
from tests.warcfiles import demo_pages, golden_pages, write_warc

# Not `url`, the URL a story was first fetched from: the crawl may meet a story's tracking
# variant (linked from the home page) before its own URL, as its concurrent requests finish.
COMPARED = "canonical_url, site, title, authors, published, section, lead, body, content_hash"


@pytest.fixture(scope="module")
def archived_crawl(
    tmp_path_factory: pytest.TempPathFactory, demo_server: SiteServer
) -> tuple[Path, Path]:
    """A crawl of the demo site with --archive: (database, archive folder)."""
    folder = tmp_path_factory.mktemp("archived")
    db, archive = folder / "news.db", folder / "warc"
    result = run_cli("crawl", "demo", "--db", str(db), "--base-url", demo_server.url,
                     "--archive", str(archive), *LOOPBACK)  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    return db, archive


def records(folder: Path) -> list[tuple[str, str, str | None]]:
    """(type, target URI, WARC-Concurrent-To) of every record of every file."""
    found = []
    for path in sorted(folder.glob("*.warc.gz")):
        with open(path, "rb") as handle:
            for record in ArchiveIterator(handle, check_digests="raise"):
                headers = record.rec_headers
                found.append((record.rec_type, headers.get_header("WARC-Target-URI"),
                              headers.get_header("WARC-Concurrent-To")))  # fmt: skip
    return found


def test_each_stored_article_is_archived_once_with_its_request(
    archived_crawl: tuple[Path, Path],
) -> None:
    db, archive = archived_crawl
    stored = sorted(row["url"] for row in query(db, "select url from articles"))
    found = records(archive)
    responses = sorted(uri for kind, uri, _ in found if kind == "response")
    assert responses == stored  # no listing page, feed, dropped or duplicate page
    requests = [uri for kind, uri, concurrent in found if kind == "request" and concurrent]
    assert sorted(requests) == stored
    pointers = query(db, "select * from article_archive a join articles b on b.id = a.article_id"
                         " where a.content_hash = b.content_hash")  # fmt: skip
    assert len(pointers) == len(stored)
    assert not list(archive.glob("*.pointers.jsonl*"))  # a clean close removes the journal


def test_show_names_the_record_and_prints_the_archived_page(
    archived_crawl: tuple[Path, Path],
) -> None:
    db, archive = archived_crawl
    row = query(db, "select id, url from articles order by id limit 1")[0]
    shown = CliRunner().invoke(main, ["show", str(row["id"]), "--db", str(db)])
    assert shown.exit_code == 0, shown.output
    assert "archived" in shown.output and ".warc.gz" in shown.output
    page = CliRunner().invoke(main, ["show", str(row["id"]), "--db", str(db), "--html"])
    # the file of the URL's path: the URL may be a tracking variant (see COMPARED)
    served = SITE_DIR / urlsplit(row["url"]).path.removeprefix("/")
    assert page.exit_code == 0 and page.stdout_bytes == served.read_bytes()


def test_show_html_of_an_article_without_archive_is_one_line(
    archived_crawl: tuple[Path, Path], tmp_path: Path
) -> None:
    db = tmp_path / "news.db"
    shutil.copy(archived_crawl[0], db)
    with sqlite3.connect(db) as connection:
        connection.execute("delete from article_archive where article_id = 1")
    shown = CliRunner().invoke(main, ["show", "1", "--db", str(db), "--html"])
    assert shown.exit_code == 1
    assert shown.output == (
        "Error: article 1 has no archived page (crawl with --archive DIR, or import a WARC)\n"
    )


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    """The demo's pages and the golden pages of real sites in one WARC, imported twice into
    one database: (database, first summary line, second summary line)."""
    folder = tmp_path_factory.mktemp("imported")
    pages = demo_pages() + [page for _, page, _ in golden_pages()]
    warc = write_warc(folder / "pages.warc.gz", pages)
    db = folder / "news.db"
    outputs = []
    for _ in range(2):
        result = run_cli("import", str(warc), "--db", str(db))
        assert result.returncode == 0, result.stderr[-2000:]
        outputs.append(result.stdout)
    return db, outputs[0], outputs[1]


def test_import_of_the_pages_stores_what_the_crawl_stored(
    archived_crawl: tuple[Path, Path], imported: tuple[Path, str, str]
) -> None:
    sql = f"select {COMPARED} from articles where site = 'demo' order by canonical_url"
    crawled = [tuple(r) for r in query(archived_crawl[0], sql)]
    assert crawled and [tuple(r) for r in query(imported[0], sql)] == crawled


def test_golden_pages_import_as_their_sites_extract_them(imported: tuple[Path, str, str]) -> None:
    db = imported[0]
    stored = {row["url"]: row for row in query(db, "select * from articles")}
    for site, page, article in golden_pages():
        row = stored[page.url]
        assert (row["site"], row["title"], row["body"]) == (site, article["title"], article["body"])
    archived = query(db, "select count(*) from article_archive")[0][0]
    assert archived == len(stored)  # show --html and reextract work on imported articles


def test_second_import_adds_nothing(imported: tuple[Path, str, str]) -> None:
    db, first, second = imported
    stored = query(db, "select count(*), max(version) from articles")[0]
    assert f" {stored[0]} new, 0 updated" in first and " 0 new, 0 updated" in second
    assert stored[1] == 1
    runs = query(db, "select articles_new, articles_unchanged from crawl_runs order by id")
    assert [tuple(run) for run in runs] == [(stored[0], 0), (0, stored[0])]


@pytest.fixture
def ledger(tmp_path: Path) -> tuple[Path, Path]:
    """The demo pages imported as a site 'ledger' declared in a folder: (database, folder)."""
    sites = tmp_path / "sites"
    sites.mkdir()
    declaration = (BUNDLED_DIR / "demo.toml").read_text(encoding="utf-8")
    (sites / "ledger.toml").write_text(declaration.replace('name = "demo"', 'name = "ledger"'))
    warc = write_warc(tmp_path / "demo.warc.gz", demo_pages())
    db = tmp_path / "news.db"
    result = run_cli("import", str(warc), "--db", str(db), "--site", "ledger",
                     "--sites-dir", str(sites))  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    return db, sites


def reextract(db: Path, sites: Path, *args: str) -> str:
    result = CliRunner().invoke(
        main, ["reextract", "ledger", "--db", str(db), "--sites-dir", str(sites), *args]
    )
    assert result.exit_code == 0, result.output
    return result.output


def test_reextract_after_a_declaration_change_updates_that_field(
    ledger: tuple[Path, Path],
) -> None:
    db, sites = ledger
    before = {row["id"]: dict(row) for row in query(db, "select * from articles")}
    unchanged = f"0 changed, {len(before)} unchanged"
    assert unchanged in reextract(db, sites)  # the declaration is as imported
    toml = sites / "ledger.toml"
    toml.write_text(toml.read_text().replace('title = ["h1.headline"]', 'title = ["title"]'))
    dry = reextract(db, sites, "--dry-run")
    assert f"{len(before)} would change" in dry and " title: " in dry and " body: " not in dry
    assert query(db, "select count(*) from article_versions")[0][0] == 0
    out = reextract(db, sites)
    assert f"{len(before)} archived articles: {len(before)} changed, 0 unchanged" in out
    for row in query(db, "select * from articles"):
        old = before[row["id"]]
        assert row["title"] == old["title"] + " | The Loopback Ledger"
        assert (row["body"], row["authors"], row["published"], row["version"]) == (
            old["body"],
            old["authors"],
            old["published"],
            2,
        )
        assert "reextracted from " in row["provenance"]
    versions = query(db, "select article_id, title from article_versions")
    assert {v["article_id"]: v["title"] for v in versions} == {
        i: old["title"] for i, old in before.items()
    }
    assert unchanged in reextract(db, sites)  # nothing more to change


def test_a_version_keeps_every_field_of_an_authors_only_change(ledger: tuple[Path, Path]) -> None:
    # A version kept only title, body and dates: the authors a change replaced were lost.
    db, sites = ledger
    before = {row["id"]: dict(row) for row in query(db, "select * from articles")}
    toml = sites / "ledger.toml"
    toml.write_text(toml.read_text().replace('authors = ["p.byline .author"]', 'authors = ["h1"]'))
    reextract(db, sites)
    revised = query(db, "select * from articles where version = 2")
    changed = {row["id"]: dict(row) for row in revised}
    assert changed and all(row["authors"] != before[i]["authors"] for i, row in changed.items())
    assert all(row["body"] == before[i]["body"] for i, row in changed.items())
    versions = {v["article_id"]: dict(v) for v in query(db, "select * from article_versions")}
    assert versions.keys() == changed.keys()
    for article_id, version in versions.items():
        old = before[article_id]
        kept = {name: version[name] for name in ("authors", "title", "section", "lead", "tags",
                                                 "image", "url", "provenance", "body")}  # fmt: skip
        assert kept == {name: old[name] for name in kept}


def _stored(db: Path) -> int:
    try:
        return int(query(db, "select count(*) from articles")[0][0])
    except sqlite3.OperationalError:  # not created yet
        return 0


@pytest.mark.parametrize("recovered_by", ["crawl", "reextract"])
def test_a_crawl_killed_mid_run_leaves_every_stored_article_its_archived_page(
    tmp_path: Path, recovered_by: str
) -> None:
    # The pointers wait in memory for their article's batch: a SIGKILL lost those of
    # articles already stored, which the next crawl does not fetch again.
    db, archive = tmp_path / "news.db", tmp_path / "archive"  # where `crawl --all` archives
    args = ("--archive", str(archive), "-s", "NEWSDESK_STORE_BATCH_SIZE=2",
            "-s", "CONCURRENT_REQUESTS=2")  # fmt: skip
    with SiteServer(delay=0.1) as server:
        process = start_crawl(db, "demo", server, *args)
        wait_for(lambda: _stored(db) >= 4)
        process.send_signal(signal.SIGKILL)
        process.communicate()
        killed_run = _stored(db)
        (journal,) = archive.glob("*.pointers.jsonl")
        last = journal.read_text().splitlines()[-1]
        with journal.open("a") as handle:  # as if killed while writing a line
            handle.write(last[: len(last) // 2])
        if recovered_by == "crawl":
            rerun = crawl(db, "demo", server, *args)
            assert rerun.returncode == 0, rerun.stderr[-2000:]
            assert _stored(db) == len(demo_manifest())
        else:
            out = invoke("reextract", "--db", str(db))
            assert f"{killed_run} archived articles: 0 changed" in out.stdout, out.stderr
    pointers = query(db, "select a.id, a.url, r.warc_file, r.warc_offset from articles a join"
                         " article_archive r on r.article_id = a.id"
                         " and r.content_hash = a.content_hash")  # fmt: skip
    assert len(pointers) == _stored(db)
    assert len({(p["warc_file"], p["warc_offset"]) for p in pointers}) == len(pointers)
    for row in pointers:
        page = CliRunner().invoke(main, ["show", str(row["id"]), "--db", str(db), "--html"])
        served = SITE_DIR / urlsplit(row["url"]).path.removeprefix("/")
        assert page.exit_code == 0 and page.stdout_bytes == served.read_bytes(), row["url"]
    assert not list(archive.glob("*.pointers.jsonl*"))
