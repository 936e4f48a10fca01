"""The archive pipeline: each stored article's page as a WARC record, and where it is.

On when ``NEWSDESK_ARCHIVE_DIR`` names a folder (``newsdesk crawl --archive DIR``). It
runs just before the store: an article whose ``archive`` field holds its page (an
:class:`~crawler.warc.Exchange`, set by :mod:`crawler.middlewares.archive`) has passed
every other pipeline, so a page dropped as invalid, duplicate or unchanged is never
archived. The response and its request are written to ``<site>-<run start>-NNNNN.warc.gz``
(gzip per record, a new file past ``NEWSDESK_ARCHIVE_MAX_BYTES``), and the field becomes
the record's place. Written here, the record is on disk before the store can commit the
article: a crawl killed at any point never leaves a stored article whose page was not
written.

The record's place goes to ``article_archive`` once the store holds the article with
that text: the store writes in batches, so pointers wait and are tried again every
``PENDING_MAX``, and the rest after the store's last batch (pipelines close in reverse
order). Each pointer is also journaled beside the WARC files as its record is written
(:mod:`crawler.archive_journal`): the pointers of a crawl killed before it closed are
replayed by the next crawl archiving into that folder.

Imported articles (``newsdesk import``) already are in a WARC record: the spider names it
in the field, and with ``NEWSDESK_ARCHIVE_INDEX`` on this pipeline records that pointer
instead of writing a copy.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Self

from itemadapter import ItemAdapter
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from sqlite_utils import Database

from crawler import stats as keys
from crawler.archive_journal import SUFFIX, PointerJournal, recover
from crawler.warc import Exchange, WarcWriter
from store import database_path
from store.archive import Pointer, record_pointers
from store.db import open_db

PENDING_MAX = 200  # pointers held before trying to write them
logger = logging.getLogger(__name__)


def pointer_of(adapter: ItemAdapter, record: dict[str, Any]) -> Pointer:
    """The pointer of an article to its record (``file``, ``offset``, ``length``, ``date``)."""
    return Pointer(adapter["canonical_url"], adapter["content_hash"], record["file"],
                   record["offset"], record["length"], record["date"])  # fmt: skip


class ArchivePipeline:
    """Writes stored articles' pages to WARC files and their places to ``article_archive``."""

    def __init__(self, crawler: Crawler, db_path: str, folder: str, max_bytes: int) -> None:
        self.crawler = crawler
        self.db_path = db_path
        self.folder = folder
        self.max_bytes = max_bytes
        self.writer: WarcWriter | None = None
        self.journal: PointerJournal | None = None
        self.db: Database | None = None
        self.pending: list[Pointer] = []

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        folder = settings.get("NEWSDESK_ARCHIVE_DIR") or ""
        if not folder and not settings.getbool("NEWSDESK_ARCHIVE_INDEX"):
            raise NotConfigured("NEWSDESK_ARCHIVE_DIR is not set")
        db_path = database_path(settings.get("NEWSDESK_DB_PATH"))
        return cls(crawler, db_path, folder, settings.getint("NEWSDESK_ARCHIVE_MAX_BYTES"))

    def open_spider(self) -> None:
        self.db = open_db(self.db_path)
        if not self.folder or self.crawler.spider is None:
            return
        self._recover(self.db)
        prefix = f"{self.crawler.spider.name}-{datetime.now(UTC).strftime('%Y%m%dT%H%M%S')}"
        self.writer = WarcWriter(self.folder, prefix, self.max_bytes)
        self.journal = PointerJournal(Path(self.folder) / (prefix + SUFFIX), self.db_path)

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        record = adapter.get("archive")
        if isinstance(record, Exchange):
            record = adapter["archive"] = self._write(adapter, record)
        if record:
            self.pending.append(pointer_of(adapter, record))
        if len(self.pending) >= PENDING_MAX and self.db is not None:
            self.pending = record_pointers(self.db, self.pending)
        return item

    def close_spider(self) -> None:
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

    def _write(self, adapter: ItemAdapter, exchange: Exchange) -> dict[str, Any] | None:
        if self.writer is None:
            return None
        ref = self.writer.write(exchange)
        record = {"file": ref.file, "offset": ref.offset, "length": ref.length,
                  "date": exchange.date}  # fmt: skip
        if self.journal is not None:
            self.journal.append(pointer_of(adapter, record))
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(keys.ARCHIVED)
        return record

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
