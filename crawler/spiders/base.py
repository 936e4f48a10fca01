"""What every newsdesk spider shares: the one article step, and naming why a page was lost."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any, Self

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.http import Response
from twisted.python.failure import Failure

from crawler.extract.article import Refused, count_fields
from crawler.extract.pool import ExtractionPool
from crawler.extract.site import SiteExtractor
from crawler.items import Article
from crawler.middlewares.mirror import declared_url
from crawler.signals import drop_page, failure_reason
from crawler.sites import Site


class RecordingSpider(scrapy.Spider):
    """A spider whose articles come from :func:`~crawler.extract.article.build_article` and
    whose lost pages reach ``dropped_pages``, the stats and the log."""

    site: Site | None = None
    extractor: SiteExtractor | None = None
    extraction: ExtractionPool = ExtractionPool(0)  # from_crawler: the crawl's workers

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.extraction = ExtractionPool.from_crawler(crawler)
        crawler.signals.connect(spider.extraction.close, signal=signals.spider_closed)
        return spider

    async def parse_article(self, response: Response) -> AsyncIterator[Article]:
        """An article page: extract it (in a worker process, :mod:`crawler.extract.pool`);
        the pipelines validate, deduplicate and store."""
        try:
            article = await self.extraction.article(response, self.site, self.extractor)
        except Refused as refused:
            self.drop(response.url, refused.reason, refused.detail)
            return
        if self.crawler.stats is not None:
            count_fields(self.crawler.stats, article)
        yield article

    def drop(self, url: str, reason: str, detail: str) -> None:
        """Record a page that will not be stored."""
        drop_page(self.crawler, url, reason, detail)

    def failed(self, failure: Failure) -> None:
        """Errback: name why a request produced no page (a skipped stored page is none)."""
        request = getattr(failure, "request", None)
        reason, detail = failure_reason(failure)
        if reason:
            self.drop(declared_url(request) if request else "?", reason, detail)
