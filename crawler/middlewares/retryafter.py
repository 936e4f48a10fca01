"""A site that answers 429 or 503 with ``Retry-After`` is left alone for that long.

A downloader middleware in place of Scrapy's RetryMiddleware, which retries such
pages at once. Here, when the answer carries a readable ``Retry-After`` (seconds or
an HTTP-date), the site's download slot is paused for that long: nothing more is
sent to that host, and the retry (still bounded by ``RETRY_TIMES``) waits in the
slot with the rest. The reactor is never blocked. A ``Retry-After`` longer than
``NEWSDESK_RETRY_AFTER_MAX`` seconds is not waited for: the page is not retried
this run and is dropped as ``http_429`` / ``http_503``. A missing or unreadable
``Retry-After`` keeps Scrapy's immediate bounded retry.
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from time import monotonic
from typing import Self

from scrapy import Request, Spider, signals
from scrapy.core.downloader import Slot
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.http import Response
from scrapy.settings import BaseSettings
from scrapy.utils.asyncio import call_later

logger = logging.getLogger(__name__)

#: Statuses whose ``Retry-After`` is honoured.
RATE_LIMITED = frozenset({429, 503})
DELAY_SECONDS = re.compile(r"[0-9]+")


def retry_after_seconds(value: str | bytes | None, now: datetime | None = None) -> float | None:
    """Seconds a ``Retry-After`` header asks to wait; ``None`` when it is absent or unreadable.

    >>> retry_after_seconds(b"120"), retry_after_seconds(" 0 ")
    (120.0, 0.0)
    >>> noon = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
    >>> retry_after_seconds("Sat, 28 Nov 2026 12:01:30 GMT", now=noon)
    90.0
    >>> retry_after_seconds("Sat, 28 Nov 2026 11:00:00 GMT", now=noon)  # already past
    0.0
    >>> [retry_after_seconds(v) for v in (None, b"", "soon", "-5", "1.5", "Sat, 99 Nov 2026")]
    [None, None, None, None, None, None]
    """
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    text = (value or "").strip()
    if DELAY_SECONDS.fullmatch(text):
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (ValueError, TypeError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:  # "-0000": UTC, with no claim about the local zone
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def requested_wait(response: Response) -> float | None:
    """The wait a 429 or 503 response asks for; ``None`` for any other response."""
    if response.status not in RATE_LIMITED:
        return None
    return retry_after_seconds(response.headers.get("Retry-After"))


class RetryAfterMiddleware(RetryMiddleware):
    """Scrapy's RetryMiddleware, pausing a rate-limited site for its ``Retry-After``."""

    def __init__(self, settings: BaseSettings, max_wait: float) -> None:
        super().__init__(settings)
        self.max_wait = max_wait

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        middleware = cls(crawler.settings, crawler.settings.getfloat("NEWSDESK_RETRY_AFTER_MAX"))
        middleware.crawler = crawler
        crawler.signals.connect(middleware.response_downloaded, signal=signals.response_downloaded)
        return middleware

    def response_downloaded(self, response: Response, request: Request) -> None:
        """Pause the slot as the answer arrives, before the downloader sends the next request."""
        wait = requested_wait(response)
        if wait is None or wait > self.max_wait or wait <= 0:
            return
        key = request.meta.get("download_slot")
        slot = self.crawler.engine.downloader.slots.get(key) if key is not None else None
        if slot is not None:
            self.pause(slot, wait)
            logger.info("%s asked to wait %.1f s (HTTP %d): pausing %s", request.url, wait,
                        response.status, key)  # fmt: skip

    def pause(self, slot: Slot, wait: float) -> None:
        """Hold the slot's queue for ``wait`` seconds, the way Scrapy's downloader holds it
        between delayed requests (``slot.latercall``, then ``Downloader._latercall``: its
        internals, checked by tests/e2e/test_faults.py).

        The pause counts as the slot's last request (``lastseen``), so a pending pause or
        download delay that ends later is never shortened and the downloader does not
        collect the slot as idle meanwhile; its usual delay follows the pause.
        """
        now = monotonic()
        until = max(now + wait, slot.lastseen + slot.delay * (1 + slot.jitter))
        if slot.latercall is not None:
            slot.latercall.cancel()
        downloader = self.crawler.engine.downloader
        slot.latercall = call_later(until - now, downloader._latercall, slot)
        slot.lastseen = until

    def process_response(
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Request | Response:
        wait = requested_wait(response)
        if wait is not None and wait > self.max_wait and not request.meta.get("dont_retry"):
            logger.info("%s asked to wait %.0f s (HTTP %d), over NEWSDESK_RETRY_AFTER_MAX "
                        "(%.0f s): not retried", request.url, wait, response.status,
                        self.max_wait)  # fmt: skip
            return response
        return super().process_response(request, response)
