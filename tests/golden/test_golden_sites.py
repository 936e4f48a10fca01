"""Golden tests: every declared site's saved pages give exactly the expected article.

Each site has a folder ``tests/fixtures/sites/<site>/`` of ``<name>.json`` files
holding the expected fields, with the page beside it as ``<name>.html`` or
``<name>.html.gz`` (or named by a ``page`` key, relative to the repository).

Pages of real publishers carry ``"compare": "score"``: their expected values are the
truth of ``../shared/evaldata`` and are compared as its ``score.py`` does (with
``crawler/eval/scoring.py``, the metrics of ``newsdesk eval``): title exact after whitespace
normalisation, published on the same day, authors as a normalised set, body by 4-gram
shingle F1 of at least
``BODY_F1_FLOOR``. Other pages must match exactly.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest
from scrapy.http import HtmlResponse

from crawler.eval.scoring import authors_exact, body_scores, page_counts, same_day, title_exact
from crawler.extract.article import build_article
from crawler.sites import load_sites
from tests.conftest import FIXTURES, ROOT, SHARED

SITES = load_sites()
CASES = sorted((FIXTURES / "sites").glob("*/*.json"))
COMPARED = ("title", "published", "dateline_source", "authors", "section", "body")
BODY_F1_FLOOR = 0.98


def load_case(path: Path) -> tuple[dict[str, Any], bytes]:
    expected = json.loads(path.read_text(encoding="utf-8"))
    if "page" in expected:
        return expected, (ROOT / expected["page"]).read_bytes()
    page = path.with_suffix(".html")
    if page.exists():
        return expected, page.read_bytes()
    return expected, gzip.decompress(path.with_suffix(".html.gz").read_bytes())


def extract(site: str, expected: dict[str, Any], html: bytes) -> dict[str, Any]:
    response = HtmlResponse(url=expected["url"], body=html, encoding="utf-8")
    return dict(build_article(response, SITES[site]))


@pytest.mark.parametrize("site", sorted(SITES))
def test_every_site_has_a_saved_page(site: str) -> None:
    assert list((FIXTURES / "sites" / site).glob("*.json")), f"no golden page for site {site!r}"


@pytest.mark.parametrize("site", sorted(SITES))
def test_start_urls_are_listing_pages_not_articles(site: str) -> None:
    for url in SITES[site].start_urls:
        assert not SITES[site].is_article(url), url


def test_real_publisher_comparison_rejects_a_wrong_article() -> None:
    expected, html = load_case(FIXTURES / "sites/reuters/us_Reuters_2024_03_07.json")
    article = extract("reuters", expected, html)
    assert_scores(expected, article)
    paragraphs = article["body"].split("\n\n")
    for wrong in (
        {"body": "\n\n".join(paragraphs[: len(paragraphs) * 9 // 10])},
        {"title": article["title"] + " | Reuters"},
        {"published": "2024-03-08T12:00:00+00:00"},
        {"authors": ["Maya Gebeily"]},
    ):
        with pytest.raises(AssertionError):
            assert_scores(expected, {**article, **wrong})


@pytest.mark.parametrize("path", CASES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_saved_page_gives_expected_article(path: Path) -> None:
    expected, html = load_case(path)
    assert SITES[path.parent.name].is_article(expected["url"]), "not an article URL of its site"
    article = extract(path.parent.name, expected, html)
    if expected.get("compare") == "score":
        assert_scores(expected, article)
        return
    if "body_paragraphs" in expected:
        expected.setdefault("body", "\n\n".join(expected["body_paragraphs"]))
    for field in COMPARED:
        if field in expected:
            assert article.get(field) == expected[field], field
    for line in expected.get("boilerplate_on_page", []):
        for field, value in article.items():
            assert line not in str(value), f"boilerplate {line!r} in {field}"


def assert_scores(expected: dict[str, Any], article: dict[str, Any]) -> None:
    """Compare with a real publisher's truth the way the evaluation scorer does."""
    assert title_exact(expected["title"], article.get("title")), article.get("title")
    assert same_day(expected["published"], article.get("published")), article.get("published")
    if "authors" in expected:
        assert authors_exact(expected["authors"], article.get("authors")), article.get("authors")
    f1 = body_scores([page_counts(expected["body"], article.get("body") or "")])["f1"]
    assert f1 >= BODY_F1_FLOOR, f"body F1 {f1:.4f}"


def test_seed_fixture_is_the_seed_article() -> None:
    seed = SHARED / "seed" / "eirns-20220430-article.json"
    if not seed.exists():
        pytest.skip("shared/seed is not beside this checkout")
    fixture = FIXTURES / "sites/eirns/20220430_nato-thinks-its-at-war-with-russia.json"
    stored = json.loads(fixture.read_text(encoding="utf-8"))
    stored.pop("url")
    assert stored == json.loads(seed.read_text(encoding="utf-8"))


def test_seed_article_provenance_names_the_dateline() -> None:
    expected, html = load_case(
        FIXTURES / "sites/eirns/20220430_nato-thinks-its-at-war-with-russia.json"
    )
    article = extract("eirns", expected, html)
    assert article["provenance"]["published"] == "dateline"
    assert article["provenance"]["title"] == "selector"
    assert article["body"].startswith("April 30, 2022 (EIRNS)—In an April 29 interview")
