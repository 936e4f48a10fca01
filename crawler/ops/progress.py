"""A live progress table for crawls on a terminal (rich), refreshed once a second."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from rich.console import Console
from rich.live import Live
from rich.table import Table
from scrapy.crawler import Crawler
from twisted.internet.task import LoopingCall

from crawler import stats as keys

COLUMNS = (
    ("pages", keys.PAGES_FETCHED),
    ("new", keys.ARTICLES_NEW),
    ("updated", keys.ARTICLES_UPDATED),
    ("stored before", keys.INCREMENTAL_SKIPPED),
    ("errors", keys.SITE_ERRORS),
)


def progress_table(rows: list[tuple[str, dict[str, Any]]]) -> Table:
    """One row per site from its live Scrapy stats."""
    table = Table(title="newsdesk crawl", title_justify="left")
    table.add_column("site")
    for header, _ in COLUMNS:
        table.add_column(header, justify="right")
    for header in ("dropped", "pages/min", "elapsed"):
        table.add_column(header, justify="right")
    table.add_column("state")
    for site, stats in rows:
        dropped = sum(keys.dropped_counts(stats).values())
        state = str(stats.get(keys.FINISH_REASON, "running"))
        counts = (str(stats.get(key, 0)) for _, key in COLUMNS)
        table.add_row(site, *counts, str(dropped), *pace(stats), state)
    return table


def pace(stats: dict[str, Any], now: datetime | None = None) -> tuple[str, str]:
    """Pages per minute and time elapsed so far (until the finish, once finished).

    >>> from datetime import timedelta
    >>> start = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)
    >>> pace({"start_time": start, "response_received_count": 90}, start + timedelta(seconds=45))
    ('120', '0:45')
    >>> pace({})
    ('-', '-')
    """
    start = stats.get("start_time")
    if not isinstance(start, datetime):
        return "-", "-"
    end = stats.get("finish_time") or now or datetime.now(UTC)
    seconds = max(0.0, (end - start).total_seconds())
    rate = stats.get(keys.PAGES_FETCHED, 0) * 60 / seconds if seconds else 0.0
    minutes, secs = divmod(int(seconds), 60)
    return f"{rate:.0f}", f"{minutes}:{secs:02d}"


class Progress:
    """Shows every crawler's counters while the process crawls."""

    def __init__(self, crawlers: list[tuple[str, Crawler]], console: Console | None = None):
        self.crawlers = crawlers
        self.live = Live(self._table(), console=console or Console(stderr=True), transient=True)
        self.loop = LoopingCall(self.refresh)

    def _table(self) -> Table:
        return progress_table([(site, _stats(crawler)) for site, crawler in self.crawlers])

    def refresh(self) -> None:
        self.live.update(self._table())

    def start(self) -> None:
        self.live.start()
        self.loop.start(1.0, now=False)

    def stop(self) -> None:
        if self.loop.running:
            self.loop.stop()
        self.live.stop()


def _stats(crawler: Crawler) -> dict[str, Any]:
    """A crawler's stats so far; empty until its crawl has started."""
    try:
        stats = crawler.stats
    except RuntimeError:
        return {}
    return stats.get_stats() if stats else {}
