"""A database that cannot be written (disk full, read-only, I/O error) stops the crawl.

Fetching pages that cannot be stored only wastes the sites' bandwidth and ours.
The first failed write is logged as one line, kept in the stats for the CLI
(``newsdesk crawl`` exits 1 with that line), and closes the spider with the
reason ``storage_error``. The failed batch was one transaction, so it left
nothing half-written; its articles are fetched again by the next run.
"""

from __future__ import annotations

import logging

from scrapy.crawler import Crawler
from scrapy.utils.defer import deferred_from_coro

from crawler import stats as keys

logger = logging.getLogger(__name__)


def stop_crawl(crawler: Crawler | None, message: str, closing: bool = False) -> None:
    """Report a write failure once and close the spider (unless it is closing already)."""
    logger.error(message)
    if crawler is None or crawler.stats is None:
        return
    if crawler.stats.get_value(keys.STORAGE_ERROR) is None:
        crawler.stats.set_value(keys.STORAGE_ERROR, message)
    if not closing and crawler.engine is not None:
        deferred_from_coro(crawler.engine.close_spider_async(reason="storage_error"))
