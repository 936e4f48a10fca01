"""Crashes and concurrency: a crawl killed at any point leaves a sound database that a rerun
completes; two crawls share one database; a full or read-only database fails cleanly.

Slow writes are made by the database itself: a trigger that counts to a few hundred
thousand on every article insert holds each write transaction open for a fraction of a
second, standing in for a slow disk. No crawler code is patched.
"""

from __future__ import annotations

import os
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from crawler.demo.server import SITE_DIR, SiteServer
from store.db import open_db
from tests.conftest import LOOPBACK, ROOT, demo_manifest
from tests.e2e.test_nightly import crawl, declare, query

ARTICLES = "select canonical_url, title, body, published from articles order by canonical_url"
SLOW_WRITES = """create trigger slow_article_write after insert on articles begin
  select count(*) from (with recursive n(i) as (select 1 union all select i + 1 from n
                        where i < 600000) select i from n);
end"""
BATCH = 3
SMALL_BATCHES = ("-s", f"NEWSDESK_STORE_BATCH_SIZE={BATCH}", "-s", "CONCURRENT_REQUESTS=2")


def slow_database(db: Path) -> None:
    """Create ``db`` with the schema and a trigger that makes every article insert slow."""
    open_db(db).close()
    connection = sqlite3.connect(db)
    connection.execute(SLOW_WRITES)
    connection.close()


def write_lock_held(db: Path) -> bool:
    """Whether another connection holds the database's write lock right now."""
    connection = sqlite3.connect(db, timeout=0, isolation_level=None)
    try:
        connection.execute("begin immediate")
        connection.execute("rollback")
        return False
    except sqlite3.OperationalError as error:
        if "locked" not in str(error):
            raise
        return True
    finally:
        connection.close()


def start_crawl(db: Path, site: str, server: SiteServer, *extra: str) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "crawler", "crawl", site, "--db", str(db),
               "--base-url", server.url, *LOOPBACK, *extra]  # fmt: skip
    return subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def wait_for(condition: object, timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if condition():  # type: ignore[operator]
            return
        time.sleep(0.02)
    raise AssertionError("the crawl never reached the point to kill it at")


@pytest.fixture(scope="module")
def slow_server() -> SiteServer:
    with SiteServer(delay=0.1) as server:
        yield server


@pytest.fixture(scope="module")
def clean_articles(crawled_db: Path) -> list[tuple[str, ...]]:
    """The articles an uninterrupted crawl stores (the session's crawl of the demo site)."""
    return [tuple(r) for r in query(crawled_db, ARTICLES)]


@pytest.mark.parametrize("point", ["downloading", "mid_write_transaction"])
def test_sigkill_at_any_point_then_rerun_equals_an_uninterrupted_crawl(
    tmp_path: Path, slow_server: SiteServer, clean_articles: list[tuple[str, ...]], point: str
) -> None:
    db = tmp_path / "killed.db"
    if point == "downloading":  # requests in flight, nothing written yet (one big batch)
        process = start_crawl(db, "demo", slow_server, "-s", "NEWSDESK_STORE_BATCH_SIZE=100")
        wait_for(lambda: _runs(db) > 0)
        time.sleep(0.5)
    else:  # inside a write transaction: the lock held for longer than any short write
        slow_database(db)
        process = start_crawl(db, "demo", slow_server, *SMALL_BATCHES)
        wait_for(lambda: write_lock_held(db) and time.sleep(0.1) is None and write_lock_held(db))
    process.send_signal(signal.SIGKILL)
    process.communicate()
    assert query(db, "pragma integrity_check")[0][0] == "ok"
    stored = query(db, "select count(*) from articles")[0][0]
    assert stored % BATCH == 0 and stored < len(clean_articles)  # whole batches only
    connection = sqlite3.connect(db)
    connection.execute("drop trigger if exists slow_article_write")
    connection.close()
    rerun = crawl(db, "demo", slow_server, *SMALL_BATCHES)
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    assert [tuple(r) for r in query(db, ARTICLES)] == clean_articles
    assert query(db, "select count(*) from article_urls where article_id is null")[0][0] == 0
    statuses = [r[0] for r in query(db, "select status from crawl_runs order by id")]
    assert statuses == ["interrupted", "finished"]


def _runs(db: Path) -> int:
    try:
        return int(query(db, "select count(*) from crawl_runs")[0][0])
    except sqlite3.OperationalError:  # not created yet
        return 0


def second_edition(tmp_path: Path, server_dir: Path) -> None:
    """The demo site again, as another publisher with its own text: declared as ``ledger2``."""
    shutil.copytree(SITE_DIR, server_dir)
    for page in (server_dir / "news").rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        page.write_text(text.replace(" the ", " the same "), encoding="utf-8")
    declare(tmp_path / "sites", "ledger2", 'start_urls = ["http://ledger-two.test/"]')
    toml = tmp_path / "sites" / "ledger2.toml"
    toml.write_text(toml.read_text().replace('"loopback-ledger.test"', '"ledger-two.test"'))


def test_two_crawls_write_one_database_at_once(tmp_path: Path) -> None:
    second_edition(tmp_path, tmp_path / "site2")
    db = tmp_path / "news.db"
    slow_database(db)
    sites = ("-s", f"NEWSDESK_SITES_DIR={tmp_path / 'sites'}", "-s", "NEWSDESK_STORE_BATCH_SIZE=1")
    with SiteServer() as first, SiteServer(tmp_path / "site2") as second:
        crawls = [
            start_crawl(db, "demo", first, *sites),
            start_crawl(db, "ledger2", second, *sites),
        ]
        outputs = [process.communicate(timeout=120) for process in crawls]
    for process, (stdout, stderr) in zip(crawls, outputs, strict=True):
        assert process.returncode == 0, stderr[-3000:]
        assert "database is locked" not in stderr and "errors: 0" in stdout
    per_site = dict(query(db, "select site, count(*) from articles group by site"))
    assert per_site == {"demo": len(demo_manifest()), "ledger2": len(demo_manifest())}
    runs = [tuple(r) for r in query(db, "select site, status from crawl_runs order by site")]
    assert runs == [("demo", "finished"), ("ledger2", "finished")]


def _can_mount() -> bool:
    """Whether this process may mount file systems in a private mount namespace."""
    if not shutil.which("unshare") or os.geteuid() != 0:
        return False
    probe = subprocess.run(
        ["unshare", "-m", "sh", "-c", "mount -t tmpfs -o size=64k tmpfs /mnt"],
        capture_output=True,
    )
    return probe.returncode == 0


needs_mount = pytest.mark.skipif(
    not _can_mount(), reason="needs root and `unshare -m` to mount a private file system"
)


def crawl_command(db: Path, server: SiteServer, log: Path) -> list[str]:
    return [sys.executable, "-m", "crawler", "crawl", "demo", "--db", str(db), "--base-url",
            server.url, "--log-file", str(log), *LOOPBACK, *SMALL_BATCHES]  # fmt: skip


def assert_clean_failure(result: subprocess.CompletedProcess[str], *needles: str) -> None:
    """Exit 1 with one line on stderr (the log went to a file) and no traceback."""
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    for needle in needles:
        assert needle in lines[0]


def assert_whole_batches(db: Path, result: subprocess.CompletedProcess[str]) -> None:
    """What a failed crawl stored is complete and consistent, and what it said it stored."""
    assert query(db, "pragma integrity_check")[0][0] == "ok"
    connection = sqlite3.connect(db)
    connection.execute("insert into articles_fts(articles_fts) values ('integrity-check')")
    connection.close()
    stored = query(db, "select count(*) from articles")[0][0]
    assert f"{stored} new" in result.stdout and stored % BATCH == 0
    orphans = "select count(*) from articles where id not in (select article_id from article_urls)"
    assert query(db, orphans)[0][0] == 0


def test_a_file_size_limit_stops_the_crawl_cleanly_and_a_rerun_completes(
    tmp_path: Path, slow_server: SiteServer, clean_articles: list[tuple[str, ...]]
) -> None:
    db = tmp_path / "news.db"
    open_db(db).close()
    limit = 200 * 1024  # the write-ahead log can grow by a few batches, then writes fail

    def limit_file_size() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    result = subprocess.run(
        crawl_command(db, slow_server, tmp_path / "crawl.log"), cwd=ROOT, capture_output=True,
        text=True, timeout=120, preexec_fn=limit_file_size,
    )  # fmt: skip
    assert_clean_failure(result, str(db), "cannot write:", "articles not stored")
    assert_whole_batches(db, result)
    assert 0 < query(db, "select count(*) from articles")[0][0] < len(clean_articles)
    rerun = crawl(db, "demo", slow_server, *SMALL_BATCHES)
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    assert [tuple(r) for r in query(db, ARTICLES)] == clean_articles


@needs_mount
def test_a_full_file_system_stops_the_crawl_cleanly(
    tmp_path: Path, demo_server: SiteServer
) -> None:
    seed, mounted, out = tmp_path / "seed.db", tmp_path / "disk", tmp_path / "out"
    open_db(seed).close()
    mounted.mkdir()
    out.mkdir()
    command = " ".join(crawl_command(mounted / "news.db", demo_server, out / "crawl.log"))
    script = (f"mount -t tmpfs -o size=300k tmpfs {mounted} && cp {seed} {mounted}/news.db"
              f" && {command}; status=$?; cp {mounted}/news.db* {out}/; exit $status")  # fmt: skip
    result = subprocess.run(
        ["unshare", "-m", "sh", "-c", script], cwd=ROOT, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert_clean_failure(result, "cannot write: database or disk is full")
    assert_whole_batches(out / "news.db", result)


@needs_mount
def test_a_read_only_database_is_a_one_line_error_and_stays_as_it_was(
    tmp_path: Path, demo_server: SiteServer, crawled_db: Path
) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    db = folder / "news.db"
    shutil.copy(crawled_db, db)  # a database a crawl filled: the session's
    before = db.read_bytes()
    command = " ".join(crawl_command(db, demo_server, tmp_path / "crawl.log"))
    script = f"mount --bind {folder} {folder} && mount -o remount,ro,bind {folder} && {command}"
    result = subprocess.run(
        ["unshare", "-m", "sh", "-c", script], cwd=ROOT, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert_clean_failure(result, str(db), "read-only file system")
    assert db.read_bytes() == before
