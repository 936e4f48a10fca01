"""Every stats key newsdesk writes, and every reason a page is not stored.

A crawl's counters live in Scrapy's stats collector. The components that count
(spiders, middlewares, pipelines, the store) write them under the names below,
and those that read them (the run recorder, the runner, the progress display)
read them by the same names: this module is the contract between the two.

A page that is not stored has a :class:`Reason`; a pipeline that drops an item
raises :class:`Dropped`, which carries the reason and the detail as data.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from scrapy.exceptions import DropItem
from scrapy.statscollectors import StatsCollector

ARTICLES_EXTRACTED = "newsdesk/articles/extracted"
ARTICLES_NEW = "newsdesk/articles/new"
ARTICLES_UPDATED = "newsdesk/articles/updated"
NEAR_DUPLICATES = "newsdesk/near_duplicates"  # linked before the store, in this run
NEAR_DUPLICATES_LATE = "newsdesk/articles/near_duplicate_late"  # linked by the store
INCREMENTAL_SKIPPED = "newsdesk/incremental/skipped"  # stored, not downloaded again
INCREMENTAL_REVISITED = "newsdesk/incremental/revisited"
INCREMENTAL_NOT_MODIFIED = "newsdesk/incremental/not_modified"  # revisit answered 304
RUN_STATUS = "newsdesk/run_status"  # as recorded in crawl_runs
ALERTS = "newsdesk/alerts"  # drift alerts of the run (a list of lines)
SITE_ERRORS = "newsdesk/errors"  # ERROR log records of this crawl (crawler/extensions/errors.py)
STORAGE_ERROR = "newsdesk/storage_error"  # why the database could not be written
CANONICAL_REJECTED = "newsdesk/canonical/rejected"  # by the dedup: names another story
ARCHIVED = "newsdesk/archive/records"  # pages written to the WARC archive
ARCHIVE_RECOVERED = "newsdesk/archive/recovered"  # pointers replayed from interrupted runs
WARC_RECORDS = "newsdesk/import/records"  # WARC records read by newsdesk import
WARC_SKIPPED_PREFIX = "newsdesk/import/skipped/"  # + record type: records that are no page
DROPPED_PREFIX = "newsdesk/dropped/"
DECLARED_FIELDS = "newsdesk/declared_fields"  # fields the site's declaration can fill

# Scrapy's own keys that newsdesk reads.
PAGES_FETCHED = "response_received_count"
FINISH_REASON = "finish_reason"


class Reason(StrEnum):
    """Why a page was not stored (``dropped_pages.reason``). HTTP errors are ``http_<status>``:
    see :func:`http_reason`."""

    # Extraction and validation
    NOT_HTML = "not_html"
    EMPTY_PAGE = "empty_page"
    TOO_LARGE = "too_large"
    EXTRACTION_FAILED = "extraction_failed"
    MISSING_TITLE = "missing_title"
    MISSING_BODY = "missing_body"
    SOFT_404 = "soft_404"  # a "page not found" page answered with 200
    # Deduplication ("unchanged" is counted in the run, not listed page by page)
    UNCHANGED = "unchanged"
    DUPLICATE_URL = "duplicate_url"
    DUPLICATE_CONTENT = "duplicate_content"
    # Discovery and traps
    XML_ENTITIES = "xml_entities"
    CORRUPT_GZIP = "corrupt_gzip"  # a sitemap or feed whose gzip stream is broken
    NOT_A_SITEMAP = "not_a_sitemap"  # a sitemap or feed URL answered with something else
    EMPTY_SITEMAP = "empty_sitemap"  # a sitemap or feed that lists nothing
    ROBOTS_UNAVAILABLE = "robots_unavailable"  # robots.txt answered 5xx: all disallowed
    DEPTH_LIMIT = "depth_limit"
    REDIRECT_LOOP = "redirect_loop"
    REDIRECT_OFFSITE = "redirect_offsite"
    # Requests ignored by a middleware
    ROBOTS = "robots"
    TOO_LARGE_DECOMPRESSED = "too_large_decompressed"
    TOO_MANY_REDIRECTS = "too_many_redirects"
    OFFSITE = "offsite"
    IGNORED = "ignored"
    # Downloads that failed
    TIMEOUT = "timeout"
    TRUNCATED = "truncated"
    CONNECTION_LOST = "connection_lost"
    CONNECTION_REFUSED = "connection_refused"
    DNS_ERROR = "dns_error"
    DOWNLOAD_ERROR = "download_error"
    # WARC records and files (newsdesk import)
    REVISIT = "revisit"
    NOT_HTTP = "not_http"
    WARC_CORRUPT = "warc_corrupt"
    WARC_UNREADABLE = "warc_unreadable"


NOT_DROPS = (Reason.UNCHANGED,)  # counted in the run, not listed page by page


def http_reason(status: int) -> str:
    """The reason of a page lost to an HTTP error status.

    >>> http_reason(404)
    'http_404'
    """
    return f"http_{status}"


def dropped_key(reason: str) -> str:
    """The stats key counting pages dropped for ``reason``.

    >>> dropped_key(Reason.MISSING_BODY)
    'newsdesk/dropped/missing_body'
    """
    return DROPPED_PREFIX + reason


def field_key(field: str) -> str:
    """The stats key counting extracted articles that have ``field``."""
    return f"newsdesk/fields/{field}"


def declared_key(field: str) -> str:
    """The stats key counting articles whose ``field`` the site's own declaration filled."""
    return f"newsdesk/declared/{field}"


def charset_key(what: str) -> str:
    """The stats key counting pages whose charset was settled by ``what``."""
    return f"newsdesk/charset/{what}"


def dropped_counts(stats: dict[str, Any]) -> dict[str, int]:
    """Pages dropped per reason, from a crawl's stats.

    >>> dropped_counts({"newsdesk/dropped/http_404": 2, "newsdesk/articles/new": 5})
    {'http_404': 2}
    """
    return {
        key.removeprefix(DROPPED_PREFIX): int(value)
        for key, value in sorted(stats.items())
        if key.startswith(DROPPED_PREFIX)
    }


class Dropped(DropItem):
    """An item a pipeline will not store; ``reason`` and ``detail`` say why.

    >>> error = Dropped(Reason.MISSING_BODY, "no body on https://x.test/a")
    >>> str(error), error.reason, error.log_level
    ('missing_body: no body on https://x.test/a', 'missing_body', 'INFO')
    """

    def __init__(self, reason: str, detail: str, log_level: str = "INFO") -> None:
        super().__init__(f"{reason}: {detail}", log_level=log_level)
        self.reason = str(reason)
        self.detail = detail


def drop(stats: StatsCollector | None, reason: str, detail: str) -> Dropped:
    """Count a dropped item under its reason and build the exception to raise.

    >>> str(drop(None, Reason.DUPLICATE_URL, "https://x.test/a seen in this run"))
    'duplicate_url: https://x.test/a seen in this run'
    """
    if stats is not None:
        stats.inc_value(dropped_key(reason))
    return Dropped(reason, detail)
