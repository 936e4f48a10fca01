"""Generic extraction on pages of a site nobody declared, and as a declared site's fallback."""

from __future__ import annotations

from typing import Any

import pytest
from scrapy.http import HtmlResponse

from crawler.extract.generic import GenericPage, fill
from crawler.extract.site import SiteExtractor
from crawler.sites import parse_site
from tests.conftest import FIXTURES

PAGES = FIXTURES / "undeclared" / "2026" / "11"
ORIGIN = "https://www.coastline-courier.test/2026/11/"


def page(name: str, body: bytes | None = None) -> GenericPage:
    html = body if body is not None else (PAGES / name).read_bytes()
    return GenericPage(HtmlResponse(url=ORIGIN + name, body=html))


def extract(name: str, body: bytes | None = None) -> dict[str, Any]:
    article: dict[str, Any] = {}
    fill(article, page(name, body))
    return article


def test_json_ld_graph_gives_the_article_fields() -> None:
    article = extract("harbour-dredging-plan-approved.html")
    assert article["title"] == "Harbour dredging plan approved after two-year wait"
    assert article["authors"] == ["Maria Santos"]  # no "By", no outlet beside a person
    assert article["published"] == "2026-11-19T08:30:00+00:00"
    assert article["modified"] == "2026-11-19T12:05:00+00:00"
    assert article["tags"] == ["Harbour", "Shipping", "Port authority"]
    assert article["image"] == "https://www.coastline-courier.test/media/2026/11/dredger.jpg"
    assert article["language"] == "en-GB"
    assert article["provenance"]["title"] == "json-ld"
    assert article["provenance"]["lead"] == "opengraph"
    assert article["provenance"]["body"] == "trafilatura"


def test_body_is_the_story_without_boilerplate() -> None:
    body = extract("harbour-dredging-plan-approved.html")["body"]
    paragraphs = body.split("\n\n")
    assert paragraphs[0].startswith("The port authority has approved a plan")
    assert paragraphs[-1].startswith("The authority expects the deeper channel")
    for noise in ("Share this article", "Advertisement", "Sign up", "Most read", "©", "Ferry"):
        assert noise not in body


def test_invalid_json_ld_falls_back_to_meta_tags() -> None:
    article = extract("lighthouse-keepers-cottage-reopens.html")
    assert article["title"] == "Lighthouse keeper's cottage reopens as a museum"
    assert article["authors"] == ["Ann Lee", "Bo Chen"]  # outlet dropped beside people
    assert article["published"] == "2026-11-12T17:45:00+01:00"
    assert article["section"] == "Culture"
    assert article["provenance"]["published"] == "meta"
    assert "Read more" not in article["body"] and "Lovely to see" not in article["body"]


@pytest.mark.parametrize(
    "body",
    [b"", b"   \n", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", b"<html><body><p>Hi</p></body></html>"],
    ids=["empty", "blank", "binary", "tiny"],
)
def test_bad_documents_give_what_they_can_without_raising(body: bytes) -> None:
    article = extract("bad.html", body)
    assert "body" not in article  # too little to be an article: the pipeline drops it


def test_broken_encoding_still_extracts() -> None:
    article = extract("pier-cafe-reopens.html")
    title = article["title"]
    assert title.startswith("Caf") and title.endswith("reopens after the storm")
    assert "whitewashed cottage" in article["body"]


def test_main_text_is_not_extracted_when_the_body_is_already_known() -> None:
    generic = page("harbour-dredging-plan-approved.html")
    article: dict[str, Any] = {"body": "Known body.", "title": "Known"}
    fill(article, generic)
    assert article["body"] == "Known body." and "body" not in article["provenance"]
    assert "body" not in generic.__dict__ and "title" not in generic.__dict__
    assert article["provenance"]["authors"] == "json-ld"


def test_declared_selectors_come_first_and_generic_fills_the_rest() -> None:
    site = parse_site(
        {
            "name": "courier",
            "domains": ["coastline-courier.test"],
            "start_urls": ["https://www.coastline-courier.test/"],
            "urls": {"article": [r"^/\d{4}/"]},
            "selectors": {"title": ["article h1"], "body": ["article > p"], "tags": [".nope"]},
        },
        "courier.toml",
    )
    html = (PAGES / "harbour-dredging-plan-approved.html").read_bytes()
    response = HtmlResponse(url=ORIGIN + "harbour-dredging-plan-approved.html", body=html)
    article = SiteExtractor(site).extract(response)
    provenance = article["provenance"]
    assert provenance["title"] == "selector" and provenance["body"] == "selector"
    assert provenance["authors"] == "json-ld" and article["authors"] == ["Maria Santos"]
    assert provenance["tags"] == "json-ld"  # the declared selector found nothing
    assert provenance["published"] == "json-ld"
    # the selectors' text as declared, not trafilatura's
    assert article["body"].startswith("By Maria Santos") and "Sign up for our" in article["body"]


def test_title_suffix_is_removed_when_it_came_from_the_page_title() -> None:
    html = b"""<html><head><title>Tide tables change for winter | Coastline Courier</title>
    <meta property="og:site_name" content="Coastline Courier"></head>
    <body><div>Menu</div></body></html>"""
    assert extract("t.html", html)["title"] == "Tide tables change for winter"


def test_json_ld_headline_loses_the_site_name_suffix() -> None:
    html = b"""<html><head><script type="application/ld+json">
    {"@type": "NewsArticle", "headline": "Tide tables change for winter - Coastline Courier",
     "publisher": {"@type": "Organization", "name": "Coastline Courier"}}</script></head>
    <body><div>Menu</div></body></html>"""
    article = extract("t.html", html)
    assert article["title"] == "Tide tables change for winter"
    assert article["provenance"]["title"] == "json-ld"


WEB_PAGE_LD = """<script type="application/ld+json">{"@graph": [{"@type": "WebPage",
    "name": "Heat pumps: costs and grants", "datePublished": "2022-03-09"}]}</script>"""


@pytest.mark.parametrize("structured", ["", WEB_PAGE_LD], ids=["no-json-ld", "web-page-json-ld"])
def test_a_page_without_article_metadata_is_titled_by_its_only_h1(structured: str) -> None:
    html = f"""<html><head><title>Heat pumps: costs and grants | Coastline Courier</title>
    <meta property="og:title" content="Heat pumps: costs and grants">{structured}</head>
    <body><h1>Is a heat pump worth it in an old house?</h1><p>Text</p></body></html>"""
    article = extract("t.html", html.encode())
    assert article["title"] == "Is a heat pump worth it in an old house?"
    assert article["provenance"]["title"] == "heuristic"


def test_a_news_article_keeps_its_metadata_headline_over_the_h1() -> None:
    html = """<html><head><script type="application/ld+json">
    {"@type": "NewsArticle", "headline": "Harbour bridge to close for repairs in March"}</script>
    <meta property="og:title" content="Harbour bridge to close for repairs in March"></head>
    <body><h1>Bridge closure: what drivers need to know</h1></body></html>"""
    article = extract("t.html", html.encode())
    assert article["title"] == "Harbour bridge to close for repairs in March"
    assert article["provenance"]["title"] == "json-ld"


def test_the_page_title_is_not_read_from_svg_icons() -> None:
    html = b"""<html><head><title>Tide tables change for winter</title></head>
    <body><svg><title>Arrow</title></svg><div>Menu</div>
    <svg xmlns="http://www.w3.org/2000/svg"><title>Email</title></svg></body></html>"""
    assert extract("t.html", html)["title"] == "Tide tables change for winter"


def test_without_date_metadata_the_dateline_under_the_headline_is_the_date() -> None:
    html = """<html><head><title>Harbour bridge to close</title></head><body>
    <div class="ticker"><span class="date">02.03.2024</span> Tide tables</div>
    <h1>Harbour bridge to close for repairs</h1><div class="byline">Jane Doe</div>
    <div class="dateline">19.10.2019, 05:00</div><p>The bridge closes in March.</p>
    </body></html>"""
    article = extract("t.html", html.encode())
    assert article["published"] == "2019-10-19"
    assert article["provenance"]["published"] == "heuristic"


def test_the_dateline_decides_the_day_of_a_utc_time_near_midnight() -> None:
    html = """<html><head><script type="application/ld+json">
    {"@type": "NewsArticle", "headline": "Dance company opens its season",
     "datePublished": "2019-10-18T22:30:00Z"}</script></head><body>
    <h1>Dance company opens its season</h1><p>19.10.2019, 00:30</p>
    <p>The season opens with a new piece.</p></body></html>"""
    assert extract("t.html", html.encode())["published"] == "2019-10-19"


def test_a_teaser_article_beside_the_story_does_not_date_it() -> None:
    html = """<html><head><title>Desoldering, done properly</title></head><body>
    <main><h1>Desoldering, done properly</h1><p class="meta">22.10.2019</p>
    <p>Old boards are worth saving.</p></main>
    <aside><article><h2>Older post</h2><time datetime="2009-04-11T18:06:36">April 2009</time>
    </article></aside></body></html>"""
    assert extract("t.html", html.encode())["published"] == "2019-10-22"


def dated(published: str, modified: str = "") -> bytes:
    modified_tag = f'<meta property="article:modified_time" content="{modified}">'
    return (
        f'<html><head><meta property="article:published_time" content="{published}">'
        f"{modified_tag if modified else ''}</head><body><div>Menu</div></body></html>"
    ).encode()


@pytest.mark.parametrize(
    ("published", "modified", "expected"),
    [
        # the page's other timestamp gives its offset: same instant, local calendar day
        ("2026-11-18T23:30:00Z", "2026-11-19T09:00:00+01:00", "2026-11-19T00:30:00+01:00"),
        # exactly 23:00 UTC and no offset anywhere: a date stored as local midnight
        ("2026-11-18T23:00:00.000Z", "", "2026-11-19T00:00:00+01:00"),
        # an ordinary UTC time stays as it is
        ("2026-11-18T14:12:00Z", "", "2026-11-18T14:12:00+00:00"),
        # dotted numeric dates are day-first
        ("10.12.2022, 07:00:03", "", "2022-12-10T07:00:03"),
    ],
)
def test_published_is_read_in_the_pages_own_time(
    published: str, modified: str, expected: str
) -> None:
    assert extract("d.html", dated(published, modified))["published"] == expected
