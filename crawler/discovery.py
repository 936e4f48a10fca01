"""Discovery documents: sitemaps, sitemap indexes, news sitemaps, RSS and Atom feeds,
and the ``Sitemap:`` lines of robots.txt.

:func:`parse_discovery` reads any of them into :class:`Entry` objects (a URL,
the date the document gives for it, and whether it is another sitemap). The
parser never resolves entities nor fetches anything, so entity-expansion bombs
and external entities stay inert.
"""

from __future__ import annotations

import gzip
import io
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime
from io import BytesIO

from lxml import etree

from crawler.stats import Reason

MAX_SITEMAP_BYTES = 50 * 1024 * 1024  # the sitemap protocol's own limit, uncompressed
MAX_DATE_CHARS = 64  # longer than any W3C or RFC 822 date
_W3C = re.compile(
    r"\d{4}(?:-\d{2}(?:-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?"
    r"(?:Z|[+-]\d{2}:?\d{2})?)?)?)?",
    re.ASCII,
)


@dataclass(frozen=True)
class Entry:
    """One URL a discovery document lists."""

    url: str
    date: str | None = None  # ISO 8601: news publication date, lastmod, pubDate
    is_sitemap: bool = False


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def _text(element: etree._Element, *names: str) -> str | None:
    """Text of the first descendant whose local name is one of ``names``."""
    for child in element.iter():
        if _local(child.tag) in names and child.text and child.text.strip():
            return str(child.text).strip()
    return None


def _iso(text: str | None) -> str | None:
    """ISO date of a sitemap (W3C datetime) or feed (RFC 822 / RFC 3339) date.

    Only those formats are read, each in microseconds; anything else is no date (a
    fuzzy parser took up to 36 ms per date, and a sitemap lists 50,000).

    >>> _iso("Tue, 18 Nov 2026 07:45:00 GMT")
    '2026-11-18T07:45:00+00:00'
    >>> _iso("2026-11-18"), _iso("2026-11"), _iso(None), _iso("soon"), _iso("3 March 2021")
    ('2026-11-18', '2026-11-01', None, None, None)
    """
    text = (text or "").strip()
    if not text or len(text) > MAX_DATE_CHARS:
        return None
    if _W3C.fullmatch(text):
        return _w3c(text)
    try:
        return parsedate_to_datetime(text).isoformat()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def _w3c(text: str) -> str | None:
    """A W3C datetime (the ISO 8601 subset sitemaps use) as ISO; a year or month is its
    first day.

    >>> _w3c("2026"), _w3c("2026-11-18T07:45Z"), _w3c("2026-02-30")
    ('2026-01-01', '2026-11-18T07:45:00+00:00', None)
    """
    padded = text + "-01-01"[len(text) - 4 :] if len(text) < 10 else text
    try:
        if len(padded) == 10:
            return date.fromisoformat(padded).isoformat()
        return datetime.fromisoformat(padded.replace("Z", "+00:00")).isoformat()
    except ValueError:
        return None


def _atom_link(entry: etree._Element) -> str | None:
    for child in entry:
        if _local(child.tag) == "link" and child.get("rel", "alternate") == "alternate":
            href = child.get("href")
            if href:
                return str(href).strip()
    return None


def _entry(element: etree._Element, kind: str) -> Entry | None:
    if kind == "url":
        url = _text(element, "loc")
        date = _text(element, "publication_date") or _text(element, "lastmod")
    elif kind == "sitemap":
        url, date = _text(element, "loc"), _text(element, "lastmod")
    elif kind == "item":
        url = _text(element, "link") or _text(element, "guid")
        date = _text(element, "pubdate", "date")
    else:  # atom entry
        url = _atom_link(element)
        date = _text(element, "published") or _text(element, "updated")
    if not url:
        return None
    return Entry(url, _iso(date), is_sitemap=kind == "sitemap")


def parse_discovery(body: bytes) -> Iterator[Entry]:
    """Entries of a sitemap, sitemap index, RSS or Atom document; nothing for anything else.

    >>> xml = b'''<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
    ...   <url><loc>https://x.test/a.html</loc><lastmod>2026-11-02</lastmod></url></urlset>'''
    >>> list(parse_discovery(xml))
    [Entry(url='https://x.test/a.html', date='2026-11-02', is_sitemap=False)]
    >>> list(parse_discovery(b"<html><body>not a sitemap</body></html>"))
    []
    """
    parser = etree.iterparse(
        BytesIO(body),
        events=("end",),
        recover=True,
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        for _, element in parser:
            kind = _local(element.tag)
            if kind in ("url", "sitemap", "item", "entry"):
                entry = _entry(element, kind)
                element.clear()
                if entry is not None:
                    yield entry
    except etree.XMLSyntaxError:
        return


ROOTS = frozenset({"urlset", "sitemapindex", "rss", "feed", "rdf"})  # discovery documents


def root_name(body: bytes) -> str | None:
    """The local name of a document's first element; ``None`` when it has none.

    >>> root_name(b"<?xml version='1.0'?><urlset/>"), root_name(b"<html><p>x</p></html>")
    ('urlset', 'html')
    >>> root_name(b"\\x00\\x01 junk") is None
    True
    """
    parser = etree.iterparse(
        BytesIO(body[:65536]), events=("start",), recover=True, resolve_entities=False,
        no_network=True, huge_tree=False,
    )  # fmt: skip
    try:
        for _, element in parser:
            return _local(element.tag)
    except etree.XMLSyntaxError:
        pass
    return None


def why_nothing(raw: bytes, body: bytes) -> tuple[str, str]:
    """Why a discovery document (``raw`` as fetched, ``body`` decompressed) listed nothing:
    a reason (:class:`~crawler.stats.Reason`) and a detail.

    >>> why_nothing(b"\\x1f\\x8b\\x08junk", b"")[0], why_nothing(b"<html/>", b"<html/>")
    ('corrupt_gzip', ('not_a_sitemap', 'the document is <html>, not a sitemap or feed'))
    >>> why_nothing(b"<!doctype html><p>", b"<!doctype html><p>")[1]
    'the document is an HTML page, not a sitemap or feed'

    >>> why_nothing(b"<urlset/>", b"<urlset/>")
    ('empty_sitemap', 'a <urlset> that lists no URLs')
    """
    if raw[:2] == b"\x1f\x8b" and not body:
        return str(Reason.CORRUPT_GZIP), "gzip data that does not decompress"
    if b"<!ENTITY" in body[:65536]:
        return str(Reason.XML_ENTITIES), "declares XML entities (never expanded): no URLs read"
    root = root_name(body)
    if root not in ROOTS:
        html = body[:1024].lstrip().lower().startswith((b"<!doctype html", b"<html"))
        what = f"<{root}>" if root else "an HTML page" if html else "not XML"
        return str(Reason.NOT_A_SITEMAP), f"the document is {what}, not a sitemap or feed"
    return str(Reason.EMPTY_SITEMAP), f"a <{root}> that lists no URLs"


def newest_first(entries: list[Entry]) -> list[Entry]:
    """Order entries newest first; undated ones last, in document order.

    >>> entries = [Entry("a", "2026-01-01"), Entry("b"), Entry("c", "2026-02-01")]
    >>> [e.url for e in newest_first(entries)]
    ['c', 'a', 'b']
    """
    dated = sorted((e for e in entries if e.date), key=lambda e: _sort_key(e.date), reverse=True)
    return dated + [e for e in entries if not e.date]


def _sort_key(date: str | None) -> str:
    return (date or "")[:19]


def age_days(date: str | None, now: datetime | None = None) -> float | None:
    """Days between ``date`` and now; ``None`` for an undated entry.

    >>> age_days("2026-11-18", datetime(2026, 11, 28, tzinfo=UTC))
    10.0
    """
    if not date:
        return None
    try:
        when = datetime.fromisoformat(date)
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return ((now or datetime.now(UTC)) - when).total_seconds() / 86400


def robots_sitemaps(text: str) -> list[str]:
    """The ``Sitemap:`` URLs of a robots.txt, in order.

    >>> robots_sitemaps("User-agent: *\\nDisallow:\\nsitemap: https://x.test/s.xml # news\\n")
    ['https://x.test/s.xml']
    """
    found = []
    for line in text.splitlines():
        name, sep, value = line.partition(":")
        if sep and name.strip().lower() == "sitemap":
            url = value.split("#", 1)[0].strip()
            if url:
                found.append(url)
    return list(dict.fromkeys(found))


def decompressed(body: bytes) -> bytes | None:
    """A sitemap's bytes, gunzipped when it is a ``.gz`` file; ``None`` when too large.

    >>> decompressed(gzip.compress(b"<urlset/>")), decompressed(b"<urlset/>")
    (b'<urlset/>', b'<urlset/>')
    """
    if body[:2] != b"\x1f\x8b":
        return body if len(body) <= MAX_SITEMAP_BYTES else None
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(body)) as stream:
            data = stream.read(MAX_SITEMAP_BYTES + 1)
    except (OSError, EOFError, zlib.error):
        return b""
    return data if len(data) <= MAX_SITEMAP_BYTES else None
