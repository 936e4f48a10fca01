"""The store pipeline: articles into SQLite in batched transactions (:mod:`store.articles`).

A batch is one transaction: a failed write (disk full, read-only file) stores
none of it and stops the crawl; the counts of a batch reach the stats only
once it committed.
"""

from __future__ import annotations

import sqlite3
from time import monotonic
from typing import Any, Self

from itemadapter import ItemAdapter
from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector
from sqlite_utils import Database

from crawler import stats as keys
from pipelines.failure import stop_crawl
from store import database_path
from store.articles import Outcome, write_article
from store.db import open_db, write_transaction
from store.minhash import DEFAULT_THRESHOLD

# What the store did with an article, as the crawl's stats count it.
OUTCOME_KEYS = {
    Outcome.NEW: keys.ARTICLES_NEW,
    Outcome.UPDATED: keys.ARTICLES_UPDATED,
    Outcome.NEAR_DUPLICATE_LATE: keys.NEAR_DUPLICATES_LATE,
}


class StorePipeline:
    """Buffers items and writes them ``NEWSDESK_STORE_BATCH_SIZE`` at a time, or sooner when
    the oldest has waited ``NEWSDESK_STORE_MAX_WAIT`` seconds (a slow crawl's counts and
    articles appear as it goes, not only at its end)."""

    def __init__(
        self,
        db_path: str,
        batch_size: int,
        stats: StatsCollector | None = None,
        near_threshold: float = DEFAULT_THRESHOLD,
        max_wait: float = 0.0,
    ):
        self.max_wait = max_wait  # 0: only full batches (and the last one) are written
        self.oldest = 0.0  # when the first pending item arrived (time.monotonic)
        self.near_threshold = near_threshold
        self.db_path = db_path
        self.batch_size = max(1, batch_size)
        self.stats = stats
        self.db: Database | None = None
        self.pending: list[dict[str, Any]] = []
        self.crawler: Crawler | None = None
        self.failed = False
        self.outcomes: list[str] = []  # counted once their batch commits
        self.data_version = -1  # PRAGMA data_version when our last batch began
        self.others_wrote = True

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        pipeline = cls(
            database_path(settings.get("NEWSDESK_DB_PATH")),
            settings.getint("NEWSDESK_STORE_BATCH_SIZE"),
            crawler.stats,
            settings.getfloat("NEWSDESK_DEDUP_NEAR_THRESHOLD", DEFAULT_THRESHOLD),
            settings.getfloat("NEWSDESK_STORE_MAX_WAIT"),
        )
        pipeline.crawler = crawler
        return pipeline

    def open_spider(self) -> None:
        self.db = open_db(self.db_path)

    def close_spider(self) -> None:
        if self.db is not None:
            self.flush(closing=True)
            self.db.close()

    def process_item(self, item: Any) -> Any:
        if not self.pending:
            self.oldest = monotonic()
        # A shallow copy: nothing changes an item's lists once it has reached the store
        # (ItemAdapter.asdict copied every nested value, a third of the pipeline's time).
        self.pending.append(dict(ItemAdapter(item).items()))
        waited = self.max_wait and monotonic() - self.oldest >= self.max_wait
        if len(self.pending) >= self.batch_size or waited:
            self.flush()
        return item

    def flush(self, closing: bool = False) -> None:
        """Write the buffered items in one transaction; a failed write stops the crawl."""
        if not self.pending or self.db is None or self.failed:
            return
        batch, self.pending = self.pending, []
        try:
            with write_transaction(self.db):
                self._check_others(self.db)
                for item in batch:
                    self._write(self.db, item)
        except sqlite3.Error as exc:
            self.outcomes.clear()
            self.failed = True
            message = f"{self.db_path}: cannot write: {exc} ({len(batch)} articles not stored)"
            stop_crawl(self.crawler, message, closing)
            return
        for outcome in self.outcomes:
            if self.stats is not None:
                self.stats.inc_value(outcome)
        self.outcomes.clear()

    def _check_others(self, db: Database) -> None:
        """Whether another connection (another crawl, in this process or another) has
        committed since our previous batch began: SQLite changes ``PRAGMA data_version``
        for this connection exactly then. If none has, the near-duplicate pipeline, which
        looked at this batch's items after our previous batch began and whose run index
        holds every item since, has already seen every copy stored before them; the
        second band lookup at write time is skipped."""
        version = db.execute("PRAGMA data_version").fetchone()[0]
        self.others_wrote = version != self.data_version
        self.data_version = version

    def _write(self, db: Database, item: dict[str, Any]) -> None:
        outcomes = write_article(db, item, self.near_threshold, self.others_wrote)
        self.outcomes += [OUTCOME_KEYS[outcome] for outcome in outcomes]
