"""``newsdesk export``."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click

from crawler.cli.app import CONTEXT, db_option, fail, main
from crawler.cli.filters import SearchSyntaxError, filter_options, make_filters
from store.db import DatabaseError, open_db
from store.export import FORMATS, ExportError, export, export_to_file
from store.query import QuerySyntaxError


@main.command(name="export", context_settings=CONTEXT)
@db_option
@click.option("--format", "fmt", type=click.Choice(FORMATS), required=True,
              help="jsonl: one JSON object per article; csv: one row per article.")
@filter_options
@click.option("--query", "text", metavar="TEXT", help="Only articles matching this search.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file instead of standard output.")
@click.option("--force", is_flag=True, help="Overwrite the --output file if it exists.")
def export_command(db_path: str, fmt: str, text: str | None, output: Path | None,
                   force: bool, **filters: Any) -> None:
    """Export articles (every column) as JSON Lines or CSV, streamed in constant memory.

    Example: newsdesk export --format jsonl --site demo --since 30d -o output/demo.jsonl
    """
    try:
        db = open_db(db_path, create=False)
        if output is None:
            export(db, fmt, sys.stdout, make_filters(**filters), text)
            return
        count = export_to_file(db, fmt, output, make_filters(**filters), text, force)
    except QuerySyntaxError as exc:
        raise SearchSyntaxError(str(exc)) from None
    except (DatabaseError, ExportError) as exc:
        raise fail(str(exc)) from None
    except BrokenPipeError:
        # The reader went away (`| head`): not an error; silence the final flush.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return
    click.echo(f"{count} articles written to {output}", err=True)
