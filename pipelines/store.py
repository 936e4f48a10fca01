"""Storage: articles into SQLite through sqlite-utils, in batched transactions.

New stories are inserted; a stored story whose text changed is updated, its
version bumped and its previous text kept in ``article_versions``. Every URL
that led to a story is kept in ``article_urls``.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from typing import Any, Self

from itemadapter import ItemAdapter
from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector
from sqlite_utils import Database

from pipelines import neardup
from pipelines.db import open_db, write_transaction
from pipelines.failure import stop_crawl

COLUMNS = (
    "canonical_url",
    "url",
    "site",
    "title",
    "published",
    "modified",
    "dateline_source",
    "section",
    "language",
    "lead",
    "body",
    "image",
    "content_hash",
    "etag",
    "last_modified",
)
JSON_COLUMNS = ("authors", "tags", "provenance")
VERSIONED = ("title", "body", "content_hash", "published", "modified")


def article_row(item: dict[str, Any]) -> dict[str, Any]:
    """The ``articles`` columns for an item (lists and provenance as JSON).

    >>> row = article_row({"canonical_url": "https://x.test/a", "body": "One two three",
    ...                    "authors": ["Ann Lee"], "fetched_at": "2026-01-02T03:04:05+00:00"})
    >>> row["authors"], row["word_count"], row["last_seen"]
    ('["Ann Lee"]', 3, '2026-01-02T03:04:05+00:00')
    """
    row = {column: item.get(column) for column in COLUMNS}
    for column in JSON_COLUMNS:
        row[column] = json.dumps(
            item.get(column) or ([] if column != "provenance" else {}), ensure_ascii=False
        )
    row["word_count"] = len((item.get("body") or "").split())
    row["last_seen"] = item.get("fetched_at") or datetime.now(UTC).isoformat(timespec="seconds")
    return row


class StorePipeline:
    """Buffers items and writes them ``NEWSDESK_STORE_BATCH_SIZE`` at a time."""

    def __init__(
        self,
        db_path: str,
        batch_size: int = 50,
        stats: StatsCollector | None = None,
        near_threshold: float = neardup.DEFAULT_THRESHOLD,
    ):
        self.near_threshold = near_threshold
        self.db_path = db_path
        self.batch_size = max(1, batch_size)
        self.stats = stats
        self.db: Database | None = None
        self.pending: list[dict[str, Any]] = []
        self.crawler: Crawler | None = None
        self.failed = False
        self.outcomes: list[str] = []  # counted once their batch commits

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        pipeline = cls(
            settings.get("NEWSDESK_DB_PATH"),
            settings.getint("NEWSDESK_STORE_BATCH_SIZE", 50),
            crawler.stats,
            settings.getfloat("NEWSDESK_DEDUP_NEAR_THRESHOLD", neardup.DEFAULT_THRESHOLD),
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
        self.pending.append(ItemAdapter(item).asdict())
        if len(self.pending) >= self.batch_size:
            self.flush()
        return item

    def flush(self, closing: bool = False) -> None:
        """Write the buffered items in one transaction; a failed write stops the crawl."""
        if not self.pending or self.db is None or self.failed:
            return
        batch, self.pending = self.pending, []
        try:
            with write_transaction(self.db):
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
                self.stats.inc_value(f"newsdesk/articles/{outcome}")
        self.outcomes.clear()

    def _write(self, db: Database, item: dict[str, Any]) -> None:
        row = article_row(item)
        row["duplicate_of"] = neardup.resolve_duplicate_of(db, item.get("duplicate_of"))
        if row["duplicate_of"] is None:
            row["duplicate_of"] = neardup.late_duplicate_of(db, item, self.near_threshold)
            if row["duplicate_of"] is not None:
                self._count("near_duplicate_late")
        existing = next(
            db.query("select * from articles where canonical_url = ?", [row["canonical_url"]]),
            None,
        )
        if existing is None:
            row.update(first_seen=row["last_seen"], version=1)
            article_id = db.table("articles").insert(row).last_pk
            self._count("new")
        else:
            article_id = existing["id"]
            version = {k: existing[k] for k in VERSIONED}
            db.table("article_versions").insert(
                {
                    **version,
                    "article_id": article_id,
                    "version": existing["version"],
                    "replaced_at": row["last_seen"],
                }
            )
            db.table("articles").update(article_id, {**row, "version": existing["version"] + 1})
            self._count("updated")
        neardup.store_signature(db, article_id, item.get("minhash"))
        for url in {item["url"], row["canonical_url"]}:
            db.table("article_urls").insert(
                {"url": url, "article_id": article_id, "first_seen": row["last_seen"]},
                ignore=True,
            )

    def _count(self, outcome: str) -> None:
        self.outcomes.append(outcome)
