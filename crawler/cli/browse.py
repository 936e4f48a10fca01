"""``newsdesk show`` (one article in full) and ``newsdesk stats`` (what came in)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

import click
from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text
from sqlite_utils import Database

from crawler.cli.app import CONTEXT, about, db_option, fail, format_option, main
from crawler.cli.filters import site_option, when_callback
from crawler.cli.render import bar, buckets, console, sparkline, write_json
from crawler.urls import canonicalize
from store.browse import (
    Period,
    article_details,
    articles_per_day,
    articles_per_site,
    find_article_id,
    latest_runs,
)
from store.db import DatabaseError, open_db

METADATA = (
    ("id", "id"), ("site", "site"), ("canonical URL", "canonical_url"), ("fetched URL", "url"),
    ("published", "published"), ("modified", "modified"), ("authors", "authors"),
    ("section", "section"), ("tags", "tags"), ("language", "language"),
    ("words", "word_count"), ("image", "image"), ("version", "version"),
    ("first seen", "first_seen"), ("last seen", "last_seen"),
    ("content hash", "content_hash"), ("dateline", "dateline_source"),
)
# Characters of a site's sparkline: the days of a longer period are summed in runs.
SPARK_WIDTH = 40


def open_existing(db_path: str) -> Database:
    try:
        return open_db(db_path, create=False)
    except DatabaseError as exc:
        raise fail(str(exc)) from None


@main.command(context_settings=CONTEXT, short_help=about("show"))
@click.argument("ref", metavar="ID|URL")
@db_option
@format_option("text", "json", default="text")
@click.option("--html", "html", is_flag=True,
              help="Print the archived page (as fetched) instead of the article.")
def show(ref: str, db_path: str, fmt: str, html: bool) -> None:
    """Show one article in full: text, metadata, provenance, URLs, versions, duplicates,
    and the WARC record its page is archived in.

    ID|URL is the article's id (as `search` prints it) or any URL that led to it.
    --html prints the archived page itself (see `newsdesk crawl --archive`).

    Example: newsdesk show 14
    """
    db = open_existing(db_path)
    article_id = find_article_id(db, ref)
    if article_id is None and "://" in ref:
        article_id = next(
            (found for url in url_forms(ref) if (found := find_article_id(db, url)) is not None),
            None,
        )
    if article_id is None:
        raise fail(f"{db_path}: no article with id or URL {ref!r}")
    details = article_details(db, article_id)
    if html:
        click.echo(archived_page(details), nl=False)
    elif fmt == "json":
        write_json(details)
    else:
        console().print(article_view(details))


def url_forms(ref: str) -> list[str]:
    """The forms a URL may be stored under: canonical, over http and over https.

    >>> url_forms("https://www.example.com/a?utm_source=x")
    ['https://example.com/a', 'http://example.com/a']
    """
    canonical = canonicalize(ref)
    scheme, sep, rest = canonical.partition("://")
    other = {"http": "https", "https": "http"}.get(scheme)
    return [canonical] + ([f"{other}{sep}{rest}"] if other else [])


def archived_page(details: dict[str, Any]) -> bytes:
    """The archived page of an article, as fetched; a one-line error when there is none."""
    from crawler.warc import read_exchange

    record = details["archive"]
    if record is None:
        raise fail(f"article {details['article']['id']} has no archived page "
                   "(crawl with --archive DIR, or import a WARC)")  # fmt: skip
    try:
        return read_exchange(record["warc_file"], record["warc_offset"]).body
    except ValueError as exc:
        raise fail(str(exc)) from None


def archive_line(record: dict[str, Any] | None) -> str | None:
    """How `show` names an article's archived page.

    >>> archive_line({"warc_file": "/a/x.warc.gz", "warc_offset": 12, "warc_date": "D",
    ...               "current": 0})
    '/a/x.warc.gz @ 12 (D; an earlier text)'
    """
    if record is None:
        return None
    note = "" if record["current"] else "; an earlier text"
    return f"{record['warc_file']} @ {record['warc_offset']} ({record['warc_date']}{note})"


def article_view(details: dict[str, Any]) -> RenderableType:
    article = details["article"]
    meta = Table.grid(padding=(0, 2))
    meta.add_column(style="bold cyan", no_wrap=True)
    meta.add_column(overflow="fold")
    for label, column in METADATA:
        value = article.get(column)
        if isinstance(value, list):
            value = ", ".join(map(str, value))
        if value not in (None, "", []):
            meta.add_row(label, str(value))
    archived = archive_line(details.get("archive"))
    if archived:
        meta.add_row("archived", archived)
    paragraphs = (article["body"] or "").split("\n\n")
    body = [Padding(Text(p), (0, 0, 1, 0), expand=False) for p in paragraphs]
    parts: list[RenderableType] = [Text(article["title"], style="bold underline"), meta, Text()]
    if article.get("lead"):
        parts += [Padding(Text(article["lead"], style="italic"), (0, 0, 1, 0), expand=False)]
    parts += [*body, *related_sections(details)]
    return Group(*parts)


def related_sections(details: dict[str, Any]) -> list[RenderableType]:
    provenance = details["article"].get("provenance") or {}
    sources = [(field, str(source)) for field, source in dict(provenance).items()]
    urls = [(u["url"], u["first_seen"] or "") for u in details["urls"]]
    versions = [
        (str(v["version"]), v["title"], (v["published"] or "")[:10], v["replaced_at"] or "")
        for v in details["versions"]
    ]
    duplicates = [
        (link, str(d["id"]), d["title"], d["site"])
        for link, d in [("duplicate of", details["duplicate_of"])] if d
    ]
    duplicates += [("copy", str(d["id"]), d["title"], d["site"]) for d in details["duplicates"]]
    return [
        section("Provenance", ("field", "source"), sources, "not recorded"),
        section("Known URLs", ("url", "first seen"), urls, "none"),
        section("Earlier versions", ("version", "title", "published", "replaced"), versions,
                "none (the text never changed)"),
        section("Duplicates", ("link", "id", "title", "site"), duplicates, "none"),
    ]


def section(
    title: str, headers: tuple[str, ...], rows: Sequence[tuple[str, ...]], empty: str
) -> RenderableType:
    heading = Text(title, style="bold")
    if not rows:
        return Group(heading, Text(f"  {empty}", style="dim"), Text())
    table = Table(show_edge=False, box=None, padding=(0, 2, 0, 2))
    for header in headers:
        table.add_column(header, overflow="fold")
    for row in rows:
        table.add_row(*row)
    return Group(heading, table, Text())


@main.command(context_settings=CONTEXT, short_help=about("stats"))
@db_option
@site_option
@click.option("--days", default=30, show_default=True, type=click.IntRange(1, 3660),
              help="Length of the period, ending today (or --until).")
@click.option("--since", callback=when_callback(False), metavar="WHEN",
              help="First day of the period: 2026-11-01 or 30d (overrides --days).")
@click.option("--until", callback=when_callback(False), metavar="WHEN",
              help="Last day of the period [default: today].")
@click.option("--by", type=click.Choice(["published", "seen"]), default="published",
              show_default=True, help="Count articles by publication date or first-seen date.")
@format_option("table", "json", default="table")
def stats(db_path: str, sites: tuple[str, ...], days: int, since: str | None,
          until: str | None, by: str, fmt: str) -> None:
    """Articles per site and per day over a period, and the latest crawl run of each site.

    Example: newsdesk stats --days 14 --site demo
    """
    db = open_existing(db_path)
    last = date.fromisoformat(until[:10]) if until else datetime.now(UTC).date()
    first = date.fromisoformat(since[:10]) if since else last - timedelta(days=days - 1)
    if first > last:
        raise click.BadParameter(f"the period starts ({first}) after it ends ({last})")
    period = Period(first, last)
    report = stats_report(db, period, by, sites)
    if fmt == "json":
        write_json(report)
    else:
        console().print(stats_view(report, period))


def stats_report(db: Database, period: Period, by: str, sites: tuple[str, ...]) -> dict[str, Any]:
    per_day = articles_per_day(db, period, by, sites)
    stored = articles_per_site(db, sites)
    days = [d.isoformat() for d in period.days]
    return {
        "period": {"first": days[0], "last": days[-1], "by": by},
        "sites": [
            {"site": site, "in_period": sum(per_day.get(site, {}).values()),
             "stored": total, "per_day": per_day.get(site, {})}
            for site, total in sorted(stored.items())
        ],
        "days": [
            {"day": day, "total": sum(c.get(day, 0) for c in per_day.values()),
             **{site: c[day] for site, c in per_day.items() if day in c}}
            for day in days
        ],
        "runs": latest_runs(db, sites),
    }


def stats_view(report: dict[str, Any], period: Period) -> RenderableType:
    verb = "published" if report["period"]["by"] == "published" else "first seen"
    days = [d["day"] for d in report["days"]]
    sites = Table(title=f"Articles {verb} {days[0]} to {days[-1]} ({len(days)} days)",
                  title_justify="left")
    for name in ("site", "in period", "stored"):
        sites.add_column(name, justify="left" if name == "site" else "right")
    step = buckets([0] * len(days), SPARK_WIDTH)[1]
    unit = "day" if step == 1 else f"{step} days"
    sites.add_column(f"per {unit}", no_wrap=True)
    for row in report["sites"]:
        counts = buckets([row["per_day"].get(day, 0) for day in days], SPARK_WIDTH)[0]
        sites.add_row(row["site"], str(row["in_period"]), str(row["stored"]), sparkline(counts))
    return Group(sites, day_table(report), runs_view(report["runs"]))


def day_table(report: dict[str, Any]) -> RenderableType:
    active = [d for d in report["days"] if d["total"]]
    if not active:
        return Text("No articles in this period.", style="dim")
    top = max(d["total"] for d in active)
    table = Table(title="Days with articles", title_justify="left", box=None)
    table.add_column("day")
    table.add_column("articles", justify="right")
    table.add_column("", style="green")
    for row in active:
        table.add_row(row["day"], str(row["total"]), bar(row["total"], top))
    return table


def runs_view(runs: list[dict[str, Any]] | None) -> RenderableType:
    if not runs:
        return Text("Latest runs: no runs recorded.", style="dim")
    table = Table(title="Latest run per site", title_justify="left")
    for column in runs[0]:
        table.add_column(column.replace("_", " "))
    for run in runs:
        style = "" if run.get("status") in (None, "ok", "finished") else "bold red"
        table.add_row(*("" if v is None else str(v) for v in run.values()), style=style)
    return table
