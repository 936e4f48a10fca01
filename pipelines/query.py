"""Reading the article database: full-text search and summaries."""

from __future__ import annotations

import re
from typing import Any

from sqlite_utils import Database

_WORD = re.compile(r"\w+")


class QueryError(ValueError):
    """A search the database cannot run; the message says why."""


def fts_query(text: str) -> str:
    """Turn what a user typed into a safe FTS5 query: every word must appear.

    Punctuation and FTS operators in the input are treated as plain text.

    >>> fts_query('European "Security" Treaty')
    '"European" "Security" "Treaty"'
    >>> fts_query("'; DROP TABLE articles; --")
    '"DROP" "TABLE" "articles"'
    """
    words = _WORD.findall(text)
    if not words:
        raise QueryError(f"nothing to search for in {text!r}")
    return " ".join(f'"{word}"' for word in words)


def search(db: Database, text: str, limit: int = 10) -> list[dict[str, Any]]:
    """Articles matching ``text``, best first (BM25), with a highlighted snippet."""
    sql = """
        select articles.id, articles.site, articles.title, articles.published,
               articles.canonical_url,
               snippet(articles_fts, 2, '[', ']', '…', 16) as snippet
        from articles_fts join articles on articles.id = articles_fts.rowid
        where articles_fts match :query
        order by bm25(articles_fts)
        limit :limit
    """
    return list(db.query(sql, {"query": fts_query(text), "limit": limit}))


def count_by_site(db: Database) -> list[dict[str, Any]]:
    """Number of stored articles per site."""
    sql = "select site, count(*) as articles from articles group by site order by site"
    return list(db.query(sql))


def latest(db: Database, site: str | None = None, limit: int = 5) -> list[dict[str, Any]]:
    """The most recently published articles, optionally of one site."""
    sql = "select id, site, title, published from articles"
    params: dict[str, Any] = {"limit": limit}
    if site:
        sql += " where site = :site"
        params["site"] = site
    return list(db.query(sql + " order by published desc limit :limit", params))
