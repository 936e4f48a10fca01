"""The declaration ``sites add`` writes: TOML with a comment on every rule, and a golden page.

The TOML is validated like any declaration (:func:`crawler.sites.parse_site`)
before anything is written. The golden page is one sample article saved as
UTF-8, with the article the site's own extractor makes of it as the expected
JSON (the format ``tests/golden/test_golden_sites.py`` reads).
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from scrapy.http import HtmlResponse, TextResponse

from crawler.extract.article import Refused, build_article
from crawler.extract.generic import host_name
from crawler.sites import BUNDLED_DIR, Site, SiteError, parse_site
from crawler.sites.onboard import Onboarded
from crawler.sites.onboard.patterns import target

ROOT = BUNDLED_DIR.parent.parent
BUNDLED_FIXTURES = ROOT / "tests" / "fixtures" / "sites"
GOLDEN_FIELDS = ("title", "published", "authors", "section", "body")
NAME = re.compile(r"^[a-z][a-z0-9_]*$")


def default_name(url: str) -> str:
    """A site name from the URL's host: its distinctive label, else the whole host.

    >>> default_name("https://news.example.co.uk/"), default_name("http://127.0.0.1:8000/")
    ('example', 'site_127_0_0_1')
    >>> default_name("https://www.le-monde.fr/")
    'le_monde'
    """
    name = re.sub(r"[^a-z0-9]+", "_", host_name(url).lower()).strip("_")
    if NAME.match(name):
        return name
    host = urlsplit(url).hostname or "site"
    return "site_" + re.sub(r"[^a-z0-9]+", "_", host.lower()).strip("_")


def toml_string(value: str) -> str:
    """A TOML string: literal (``'...'``, no escapes) when it can be, else basic.

    >>> print(toml_string(r"^/news/\\d+$"), toml_string("it's"))
    '^/news/\\d+$' "it's"
    """
    if "'" not in value and "\n" not in value and value.isprintable():
        return f"'{value}'"
    return json.dumps(value, ensure_ascii=False)


def toml_list(values: Iterable[str]) -> str:
    return "[" + ", ".join(toml_string(v) for v in values) + "]"


def _comment(text: str) -> str:
    return "# " + " ".join(text.split())


def render(name: str, title: str, outcome: Onboarded) -> str:
    """The declaration's TOML text."""
    found = outcome.discovered
    lines = [
        _comment(f"{title} ({outcome.home}): declared by `newsdesk sites add`."),
        _comment(
            f"{len(found.feeds)} feed(s) and {len(found.sitemaps)} sitemap(s) found; "
            f"{len(outcome.samples)} sample article pages read."
        ),
        f"name = {toml_string(name)}",
        f"title = {toml_string(title)}",
        f"domains = {toml_list(outcome.domains)}",
        _comment("the home page, then the listing pages found linking to articles"),
        f"start_urls = {toml_list(outcome.listings)}",
    ]
    for key, urls in (("feeds", found.feeds), ("sitemaps", found.sitemaps)):
        for url in urls:
            lines.append(_comment(f"{url}: {found.how[url]}; {found.listed[url]} articles listed"))
        lines.append(f"{key} = {toml_list(urls)}")
    if outcome.language:
        lines += [
            _comment("declared by every sample page"),
            f"language = {toml_string(outcome.language)}",
        ]
    lines += ["", "[urls]", *_url_rules(outcome)]
    selectors = _selectors(outcome)
    if selectors:
        lines += ["", "[selectors]", *selectors]
    return "\n".join(lines) + "\n"


def _url_rules(outcome: Onboarded) -> list[str]:
    source = (
        f"the shapes of {len(outcome.discovered.urls)} feed and sitemap entries"
        if outcome.discovered.entries
        else "the shapes of the links that look like articles (a slug, an id or a date)"
    )
    listings = ", ".join(target(u) for u in outcome.listings)
    return [
        _comment(f"Articles: inferred from {source}; {outcome.check}."),
        f"article = {toml_list(outcome.article_urls)}",
        _comment(f"Listing pages: inferred from the {len(outcome.listings)} seen: {listings}."),
        f"follow = {toml_list(outcome.follow_urls)}",
    ]


def _selectors(outcome: Onboarded) -> list[str]:
    lines: list[str] = []
    rules = outcome.induction.rules if outcome.induction else {}
    for field, rule in rules.items():
        lines += [_comment(rule.how), f"{field} = {toml_list(rule.selectors)}"]
    return lines


def validate(text: str, source: str) -> Site:
    """The declaration as the crawler will load it; :class:`SiteError` when it is invalid."""
    try:
        data: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SiteError(f"{source}: the declaration is not valid TOML: {exc}") from None
    return parse_site(data, source)


@dataclass(frozen=True)
class Golden:
    """One saved sample page and the article the site's extractor makes of it."""

    stem: str
    html: bytes
    expected: dict[str, Any]


def golden(site: Site, samples: Iterable[TextResponse]) -> Golden | None:
    """The first sample the declaration extracts with a title and a body, as a golden page."""
    for response in samples:
        html = response.text.encode("utf-8")
        page = HtmlResponse(url=response.url, body=html, encoding="utf-8")
        try:
            article = build_article(page, site)
        except Refused:
            continue
        if article.get("title") and article.get("body") and site.is_article(response.url):
            expected = {"url": response.url}
            expected |= {f: article[f] for f in GOLDEN_FIELDS if article.get(f)}
            return Golden(page_stem(response.url), html, expected)
    return None


def page_stem(url: str) -> str:
    """A file name for a saved page, from its URL.

    >>> page_stem("https://x.test/news/2026/05/04/storm-hits.html"), page_stem("https://x.test/a?id=7")
    ('storm-hits', 'a_id_7')
    """
    parts = urlsplit(url)
    last = [s for s in parts.path.split("/") if s][-1:] or ["page"]
    stem = re.sub(r"\.[a-z]+$", "", last[0].lower())
    if parts.query:
        stem += "_" + parts.query
    return re.sub(r"[^a-z0-9-]+", "_", stem.lower()).strip("_")[:80] or "page"


@dataclass(frozen=True)
class Destination:
    """Where a new site's files go."""

    toml: Path
    fixtures: Path  # the golden page's folder

    @classmethod
    def of(cls, name: str, sites_dir: str | Path | None) -> Destination:
        """``crawler/sites/<name>.toml`` and ``tests/fixtures/sites/<name>/``; with a sites
        folder, ``DIR/<name>.toml`` and ``DIR/fixtures/<name>/``."""
        if sites_dir is None:
            return cls(BUNDLED_DIR / f"{name}.toml", BUNDLED_FIXTURES / name)
        return cls(Path(sites_dir) / f"{name}.toml", Path(sites_dir) / "fixtures" / name)

    def taken(self) -> Path | None:
        """An existing file or folder that writing would overwrite."""
        if self.toml.exists():
            return self.toml
        if self.fixtures.exists() and any(self.fixtures.iterdir()):
            return self.fixtures
        return None

    def write(self, text: str, page: Golden) -> list[Path]:
        """Write the declaration and the golden page; the paths written."""
        self.fixtures.mkdir(parents=True, exist_ok=True)
        html = self.fixtures / f"{page.stem}.html"
        expected = self.fixtures / f"{page.stem}.json"
        html.write_bytes(page.html)
        dumped = json.dumps(page.expected, ensure_ascii=False, indent=2)
        expected.write_text(dumped + "\n", encoding="utf-8")
        self.toml.parent.mkdir(parents=True, exist_ok=True)
        self.toml.write_text(text, encoding="utf-8")
        return [self.toml, html, expected]
