"""Archive pointers: which WARC record holds the page an article was extracted from.

``article_archive`` has one row per article (file, offset and length of the response
record, its WARC-Date, the ``content_hash`` of the text extracted from it). The crawl's
archive extension and ``newsdesk import`` write them once the article is stored;
``newsdesk show`` and ``newsdesk reextract`` read them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlite_utils import Database

# The pointer is written only when the article holds the text extracted from the record.
_RECORD = """
    insert or replace into article_archive
      (article_id, content_hash, warc_file, warc_offset, warc_length, warc_date, archived_at)
    select id, content_hash, ?, ?, ?, ?, ?
    from articles where canonical_url = ? and content_hash = ?
"""
# ... and, replaying a journal, not over a pointer to another record of that text.
_KEEP_CURRENT = """ and not exists (
    select 1 from article_archive r
    where r.article_id = articles.id and r.content_hash = articles.content_hash)"""


@dataclass(frozen=True)
class Pointer:
    """An article (by canonical URL and text hash) and the record its page is in."""

    canonical_url: str
    content_hash: str
    warc_file: str
    warc_offset: int
    warc_length: int
    warc_date: str


def record_pointers(
    db: Database, pointers: list[Pointer], keep_current: bool = False
) -> list[Pointer]:
    """Write the pointers whose article is stored with that text; those not written (not
    stored yet, or with ``keep_current``, already pointing to a record of that text)."""
    now = datetime.now(UTC).isoformat(timespec="seconds")
    sql = _RECORD + _KEEP_CURRENT if keep_current else _RECORD
    waiting = []
    with db.atomic():
        for p in pointers:
            cursor = db.execute(
                sql,
                [p.warc_file, p.warc_offset, p.warc_length, p.warc_date, now,
                 p.canonical_url, p.content_hash],
            )  # fmt: skip
            if cursor.rowcount == 0:
                waiting.append(p)
    return waiting


def pointed_folders(db: Database) -> set[Path]:
    """The folders of the WARC files the database points into."""
    files = db.query("select distinct warc_file from article_archive")
    return {Path(row["warc_file"]).parent for row in files}


def archive_of(db: Database, article_id: int) -> dict[str, Any] | None:
    """The archive row of an article, with ``current``: whether it holds the stored text."""
    sql = """select r.*, r.content_hash = a.content_hash as current
             from article_archive r join articles a on a.id = r.article_id
             where r.article_id = ?"""
    return next(db.query(sql, [article_id]), None)


def archived(
    db: Database, site: str | None = None, since: str | None = None, batch: int = 500
) -> Iterator[dict[str, Any]]:
    """Archived articles (id, site, canonical URL, file, offset, date) by id, read ``batch``
    at a time so the caller may write between them. ``since``: only records fetched on or
    after that date (``warc_date``, ISO 8601)."""
    sql = """select a.id, a.site, a.canonical_url, r.warc_file, r.warc_offset, r.warc_date
             from article_archive r join articles a on a.id = r.article_id
             where a.id > :after and (:site is null or a.site = :site)
               and (:since is null or r.warc_date >= :since)
             order by a.id limit :batch"""
    after = 0
    while True:
        rows = list(db.query(sql, {"site": site, "since": since, "after": after, "batch": batch}))
        yield from rows
        if len(rows) < batch:
            return
        after = rows[-1]["id"]
