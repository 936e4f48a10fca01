"""Generic extraction: which byline source names a page's authors."""

from __future__ import annotations

from typing import Any

from scrapy.http import HtmlResponse

from crawler.extract.generic import GenericPage, fill

URL = "https://www.coastline-courier.test/2026/11/story.html"
HEAD = '<meta property="og:site_name" content="Coastline Courier">'
STORY = "<h1>Ferry slip to reopen</h1><p>The harbour board agreed to reopen the ferry slip.</p>"


def authors(head: str, body: str, url: str = URL) -> list[str] | None:
    article: dict[str, Any] = {}
    page = GenericPage(HtmlResponse(url=url, body=f"<html><head>{head}</head><body>{body}"
                                    "</body></html>".encode()))
    fill(article, page, ("authors",))
    return article.get("authors")


def test_a_person_in_the_byline_beats_an_author_field_naming_the_outlet() -> None:
    byline = '<p class="byline">By <a rel="author" href="/people/ana">Ana Ruiz</a></p>'
    for outlet in ("Coastline Courier", "COASTLINE-COURIER", "Coastline Courier.de"):
        field = f'<meta name="author" content="{outlet}">'
        assert authors(HEAD + field, STORY + byline) == ["Ana Ruiz"]
        # with no person anywhere, the outlet stays the author
        assert authors(HEAD + field, STORY) == [outlet]


def test_an_element_that_says_author_names_the_person_behind_the_outlet() -> None:
    field = '<meta name="author" content="Coastline Courier">'
    byline = '<div class="article__author-name"><a href="/staff/ana">Ana Ruiz</a></div>'
    assert authors(HEAD + field, STORY + byline) == ["Ana Ruiz"]
    # a place or an agency's initials in such an element is no person
    for text in ("Frankfurt", "APA", "Stand: 28. April 2023"):
        other = byline.replace("Ana Ruiz", text)
        assert authors(HEAD + field, STORY + other) == ["Coastline Courier"]


def test_an_author_link_names_the_author_of_a_page_without_bylines() -> None:
    link = '<span class="meta">Posted by <a href="/author/w-aachen/">Walter von Aachen</a></span>'
    assert authors(HEAD, STORY + link) == ["Walter von Aachen"]


def test_a_commenters_name_is_no_author() -> None:
    field = '<meta name="author" content="Coastline Courier">'
    comment = """<ol class="comments"><li><span class="comment-author">Bo Chen</span>
    <p>Good news for the villages.</p></li></ol>
    <form><label class="author">Name *</label><input name="author"></form>"""
    byline = '<p class="meta"><a href="/autor/ana-ruiz">Ana Ruiz</a></p>'
    assert authors(HEAD + field, STORY + comment + byline) == ["Ana Ruiz"]


def test_a_personal_sites_owner_named_as_its_host_is_the_author() -> None:
    field = '<meta name="author" content="Ana Ruiz">'
    other = '<div class="author-box"><a href="/author/bo/">Bo Chen</a></div>'
    assert authors(field, STORY + other, "https://anaruiz.test/notes/1") == ["Ana Ruiz"]


def test_a_phrase_around_a_name_gives_way_to_the_name_alone() -> None:
    byline = '<a rel="author" href="/u/1">View all posts by Daniel Moor</a>'
    named = '<span class="byline">Daniel Moor</span>'
    assert authors("", STORY + byline + named) == ["Daniel Moor"]


def test_a_reference_list_in_the_author_field_gives_way_to_the_papers_author() -> None:
    cited = "".join(f'<meta name="author" content="A. Author{n}">' for n in "ABCDEFGHIJ")
    own = '<meta name="citation_author" content="Marwa H. Adan">'
    assert authors(cited + own, STORY) == ["Marwa H. Adan"]
    # a story by many people in its JSON-LD keeps them all
    many = ", ".join(f'{{"@type": "Person", "name": "Writer {n}"}}' for n in "ABCD")
    ld = f'<script type="application/ld+json">{{"@type": "Article", "author": [{many}]}}</script>'
    assert authors(ld + own, STORY) == [f"Writer {n}" for n in "ABCD"]
