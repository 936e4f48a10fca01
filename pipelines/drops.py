"""Dropping a page with a reason the crawl stats and the log both show."""

from __future__ import annotations

from scrapy.exceptions import DropItem
from scrapy.statscollectors import StatsCollector

STATS_PREFIX = "newsdesk/dropped/"


def drop(stats: StatsCollector | None, reason: str, message: str, level: str = "INFO") -> DropItem:
    """Count the drop under ``newsdesk/dropped/<reason>`` and build the exception to raise.

    >>> error = drop(None, "missing_body", "missing body: https://x.test/a")
    >>> str(error), error.log_level
    ('missing_body: missing body: https://x.test/a', 'INFO')
    """
    if stats is not None:
        stats.inc_value(STATS_PREFIX + reason)
    return DropItem(f"{reason}: {message}", log_level=level)
