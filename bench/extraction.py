"""Extraction benchmark: generic extraction vs plain trafilatura on the public datasets.

    python bench/extraction.py [--data ../shared/evaldata/public] [--datasets fundus ...]
    python bench/extraction.py --halves [--extractors generic]

Prints one line per dataset and extractor (the figures ``newsdesk eval`` prints).
``--halves`` scores each dataset's two halves apart (a page is in half A or B by
the CRC-32 of its id): a rule tuned on one half is checked on the other.
Declared-site CPU time is measured by bench/declared_cpu.py. Figures only: nothing
here asserts a time.
"""

from __future__ import annotations

import argparse
import json
import logging
import time
import zlib
from pathlib import Path
from typing import Any

from crawler.eval.evaluate import Report, evaluate, make_extractor, pages, run_one
from crawler.eval.scoring import Tally

ROOT = Path(__file__).resolve().parent.parent
DATASETS = ("scrapinghub_aeb", "fundus", "trafilatura_eval")
EXTRACTORS = ("generic", "trafilatura")


def row(report_dict: dict[str, object]) -> str:
    def get(key: str, metric: str) -> str:
        value = report_dict.get(key)
        return f"{value[metric]:.3f}" if isinstance(value, dict) else "-"

    return (
        f"| {report_dict['dataset']} | {report_dict['extractor']} | {get('body', 'precision')} "
        f"| {get('body', 'recall')} | {get('body', 'f1')} | {get('body_snippets', 'f1')} "
        f"| {get('title', 'rate')} | {get('date', 'rate')} | {get('authors', 'rate')} "
        f"| {report_dict['pages_per_second']} |"
    )


def halves(folder: Path, extractor: str) -> list[dict[str, Any]]:
    """The reports of the dataset's two halves, A and B, for one extractor."""
    extract = make_extractor(extractor)
    reports = {half: (Report(f"{folder.name} {half}", extractor), Tally()) for half in "AB"}
    for page in pages(folder):
        report, tally = reports["AB"[zlib.crc32(page.id.encode()) % 2]]
        started = time.perf_counter()
        predicted = run_one(extract, page, report)
        report.seconds += time.perf_counter() - started
        report.pages += 1
        tally.add(page.truth, predicted)
    for report, tally in reports.values():
        report.scores = tally.summary()
    return [report.as_dict() for report, _ in reports.values()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared/evaldata/public")
    parser.add_argument("--datasets", nargs="*", default=list(DATASETS))
    parser.add_argument("--extractors", nargs="*", default=list(EXTRACTORS))
    parser.add_argument("--json", type=Path, help="write every report here")
    parser.add_argument("--halves", action="store_true", help="score halves A and B apart")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    print("| dataset | extractor | body P | body R | body F1 | snippets F1 | title exact "
          "| date same-day | authors exact | pages/s |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    reports = []
    for dataset in args.datasets:
        for extractor in args.extractors:
            if args.halves:
                found = halves(args.data / dataset, extractor)
            else:
                found = [evaluate(args.data / dataset, extractor).as_dict()]
            for report in found:
                reports.append(report)
                print(row(report), flush=True)
    if args.json:
        args.json.write_text(json.dumps(reports, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
