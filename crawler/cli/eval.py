"""``newsdesk eval``: score an extractor on a folder of saved pages with their truth."""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from crawler.cli.app import CONTEXT, about, fail, format_option, main, sites_dir_option
from crawler.eval import EXTRACTORS


def check_outputs(json_out: Path | None, predictions: Path | None) -> None:
    """One line, before any page is read, when an output cannot be written."""
    if json_out is not None:
        folder = json_out.parent
        if json_out.is_dir():
            raise fail(f"{json_out}: cannot write: is a directory")
        if not folder.is_dir() or not os.access(folder, os.W_OK):
            raise fail(f"{json_out}: cannot write: {folder} is not a writable folder")
    if predictions is not None:
        try:
            predictions.mkdir(parents=True, exist_ok=True)
            probe = predictions / ".newsdesk-write-check"
            probe.touch()
            probe.unlink()
        except OSError as exc:
            raise fail(f"{predictions}: cannot write predictions: {exc.strerror or exc}") from None


@main.command("eval", context_settings=CONTEXT, short_help=about("eval"))
@click.argument("dataset_dir", type=click.Path(path_type=Path))
@click.option(
    "--extractor",
    type=click.Choice(EXTRACTORS),
    default="site",
    show_default=True,
    help="site: the declared site matching each URL, else generic; "
    "generic: generic extraction only; trafilatura: plain trafilatura.",
)
@click.option("-o", "--output", "json_out", type=click.Path(path_type=Path),
              help="Also write the scores (JSON) to this file.")
@click.option("--json", "json_out", type=click.Path(path_type=Path), hidden=True)  # older name
@click.option(
    "--predictions",
    type=click.Path(path_type=Path, file_okay=False),
    help="Write one <id>.json prediction per page into this folder.",
)
@click.option(
    "--misses",
    type=click.Choice(["title", "date", "authors"]),
    multiple=True,
    help="Also list the pages that miss this field (repeatable): what was "
    "extracted and what the truth says.",
)
@sites_dir_option
@format_option("table", "json", default="table")
def eval_command(
    dataset_dir: Path,
    extractor: str,
    json_out: Path | None,
    predictions: Path | None,
    misses: tuple[str, ...],
    sites_dir: str | None,
    fmt: str,
) -> None:
    """Score extraction on DATASET_DIR (<id>.html.gz pages and a truth.jsonl).

    Prints body precision/recall/F1 (4-gram shingles), title exact-match,
    date same-day and author exact-set rates, and pages per second
    (--format json: the same as one JSON object, with the misses).

    With --misses, also lists each page that misses a field, to see what a
    site declaration or a rule gets wrong.

    Example: newsdesk eval ../shared/evaldata/public/fundus --extractor generic
    """
    if not dataset_dir.is_dir():
        raise fail(f"{dataset_dir}: no such dataset folder")
    check_outputs(json_out, predictions)  # before the work, not after it
    from crawler.eval.evaluate import (
        DatasetError,
        evaluate,
        format_misses,
        format_report,
        read_truth,
    )
    from crawler.sites import SiteError

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    logging.getLogger("trafilatura").setLevel(logging.ERROR)
    try:
        with eval_progress(dataset_dir, len(read_truth(dataset_dir))) as tick:
            report = evaluate(dataset_dir, extractor, predictions, sites_dir, tick)
    except DatasetError as exc:
        raise fail(str(exc)) from None
    except SiteError as exc:
        raise fail(str(exc)) from None
    scores = report.as_dict()
    if fmt == "json":
        wanted = set(misses)
        listed = [vars(m) for m in report.misses if m.field in wanted]
        click.echo(json.dumps({**scores, "misses": listed} if misses else scores, indent=1))
    else:
        click.echo(format_report(report))
        if misses and (text := format_misses(report, misses)):
            click.echo(text)
    if json_out is not None:
        try:
            json_out.write_text(json.dumps(scores, indent=1) + "\n", encoding="utf-8")
        except OSError as exc:
            raise fail(f"{json_out}: cannot write: {exc.strerror}") from None


@contextmanager
def eval_progress(dataset_dir: Path, total: int) -> Iterator[Callable[[], None] | None]:
    """A progress bar on stderr while a person watches; else nothing."""
    if not sys.stderr.isatty():
        yield None
        return
    from crawler.cli.render import progress_bar

    with progress_bar(f"Scoring {dataset_dir.name}", total, "pages") as advance:
        yield advance
