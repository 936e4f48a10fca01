"""Deduplication against this run and every earlier run stored in the database.

A story is known by its canonical URL and by the hash of its text. A page is
dropped when its canonical URL was already seen in this run, when the stored
story at that URL has the same text (``unchanged``), or when another story of
the same site has the same text (``duplicate_content``: one story reachable by
two URLs). The same text on another site is a copy (wire copy, a syndicated
press release): it passes on, to be stored as that site's page and linked to
the first copy by the near-duplicate stage. A stored story whose text changed
passes on, and the store keeps the old text as a version.

A page's ``rel=canonical`` is weighed here, where the stored stories are in view
(:mod:`store.claims`): a page naming a story seen in this run or stored with other
text keeps its own URL (``provenance.canonical_rejected``), unless it was fetched
from one of that story's URLs (a revision seen through an alias). A story's own page
that comes after another page claimed its URL, with text unlike that page's (MinHash
below the near-duplicate threshold), takes its URL back: ``displaces`` asks the store
to move the claimant to the URL it was fetched from.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import UTC, datetime
from typing import Any, Self

from itemadapter import ItemAdapter
from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector
from sqlite_utils import Database

from crawler import stats as keys
from crawler.stats import Reason, drop
from crawler.urls import canonicalize
from store import database_path
from store.claims import REJECTED, is_url_of, stored_story
from store.db import open_db
from store.minhash import DEFAULT_THRESHOLD, Signature, signature, similarity, words

logger = logging.getLogger(__name__)

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
    # The words joined by one space: what replacing each run of non-word characters by a
    # space gives, stripped.
    return hashlib.sha256(" ".join(words(body.casefold())).encode("utf-8")).hexdigest()


class DedupPipeline:
    """Drops duplicates; sets ``content_hash`` on the items it lets through."""

    def __init__(
        self,
        db_path: str,
        stats: StatsCollector | None = None,
        near_threshold: float = DEFAULT_THRESHOLD,
    ) -> None:
        self.db_path = db_path
        self.stats = stats
        self.near_threshold = near_threshold
        self.db: Database | None = None
        self.run_urls: dict[str, str] = {}  # canonical URL -> text hash, this run
        # canonical URL -> (URL fetched, its signature) of a page of this run that claimed it
        self.run_claims: dict[str, tuple[str, Signature | None]] = {}
        self.run_hashes: dict[tuple[str, str], str] = {}  # (site, text hash) -> canonical URL
        self.aliases: dict[str, str] = {}  # URL -> canonical URL of the story it led to

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        threshold = settings.getfloat("NEWSDESK_DEDUP_NEAR_THRESHOLD", DEFAULT_THRESHOLD)
        return cls(database_path(settings.get("NEWSDESK_DB_PATH")), crawler.stats, threshold)

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
        digest = content_hash(adapter["body"])
        url = self._judge_canonical(adapter, digest)
        fetched, site = adapter["url"], adapter["site"]
        if url in self.run_urls and not adapter.get("displaces"):
            self._aliases(adapter, url)
            detail = f"{fetched} is {url}, already seen in this run"
            raise drop(self.stats, Reason.DUPLICATE_URL, detail)
        if (site, digest) in self.run_hashes:
            first = self.run_hashes[site, digest]
            self._aliases(adapter, first)
            raise drop(self.stats, Reason.DUPLICATE_CONTENT, f"{fetched} has the text of {first}")
        self.run_urls[url] = digest
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

    def _judge_canonical(self, adapter: ItemAdapter, digest: str) -> str:
        """The URL to key the page by: its canonical, unless that names another story."""
        claimed, own = adapter["canonical_url"], canonicalize(adapter["url"])
        if claimed == own:
            if self._displaces(claimed, adapter["body"], digest):
                adapter["displaces"] = True
                if (claim := self.run_claims.pop(claimed, None)) is not None:
                    self.run_urls[claim[0]] = self.run_urls.pop(claimed)
                logger.info("%s takes its URL back from a page that claimed it", claimed)
            return str(claimed)
        why = self._conflict(claimed, [adapter["url"], own], digest)
        if why is None:
            if claimed not in self.run_urls:
                self.run_claims[claimed] = (own, signature(adapter["body"]))
            return str(claimed)
        adapter["canonical_url"] = own
        adapter.setdefault("provenance", {})[REJECTED] = f"{claimed}: {why}"
        if self.stats is not None:
            self.stats.inc_value(keys.CANONICAL_REJECTED)
        logger.info("Canonical of %s not taken: %s %s", adapter["url"], claimed, why)
        return own

    def _conflict(self, claimed: str, fetched: list[str], digest: str) -> str | None:
        """Why ``claimed`` is not the page's story (text hash ``digest``), or ``None``."""
        seen = self.run_urls.get(claimed)
        if seen is not None:
            return None if seen == digest else "names another story of this run"
        assert self.db is not None, "open_spider() opens the database"
        story = stored_story(self.db, claimed)
        if story is None or story.content_hash == digest or is_url_of(self.db, fetched, story.id):
            return None
        return "names a stored story with other text"

    def _displaces(self, url: str, body: str, digest: str) -> bool:
        """Whether the story's own page comes after another page that claimed its URL
        with text unlike this page's."""
        assert self.db is not None, "open_spider() opens the database"
        if url in self.run_urls:
            claim = self.run_claims.get(url)
            if claim is None or self.run_urls[url] == digest:
                return False
            claimant_signature = claim[1]
        else:
            story = stored_story(self.db, url)
            if story is None or story.content_hash == digest:
                return False
            if canonicalize(story.fetched_url) == url:
                return False
            claimant_signature = story.signature
        return self._unlike(body, claimant_signature)

    def _unlike(self, body: str, other: Signature | None) -> bool:
        mine = signature(body)
        if mine is None or other is None:
            return False  # too short to tell: a revision, as before
        return similarity(mine, other) < self.near_threshold

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
