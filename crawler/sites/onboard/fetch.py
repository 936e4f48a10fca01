"""Fetching for onboarding, through Scrapy: what a crawl of the site would see.

Onboarding is written as one coroutine against a :data:`Fetch` callable. Here
it runs inside :class:`OnboardSpider`'s ``start()``, where each fetch goes
through the engine's downloader with the project's settings: our user agent,
robots.txt obeyed, retries, size limits, charsets and redirects. Nothing is
stored: the pipelines, run records and incremental filter are off.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

import scrapy
from scrapy.crawler import AsyncCrawlerProcess
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.settings import Settings
from twisted.python.failure import Failure

from crawler.ops.run import project_settings
from crawler.signals import failure_reason
from crawler.urls import rebase

Fetch = Callable[[str], Awaitable[Response]]
T = TypeVar("T")
Job = Callable[[Fetch], Awaitable[T]]

QUIET = {
    "ITEM_PIPELINES": {},
    "NEWSDESK_RUN_RECORDS": False,
    "NEWSDESK_INCREMENTAL": False,
    "LOG_LEVEL": "CRITICAL",
    "TELNETCONSOLE_ENABLED": False,
}


class FetchError(Exception):
    """A page could not be fetched; ``reason`` is a short code (``robots``, ``dns``, ...)."""

    def __init__(self, url: str, reason: str, detail: str) -> None:
        super().__init__(f"{url}: {detail}")
        self.url = url
        self.reason = reason
        self.detail = detail


def onboard_settings(overrides: dict[str, Any] | None = None) -> Settings:
    """Project settings with nothing stored or recorded, and a quiet log."""
    return project_settings({**QUIET, **(overrides or {})})


class Fetcher:
    """``await fetcher(url)``: the response for a URL of the site, fetched by the crawler.

    With a mirror (``base_url``), requests go there and the response carries the
    site's own URL again.
    """

    def __init__(self, crawler: Any, origin: str, base_url: str | None) -> None:
        self.crawler = crawler
        self.origin = origin
        self.base_url = (base_url or "").rstrip("/")

    async def __call__(self, url: str) -> Response:
        served = rebase(url, self.origin, self.base_url) if self.base_url else url
        # robots.txt itself is not subject to robots.txt: one download, not two
        meta = {"dont_obey_robotstxt": urlsplit(url).path == "/robots.txt"}
        request = scrapy.Request(served, dont_filter=True, meta=meta)
        try:
            response: Response = await self.crawler.engine.download_async(request)
        except Exception as exc:  # boundary: every download failure becomes a FetchError
            reason, detail = failure_reason(Failure(exc))  # type: ignore[no-untyped-call]
            if isinstance(exc, IgnoreRequest) and reason == "robots":
                detail = f"robots.txt forbids {self.crawler.settings.get('USER_AGENT')} to fetch it"
            raise FetchError(url, reason or "ignored", detail or type(exc).__name__) from None
        if self.base_url:
            response = response.replace(url=rebase(response.url, self.base_url, self.origin))
        return response


class OnboardSpider(scrapy.Spider):
    """Runs one onboarding job in ``start()``; yields no request of its own."""

    name = "onboard"

    def __init__(
        self, job: Job[Any], origin: str, base_url: str | None = None, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.job = job
        self.origin = origin
        self.base_url = base_url
        hosts = [urlsplit(u).hostname or "" for u in (origin, base_url or "")]
        self.allowed_domains = [h.removeprefix("www.") for h in hosts if h]
        self.outcome: Any = None
        self.error: BaseException | None = None

    async def start(self) -> AsyncIterator[Any]:
        try:
            self.outcome = await self.job(Fetcher(self.crawler, self.origin, self.base_url))
        except Exception as exc:  # boundary: handed back to run() and raised there
            self.error = exc
        return
        yield  # an async generator that yields no request


def run(job: Job[T], origin: str, settings: Settings, base_url: str | None = None) -> T:
    """Run ``job`` with a fetcher for the site at ``origin``; blocks until it ends.

    Once per process (Scrapy's reactor does not restart). The job's exception is
    raised here.
    """
    process = AsyncCrawlerProcess(settings)
    crawler = process.create_crawler(OnboardSpider)
    process.crawl(crawler, job=job, origin=origin, base_url=base_url)
    process.start()
    spider = crawler.spider
    if not isinstance(spider, OnboardSpider):
        raise RuntimeError("the onboarding spider did not run")
    if spider.error is not None:
        raise spider.error
    outcome: T = spider.outcome
    return outcome
