"""What every newsdesk spider shares: naming why a page was not stored."""

from __future__ import annotations

import scrapy
from twisted.python.failure import Failure

from crawler import signals
from pipelines.drops import STATS_PREFIX


class RecordingSpider(scrapy.Spider):
    """A spider whose lost pages reach ``dropped_pages``, the stats and the log."""

    def record_url(self, url: str) -> str:
        """The URL to record for a page (a mirror's spider maps it back to the site)."""
        return url

    def drop(self, url: str, reason: str, detail: str) -> None:
        """Record a page that will not be stored."""
        self.logger.info("Dropped: %s: %s (%s)", reason, url, detail)
        self.crawler.stats.inc_value(STATS_PREFIX + reason)
        self.crawler.signals.send_catch_log(
            signals.page_dropped, url=url, reason=reason, detail=detail, spider=self
        )

    def failed(self, failure: Failure) -> None:
        """Errback: name why a request produced no page (a skipped stored page is none)."""
        request = getattr(failure, "request", None)
        first = (request.meta.get("redirect_urls") or [request.url])[0] if request else "?"
        reason, detail = signals.failure_reason(failure)
        if reason:
            self.drop(self.record_url(first), reason, detail)
