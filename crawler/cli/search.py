"""``newsdesk search``."""

from __future__ import annotations

import click

from crawler.cli.app import CONTEXT, db_option, fail, main
from pipelines.db import DatabaseError, open_db
from pipelines.query import QueryError, search


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
        published = row["published"] or "undated"
        click.echo(f"[{row['id']}] {row['title']}  ({row['site']}, {published})")
        click.echo(f"    {row['canonical_url']}")
        click.echo(f"    {row['snippet']}")
