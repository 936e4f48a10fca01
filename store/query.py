"""Reading the article database: filters, full-text search and summaries.

User input reaches SQL only as parameters; the SQL text is built from fixed
fragments.
"""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlite_utils import Database

from store.fts import QueryError, QuerySyntaxError, fts_query

__all__ = [
    "Filters",
    "QueryError",
    "QuerySyntaxError",
    "count_by_site",
    "fts_query",
    "latest",
    "parse_when",
    "search",
]

_AGE = re.compile(r"^\s*(\d+)\s*([hdw])\s*$", re.IGNORECASE)
_AGE_UNITS = {"h": "hours", "d": "days", "w": "weeks"}
# Weights of the FTS columns (title, lead, body) for BM25: a title match counts most.
BM25_WEIGHTS = (10.0, 3.0, 1.0)
HIGHLIGHT = ("[", "]")
SNIPPET_CHARS = 20_000  # of each body, for its snippet (the whole text is searched)
SNIPPET_WORDS = 16


def _utc_text(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def parse_when(text: str, now: datetime | None = None, end: bool = False) -> str:
    """A point in time as ISO 8601 text (UTC), comparable with stored dates.

    Accepts a date, a date and time, or an age (``12h``, ``7d``, ``2w``) before
    ``now``. With ``end``, a bare date means the end of that day (the bound is
    exclusive, so the next day's start).

    >>> now = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
    >>> parse_when("7d", now)
    '2026-11-21T12:00:00+00:00'
    >>> parse_when("2026-11-01"), parse_when("2026-11-01", end=True)
    ('2026-11-01', '2026-11-02')
    >>> parse_when("2026-11-01T10:00+01:00")
    '2026-11-01T09:00:00+00:00'
    >>> parse_when("last tuesday")
    Traceback (most recent call last):
    ...
    store.fts.QueryError: cannot read 'last tuesday' as a time: use a date (2026-11-01), \
a date and time (2026-11-01T08:00), or an age (12h, 7d, 2w)
    """
    if age := _AGE.match(text):
        count, unit = int(age[1]), _AGE_UNITS[age[2].lower()]
        try:
            return _utc_text((now or datetime.now(UTC)) - timedelta(**{unit: count}))
        except OverflowError:
            raise QueryError(f"{text!r} reaches back before the year 1") from None
    try:
        if len(text.strip()) == 10:
            day = date.fromisoformat(text.strip())
            return (day + timedelta(days=1) if end else day).isoformat()
        moment = datetime.fromisoformat(text.strip())
    except (ValueError, OverflowError):  # OverflowError: the day after 9999-12-31
        raise QueryError(
            f"cannot read {text!r} as a time: use a date (2026-11-01), "
            "a date and time (2026-11-01T08:00), or an age (12h, 7d, 2w)"
        ) from None
    return _utc_text(moment if moment.tzinfo else moment.replace(tzinfo=UTC))


def _escape_like(text: str) -> str:
    r"""``text`` with LIKE wildcards escaped (escape character ``\``).

    >>> _escape_like("50%_off")
    '50\\%\\_off'
    """
    return re.sub(r"([\\%_])", r"\\\1", text)


@dataclass(frozen=True)
class Filters:
    """Which articles a search, export or summary covers.

    ``since`` (inclusive) and ``until`` (exclusive) are ISO 8601 texts, as
    :func:`parse_when` returns them; ``author`` matches part of any author's
    name, ``language`` a language code or its region variants (``en``, ``en-GB``).
    """

    sites: tuple[str, ...] = ()
    since: str | None = None
    until: str | None = None
    author: str | None = None
    language: str | None = None

    def where(self, date_column: str = "published") -> tuple[str, dict[str, Any]]:
        """An SQL condition on table ``articles`` and its parameters.

        >>> Filters(sites=("demo",), since="2026-11-01").where()
        ('articles.site in (:site0) and articles.published >= :since', \
{'site0': 'demo', 'since': '2026-11-01'})
        >>> Filters().where()
        ('1', {})
        """
        if date_column not in ("published", "first_seen", "last_seen"):
            raise ValueError(f"cannot filter on {date_column!r}")
        clauses: list[str] = []
        params: dict[str, Any] = {}
        if self.sites:
            names = [f":site{i}" for i in range(len(self.sites))]
            clauses.append(f"articles.site in ({', '.join(names)})")
            params.update({name[1:]: site for name, site in zip(names, self.sites, strict=True)})
        if self.since:
            clauses.append(f"articles.{date_column} >= :since")
            params["since"] = self.since
        if self.until:
            clauses.append(f"articles.{date_column} < :until")
            params["until"] = self.until
        if self.author:
            clauses.append(
                "exists (select 1 from json_each(articles.authors)"
                " where json_each.value like :author escape '\\')"
            )
            params["author"] = f"%{_escape_like(self.author)}%"
        if self.language:
            clauses.append(
                "(lower(articles.language) = lower(:language)"
                " or lower(articles.language) like lower(:language_variant) escape '\\')"
            )
            params["language"] = self.language
            params["language_variant"] = _escape_like(self.language) + "-%"
        return " and ".join(clauses) or "1", params


def search(
    db: Database,
    text: str,
    limit: int = 10,
    filters: Filters | None = None,
    highlight: tuple[str, str] = HIGHLIGHT,
    ranked: int = 0,
) -> list[dict[str, Any]]:
    """Articles matching ``text``, best first (BM25), with a highlighted snippet.

    Ranking reads every match, so a word found in most articles would cost its time in
    proportion to the database: only the ``ranked`` (default :data:`RANKED_MATCHES`) most
    recently stored matches (that pass the filters) are ranked. Snippets are made for the
    returned rows only, from the first :data:`SNIPPET_CHARS` characters of each text
    (:func:`snippets`).
    Raises :class:`QuerySyntaxError` for search text that is not valid syntax.
    """
    query = fts_query(text)
    condition, params = (filters or Filters()).where()
    params.update(query=query, limit=limit)
    try:
        params["ranked"] = ranked or RANKED_MATCHES
        rows = list(db.query(_ranked_sql(condition), params))
        found = snippets(db, [row["id"] for row in rows], query, highlight)
    except sqlite3.OperationalError as exc:
        raise QuerySyntaxError(f"cannot search for {text!r}: {exc}") from None
    return [_with_snippet(row, found.get(row["id"], "")) for row in rows]


# Matches ranked per search, the most recently stored first (what a reader of news wants
# among thousands of equally good matches); stated in `newsdesk search --help`.
RANKED_MATCHES = 5_000


def _matches(condition: str) -> str:
    """The FTS table, joined with ``articles`` only when a filter needs its columns."""
    if condition == "1":
        return "from articles_fts"
    return "from articles_fts join articles on articles.id = articles_fts.rowid"


def _ranked_sql(condition: str) -> str:
    """The best ``:limit`` of the ``:ranked`` newest matches. Walking the matches newest
    first stops after ``:ranked`` of them, so BM25 is computed for those alone; the
    article columns are read for the returned rows only."""
    weights = ", ".join(map(str, BM25_WEIGHTS))
    return f"""
        select articles.id, articles.site, articles.title, articles.published,
               articles.authors, articles.language, articles.canonical_url, best.rank
        from (
            select id, rank from (
                select articles_fts.rowid as id, bm25(articles_fts, {weights}) as rank
                {_matches(condition)}
                where articles_fts match :query and {condition}
                order by articles_fts.rowid desc limit :ranked
            ) order by rank limit :limit
        ) as best join articles on articles.id = best.id
        order by best.rank
    """


def _with_snippet(row: dict[str, Any], snippet: str) -> dict[str, Any]:
    rank = row.pop("rank")
    return {**row, "snippet": snippet, "rank": rank}


def snippets(
    db: Database, ids: list[int], query: str, highlight: tuple[str, str] = HIGHLIGHT
) -> dict[int, str]:
    """Highlighted snippets of the articles ``ids`` for an FTS5 ``query``.

    FTS5's ``snippet()`` reads the whole text of a row: for a huge article that is
    seconds. So the title, lead and the first :data:`SNIPPET_CHARS` characters of
    the body of these rows alone are indexed in a temporary table, and the snippet
    comes from there; an article that matches only further on shows its first words.
    """
    if not ids:
        return {}
    db.execute(
        "create virtual table if not exists temp.snippet_text "
        "using fts5(title, lead, body, tokenize='porter')"
    )
    try:
        db.execute("delete from temp.snippet_text")
        db.execute(
            "insert into temp.snippet_text (rowid, title, lead, body) "
            "select id, title, lead, substr(body, 1, :chars) from articles "
            "where id in (select value from json_each(:ids))",
            {"chars": SNIPPET_CHARS, "ids": json.dumps(ids)},
        )
        found = {
            row["rowid"]: row["snippet"]
            for row in db.query(
                "select rowid, snippet(snippet_text, -1, :open, :close, '…', 16) as snippet "
                "from temp.snippet_text where snippet_text match :query",
                {"query": query, "open": highlight[0], "close": highlight[1]},
            )
        }
        for row in db.query("select rowid, body from temp.snippet_text"):
            found.setdefault(row["rowid"], leading_words(row["body"] or ""))
    finally:
        db.conn.commit()  # the temporary rows need no keeping; end the read transaction
    return found


def leading_words(text: str, count: int = SNIPPET_WORDS) -> str:
    """The first ``count`` words of ``text``, as a snippet.

    >>> leading_words("One two three four", 3), leading_words("One two", 3)
    ('One two three…', 'One two')
    """
    words = text[: count * 40].split()
    return " ".join(words[:count]) + ("…" if len(words) > count else "")


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
