"""Golden tests: every declared site's saved pages give exactly the expected article.

Each site has a folder ``tests/fixtures/sites/<site>/`` of ``<name>.json`` files
holding the expected fields, with the page beside it as ``<name>.html`` (or named
by a ``page`` key, relative to the repository).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from scrapy.http import HtmlResponse

from crawler.extract.site import SiteExtractor
from crawler.sites import load_sites
from tests.conftest import FIXTURES, ROOT, SHARED

SITES = load_sites()
CASES = sorted((FIXTURES / "sites").glob("*/*.json"))
COMPARED = ("title", "published", "dateline_source", "authors", "section", "body")


def load_case(path: Path) -> tuple[dict[str, Any], bytes]:
    expected = json.loads(path.read_text(encoding="utf-8"))
    page = ROOT / expected["page"] if "page" in expected else path.with_suffix(".html")
    return expected, page.read_bytes()


def extract(site: str, expected: dict[str, Any], html: bytes) -> dict[str, Any]:
    response = HtmlResponse(url=expected["url"], body=html, encoding="utf-8")
    return dict(SiteExtractor(SITES[site]).extract(response))


@pytest.mark.parametrize("site", sorted(SITES))
def test_every_site_has_a_saved_page(site: str) -> None:
    assert list((FIXTURES / "sites" / site).glob("*.json")), f"no golden page for site {site!r}"


@pytest.mark.parametrize("path", CASES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_saved_page_gives_expected_article(path: Path) -> None:
    expected, html = load_case(path)
    article = extract(path.parent.name, expected, html)
    if "body_paragraphs" in expected:
        expected.setdefault("body", "\n\n".join(expected["body_paragraphs"]))
    for field in COMPARED:
        if field in expected:
            assert article.get(field) == expected[field], field
    for line in expected.get("boilerplate_on_page", []):
        for field, value in article.items():
            assert line not in str(value), f"boilerplate {line!r} in {field}"


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
