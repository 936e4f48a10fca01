"""Writing articles: new stories inserted, changed ones versioned, every URL that led to one.

Called by the store pipeline inside its write transaction. A new story is
inserted; a stored story whose text changed is updated, its version bumped and
its previous text kept in ``article_versions``. Every URL that led to a story is
kept in ``article_urls``, and the article's MinHash signature and bands are
written beside it (:mod:`store.minhash`).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from functools import cache
from typing import Any

from sqlite_utils import Database

from crawler.fields import STORED_COLUMNS, STORED_JSON_COLUMNS, VERSIONED_COLUMNS
from store import claims, minhash


class Outcome:
    """What writing one article did; several may hold (a new story that is a late copy)."""

    NEW = "new"
    UPDATED = "updated"
    NEAR_DUPLICATE_LATE = "near_duplicate_late"


def article_row(item: dict[str, Any]) -> dict[str, Any]:
    """The ``articles`` columns for an item (lists and provenance as JSON).

    >>> row = article_row({"canonical_url": "https://x.test/a", "body": "One two three",
    ...                    "authors": ["Ann Lee"], "fetched_at": "2026-01-02T03:04:05+00:00"})
    >>> row["authors"], row["word_count"], row["last_seen"]
    ('["Ann Lee"]', 3, '2026-01-02T03:04:05+00:00')
    """
    row = {column: item.get(column) for column in STORED_COLUMNS}
    for column in STORED_JSON_COLUMNS:
        row[column] = json.dumps(
            item.get(column) or ([] if column != "provenance" else {}), ensure_ascii=False
        )
    row["word_count"] = len((item.get("body") or "").split())
    row["last_seen"] = item.get("fetched_at") or datetime.now(UTC).isoformat(timespec="seconds")
    return row


def write_article(
    db: Database, item: dict[str, Any], near_threshold: float, others_wrote: bool = True
) -> list[str]:
    """Insert or update one article in the open transaction; the outcomes, in order.

    ``others_wrote``: whether another connection may have stored articles since the
    near-duplicate pipeline looked at this item; only then is it looked up again among
    the stored ones (:func:`store.minhash.late_duplicate_of`).
    """
    outcomes: list[str] = []
    row = article_row(item)
    row["duplicate_of"] = minhash.resolve_duplicate_of(db, item.get("duplicate_of"))
    if row["duplicate_of"] is None and others_wrote:
        row["duplicate_of"] = minhash.late_duplicate_of(db, item, near_threshold)
        if row["duplicate_of"] is not None:
            outcomes.append(Outcome.NEAR_DUPLICATE_LATE)
    if item.get("displaces"):
        claims.move_aside(db, row["canonical_url"])
    sql = "select * from articles where canonical_url = ?"
    existing = next(db.query(sql, [row["canonical_url"]]), None)
    if existing is None:
        row.update(first_seen=row["last_seen"], version=1)
        article_id = _insert("articles", row, db)
        outcomes.append(Outcome.NEW)
    else:
        article_id = existing["id"]
        _keep_version(db, existing, row["last_seen"])
        db.table("articles").update(article_id, {**row, "version": existing["version"] + 1})
        outcomes.append(Outcome.UPDATED)
    minhash.store_signature(db, article_id, item.get("minhash"))
    urls = {item["url"], row["canonical_url"], *(item.get("redirected_from") or [])}
    db.conn.executemany(
        "insert or ignore into article_urls (url, article_id, first_seen) values (?, ?, ?)",
        [(url, article_id, row["last_seen"]) for url in urls],
    )
    return outcomes


def _insert(table: str, row: dict[str, Any], db: Database) -> int:
    """Insert ``row``; its id. The SQL text depends only on the columns, so SQLite's
    prepared statement is reused from one article to the next (sqlite-utils' ``insert``
    builds and inspects anew each time, four times the cost)."""
    cursor = db.conn.execute(_insert_sql(table, tuple(row)), list(row.values()))
    return int(cursor.lastrowid or 0)


@cache
def _insert_sql(table: str, columns: tuple[str, ...]) -> str:
    """
    >>> _insert_sql("articles", ("title", "body"))
    'insert into [articles] ([title], [body]) values (?, ?)'
    """
    names = ", ".join(f"[{column}]" for column in columns)
    return f"insert into [{table}] ({names}) values ({', '.join('?' * len(columns))})"


def _keep_version(db: Database, existing: dict[str, Any], replaced_at: str) -> None:
    version = {column: existing[column] for column in VERSIONED_COLUMNS}
    db.table("article_versions").insert(
        {**version, "article_id": existing["id"], "version": existing["version"],
         "replaced_at": replaced_at}  # fmt: skip
    )
