"""Writing WARC files for tests, with warcio: pages the repository ships, and broken files."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from crawler.demo.server import SITE_DIR
from tests.conftest import FIXTURES
from tests.golden.test_golden_sites import extract, load_case

DEMO_ORIGIN = "http://loopback-ledger.test"


@dataclass(frozen=True)
class Page:
    url: str
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    status: int = 200


def demo_pages() -> list[Page]:
    """Every article page of the demo site, under its declared origin."""
    return [
        Page(f"{DEMO_ORIGIN}/{path.relative_to(SITE_DIR).as_posix()}", path.read_bytes())
        for path in sorted((SITE_DIR / "news").rglob("*.html"))
    ]


def response(writer: WARCWriter, page: Page) -> None:
    headers = [("Content-Type", page.content_type), ("Content-Length", str(len(page.body)))]
    http = StatusAndHeaders(f"{page.status} X", headers, protocol="HTTP/1.1")
    record = writer.create_warc_record(
        page.url, "response", payload=io.BytesIO(page.body), length=len(page.body),
        http_headers=http,
    )  # fmt: skip
    writer.write_record(record)


def write_warc(path: Path, pages: list[Page], gzip: bool = True) -> Path:
    """A WARC file of one response record per page."""
    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=gzip)
        for page in pages:
            response(writer, page)
    return path


def other_record(writer: WARCWriter, url: str, kind: str, body: bytes = b"x") -> None:
    """A record that is no HTTP response (resource, metadata, revisit, warcinfo, ...)."""
    record = writer.create_warc_record(
        url, kind, payload=io.BytesIO(body), length=len(body), warc_content_type="text/plain"
    )
    writer.write_record(record)


def golden_pages() -> list[tuple[str, Page, dict[str, object]]]:
    """(site, page, the article the golden step extracts) for each saved page of a real site."""
    cases = []
    for path in sorted((FIXTURES / "sites").glob("*/*.json")):
        site = path.parent.name
        if site == "demo":
            continue
        expected, html = load_case(path)
        cases.append((site, Page(str(expected["url"]), html), extract(site, expected, html)))
    return cases
