"""What the store knows about a URL that a page names as its ``rel=canonical``.

A page's canonical is a claim: "I am the story stored under that URL". The dedup
pipeline weighs it against the story stored there (:func:`stored_story`): a page with
other text is that story's revision only when it was fetched from one of the story's
own URLs (:func:`is_url_of`); otherwise it is another story and keeps its own URL.
When a story's own page comes after a page that claimed its URL, the claimant's row
is moved to the URL it was fetched from (:func:`move_aside`, in the store's write
transaction), and the story is stored under its own URL.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlite_utils import Database

from crawler.urls import canonicalize
from store.minhash import Signature, decode

REJECTED = "canonical_rejected"  # provenance key: the canonical not taken, and why


@dataclass(frozen=True)
class StoredStory:
    """The article stored under a canonical URL: its id, text hash, the URL it was fetched
    from, and its MinHash signature (``None`` for a body too short to sign)."""

    id: int
    content_hash: str
    fetched_url: str
    signature: Signature | None


def stored_story(db: Database, canonical_url: str) -> StoredStory | None:
    """The story stored under ``canonical_url``, if any."""
    sql = """select a.id, a.content_hash, a.url, m.signature from articles a
             left join article_minhash m on m.article_id = a.id where a.canonical_url = ?"""
    row = db.execute(sql, [canonical_url]).fetchone()
    if row is None:
        return None
    return StoredStory(row[0], row[1], row[2], decode(row[3]) if row[3] is not None else None)


def is_url_of(db: Database, urls: list[str], article_id: int) -> bool:
    """Whether any of ``urls`` already led to the article (``article_urls``)."""
    marks = ", ".join("?" * len(urls))
    sql = f"select 1 from article_urls where article_id = ? and url in ({marks}) limit 1"
    return db.execute(sql, [article_id, *urls]).fetchone() is not None


def move_aside(db: Database, canonical_url: str) -> str | None:
    """Move the row stored under ``canonical_url`` to the URL it was fetched from, because
    the page of ``canonical_url`` itself has come with another story. The new key, or
    ``None`` when there is nothing to move (no row, fetched from that URL, or its own URL
    is taken by another story)."""
    row = db.execute(
        "select id, url, provenance from articles where canonical_url = ?", [canonical_url]
    ).fetchone()
    if row is None or (own := canonicalize(row[1])) == canonical_url:
        return None
    if db.execute("select 1 from articles where canonical_url = ?", [own]).fetchone():
        return None
    provenance = json.loads(row[2] or "{}")
    provenance[REJECTED] = f"{canonical_url}: its own page has another story"
    db.execute(
        "update articles set canonical_url = ?, provenance = ? where id = ?",
        [own, json.dumps(provenance, ensure_ascii=False), row[0]],
    )
    db.execute("delete from article_urls where url = ? and article_id = ?", [canonical_url, row[0]])
    return own
