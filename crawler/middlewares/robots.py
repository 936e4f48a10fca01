"""robots.txt as RFC 9309 reads it: a server error there disallows the whole site, and no
request passes while robots.txt is on its way.

Scrapy's :class:`~scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware` stays on;
this downloader middleware comes after it and uses only public API (the
``robots_parsed`` signal and the middleware methods):

- RFC 9309 (section 2.3.1.4) says a robots.txt unreachable because of a server error
  (5xx) means complete disallow; Scrapy parses the error page as "allow all". Here the
  robots.txt answer (after its retries) is seen in ``process_response``: the host is
  disallowed for this crawl (the next run asks again), the answer gets a
  ``dropped_pages`` row, and each request to the host is refused in ``process_request``,
  with the reason ``robots_unavailable``.
- With the asyncio reactor, Scrapy 2.19 hands the parsed robots.txt to the first request
  that waited for it only: the others that were waiting get no parser and are let
  through, whatever robots.txt says. Each parser is kept here (``robots_parsed``) and
  every request is checked against it once more.
"""

from __future__ import annotations

from typing import Self

from scrapy import Request
from scrapy import signals as scrapy_signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Response
from scrapy.robotstxt import RobotParser
from scrapy.utils.httpobj import urlparse_cached

from crawler.middlewares.mirror import mirror_of
from crawler.signals import drop_page
from crawler.stats import Reason
from crawler.urls import rebase

FORBIDDEN = "Forbidden by robots.txt"  # Scrapy's words, so the drop reason is the same


class ServerErrorRobotsMiddleware:
    """A 5xx robots.txt disallows its whole host for this crawl (RFC 9309); a request that
    robots.txt disallows never passes."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        settings = crawler.settings
        self.robots_agent: str | None = settings.get("ROBOTSTXT_USER_AGENT")
        self.default_agent: str = settings.get("USER_AGENT")
        self.unavailable: dict[str, int] = {}  # netloc -> the status its robots.txt gave
        self.parsers: dict[str, RobotParser] = {}  # netloc -> its parsed robots.txt

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.getbool("ROBOTSTXT_OBEY"):
            raise NotConfigured("ROBOTSTXT_OBEY is off")
        middleware = cls(crawler)
        crawler.signals.connect(middleware.robots_parsed, signal=scrapy_signals.robots_parsed)
        return middleware

    def robots_parsed(self, robotparser: RobotParser, request: Request) -> None:
        self.parsers[urlparse_cached(request).netloc] = robotparser

    def process_request(self, request: Request) -> None:
        if request.meta.get("dont_obey_robotstxt"):
            return
        netloc = urlparse_cached(request).netloc
        if (status := self.unavailable.get(netloc)) is not None:
            self._refuse(f"robots.txt unavailable (HTTP {status}): disallowed by RFC 9309")
        parser = self.parsers.get(netloc)
        if parser is not None and not parser.allowed(request.url, self._agent(request)):
            self._refuse(FORBIDDEN)

    def process_response(self, request: Request, response: Response) -> Response:
        if _is_robots_txt(request) and 500 <= response.status < 600:
            self.unavailable[urlparse_cached(request).netloc] = response.status
            detail = f"HTTP {response.status}: the whole site is disallowed (RFC 9309)"
            url = self._declared(response.url)
            drop_page(self.crawler, url, Reason.ROBOTS_UNAVAILABLE, detail)
        return response

    def _refuse(self, why: str) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value("robotstxt/forbidden")
        raise IgnoreRequest(why)

    def _agent(self, request: Request) -> str | bytes:
        """The user agent Scrapy's middleware asks robots.txt about."""
        if self.robots_agent:
            return self.robots_agent
        return request.headers.get(b"User-Agent") or self.default_agent

    def _declared(self, url: str) -> str:
        mirror = mirror_of(self.crawler.spider)
        return rebase(url, *mirror) if mirror else url


def _is_robots_txt(request: Request) -> bool:
    return bool(request.meta.get("dont_obey_robotstxt")) and request.url.endswith("/robots.txt")
