"""WARC files through warcio: article pages written as response + request records, read back.

Writing: :class:`WarcWriter` appends each exchange as a ``response`` record and its
``request`` record (``WARC-Concurrent-To`` the response), each its own gzip member,
to ``<prefix>-00000.warc.gz`` and starts the next file once one passes a size cap.
The payload is stored as the page was decoded (no ``Content-Encoding``), with its
``Content-Length``, so any WARC reader gets the HTML.

Reading: :func:`read_exchange` reads the response record at a file offset (what an
article's archive pointer names); :func:`scan` streams every record of a file and
turns each into an :class:`Exchange` or a :class:`Skip` with a reason, stopping at
the first corrupt point of a file without losing the records before it. warcio's own
warning for a record whose ``Content-Length`` is wrong (it writes it on stderr) is
caught here: that record is a ``Skip`` (``warc_corrupt``) with warcio's words.
"""

from __future__ import annotations

import os
import zlib
from collections.abc import Callable, Iterator
from contextlib import redirect_stderr
from dataclasses import dataclass, field
from io import BytesIO, StringIO
from pathlib import Path
from typing import IO, Any, TypeVar

from scrapy import Request
from scrapy.http import Headers, Response
from scrapy.responsetypes import responsetypes
from warcio.archiveiterator import ArchiveIterator, WARCIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from crawler.stats import Reason

#: Headers that describe the bytes on the wire, not the decoded payload we keep.
WIRE_HEADERS = frozenset({"content-encoding", "transfer-encoding", "content-length"})
#: Errors of a damaged file: a truncated gzip member, a record cut or mis-sized.
CORRUPT = (ArchiveLoadFailed, EOFError, zlib.error, ValueError, OSError)
_T = TypeVar("_T")
#: Records that are no page and no drop: a crawler's own notes.
NOT_PAGES = frozenset({"warcinfo", "request", "metadata", "conversion", "continuation"})


@dataclass(frozen=True)
class Exchange:
    """One HTTP response of a page, with the request that fetched it."""

    url: str
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    date: str = ""  # WARC-Date, ISO 8601
    request_headers: list[tuple[str, str]] = field(default_factory=list)
    method: str = "GET"


@dataclass(frozen=True)
class RecordRef:
    """Where a response record is: the file, the offset of its gzip member, its length."""

    file: str
    offset: int
    length: int


@dataclass(frozen=True)
class Skip:
    """A record (or a whole file) that gives no page; ``reason`` is a :class:`Reason` or a
    record type (:data:`NOT_PAGES`, counted but no drop)."""

    url: str
    reason: str
    detail: str


def payload_headers(headers: list[tuple[str, str]], length: int) -> list[tuple[str, str]]:
    """Response headers for a decoded payload of ``length`` bytes.

    >>> payload_headers([("Content-Encoding", "gzip"), ("Content-Type", "text/html")], 5)
    [('Content-Type', 'text/html'), ('Content-Length', '5')]
    """
    kept = [(name, value) for name, value in headers if name.lower() not in WIRE_HEADERS]
    return [*kept, ("Content-Length", str(length))]


class WarcWriter:
    """Rotating gzip WARC files ``<folder>/<prefix>-NNNNN.warc.gz`` of at most ~``max_bytes``."""

    def __init__(self, folder: str | Path, prefix: str, max_bytes: int) -> None:
        self.folder = Path(folder)
        self.prefix = prefix
        self.max_bytes = max(1, max_bytes)
        self.serial = -1
        self.handle: IO[bytes] | None = None
        self.path = Path()

    def write(self, exchange: Exchange) -> RecordRef:
        """Append the exchange; where its response record starts."""
        handle = self._current()
        writer = WARCWriter(handle, gzip=True)
        response = _response_record(writer, exchange)
        offset = handle.tell()
        writer.write_record(response)
        length = handle.tell() - offset
        writer.write_record(_request_record(writer, exchange, response))
        handle.flush()
        return RecordRef(str(self.path.resolve()), offset, length)

    def close(self) -> None:
        if self.handle is not None:
            self.handle.close()
            self.handle = None

    def _current(self) -> IO[bytes]:
        if self.handle is not None and self.handle.tell() < self.max_bytes:
            return self.handle
        self.close()
        self.serial += 1
        self.folder.mkdir(parents=True, exist_ok=True)
        self.path = self.folder / f"{self.prefix}-{self.serial:05d}.warc.gz"
        self.handle = open(self.path, "xb")  # noqa: SIM115 - kept open across records
        writer = WARCWriter(self.handle, gzip=True)
        info = {"software": "newsdesk (warcio)", "format": "WARC File Format 1.0"}
        writer.write_record(writer.create_warcinfo_record(self.path.name, info))
        return self.handle


def _response_record(writer: WARCWriter, exchange: Exchange) -> Any:
    status = f"{exchange.status} {_STATUS_TEXT.get(exchange.status, 'Unknown')}"
    headers = payload_headers(exchange.headers, len(exchange.body))
    http = StatusAndHeaders(status, headers, protocol="HTTP/1.1")
    warc_headers = {"WARC-Date": exchange.date} if exchange.date else {}
    return writer.create_warc_record(
        exchange.url, "response", payload=BytesIO(exchange.body), length=len(exchange.body),
        http_headers=http, warc_headers_dict=warc_headers,
    )  # fmt: skip


def _request_record(writer: WARCWriter, exchange: Exchange, response: Any) -> Any:
    target = _request_target(exchange.url)
    http = StatusAndHeaders(
        f"{exchange.method} {target} HTTP/1.1", exchange.request_headers, is_http_request=True
    )
    concurrent = {
        "WARC-Concurrent-To": response.rec_headers.get_header("WARC-Record-ID"),
        "WARC-Date": response.rec_headers.get_header("WARC-Date"),
    }
    return writer.create_warc_record(
        exchange.url, "request", payload=BytesIO(b""), length=0, http_headers=http,
        warc_headers_dict=concurrent,
    )  # fmt: skip


def _request_target(url: str) -> str:
    """The request line's target: path and query.

    >>> _request_target("https://x.test/a/b?c=1#f"), _request_target("https://x.test")
    ('/a/b?c=1', '/')
    """
    rest = url.split("://", 1)[-1]
    path = rest[rest.find("/") :] if "/" in rest else "/"
    return path.split("#", 1)[0]


_STATUS_TEXT = {200: "OK", 203: "Non-Authoritative Information"}


def read_exchange(path: str | Path, offset: int) -> Exchange:
    """The response record at ``offset`` of the WARC file ``path``.

    Raises ``ValueError`` naming the file and offset when no response record is there.
    """
    try:
        with open(path, "rb") as handle:
            handle.seek(offset)
            record = next(iter(ArchiveIterator(handle)), None)
            if record is None or record.rec_type != "response" or record.http_headers is None:
                raise ValueError("no response record there")
            return _exchange(record)
    except CORRUPT as exc:
        raise ValueError(f"{path}@{offset}: cannot read the archived page: {exc}") from None


def _exchange(record: Any) -> Exchange:
    http = record.http_headers
    return Exchange(
        url=str(record.rec_headers.get_header("WARC-Target-URI") or ""),
        status=int(http.get_statuscode() or 0),
        headers=list(http.headers),
        body=record.content_stream().read(),
        date=str(record.rec_headers.get_header("WARC-Date") or ""),
    )


def scan(path: str | Path) -> Iterator[tuple[Exchange, RecordRef] | Skip]:
    """Every record of one WARC file as a page (with where it is) or a :class:`Skip`.

    Never raises for a bad file: an unreadable file or a corrupt record ends the file
    with a ``Skip`` naming the offset; what came before it was yielded.
    """
    name = str(Path(path).resolve())
    try:
        if os.path.getsize(path) == 0:
            yield Skip(name, Reason.WARC_UNREADABLE, f"{path}: empty file")
            return
        with open(path, "rb") as handle:
            yield from _records(handle, name)
    except OSError as exc:
        yield Skip(name, Reason.WARC_UNREADABLE, f"{path}: {exc.strerror or exc}")


def _records(handle: IO[bytes], name: str) -> Iterator[tuple[Exchange, RecordRef] | Skip]:
    iterator = WARCIterator(handle, check_digests="raise")  # a digest that fails: corrupt
    end = 0  # where the last whole record ended
    try:
        for record in iterator:
            item = _page(record, name, end)
            # Reading to the record's end reads what follows it, where warcio finds a wrong
            # Content-Length and says so on stderr.
            (offset, length), warned = _quietly(lambda: _place(iterator))
            end = offset + length
            if warned:
                yield _mis_sized(record, name, offset, warned)
                continue
            yield (item, RecordRef(name, offset, length)) if isinstance(item, Exchange) else item
    except CORRUPT as exc:
        reason, what = Reason.WARC_CORRUPT, f"record after offset {end}"
        if end == 0:
            reason, what = Reason.WARC_UNREADABLE, "not a readable WARC file"
        yield Skip(name, reason, f"{name}: {what}: {type(exc).__name__}: {exc}")


def _place(iterator: WARCIterator) -> tuple[int, int]:
    """Offset and length of the record just read (warcio reads on to its end)."""
    return iterator.get_record_offset(), iterator.get_record_length()


def _quietly(step: Callable[[], _T]) -> tuple[_T, str]:
    """What ``step`` returns, and what it wrote on stderr (warcio's warnings) instead."""
    written = StringIO()
    with redirect_stderr(written):
        result = step()
    return result, " ".join(written.getvalue().split())


def _mis_sized(record: Any, name: str, offset: int, warning: str) -> Skip:
    url = str(record.rec_headers.get_header("WARC-Target-URI") or f"{name}@{offset}")
    return Skip(url, Reason.WARC_CORRUPT, f"{name}@{offset}: {warning}")


def _page(record: Any, name: str, offset: int) -> Exchange | Skip:
    url = str(record.rec_headers.get_header("WARC-Target-URI") or f"{name}@{offset}")
    kind = record.rec_type
    if kind in NOT_PAGES:
        return Skip(url, kind, f"{kind} record")
    if kind == "revisit":
        return Skip(url, Reason.REVISIT, "revisit record: no payload of its own")
    if kind != "response" or record.http_headers is None or not url.startswith("http"):
        return Skip(url, Reason.NOT_HTTP, f"{kind} record without an HTTP response")
    exchange = _exchange(record)
    if getattr(record.raw_stream, "limit", 0) > 0:  # the file ended inside the record
        raise EOFError(f"record of {url} cut short")
    return exchange


def response_of(exchange: Exchange) -> Response:
    """The Scrapy response of an archived exchange, of the class Scrapy would give it (HTML,
    XML, text or binary), under the URL it was fetched from."""
    headers = Headers(exchange.headers)
    kind = responsetypes.from_args(headers=headers, url=exchange.url, body=exchange.body)
    return kind(
        url=exchange.url, status=exchange.status, headers=headers, body=exchange.body,
        request=Request(exchange.url),
    )  # fmt: skip
