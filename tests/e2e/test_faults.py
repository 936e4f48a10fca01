"""A crawl of a hostile site (tests/faultserver.py): it finishes, stores every good article
once, names every bad page in ``dropped_pages``, retries nothing forever and stays small.

One real crawl through the CLI serves every test here; RELIABILITY.md lists the faults.
"""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from crawler.discovery import parse_discovery
from tests.conftest import FIXTURES, ROOT, measured_cli, run_cli
from tests.faultserver import (
    BILLION_LAUGHS,
    GOOD,
    RETRY_AFTER_SECONDS,
    FaultServer,
    limited_until,
)
from tests.peakrss import reported_peak_kib

DECLARED = "http://faulty.test"
SITES = FIXTURES / "faultsites"
RETRY_TIMES = 1
SETTINGS = ("DOWNLOAD_DELAY=0", "AUTOTHROTTLE_ENABLED=False", "DOWNLOAD_TIMEOUT=2",
            f"RETRY_TIMES={RETRY_TIMES}", f"NEWSDESK_SITES_DIR={SITES}",
            "LOG_FORMAT=%(created).3f [%(name)s] %(levelname)s: %(message)s")  # fmt: skip
MEMORY_BOUND_MB = 300
FLAKY, LIMITED = "/news/flaky-503.html", "/news/limited-429.html"
# Requests already sent when the crawl paused a site may arrive after the pause: at most
# CONCURRENT_REQUESTS_PER_DOMAIN (4) less the one that asked to wait (crawler/downloader.py).
IN_FLIGHT = 3
CLOCK = 0.01  # s: the logs' times are rounded to the millisecond
PROMPT = 1.5  # s: how soon after a pause the queued requests must go
PAUSED = re.compile(r"^(\d+\.\d+) \[crawler\.middlewares\.retryafter\] INFO: "
                    r"\S+(/news/\S+) asked to wait .*: pausing", re.MULTILINE)  # fmt: skip

#: Each bad page and the reason its ``dropped_pages`` row must give.
FAULTS = {
    "/news/down-500.html": "http_500",
    "/news/gone-503.html": "http_503",
    "/news/busy-503.html": "http_503",
    "/news/limited-429.html": "http_429",
    "/news/missing-404.html": "http_404",
    "/news/removed-410.html": "http_410",
    "/news/stall.html": "timeout",
    "/news/reset.html": "truncated",
    "/news/truncated.html": "truncated",
    "/news/annual-report.html": "not_html",
    "/news/photo.html": "not_html",
    "/news/huge.html": "too_large",
    "/news/huge-streamed.html": "too_large",
    "/news/gzip-bomb.html": "too_large_decompressed",
    "/news/loop-a.html": "redirect_loop",
    "/news/chain.html": "too_many_redirects",
    "/news/away.html": "redirect_offsite",
    "/news/members/secret.html": "robots",
    "/archive/page/6.html": "depth_limit",
    "/sitemap-bomb.xml": "xml_entities",
    "/sitemap-corrupt.xml.gz": "corrupt_gzip",
    "/sitemap-html.xml": "not_a_sitemap",
    "/sitemap-moved.xml": "not_a_sitemap",  # recorded under the URL declared, not its target
    "/sitemap-empty.xml": "empty_sitemap",
    "/news/vanished.html": "soft_404",  # "Page not found" with status 200
    "/news/removed-story.html": "soft_404",  # redirected to the home page
}

#: Good articles whose date is stored empty, and the reason noted in their provenance.
BAD_DATES = {
    "/news/date-1900.html": "before 1990",
    "/news/date-2999.html": "more than a day in the future",
    "/news/date-garbage.html": "not a date",
}


@dataclass
class FaultCrawl:
    db: Path
    returncode: int
    stdout: str
    log: str
    requests: list[tuple[float, str]]  # (when it arrived, path), from the server's log
    hits: Counter[str]
    peak_rss_mb: float

    def arrivals(self, path: str) -> list[float]:
        return [when for when, requested in self.requests if requested == path]


def run_measured(args: list[str], out: Path, timeout: float = 120) -> tuple[int, float]:
    """Run ``newsdesk ARGS`` with stdout+stderr to ``out``; its exit status and its own
    peak RSS in MB (VmHWM, read by the process: see ``measured_cli``)."""
    with out.open("w") as sink:
        process = subprocess.run(measured_cli(args), cwd=ROOT, stdout=sink,
                                 stderr=subprocess.STDOUT, timeout=timeout)  # fmt: skip
    return process.returncode, reported_peak_kib(out.read_text()) / 1024


def read_access_log(log: Path) -> list[tuple[float, str]]:
    """(when it arrived, path) of each request, from the fault server's log."""
    lines = (line.partition(" ") for line in log.read_text().splitlines())
    return [(float(when), path) for when, _, path in lines]


@pytest.fixture(scope="module")
def fault_crawl(tmp_path_factory: pytest.TempPathFactory) -> FaultCrawl:
    tmp = tmp_path_factory.mktemp("faults")
    db, access, log = tmp / "news.db", tmp / "access.log", tmp / "crawl.log"
    with FaultServer(log=access) as server:
        command = ["crawl", "faulty", "--db", str(db),
                   "--base-url", server.url, "--log-file", str(log)]  # fmt: skip
        for setting in SETTINGS:
            command += ["-s", setting]
        returncode, peak = run_measured(command, tmp / "stdout.txt")
    requests = read_access_log(access)
    hits = Counter(path for _, path in requests)
    stdout = (tmp / "stdout.txt").read_text()
    return FaultCrawl(db, returncode, stdout, log.read_text(), requests, hits, peak)


def rows(db: Path, sql: str, *params: object) -> list[sqlite3.Row]:
    connection = sqlite3.connect(db)
    connection.row_factory = sqlite3.Row
    try:
        return connection.execute(sql, params).fetchall()
    finally:
        connection.close()


def test_the_crawl_finishes_cleanly(fault_crawl: FaultCrawl) -> None:
    assert fault_crawl.returncode == 0, fault_crawl.stdout[-2000:]
    assert "faulty: finished;" in fault_crawl.stdout and "errors: 0" in fault_crawl.stdout
    assert "Traceback" not in fault_crawl.log and "Traceback" not in fault_crawl.stdout
    run = rows(fault_crawl.db, "select status, errors from crawl_runs")
    assert [tuple(r) for r in run] == [("finished", 0)]


def test_every_good_article_is_stored_exactly_once(fault_crawl: FaultCrawl) -> None:
    stored = rows(fault_crawl.db, "select canonical_url, title, body from articles")
    assert sorted(r["canonical_url"] for r in stored) == sorted(DECLARED + p for p in GOOD)
    titles = {r["canonical_url"].removeprefix(DECLARED): r["title"] for r in stored}
    assert titles == GOOD  # exact, so wrongly decoded characters would show
    for row in stored:
        assert row["body"].count("\n\n") >= 3, row["canonical_url"]  # four paragraphs
        assert "\ufffd" not in row["title"]


def test_wrong_and_missing_charsets_are_decoded_as_the_browser_would(
    fault_crawl: FaultCrawl,
) -> None:
    sql = "select body from articles where canonical_url = ?"
    cp1252 = rows(fault_crawl.db, sql, DECLARED + "/news/cp1252-as-utf8.html")[0]["body"]
    assert cp1252.startswith("Café Owners Win “Best Breakfast” – Again: the story")
    undeclared = rows(fault_crawl.db, sql, DECLARED + "/news/no-charset.html")[0]["body"]
    assert undeclared.startswith("Naïve Artists Show Work in Old Mill:")


def test_malformed_html_keeps_every_paragraph(fault_crawl: FaultCrawl) -> None:
    sql = "select body from articles where canonical_url = ?"
    body = rows(fault_crawl.db, sql, DECLARED + "/news/malformed.html")[0]["body"]
    paragraphs = body.split("\n\n")
    assert len(paragraphs) == 4 and paragraphs[-1] == "The cathedral reopens next month"
    assert "\x00" not in body and "\x01" not in body  # stray bytes do not reach the text


@pytest.mark.parametrize(("path", "reason"), sorted(FAULTS.items()))
def test_each_bad_page_is_dropped_with_a_specific_reason(
    fault_crawl: FaultCrawl, path: str, reason: str
) -> None:
    drops = rows(fault_crawl.db, "select reason from dropped_pages where url = ?", DECLARED + path)
    assert [r["reason"] for r in drops] == [reason]


def test_every_drop_has_a_specific_reason(fault_crawl: FaultCrawl) -> None:
    reasons = {r[0] for r in rows(fault_crawl.db, "select reason from dropped_pages")}
    assert reasons == set(FAULTS.values())  # no generic download_error or ignored


@pytest.mark.parametrize(("path", "reason"), sorted(BAD_DATES.items()))
def test_absurd_and_unreadable_dates_are_left_empty_with_the_reason(
    fault_crawl: FaultCrawl, path: str, reason: str
) -> None:
    sql = "select published, provenance from articles where canonical_url = ?"
    row = rows(fault_crawl.db, sql, DECLARED + path)[0]
    provenance = json.loads(row["provenance"])
    assert row["published"] is None and "published" not in provenance
    assert provenance["published_rejected"].endswith(": " + reason)


def test_nothing_is_retried_forever(fault_crawl: FaultCrawl) -> None:
    hits = fault_crawl.hits
    assert hits["/news/flaky-503.html"] == 2  # a 503 is retried, and then the page is stored
    for path in ("/news/down-500.html", "/news/busy-503.html", "/news/limited-429.html",
                 "/news/stall.html", "/news/reset.html", "/news/truncated.html"):  # fmt: skip
        assert hits[path] == 1 + RETRY_TIMES, path
    assert hits["/news/gone-503.html"] == 1  # Retry-After 3600: not retried this run
    once = [p for p in hits if p not in FAULTS and p != "/news/flaky-503.html"]
    assert [p for p in once if hits[p] != 1] == []
    chain = [p for p in hits if p.startswith("/news/chain.html")]
    assert len(chain) == 6  # the first request and REDIRECT_MAX_TIMES (5) redirects
    assert hits["/news/loop-a.html"] == hits["/news/loop-b.html"] == 1
    archive = sorted(p for p in hits if p.startswith("/archive/"))
    assert archive == [f"/archive/page/{n}.html" for n in range(1, 6)]  # DEPTH_LIMIT 5
    assert 5 <= sum(1 for p in hits if p.startswith("/calendar/")) <= 11
    assert "/news/members/secret.html" not in hits  # robots.txt is obeyed


def pauses(crawl: FaultCrawl) -> list[tuple[float, float]]:
    """(paused at, wait over) for each rate-limit answer the crawl honoured: when its log
    says it paused the site, and when the answer allowed requests again (the flaky page's
    first 503 asks for 1 s, each 429 for the HTTP-date :func:`limited_until` gives)."""
    found = []
    for at, path in PAUSED.findall(crawl.log):
        paused = float(at)
        if path == FLAKY:
            over = paused + RETRY_AFTER_SECONDS
        else:  # the answer that asked: the last request of the page before the pause
            over = limited_until(max(t for t in crawl.arrivals(LIMITED) if t <= paused))
        found.append((paused, over))
    return found


def test_a_retry_waits_for_retry_after(fault_crawl: FaultCrawl) -> None:
    flaky, limited = fault_crawl.arrivals(FLAKY), fault_crawl.arrivals(LIMITED)
    assert flaky[1] - flaky[0] >= RETRY_AFTER_SECONDS - CLOCK  # Retry-After: 1
    assert limited[1] >= limited_until(limited[0]) - CLOCK  # Retry-After: an HTTP-date


def test_a_lone_retry_waits_too(tmp_path: Path) -> None:
    # In the fault crawl a retry also queues behind the other pages (it has a lower
    # priority); here it is the only request left, so only Retry-After holds it back.
    db, access = tmp_path / "news.db", tmp_path / "access.log"
    with FaultServer(log=access) as server:
        overrides = [arg for setting in SETTINGS[:4] for arg in ("-s", setting)]
        result = run_cli("crawl", "--url", server.url + FLAKY, "--db", str(db),
                         "--log-file", str(tmp_path / "crawl.log"), *overrides)  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    first, retry = [when for when, path in read_access_log(access) if path == FLAKY]
    assert retry - first >= RETRY_AFTER_SECONDS - CLOCK
    assert [r["title"] for r in rows(db, "select title from articles")] == [GOOD[FLAKY]]


def test_the_whole_site_waits_with_a_retry(fault_crawl: FaultCrawl) -> None:
    found = pauses(fault_crawl)
    assert len(found) == 3, found  # the flaky page's 503, and both answers of the 429 page
    for paused, over in found:
        during = [(round(when - paused, 3), path) for when, path in fault_crawl.requests
                  if paused < when < over - CLOCK]  # fmt: skip
        assert len(during) <= IN_FLIGHT, f"requested while the site asked to wait: {during}"
    paused, over = min(found)  # early in the crawl, other pages queued meanwhile:
    # They went once the wait was over: within PROMPT seconds (the scheduler's next turn,
    # with room for a loaded machine; nothing new went during the wait, checked above).
    waited = {path for when, path in fault_crawl.requests if over - CLOCK <= when < over + PROMPT}
    assert waited - {FLAKY, LIMITED}


def test_a_wait_over_the_limit_is_not_waited_for(fault_crawl: FaultCrawl) -> None:
    # /news/gone-503.html asks for 3600 s, over NEWSDESK_RETRY_AFTER_MAX (120 s)
    assert fault_crawl.hits["/news/gone-503.html"] == 1
    assert "gone-503.html asked to wait 3600 s (HTTP 503), over" in fault_crawl.log


def test_memory_stays_bounded_with_a_gzip_bomb(fault_crawl: FaultCrawl) -> None:
    # The bomb inflates to 1 GB; decompression stops at DOWNLOAD_MAXSIZE (10 MB).
    assert fault_crawl.hits["/news/gzip-bomb.html"] == 1
    print(f"peak RSS of the crawl: {fault_crawl.peak_rss_mb:.0f} MB")
    assert fault_crawl.peak_rss_mb < MEMORY_BOUND_MB


def test_sitemap_entity_bomb_stays_inert(fault_crawl: FaultCrawl) -> None:
    assert fault_crawl.hits["/sitemap-bomb.xml"] == 1
    assert not [p for p in fault_crawl.hits if "lol" in p]
    assert list(parse_discovery(BILLION_LAUGHS.encode())) == []  # libxml2 refuses it
    plain = BILLION_LAUGHS.replace("&lol9;", "x")  # declared but unused entities: harmless
    assert [e.url for e in parse_discovery(plain.encode())][-1] == DECLARED + "/news/good-5.html"


def test_a_sitemap_of_unreadable_dates_is_read_at_once(fault_crawl: FaultCrawl) -> None:
    # 5,000 <lastmod> no W3C/RFC 822 reader accepts: no date each, never the fuzzy parser
    # (which spent 19 ms on each: 95 s before the first article request).
    assert fault_crawl.hits["/sitemap-dates.xml"] == 1
    assert fault_crawl.hits["/news/good-4.html"] == 1  # listed there, undated
    assert not [p for p in fault_crawl.hits if p.startswith("/tags/")]  # not articles


def test_a_canonical_that_is_no_article_url_is_not_believed(fault_crawl: FaultCrawl) -> None:
    sql = "select provenance from articles where canonical_url = ?"
    for path in ("/news/canonical-home-1.html", "/news/canonical-home-2.html"):
        provenance = json.loads(rows(fault_crawl.db, sql, DECLARED + path)[0]["provenance"])
        assert provenance["canonical_rejected"].endswith("not an article URL of the site")


def test_a_canonical_naming_another_story_is_not_believed(fault_crawl: FaultCrawl) -> None:
    # /news/canonical-other.html names /news/good-1.html, a story with other text: each
    # keeps its URL (test_every_good_article_is_stored_exactly_once checks both titles).
    sql = "select provenance from articles where canonical_url = ?"
    found = rows(fault_crawl.db, sql, DECLARED + "/news/canonical-other.html")
    rejected = json.loads(found[0]["provenance"])["canonical_rejected"]
    assert rejected.startswith(DECLARED + "/news/good-1.html: "), rejected
    story = rows(fault_crawl.db, sql, DECLARED + "/news/good-1.html")[0]
    assert "canonical_rejected" not in json.loads(story["provenance"])


def test_a_meta_refresh_source_is_an_alias_of_its_story(fault_crawl: FaultCrawl) -> None:
    sql = """select a.canonical_url from article_urls u join articles a on a.id = u.article_id
             where u.url = ?"""
    found = rows(fault_crawl.db, sql, DECLARED + "/news/refresh.html")
    assert [r["canonical_url"] for r in found] == [DECLARED + "/news/refreshed.html"]
