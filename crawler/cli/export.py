"""``newsdesk export``."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
from sqlite_utils import Database

from crawler.cli.app import CONTEXT, about, db_option, fail, format_option, main
from crawler.cli.filters import SearchSyntaxError, filter_options, make_filters
from store.db import DatabaseError, open_db
from store.export import FORMATS, ExportError, count_articles, export, export_to_file
from store.query import Filters, QuerySyntaxError


@main.command(name="export", context_settings=CONTEXT, short_help=about("export"))
@db_option
@format_option(*FORMATS, default="jsonl")
@filter_options
@click.option("--query", "text", metavar="TEXT", help="Only articles matching this search.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file instead of standard output.")
@click.option("--force", is_flag=True, help="Overwrite the --output file if it exists.")
def export_command(db_path: str, fmt: str, text: str | None, output: Path | None,
                   force: bool, **filters: Any) -> None:
    """Export articles (every column) as JSON Lines, a JSON array or CSV, streamed in
    constant memory. On a terminal, a progress bar on stderr.

    Example: newsdesk export --format jsonl --site demo --since 30d -o output/demo.jsonl
    """
    try:
        db = open_db(db_path, create=False)
        selected = make_filters(**filters)
        with export_progress(db, selected, text, output) as tick:
            if output is None:
                export(db, fmt, sys.stdout, selected, text, tick)
                return
            count = export_to_file(db, fmt, output, selected, text, force, tick)
    except QuerySyntaxError as exc:
        raise SearchSyntaxError(str(exc)) from None
    except (DatabaseError, ExportError) as exc:
        raise fail(str(exc)) from None
    except BrokenPipeError:
        # The reader went away (`| head`): not an error; silence the final flush.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return
    click.echo(f"{count} articles written to {output}", err=True)


@contextmanager
def export_progress(
    db: Database, filters: Filters, text: str | None, output: Path | None
) -> Iterator[Callable[[], None] | None]:
    """A progress bar on stderr while a person watches (stderr is a terminal, and the
    articles do not go to that same terminal); else nothing."""
    if not sys.stderr.isatty() or (output is None and sys.stdout.isatty()):
        yield None
        return
    from crawler.cli.render import progress_bar

    with progress_bar("Exporting", count_articles(db, filters, text), "articles") as advance:
        yield advance
