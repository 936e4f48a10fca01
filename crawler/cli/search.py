"""``newsdesk search``."""

from __future__ import annotations

from typing import Any

import click
from rich.table import Table
from rich.text import Text

from crawler.cli.app import CONTEXT, about, db_option, fail, format_option, main, resolve_format
from crawler.cli.filters import SearchSyntaxError, filter_options, make_filters
from crawler.cli.render import (
    MARK_CLOSE,
    MARK_OPEN,
    console,
    marked_text,
    write_csv,
    write_json,
    write_jsonl,
)
from store.db import DatabaseError, open_db
from store.export import decode_json_columns
from store.query import HIGHLIGHT, QueryError, QuerySyntaxError, search

FORMATS = ("table", "jsonl", "json", "csv")
CSV_COLUMNS = (
    "id", "site", "published", "title", "authors", "language", "canonical_url", "snippet", "rank"
)


@main.command(name="search", context_settings=CONTEXT, short_help=about("search"))
@click.argument("text")
@db_option
@filter_options
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 10_000),
              help="Most results to show.")
@format_option(*FORMATS)
def search_command(text: str, db_path: str, limit: int, fmt: str | None, **filters: Any) -> None:
    """Full-text search over titles, leads and bodies; best matches (BM25) first.

    Plain words must all appear; punctuation is ignored. Also understood:
    "a phrase", OR / AND / NOT in capitals between terms, and prefix* search.
    Of a search matching more than 5,000 articles (after the filters), the 5,000
    most recently stored are ranked.

    Example: newsdesk search "European Security Treaty" --site eirns --since 30d
    """
    fmt = resolve_format(fmt, FORMATS)
    highlight = (MARK_OPEN, MARK_CLOSE) if fmt == "table" else HIGHLIGHT
    try:
        db = open_db(db_path, create=False)
        rows = search(db, text, limit, make_filters(**filters), highlight)
    except QuerySyntaxError as exc:
        raise SearchSyntaxError(str(exc)) from None
    except (DatabaseError, QueryError) as exc:
        raise fail(str(exc)) from None
    if not rows:
        click.echo(f"No articles match {text!r}.", err=True)
        raise SystemExit(1)
    rows = [decode_json_columns(row) for row in rows]
    if fmt == "table":
        console().print(results_table(rows))
    elif fmt == "json":
        write_json(rows)
    elif fmt == "jsonl":
        write_jsonl(rows)
    else:
        write_csv(rows, CSV_COLUMNS)


def results_table(rows: list[dict[str, Any]]) -> Table:
    table = Table(show_lines=True, expand=False)
    table.add_column("id", justify="right", style="cyan", no_wrap=True)
    table.add_column("published", no_wrap=True)
    table.add_column("site", style="magenta", no_wrap=True)
    table.add_column("article", ratio=1, overflow="fold")
    for row in rows:
        article = Text().append(row["title"], style="bold")
        if isinstance(row["authors"], list) and row["authors"]:
            article.append(f"  {', '.join(row['authors'])}", style="italic")
        article.append("\n").append(marked_text(row["snippet"] or ""))
        article.append("\n").append(row["canonical_url"], style="dim")
        published = (row["published"] or "undated")[:10]
        table.add_row(str(row["id"]), published, row["site"], article)
    return table
