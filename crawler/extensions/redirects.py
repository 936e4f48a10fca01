"""Redirects that lead nowhere: loops and jumps off the site, named in ``dropped_pages``.

An extension. Scrapy drops both quietly, or not at all: a redirect back to a
URL already requested is a duplicate to the scheduler, unless the request was a
retry (retries skip the duplicate filter, so the loop runs to
``REDIRECT_MAX_TIMES``); a redirect to another domain is filtered when it is
scheduled. Here a redirect back into its own chain is stopped when scheduled,
and both are recorded as ``redirect_loop`` or ``redirect_offsite`` under the
URL first requested. (Chains that never end stop at ``REDIRECT_MAX_TIMES``:
``too_many_redirects``.)
"""

from __future__ import annotations

from typing import Self

from scrapy import Request, Spider
from scrapy import signals as scrapy_signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest

from crawler.extract.notfound import redirected_home
from crawler.middlewares.mirror import declared_url
from crawler.signals import drop_page
from crawler.stats import Reason
from crawler.urls import in_domains


def redirected_from(request: Request) -> str | None:
    """The URL first requested, when ``request`` is the result of redirects.

    >>> redirected_from(Request("https://b.test/", meta={"redirect_urls": ["https://a.test/"]}))
    'https://a.test/'
    >>> redirected_from(Request("https://b.test/")) is None
    True
    """
    urls = request.meta.get("redirect_urls")
    return str(urls[0]) if urls else None


class RedirectRecorder:
    """Records redirect loops and off-site redirects as dropped pages."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        recorder = cls(crawler)
        crawler.signals.connect(recorder.request_scheduled, signal=scrapy_signals.request_scheduled)
        return recorder

    def request_scheduled(self, request: Request, spider: Spider) -> None:
        """Stop a redirect back into its own chain; note one that leaves the site."""
        if redirected_from(request) is None:
            return
        chain = request.meta["redirect_urls"]
        url = declared_url(request)
        if request.url in chain:
            detail = " -> ".join([*chain, request.url])
            drop_page(self.crawler, url, Reason.REDIRECT_LOOP, detail)
            raise IgnoreRequest(f"redirect loop: {request.url}")
        if request.meta.get("article") and (why := redirected_home(chain[0], request.url)):
            drop_page(self.crawler, url, Reason.SOFT_404, why)  # a removed story, most often
            raise IgnoreRequest(f"soft-404: {why}")
        domains = getattr(spider, "allowed_domains", None)  # as Scrapy's offsite filter reads it
        if domains and not in_domains(request.url, domains):
            drop_page(self.crawler, url, Reason.REDIRECT_OFFSITE, f"redirects to {request.url}")
