"""The ``newsdesk`` command line: a thin adapter over crawler.run and pipelines.query."""

from __future__ import annotations

from typing import Any

import click

from crawler.run import CrawlResult, project_settings, run_crawl
from crawler.sites import SiteError, load_sites
from pipelines.db import DatabaseError, open_db
from pipelines.query import QueryError, count_by_site, latest, search

DEFAULT_DB = "output/news.db"
CONTEXT = {"help_option_names": ["-h", "--help"]}
db_option = click.option(
    "--db",
    "db_path",
    default=DEFAULT_DB,
    show_default=True,
    type=click.Path(dir_okay=True),
    help="SQLite database file.",
)


def fail(message: str) -> click.ClickException:
    return click.ClickException(message)


@click.group(context_settings=CONTEXT)
@click.version_option(package_name="newsdesk")
def main() -> None:
    """newsdesk: crawl news sites into a searchable SQLite database.

    Example: newsdesk crawl eirns && newsdesk search "security treaty"
    """


@main.command(context_settings=CONTEXT)
@click.option("--sites-dir", type=click.Path(), help="Extra folder of site declarations.")
def sites(sites_dir: str | None) -> None:
    """List the declared sites.

    Example: newsdesk sites
    """
    try:
        declared = load_sites(sites_dir)
    except SiteError as exc:
        raise fail(str(exc)) from None
    for site in declared.values():
        click.echo(f"{site.name:<12} {site.title}  [{', '.join(site.domains)}]")


@main.command(context_settings=CONTEXT)
@click.argument("site")
@db_option
@click.option("--base-url", help="Fetch the site from this mirror, e.g. http://127.0.0.1:8000.")
@click.option("--log-level", default="INFO", show_default=True, help="Scrapy log level.")
@click.option(
    "-s",
    "--set",
    "overrides",
    multiple=True,
    metavar="NAME=VALUE",
    help="Override a Scrapy setting (repeatable).",
)
def crawl(
    site: str, db_path: str, base_url: str | None, log_level: str, overrides: tuple[str, ...]
) -> None:
    """Crawl one declared SITE and store its articles.

    Example: newsdesk crawl eirns --db output/news.db
    """
    settings = _settings(db_path, log_level, overrides)
    results = _crawl([site], settings, base_url)
    for result in results:
        _echo_result(result)
    if not all(result.ok for result in results):
        raise SystemExit(1)


@main.command(name="search", context_settings=CONTEXT)
@click.argument("text")
@db_option
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 1000))
def search_command(text: str, db_path: str, limit: int) -> None:
    """Full-text search over titles and bodies; best matches first.

    Example: newsdesk search "European Security Treaty"
    """
    try:
        db = open_db(db_path, create=False)
        rows = search(db, text, limit)
    except (DatabaseError, QueryError) as exc:
        raise fail(str(exc)) from None
    if not rows:
        click.echo(f"No articles match {text!r}.", err=True)
        raise SystemExit(1)
    for row in rows:
        click.echo(
            f"[{row['id']}] {row['title']}  ({row['site']}, {row['published'] or 'undated'})"
        )
        click.echo(f"    {row['canonical_url']}")
        click.echo(f"    {row['snippet']}")


@main.command(context_settings=CONTEXT)
@db_option
@click.option("--log-level", default="WARNING", show_default=True, help="Scrapy log level.")
def demo(db_path: str, log_level: str) -> None:
    """Serve the bundled offline demo site on 127.0.0.1, crawl it and show what was stored.

    Example: newsdesk demo --db output/news.db
    """
    from crawler.demo.server import SiteServer

    # The demo server is on loopback: no need for politeness delays.
    settings = _settings(db_path, log_level, ("DOWNLOAD_DELAY=0", "AUTOTHROTTLE_ENABLED=False"))
    with SiteServer() as server:
        click.echo(f"Demo site served at {server.url}/")
        results = _crawl(["demo"], settings, server.url)
    for result in results:
        _echo_result(result)
    if results[0].new == 0 and results[0].updated == 0:
        click.echo("Nothing new: every article on the demo site is already stored.")
    db = open_db(db_path, create=False)
    click.echo(f"\nDatabase {db_path}:")
    for row in count_by_site(db):
        click.echo(f"  {row['site']:<10} {row['articles']} articles")
    click.echo("Latest demo articles:")
    for row in latest(db, "demo", 3):
        click.echo(f"  {row['published'][:10]}  {row['title']}")
    example = "European Security Treaty"
    click.echo(f'\nExample search: newsdesk search "{example}"')
    for row in search(db, example, 3):
        click.echo(f"  [{row['id']}] {row['title']}\n      {row['snippet']}")


def _settings(db_path: str, log_level: str, overrides: tuple[str, ...]) -> Any:
    values: dict[str, Any] = {"NEWSDESK_DB_PATH": db_path, "LOG_LEVEL": log_level.upper()}
    for pair in overrides:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise click.BadParameter(f"expected NAME=VALUE, got {pair!r}", param_hint="-s")
        values[name] = value
    try:
        open_db(db_path).close()
    except DatabaseError as exc:
        raise fail(str(exc)) from None
    return project_settings(values)


def _crawl(sites: list[str], settings: Any, base_url: str | None) -> list[CrawlResult]:
    try:
        return run_crawl(sites, settings, base_url)
    except (KeyError, SiteError) as exc:
        raise fail(str(exc.args[0] if isinstance(exc, KeyError) else exc)) from None


def _echo_result(result: CrawlResult) -> None:
    dropped = ", ".join(f"{reason} {n}" for reason, n in result.dropped.items()) or "none"
    click.echo(
        f"{result.site}: {result.pages} pages fetched, {result.new} new, "
        f"{result.updated} updated; dropped: {dropped}; "
        f"errors: {result.errors}; finished: {result.finish_reason}"
    )
