"""Re-extraction: the current extraction run over archived pages, without fetching again.

For each archived article (``article_archive``), the WARC record is read and turned
into an article by :func:`~crawler.extract.article.build_article` with the site's
current declaration; where a field differs from the stored one, the article is written
as a new version (the old text kept in ``article_versions``), its provenance naming the
record. Unchanged articles write nothing. Articles are read a batch at a time and
written one transaction each, so memory does not grow with the archive.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlite_utils import Database

from crawler.extract.article import Refused, SiteExtractors, build_article
from crawler.fields import GENERIC, STORED_JSON_COLUMNS
from crawler.items import Article
from crawler.sites import Site
from crawler.warc import read_exchange, response_of
from pipelines.dedup import content_hash
from pipelines.validate import MISSING
from store.archive import archived
from store.articles import article_row, write_article
from store.db import write_transaction
from store.minhash import DEFAULT_THRESHOLD, encode, signature

COMPARED = (*GENERIC, "dateline_source")  # what extraction decides about a page


@dataclass(frozen=True)
class Change:
    """One field of one article that the current extraction reads differently."""

    article_id: int
    url: str
    field: str
    old: Any
    new: Any


@dataclass
class Outcome:
    """What a re-extraction did to one article: its changes, or why it was not re-extracted."""

    article_id: int
    url: str
    changes: list[Change] = field(default_factory=list)
    failure: str = ""


def changes(article_id: int, stored: dict[str, Any], fresh: dict[str, Any]) -> list[Change]:
    """The compared fields whose stored and freshly extracted values differ (JSON decoded).

    >>> [c.field for c in changes(1, {"url": "u", "title": "A", "tags": "[]"},
    ...                           {"title": "B", "tags": "[]"})]
    ['title']
    """
    found = []
    for name in COMPARED:
        old, new = stored.get(name), fresh.get(name)
        if name in STORED_JSON_COLUMNS:
            old, new = json.loads(old or "[]"), json.loads(new or "[]")
        if (old or None) != (new or None):
            found.append(Change(article_id, stored["url"], name, old, new))
    return found


class Reextractor:
    """Re-extracts archived articles of a database with the given sites' declarations."""

    def __init__(self, db: Database, sites: dict[str, Site], dry_run: bool = False) -> None:
        self.db = db
        self.sites = sites
        self.dry_run = dry_run
        self.extractors = SiteExtractors()

    def run(self, site: str | None = None, since: str | None = None) -> Iterator[Outcome]:
        """An outcome per archived article (of ``site``, fetched since ``since``)."""
        for row in archived(self.db, site, since):
            yield self.one(row)

    def one(self, row: dict[str, Any]) -> Outcome:
        outcome = Outcome(row["id"], row["canonical_url"])
        try:
            article = self._extract(row)
        except (ValueError, Refused) as exc:
            outcome.failure = str(exc)
            return outcome
        stored = self.db.table("articles").get(row["id"])
        outcome.changes = changes(row["id"], stored, article_row(dict(article)))
        if outcome.changes and not self.dry_run:
            self._write(article, stored, row)
        return outcome

    def _extract(self, row: dict[str, Any]) -> Article:
        response = response_of(read_exchange(row["warc_file"], row["warc_offset"]))
        site = self.sites.get(row["site"])
        article = build_article(response, site, self.extractors(site))
        for name, reason in MISSING.items():
            if not str(article.get(name) or "").strip():
                raise Refused(reason, f"no {name} extracted from the archived page")
        return article

    def _write(self, article: Article, stored: dict[str, Any], row: dict[str, Any]) -> None:
        item = dict(article)
        sig = signature(item["body"])
        item.update(
            canonical_url=stored["canonical_url"],  # the same story, whatever the page says now
            content_hash=content_hash(item["body"]),
            minhash=encode(sig) if sig is not None else None,
            duplicate_of=stored["duplicate_of"],
        )
        item["provenance"] = {**item["provenance"], "archive": archive_note(row)}
        with write_transaction(self.db):
            write_article(self.db, item, DEFAULT_THRESHOLD)
            self.db.execute(
                "update article_archive set content_hash = ? where article_id = ?",
                [item["content_hash"], row["id"]],
            )


def archive_note(row: dict[str, Any]) -> str:
    """The provenance of a re-extracted article: the record it was re-extracted from.

    >>> archive_note({"warc_file": "/a/x.warc.gz", "warc_offset": 7, "warc_date": "2026-01-02"})
    'reextracted from /a/x.warc.gz@7 (fetched 2026-01-02)'
    """
    return f"reextracted from {row['warc_file']}@{row['warc_offset']} (fetched {row['warc_date']})"
