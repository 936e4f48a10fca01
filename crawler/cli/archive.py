"""``newsdesk import`` (articles from WARC files) and ``newsdesk reextract`` (archived pages
extracted again with the current declarations)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import click

from crawler.cli.app import (
    CONTEXT,
    about,
    complete_site,
    db_option,
    fail,
    format_option,
    main,
    sites_dir_option,
)
from crawler.cli.crawl import _declared, crawl_settings, echo_results
from crawler.cli.filters import when_callback
from store.db import DatabaseError, open_db

if TYPE_CHECKING:  # Scrapy and the extractors are imported when the command runs
    from sqlite_utils import Database

    from crawler.ops.reextract import Change, Outcome

PROGRESS_EVERY = 1000  # articles between two progress lines
VALUE_CHARS = 70  # of a changed value shown


@main.command("import", context_settings=CONTEXT, short_help=about("import"))
@click.argument("warcs", nargs=-1, required=True, type=click.Path(dir_okay=False),
                metavar="WARC...")  # fmt: skip
@db_option
@click.option("--site", help="Extract every page as this declared site's.",
              shell_complete=complete_site)
@click.option("--domains", multiple=True, metavar="DOMAIN",
              help="Only pages on this domain or below (repeatable).")  # fmt: skip
@click.option("--since", callback=when_callback(False), metavar="WHEN",
              help="Only records fetched at or after: 2026-11-01 or an age (7d).")  # fmt: skip
@click.option("--limit", type=click.IntRange(min=0), default=0, help="At most N pages; 0: all.")
@sites_dir_option
@click.option("--log-level", default="WARNING", show_default=True, help="Scrapy log level.")
@format_option("text", "json", default="text")
def import_warcs(
    warcs: tuple[str, ...], db_path: str, site: str | None, domains: tuple[str, ...],
    since: str | None, limit: int, sites_dir: str | None, log_level: str, fmt: str,
) -> None:  # fmt: skip
    """Import the article pages of WARC files (.warc or .warc.gz, e.g. CC-NEWS).

    HTML 200 responses are extracted as the declared site owning their domain (else
    generically) and stored through the same pipelines as a crawl: a page already
    stored with the same text is not stored again. Prints one summary line; each
    record that gave no article is in `newsdesk runs` as a dropped page with its reason.

    Example: newsdesk import CC-NEWS-20261130.warc.gz --domains example.com --limit 1000
    """
    settings = crawl_settings(db_path, log_level, (), sites_dir)
    _declared(settings)
    from crawler.ops.run import run_import
    from crawler.spiders.warc import ImportOptions

    options = ImportOptions(site, domains, since, limit)
    try:
        result = run_import(list(warcs), settings, options)
    except KeyError as exc:
        raise fail(str(exc.args[0])) from None
    echo_results([result], fmt)
    if result.storage_error:
        raise fail(result.storage_error)
    if not result.ok:
        raise SystemExit(1)


@main.command(context_settings=CONTEXT, short_help=about("reextract"))
@click.argument("site", required=False, shell_complete=complete_site)
@db_option
@click.option("--since", callback=when_callback(False), metavar="WHEN",
              help="Only pages fetched at or after: 2026-11-01 or an age (7d).")  # fmt: skip
@click.option("--dry-run", is_flag=True, help="Print what would change; write nothing.")
@sites_dir_option
@format_option("text", "json", default="text")
def reextract(
    site: str | None, db_path: str, since: str | None, dry_run: bool, sites_dir: str | None,
    fmt: str,
) -> None:  # fmt: skip
    """Extract archived pages again with the current site declarations, without fetching.

    An article whose fields come out differently gets a new version (the old text kept
    among its versions; its provenance names the archived record); an unchanged one
    writes nothing. Prints each changed field, then a summary.

    Example: newsdesk reextract eirns --since 7d --dry-run
    """
    settings = crawl_settings(db_path, "WARNING", (), sites_dir)
    sites = _declared(settings)
    try:
        db = open_db(db_path)
    except DatabaseError as exc:
        raise fail(str(exc)) from None
    if not dry_run:
        _recover_pointers(db, db_path)
    counts = {"changed": 0, "unchanged": 0, "failed": 0}
    echo = echo_outcome if fmt == "text" else echo_outcome_json
    from crawler.ops.reextract import Reextractor

    for n, outcome in enumerate(Reextractor(db, sites, dry_run).run(site, since), 1):
        counts[echo(outcome)] += 1
        if n % PROGRESS_EVERY == 0:
            click.echo(f"... {n} archived articles re-extracted", err=True)
    if fmt == "json":
        click.echo(json.dumps({"summary": {**counts, "dry_run": dry_run}}))
        return
    verb = "would change" if dry_run else "changed"
    click.echo(f"{sum(counts.values())} archived articles: {counts['changed']} {verb}, "
               f"{counts['unchanged']} unchanged, {counts['failed']} failed")  # fmt: skip


def _recover_pointers(db: Database, db_path: str) -> None:
    """First the archive pointers a killed crawl left in its journal (crawler.archive_journal)."""
    from crawler.archive_journal import recover_known

    found = recover_known(db, db_path)
    if found.recorded:
        click.echo(f"{found.recorded} archive pointers recovered from {found.journals} "
                   "journals of interrupted crawls", err=True)  # fmt: skip


def echo_outcome(outcome: Outcome) -> str:
    """Print what re-extraction found for one article; its kind for the summary."""
    if outcome.failure:
        click.echo(f"{outcome.article_id} {outcome.url}: not re-extracted: {outcome.failure}")
        return "failed"
    for change in outcome.changes:
        click.echo(change_line(change))
    return "changed" if outcome.changes else "unchanged"


def echo_outcome_json(outcome: Outcome) -> str:
    """One JSON line per article re-extracted (``--format json``); its kind."""
    kind = "failed" if outcome.failure else "changed" if outcome.changes else "unchanged"
    if kind != "unchanged":
        changes = [
            {"field": c.field, "old": c.old, "new": c.new} for c in outcome.changes
        ]
        record = {"article_id": outcome.article_id, "url": outcome.url, "changes": changes}
        if outcome.failure:
            record["failure"] = outcome.failure
        click.echo(json.dumps(record, ensure_ascii=False, default=str))
    return kind


def change_line(change: Change) -> str:
    """One changed field, its values shortened.

    >>> from crawler.ops.reextract import Change
    >>> change_line(Change(3, "https://x.test/a", "authors", ["Ann"], ["Ann", "Bo"]))
    "3 https://x.test/a: authors: ['Ann'] -> ['Ann', 'Bo']"
    """
    return f"{change.article_id} {change.url}: {change.field}: {_short(change.old)} -> " + _short(
        change.new
    )


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= VALUE_CHARS else text[: VALUE_CHARS - 1] + "…"
