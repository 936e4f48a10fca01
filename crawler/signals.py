"""newsdesk's own signals, and how a failed request is named in ``dropped_pages``."""

from __future__ import annotations

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

#: A page that will not be stored: ``url``, ``reason`` (a short code) and ``detail``.
page_dropped = object()


class SkipKnown(IgnoreRequest):
    """An article already stored and not due for a revisit: not downloaded, not a drop."""


class NotModified(IgnoreRequest):
    """A revisited article answered 304 Not Modified: unchanged, not a drop."""


_Kinds = type[BaseException] | tuple[type[BaseException], ...]

#: Download failures by exception type, most specific first.
_DOWNLOAD_FAILURES: tuple[tuple[_Kinds, str], ...] = (
    (DownloadTimeoutError, "timeout"),
    (ResponseDataLossError, "truncated"),
    ((ConnectionLost, ConnectionDone, DownloadFailedError), "connection_lost"),
    (DownloadConnectionRefusedError, "connection_refused"),
    (CannotResolveHostError, "dns_error"),
)

#: Requests a middleware ignored, by the words of its message.
_IGNORED: tuple[tuple[str, str], ...] = (
    ("robots.txt", "robots"),
    ("during decompression", "too_large_decompressed"),
    ("max redirections", "too_many_redirects"),
    ("offsite", "offsite"),
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
        return f"http_{error.response.status}", f"HTTP status {error.response.status}"
    if isinstance(error, IgnoreRequest):
        reason = next((r for words, r in _IGNORED if words in message.lower()), "ignored")
        return reason, message or type(error).__name__
    if isinstance(error, DownloadCancelledError):  # the handler cancels only at DOWNLOAD_MAXSIZE
        return "too_large", message or "download cancelled: larger than DOWNLOAD_MAXSIZE"
    for kinds, reason in _DOWNLOAD_FAILURES:
        if isinstance(error, kinds):
            return reason, message or type(error).__name__
    return "download_error", f"{type(error).__name__}: {error}".strip()
