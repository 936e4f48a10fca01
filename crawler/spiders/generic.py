"""The generic spider: article pages of sites nobody declared, given as a list of URLs.

Each URL is fetched once (links are not followed) and extracted by the generic
extractor; the article's ``site`` is the URL's host without ``www.``. Pages go
through the same pipelines as a declared site's. A page that cannot be
extracted is dropped with a reason in the stats; nothing raises out of the spider.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.exceptions import DownloadCancelledError
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from crawler.extract.generic import GenericPage, fill
from crawler.extract.guard import rejection
from crawler.items import Article
from crawler.urls import canonicalize
from pipelines.drops import STATS_PREFIX


def site_of(url: str) -> str:
    """The site name of an undeclared page: its host without ``www.``.

    >>> site_of("https://www.example.org/news/1"), site_of("http://127.0.0.1:8123/a")
    ('example.org', '127.0.0.1')
    """
    return (urlsplit(url).hostname or "").removeprefix("www.")


class GenericSpider(scrapy.Spider):
    """Fetch the given article URLs and extract them without a site declaration."""

    name = "generic"

    def __init__(self, *args: Any, urls: Iterable[str] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.urls = list(urls)

    async def start(self) -> AsyncIterator[Any]:
        for url in self.urls:
            yield scrapy.Request(url, callback=self.parse_article, errback=self.failed)

    def parse_article(self, response: Response) -> Iterator[Article]:
        """Extract one page, or drop it with a reason."""
        reason = rejection(response)
        if reason is not None or not isinstance(response, TextResponse):
            self.dropped(reason or "not_html", response.url)
            return
        try:
            article = self.extract(response)
        except Exception:  # boundary: a page the extractor cannot handle is dropped, logged
            self.logger.exception("Extraction failed on %s", response.url)
            self.dropped("extraction_failed", response.url)
            return
        yield article

    def extract(self, response: TextResponse) -> Article:
        article = Article(provenance={})
        fill(article, GenericPage(response))
        article["url"] = response.url
        article["site"] = site_of(response.url)
        article["canonical_url"] = self._canonical(response)
        article["fetched_at"] = datetime.now(UTC).isoformat(timespec="seconds")
        return article

    def failed(self, failure: Failure) -> None:
        """A download that failed: counted as a drop, so one bad URL does not fail the run."""
        url = getattr(failure.request, "url", "?")  # type: ignore[attr-defined]
        too_large = isinstance(failure.value, DownloadCancelledError)
        reason = "too_large" if too_large else "download_failed"
        self.logger.warning("Cannot fetch %s: %s", url, failure.getErrorMessage())
        self.dropped(reason, url)

    def dropped(self, reason: str, url: str) -> None:
        self.logger.info("Dropped: %s: %s", reason, url)
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(STATS_PREFIX + reason)

    def _canonical(self, response: TextResponse) -> str:
        """The page's ``rel=canonical`` when it stays on the same host, else the fetched URL."""
        declared = response.css('link[rel="canonical"]::attr(href)').get()
        url = response.url
        if declared:
            candidate = response.urljoin(declared.strip())
            if site_of(candidate) == site_of(url):
                url = candidate
        return canonicalize(url)
