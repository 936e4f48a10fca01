"""newsdesk's own signals, and how a failed request is named in ``dropped_pages``."""

from __future__ import annotations

from scrapy.exceptions import IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

#: A page that will not be stored: ``url``, ``reason`` (a short code) and ``detail``.
page_dropped = object()


class SkipKnown(IgnoreRequest):
    """An article already stored and not due for a revisit: not downloaded, not a drop."""


class NotModified(IgnoreRequest):
    """A revisited article answered 304 Not Modified: unchanged, not a drop."""


def failure_reason(failure: Failure) -> tuple[str, str]:
    """A short reason code and a detail for a failed request; ``("", "")`` when it is no drop.

    >>> failure_reason(Failure(IgnoreRequest("Forbidden by robots.txt")))
    ('robots', 'Forbidden by robots.txt')
    >>> failure_reason(Failure(SkipKnown("stored")))
    ('', '')
    >>> failure_reason(Failure(TimeoutError("took too long")))
    ('download_error', 'TimeoutError: took too long')
    """
    error = failure.value
    if isinstance(error, (SkipKnown, NotModified)):
        return "", ""
    if isinstance(error, HttpError):
        return f"http_{error.response.status}", f"HTTP status {error.response.status}"
    if isinstance(error, IgnoreRequest):
        message = str(error)
        if "robots.txt" in message:
            return "robots", message
        if "offsite" in message.lower():
            return "offsite", message
        return "ignored", message or type(error).__name__
    return "download_error", f"{type(error).__name__}: {error}".strip()
