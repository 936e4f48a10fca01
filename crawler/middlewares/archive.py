"""Each article's page, to archive: the response it came from, set on the item.

On when ``NEWSDESK_ARCHIVE_DIR`` names a folder (``newsdesk crawl --archive DIR``). This
spider middleware sets each article's ``archive`` field to the :class:`~crawler.warc.Exchange`
of its response (request and response, under the site's own URL); the archive pipeline,
just before the store, writes it as a WARC record (:mod:`pipelines.archive`). The page
rides on the item because only the pipelines know which articles get stored, and only a
pipeline runs before the store commits an article.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Self

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Headers, Response
from scrapy.spidermiddlewares.base import BaseSpiderMiddleware

from crawler.items import Article
from crawler.warc import Exchange


def warc_date(moment: datetime | None = None) -> str:
    """A WARC-Date: UTC, seconds.

    >>> warc_date(datetime(2026, 1, 2, 3, 4, 5, 678, tzinfo=UTC))
    '2026-01-02T03:04:05Z'
    """
    return (moment or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")


def header_pairs(headers: Headers) -> list[tuple[str, str]]:
    """Scrapy headers as (name, value) text pairs, one per value."""
    return [
        (name.decode("latin-1"), value.decode("latin-1"))
        for name, values in headers.items()
        for value in values
    ]


def exchange_of(response: Response, url: str) -> Exchange:
    """What to archive of a response whose page has the (site's own) URL ``url``."""
    request = response.request
    return Exchange(
        url=url,
        status=response.status,
        headers=header_pairs(response.headers),
        body=response.body,
        date=warc_date(),
        request_headers=header_pairs(request.headers) if request is not None else [],
        method=request.method if request is not None else "GET",
    )


class ArchiveSpiderMiddleware(BaseSpiderMiddleware):
    """Puts the page of each article the spider yields on the item, for the archive."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.get("NEWSDESK_ARCHIVE_DIR"):
            raise NotConfigured("NEWSDESK_ARCHIVE_DIR is not set")
        return cls(crawler)

    def get_processed_item(self, item: Any, response: Response | None) -> Any:
        if isinstance(item, Article) and response is not None and not item.get("archive"):
            item["archive"] = exchange_of(response, item["url"])
        return item
