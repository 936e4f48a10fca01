"""Near-duplicates: the same story republished with another headline, header, footer or ending.

The pipeline signs every article body (:mod:`store.minhash`) and looks for an
earlier copy among the stored articles sharing an LSH band, and among this
run's items that the store has not written yet (a small in-memory band map).

A near-duplicate is still stored (it is a real page of its site); its
``duplicate_of`` names the first-seen copy: the stored article's id, or the
canonical URL of a copy from this run that the store resolves to an id.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any, Self

from itemadapter import ItemAdapter
from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector
from sqlite_utils import Database

from crawler import stats as keys
from store import database_path
from store.db import open_db
from store.minhash import (
    DEFAULT_THRESHOLD,
    BandKey,
    Copy,
    Signature,
    band_keys,
    best_copy,
    encode,
    signature,
    stored_candidates,
    stored_signatures,
)

logger = logging.getLogger(__name__)
# How often (in items) the in-memory map forgets the items the store has written.
FORGET_EVERY = 64


class RunIndex:
    """Band map of this run's articles until the store has written them."""

    def __init__(self) -> None:
        self.copies: dict[str, tuple[Copy, list[BandKey]]] = {}
        self.bands: dict[BandKey, list[str]] = {}

    def __len__(self) -> int:
        return len(self.copies)

    def add(self, copy: Copy, keys: list[BandKey]) -> None:
        self.forget([copy.url])
        self.copies[copy.url] = (copy, keys)
        for key in keys:
            self.bands.setdefault(key, []).append(copy.url)

    def candidates(self, keys: Iterable[BandKey]) -> list[Copy]:
        urls = {url for key in keys for url in self.bands.get(key, ())}
        return [self.copies[url][0] for url in urls]

    def forget(self, urls: Iterable[str]) -> None:
        for url in urls:
            _, keys = self.copies.pop(url, (None, []))
            for key in keys:
                holders = self.bands[key]
                holders.remove(url)
                if not holders:
                    del self.bands[key]


class NearDupPipeline:
    """Sets ``minhash`` on every item, and ``duplicate_of`` on near-duplicates."""

    def __init__(
        self,
        db_path: str,
        threshold: float = DEFAULT_THRESHOLD,
        stats: StatsCollector | None = None,
    ) -> None:
        if not 0 < threshold <= 1:
            raise ValueError(
                f"NEWSDESK_DEDUP_NEAR_THRESHOLD must be in (0, 1], got {threshold}"
            )
        self.db_path = db_path
        self.threshold = threshold
        self.stats = stats
        self.db: Database | None = None
        self.run = RunIndex()
        self.seen = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        threshold = settings.getfloat("NEWSDESK_DEDUP_NEAR_THRESHOLD", DEFAULT_THRESHOLD)
        return cls(database_path(settings.get("NEWSDESK_DB_PATH")), threshold, crawler.stats)

    def open_spider(self) -> None:
        self.db = open_db(self.db_path)

    def close_spider(self) -> None:
        if self.db is not None:
            self.db.close()

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        sig = signature(adapter.get("body") or "")
        if sig is None:
            return item
        url = adapter["canonical_url"]
        bands = band_keys(sig)
        match = self.first_copy(url, sig, bands)
        root: int | str = url
        if match is not None:
            copy, score = match
            root = copy.root
            adapter["duplicate_of"] = root
            self._count(keys.NEAR_DUPLICATES)
            logger.info("Near-duplicate: %s is %.2f like %s", url, score, copy.url)
        adapter["minhash"] = encode(sig)
        self._remember(Copy(url, sig, root), bands)
        return item

    def first_copy(
        self, url: str, sig: Signature, keys: list[BandKey]
    ) -> tuple[Copy, float] | None:
        """The most similar earlier copy at or above the threshold, with its similarity."""
        assert self.db is not None, "open_spider() opens the database"
        copies = [*stored_candidates(self.db, keys), *self.run.candidates(keys)]
        return best_copy(url, sig, copies, self.threshold)

    def _remember(self, copy: Copy, keys: list[BandKey]) -> None:
        self.run.add(copy, keys)
        self.seen += 1
        if self.seen % FORGET_EVERY == 0:
            self.run.forget(self._written())

    def _written(self) -> list[str]:
        """URLs of this run's copies that the store has written with their signature."""
        assert self.db is not None, "open_spider() opens the database"
        return [
            url
            for url, stored in stored_signatures(self.db, list(self.run.copies))
            if stored == self.run.copies[url][0].signature.astype("<u4").tobytes()
        ]

    def _count(self, what: str) -> None:
        if self.stats is not None:
            self.stats.inc_value(what)
