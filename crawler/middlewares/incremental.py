"""Incremental crawling on our own database: stored articles are not downloaded again.

A downloader middleware. For an article request whose URL already led to a
stored story, it either skips the request (:class:`~crawler.signals.SkipKnown`)
or, when the story is recent enough to be revisited
(``NEWSDESK_REVISIT_DAYS``, by published date, else first seen), sends it as a
conditional request with the stored ETag / Last-Modified. A 304 answer ends
there (:class:`~crawler.signals.NotModified`): nothing to extract, nothing to write.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, Self

from scrapy import Request
from scrapy import signals as scrapy_signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from sqlite_utils import Database

from crawler import stats as keys
from crawler.middlewares.mirror import declared_url
from crawler.signals import NotModified, SkipKnown
from crawler.urls import canonicalize
from store import database_path
from store.db import open_db

LOOKUP = """
    select articles.published, articles.first_seen, articles.etag, articles.last_modified
    from article_urls join articles on articles.id = article_urls.article_id
    where article_urls.url in (?, ?) limit 1
"""


def is_due(published: str | None, first_seen: str | None, window: timedelta, now: datetime) -> bool:
    """Whether a stored story is recent enough to fetch again.

    >>> now = datetime(2026, 11, 28, tzinfo=UTC)
    >>> is_due("2026-11-27", None, timedelta(days=2), now)
    True
    >>> is_due("2026-10-01T08:00:00+00:00", "2026-11-27T00:00:00+00:00", timedelta(days=2), now)
    False
    >>> is_due(None, "2026-11-27T00:00:00+00:00", timedelta(days=2), now)
    True
    """
    for value in (published, first_seen):
        if not value:
            continue
        try:
            when = datetime.fromisoformat(value)
        except ValueError:
            continue
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        return now - when <= window
    return False


class IncrementalMiddleware:
    """Skips stored articles; revisits recent ones with conditional requests."""

    def __init__(self, crawler: Crawler, db_path: str, revisit_days: float) -> None:
        self.crawler = crawler
        self.db_path = db_path
        self.window = timedelta(days=revisit_days)
        self.db: Database | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        if not settings.getbool("NEWSDESK_INCREMENTAL", True):
            raise NotConfigured("NEWSDESK_INCREMENTAL is off")
        db_path = database_path(settings.get("NEWSDESK_DB_PATH"))
        middleware = cls(crawler, db_path, settings.getfloat("NEWSDESK_REVISIT_DAYS"))
        crawler.signals.connect(middleware.spider_closed, signal=scrapy_signals.spider_closed)
        return middleware

    def spider_closed(self) -> None:
        if self.db is not None:
            self.db.close()

    def _stored(self, request: Request) -> dict[str, Any] | None:
        if self.db is None:
            self.db = open_db(self.db_path)
        declared = declared_url(request)
        return next(self.db.query(LOOKUP, [declared, canonicalize(declared)]), None)

    def process_request(self, request: Request) -> None:
        if not request.meta.get("article") or request.meta.get("revisit"):
            return None
        stored = self._stored(request)
        if stored is None:
            return None
        stats = self.crawler.stats
        assert stats is not None
        if not is_due(stored["published"], stored["first_seen"], self.window, datetime.now(UTC)):
            stats.inc_value(keys.INCREMENTAL_SKIPPED)
            raise SkipKnown(f"already stored: {request.url}")
        request.meta["revisit"] = True
        if stored["etag"]:
            request.headers.setdefault(b"If-None-Match", stored["etag"].encode("latin-1"))
        if stored["last_modified"]:
            request.headers.setdefault(
                b"If-Modified-Since", stored["last_modified"].encode("latin-1")
            )
        stats.inc_value(keys.INCREMENTAL_REVISITED)
        return None

    def process_response(self, request: Request, response: Response) -> Response:
        if request.meta.get("revisit") and response.status == 304:
            assert self.crawler.stats is not None
            self.crawler.stats.inc_value(keys.INCREMENTAL_NOT_MODIFIED)
            raise NotModified(f"not modified: {request.url}")
        return response
