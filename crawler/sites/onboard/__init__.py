"""Onboarding: a site's declaration learned from its home page (``newsdesk sites add``).

The pieces, in the order :func:`onboard` runs them:

- :mod:`.fetch`: every page is fetched through Scrapy with the project's settings
  (our user agent, robots.txt obeyed, retries, size limits, charsets), by one spider
  whose ``start()`` runs the onboarding coroutine;
- :mod:`.discover`: robots.txt ``Sitemap:`` lines, ``<link rel="alternate">`` feeds,
  the common feed and sitemap paths, sitemap indexes; their entries newest first;
- :mod:`.patterns`: ``urls.article`` regexes from the shapes of the candidate article
  URLs, ``urls.follow`` from the listing pages (pages that link to articles), and how
  well they hold on every URL seen;
- :mod:`.induce` and :mod:`.candidates`: the selectors that reproduce the generic
  extractor on the sample articles, validated on held-out samples;
- :mod:`.declaration`: the TOML (a comment on every rule), validated like any
  declaration, and the golden page with its expected article.

:mod:`.check` runs the same machinery against a declared site's current pages.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeGuard
from urllib.parse import urlsplit

from scrapy.http import Response, TextResponse

from crawler.discovery import Entry, newest_first
from crawler.sites import Site
from crawler.sites.onboard.discover import (
    Discovered,
    discover,
    fetch_ok,
    on_site,
    page_links,
    read_document,
)
from crawler.sites.onboard.fetch import Fetch, FetchError
from crawler.sites.onboard.patterns import (
    Check,
    article_like,
    article_rules,
    check,
    follow_rules,
    matching,
)

if TYPE_CHECKING:
    from crawler.sites.onboard.induce import Induction

LISTING_BUDGET = 10  # non-article pages fetched to find the listing pages
_JS_TEXT = 200  # characters of visible text below which a page with scripts needs JavaScript
_TEXT_XPATH = "//body//text()[not(ancestor::script or ancestor::style or ancestor::noscript)]"


_TITLE_XPATHS = (
    "//meta[@property='og:site_name']/@content",
    "//meta[@name='application-name']/@content",
    "(//title)[1]//text()",
)


class OnboardError(Exception):
    """The site cannot be onboarded; the message is one line naming the URL."""


@dataclass
class Onboarded:
    """What onboarding learned about a site."""

    home: str  # the home page's URL, after redirects
    title: str  # the site's name as its home page gives it
    domains: list[str]
    discovered: Discovered
    article_urls: list[str]  # regexes
    follow_urls: list[str]  # regexes
    check: Check
    listings: list[str]  # listing pages seen (the home page first)
    articles: list[str]  # article URLs seen, newest first where dated
    samples: list[TextResponse] = field(default_factory=list)
    induction: Induction | None = None
    language: str | None = None


async def onboard(fetch: Fetch, url: str, sample: int = 8) -> Onboarded:
    """Learn a site's declaration from its home page ``url``; raises :class:`OnboardError`."""
    robots = await robots_txt(fetch, url)
    home = await home_page(fetch, url)
    domains = [(urlsplit(home.url).hostname or "").removeprefix("www.")]
    discovered = await discover(fetch, home, robots, domains)
    links = [u for u in page_links(home, domains) if not _same_page(u, home.url)]
    known = discovered.urls
    listings, more = await explore(fetch, home, links, article_rules(known, links), domains)
    seen = list(dict.fromkeys([*links, *more]))
    rules = article_rules(known, seen)
    if not rules:
        raise OnboardError(f"{home.url}: no article links on the page, nor in feeds or sitemaps")
    candidates = list(dict.fromkeys([*known, *article_like(seen)]))
    articles = matching(rules, [*known, *seen])
    outcome = Onboarded(
        home=home.url,
        title=site_title(home),
        domains=domains,
        discovered=discovered,
        article_urls=rules,
        follow_urls=follow_rules(listings),
        check=check(rules, candidates, listings),
        listings=listings,
        articles=articles,
    )
    outcome.samples = await fetch_samples(fetch, articles, sample)
    if not outcome.samples:
        raise OnboardError(f"{home.url}: none of the sampled article pages is an HTML page")
    outcome.induction = induce_fields(outcome.samples)
    outcome.language = _language(outcome.samples)
    return outcome


async def robots_txt(fetch: Fetch, url: str) -> str:
    """The site's robots.txt, empty when it has none (or forbids reading it).

    A host that cannot be reached is an :class:`OnboardError` naming ``url``.
    """
    try:
        response = await fetch(_origin(url) + "/robots.txt")
    except FetchError as exc:
        if exc.reason == "robots":
            return ""
        raise OnboardError(f"cannot fetch {url}: {exc.detail}") from None
    ok = response.status == 200 and isinstance(response, TextResponse)
    return response.text if ok else ""


async def home_page(fetch: Fetch, url: str) -> TextResponse:
    """The home page, or an :class:`OnboardError` saying why it cannot be onboarded."""
    try:
        response = await fetch(url)
    except FetchError as exc:
        raise OnboardError(f"cannot fetch {url}: {exc.detail}") from None
    if response.status != 200:
        raise OnboardError(f"{url}: HTTP status {response.status}")
    if not is_html(response):
        raise OnboardError(f"{url}: not an HTML page (content type {content_type(response)})")
    if needs_javascript(response):
        raise OnboardError(f"{url}: the page needs JavaScript (no text, only scripts)")
    return response


def site_title(home: TextResponse) -> str:
    """The site's name: ``og:site_name``, else ``application-name``, else the page title."""
    for xpath in _TITLE_XPATHS:
        text = " ".join(" ".join(home.xpath(xpath).getall()).split())
        if text:
            return text
    return urlsplit(home.url).hostname or home.url


def is_html(response: Response) -> TypeGuard[TextResponse]:
    """Whether the response is an HTML page (by its Content-Type, else Scrapy's guess)."""
    media = content_type(response)
    if media == "unknown":
        return isinstance(response, TextResponse) and response.text.lstrip()[:1] == "<"
    return isinstance(response, TextResponse) and ("html" in media)


def content_type(response: Response) -> str:
    value = response.headers.get(b"Content-Type")
    return value.decode("latin-1").split(";")[0].strip().lower() if value else "unknown"


def needs_javascript(response: TextResponse) -> bool:
    """A page whose body shows (almost) no text and no links, only scripts: an app shell."""
    text = "".join(response.xpath(_TEXT_XPATH).getall()).strip()
    scripted = bool(response.xpath("//script | //noscript"))
    return scripted and len(text) < _JS_TEXT and len(response.xpath("//body//a[@href]")) < 3


async def explore(
    fetch: Fetch, home: TextResponse, links: list[str], rules: list[str], domains: Sequence[str]
) -> tuple[list[str], list[str]]:
    """Listing pages (the home page, then pages linking to articles) and the links they hold.

    Breadth first from the home page's links that are not articles, at most
    :data:`LISTING_BUDGET` pages.
    """
    listings, found = [home.url], list(links)
    queue = [u for u in links if not matching(rules, [u])]
    visited = {home.url}
    while queue and len(visited) <= LISTING_BUDGET:
        url = queue.pop(0)
        if url in visited:
            continue
        visited.add(url)
        response = await fetch_ok(fetch, url)
        if not isinstance(response, TextResponse) or not is_html(response):
            continue
        on_page = page_links(response, domains)
        if matching(rules, on_page):
            listings.append(url)
            found += on_page
            queue += [u for u in on_page if u not in visited and not matching(rules, [u])]
    return listings, found


def spread(urls: Sequence[str], count: int) -> list[str]:
    """``count`` URLs spread evenly over ``urls`` (all when there are fewer).

    >>> spread(list("abcdefgh"), 3), spread(list("ab"), 3)
    (['a', 'c', 'f'], ['a', 'b'])
    """
    if len(urls) <= count:
        return list(urls)
    return [urls[i * len(urls) // count] for i in range(count)]


async def fetch_samples(fetch: Fetch, articles: Sequence[str], count: int) -> list[TextResponse]:
    """Up to ``count`` article pages spread over ``articles``; pages that fail are replaced
    by the next untried ones."""
    chosen = spread(articles, count)
    rest = [u for u in articles if u not in chosen]
    samples: list[TextResponse] = []
    for url in [*chosen, *rest]:
        if len(samples) >= count:
            break
        response = await fetch_ok(fetch, url)
        if isinstance(response, TextResponse) and is_html(response):
            samples.append(response)
    return samples


async def current_articles(fetch: Fetch, site: Site, count: int) -> list[TextResponse]:
    """Up to ``count`` of a declared site's current article pages: from its feeds and
    sitemaps (newest first), else from the links of its start pages."""
    entries: list[Entry] = []
    for url in (*site.feeds, *site.sitemaps):
        entries += await read_document(fetch, url)
    listed = [e.url for e in newest_first(entries) if site.is_listed_article(e.url)]
    articles = [u for u in listed if on_site(u, site.domains)]
    for url in site.start_urls if len(articles) < count else ():
        page = await fetch_ok(fetch, url)
        if isinstance(page, TextResponse) and is_html(page):
            articles += [u for u in page_links(page, site.domains) if site.is_article(u)]
    return await fetch_samples(fetch, list(dict.fromkeys(articles)), count)


def induce_fields(samples: Sequence[TextResponse]) -> Induction:
    """The selectors induced from the sample pages (fields left generic say why)."""
    from crawler.sites.onboard.induce import induce  # heavy: generic extraction of each page

    return induce(samples)


def _language(samples: Sequence[TextResponse]) -> str | None:
    """The language every sample page declares, if they agree."""
    from crawler.extract.generic import GenericPage

    found = {(GenericPage(r).language or (None, ""))[0] for r in samples}
    return found.pop() if len(found) == 1 else None


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _same_page(url: str, other: str) -> bool:
    return url.rstrip("/") == other.rstrip("/")
