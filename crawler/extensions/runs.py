"""Run records: a ``crawl_runs`` row per run and site, a ``dropped_pages`` row per lost page.

An extension. At the end of a run it compares the run with the site's recent
runs (:mod:`crawler.extensions.drift`) and marks it ``degraded`` with alerts that name the
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
from crawler import stats as keys
from crawler.extensions.drift import DriftRules, RunFigures, assess
from crawler.fields import WATCHED
from store import database_path
from store.db import open_db

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
    """The ``crawl_runs`` counters of a run, from its Scrapy stats.

    What the site's own declaration found is judged only for the fields it declares:

    >>> run = {"newsdesk/articles/extracted": 4, "newsdesk/fields/title": 4,
    ...        "newsdesk/declared/title": 3, "newsdesk/declared_fields": ["title"]}
    >>> figures(run)["coverage_title"], figures(run)["coverage_declared"]
    (1.0, '{"title": 0.75, "authors": null, "published": null, "body": null}')
    """
    dropped = keys.dropped_counts(stats)
    extracted = stats.get(keys.ARTICLES_EXTRACTED, 0)
    not_modified = stats.get(keys.INCREMENTAL_NOT_MODIFIED, 0)
    skipped = stats.get(keys.INCREMENTAL_SKIPPED, 0)
    duplicates = (keys.Reason.DUPLICATE_URL, keys.Reason.DUPLICATE_CONTENT)
    row: dict[str, Any] = {
        "pages_fetched": stats.get(keys.PAGES_FETCHED, 0),
        "articles_extracted": extracted,
        "articles_seen": extracted + not_modified + skipped,
        "articles_new": stats.get(keys.ARTICLES_NEW, 0),
        "articles_updated": stats.get(keys.ARTICLES_UPDATED, 0),
        "articles_unchanged": dropped.get(keys.Reason.UNCHANGED, 0) + not_modified,
        "articles_duplicate": sum(dropped.get(reason, 0) for reason in duplicates),
        "pages_dropped": sum(n for reason, n in dropped.items() if reason not in keys.NOT_DROPS),
        "errors": stats.get(keys.SITE_ERRORS, 0),
    }
    declared = {}
    for name in WATCHED:
        count = stats.get(keys.field_key(name), 0)
        row[f"coverage_{name}"] = round(count / extracted, 4) if extracted else None
        by_site = stats.get(keys.declared_key(name), 0)
        judged = extracted and name in stats.get(keys.DECLARED_FIELDS, WATCHED)
        declared[name] = round(by_site / extracted, 4) if judged else None
    row["coverage_declared"] = json.dumps(declared)
    return row


def _run_figures(row: dict[str, Any]) -> RunFigures:
    coverage = {f: row[f"coverage_{f}"] for f in WATCHED}
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
            min_runs=settings.getint("NEWSDESK_DRIFT_MIN_RUNS"),
            drop=settings.getfloat("NEWSDESK_DRIFT_DROP"),
            history=settings.getint("NEWSDESK_DRIFT_HISTORY"),
            min_articles=settings.getint("NEWSDESK_DRIFT_MIN_ARTICLES"),
        )
        recorder = cls(crawler, database_path(settings.get("NEWSDESK_DB_PATH")), rules)
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
        if isinstance(exception, keys.Dropped):
            reason, detail = exception.reason, exception.detail
        else:  # a DropItem raised by a pipeline that is not ours
            reason, detail = "dropped", str(exception)
        self.page_dropped(item.get("url") or "?", reason, detail)

    def page_dropped(self, url: str, reason: str, detail: str) -> None:
        if self.db is None or reason in keys.NOT_DROPS:
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
        if failure := nothing_fetched(row, self.crawler.stats.get_stats()):
            alerts.append(failure)
        status = run_status(reason, row, alerts)
        row.update(status=status, finish_reason=reason, finished_at=now())
        row["alerts"] = json.dumps(alerts, ensure_ascii=False)
        self.db.table("crawl_runs").update(self.run_id, row)
        self.crawler.stats.set_value(keys.RUN_STATUS, status)
        self.crawler.stats.set_value(keys.ALERTS, alerts)
        self.db.close()
        self.db = None

    def _history(self) -> list[RunFigures]:
        assert self.db is not None
        sql = """select * from crawl_runs where site = ? and status = 'finished' and id != ?
                 order by started_at desc, id desc limit ?"""
        rows = self.db.query(sql, [self.site, self.run_id, self.rules.history])
        return [_run_figures(row) for row in rows]


def run_status(reason: str, row: dict[str, Any], alerts: list[str]) -> str:
    """A run's status from Scrapy's finish reason, its counters and its alerts.

    >>> run_status("finished", {"pages_fetched": 0, "pages_dropped": 2}, ["no page ..."])
    'failed'
    >>> run_status("finished", {"pages_fetched": 9, "pages_dropped": 0}, ["title coverage ..."])
    'degraded'
    >>> run_status("shutdown", {}, []), run_status("finished", {"pages_fetched": 9}, [])
    ('interrupted', 'finished')
    """
    if reason == "shutdown":
        return "interrupted"
    if reason not in OK_FINISH or _fetched_nothing(row):
        return "failed"
    return "degraded" if alerts else "finished"


def _fetched_nothing(row: dict[str, Any]) -> bool:
    return not row.get("pages_fetched") and bool(row.get("pages_dropped"))


def nothing_fetched(row: dict[str, Any], stats: dict[str, Any]) -> str | None:
    """Why a run failed when every request it made failed (DNS, refused connections, ...).

    >>> nothing_fetched({"pages_fetched": 0, "pages_dropped": 3},
    ...                 {"newsdesk/dropped/dns_error": 2, "newsdesk/dropped/timeout": 1})
    'no page could be fetched: dns_error 2, timeout 1'
    """
    if not _fetched_nothing(row):
        return None
    dropped = keys.dropped_counts(stats)
    return "no page could be fetched: " + ", ".join(f"{r} {n}" for r, n in dropped.items())


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
