"""The news spider: follows a site's listing pages to its article pages."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any, ClassVar
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response, TextResponse
from scrapy.linkextractors import LinkExtractor

from crawler.extract.guard import rejection
from crawler.extract.site import SiteExtractor
from crawler.items import Article
from crawler.sites import Site
from crawler.urls import canonicalize, rebase
from pipelines.drops import STATS_PREFIX


class NewsSpider(scrapy.Spider):
    """Crawl one declared site.

    ``base_url`` (``-a base_url=http://127.0.0.1:8000``) serves the site from a
    mirror: requests go there, while canonical URLs keep the declared origin so
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
        for url in self.site.start_urls:
            yield scrapy.Request(self._served(url), callback=self.parse)

    def _served(self, url: str) -> str:
        """The URL to request: on the mirror when one is set."""
        if not self.served_origin:
            return url
        return rebase(url, self.site.origin, self.served_origin)

    def declared(self, url: str) -> str:
        """The URL on the site's declared origin."""
        return rebase(url, self.served_origin, self.site.origin)

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        """A listing page: follow its article links and further listing pages."""
        if self.site.is_article(response.url):
            yield from self.parse_article(response)
        if not isinstance(response, TextResponse):
            return
        for link in self.links.extract_links(response):
            if not self.on_site(link.url):
                continue
            if self.site.is_article(link.url):
                yield response.follow(link.url, callback=self.parse_article)
            elif self.site.is_listing(link.url):
                yield response.follow(link.url, callback=self.parse)

    def parse_article(self, response: Response) -> Iterator[Article]:
        """An article page: extract it; the pipelines validate, deduplicate and store."""
        if not isinstance(response, TextResponse):
            self.crawler.stats.inc_value("newsdesk/not_html")
            self.logger.info("Not an HTML page: %s", response.url)
            return
        reason = rejection(response)
        if reason is not None:
            self.crawler.stats.inc_value(STATS_PREFIX + reason)
            self.logger.info("Dropped: %s: %s", reason, response.url)
            return
        try:
            article = self.extractor.extract(response)
        except Exception:  # boundary: a page the extractor cannot handle is dropped, logged
            self.logger.exception("Extraction failed on %s", response.url)
            self.crawler.stats.inc_value(STATS_PREFIX + "extraction_failed")
            return
        article["url"] = self.declared(response.url)
        article["site"] = self.site.name
        article["canonical_url"] = self._canonical(response)
        article["fetched_at"] = datetime.now(UTC).isoformat(timespec="seconds")
        yield article

    def on_site(self, url: str) -> bool:
        """Whether the URL's host is one of the site's domains (or the mirror's host)."""
        host = urlsplit(url).hostname or ""
        return any(host == d or host.endswith("." + d) for d in self.allowed_domains)

    def _canonical(self, response: TextResponse) -> str:
        """The page's ``rel=canonical`` when it stays on the site, else the fetched URL."""
        url = response.url
        declared = response.css('link[rel="canonical"]::attr(href)').get()
        if declared and self.on_site(candidate := response.urljoin(declared.strip())):
            url = candidate
        return canonicalize(self.declared(url))
