"""The archive: each page that gave a stored article (or a revision) kept as a WARC record.

An extension, on when ``NEWSDESK_ARCHIVE_DIR`` names a folder (``newsdesk crawl --archive
DIR``). It listens to ``item_scraped``: Scrapy sends it once an item has passed every
pipeline, so a page dropped as invalid, duplicate or unchanged is never archived, and
the signal carries the response the item came from. The response and its request are
written to ``<site>-<run start>-NNNNN.warc.gz`` (gzip per record, a new file past
``NEWSDESK_ARCHIVE_MAX_BYTES``), and the record's place is written to ``article_archive``
once the store holds the article with that text (the store writes in batches, so
pointers wait for their batch; the rest are written when the crawl closes). Each
pointer is also journaled beside the WARC files as its record is written, so the
pointers of a crawl killed before it closed are not lost: the next crawl archiving into
the folder replays them first (:mod:`crawler.archive_journal`).

Imported articles (``newsdesk import``) already are in a WARC record: the spider names
it in the item's ``archive`` field, and with ``NEWSDESK_ARCHIVE_INDEX`` on this
extension records that pointer instead of writing a copy.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Self

from itemadapter import ItemAdapter
from scrapy import Spider
from scrapy import signals as scrapy_signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Headers, Response
from sqlite_utils import Database

from crawler import stats as keys
from crawler.archive_journal import SUFFIX, PointerJournal, recover
from crawler.warc import Exchange, WarcWriter
from store import database_path
from store.archive import Pointer, record_pointers
from store.db import open_db

PENDING_MAX = 200  # pointers held before trying to write them
logger = logging.getLogger(__name__)


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


class ArchiveRecorder:
    """Writes stored articles' pages to WARC files and their places to ``article_archive``."""

    def __init__(self, crawler: Crawler, db_path: str, folder: str, max_bytes: int) -> None:
        self.crawler = crawler
        self.db_path = db_path
        self.folder = folder
        self.max_bytes = max_bytes
        self.writer: WarcWriter | None = None
        self.db: Database | None = None
        self.pending: list[Pointer] = []
        self.journal: PointerJournal | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        folder = settings.get("NEWSDESK_ARCHIVE_DIR") or ""
        if not folder and not settings.getbool("NEWSDESK_ARCHIVE_INDEX"):
            raise NotConfigured("NEWSDESK_ARCHIVE_DIR is not set")
        db_path = database_path(settings.get("NEWSDESK_DB_PATH"))
        recorder = cls(crawler, db_path, folder, settings.getint("NEWSDESK_ARCHIVE_MAX_BYTES"))
        crawler.signals.connect(recorder.spider_opened, signal=scrapy_signals.spider_opened)
        crawler.signals.connect(recorder.item_scraped, signal=scrapy_signals.item_scraped)
        crawler.signals.connect(recorder.spider_closed, signal=scrapy_signals.spider_closed)
        return recorder

    def spider_opened(self, spider: Spider) -> None:
        self.db = open_db(self.db_path)
        if self.folder:
            self._recover(self.db)
            prefix = f"{spider.name}-{datetime.now(UTC).strftime('%Y%m%dT%H%M%S')}"
            self.writer = WarcWriter(self.folder, prefix, self.max_bytes)
            self.journal = PointerJournal(Path(self.folder) / (prefix + SUFFIX), self.db_path)

    def item_scraped(self, item: Any, response: Response | None) -> None:
        adapter = ItemAdapter(item)
        pointer = self._imported(adapter) or self._written(adapter, response)
        if pointer is None:
            return
        self.pending.append(pointer)
        if len(self.pending) >= PENDING_MAX and self.db is not None:
            self.pending = record_pointers(self.db, self.pending)

    def spider_closed(self) -> None:
        if self.writer is not None:
            self.writer.close()
        written = False
        try:
            if self.db is not None:
                record_pointers(self.db, self.pending)
                written = True
                self.db.close()
                self.db = None
        finally:  # a journal whose pointers did not reach the database stays for the next run
            if self.journal is not None:
                self.journal.close(remove=written)
        self.pending = []

    def _recover(self, db: Database) -> None:
        """Write the pointers that crawls killed before they closed left in the journal."""
        found = recover(db, self.db_path, [self.folder])
        if not found.journals:
            return
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(keys.ARCHIVE_RECOVERED, found.recorded)
        logger.info("archive: %d pointers recovered from %d journals of interrupted crawls in "
                    "%s (%d lines cut short skipped)", found.recorded, found.journals,
                    self.folder, found.skipped)  # fmt: skip

    def _imported(self, adapter: ItemAdapter) -> Pointer | None:
        record = adapter.get("archive")
        if not record:
            return None
        return Pointer(adapter["canonical_url"], adapter["content_hash"], record["file"],
                       record["offset"], record["length"], record["date"])  # fmt: skip

    def _written(self, adapter: ItemAdapter, response: Response | None) -> Pointer | None:
        if self.writer is None or response is None:
            return None
        exchange = exchange_of(response, adapter["url"])
        ref = self.writer.write(exchange)
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(keys.ARCHIVED)
        pointer = Pointer(adapter["canonical_url"], adapter["content_hash"], ref.file,
                          ref.offset, ref.length, exchange.date)  # fmt: skip
        if self.journal is not None:
            self.journal.append(pointer)
        return pointer
