"""A mirror (``--base-url``): fetch a site from another origin, keep the site's own URLs.

A spider middleware sends the spider's requests for the site's declared origin
to the mirror instead (the demo server, a test server, a staging copy); a
downloader middleware brings each response back under the declared URL. Spiders, extraction and the
stored articles only ever see the site's own URLs, so a story stays the same
story whichever mirror served it. What happened on the way (redirects, a failed
download) is recorded under the declared URL too: :func:`declared_url`.

The mirror is the spider argument ``base_url`` (``-a base_url=...``,
``newsdesk crawl SITE --base-url ...``); the declared origin is the site's.
"""

from __future__ import annotations

from typing import Any, Self

from scrapy import Request, Spider
from scrapy import signals as scrapy_signals
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.spidermiddlewares.base import BaseSpiderMiddleware

from crawler.urls import rebase

MIRROR = "newsdesk_mirror"  # request meta: (served origin, declared origin)


def declared_url(request: Request) -> str:
    """The URL first requested, on the site's declared origin: what a record names.

    >>> first = Request("http://127.0.0.1:8000/b", meta={
    ...     MIRROR: ("http://127.0.0.1:8000", "https://x.test"),
    ...     "redirect_urls": ["http://127.0.0.1:8000/a"]})
    >>> declared_url(first), declared_url(Request("https://y.test/c"))
    ('https://x.test/a', 'https://y.test/c')
    """
    url = str((request.meta.get("redirect_urls") or [request.url])[0])
    mirror = request.meta.get(MIRROR)
    return rebase(url, *mirror) if mirror else url


def mirror_of(spider: Spider | None) -> tuple[str, str] | None:
    """(served origin, declared origin) of a spider crawling a mirror, else ``None``."""
    # Scrapy's own way to configure a component per spider: spider attributes.
    base_url: Any = getattr(spider, "base_url", None)
    site: Any = getattr(spider, "site", None)
    if not base_url or site is None:
        return None
    return str(base_url).rstrip("/"), str(site.origin)


def to_mirror(request: Request, mirror: tuple[str, str] | None) -> Request | None:
    """``request`` sent to the mirror, when it is for the declared origin; else ``None``."""
    if mirror is None:
        return None
    served_origin, declared_origin = mirror
    served = rebase(request.url, declared_origin, served_origin)
    if served == request.url:
        return None
    return request.replace(url=served, meta={**request.meta, MIRROR: mirror})


class MirrorSpiderMiddleware(BaseSpiderMiddleware):
    """The spider's requests for the declared origin go to the mirror (before scheduling,
    so the duplicate filter, robots.txt and the download slots see the mirror's URLs)."""

    def get_processed_request(self, request: Request, response: Response | None) -> Request:
        return to_mirror(request, mirror_of(self.crawler.spider)) or request


class MirrorMiddleware:
    """Responses from the mirror come back under the declared URL (a downloader middleware);
    a redirect from the mirror to the declared origin is sent to the mirror too."""

    def __init__(self) -> None:
        self.mirror: tuple[str, str] | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        middleware = cls()
        crawler.signals.connect(middleware.spider_opened, signal=scrapy_signals.spider_opened)
        return middleware

    def spider_opened(self, spider: Spider) -> None:
        self.mirror = mirror_of(spider)

    def process_request(self, request: Request) -> Request | None:
        return to_mirror(request, self.mirror)  # rescheduled: rare (a redirect's target)

    def process_response(self, request: Request, response: Response) -> Response:
        mirror = request.meta.get(MIRROR)
        if not mirror:
            return response
        return response.replace(url=rebase(response.url, *mirror))
