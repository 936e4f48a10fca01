"""robots.txt as RFC 9309 reads it: a server error there disallows the whole site.

Scrapy's :class:`~scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware` parses
whatever body a robots.txt answer has, so a ``503`` error page reads as "allow all".
RFC 9309 (section 2.3.1.4) says a robots.txt that is unreachable because of a server
error (5xx) means complete disallow. This middleware does that for the crawl (the next
run asks again): the robots.txt answer gets a ``dropped_pages`` row, and so does each
page not requested because of it, both with reason ``robots_unavailable``.
"""

from __future__ import annotations

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.robotstxt import RobotParser
from scrapy.utils.httpobj import urlparse_cached

from crawler.middlewares.mirror import mirror_of
from crawler.signals import drop_page
from crawler.stats import Reason
from crawler.urls import rebase

DISALLOW_ALL = b"User-agent: *\nDisallow: /\n"


class ServerErrorRobotsMiddleware(RobotsTxtMiddleware):
    """Scrapy's robots.txt middleware, with a 5xx robots.txt read as "disallow all"."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.unavailable: dict[str, int] = {}  # netloc -> the status its robots.txt gave

    async def _parse_robots(self, response: Response, netloc: str, request: Request) -> None:
        if 500 <= response.status < 600:
            self.unavailable[netloc] = response.status
            detail = f"HTTP {response.status}: the whole site is disallowed (RFC 9309)"
            drop_page(self.crawler, self._declared(response.url), Reason.ROBOTS_UNAVAILABLE, detail)
            response = response.replace(body=DISALLOW_ALL)
        await super()._parse_robots(response, netloc, request)

    def process_request_2(self, rp: RobotParser | None, request: Request) -> None:
        status = self.unavailable.get(urlparse_cached(request).netloc)
        if status is None:
            super().process_request_2(rp, request)
            return
        self._stats.inc_value("robotstxt/forbidden")
        raise IgnoreRequest(f"robots.txt unavailable (HTTP {status}): disallowed by RFC 9309")

    def _declared(self, url: str) -> str:
        mirror = mirror_of(self.crawler.spider)
        return rebase(url, *mirror) if mirror else url
