"""Scrapy's downloader, holding a site to ``CONCURRENT_REQUESTS_PER_DOMAIN`` requests at once.

On the asyncio reactor, Scrapy 2.19's downloader takes requests from a site's queue
while ``slot.free_transfer_slots()`` says there is room, and starts each download as
an asyncio task; a request counts as transferring only when its task first runs, after
the loop. With no download delay the loop therefore took the whole queue at once, and
a site had as many requests in flight as the crawl's ``CONCURRENT_REQUESTS`` (16), not
its 4: counted on loopback, 11-12 at once. A pause asked by ``Retry-After``
(:mod:`crawler.middlewares.retryafter`) came after requests already taken off the
queue. Here a request counts as transferring the moment it leaves the queue.
With a download delay (the default) Scrapy takes one request a turn, and nothing
changes. ``tests/e2e/test_concurrency.py`` counts the connections a site receives.
"""

from __future__ import annotations

from time import monotonic

from scrapy.core.downloader import Downloader, Slot
from scrapy.utils.asyncio import call_later
from scrapy.utils.defer import _schedule_coro


class SiteBoundDownloader(Downloader):
    """``DOWNLOADER``: Scrapy's, with the queue step counting what it starts."""

    def _process_queue(self, slot: Slot) -> None:
        if slot.latercall:  # paused (download delay, Retry-After) until the call runs
            return
        now = monotonic()
        delay = slot.download_delay()
        if delay:
            penalty = delay - now + slot.lastseen
            if penalty > 0:
                slot.latercall = call_later(penalty, self._latercall, slot)
                return
        while slot.queue and slot.free_transfer_slots() > 0:
            slot.lastseen = now
            request, queue_dfd = slot.queue.popleft()
            slot.transferring.add(request)  # now, not when the task starts (a set: once)
            _schedule_coro(self._wait_for_download(slot, request, queue_dfd))
            if delay:  # one request a turn when requests are spaced out
                self._process_queue(slot)
                break
