"""Pages not worth extracting: empty, not HTML, too large. Each gets a drop reason."""

from __future__ import annotations

from scrapy.http import Response, TextResponse

from crawler.stats import Reason

MAX_PAGE_BYTES = 10 * 1024 * 1024
_BINARY_SIGNATURES = (b"%PDF", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"PK\x03\x04", b"\x1f\x8b")


def looks_binary(head: bytes) -> bool:
    """Whether the first bytes of a body are a binary format rather than markup.

    >>> looks_binary(b"%PDF-1.7"), looks_binary(b"<!doctype html><p>x"), looks_binary(b"a\\x00b")
    (True, False, True)
    """
    return head.startswith(_BINARY_SIGNATURES) or b"\x00" in head[:1024]


def rejection(response: Response, max_bytes: int = MAX_PAGE_BYTES) -> str | None:
    """Why not to extract this page (``empty_page``, ``not_html``, ``too_large``), or None."""
    body = response.body
    if not body.strip():
        return str(Reason.EMPTY_PAGE)
    if len(body) > max_bytes:
        return str(Reason.TOO_LARGE)
    if not isinstance(response, TextResponse) or looks_binary(body[:1024]):
        return str(Reason.NOT_HTML)
    return None
