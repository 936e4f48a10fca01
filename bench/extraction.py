"""Extraction benchmark: generic extraction vs plain trafilatura on the public datasets.

    python bench/extraction.py [--data ../shared/evaldata/public] [--datasets fundus ...]

Prints one line per dataset and extractor (the figures ``newsdesk eval`` prints),
then the CPU time per page of the declared sites' selectors against trafilatura on
the saved pages of tests/fixtures/sites/. Figures only: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import json
import logging
import time
from pathlib import Path

from scrapy.http import HtmlResponse

from crawler.evaluate import evaluate
from crawler.extract.site import SiteExtractor
from crawler.sites import load_sites

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


def declared_site_cpu(repeats: int = 5) -> str:
    """CPU seconds per page: declared selectors (with fallback) vs plain trafilatura."""
    import trafilatura

    sites = load_sites()
    cases = []
    for expected in sorted((ROOT / "tests/fixtures/sites").glob("*/*.json")):
        meta = json.loads(expected.read_text(encoding="utf-8"))
        page = ROOT / meta["page"] if "page" in meta else expected.with_suffix(".html")
        if expected.parent.name in sites:
            cases.append((sites[expected.parent.name], meta["url"], page.read_bytes()))
    if not cases:
        return "no declared-site pages found"
    ours = theirs = 0.0
    for _ in range(repeats):
        for site, url, html in cases:
            started = time.process_time()
            SiteExtractor(site).extract(HtmlResponse(url=url, body=html, encoding="utf-8"))
            ours += time.process_time() - started
            started = time.process_time()
            trafilatura.bare_extraction(html, url=url, with_metadata=True)
            theirs += time.process_time() - started
    n = repeats * len(cases)
    return (
        f"declared sites: {len(cases)} pages x {repeats}: selectors {1000 * ours / n:.2f} ms/page, "
        f"trafilatura {1000 * theirs / n:.2f} ms/page, ratio {theirs / ours:.1f}x"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared/evaldata/public")
    parser.add_argument("--datasets", nargs="*", default=list(DATASETS))
    parser.add_argument("--extractors", nargs="*", default=list(EXTRACTORS))
    parser.add_argument("--json", type=Path, help="write every report here")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    print(declared_site_cpu())
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
