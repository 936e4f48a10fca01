"""``newsdesk demo``: the offline demo, end to end."""

from __future__ import annotations

import click

from crawler.cli.app import CONTEXT, about, db_option, invoked_as, main
from crawler.cli.crawl import crawl_settings, crawl_sites, echo_result
from store.db import open_db
from store.query import count_by_site, latest, search

EXAMPLE_SEARCH = "European Security Treaty"


@main.command(context_settings=CONTEXT, short_help=about("demo"))
@db_option
@click.option("--log-level", default="WARNING", show_default=True, help="Scrapy log level.")
def demo(db_path: str, log_level: str) -> None:
    """Serve the bundled offline demo site on 127.0.0.1, crawl it and show what was stored.

    Example: newsdesk demo --db output/news.db
    """
    from crawler.demo.server import SiteServer

    # The demo server is on loopback: no need for politeness delays.
    loopback = ("DOWNLOAD_DELAY=0", "AUTOTHROTTLE_ENABLED=False")
    settings = crawl_settings(db_path, log_level, loopback)
    with SiteServer() as server:
        click.echo(f"Demo site served at {server.url}/")
        results = crawl_sites(["demo"], settings, server.url)
    for result in results:
        echo_result(result)
    if results[0].new == 0 and results[0].updated == 0:
        click.echo(
            "Nothing new: every article on the demo site is already stored (each URL that"
            " led to a stored story counts as already stored, a tracking variant too)."
        )
    db = open_db(db_path, create=False)
    click.echo(f"\nDatabase {db_path}:")
    for row in count_by_site(db):
        click.echo(f"  {row['site']:<10} {row['articles']} articles")
    click.echo("Latest demo articles:")
    for row in latest(db, "demo", 3):
        click.echo(f"  {(row['published'] or 'undated')[:10]}  {row['title']}")
    click.echo(f'\nExample search: {invoked_as()} search "{EXAMPLE_SEARCH}"')
    found = search(db, EXAMPLE_SEARCH, 3)
    for row in found:
        click.echo(f"  [{row['id']}] {row['title']}\n      {row['snippet']}")
    program = invoked_as()
    if found:
        click.echo(f"\nRead one in full: {program} show {found[0]['id']}")
    click.echo(f"Read them in a browser: {program} serve --db {db_path} --open"
               " (Datasette, on http://127.0.0.1:8001/)")
