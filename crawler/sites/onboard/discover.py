"""Discovery for onboarding: a site's feeds and sitemaps, and the links of its pages.

Feeds come from the home page's ``<link rel="alternate">`` (RSS, Atom), else
from the common feed paths; sitemaps from robots.txt ``Sitemap:`` lines, else
from the common sitemap paths. A sitemap index is followed into its newest
sitemaps. Only documents on the site's domains count, and only those that
really list entries (a 404 page or an HTML page at ``/feed`` is no feed).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from io import BytesIO
from urllib.parse import urlsplit

from lxml import etree
from scrapy.http import Response, TextResponse
from scrapy.linkextractors import LinkExtractor

from crawler.discovery import Entry, decompressed, newest_first, parse_discovery, robots_sitemaps
from crawler.sites.onboard.fetch import Fetch, FetchError

COMMON_FEEDS = ("/feed", "/rss", "/rss.xml", "/feed.xml", "/atom.xml", "/index.xml")
COMMON_SITEMAPS = ("/sitemap.xml", "/sitemap_index.xml", "/news-sitemap.xml")
SITEMAPS_PER_INDEX = 3  # newest child sitemaps read from an index
_FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json")
_ROOTS = {"rss": "feed", "rdf": "feed", "feed": "feed", "urlset": "sitemap"}
_ROOTS["sitemapindex"] = "sitemap"


def feed_links(response: TextResponse) -> list[str]:
    """The feeds a page announces with ``<link rel="alternate" type="...rss+xml">``."""
    found = []
    for link in response.xpath("//link[@href]"):
        rel = (link.attrib.get("rel") or "").lower().split()
        kind = (link.attrib.get("type") or "").lower().strip()
        if "alternate" in rel and kind in _FEED_TYPES:
            found.append(response.urljoin(link.attrib["href"].strip()))
    return list(dict.fromkeys(found))


def document_kind(body: bytes) -> str | None:
    """``"feed"`` or ``"sitemap"`` by the document's root element; ``None`` otherwise.

    >>> document_kind(b'<?xml version="1.0"?><rss version="2.0"><channel/></rss>')
    'feed'
    >>> document_kind(b'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"/>')
    'sitemap'
    >>> document_kind(b"<html><body>Not found</body></html>") is None
    True
    """
    parser = etree.iterparse(
        BytesIO(body), events=("start",), recover=True, resolve_entities=False, no_network=True
    )
    try:
        for _, element in parser:
            tag = element.tag if isinstance(element.tag, str) else ""
            return _ROOTS.get(tag.rsplit("}", 1)[-1].lower())
    except etree.XMLSyntaxError:
        return None
    return None


def on_site(url: str, domains: Iterable[str]) -> bool:
    """Whether the URL's host is one of ``domains`` or below one.

    >>> on_site("https://news.x.test/a", ["x.test"]), on_site("https://x.test.evil/a", ["x.test"])
    (True, False)
    """
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return False
    return any(host == d or host.endswith("." + d) for d in domains)


def page_links(response: TextResponse, domains: Sequence[str]) -> list[str]:
    """The page's links on the site's domains, fragments dropped, each once, in page order."""
    links = LinkExtractor(unique=True).extract_links(response)
    return list(
        dict.fromkeys(link.url.split("#")[0] for link in links if on_site(link.url, domains))
    )


@dataclass
class Discovered:
    """What a site's feeds and sitemaps list."""

    feeds: list[str] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)  # article entries, newest first
    how: dict[str, str] = field(default_factory=dict)  # document URL -> how it was found
    listed: dict[str, int] = field(default_factory=dict)  # document URL -> article entries

    @property
    def urls(self) -> list[str]:
        return list(dict.fromkeys(e.url for e in self.entries))


async def discover(
    fetch: Fetch, home: TextResponse, robots: str, domains: Sequence[str]
) -> Discovered:
    """Find the site's feeds and sitemaps and read their entries (newest first)."""
    feeds = [u for u in feed_links(home) if on_site(u, domains)]
    sitemaps = [u for u in robots_sitemaps(robots) if on_site(u, domains)]
    probes = [home.urljoin(path) for path in (() if feeds else COMMON_FEEDS)]
    probes += [home.urljoin(path) for path in (() if sitemaps else COMMON_SITEMAPS)]
    found = Discovered()
    entries: list[Entry] = []
    how = {u: "announced by the home page's <link rel=alternate>" for u in feeds}
    how |= {u: "a Sitemap: line of robots.txt" for u in sitemaps}
    for url in dict.fromkeys([*feeds, *sitemaps, *probes]):
        document = await _document(fetch, url)
        if document is None:
            continue
        kind, listed = document
        articles = [e for e in await _expand(fetch, listed) if on_site(e.url, domains)]
        if not articles:
            continue  # lists nothing of this site
        (found.feeds if kind == "feed" else found.sitemaps).append(url)
        found.how[url] = how.get(url, "found at a common path")
        found.listed[url] = len(articles)
        entries += articles
    found.entries = newest_first(list({e.url: e for e in reversed(entries)}.values()))
    return found


async def _document(fetch: Fetch, url: str) -> tuple[str, list[Entry]] | None:
    """The kind and entries of the feed or sitemap at ``url``; ``None`` if it is neither."""
    response = await fetch_ok(fetch, url)
    body = decompressed(response.body) if response is not None else None
    if not body:
        return None
    kind = document_kind(body)
    entries = list(parse_discovery(body)) if kind else []
    return (kind, entries) if kind and entries else None


async def _expand(fetch: Fetch, entries: list[Entry]) -> list[Entry]:
    """Article entries, with those of the newest sitemaps an index lists."""
    articles = [e for e in entries if not e.is_sitemap]
    children = newest_first([e for e in entries if e.is_sitemap])[:SITEMAPS_PER_INDEX]
    for child in children:
        document = await _document(fetch, child.url)
        if document is not None:
            articles += [e for e in document[1] if not e.is_sitemap]
    return articles


async def read_document(fetch: Fetch, url: str) -> list[Entry]:
    """The article entries of a feed or sitemap (and of the newest sitemaps it indexes)."""
    document = await _document(fetch, url)
    return await _expand(fetch, document[1]) if document else []


async def fetch_ok(fetch: Fetch, url: str) -> Response | None:
    """The response when the page was fetched with status 200; else ``None``."""
    try:
        response = await fetch(url)
    except FetchError:
        return None
    return response if response.status == 200 else None
