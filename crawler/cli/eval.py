"""``newsdesk eval``: score an extractor on a folder of saved pages with their truth."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import click

from crawler.cli.app import CONTEXT, fail, main
from crawler.evaluate import EXTRACTORS, DatasetError, evaluate, format_report


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
def eval_command(
    dataset_dir: Path, extractor: str, json_out: Path | None, predictions: Path | None
) -> None:
    """Score extraction on DATASET_DIR (<id>.html.gz pages and a truth.jsonl).

    Prints body precision/recall/F1 (4-gram shingles), title exact-match,
    date same-day and author exact-set rates, and pages per second.

    Example: newsdesk eval ../shared/evaldata/public/fundus --extractor generic
    """
    if not dataset_dir.is_dir():
        raise fail(f"{dataset_dir}: no such dataset folder")
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    logging.getLogger("trafilatura").setLevel(logging.ERROR)
    try:
        report = evaluate(dataset_dir, extractor, predictions)
    except DatasetError as exc:
        raise fail(str(exc)) from None
    click.echo(format_report(report))
    if json_out is not None:
        try:
            json_out.write_text(json.dumps(report.as_dict(), indent=1) + "\n", encoding="utf-8")
        except OSError as exc:
            raise fail(f"{json_out}: cannot write: {exc.strerror}") from None
