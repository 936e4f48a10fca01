"""Deduplication against this run and every earlier run stored in the database.

A story is known by its canonical URL and by the hash of its text. A page is
dropped when its canonical URL was already seen in this run, when the stored
story at that URL has the same text (``unchanged``), or when another story of
the same site has the same text (``duplicate_content``: one story reachable by
two URLs). The same text on another site is a copy (wire copy, a syndicated
press release): it passes on, to be stored as that site's page and linked to
the first copy by the near-duplicate stage. A stored story whose text changed
passes on, and the store keeps the old text as a version.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime
from typing import Any, Self

from itemadapter import ItemAdapter
from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector
from sqlite_utils import Database

from crawler.stats import Reason, drop
from store import database_path
from store.db import open_db

_NON_WORD = re.compile(r"\W+")
# "+site": find the hash through its own index; the (site, published) index would
# scan every article of the site, a cost that grows with the database.
STORED_WITH_HASH = (
    "select canonical_url from articles where content_hash = ? and +site = ? limit 1"
)


def content_hash(body: str) -> str:
    """Hash of the text that ignores case, punctuation and whitespace.

    >>> content_hash("Hello,  World!") == content_hash("hello world")
    True
    >>> content_hash("hello world") == content_hash("hello there")
    False
    """
    words = _NON_WORD.sub(" ", body.casefold()).strip()
    return hashlib.sha256(words.encode("utf-8")).hexdigest()


class DedupPipeline:
    """Drops duplicates; sets ``content_hash`` on the items it lets through."""

    def __init__(self, db_path: str, stats: StatsCollector | None = None) -> None:
        self.db_path = db_path
        self.stats = stats
        self.db: Database | None = None
        self.run_urls: set[str] = set()
        self.run_hashes: dict[tuple[str, str], str] = {}  # (site, text hash) -> canonical URL
        self.aliases: dict[str, str] = {}  # URL -> canonical URL of the story it led to

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(database_path(crawler.settings.get("NEWSDESK_DB_PATH")), crawler.stats)

    def open_spider(self) -> None:
        self.db = open_db(self.db_path)

    def close_spider(self) -> None:
        """Record the URLs of dropped duplicates in ``article_urls``.

        Scrapy closes pipelines in reverse order, so the store has flushed by now
        and every story these URLs point to is in the database.
        """
        if self.db is None:
            return
        sql = """insert or ignore into article_urls (url, article_id, first_seen)
                 select ?, id, ? from articles where canonical_url = ?"""
        seen = datetime.now(UTC).isoformat(timespec="seconds")
        with self.db.atomic():
            for url, canonical in self.aliases.items():
                self.db.execute(sql, [url, seen, canonical])
        self.db.close()

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        url, fetched, site = adapter["canonical_url"], adapter["url"], adapter["site"]
        digest = content_hash(adapter["body"])
        if url in self.run_urls:
            self._aliases(adapter, url)
            detail = f"{fetched} is {url}, already seen in this run"
            raise drop(self.stats, Reason.DUPLICATE_URL, detail)
        if (site, digest) in self.run_hashes:
            first = self.run_hashes[site, digest]
            self._aliases(adapter, first)
            raise drop(self.stats, Reason.DUPLICATE_CONTENT, f"{fetched} has the text of {first}")
        self.run_urls.add(url)
        stored = self._stored_hash(url)
        if stored == digest:
            self._aliases(adapter, url)
            raise drop(self.stats, Reason.UNCHANGED, f"{url} is stored with the same text")
        if stored is None and (other := self._stored_url_with(digest, site)):
            self._aliases(adapter, other)
            raise drop(self.stats, Reason.DUPLICATE_CONTENT, f"{fetched} has the text of {other}")
        self.run_hashes[site, digest] = url
        adapter["content_hash"] = digest
        return item

    def _aliases(self, adapter: ItemAdapter, canonical: str) -> None:
        """Remember the fetched URL, and those that redirected to it, as aliases of a story."""
        for url in [adapter["url"], *(adapter.get("redirected_from") or [])]:
            self.aliases[url] = canonical

    def _stored_hash(self, canonical_url: str) -> str | None:
        assert self.db is not None, "open_spider() opens the database"
        sql = "select content_hash from articles where canonical_url = ?"
        row = next(self.db.query(sql, [canonical_url]), None)
        return row["content_hash"] if row else None

    def _stored_url_with(self, digest: str, site: str) -> str | None:
        """A stored story of ``site`` with this text."""
        assert self.db is not None, "open_spider() opens the database"
        row = next(self.db.query(STORED_WITH_HASH, [digest, site]), None)
        return row["canonical_url"] if row else None
