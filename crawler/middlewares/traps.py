"""Crawler traps: endless calendars and pagination end at ``DEPTH_LIMIT``, on the record.

Scrapy's :class:`~scrapy.spidermiddlewares.depth.DepthMiddleware` with the
``dropped_pages`` it leaves out: each listing page cut off by the depth limit is
recorded once as ``depth_limit``, so a trap shows in the run record instead of
only in a debug log line. Article links past the limit are not recorded (they
are usually reached by a shorter path too).
"""

from __future__ import annotations

from typing import Any

from scrapy import Request
from scrapy.http import Response
from scrapy.spidermiddlewares.depth import DepthMiddleware

from crawler.middlewares.mirror import declared_url
from crawler.signals import drop_page
from crawler.stats import Reason


class RecordingDepthMiddleware(DepthMiddleware):
    """``DEPTH_LIMIT`` as usual, plus a ``depth_limit`` drop per listing page cut off."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.recorded: set[str] = set()

    def get_processed_request(self, request: Request, response: Response | None) -> Request | None:
        processed = super().get_processed_request(request, response)
        if processed is None and response is not None and not request.meta.get("article"):
            self._record(request)
        return processed

    def _record(self, request: Request) -> None:
        if request.url in self.recorded:
            return
        self.recorded.add(request.url)
        detail = f"deeper than DEPTH_LIMIT ({self.maxdepth}) links"
        drop_page(self.crawler, declared_url(request), Reason.DEPTH_LIMIT, detail)
