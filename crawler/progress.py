"""A live progress table for crawls on a terminal (rich), refreshed once a second."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.live import Live
from rich.table import Table
from scrapy.crawler import Crawler
from twisted.internet.task import LoopingCall

COLUMNS = (
    ("pages", "response_received_count"),
    ("new", "newsdesk/articles/new"),
    ("updated", "newsdesk/articles/updated"),
    ("stored before", "newsdesk/incremental/skipped"),
    ("errors", "log_count/ERROR"),
)


def progress_table(rows: list[tuple[str, dict[str, Any]]]) -> Table:
    """One row per site from its live Scrapy stats."""
    table = Table(title="newsdesk crawl", title_justify="left")
    table.add_column("site")
    for header, _ in COLUMNS:
        table.add_column(header, justify="right")
    table.add_column("dropped", justify="right")
    table.add_column("state")
    for site, stats in rows:
        dropped = sum(v for k, v in stats.items() if k.startswith("newsdesk/dropped/"))
        state = str(stats.get("finish_reason", "running"))
        table.add_row(site, *(str(stats.get(key, 0)) for _, key in COLUMNS), str(dropped), state)
    return table


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
