"""``newsdesk sites``: list the declared sites, declare a new one (``add``), check one
(``check``)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from crawler.cli.app import (
    CONTEXT,
    about,
    base_url_option,
    complete_site,
    fail,
    format_option,
    main,
    overrides_option,
    sites_dir_option,
    usage_error,
)
from crawler.cli.checks import check_base_url, parse_overrides
from crawler.sites import Site, SiteError, load_sites

if TYPE_CHECKING:  # Scrapy is imported when a site is fetched, not to list the sites
    from scrapy.settings import Settings

    from crawler.sites.onboard.declaration import Destination

F = TypeVar("F", bound=Callable[..., Any])


@main.group(invoke_without_command=True, context_settings=CONTEXT, short_help=about("sites"))
@sites_dir_option
@format_option("table", "json", default="table")
@click.pass_context
def sites(ctx: click.Context, sites_dir: str | None, fmt: str) -> None:
    """List the declared sites; `sites add URL` declares a new one from its home page,
    `sites check NAME` checks a declared site's selectors on its current pages.

    Example: newsdesk sites
    """
    if ctx.invoked_subcommand is not None:
        return
    declared = _declared(sites_dir).values()
    if fmt == "json":
        click.echo(json.dumps([site_record(site) for site in declared], indent=2))
        return
    for site in declared:
        click.echo(f"{site.name:<12} {site.title}  [{', '.join(site.domains)}]")


def site_record(site: Site) -> dict[str, Any]:
    """What ``sites --format json`` says of a site."""
    return {
        "name": site.name,
        "title": site.title,
        "domains": list(site.domains),
        "nightly": site.nightly,
        "start_urls": list(site.start_urls),
        "feeds": list(site.feeds),
        "sitemaps": list(site.sitemaps),
        "language": site.language,
        "source": site.source,
    }


def _declared(sites_dir: str | None) -> dict[str, Site]:
    try:
        return load_sites(sites_dir)
    except SiteError as exc:
        raise fail(str(exc)) from None


def settings_for(overrides: tuple[str, ...]) -> Settings:
    """Onboarding settings with the ``-s NAME=VALUE`` overrides checked and applied."""
    from crawler.ops.run import project_settings
    from crawler.sites.onboard.fetch import onboard_settings

    return onboard_settings(parse_overrides(overrides, project_settings()))


def sample_option(help: str) -> Callable[[F], F]:
    """``--sample N``: how many article pages to read (8 by default)."""
    return click.option(
        "--sample", type=click.IntRange(min=1, max=100), default=8, show_default=True, help=help
    )


@sites.command(context_settings=CONTEXT)
@click.argument("url")
@click.option("--name", help="The site's name (default: from the host, e.g. example).")
@sample_option("Article pages to learn from.")
@sites_dir_option
@click.option("--dry-run", is_flag=True, help="Print the declaration; write nothing.")
@base_url_option
@overrides_option
def add(
    url: str,
    name: str | None,
    sample: int,
    sites_dir: str | None,
    dry_run: bool,
    base_url: str | None,
    overrides: tuple[str, ...],
) -> None:
    """Declare the news site whose home page is URL: find its feeds and sitemaps, infer
    its article and listing URLs, learn its selectors from sample articles, and write
    crawler/sites/NAME.toml with a golden page in tests/fixtures/sites/NAME/ (with
    --sites-dir: DIR/NAME.toml and DIR/fixtures/NAME/). An existing site is never
    overwritten.

    Example: newsdesk sites add https://news.example.com/ --dry-run
    """
    from crawler.sites.onboard.declaration import default_name
    from crawler.urls import check_url

    try:
        check_url(url, "URL")
    except ValueError as exc:
        raise usage_error(str(exc)) from None
    check_base_url(base_url)
    name = name or default_name(url)
    destination = _free_destination(name, sites_dir)
    settings = settings_for(overrides)
    from crawler.sites.onboard.add import OnboardError, declare

    try:
        declared = declare(url, name, sample, destination, settings, base_url)
    except (OnboardError, SiteError) as exc:
        raise fail(str(exc)) from None
    click.echo(declared.report)
    if dry_run:
        click.echo("")
        click.echo(declared.text, nl=False)
        return
    for path in declared.write():
        click.echo(f"Wrote {_shown(path)}")
    how = f" --sites-dir {sites_dir}" if sites_dir else ""
    click.echo(f"Crawl it: newsdesk crawl {name}{how}")


def _free_destination(name: str, sites_dir: str | None) -> Destination:
    """Where the new site goes; a one-line error when the name is taken or invalid."""
    from crawler.sites.onboard.declaration import NAME, Destination

    if not NAME.match(name):
        raise usage_error(f"--name {name!r}: a site name is lowercase letters, digits and _")
    declared = _declared(sites_dir if sites_dir and Path(sites_dir).is_dir() else None)
    if name in declared:
        raise fail(f"site {name!r} already exists ({declared[name].source}); choose another --name")
    destination = Destination.of(name, sites_dir)
    taken = destination.taken()
    if taken is not None:
        raise fail(f"{taken} already exists; choose another --name")
    return destination


def _shown(path: Path) -> str:
    """A path relative to the working directory when it is below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


@sites.command(context_settings=CONTEXT)
@click.argument("name", shell_complete=complete_site)
@sample_option("Current article pages to check on.")
@sites_dir_option
@base_url_option
@overrides_option
@format_option("text", "json", default="text")
def check(
    name: str, sample: int, sites_dir: str | None, base_url: str | None,
    overrides: tuple[str, ...], fmt: str,
) -> None:  # fmt: skip
    """Check the declared site NAME on its current article pages: per field, does its
    selector still agree with the generic extractor, and which selector would hold now.
    Exits 1 when a declared selector is broken (the report says what to put instead).

    Example: newsdesk sites check demo --base-url http://127.0.0.1:8000
    """
    check_base_url(base_url)
    declared = _declared(sites_dir)
    if name not in declared:
        raise fail(f"unknown site {name!r} (declared: {', '.join(sorted(declared))})")
    from crawler.sites.onboard.checking import OnboardError, check_declared

    try:
        checked = check_declared(declared[name], sample, settings_for(overrides), base_url)
    except OnboardError as exc:
        raise fail(str(exc)) from None
    if fmt == "json":
        click.echo(json.dumps(checked.as_dict(declared[name]), indent=2))
    else:
        click.echo(checked.report)
    if checked.broken:
        raise SystemExit(1)
