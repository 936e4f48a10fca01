"""Extraction benchmark: generic extraction vs plain trafilatura on the public datasets.

    python bench/extraction.py [--data ../shared/evaldata/public] [--datasets fundus ...]

Prints one line per dataset and extractor (the figures ``newsdesk eval`` prints).
Declared-site CPU time is measured by bench/declared_cpu.py. Figures only: nothing
here asserts a time.
"""

from __future__ import annotations

import argparse
import json
import logging
from pathlib import Path

from crawler.eval.evaluate import evaluate

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared/evaldata/public")
    parser.add_argument("--datasets", nargs="*", default=list(DATASETS))
    parser.add_argument("--extractors", nargs="*", default=list(EXTRACTORS))
    parser.add_argument("--json", type=Path, help="write every report here")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    print("| dataset | extractor | body P | body R | body F1 | snippets F1 | title exact "
          "| date same-day | authors exact | pages/s |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    reports = []
    for dataset in args.datasets:
        for extractor in args.extractors:
            report = evaluate(args.data / dataset, extractor).as_dict()
            reports.append(report)
            print(row(report), flush=True)
    if args.json:
        args.json.write_text(json.dumps(reports, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
