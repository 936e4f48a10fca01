"""Python's garbage collector while a crawl runs.

An extension. A crawl allocates many short-lived container objects per page (requests,
responses, parsed trees' proxies, items), so the collector runs often, and each full
pass walks every object of the process, most of them made at start-up (modules, the
settings, Scrapy's components) and alive until the end. While the engine runs:

- what exists when it starts is frozen (``gc.freeze``): full passes skip it;
- the youngest generation is collected every ``NEWSDESK_GC_THRESHOLD`` allocations
  (Python's default is 700), so fewer short-lived objects live long enough to be moved
  to older generations and walked again.

On a 2,000-page crawl of a declared site this took the collector's time from 0.75 to
0.3 s (BENCHMARKS.md). Both are undone when the last running engine of the process
stops. Off (``NotConfigured``) with a threshold of 0.
"""

from __future__ import annotations

import gc
from typing import Self

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

_running: list[tuple[int, ...]] = []  # the thresholds before the first running engine, each


class CollectorTuning:
    """Freezes start-up objects and raises the youngest generation's threshold."""

    def __init__(self, threshold: int) -> None:
        self.threshold = threshold

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        threshold = crawler.settings.getint("NEWSDESK_GC_THRESHOLD")
        if threshold <= 0:
            raise NotConfigured("NEWSDESK_GC_THRESHOLD is 0")
        tuning = cls(threshold)
        crawler.signals.connect(tuning.engine_started, signal=signals.engine_started)
        crawler.signals.connect(tuning.engine_stopped, signal=signals.engine_stopped)
        return tuning

    def engine_started(self) -> None:
        before = gc.get_threshold()
        _running.append(_running[0] if _running else before)
        gc.set_threshold(max(self.threshold, before[0]), *before[1:])
        gc.freeze()

    def engine_stopped(self) -> None:
        if not _running:
            return
        before = _running.pop()
        if not _running:
            gc.unfreeze()  # collectable again, in the oldest generation
            gc.set_threshold(*before)
