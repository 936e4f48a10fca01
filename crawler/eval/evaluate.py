"""``newsdesk eval``: run an extractor over a folder of saved pages and score it.

A dataset folder holds ``<id>.html.gz`` pages and a ``truth.jsonl`` with one
JSON object per page (``id``, ``url`` and the annotated fields). Each page is
extracted by one of :data:`EXTRACTORS` into a prediction
``{"body", "title", "authors", "date"}`` and scored by :mod:`crawler.eval.scoring`.
"""

from __future__ import annotations

import gzip
import json
import logging
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scrapy.http import HtmlResponse

from crawler.eval import EXTRACTORS
from crawler.eval.scoring import Tally
from crawler.extract.article import Refused, build_article
from crawler.extract.site import SiteExtractor
from crawler.sites import Site, load_sites

Prediction = dict[str, Any]
Extractor = Callable[[bytes, str], Prediction]
PLACEHOLDER_URL = "http://localhost/"
MAX_PAGE_BYTES = 10 * 1024 * 1024
logger = logging.getLogger(__name__)


class DatasetError(ValueError):
    """A dataset folder or its truth file cannot be read; the message names it."""


@dataclass
class Page:
    truth: dict[str, Any]
    html: bytes

    @property
    def id(self) -> str:
        return str(self.truth["id"])

    @property
    def url(self) -> str:
        url = self.truth.get("url")
        return url if isinstance(url, str) and url.startswith("http") else PLACEHOLDER_URL


def read_truth(folder: Path) -> list[dict[str, Any]]:
    """The rows of ``folder/truth.jsonl``; :class:`DatasetError` names a bad file or line."""
    path = folder / "truth.jsonl"
    if not path.is_file():
        raise DatasetError(f"{path}: no truth.jsonl in the dataset folder")
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except ValueError as exc:
            raise DatasetError(f"{path}:{number}: invalid JSON: {exc}") from None
        if not isinstance(row, dict) or not isinstance(row.get("id"), str):
            raise DatasetError(f"{path}:{number}: a row needs a string 'id'")
        rows.append(row)
    return rows


def pages(folder: Path) -> Iterator[Page]:
    """Every page of the dataset that has its ``<id>.html.gz``, in truth order."""
    for row in read_truth(folder):
        path = folder / f"{row['id']}.html.gz"
        try:
            with gzip.open(path, "rb") as handle:
                yield Page(row, handle.read(MAX_PAGE_BYTES + 1))
        except (OSError, EOFError) as exc:
            raise DatasetError(f"{path}: cannot read page: {exc}") from None


def response_for(html: bytes, url: str) -> HtmlResponse:
    """A response for saved page bytes: UTF-8 when they decode as UTF-8, else as declared.

    Saved pages carry no HTTP headers, and some were re-encoded to UTF-8 while
    keeping their original ``<meta charset>``; valid UTF-8 is a reliable sign.
    """
    try:
        html.decode("utf-8")
    except UnicodeDecodeError:
        return HtmlResponse(url=url, body=html)
    return HtmlResponse(url=url, body=html, encoding="utf-8")


def prediction(article: dict[str, Any]) -> Prediction:
    """The scorer's fields from an extracted article."""
    return {
        "body": article.get("body") or "",
        "title": article.get("title") or "",
        "authors": list(article.get("authors") or []),
        "date": article.get("published") or "",
    }


def extract_generic(html: bytes, url: str) -> Prediction:
    return extract(response_for(html, url), None)


def extract(
    response: HtmlResponse, site: Site | None, extractor: SiteExtractor | None = None
) -> Prediction:
    """The prediction for a page: the article the crawl would store, by the same step
    (:func:`~crawler.extract.article.build_article`); a refused page predicts nothing."""
    try:
        return prediction(dict(build_article(response, site, extractor)))
    except Refused:
        return prediction({})


class SiteOrGeneric:
    """The declared site whose domains match the page URL, else the generic extractor."""

    def __init__(self, sites: dict[str, Site] | None = None) -> None:
        declared = sites if sites is not None else load_sites()
        self.extractors = {site.name: SiteExtractor(site) for site in declared.values()}
        self.sites = list(declared.values())

    def site_for(self, url: str) -> Site | None:
        return next((site for site in self.sites if site.owns(url)), None)

    def __call__(self, html: bytes, url: str) -> Prediction:
        site = self.site_for(url)
        extractor = self.extractors[site.name] if site is not None else None
        return extract(response_for(html, url), site, extractor)


def extract_trafilatura(html: bytes, url: str) -> Prediction:
    """Plain trafilatura with its metadata, default options."""
    import trafilatura

    document = trafilatura.bare_extraction(html, url=url, with_metadata=True)
    if document is None:
        return {"body": "", "title": "", "authors": [], "date": ""}
    author = getattr(document, "author", None) or ""
    return {
        "body": getattr(document, "text", None) or "",
        "title": getattr(document, "title", None) or "",
        "authors": [a.strip() for a in author.split(";") if a.strip()],
        "date": getattr(document, "date", None) or "",
    }


def make_extractor(name: str, sites_dir: str | None = None) -> Extractor:
    if name == "site":
        return SiteOrGeneric(load_sites(sites_dir))
    if name == "generic":
        return extract_generic
    if name == "trafilatura":
        return extract_trafilatura
    raise ValueError(f"unknown extractor {name!r} (known: {', '.join(EXTRACTORS)})")



@dataclass(frozen=True)
class Miss:
    """A field one page got wrong: what the extractor gave and what the truth says."""

    page: str
    field: str
    got: Any
    want: Any


@dataclass
class Report:
    """What one evaluation measured."""

    dataset: str
    extractor: str
    pages: int = 0
    failures: int = 0
    seconds: float = 0.0
    scores: dict[str, Any] = field(default_factory=dict)
    misses: list[Miss] = field(default_factory=list)

    @property
    def pages_per_second(self) -> float:
        return self.pages / self.seconds if self.seconds else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "dataset": self.dataset,
            "extractor": self.extractor,
            "pages": self.pages,
            "failures": self.failures,
            "seconds": round(self.seconds, 3),
            "pages_per_second": round(self.pages_per_second, 2),
            **self.scores,
        }


def evaluate(
    folder: Path,
    extractor: str = "generic",
    predictions_dir: Path | None = None,
    sites_dir: str | None = None,
    on_page: Callable[[], None] | None = None,
) -> Report:
    """Extract every page of ``folder`` and score the predictions; ``on_page`` is called
    after each page (progress).

    A page whose extraction raises counts as an empty prediction and a failure
    (logged with its id): a benchmark run is not stopped by one bad page.
    """
    extract = make_extractor(extractor, sites_dir)
    report, tally = Report(folder.name, extractor), Tally()
    if predictions_dir is not None:
        predictions_dir.mkdir(parents=True, exist_ok=True)
    for page in pages(folder):
        started = time.perf_counter()
        predicted = run_one(extract, page, report)
        report.seconds += time.perf_counter() - started
        report.pages += 1
        for name in tally.add(page.truth, predicted):
            report.misses.append(Miss(page.id, name, predicted.get(name), page.truth[name]))
        if predictions_dir is not None:
            target = predictions_dir / f"{page.id}.json"
            target.write_text(json.dumps(predicted, ensure_ascii=False), encoding="utf-8")
        if on_page is not None:
            on_page()
    report.scores = tally.summary()
    return report


def run_one(extract: Extractor, page: Page, report: Report) -> Prediction:
    if len(page.html) > MAX_PAGE_BYTES:
        logger.warning("page %s is over %d bytes; not extracted", page.id, MAX_PAGE_BYTES)
        report.failures += 1
        return {}
    try:
        return extract(page.html, page.url)
    except Exception:  # boundary: one page's failure must not end the run
        logger.exception("extraction failed on page %s (%s)", page.id, page.url)
        report.failures += 1
        return {}


def format_misses(report: Report, fields: Iterable[str]) -> str:
    """One line per missed field among ``fields``: the page, what we gave, the truth.

    >>> print(format_misses(Report("d", "generic", misses=[Miss("p1", "date", None, "2024-05-03")]),
    ...                     ["date"]))
    date     p1: got None, want '2024-05-03'
    """
    wanted = set(fields)
    return "\n".join(
        f"{m.field:<8} {m.page}: got {m.got!r}, want {m.want!r}"
        for m in report.misses
        if m.field in wanted
    )


def format_report(report: Report) -> str:
    """The report as the lines ``newsdesk eval`` prints."""
    s = report.scores
    lines = [f"{report.dataset} [{report.extractor}]: {report.pages} pages"]
    if "body" in s:
        b = s["body"]
        lines.append(
            f"body    P {b['precision']:.3f}  R {b['recall']:.3f}  F1 {b['f1']:.3f}"
            f"  (n={b['pages']})"
        )
    if "body_snippets" in s:
        b = s["body_snippets"]
        lines.append(f"snippets P {b['precision']:.3f}  R {b['recall']:.3f}  F1 {b['f1']:.3f}")
    for name, label in (("title", "exact"), ("date", "same day"), ("authors", "exact set")):
        if name in s:
            lines.append(f"{name:<7} {label} {s[name]['rate']:.3f}  (n={s[name]['pages']})")
    lines.append(
        f"speed   {report.pages_per_second:.1f} pages/s  ({report.seconds:.2f} s extracting"
        f", {report.failures} failures)"
    )
    return "\n".join(lines)
