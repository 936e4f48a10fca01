"""One article in full, and summaries of what the database holds."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlite_utils import Database

from store.archive import archive_of
from store.export import decode_json_columns
from store.query import Filters

RUN_COLUMNS = (
    "site",
    "started_at",
    "finished_at",
    "status",
    "pages_fetched",
    "articles_new",
    "articles_updated",
)
MAX_ID = 2**63 - 1  # SQLite's largest integer
MAX_ID_DIGITS = len(str(MAX_ID))
_ID = re.compile(r"[0-9]+")  # str.isdigit() and int() also take "²", "١٢", "１"
DATE_COLUMNS = {"published": "published", "seen": "first_seen"}


def article_id_of(ref: str) -> int | None:
    """``ref`` as an article id: ASCII digits within SQLite's integer range, else ``None``.

    >>> article_id_of(" 14 "), article_id_of("99999999999999999999"), article_id_of("\u0661\u0662")
    (14, None, None)
    >>> article_id_of("\u00b2"), article_id_of("-1"), article_id_of("1_000")
    (None, None, None)
    """
    text = ref.strip()
    if not _ID.fullmatch(text) or len(text) > MAX_ID_DIGITS:
        return None
    number = int(text)
    return number if number <= MAX_ID else None


def find_article_id(db: Database, ref: str) -> int | None:
    """The id of the article that ``ref`` names: an id, or any URL that led to it."""
    article_id = article_id_of(ref)
    if article_id is not None:
        row = next(db.query("select id from articles where id = ?", [article_id]), None)
        return row["id"] if row else None
    sql = """
        select article_id as id from article_urls where url = :ref
        union all
        select id from articles where canonical_url = :ref or url = :ref
        limit 1
    """
    row = next(db.query(sql, {"ref": ref.strip()}), None)
    return row["id"] if row else None


def article_details(db: Database, article_id: int) -> dict[str, Any]:
    """The article row (JSON columns decoded) with its URLs, versions, duplicates and the
    WARC record of its page (``None`` when not archived)."""
    article = decode_json_columns(db.table("articles").get(article_id))
    urls = db.query(
        "select url, first_seen from article_urls where article_id = ? order by first_seen, url",
        [article_id],
    )
    versions = db.query(
        "select version, title, published, modified, content_hash, replaced_at,"
        " length(body) as body_chars from article_versions"
        " where article_id = ? order by version",
        [article_id],
    )
    duplicates = db.query(
        "select id, site, title, canonical_url from articles where duplicate_of = ? order by id",
        [article_id],
    )
    original = db.query(
        "select id, site, title, canonical_url from articles where id = ?",
        [article.get("duplicate_of")],
    )
    return {
        "article": article,
        "urls": list(urls),
        "versions": list(versions),
        "duplicate_of": next(original, None),
        "duplicates": list(duplicates),
        "archive": archive_of(db, article_id),
    }


@dataclass(frozen=True)
class Period:
    """A span of whole days, ``first`` to ``last`` inclusive."""

    first: date
    last: date

    @property
    def days(self) -> list[date]:
        """Every day of the period.

        >>> [d.day for d in Period(date(2026, 11, 27), date(2026, 11, 29)).days]
        [27, 28, 29]
        """
        return [self.first + timedelta(days=n) for n in range((self.last - self.first).days + 1)]

    def filters(self, sites: tuple[str, ...] = ()) -> Filters:
        return Filters(
            sites=sites,
            since=self.first.isoformat(),
            until=(self.last + timedelta(days=1)).isoformat(),
        )


def articles_per_day(
    db: Database, period: Period, by: str = "published", sites: tuple[str, ...] = ()
) -> dict[str, dict[str, int]]:
    """``{site: {day: count}}`` of articles published (or first seen) in ``period``."""
    column = DATE_COLUMNS[by]
    condition, params = period.filters(sites).where(column)
    sql = f"""
        select site, substr({column}, 1, 10) as day, count(*) as n
        from articles where {condition}
        group by site, day order by site, day
    """
    counts: dict[str, dict[str, int]] = {}
    for row in db.query(sql, params):
        counts.setdefault(row["site"], {})[row["day"]] = row["n"]
    return counts


def articles_per_site(db: Database, sites: tuple[str, ...] = ()) -> dict[str, int]:
    """All stored articles per site (not only those of a period)."""
    condition, params = Filters(sites=sites).where()
    sql = f"select site, count(*) as n from articles where {condition} group by site"
    return {row["site"]: row["n"] for row in db.query(sql, params)}


def latest_runs(db: Database, sites: tuple[str, ...] = ()) -> list[dict[str, Any]] | None:
    """The latest ``crawl_runs`` row of each site, or ``None`` when runs are not recorded."""
    if "crawl_runs" not in db.table_names():
        return None
    available = db.table("crawl_runs").columns_dict
    columns = ", ".join(f"runs.{name}" for name in RUN_COLUMNS if name in available)
    sql = f"""
        select {columns} from crawl_runs as runs
        where runs.rowid = (
            select latest.rowid from crawl_runs as latest where latest.site = runs.site
            order by latest.started_at desc, latest.rowid desc limit 1)
    """
    params: dict[str, Any] = {}
    if sites:
        names = [f":site{i}" for i in range(len(sites))]
        sql += f" and runs.site in ({', '.join(names)})"
        params = {name[1:]: site for name, site in zip(names, sites, strict=True)}
    return list(db.query(sql + " order by runs.site", params))


def recent_runs(
    db: Database, site: str | None = None, limit: int = 20
) -> list[dict[str, Any]]:
    """The latest runs, newest first, optionally of one site."""
    if "crawl_runs" not in db.table_names():
        return []
    where, params = ("where site = :site", {"site": site}) if site else ("", {})
    sql = f"select * from crawl_runs {where} order by started_at desc, id desc limit :limit"
    return list(db.query(sql, {**params, "limit": limit}))
