"""Site declarations: bad ones fail on load with the file, the site and the field named."""

from __future__ import annotations

from pathlib import Path

import pytest
from scrapy.http import HtmlResponse

from crawler.extract.site import SiteExtractor
from crawler.sites import SiteError, load_site_file, load_sites
from tests.conftest import invoke

VALID = """
name = "{name}"
domains = ["example.test"]
start_urls = ["https://example.test/"]
[urls]
article = ['^/news/\\d+\\.html$']
follow = ['^/$']
[selectors]
title = ["h1"]
body = ["article p"]
"""


def write(tmp_path: Path, text: str, name: str = "mysite") -> Path:
    path = tmp_path / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_valid_declaration_loads(tmp_path: Path) -> None:
    site = load_site_file(write(tmp_path, VALID.format(name="mysite")))
    assert site.is_article("https://example.test/news/12.html")
    assert not site.is_article("https://example.test/about.html")
    assert site.is_listing("https://example.test/")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda t: t.replace('start_urls = ["https://example.test/"]', ""), "start_urls"),
        (
            lambda t: t.replace(
                'start_urls = ["https://example.test/"]', 'start_urls = ["https://elsewhere.test/"]'
            ),
            "start_urls",
        ),
        (
            lambda t: t.replace("article = ['^/news/\\d+\\.html$']", "article = ['^/news/(']"),
            "urls.article",
        ),
        (lambda t: t.replace('body = ["article p"]', 'body = ["article >>> p"]'), "selectors.body"),
        (lambda t: t.replace("article = ['^/news/\\d+\\.html$']", ""), "urls.article"),
        (lambda t: t.replace('title = ["h1"]', 'titel = ["h1"]'), "selectors.titel"),
        (lambda t: t.replace('domains = ["example.test"]', "domains = 3"), "domains"),
        (lambda t: 'dateline = "yes"\n' + t, "dateline"),
        (lambda t: t.replace("[urls]", "[links]"), "links"),
        (lambda t: 'drop = ["figure >>> p"]\n' + t, "drop"),
    ],
)
def test_invalid_declaration_names_site_and_field(tmp_path: Path, change, field: str) -> None:
    path = write(tmp_path, change(VALID.format(name="mysite")))
    with pytest.raises(SiteError) as error:
        load_site_file(path)
    message = str(error.value)
    assert str(path) in message and "'mysite'" in message and f"'{field}'" in message


def test_declaration_without_selectors_is_filled_generically(tmp_path: Path) -> None:
    text = VALID.format(name="mysite").split("[selectors]")[0]
    site = load_site_file(write(tmp_path, text))
    assert site.selectors == {}
    page = (
        b"<html><head><title>Tide tables | Example</title></head><body><article>"
        b"<h1>Tide tables change for the winter</h1><p>" + b"The harbour office said. " * 40
        + b"</p></article></body></html>"
    )
    response = HtmlResponse(url="https://example.test/news/1.html", body=page, encoding="utf-8")
    article = SiteExtractor(site).extract(response)
    assert article["title"] == "Tide tables change for the winter"
    assert article["body"].startswith("The harbour office said.")
    assert article["provenance"]["body"] != "selector"


def test_feed_entries_are_articles_when_the_site_has_no_article_rule(tmp_path: Path) -> None:
    text = VALID.format(name="mysite").replace("article = ['^/news/\\d+\\.html$']", "")
    site = load_site_file(write(tmp_path, 'feeds = ["https://example.test/rss"]\n' + text))
    assert site.is_listed_article("https://example.test/2026/any-story")
    assert not site.is_article("https://example.test/2026/any-story")  # listing links: no rule


def test_dropped_elements_are_left_out_of_every_field(tmp_path: Path) -> None:
    site = load_site_file(
        write(tmp_path, 'drop = ["figure", "xpath://p/em"]\n' + VALID.format(name="mysite"))
    )
    page = (
        b"<html><body><h1>Headline</h1><article><p>First <em>[ad]</em>paragraph.</p>"
        b"<figure><p>A caption.</p></figure><p>Second paragraph.</p></article></body></html>"
    )
    response = HtmlResponse(url="https://example.test/news/1.html", body=page, encoding="utf-8")
    article = SiteExtractor(site).extract(response)
    assert article["body"] == "First paragraph.\n\nSecond paragraph."
    assert response.css("figure p::text").get() == "A caption."  # the response is left as it was


def test_file_name_must_match_site_name(tmp_path: Path) -> None:
    with pytest.raises(SiteError, match="must match the file name"):
        load_site_file(write(tmp_path, VALID.format(name="other"), name="mysite"))


def test_broken_toml_names_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "name = ")
    with pytest.raises(SiteError, match="cannot read site declaration"):
        load_site_file(path)


def test_extra_sites_dir_adds_sites(tmp_path: Path) -> None:
    write(tmp_path, VALID.format(name="mysite"))
    assert {"demo", "eirns", "mysite"} <= set(load_sites(tmp_path))


def test_cli_reports_a_bad_declaration_in_one_line(tmp_path: Path) -> None:
    write(tmp_path, VALID.format(name="mysite").replace("follow = ['^/$']", "follow = ['(']"))
    result = invoke("sites", "--sites-dir", str(tmp_path))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "'mysite'" in result.stderr and "'urls.follow'" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
