"""WARC import benchmark: `newsdesk import` against plain trafilatura on the same records.

    python -m bench.warc_import [--data ../shared/evaldata/public] [--copies 3]

Builds ``output/bench/import-<copies>.warc.gz`` from the saved pages of the public
datasets under their truth URLs (a request and a response record per page, each page
``--copies`` times: the first under its URL, the others with ``?copy=N``, which the
pipelines drop as duplicates), then, each in its own process: ``newsdesk import`` of
the file into an empty database, and plain ``trafilatura.extract`` over the same
response records. Prints records/s, pages/s, articles stored/s and the peak RSS of
each process. Figures only: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import re
import subprocess
import sys
import time
from pathlib import Path

from w3lib.url import safe_url_string
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from tests.peakrss import measured as measured_command
from tests.peakrss import reported_peak_kib

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "output" / "bench"


def saved_pages(data: Path) -> list[tuple[str, bytes]]:
    """(truth URL, HTML) of every saved page of the datasets in ``data``."""
    pages = []
    for truth in sorted(data.glob("*/truth.jsonl")):
        for line in truth.read_text(encoding="utf-8").splitlines():
            entry = json.loads(line)
            page = truth.parent / f"{entry['id']}.html.gz"
            if page.exists() and entry.get("url"):
                pages.append((entry["url"], gzip.decompress(page.read_bytes())))
    return pages


def build_warc(path: Path, pages: list[tuple[str, bytes]], copies: int) -> int:
    """Write the WARC; the number of records written."""
    count = 0
    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        for copy in range(copies):
            for url, html in pages:
                target = url if copy == 0 else f"{url}{'&' if '?' in url else '?'}copy={copy}"
                _exchange(writer, target, html)
                count += 2
    return count


def _exchange(writer: WARCWriter, url: str, html: bytes) -> None:
    url = safe_url_string(url)  # as a crawler requests it: percent-encoded
    headers = [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(html)))]
    http = StatusAndHeaders("200 OK", headers, protocol="HTTP/1.1")
    response = writer.create_warc_record(
        url, "response", payload=io.BytesIO(html), length=len(html), http_headers=http
    )
    writer.write_record(response)
    request = StatusAndHeaders(f"GET {url} HTTP/1.1", [], is_http_request=True)
    concurrent = {"WARC-Concurrent-To": response.rec_headers.get_header("WARC-Record-ID")}
    writer.write_record(writer.create_warc_record(
        url, "request", payload=io.BytesIO(b""), length=0, http_headers=request,
        warc_headers_dict=concurrent,
    ))  # fmt: skip


def trafilatura_only(path: Path) -> None:
    """In this process: plain trafilatura over the response records; prints pages, seconds."""
    import trafilatura
    from warcio.archiveiterator import ArchiveIterator

    started, pages = time.perf_counter(), 0
    with open(path, "rb") as handle:
        for record in ArchiveIterator(handle):
            if record.rec_type == "response":
                html = record.content_stream().read().decode("utf-8", "replace")
                trafilatura.extract(html, url=record.rec_headers.get_header("WARC-Target-URI"),
                                    with_metadata=True)  # fmt: skip
                pages += 1
    print(json.dumps({"pages": pages, "seconds": time.perf_counter() - started}))


def measured(module: str, args: list[str]) -> tuple[str, float, float]:
    """Run ``python -m MODULE ARGS``; its stdout, wall seconds and its own peak RSS (MB)."""
    command = measured_command(module, args)
    started = time.perf_counter()
    child = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    seconds = time.perf_counter() - started
    if child.returncode not in (0, 1):
        sys.exit(f"{module} {' '.join(args)}: exit {child.returncode}")
    peak_kib = reported_peak_kib(child.stderr)
    return child.stdout, seconds, peak_kib / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared/evaldata/public")
    parser.add_argument("--copies", type=int, default=3)
    parser.add_argument("--trafilatura-only", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.trafilatura_only:
        return trafilatura_only(args.trafilatura_only)
    OUT.mkdir(parents=True, exist_ok=True)
    pages = saved_pages(args.data)
    warc = OUT / f"import-{args.copies}.warc.gz"
    records = build_warc(warc, pages, args.copies)
    responses = records // 2
    print(f"{warc.name}: {records} records ({responses} responses of {len(pages)} distinct "
          f"pages), {warc.stat().st_size / 1e6:.1f} MB")  # fmt: skip
    db = OUT / f"import-{args.copies}.db"
    for stale in OUT.glob(f"{db.name}*"):
        stale.unlink()
    out, seconds, rss = measured("crawler", ["import", str(warc), "--db", str(db)])
    stored = int(re.search(r"(\d+) new", out).group(1)) if re.search(r"(\d+) new", out) else 0
    print(f"newsdesk import: {seconds:.1f} s, {records / seconds:.0f} records/s, "
          f"{responses / seconds:.1f} pages/s, {stored / seconds:.1f} articles stored/s "
          f"({stored} stored), peak RSS {rss:.0f} MB")  # fmt: skip
    print(f"  {out.strip()}")
    out, seconds, rss = measured("bench.warc_import", ["--trafilatura-only", str(warc)])
    figures = json.loads(out)
    print(f"plain trafilatura: {seconds:.1f} s (extraction {figures['seconds']:.1f} s), "
          f"{records / seconds:.0f} records/s, {figures['pages'] / seconds:.1f} pages/s, "
          f"peak RSS {rss:.0f} MB")  # fmt: skip


if __name__ == "__main__":
    main()
