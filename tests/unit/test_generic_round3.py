"""Generic extraction: escaped JSON-LD text, which heading is the title, teasers after the story."""

from __future__ import annotations

from typing import Any

from scrapy.http import HtmlResponse

from crawler.extract.generic import GenericPage, fill

URL = "https://www.coastline-courier.test/2026/11/story.html"
STORY = (
    "The harbour board met on Tuesday evening and agreed to reopen the old ferry slip. "
    'Its chair said the "long wait" was over for the island villages, and that the '
    "first crossing would run in the spring once the ramp had been rebuilt and tested."
)


def extract(html: str) -> dict[str, Any]:
    article: dict[str, Any] = {}
    fill(article, GenericPage(HtmlResponse(url=URL, body=html.encode())))
    return article


def test_json_ld_text_escaped_twice_is_read_as_the_page_shows_it() -> None:
    escaped = STORY.replace('"', "&amp;quot;").replace("'", "&amp;#39;")
    html = f"""<html><head><script type="application/ld+json">
    {{"@type": "NewsArticle", "headline": "Ferry slip to reopen &amp;amp; be rebuilt",
     "articleBody": "&lt;p&gt;{escaped}&lt;/p&gt;"}}</script></head>
    <body><h1>Ferry slip to reopen &amp; be rebuilt</h1><p>{STORY}</p></body></html>"""
    article = extract(html)
    assert article["provenance"]["body"] == "json-ld"
    assert article["body"] == STORY
    assert article["title"] == "Ferry slip to reopen & be rebuilt"


def test_a_blogs_name_in_the_only_h1_is_not_the_title() -> None:
    html = """<html><head><title>Notes from the Shore: Winter birds on the mudflats</title></head>
    <body><header><h1 class="site-title"><a href="https://www.coastline-courier.test/">Notes
    from the Shore</a></h1></header>
    <article><h2 class="entry-title">Winter birds on the mudflats</h2>
    <p>Every January the knots come back to the estuary.</p></article></body></html>"""
    assert extract(html)["title"] == "Winter birds on the mudflats"


def test_the_story_h1_beside_the_blogs_name_is_the_title() -> None:
    html = """<html><head><title>Winter birds | Notes from the Shore</title></head><body>
    <h1><a href="/" rel="home">Notes from the Shore</a></h1>
    <h1 class="entry-title">Winter birds on the mudflats…</h1>
    <p>Every January the knots come back to the estuary.</p></body></html>"""
    assert extract(html)["title"] == "Winter birds on the mudflats…"


TEASERS = """<p><b>Related stories</b></p>
    <p><a href="/2026/11/bridge.html">Harbour bridge to close for repairs in March</a></p>
    <p><a href="/2026/11/tides.html">Tide tables change for the winter season</a></p>"""


def test_related_stories_after_the_story_are_not_body() -> None:
    paragraphs = "".join(f"<p>{sentence}</p>" for sentence in STORY.replace(". ", ".|").split("|"))
    html = f"""<html><head><title>Ferry slip to reopen</title></head><body>
    <nav><a href="/">Home</a></nav><article><h1>Ferry slip to reopen</h1>{paragraphs}
    {TEASERS}</article></body></html>"""
    body = extract(html)["body"]
    assert body.startswith("The harbour board met") and body.endswith("rebuilt and tested.")
    for teaser in ("Related stories", "Harbour bridge to close", "Tide tables change"):
        assert teaser not in body
