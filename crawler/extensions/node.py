"""A crawl run as a scrapyd job must be told its database.

scrapyd starts each job in its own working folder; the default ``output/news.db`` would
land there, out of sight of ``newsdesk merge``. A scrapyd job (it carries scrapyd's
``_job`` spider argument) without ``NEWSDESK_DB_PATH`` (a ``setting=`` of the job, or the
environment of the scrapyd service) stops before anything is opened, with one line that
says how to set it.
"""

from __future__ import annotations

import os
from typing import Self

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from store import ENVIRONMENT


class NodeDatabaseMissing(RuntimeError):
    """A scrapyd job was started without a database path."""


class NodeDatabaseGuard:
    """Refuses a scrapyd job that names no database; not configured for any other crawl."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        job = scrapyd_job(crawler)
        if job is None:
            raise NotConfigured("not a scrapyd job")
        if not crawler.settings.get("NEWSDESK_DB_PATH") and not os.environ.get(ENVIRONMENT):
            raise NodeDatabaseMissing(missing_database(job))
        raise NotConfigured("the job names its database")


def scrapyd_job(crawler: Crawler) -> str | None:
    """The scrapyd job id of the crawl, or None when scrapyd did not start it."""
    spider = getattr(crawler, "spider", None)
    job = vars(spider).get("_job") if spider is not None else None
    return str(job) if job else None


def missing_database(job: str) -> str:
    """The one line for a job without a database.

    >>> missing_database("ab12").split(":")[0]
    'scrapyd job ab12'
    """
    return (
        f"scrapyd job {job}: no database named (NEWSDESK_DB_PATH): schedule it with "
        f"-d setting=NEWSDESK_DB_PATH=/path/shard.db or set NEWSDESK_DB_PATH in the "
        f"environment of scrapyd; nothing was written"
    )
