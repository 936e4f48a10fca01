"""newsdesk's own signals, and how a failed request is named in ``dropped_pages``."""

from __future__ import annotations

import logging

from scrapy.crawler import Crawler
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import ConnectionDone, ConnectionLost
from twisted.python.failure import Failure

from crawler.stats import Reason, dropped_key, http_reason

#: A page that will not be stored: ``url``, ``reason`` (a short code) and ``detail``.
page_dropped = object()
logger = logging.getLogger(__name__)


def drop_page(crawler: Crawler, url: str, reason: str, detail: str) -> None:
    """Report a page that will not be stored: the log, the stats, and :data:`page_dropped`
    (the run record's ``dropped_pages``). ``url`` is the site's own URL of the page."""
    logger.info("Dropped: %s: %s (%s)", reason, url, detail)
    if crawler.stats is not None:
        crawler.stats.inc_value(dropped_key(reason))
    crawler.signals.send_catch_log(
        page_dropped, url=url, reason=reason, detail=detail, spider=crawler.spider
    )


class SkipKnown(IgnoreRequest):
    """An article already stored and not due for a revisit: not downloaded, not a drop."""


class NotModified(IgnoreRequest):
    """A revisited article answered 304 Not Modified: unchanged, not a drop."""


_Kinds = type[BaseException] | tuple[type[BaseException], ...]

#: Download failures by exception type, most specific first.
_DOWNLOAD_FAILURES: tuple[tuple[_Kinds, Reason], ...] = (
    (DownloadTimeoutError, Reason.TIMEOUT),
    (ResponseDataLossError, Reason.TRUNCATED),
    ((ConnectionLost, ConnectionDone, DownloadFailedError), Reason.CONNECTION_LOST),
    (DownloadConnectionRefusedError, Reason.CONNECTION_REFUSED),
    (CannotResolveHostError, Reason.DNS_ERROR),
)

#: Requests a middleware ignored, by the words of its message.
_IGNORED: tuple[tuple[str, Reason], ...] = (
    ("robots.txt unavailable", Reason.ROBOTS_UNAVAILABLE),
    ("robots.txt", Reason.ROBOTS),
    ("during decompression", Reason.TOO_LARGE_DECOMPRESSED),
    ("max redirections", Reason.TOO_MANY_REDIRECTS),
    ("offsite", Reason.OFFSITE),
)


def failure_reason(failure: Failure) -> tuple[str, str]:
    """A short reason code and a detail for a failed request; ``("", "")`` when it is no drop.

    >>> failure_reason(Failure(IgnoreRequest("Forbidden by robots.txt")))
    ('robots', 'Forbidden by robots.txt')
    >>> failure_reason(Failure(SkipKnown("stored")))
    ('', '')
    >>> failure_reason(Failure(DownloadTimeoutError("Getting x took longer than 2.0 seconds.")))
    ('timeout', 'Getting x took longer than 2.0 seconds.')
    >>> failure_reason(Failure(DownloadCancelledError("Expected to receive 11 bytes which is "
    ...     "larger than download max size (10) in request <GET x>.")))[0]
    'too_large'
    >>> failure_reason(Failure(IgnoreRequest("max redirections reached")))
    ('too_many_redirects', 'max redirections reached')
    >>> failure_reason(Failure(ZeroDivisionError("oops")))
    ('download_error', 'ZeroDivisionError: oops')
    """
    error = failure.value
    message = str(error).strip()
    if isinstance(error, (SkipKnown, NotModified)):
        return "", ""
    if isinstance(error, HttpError):
        return http_reason(error.response.status), f"HTTP status {error.response.status}"
    if isinstance(error, IgnoreRequest):
        reason = next((r for words, r in _IGNORED if words in message.lower()), Reason.IGNORED)
        return str(reason), message or type(error).__name__
    if isinstance(error, DownloadCancelledError):  # the handler cancels only at DOWNLOAD_MAXSIZE
        return str(Reason.TOO_LARGE), message or "download cancelled: larger than DOWNLOAD_MAXSIZE"
    for kinds, reason in _DOWNLOAD_FAILURES:
        if isinstance(error, kinds):
            return str(reason), message or type(error).__name__
    return str(Reason.DOWNLOAD_ERROR), f"{type(error).__name__}: {error}".strip()
