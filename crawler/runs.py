"""Run records: a ``crawl_runs`` row per run and site, a ``dropped_pages`` row per lost page.

An extension. At the end of a run it compares the run with the site's recent
runs (:mod:`crawler.drift`) and marks it ``degraded`` with alerts that name the
field; the CLI turns that into a non-zero exit.
"""

from __future__ import annotations

import json
import os
import socket
from datetime import UTC, datetime
from typing import Any, Self

from scrapy import Spider
from scrapy import signals as scrapy_signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from sqlite_utils import Database

from crawler import signals
from crawler.drift import FIELDS, DriftRules, RunFigures, assess
from pipelines.db import open_db
from pipelines.drops import STATS_PREFIX

NOT_DROPS = ("unchanged",)  # counted in the run, not listed page by page
OK_FINISH = ("finished", "closespider_pagecount", "closespider_itemcount")


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def mark_interrupted(db: Database, site: str) -> None:
    """Runs of ``site`` left ``running`` by a process that no longer exists were interrupted."""
    sql = "select id, pid from crawl_runs where site = ? and status = 'running' and host = ?"
    for row in list(db.query(sql, [site, socket.gethostname()])):
        if not _alive(row["pid"]):
            db.table("crawl_runs").update(
                row["id"], {"status": "interrupted", "finish_reason": "process ended"}
            )


def figures(stats: dict[str, Any]) -> dict[str, Any]:
    """The ``crawl_runs`` counters of a run, from its Scrapy stats."""
    prefix = STATS_PREFIX
    dropped = {key.removeprefix(prefix): n for key, n in stats.items() if key.startswith(prefix)}
    extracted = stats.get("newsdesk/articles/extracted", 0)
    not_modified = stats.get("newsdesk/incremental/not_modified", 0)
    row: dict[str, Any] = {
        "pages_fetched": stats.get("response_received_count", 0),
        "articles_extracted": extracted,
        "articles_seen": extracted + not_modified + stats.get("newsdesk/incremental/skipped", 0),
        "articles_new": stats.get("newsdesk/articles/new", 0),
        "articles_updated": stats.get("newsdesk/articles/updated", 0),
        "articles_unchanged": dropped.get("unchanged", 0) + not_modified,
        "articles_duplicate": dropped.get("duplicate_url", 0) + dropped.get("duplicate_content", 0),
        "pages_dropped": sum(n for reason, n in dropped.items() if reason not in NOT_DROPS),
        "errors": stats.get("log_count/ERROR", 0),
    }
    declared = {}
    for name in FIELDS:
        count = stats.get(f"newsdesk/fields/{name}", 0)
        row[f"coverage_{name}"] = round(count / extracted, 4) if extracted else None
        by_site = stats.get(f"newsdesk/declared/{name}", 0)
        declared[name] = round(by_site / extracted, 4) if extracted else None
    row["coverage_declared"] = json.dumps(declared)
    return row


def _run_figures(row: dict[str, Any]) -> RunFigures:
    coverage = {f: row[f"coverage_{f}"] for f in FIELDS}
    declared = json.loads(row.get("coverage_declared") or "{}")
    return RunFigures(row["articles_seen"] or 0, coverage, row["articles_extracted"] or 0, declared)


class RunRecorder:
    """Writes ``crawl_runs`` and ``dropped_pages`` for one crawler."""

    def __init__(self, crawler: Crawler, db_path: str, rules: DriftRules) -> None:
        self.crawler = crawler
        self.db_path = db_path
        self.rules = rules
        self.db: Database | None = None
        self.run_id: int | None = None
        self.site = ""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        if not settings.getbool("NEWSDESK_RUN_RECORDS", True):
            raise NotConfigured("NEWSDESK_RUN_RECORDS is off")
        rules = DriftRules(
            min_runs=settings.getint("NEWSDESK_DRIFT_MIN_RUNS", 3),
            drop=settings.getfloat("NEWSDESK_DRIFT_DROP", 0.3),
            history=settings.getint("NEWSDESK_DRIFT_HISTORY", 10),
            min_articles=settings.getint("NEWSDESK_DRIFT_MIN_ARTICLES", 5),
        )
        recorder = cls(crawler, settings.get("NEWSDESK_DB_PATH"), rules)
        crawler.signals.connect(recorder.spider_opened, signal=scrapy_signals.spider_opened)
        crawler.signals.connect(recorder.spider_closed, signal=scrapy_signals.spider_closed)
        crawler.signals.connect(recorder.item_dropped, signal=scrapy_signals.item_dropped)
        crawler.signals.connect(recorder.page_dropped, signal=signals.page_dropped)
        return recorder

    def spider_opened(self, spider: Spider) -> None:
        self.site = spider.name
        self.db = open_db(self.db_path)
        mark_interrupted(self.db, self.site)
        row = {"site": self.site, "started_at": now(), "status": "running",
               "pid": os.getpid(), "host": socket.gethostname()}  # fmt: skip
        self.run_id = self.db.table("crawl_runs").insert(row).last_pk

    def item_dropped(self, item: Any, exception: BaseException) -> None:
        reason, _, detail = str(exception).partition(": ")
        self.page_dropped(item.get("url") or "?", reason, detail.strip())

    def page_dropped(self, url: str, reason: str, detail: str) -> None:
        if self.db is None or reason in NOT_DROPS:
            return
        row = {"run_id": self.run_id, "site": self.site, "url": url, "reason": reason,
               "detail": detail, "dropped_at": now()}  # fmt: skip
        self.db.table("dropped_pages").insert(row)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.db is None or self.crawler.stats is None or self.run_id is None:
            return
        row = figures(self.crawler.stats.get_stats())
        alerts = [
            repair_hint(alert, self.crawler.spider.name if self.crawler.spider else "SITE")
            for alert in assess(_run_figures(row), self._history(), self.rules)
        ]
        status = "degraded" if alerts else "finished"
        if reason == "shutdown":
            status = "interrupted"
        elif reason not in OK_FINISH:
            status = "failed"
        row.update(status=status, finish_reason=reason, finished_at=now())
        row["alerts"] = json.dumps(alerts, ensure_ascii=False)
        self.db.table("crawl_runs").update(self.run_id, row)
        self.crawler.stats.set_value("newsdesk/run_status", status)
        self.crawler.stats.set_value("newsdesk/alerts", alerts)
        self.db.close()
        self.db = None

    def _history(self) -> list[RunFigures]:
        assert self.db is not None
        sql = """select * from crawl_runs where site = ? and status = 'finished' and id != ?
                 order by started_at desc, id desc limit ?"""
        rows = self.db.query(sql, [self.site, self.run_id, self.rules.history])
        return [_run_figures(row) for row in rows]


def repair_hint(alert: str, site: str) -> str:
    """A selector alert names the command that finds the repair.

    >>> repair_hint("title found by the site selectors 0% (usually 100%)", "demo")
    'title found by the site selectors 0% (usually 100%): run `newsdesk sites check demo`'
    >>> repair_hint("no article pages found (usually 10)", "demo")
    'no article pages found (usually 10)'
    """
    if "found by the site selectors" not in alert:
        return alert
    return f"{alert}: run `newsdesk sites check {site}`"
