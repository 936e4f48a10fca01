"""Selector induction on real pages: one page of a publisher induces, its other pages are held out.

    python bench/onboard.py [--data ../shared/evaldata/public/fundus] [--repeats 3] [--json OUT]

For each publisher of the dataset with two or more saved pages, and for each of its
pages in turn as the one training page:

* the page is extracted generically and :func:`crawler.sites.onboard.induce.induce_samples`
  induces selectors from it alone (one page: nothing held out during induction, a
  selector is kept when it reproduces the generic value there);
* every other page of the publisher is extracted twice: by the generic extractor alone
  (``GenericPage``, every field, as ``crawl --url`` does) and by ``SiteExtractor`` with the
  induced declaration (its selectors, the generic fallback for what they leave empty).
  Both are scored against the dataset's truth with :mod:`crawler.eval.scoring` (title exact,
  date same day, authors exact, body 4-gram F1), over the same (training, held-out) pairs.

CPU is process time (``time.process_time``) of building the response and extracting,
median of ``--repeats`` runs after a warm-up, both extractors in the same process and
run. A third row times a declaration without selectors (the generic fallback only).
Figures only: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crawler.eval.evaluate import Page, pages, prediction, response_for
from crawler.eval.scoring import Tally
from crawler.extract.site import SiteExtractor
from crawler.sites import Site
from crawler.sites.onboard.induce import (
    FIELDS,
    Induction,
    Sample,
    declaration_selectors,
    induce_samples,
    induced_site,
    sample,
)

ROOT = Path(__file__).resolve().parent.parent
SCORED = ("title", "date", "authors", "body")


@dataclass
class Results:
    """Everything the run measured."""

    generic: Tally = field(default_factory=Tally)
    bare: Tally = field(default_factory=Tally)
    induced: Tally = field(default_factory=Tally)
    runs: int = 0
    found: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))
    fired: dict[str, list[bool]] = field(default_factory=lambda: {f: [] for f in FIELDS})
    title_and_body: dict[str, list[bool]] = field(default_factory=dict)
    cpu: dict[str, list[float]] = field(
        default_factory=lambda: {"generic": [], "no selectors": [], "induced": []}
    )
    body_fired: list[bool] = field(default_factory=list)
    pairs: int = 0


def cpu_seconds(run: Callable[[], object], repeats: int) -> float:
    """Median process CPU seconds of ``run()`` over ``repeats`` runs after one warm-up."""
    run()
    times = []
    for _ in range(repeats):
        started = time.process_time()
        run()
        times.append(time.process_time() - started)
    return statistics.median(times)


def generic_run(page: Page) -> Callable[[], object]:
    return lambda: sample(response_for(page.html, page.url))


def site_run(site: Site, page: Page) -> Callable[[], object]:
    extractor = SiteExtractor(site)
    return lambda: extractor.extract(response_for(page.html, page.url))


def by_publisher(folder: Path) -> dict[str, list[Page]]:
    """The dataset's pages by publisher, publishers with two or more pages only."""
    grouped: dict[str, list[Page]] = {}
    for page in pages(folder):
        grouped.setdefault(str(page.truth.get("publisher") or page.id), []).append(page)
    return {name: found for name, found in sorted(grouped.items()) if len(found) >= 2}


def one_publisher(group: list[Page], results: Results, repeats: int) -> None:
    samples = [sample(response_for(p.html, p.url)) for p in group]
    generic_cpu = [1000 * cpu_seconds(generic_run(p), repeats) for p in group]
    bare = induced_site({})
    bare_cpu = [1000 * cpu_seconds(site_run(bare, p), repeats) for p in group]
    bare_articles = [dict(SiteExtractor(bare).extract(s.response)) for s in samples]
    publisher = str(group[0].truth.get("publisher"))
    for train, trained in enumerate(samples):
        induction = induce_samples([trained])
        note_found(induction, publisher, results)
        site = induced_site(declaration_selectors(induction), language=_language(trained))
        for held, page in enumerate(group):
            if held == train:
                continue
            article = dict(SiteExtractor(site).extract(response_for(page.html, page.url)))
            results.generic.add(page.truth, prediction(samples[held].generic))
            results.bare.add(page.truth, prediction(bare_articles[held]))
            results.induced.add(page.truth, prediction(article))
            for name in induction.rules:
                results.fired[name].append(article["provenance"].get(name) == "selector")
            results.body_fired.append(article["provenance"].get("body") == "selector")
            results.cpu["generic"].append(generic_cpu[held])
            results.cpu["no selectors"].append(bare_cpu[held])
            results.cpu["induced"].append(1000 * cpu_seconds(site_run(site, page), repeats))
            results.pairs += 1


def _language(trained: Sample) -> str | None:
    value = trained.generic.get("language")
    return str(value) if value else None


def note_found(induction: Induction, publisher: str, results: Results) -> None:
    results.runs += 1
    for name in induction.rules:
        results.found[name] += 1
    both = "title" in induction.rules and "body" in induction.rules
    results.title_and_body.setdefault(publisher, []).append(both)


def score_row(name: str, summary: dict[str, Any]) -> str:
    def rate(key: str) -> str:
        value = summary.get(key)
        return f"{value['rate']:.3f}" if value else "-"

    body = summary.get("body") or {}
    scores = " | ".join(f"{body.get(key, 0):.3f}" for key in ("precision", "recall", "f1"))
    return f"| {name} | {rate('title')} | {rate('date')} | {rate('authors')} | {scores} |"


def report(results: Results, publishers: int) -> dict[str, Any]:
    runs = results.runs
    per_publisher = results.title_and_body.values()
    cpu = {k: sum(v) / len(v) for k, v in results.cpu.items() if v}
    timed = zip(results.cpu["induced"], results.cpu["generic"], results.body_fired, strict=True)
    pairs = list(timed)
    ratios = [i / g for i, g, _ in pairs if g]
    fired = [(i, g) for i, g, body in pairs if body]
    missed = [(i, g) for i, g, body in pairs if not body]
    return {
        "publishers": publishers,
        "induction_runs": runs,
        "held_out_pairs": results.pairs,
        "generic": results.generic.summary(),
        "no_selectors": results.bare.summary(),
        "induced": results.induced.summary(),
        "selector_found_share": {f: results.found[f] / runs for f in FIELDS},
        "selector_fired_on_held_out": {
            f: (sum(v) / len(v) if v else None) for f, v in results.fired.items()
        },
        "title_and_body_runs": sum(sum(v) for v in per_publisher) / runs,
        "title_and_body_publishers_any": sum(any(v) for v in per_publisher) / publishers,
        "title_and_body_publishers_all": sum(all(v) for v in per_publisher) / publishers,
        "cpu_ms_per_page": cpu,
        "cpu_induced_over_generic_total": cpu["induced"] / cpu["generic"],
        "cpu_induced_over_generic_median": statistics.median(ratios),
        "cpu_body_selector_filled": _split(fired),
        "cpu_body_left_generic": _split(missed),
    }


def _split(pairs: list[tuple[float, float]]) -> dict[str, float]:
    """Pages, mean induced and generic ms per page, and their ratio, for some pairs."""
    if not pairs:
        return {"pages": 0}
    induced, generic = sum(i for i, _ in pairs), sum(g for _, g in pairs)
    return {
        "pages": len(pairs),
        "induced_ms": induced / len(pairs),
        "generic_ms": generic / len(pairs),
        "ratio": induced / generic,
    }


def print_report(figures: dict[str, Any]) -> None:
    print(
        f"{figures['publishers']} publishers with 2+ pages, {figures['induction_runs']} one-page "
        f"inductions, {figures['held_out_pairs']} (training, held-out) page pairs\n"
    )
    print("| extractor | title exact | date same-day | authors exact | body P | body R | body F1 |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    print(score_row("generic alone", figures["generic"]))
    print(score_row("declaration without selectors", figures["no_selectors"]))
    print(score_row("induced declaration", figures["induced"]))
    print("\n| field | selector induced (share of runs) | selector filled the held-out page |")
    print("| --- | --- | --- |")
    for name in FIELDS:
        fired = figures["selector_fired_on_held_out"][name]
        shown = f"{fired:.3f}" if fired is not None else "-"
        print(f"| {name} | {figures['selector_found_share'][name]:.3f} | {shown} |")
    print(
        f"\ntitle and body selectors: {figures['title_and_body_runs']:.3f} of runs; "
        f"publishers with both from every page {figures['title_and_body_publishers_all']:.3f}, "
        f"from at least one page {figures['title_and_body_publishers_any']:.3f}"
    )
    cpu = figures["cpu_ms_per_page"]
    print(
        f"CPU per held-out page: generic {cpu['generic']:.2f} ms, declaration without "
        f"selectors {cpu['no selectors']:.2f} ms, induced {cpu['induced']:.2f} ms; induced/"
        f"generic total {figures['cpu_induced_over_generic_total']:.3f}, median "
        f"{figures['cpu_induced_over_generic_median']:.3f}"
    )
    for key, label in (
        ("cpu_body_selector_filled", "the body selector filled the page"),
        ("cpu_body_left_generic", "the body left to the generic fallback"),
    ):
        split = figures[key]
        if split["pages"]:
            print(
                f"  {label}: {split['pages']} pages, induced {split['induced_ms']:.2f} ms vs "
                f"generic {split['generic_ms']:.2f} ms, ratio {split['ratio']:.3f}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared/evaldata/public/fundus")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--limit", type=int, default=0, help="only the first N publishers")
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    groups = by_publisher(args.data)
    if args.limit:
        groups = dict(list(groups.items())[: args.limit])
    results = Results()
    for group in groups.values():
        one_publisher(group, results, args.repeats)
    figures = report(results, len(groups))
    print_report(figures)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
