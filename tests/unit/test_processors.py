"""Text processors, the article loader and URL canonicalisation, beyond their doctests."""

from __future__ import annotations

import pytest
from itemloaders.processors import Compose, Join, MapCompose, TakeFirst
from scrapy.loader import ItemLoader

from crawler.extract.loaders import ArticleLoader
from crawler.extract.processors import (
    compile_boilerplate,
    drop_boilerplate,
    normalize_text,
    parse_date,
    parse_dateline,
    split_authors,
    strip_byline,
    unique,
)
from crawler.items import Article
from crawler.urls import canonicalize


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("a\u00a0b", "a b"),
        ("line one\nline   two", "line one line two"),
        ("zero\u200bwidth\ufeff", "zerowidth"),
        ("e\u0301", "é"),
        ("&nbsp;", "&nbsp;"),  # entities are the HTML parser's job, not ours
    ],
)
def test_normalize_text(raw: str, clean: str) -> None:
    assert normalize_text(raw) == clean


@pytest.mark.parametrize(
    "line",
    ["Go to home page", "Back to top    Go to home page clear", "clear", "  back to TOP  "],
)
def test_boilerplate_lines_are_dropped(line: str) -> None:
    ctx = {"boilerplate": compile_boilerplate(["Go to home page", r"Back to top\b.*", "clear"])}
    assert drop_boilerplate(normalize_text(line) or "", ctx) is None


@pytest.mark.parametrize(
    "line", ["The committee will clear the backlog.", "Go to home page for more, he said."]
)
def test_article_lines_mentioning_boilerplate_words_stay(line: str) -> None:
    ctx = {"boilerplate": compile_boilerplate(["Go to home page", "clear"])}
    assert drop_boilerplate(line, ctx) == line


@pytest.mark.parametrize(
    ("byline", "authors"),
    [
        ("By Jane Doe", ["Jane Doe"]),
        ("By Jane Doe and Omar Haddad", ["Jane Doe", "Omar Haddad"]),
        ("BY: Ann Lee, Bo Chen & Zoë Martínez", ["Ann Lee", "Bo Chen", "Zoë Martínez"]),
    ],
)
def test_bylines_become_author_lists(byline: str, authors: list[str]) -> None:
    assert split_authors(strip_byline(byline)) == authors


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("2026-11-18T07:45:00Z", "2026-11-18T07:45:00+00:00"),
        ("2026-11-18", "2026-11-18"),
        ("Nov. 18, 2026", "2026-11-18"),
        ("November 18, 2026", "2026-11-18"),
        ("18 November 2026", "2026-11-18"),
        ("", None),
        ("yesterday-ish", None),
    ],
)
def test_parse_date(text: str, iso: str | None) -> None:
    assert parse_date(text) == iso


def test_dateline_with_en_dash_and_other_agency() -> None:
    assert parse_dateline("March 3, 2021 (AP) – The") == ("2021-03-03", "AP")


@pytest.mark.parametrize(
    ("variant", "canonical"),
    [
        ("https://www.example.com/news/a.html", "https://example.com/news/a.html"),
        ("https://EXAMPLE.com/news/a.html#comments", "https://example.com/news/a.html"),
        (
            "https://example.com/news/a.html?utm_source=x&utm_medium=y",
            "https://example.com/news/a.html",
        ),
        ("https://example.com/news/a.html/", "https://example.com/news/a.html"),
        ("https://example.com:443/news/a.html?fbclid=abc", "https://example.com/news/a.html"),
        ("https://example.com/story?id=7&utm_campaign=z", "https://example.com/story?id=7"),
        ("http://example.com:8080/x.html", "http://example.com:8080/x.html"),
    ],
)
def test_canonicalize(variant: str, canonical: str) -> None:
    assert canonicalize(variant) == canonical


def test_canonicalize_keeps_distinct_stories_distinct() -> None:
    assert canonicalize("https://example.com/story?id=7") != canonicalize(
        "https://example.com/story?id=8"
    )
    assert canonicalize("https://example.com/world/") != canonicalize("https://example.com/world")


class ItemLoaderArticle(ItemLoader):
    """The article loader as itemloaders composes it: the reference ArticleLoader keeps to."""

    default_item_class = Article
    default_input_processor = MapCompose(normalize_text)
    default_output_processor = TakeFirst()
    title_in = lead_in = body_in = MapCompose(normalize_text, drop_boilerplate)
    body_out = Join("\n\n")
    authors_in = MapCompose(normalize_text, strip_byline, split_authors)
    authors_out = tags_out = Compose(unique)
    published_in = modified_in = MapCompose(normalize_text, parse_date)


LOADER_VALUES = {
    "title": [["  Back to top "], [" A  headline\u200b", "Second"], []],
    "body": [["Share this article now", "First\u00a0paragraph.", " ", "Back to top"], ["x"]],
    "authors": [["By Jane Doe and Ann Lee", "Ann Lee; Omar"], ["By ", ""], ["Bylines Weekly"]],
    "tags": [["a", " a ", "B", ""], []],
    "published": [["not a date", "April 30, 2022"], ["3 March 2021"], ["  "]],
    "modified": [["2026-11-18T07:45:00Z"]],
    "section": [["", "World "], ["  "]],
    "language": ["en", None],
}


@pytest.mark.parametrize("field", sorted(LOADER_VALUES))
def test_article_loader_gives_what_itemloaders_gives(field: str) -> None:
    boilerplate = compile_boilerplate([r"Share this article\b.*", "Back to top"])
    ours = ArticleLoader(boilerplate, "en")
    theirs = ItemLoaderArticle(boilerplate=boilerplate, language="en")
    for value in LOADER_VALUES[field]:
        ours.add_value(field, value)
        theirs.add_value(field, value)
        assert ours.get_output_value(field) == theirs.get_output_value(field)
        assert ours.get_collected_values(field) == theirs.get_collected_values(field)
    assert dict(ours.load_item()) == dict(theirs.load_item())
