"""Log formatter that names a dropped page's reason without dumping the whole article."""

from __future__ import annotations

import logging
from typing import Any

from scrapy import Spider
from scrapy.http import Response
from scrapy.logformatter import LogFormatter, LogFormatterResult
from twisted.python.failure import Failure


class NewsLogFormatter(LogFormatter):
    def dropped(
        self,
        item: Any,
        exception: BaseException,
        response: Response | Failure | None,
        spider: Spider,
    ) -> LogFormatterResult:
        level = getattr(exception, "log_level", None) or "WARNING"
        return {
            "level": logging.getLevelName(level),
            "msg": "Dropped: %(exception)s",
            "args": {"exception": exception},
        }
