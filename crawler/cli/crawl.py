"""``newsdesk crawl``."""

from __future__ import annotations

import json
import sys
from contextlib import nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from crawler.cli.app import (
    CONTEXT,
    about,
    base_url_option,
    complete_site,
    db_option,
    fail,
    format_option,
    main,
    overrides_option,
    sites_dir_option,
    usage_error,
)
from crawler.cli.checks import check_base_url, check_log_file, parse_overrides
from crawler.ops.lock import CrawlLock, LockHeld
from crawler.ops.logs import KEEP_LOGS, logs_folder, new_log, prune_logs

if TYPE_CHECKING:  # Scrapy is imported when a crawl runs, not for `crawl -h`
    from scrapy.settings import Settings

    from crawler.ops.run import CrawlResult
    from crawler.sites import Site


@main.command(context_settings=CONTEXT, short_help=about("crawl"))
@click.argument("site", required=False, shell_complete=complete_site)
@click.option("--all", "all_sites", is_flag=True, help="Crawl every nightly site, concurrently.")
@click.option("--url", "urls", multiple=True, help="An article URL on any site (repeatable).")
@click.option(
    "--urls-file", type=click.Path(dir_okay=False), help="A file of article URLs, one a line."
)
@db_option
@base_url_option
@click.option(
    "--log-level",
    help="Show the Scrapy log at this level (DEBUG, INFO, ...) instead of writing it to a file.",
)
@click.option("-v", "--verbose", is_flag=True, help="Show the Scrapy log (--log-level INFO).")
@click.option(
    "--log-file",
    type=click.Path(dir_okay=False),
    help="Write the crawl log here (default: crawl-<time>.log in logs/ beside the database).",
)
@click.option(
    "--keep-logs",
    type=click.IntRange(min=1),
    default=KEEP_LOGS,
    show_default=True,
    help="Keep this many of the newest logs in output/logs, delete older ones.",
)
@click.option(
    "--archive",
    "archive_dir",
    type=click.Path(file_okay=False),
    envvar="NEWSDESK_ARCHIVE_DIR",
    show_envvar=True,
    help="Keep each stored article's page as a WARC record in this folder "
    "(--all: archive/ beside the database by default).",
)
@click.option("--no-archive", is_flag=True, help="--all: do not archive pages.")
@sites_dir_option
@overrides_option
@format_option("text", "json", default="text")
def crawl(
    site: str | None,
    all_sites: bool,
    urls: tuple[str, ...],
    urls_file: str | None,
    db_path: str,
    base_url: str | None,
    log_level: str | None,
    verbose: bool,
    log_file: str | None,
    keep_logs: int,
    sites_dir: str | None,
    archive_dir: str | None,
    no_archive: bool,
    overrides: tuple[str, ...],
    fmt: str,
) -> None:
    """Crawl one declared SITE, every nightly site (--all), or article pages of any
    site (--url, --urls-file), and store the articles.

    Prints one line per site (on a terminal, a live table while it crawls); exits
    non-zero when a site failed or is degraded (its field coverage fell well below its
    recent runs: the alert names the field). The Scrapy log goes to output/logs/ beside
    the database (the newest --keep-logs kept), or to the terminal with -v/--log-level.
    With --all, a second invocation on the same database exits at once. Pages given by
    URL are fetched once each (links are not followed) and extracted generically; their
    site is the host without www. With --archive (on by default
    for --all), each page that gave a stored article or a revision is kept as a WARC
    record, for `newsdesk show ID --html` and `newsdesk reextract`.

    Example: newsdesk crawl eirns --db output/news.db
    """
    if all_sites and (site or urls or urls_file):
        raise usage_error("give --all alone, without a SITE or URLs")
    check_base_url(base_url)
    pages = [] if all_sites else page_urls(site, urls, urls_file)
    shown = log_level or ("INFO" if verbose else None)  # the Scrapy log on the terminal
    settings = crawl_settings(db_path, shown or "INFO", overrides, sites_dir)
    archive = archive_folder(db_path, archive_dir, all_sites, no_archive)
    if archive:
        settings.set("NEWSDESK_ARCHIVE_DIR", archive, priority="cmdline")
    logs_dir = None
    if log_file is None and (shown is None or all_sites):  # --all: always a file
        logs_dir = logs_folder(db_path)
        log_file = str(new_log(logs_dir))
    if all_sites:
        sites = [name for name, s in _declared(settings).items() if s.nightly]
    else:
        sites = [site or ""]
    if log_file:
        check_log_file(log_file)
        settings.set("LOG_FILE", log_file, priority="cmdline")
        click.echo(f"Logging to {log_file}", err=fmt == "json")
    from crawler.ops.run import run_urls

    try:
        with CrawlLock.of_database(db_path) if all_sites else nullcontext():
            if pages:
                results = [run_urls(pages, settings)]
            else:
                progress = bool(log_file) and _tty()
                results = crawl_sites(sites, settings, base_url, progress)
            if logs_dir is not None:
                prune_logs(logs_dir, keep_logs)
    except LockHeld as exc:
        raise fail(str(exc)) from None
    echo_results(results, fmt)
    storage_errors = [r.storage_error for r in results if r.storage_error]
    if storage_errors:
        raise fail(storage_errors[0])
    if not all(result.ok for result in results):
        raise SystemExit(1)


def archive_folder(
    db_path: str, archive_dir: str | None, all_sites: bool, no_archive: bool
) -> str | None:
    """Where pages are archived: --archive, else archive/ beside the database for --all.

    >>> archive_folder("out/news.db", None, True, False), archive_folder("x.db", None, False, False)
    ('out/archive', None)
    """
    if no_archive:
        return None
    if archive_dir or not all_sites:
        return archive_dir
    return str(Path(db_path).parent / "archive")


def _declared(settings: Settings) -> dict[str, Site]:
    from crawler.sites import SiteError
    from crawler.spiders.loader import declared_sites

    try:
        return declared_sites(settings)
    except SiteError as exc:
        raise fail(str(exc)) from None


def _tty() -> bool:
    """Whether a person watches: then a live progress table replaces log lines."""
    return sys.stderr.isatty()


def page_urls(site: str | None, urls: tuple[str, ...], urls_file: str | None) -> list[str]:
    """The URLs to crawl generically; a one-line error when the arguments do not fit."""
    if site and (urls or urls_file):
        raise usage_error("give either a SITE or --url/--urls-file, not both")
    if not site and not urls and not urls_file:
        raise usage_error("give a SITE to crawl, or article URLs with --url/--urls-file")
    from crawler.urls import check_url

    for url in urls:
        try:
            check_url(url, "--url")
        except ValueError as exc:
            raise usage_error(str(exc)) from None
    from crawler.ops.run import read_urls

    try:
        return [*urls, *(read_urls(urls_file) if urls_file else [])]
    except OSError as exc:
        raise fail(f"{urls_file}: cannot read URLs file: {exc.strerror}") from None
    except ValueError as exc:  # a line of the file that is no URL
        raise fail(str(exc)) from None


def crawl_settings(
    db_path: str, log_level: str, overrides: tuple[str, ...], sites_dir: str | None = None
) -> Settings:
    """Project settings for a crawl into ``db_path``; checks the database opens first."""
    from crawler.ops.run import project_settings
    from store.db import DatabaseError, open_db

    values: dict[str, Any] = {"NEWSDESK_DB_PATH": db_path, "LOG_LEVEL": log_level.upper()}
    if sites_dir:
        values["NEWSDESK_SITES_DIR"] = sites_dir
    values |= parse_overrides(overrides, project_settings())
    try:
        open_db(db_path, verify=True).close()  # never a crawl into a damaged file
    except DatabaseError as exc:
        raise fail(str(exc)) from None
    return project_settings(values)


def crawl_sites(
    sites: list[str], settings: Settings, base_url: str | None, progress: bool = False
) -> list[CrawlResult]:
    """Run the crawls; unknown sites and bad declarations become one-line errors."""
    from crawler.ops.run import run_crawl
    from crawler.sites import SiteError

    try:
        return run_crawl(sites, settings, base_url, progress)
    except KeyError as exc:
        raise fail(str(exc.args[0])) from None
    except SiteError as exc:
        raise fail(str(exc)) from None


def echo_results(results: list[CrawlResult], fmt: str) -> None:
    """The summary: a line per site (alerts on stderr), or with ``json`` one array."""
    if fmt == "json":
        click.echo(json.dumps([result.summary() for result in results], indent=2))
        return
    for result in results:
        echo_result(result)


def echo_result(result: CrawlResult) -> None:
    dropped = ", ".join(f"{reason} {n}" for reason, n in result.dropped.items()) or "none"
    click.echo(
        f"{result.site}: {result.status}; {result.pages} pages fetched, {result.new} new, "
        f"{result.updated} updated, {result.skipped} already stored; dropped: {dropped}; "
        f"errors: {result.errors}"
    )
    for alert in result.alerts:
        click.echo(f"{result.site}: ALERT {alert}", err=True)
