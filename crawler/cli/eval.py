"""``newsdesk eval``: score an extractor on a folder of saved pages with their truth."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

import click

from crawler.cli.app import CONTEXT, fail, main
from crawler.eval.evaluate import (
    EXTRACTORS,
    DatasetError,
    evaluate,
    format_misses,
    format_report,
)


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


@main.command("eval", context_settings=CONTEXT)
@click.argument("dataset_dir", type=click.Path(path_type=Path))
@click.option(
    "--extractor",
    type=click.Choice(EXTRACTORS),
    default="site",
    show_default=True,
    help="site: the declared site matching each URL, else generic; "
    "generic: generic extraction only; trafilatura: plain trafilatura.",
)
@click.option("--json", "json_out", type=click.Path(path_type=Path), help="Write the scores here.")
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
def eval_command(
    dataset_dir: Path,
    extractor: str,
    json_out: Path | None,
    predictions: Path | None,
    misses: tuple[str, ...],
) -> None:
    """Score extraction on DATASET_DIR (<id>.html.gz pages and a truth.jsonl).

    Prints body precision/recall/F1 (4-gram shingles), title exact-match,
    date same-day and author exact-set rates, and pages per second.

    With --misses, also lists each page that misses a field, to see what a
    site declaration or a rule gets wrong.

    Example: newsdesk eval ../shared/evaldata/public/fundus --extractor generic
    """
    if not dataset_dir.is_dir():
        raise fail(f"{dataset_dir}: no such dataset folder")
    check_outputs(json_out, predictions)  # before the work, not after it
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    logging.getLogger("trafilatura").setLevel(logging.ERROR)
    try:
        report = evaluate(dataset_dir, extractor, predictions)
    except DatasetError as exc:
        raise fail(str(exc)) from None
    click.echo(format_report(report))
    if misses and (listed := format_misses(report, misses)):
        click.echo(listed)
    if json_out is not None:
        try:
            json_out.write_text(json.dumps(report.as_dict(), indent=1) + "\n", encoding="utf-8")
        except OSError as exc:
            raise fail(f"{json_out}: cannot write: {exc.strerror}") from None
