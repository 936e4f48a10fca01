"""The generic spider: article pages of sites nobody declared, given as a list of URLs.

Each URL is fetched once (links are not followed) and extracted by the generic
extractor; the article's ``site`` is the URL's host without ``www.``. Pages go
through the same pipelines as a declared site's. A page that cannot be
extracted is dropped with a reason (``dropped_pages``, the stats and the log);
nothing raises out of the spider.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response, TextResponse

from crawler.extract.generic import GenericPage, fill
from crawler.extract.guard import rejection
from crawler.items import Article
from crawler.spiders.base import RecordingSpider
from crawler.urls import canonicalize


def site_of(url: str) -> str:
    """The site name of an undeclared page: its host without ``www.``.

    >>> site_of("https://www.example.org/news/1"), site_of("http://127.0.0.1:8123/a")
    ('example.org', '127.0.0.1')
    """
    return (urlsplit(url).hostname or "").removeprefix("www.")


class GenericSpider(RecordingSpider):
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
            self.drop(response.url, reason or "not_html", f"{len(response.body)} bytes")
            return
        try:
            article = self.extract(response)
        except Exception as exc:  # boundary: a page the extractor cannot handle is dropped
            self.logger.exception("Extraction failed on %s", response.url)
            self.drop(response.url, "extraction_failed", f"{type(exc).__name__}: {exc}")
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

    def _canonical(self, response: TextResponse) -> str:
        """The page's ``rel=canonical`` when it stays on the same host, else the fetched URL."""
        declared = response.css('link[rel="canonical"]::attr(href)').get()
        url = response.url
        if declared:
            candidate = response.urljoin(declared.strip())
            if site_of(candidate) == site_of(url):
                url = candidate
        return canonicalize(url)
