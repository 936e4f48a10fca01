"""The news spider: discovers a site's articles and extracts them."""

from __future__ import annotations

import gzip
import io
import zlib
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any, ClassVar
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response, TextResponse
from scrapy.linkextractors import LinkExtractor

from crawler.datecheck import check_dates
from crawler.discovery import Entry, age_days, newest_first, parse_discovery
from crawler.extract.guard import rejection
from crawler.extract.site import SiteExtractor
from crawler.items import Article
from crawler.sites import Site
from crawler.spiders.base import RecordingSpider
from crawler.urls import canonicalize, rebase

COVERED = ("title", "authors", "published", "body")
DECLARED_SOURCES = ("selector", "dateline")  # provenance of values the site's declaration found
MAX_SITEMAP_BYTES = 50 * 1024 * 1024  # the sitemap protocol's own limit, uncompressed
UNDATED = 100_000_000  # minutes (190 years): undated article links come after dated ones


class NewsSpider(RecordingSpider):
    """Crawl one declared site: sitemaps and feeds (newest first), then listing pages.

    ``base_url`` (``-a base_url=http://127.0.0.1:8000``) serves the site from a
    mirror: requests go there, while stored URLs keep the declared origin so
    stories stay the same stories whichever mirror served them.
    """

    site: ClassVar[Site]

    def __init__(self, *args: Any, base_url: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.served_origin = base_url.rstrip("/") if base_url else ""
        hosts = [urlsplit(self.served_origin).hostname] if base_url else []
        self.allowed_domains = [*self.site.domains, *[h for h in hosts if h]]
        self.extractor = SiteExtractor(self.site)
        self.links = LinkExtractor(unique=True)

    async def start(self) -> AsyncIterator[Any]:
        for url in (*self.site.feeds, *self.site.sitemaps):
            yield self._request(url, self.parse_discovery, priority=10)
        for url in self.site.start_urls:
            yield self._request(url, self.parse)

    # -- URLs ----------------------------------------------------------------

    def served(self, url: str) -> str:
        """The URL to request: on the mirror when one is set."""
        return rebase(url, self.site.origin, self.served_origin) if self.served_origin else url

    def declared(self, url: str) -> str:
        """The URL on the site's declared origin."""
        return rebase(url, self.served_origin, self.site.origin)

    def on_site(self, url: str) -> bool:
        """Whether the URL's host is one of the site's domains (or the mirror's host).

        A URL that does not parse (a broken port or IPv6 host) is on no site.
        """
        try:
            parts = urlsplit(url)
            host, _ = parts.hostname or "", parts.port
        except ValueError:
            return False
        return any(host == d or host.endswith("." + d) for d in self.allowed_domains)

    def _request(self, url: str, callback: Any, **kwargs: Any) -> scrapy.Request:
        return scrapy.Request(self.served(url), callback=callback, errback=self.failed, **kwargs)

    def article_request(self, url: str, listed: str | None = None) -> scrapy.Request:
        """A request for an article page; the incremental filter reads its ``meta``."""
        meta = {"article": True, "declared_url": self.declared(self.served(url))}
        return self._request(url, self.parse_article, meta=meta, priority=_recency(listed))

    # -- Discovery -------------------------------------------------------------

    def parse_discovery(self, response: Response) -> Iterator[scrapy.Request]:
        """A sitemap, sitemap index or feed: follow its sitemaps and article URLs."""
        body = _decompressed(response)
        if body is None:
            self.drop(response.url, "too_large", "sitemap larger than 50 MB uncompressed")
            return
        entries = newest_first(list(parse_discovery(body)))
        if not entries and b"<!ENTITY" in body[:65536]:
            detail = "declares XML entities (never expanded): no URLs read"
            self.drop(self.declared(response.url), "xml_entities", detail)
        max_age = self.site.limits.max_age_days
        for entry in entries:
            if entry.is_sitemap:
                if self._recent(entry, max_age):
                    yield self._request(entry.url, self.parse_discovery, priority=10)
            elif self.on_site(self.served(entry.url)) and self.site.is_listed_article(entry.url):
                if self._recent(entry, max_age):
                    yield self.article_request(entry.url, entry.date)

    @staticmethod
    def _recent(entry: Entry, max_age: int) -> bool:
        age = age_days(entry.date)
        return not max_age or age is None or age <= max_age

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        """A listing page: follow its article links and further listing pages."""
        if not isinstance(response, TextResponse):
            return
        for link in self.links.extract_links(response):
            if not self.on_site(link.url):
                continue
            if self.site.is_article(link.url):
                yield self.article_request(link.url)
            elif self.site.is_listing(link.url):
                yield self._request(link.url, self.parse)

    # -- Articles --------------------------------------------------------------

    def parse_article(self, response: Response) -> Iterator[Article]:
        """An article page: extract it; the pipelines validate, deduplicate and store."""
        url = self.declared(response.url)
        if not isinstance(response, TextResponse) or not _html_type(response):
            content_type = _header(response, b"Content-Type") or "unknown"
            self.drop(url, "not_html", f"content type {content_type}")
            return
        reason = rejection(response)
        if reason is not None:
            self.drop(url, reason, f"{len(response.body)} bytes")
            return
        try:
            article = self.extractor.extract(response)
        except Exception as exc:  # boundary: a page the extractor cannot handle is dropped
            self.logger.exception("Extraction failed on %s", response.url)
            self.drop(url, "extraction_failed", f"{type(exc).__name__}: {exc}")
            return
        for note in check_dates(article, response, self.site):
            self.logger.info("Date left empty on %s: %s", url, note)
        article["url"] = url
        article["site"] = self.site.name
        article["canonical_url"] = self._canonical(response)
        article["fetched_at"] = datetime.now(UTC).isoformat(timespec="seconds")
        article["etag"] = _header(response, b"ETag")
        article["last_modified"] = _header(response, b"Last-Modified")
        self._count_fields(article)
        yield article

    def _canonical(self, response: TextResponse) -> str:
        """The page's ``rel=canonical`` when it stays on the site, else the fetched URL."""
        url = response.url
        declared = response.css('link[rel="canonical"]::attr(href)').get()
        try:
            candidate = response.urljoin(declared.strip()) if declared else ""
        except ValueError:  # no URL at all, e.g. a broken IPv6 host
            candidate = ""
        if candidate and self.on_site(candidate):
            url = candidate
        return canonicalize(self.declared(url))

    def _count_fields(self, article: Article) -> None:
        stats = self.crawler.stats
        stats.inc_value("newsdesk/articles/extracted")
        provenance = article.get("provenance") or {}
        for field in COVERED:
            if article.get(field):
                stats.inc_value(f"newsdesk/fields/{field}")
                if provenance.get(field) in DECLARED_SOURCES:
                    stats.inc_value(f"newsdesk/declared/{field}")

    def record_url(self, url: str) -> str:
        return self.declared(url)


def _recency(date: str | None) -> int:
    """Request priority: newer is higher (one step per minute of age); undated lowest.

    >>> _recency("2000-01-01") > _recency(None), _recency("2026-01-02") > _recency("2026-01-01")
    (True, True)
    """
    age = age_days(date)
    if age is None:
        return -UNDATED
    return -min(UNDATED - 1, max(0, int(age * 1440)))


def _html_type(response: Response) -> bool:
    """Whether the declared Content-Type can be a page (Scrapy also guesses from ``.html``)."""
    media = (_header(response, b"Content-Type") or "").split(";")[0].strip().lower()
    return not media or media.startswith("text/") or "html" in media or "xml" in media


def _header(response: Response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


def _decompressed(response: Response) -> bytes | None:
    """The body of a sitemap, gunzipped when it is a ``.gz`` file; ``None`` when too large."""
    body = response.body
    if body[:2] != b"\x1f\x8b":
        return body if len(body) <= MAX_SITEMAP_BYTES else None
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(body)) as stream:
            data = stream.read(MAX_SITEMAP_BYTES + 1)
    except (OSError, EOFError, zlib.error):
        return b""
    return data if len(data) <= MAX_SITEMAP_BYTES else None
