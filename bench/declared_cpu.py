"""Declared-site extraction CPU per page against plain trafilatura, on real publishers' pages.

    python bench/declared_cpu.py [--repeats 7] [--json OUT]

The pages are the golden pages of the declared real publishers
(tests/fixtures/sites/<site>/*.html.gz; the small seed pages of demo and eirns,
which are not real publishers' pages, are left out). For each page and repetition
it measures process CPU time (``time.process_time``) of

* ours: building the response and ``SiteExtractor(site).extract(response)``, i.e.
  the declared selectors plus the lazy generic fallback for fields they leave empty;
* trafilatura: ``trafilatura.bare_extraction(html, url=url, with_metadata=True)``.

Each page's time is the median over repetitions (the first, warm-up pass is not
counted); the figure is the median over pages of ours / trafilatura, with the
totals beside it. Figures only: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from scrapy.http import HtmlResponse

from crawler.extract.site import SiteExtractor
from crawler.sites import Site, load_sites

ROOT = Path(__file__).resolve().parent.parent
PAGES = ROOT / "tests/fixtures/sites"


@dataclass(frozen=True)
class Page:
    site: Site
    name: str
    url: str
    html: bytes


def real_pages() -> list[Page]:
    """The gzipped golden pages of declared sites, with the URL from their expected JSON."""
    sites = load_sites()
    pages = []
    for saved in sorted(PAGES.glob("*/*.html.gz")):
        stem = saved.name.removesuffix(".html.gz")
        expected = json.loads(saved.with_name(stem + ".json").read_text(encoding="utf-8"))
        site = sites[saved.parent.name]
        html = gzip.decompress(saved.read_bytes())
        pages.append(Page(site, f"{site.name}/{stem}", expected["url"], html))
    return pages


def ours(page: Page) -> None:
    response = HtmlResponse(url=page.url, body=page.html, encoding="utf-8")
    SiteExtractor(page.site).extract(response)


def trafilatura_baseline(page: Page) -> None:
    import trafilatura

    trafilatura.bare_extraction(page.html, url=page.url, with_metadata=True)


def cpu_seconds(run: Callable[[Page], None], page: Page, repeats: int) -> float:
    """Median process CPU seconds of ``run(page)`` over ``repeats`` runs after one warm-up."""
    run(page)
    times = []
    for _ in range(repeats):
        started = time.process_time()
        run(page)
        times.append(time.process_time() - started)
    return statistics.median(times)


@dataclass(frozen=True)
class Row:
    page: str
    ours_ms: float
    trafilatura_ms: float

    @property
    def ratio(self) -> float:
        return self.ours_ms / self.trafilatura_ms


def measure(pages: list[Page], repeats: int) -> list[Row]:
    """One row per page: median CPU milliseconds of ours and of trafilatura."""
    return [
        Row(
            page.name,
            1000 * cpu_seconds(ours, page, repeats),
            1000 * cpu_seconds(trafilatura_baseline, page, repeats),
        )
        for page in pages
    ]


def summary(rows: list[Row], repeats: int) -> dict[str, object]:
    ours_total = sum(r.ours_ms for r in rows)
    theirs_total = sum(r.trafilatura_ms for r in rows)
    return {
        "pages": len(rows),
        "repeats": repeats,
        "median_ratio": round(statistics.median(r.ratio for r in rows), 4),
        "total_ratio": round(ours_total / theirs_total, 4),
        "ours_ms_per_page": round(ours_total / len(rows), 3),
        "trafilatura_ms_per_page": round(theirs_total / len(rows), 3),
        "rows": [{**asdict(r), "ratio": round(r.ratio, 4)} for r in rows],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--json", type=Path, help="write the per-page figures here")
    parser.add_argument("--verbose", action="store_true", help="print one line per page")
    args = parser.parse_args()
    rows = measure(real_pages(), args.repeats)
    for row in rows if args.verbose else []:
        print(
            f"{row.page:45s} ours {row.ours_ms:7.2f} ms  "
            f"trafilatura {row.trafilatura_ms:7.2f} ms  ratio {row.ratio:.3f}"
        )
    report = summary(rows, args.repeats)
    print(
        f"declared sites: {report['pages']} real pages x {report['repeats']} "
        f"(median CPU per page): ours {report['ours_ms_per_page']:.2f} ms/page, "
        f"trafilatura {report['trafilatura_ms_per_page']:.2f} ms/page; "
        f"ours/trafilatura median {report['median_ratio']:.3f}, total {report['total_ratio']:.3f}"
    )
    if args.json:
        args.json.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
