"""The import spider: articles from WARC files, through the same pipelines as a crawl.

Nothing is downloaded: :meth:`WarcSpider.start` streams the records of each file
(:func:`crawler.warc.scan`) and yields an article for each HTML ``200`` response,
made by :func:`~crawler.extract.article.build_article` (in the extraction workers,
as a crawl's pages are) with the declared site that
owns the URL's domain (``--site`` forces one), else the generic extractor. Items go
through validate, dedup, near-dup and store like a crawl's, and the run recorder
writes the ``crawl_runs`` row (site ``import``) and a ``dropped_pages`` row for each
record that gave no article: revisits, non-HTTP records, error statuses, non-HTML
payloads, and corrupt or unreadable files (the records before a corrupt point are
kept). Records that are no page (``warcinfo``, ``request``, ``metadata``) are counted
in the stats only.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from crawler import stats as keys
from crawler.extract.article import Refused, SiteExtractors, count_fields
from crawler.items import Article
from crawler.sites import Site
from crawler.spiders.base import RecordingSpider
from crawler.stats import http_reason
from crawler.urls import in_domains
from crawler.warc import Exchange, RecordRef, Skip, response_of, scan

MAX_PENDING = 16  # items of the file in the pipelines at once

@dataclass(frozen=True)
class ImportOptions:
    """Which records of the files become articles."""

    site: str | None = None  # every page is this declared site's
    domains: tuple[str, ...] = ()  # only pages on (or below) these domains
    since: str | None = None  # only records fetched at or after (WARC-Date, ISO 8601)
    limit: int = 0  # at most this many pages extracted; 0: all


def iso_date(warc_date: str) -> str:
    """A WARC-Date as the ISO 8601 the store keeps.

    >>> iso_date("2026-11-30T17:40:35Z"), iso_date("")
    ('2026-11-30T17:40:35+00:00', '')
    """
    return warc_date.replace("Z", "+00:00") if warc_date.endswith("Z") else warc_date


class WarcSpider(RecordingSpider):
    """Import the article pages of WARC files."""

    name = "import"

    def __init__(
        self,
        *args: Any,
        paths: tuple[str, ...] = (),
        sites: dict[str, Site] | None = None,
        options: ImportOptions | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.paths = paths
        self.sites = sites or {}
        self.options = options or ImportOptions()
        self.extractors = SiteExtractors()
        self.pages = 0

    async def start(self) -> AsyncIterator[Any]:
        self._count(keys.DECLARED_FIELDS, [])  # pages of many sites: no declaration to judge
        for path in self.paths:
            async for article in self._articles(path):
                await self._room()
                yield article
            if self._full():
                return

    async def _articles(self, path: str) -> AsyncIterator[Article]:
        """The articles of one file, in record order. Pages are extracted by the crawl's
        extraction workers (:mod:`crawler.extract.pool`), a few at a time (twice as many
        as there are workers), so the import uses every core and its own memory does not
        hold the extraction libraries' growth."""
        ahead = max(1, 2 * self.extraction.workers)
        pending: deque[asyncio.Task[Article | None]] = deque()
        for entry in scan(path):
            if isinstance(entry, Skip):
                self._skipped(entry)
            elif self._wanted(entry[0]):
                self.pages += 1  # counted here, not in the task: --limit holds
                self._count(keys.PAGES_FETCHED)
                pending.append(asyncio.ensure_future(self._article(*entry)))
            while len(pending) >= ahead or (pending and pending[0].done()):
                if (article := await pending.popleft()) is not None:
                    yield article
            if self._full():
                break
        while pending:
            if (article := await pending.popleft()) is not None:
                yield article

    async def _room(self) -> None:
        """Wait while the pipelines hold ``MAX_PENDING`` items: Scrapy sends the items of
        ``start()`` to the pipelines without waiting, so without this the file would be
        read faster than it is stored, and memory would grow with the file."""
        slot = self.crawler.engine.scraper.slot if self.crawler.engine else None
        while slot is not None and slot.itemproc_size >= MAX_PENDING:
            await asyncio.sleep(0.005)

    def _wanted(self, exchange: Exchange) -> bool:
        self._count(keys.WARC_RECORDS)
        options = self.options
        if options.domains and not in_domains(exchange.url, options.domains):
            return False
        return not (options.since and iso_date(exchange.date) < options.since)

    async def _article(self, exchange: Exchange, ref: RecordRef) -> Article | None:
        if exchange.status != 200:
            self.drop(exchange.url, http_reason(exchange.status), "archived response status")
            return None
        site = self._site_of(exchange.url)
        try:
            article = await self.extraction.article(
                response_of(exchange), site, self.extractors(site)
            )
        except Refused as refused:
            self.drop(exchange.url, refused.reason, refused.detail)
            return None
        if self.crawler.stats is not None:
            count_fields(self.crawler.stats, article)
        article["fetched_at"] = iso_date(exchange.date) or article["fetched_at"]
        article["archive"] = {"file": ref.file, "offset": ref.offset, "length": ref.length,
                              "date": exchange.date}  # fmt: skip
        return article

    def _site_of(self, url: str) -> Site | None:
        if self.options.site:
            return self.sites[self.options.site]
        return next((site for site in self.sites.values() if site.owns(url)), None)

    def _skipped(self, skip: Skip) -> None:
        if skip.reason in {str(r) for r in keys.Reason}:
            self.drop(skip.url, skip.reason, skip.detail)
        else:
            self._count(keys.WARC_SKIPPED_PREFIX + skip.reason)

    def _full(self) -> bool:
        return bool(self.options.limit) and self.pages >= self.options.limit

    def _count(self, key: str, value: Any = None) -> None:
        stats = self.crawler.stats
        if stats is None:
            return
        if value is None:
            stats.inc_value(key)
        else:
            stats.set_value(key, value)
