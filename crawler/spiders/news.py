"""The news spider: discovers a site's articles and extracts them."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response, TextResponse
from scrapy.linkextractors import LinkExtractor

from crawler import stats as keys
from crawler.discovery import (
    Entry,
    age_days,
    decompressed,
    newest_first,
    parse_discovery,
    robots_sitemaps,
    why_nothing,
)
from crawler.extract.site import SiteExtractor
from crawler.middlewares.mirror import declared_url
from crawler.sites import Site
from crawler.spiders.base import RecordingSpider
from crawler.stats import Reason

UNDATED = 100_000_000  # minutes (190 years): undated article links come after dated ones


class NewsSpider(RecordingSpider):
    """Crawl one declared site: sitemaps and feeds (newest first), then listing pages.

    A site that declares no sitemaps is searched for them in its robots.txt (unless
    its declaration says ``robots_sitemaps = false``).

    ``base_url`` (``-a base_url=http://127.0.0.1:8000``) serves the site from a
    mirror (:mod:`crawler.middlewares.mirror`): requests go there, while the
    spider, and what it stores, see the site's own URLs.
    """

    site: Site

    def __init__(self, *args: Any, base_url: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.base_url = base_url
        mirror_host = urlsplit(base_url).hostname if base_url else None
        self.allowed_domains = [*self.site.domains, *([mirror_host] if mirror_host else [])]
        self.extractor = SiteExtractor(self.site)
        self.links = LinkExtractor(unique=True)

    async def start(self) -> AsyncIterator[Any]:
        if self.crawler.stats is not None:
            self.crawler.stats.set_value(keys.DECLARED_FIELDS, self.site.declared_fields)
        for url in (*self.site.feeds, *self.site.sitemaps):
            yield self._request(url, self.parse_discovery, priority=10)
        if self.site.robots_sitemaps and not self.site.sitemaps:
            meta = {"handle_httpstatus_all": True}  # no robots.txt is no lost page
            robots = self.site.origin + "/robots.txt"
            yield self._request(robots, self.parse_robots, priority=10, meta=meta)
        for url in self.site.start_urls:
            yield self._request(url, self.parse)

    def _request(self, url: str, callback: Any, **kwargs: Any) -> scrapy.Request:
        return scrapy.Request(url, callback=callback, errback=self.failed, **kwargs)

    def article_request(self, url: str, listed: str | None = None) -> scrapy.Request:
        """A request for an article page; the incremental filter reads its ``meta``."""
        meta = {"article": True}
        return self._request(url, self.parse_article, meta=meta, priority=_recency(listed))

    # -- Discovery -------------------------------------------------------------

    def parse_discovery(self, response: Response) -> Iterator[scrapy.Request]:
        """A sitemap, sitemap index or feed: follow its sitemaps and article URLs."""
        declared = declared_url(response.request) if response.request else response.url
        body = decompressed(response.body)
        if body is None:
            self.drop(declared, Reason.TOO_LARGE, "sitemap larger than 50 MB uncompressed")
            return
        entries = newest_first(list(parse_discovery(body)))
        if not entries:  # every discovery document that gives nothing is on the record
            self.drop(declared, *why_nothing(response.body, body))
        max_age = self.site.limits.max_age_days
        for entry in entries:
            if entry.is_sitemap:
                if self._recent(entry, max_age):
                    yield self._request(entry.url, self.parse_discovery, priority=10)
            elif self.site.owns(entry.url) and self.site.is_listed_article(entry.url):
                if self._recent(entry, max_age):
                    yield self.article_request(entry.url, entry.date)

    def parse_robots(self, response: Response) -> Iterator[scrapy.Request]:
        """robots.txt: the sitemaps its ``Sitemap:`` lines name, on the site's domains."""
        if not isinstance(response, TextResponse) or response.status != 200:
            return
        for url in robots_sitemaps(response.text):
            if self.site.owns(url):
                yield self._request(url, self.parse_discovery, priority=10)

    @staticmethod
    def _recent(entry: Entry, max_age: int) -> bool:
        age = age_days(entry.date)
        return not max_age or age is None or age <= max_age

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        """A listing page: follow its article links and further listing pages."""
        if not isinstance(response, TextResponse):
            return
        for link in self.links.extract_links(response):
            if not self.site.owns(link.url):
                continue
            if self.site.is_article(link.url):
                yield self.article_request(link.url)
            elif self.site.is_listing(link.url):
                yield self._request(link.url, self.parse)


def _recency(date: str | None) -> int:
    """Request priority: newer is higher (one step per minute of age); undated lowest.

    >>> _recency("2000-01-01") > _recency(None), _recency("2026-01-02") > _recency("2026-01-01")
    (True, True)
    """
    age = age_days(date)
    if age is None:
        return -UNDATED
    return -min(UNDATED - 1, max(0, int(age * 1440)))
