"""Errors per site: a count of the ERROR records that belong to this crawl.

Scrapy's ``log_count/ERROR`` comes from a handler on the root logger that counts
every record of the process, so under ``crawl --all`` each site would report the
errors of all of them. This extension counts, into ``newsdesk/errors``, the records
of level ERROR or above that name this crawl's spider (Scrapy passes it as
``extra={"spider": ...}`` on what it logs about a request, a response or an item).
A record that names no spider is counted when this is the only crawl in the
process; with several, it cannot be told whose it is and stays in the log only.
"""

from __future__ import annotations

import logging
from typing import ClassVar, Self

from scrapy import signals
from scrapy.crawler import Crawler

from crawler import stats as keys


class ErrorCounter(logging.Handler):
    running: ClassVar[set[ErrorCounter]] = set()

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(logging.ERROR)
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        counter = cls(crawler)
        crawler.signals.connect(counter.engine_started, signal=signals.engine_started)
        crawler.signals.connect(counter.engine_stopped, signal=signals.engine_stopped)
        return counter

    def engine_started(self) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.set_value(keys.SITE_ERRORS, 0)
        ErrorCounter.running.add(self)
        logging.getLogger().addHandler(self)

    def engine_stopped(self) -> None:
        logging.getLogger().removeHandler(self)
        ErrorCounter.running.discard(self)

    def emit(self, record: logging.LogRecord) -> None:
        if self.owns(record) and self.crawler.stats is not None:
            self.crawler.stats.inc_value(keys.SITE_ERRORS)

    def owns(self, record: logging.LogRecord) -> bool:
        spider = getattr(record, "spider", None)
        if spider is None:
            return ErrorCounter.running == {self}
        return spider is self.crawler.spider
