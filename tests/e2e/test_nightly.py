"""Nightly crawls: discovery, incremental revisits, revisions, run records, drift, locking,
resuming after SIGKILL, and scheduling. Every crawl is real, against 127.0.0.1."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from crawler.demo.server import SITE_DIR, SiteServer
from crawler.ops.lock import CrawlLock
from tests.conftest import LOOPBACK, ROOT, demo_manifest, invoke, query, run_cli

DECLARED = "http://loopback-ledger.test"
DEMO_TOML = (ROOT / "crawler/sites/demo.toml").read_text(encoding="utf-8")


def declare(sites_dir: Path, name: str, discovery: str, tables: str = "") -> None:
    """A copy of the demo declaration named ``name`` that discovers only through ``discovery``,
    with extra TOML ``tables`` (e.g. ``[limits]``)."""
    lines = [
        line for line in DEMO_TOML.splitlines()
        if not line.startswith(("name =", "start_urls =", "sitemaps =", "feeds ="))
    ]  # fmt: skip
    sites_dir.mkdir(exist_ok=True)
    text = f'name = "{name}"\n{discovery}\n' + "\n".join(lines) + "\n"
    text = text.replace("\n[urls]", f"\n{tables}\n[urls]", 1)
    (sites_dir / f"{name}.toml").write_text(text, encoding="utf-8")


def crawl(db: Path, site: str, server: SiteServer, *extra: str) -> subprocess.CompletedProcess[str]:
    return run_cli("crawl", site, "--db", str(db), "--base-url", server.url, *LOOPBACK, *extra)


def fetched_paths(log: Path) -> dict[str, list[int]]:
    """Path -> HTTP statuses the server answered, from its access log."""
    seen: dict[str, list[int]] = {}
    for line in log.read_text().splitlines():
        _, path, status = line.split()
        seen.setdefault(path.split("?")[0], []).append(int(status))
    return seen


@pytest.mark.parametrize(
    ("discovery", "expected"),
    [
        (f'sitemaps = ["{DECLARED}/sitemap.xml"]', 15),  # index -> news sitemap + archive
        (f'feeds = ["{DECLARED}/feed.xml"]\nrobots_sitemaps = false', 6),
        (f'start_urls = ["{DECLARED}/"]\nrobots_sitemaps = false', 15),
    ],
    ids=["sitemap", "feed", "listing"],
)
def test_each_discovery_path_finds_its_articles(
    tmp_path: Path, demo_server: SiteServer, discovery: str, expected: int
) -> None:
    declare(tmp_path / "sites", "only", discovery)
    db = tmp_path / "news.db"
    result = crawl(db, "only", demo_server, "-s", f"NEWSDESK_SITES_DIR={tmp_path / 'sites'}")
    assert result.returncode == 0, result.stderr[-2000:]
    stored = {row[0] for row in query(db, "select canonical_url from articles")}
    manifest = {DECLARED + entry["path"] for entry in demo_manifest()}
    assert len(stored) == expected and stored <= manifest


def test_sitemap_lists_newest_first(tmp_path: Path) -> None:
    log = tmp_path / "access.log"
    declare(tmp_path / "sites", "bysitemap", f'sitemaps = ["{DECLARED}/sitemap-news.xml"]')
    with SiteServer(log=log) as server:
        result = crawl(
            tmp_path / "n.db",
            "bysitemap",
            server,
            "-s",
            f"NEWSDESK_SITES_DIR={tmp_path / 'sites'}",
            "-s",
            "CONCURRENT_REQUESTS=1",
        )
    assert result.returncode == 0
    articles = [p for p in fetched_paths(log) if p.startswith("/news/")]
    assert articles == sorted(articles, reverse=True)  # paths carry the date


@pytest.fixture
def site_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "site"
    shutil.copytree(SITE_DIR, copy)
    return copy


def test_second_night_stores_new_versions_changed_and_records_removed(
    tmp_path: Path, site_copy: Path, crawled_db: Path
) -> None:
    db, log = tmp_path / "news.db", tmp_path / "access.log"
    shutil.copy(crawled_db, db)
    changed = "news/2026/11/24/hilltop-telescope-spots-rare-triple-star-eclipse.html"
    removed = "news/2026/11/09/ferry-operator-orders-three-electric-vessels.html"
    added = "news/2026/11/26/night-ferry-returns.html"
    revisit_all = ("-s", "NEWSDESK_REVISIT_DAYS=100000")
    with SiteServer(site_copy, log=log) as server:
        # The first night was the session's crawl of the demo site (a copy of its database).
        # The site changes overnight: one story edited, one deleted, one published.
        page = site_copy / changed
        page.write_text(
            page.read_text().replace(
                "</div>\n</article>",
                "<p>Update: the observatory has released a second set of images.</p>"
                "\n</div>\n</article>",
                1,
            )
        )
        future = time.time() + 60
        os.utime(page, (future, future))
        (site_copy / removed).unlink()
        new_page = (
            (site_copy / changed)
            .read_text()
            .replace(changed, added)
            .replace(
                "Hilltop Telescope Spots a Rare Triple-Star Eclipse",
                "Night Ferry Returns After Repairs",
            )
            .replace("eclipse", "ferry timetable")
        )
        (site_copy / added).parent.mkdir(parents=True)
        (site_copy / added).write_text(new_page)
        index = site_copy / "science/index.html"
        index.write_text(
            index.read_text().replace("<ul", f'<ul><li><a href="/{added}">New</a></li>', 1)
        )
        log.write_text("")
        second = crawl(db, "demo", server, *revisit_all)
    assert second.returncode == 0, second.stderr[-2000:]
    assert "1 new, 1 updated" in second.stdout
    statuses = fetched_paths(log)
    assert statuses["/" + changed] == [200]
    assert statuses["/" + removed] == [404]
    unchanged = {"/" + e["path"].lstrip("/") for e in demo_manifest()} - {
        "/" + changed,
        "/" + removed,
    }
    assert all(set(statuses[path]) == {304} for path in unchanged)  # asked, not downloaded
    row = query(db, f"select * from articles where canonical_url = '{DECLARED}/{changed}'")[0]
    assert row["version"] == 2 and "second set of images" in row["body"]
    old = query(db, f"select * from article_versions where article_id = {row['id']}")
    assert len(old) == 1 and old[0]["version"] == 1 and "second set" not in old[0]["body"]
    assert query(db, f"select 1 from articles where canonical_url = '{DECLARED}/{added}'")
    drops = {
        (r["url"], r["reason"]) for r in query(db, "select * from dropped_pages where run_id = 2")
    }
    assert (f"{DECLARED}/{removed}", "http_404") in drops
    run = query(db, "select * from crawl_runs where id = 2")[0]
    assert (run["status"], run["articles_new"], run["articles_updated"]) == ("finished", 1, 1)
    assert run["articles_unchanged"] == len(unchanged) + 1  # + the tracking-link variant


def test_stored_articles_outside_the_revisit_window_are_not_requested(
    tmp_path: Path, site_copy: Path, crawled_db: Path
) -> None:
    db, log = tmp_path / "news.db", tmp_path / "access.log"
    shutil.copy(crawled_db, db)
    with SiteServer(site_copy, log=log) as server:  # the first crawl is the session's
        again = crawl(db, "demo", server, "-s", "NEWSDESK_REVISIT_DAYS=0")
    assert again.returncode == 0
    stored = {e["path"] for e in demo_manifest()}
    assert not stored & set(fetched_paths(log))
    assert f"{len(stored) + 1} already stored" in again.stdout  # + the tracking-link variant


def test_drift_marks_the_run_degraded_and_names_the_field(
    tmp_path: Path, site_copy: Path, crawled_db: Path
) -> None:
    db = tmp_path / "news.db"
    shutil.copy(crawled_db, db)  # the first of three usual runs: the session's crawl
    full = ("-s", "NEWSDESK_INCREMENTAL=False")
    with SiteServer(site_copy) as server:
        for _ in range(2):
            assert crawl(db, "demo", server, *full).returncode == 0
        for page in (site_copy / "news").rglob("*.html"):  # a redesign renames the byline
            page.write_text(page.read_text().replace('class="author"', 'class="writer"'))
        broken = crawl(db, "demo", server, *full)
    assert broken.returncode == 1
    assert "demo: degraded" in broken.stdout
    # The generic fallback still finds the authors (JSON-LD), but the drift is reported.
    assert "ALERT authors found by the site selectors 0% (usually 82%)" in broken.stderr
    assert "run `newsdesk sites check demo`" in broken.stderr  # the command that finds the repair
    history = invoke("runs", "demo", "--db", str(db))
    assert history.returncode == 0
    assert history.stdout.splitlines()[0].split()[3] == "degraded"


def test_crawl_all_takes_a_lock(tmp_path: Path, demo_server: SiteServer) -> None:
    db = tmp_path / "news.db"
    with CrawlLock(Path(str(db) + ".crawl.lock")):
        result = run_cli("crawl", "--all", "--db", str(db))
    assert result.returncode == 1
    assert "a crawl is already running (pid" in result.stderr
    assert "Traceback" not in result.stderr


def test_crawl_all_crawls_every_nightly_site_and_logs_to_a_file(tmp_path: Path) -> None:
    """Two sites carrying the same stories (as wire copy does), crawled at once: each
    stores its own pages, and each copy is linked to the first-seen one."""
    sites = tmp_path / "sites"
    with SiteServer() as server:
        port = server.url.rsplit(":", 1)[1]
        for name, host in (("alpha", "127.0.0.1"), ("beta", "localhost")):
            declare(sites, name, f'start_urls = ["http://{host}:{port}/"]')
            toml = sites / f"{name}.toml"
            text = toml.read_text().replace("nightly = false", "nightly = true")
            toml.write_text(text.replace('"loopback-ledger.test"', f'"{host}"'))
        db, logs_dir = tmp_path / "out" / "news.db", tmp_path / "out" / "logs"
        logs_dir.mkdir(parents=True)
        earlier = [logs_dir / f"crawl-2026010{day}T030000Z.log" for day in range(1, 5)]
        for old in earlier:
            old.write_text("an earlier night\n")
        (logs_dir / "notes.txt").write_text("not a crawl log\n")
        result = run_cli(
            "crawl", "--all", "--db", str(db), "-s", f"NEWSDESK_SITES_DIR={sites}",
            "-s", "NEWSDESK_BUNDLED_SITES=False", "--keep-logs", "3", *LOOPBACK,
        )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    assert "alpha: finished" in result.stdout and "beta: finished" in result.stdout
    logs = sorted(logs_dir.glob("crawl-*.log"))
    # the two newest earlier logs and tonight's are kept; other files are not touched
    assert logs[:2] == earlier[2:] and (logs_dir / "notes.txt").exists()
    assert len(logs) == 3 and "Spider closed (finished)" in logs[2].read_text()
    count = len(demo_manifest())
    per_site = dict(query(db, "select site, count(*) from articles group by site"))
    assert per_site == {"alpha": count, "beta": count}
    pairs = query(
        db,
        "select a.site, o.site from articles a join articles o on o.id = a.duplicate_of"
        " where a.title = o.title",
    )
    assert len(pairs) == count and all(copy != first for copy, first in pairs)
    assert {r[0] for r in query(db, "select site from crawl_runs")} == {"alpha", "beta"}


def test_crawl_all_counts_errors_per_site(tmp_path: Path) -> None:
    """A site that is down logs errors; the site crawled beside it in the same process
    reports none of them, in the summary and in crawl_runs."""
    sites = tmp_path / "sites"
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        down = closed.getsockname()[1]  # nothing listens here once the socket is closed
    with SiteServer() as server:
        port = server.url.rsplit(":", 1)[1]
        for name, host, at in (("alpha", "127.0.0.1", port), ("gamma", "localhost", down)):
            declare(sites, name, f'start_urls = ["http://{host}:{at}/"]')
            toml = sites / f"{name}.toml"
            text = toml.read_text().replace("nightly = false", "nightly = true")
            toml.write_text(text.replace('"loopback-ledger.test"', f'"{host}"'))
        db = tmp_path / "news.db"
        result = run_cli(
            "crawl", "--all", "--db", str(db), "-s", f"NEWSDESK_SITES_DIR={sites}",
            "-s", "NEWSDESK_BUNDLED_SITES=False", "-s", "RETRY_TIMES=0", *LOOPBACK, "-f", "json",
        )  # fmt: skip
    assert result.returncode == 1, result.stderr[-2000:]
    errors = dict(query(db, "select site, errors from crawl_runs"))
    assert errors["alpha"] == 0 and errors["gamma"] >= 1, errors
    summary = {run["site"]: run for run in json.loads(result.stdout)}  # --format json
    assert summary["alpha"]["status"] == "finished" and summary["alpha"]["new"] > 0
    assert summary["gamma"]["status"] == "failed"
    assert {site: run["errors"] for site, run in summary.items()} == errors


def test_sigkill_mid_crawl_then_rerun_equals_an_uninterrupted_crawl(
    tmp_path: Path, crawled_db: Path
) -> None:
    clean, killed = crawled_db, tmp_path / "killed.db"  # the session's uninterrupted crawl
    small_batches = ("-s", "NEWSDESK_STORE_BATCH_SIZE=2", "-s", "CONCURRENT_REQUESTS=2")
    with SiteServer(delay=0.15) as server:
        command = [
            sys.executable,
            "-m",
            "crawler",
            "crawl",
            "demo",
            "--db",
            str(killed),
            "--base-url",
            server.url,
            *LOOPBACK,
            *small_batches,
        ]
        process = subprocess.Popen(
            command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.time() + 60
        while time.time() < deadline and _count(killed) < 3:
            time.sleep(0.05)
        process.send_signal(signal.SIGKILL)
        process.wait()
        stored_before = _count(killed)
        assert 3 <= stored_before < len(demo_manifest())
        rerun = crawl(killed, "demo", server, *small_batches)
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    assert query(killed, "pragma integrity_check")[0][0] == "ok"
    sql = "select canonical_url, title, body, published from articles order by canonical_url"
    assert [tuple(r) for r in query(killed, sql)] == [tuple(r) for r in query(clean, sql)]
    statuses = [r[0] for r in query(killed, "select status from crawl_runs order by id")]
    assert statuses == ["interrupted", "finished"]


def _count(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        return int(query(db, "select count(*) from articles")[0][0])
    except sqlite3.OperationalError:
        return 0


def test_schedule_prints_cron_and_systemd_units(tmp_path: Path) -> None:
    result = invoke("schedule", "--time", "03:15", "--db", "output/news.db")
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    cron = next(line for line in lines if line.startswith("15 3 * * * "))
    assert cron.endswith("crawl --all --db output/news.db >> output/logs/cron.log 2>&1")
    assert "OnCalendar=*-*-* 03:15:00" in result.stdout
    assert "ExecStart=" in result.stdout and "Type=oneshot" in result.stdout


def test_schedule_install_writes_user_units(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    result = invoke("schedule", "--install", "--time", "1:00")
    assert result.returncode == 0, result.stderr
    units = tmp_path / "systemd" / "user"
    assert "OnCalendar=*-*-* 01:00:00" in (units / "newsdesk-crawl.timer").read_text()
    assert "crawl --all" in (units / "newsdesk-crawl.service").read_text()


def test_schedule_rejects_a_bad_time() -> None:
    result = invoke("schedule", "--time", "25:99")
    assert result.returncode == 2 and "HH:MM" in result.stderr and "Traceback" not in result.stderr


def test_runs_on_a_database_without_runs(tmp_path: Path) -> None:
    db = tmp_path / "empty.db"
    assert invoke("schedule", "--db", str(db)).returncode == 0  # does not create it
    assert not db.exists()
    from store.db import open_db

    open_db(db).close()
    result = invoke("runs", "--db", str(db))
    assert result.returncode == 0 and result.stdout.strip() == "No runs recorded."


def test_progress_table_shows_each_site_counters() -> None:
    from rich.console import Console

    from crawler.ops.progress import progress_table

    stats = {"response_received_count": 27, "newsdesk/articles/new": 15,
             "newsdesk/dropped/missing_body": 1, "newsdesk/dropped/duplicate_url": 2}  # fmt: skip
    console = Console(width=120, record=True)
    console.print(progress_table([("alpha", stats), ("beta", {"finish_reason": "finished"})]))
    text = console.export_text()
    alpha = next(line for line in text.splitlines() if "alpha" in line)
    cells = [cell.strip() for cell in alpha.split("│")[1:-1]]
    assert cells == ["alpha", "27", "15", "0", "0", "0", "3", "-", "-", "running"]
    assert "finished" in next(line for line in text.splitlines() if "beta" in line)


def test_site_limits_bound_a_run(tmp_path: Path, site_copy: Path) -> None:
    """A site's max_age_days skips old sitemap entries; its max_pages stops the run."""
    from datetime import UTC, datetime, timedelta

    articles = sorted(e["path"] for e in demo_manifest())[-3:]
    now = datetime.now(UTC)
    urls = "".join(
        f"<url><loc>{DECLARED}{path}</loc><lastmod>{(now - timedelta(days=age)).date()}</lastmod>"
        "</url>"
        for path, age in zip(articles, (1, 30, 400), strict=True)
    )
    (site_copy / "recent.xml").write_text(
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
    )
    sites = tmp_path / "sites"
    declare(sites, "recent", f'sitemaps = ["{DECLARED}/recent.xml"]', "[limits]\nmax_age_days = 10")
    declare(sites, "capped", f'start_urls = ["{DECLARED}/"]', "[limits]\nmax_pages = 5")
    db = tmp_path / "news.db"
    only_sites = ("-s", f"NEWSDESK_SITES_DIR={sites}", "-s", "CONCURRENT_REQUESTS=1")
    with SiteServer(site_copy) as server:
        recent = crawl(db, "recent", server, *only_sites)
        capped = crawl(tmp_path / "capped.db", "capped", server, *only_sites)
    assert recent.returncode == 0, recent.stderr[-2000:]
    stored = [r[0] for r in query(db, "select canonical_url from articles")]
    assert stored == [DECLARED + articles[0]]
    assert capped.returncode == 0, capped.stderr[-2000:]
    run = query(tmp_path / "capped.db", "select * from crawl_runs")[0]
    assert run["finish_reason"] == "closespider_pagecount" and 5 <= run["pages_fetched"] <= 6
