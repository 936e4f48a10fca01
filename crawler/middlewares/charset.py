"""Pages whose bytes a parser would misread: decode them the way a browser would.

A downloader middleware. Scrapy trusts a declared UTF-8 even when the bytes are
Windows-1252 (every curly quote becomes U+FFFD), and guesses at undeclared pages
(it may pick cp775 for plain Western text). Here an undeclared page is read as
UTF-8 when it is valid UTF-8, else as Windows-1252 (the web's default for
undeclared legacy pages); a page declared UTF-8 whose bytes are mostly not
UTF-8 is read as Windows-1252. Any other declared charset is trusted. Stray
NUL bytes, which end libxml2's parse (and so cut the article short), are removed.
"""

from __future__ import annotations

import codecs
from typing import Self

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import Response, TextResponse
from w3lib.encoding import (
    html_body_declared_encoding,
    http_content_type_encoding,
    read_bom,
    resolve_encoding,
)

from crawler import stats as keys

LEGACY = "cp1252"
SLICE_BYTES = 64 * 1024  # how much of a page is decoded at a time to count its damage


def _utf8_damage(body: bytes, slice_bytes: int = SLICE_BYTES) -> tuple[int, int]:
    """(bytes UTF-8 cannot decode, non-ASCII characters it can) in ``body``.

    >>> _utf8_damage("café “x”".encode("cp1252")), _utf8_damage("café".encode())
    ((3, 0), (0, 1))
    """
    if body.isascii():
        return 0, 0
    # In slices, through an incremental decoder (a character split between two slices is
    # read whole): the text of a whole page is up to four times its bytes, at once.
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    bad = non_ascii = 0
    for start in range(0, len(body), slice_bytes):
        last = start + slice_bytes >= len(body)
        text = decoder.decode(body[start : start + slice_bytes], final=last)
        bad += text.count("\ufffd")
        non_ascii += len(text) - len(text.encode("ascii", errors="ignore"))  # in C
    return bad, non_ascii - bad


def better_encoding(content_type: str | None, body: bytes) -> str | None:
    """The encoding to read ``body`` with, or ``None`` to keep what Scrapy chose.

    >>> page = "<p>café “quoted”</p>".encode("cp1252")
    >>> better_encoding("text/html; charset=utf-8", page), better_encoding("text/html", page)
    ('cp1252', 'cp1252')
    >>> better_encoding("text/html", "<p>café</p>".encode()), better_encoding("text/html", b"x")
    ('utf-8', None)
    >>> better_encoding("text/html; charset=utf-8", "<p>café \\xff</p>".encode()) is None
    True
    >>> better_encoding("text/html; charset=iso-8859-7", page) is None
    True
    """
    if read_bom(body)[0]:
        return None
    declared = http_content_type_encoding(content_type) or html_body_declared_encoding(body)
    if declared and resolve_encoding(declared) != "utf-8":
        return None
    bad, good = _utf8_damage(body)
    if declared:
        return LEGACY if bad > good else None
    if bad:
        return LEGACY
    return "utf-8" if good else None


class CharsetFallbackMiddleware:
    """Re-decodes HTML responses whose charset is missing or plainly wrong."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Response:
        if not isinstance(response, TextResponse):
            return response
        if b"\x00" in response.body and not read_bom(response.body)[0]:
            self._count("nul_removed")
            response = response.replace(body=response.body.replace(b"\x00", b""))
        content_type = response.headers.get(b"Content-Type")
        header = content_type.decode("latin-1") if content_type else None
        encoding = better_encoding(header, response.body)
        if encoding is None or encoding == response.encoding:
            return response
        self._count(encoding)
        return response.replace(encoding=encoding)

    def _count(self, what: str) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(keys.charset_key(what))
