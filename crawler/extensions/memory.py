"""Giving freed memory back to the system while a crawl runs.

An extension. Extracting a page builds lxml trees several times the page's size
(libxml2 allocates them with the C library's ``malloc``) and frees them when the page
is done. glibc keeps freed memory in its heap for reuse, and returns it only from the
top of the heap: with many pages of very different sizes the freed holes pile up, and
the resident size of a crawl grew with the number of pages (BENCHMARKS.md, memory)
although what it held did not. Every ``NEWSDESK_MEMORY_TRIM_INTERVAL`` seconds
``malloc_trim(0)`` returns the free pages of every heap (about a millisecond).
Off (``NotConfigured``) with an interval of 0 or a C library without ``malloc_trim``.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from collections.abc import Callable
from typing import Self

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.utils.asyncio import create_looping_call


def malloc_trim() -> Callable[[int], int] | None:
    """glibc's ``malloc_trim``, or ``None`` where the C library has none (musl, macOS)."""
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        trim: Callable[[int], int] = ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError):
        return None
    return trim


class MemoryTrimmer:
    """Calls ``malloc_trim(0)`` every ``interval`` seconds while the engine runs."""

    def __init__(self, interval: float, trim: Callable[[int], int]) -> None:
        self.interval = interval
        self.trim = trim
        self.task = create_looping_call(self.trim, 0)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        interval = crawler.settings.getfloat("NEWSDESK_MEMORY_TRIM_INTERVAL")
        if interval <= 0:
            raise NotConfigured("NEWSDESK_MEMORY_TRIM_INTERVAL is 0")
        trim = malloc_trim()
        if trim is None:
            raise NotConfigured("the C library has no malloc_trim")
        trimmer = cls(interval, trim)
        crawler.signals.connect(trimmer.engine_started, signal=signals.engine_started)
        crawler.signals.connect(trimmer.engine_stopped, signal=signals.engine_stopped)
        return trimmer

    def engine_started(self) -> None:
        self.task.start(self.interval, now=False)

    def engine_stopped(self) -> None:
        if self.task.running:
            self.task.stop()
