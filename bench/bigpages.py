"""Big pages: a crawl of the fault site with N article pages of ~9 MB, and the time of each
per-page stage on one 10 MB page.

    python -m bench.bigpages [--pages 4] [--megabytes 10]

The crawl (``newsdesk crawl faulty`` against ``tests/faultserver.py --big-pages N``, with
the fault tests' settings) runs in its own process: its wall time and its own peak RSS
(VmHWM, ``tests/peakrss.py``). The stages run in this process on a page of the same
shape: ``build_article`` (parse, selectors, generic fill, the caps of
``crawler/extract/bounds.py``), the content hash, the MinHash signature and the store's
write (row and FTS index). Figures only: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from scrapy.http import HtmlResponse

from crawler.extract.article import build_article
from crawler.sites import load_site_file
from pipelines.dedup import content_hash
from store.articles import write_article
from store.db import open_db, write_transaction
from store.minhash import signature
from tests.faultserver import FaultServer, big_article_html
from tests.peakrss import measured, reported_peak_kib

ROOT = Path(__file__).resolve().parent.parent
DECLARATIONS = ROOT / "tests" / "fixtures" / "faultsites"
SETTINGS = ["DOWNLOAD_DELAY=0", "AUTOTHROTTLE_ENABLED=False", "DOWNLOAD_TIMEOUT=2",
            "RETRY_TIMES=1", f"NEWSDESK_SITES_DIR={DECLARATIONS}"]  # as tests/e2e/test_faults.py


def crawl(pages: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "news.db"
        with FaultServer(big_pages=pages) as server:
            args = ["crawl", "faulty", "--db", str(db), "--base-url", server.url,
                    "--log-file", str(Path(tmp) / "crawl.log")]  # fmt: skip
            for setting in SETTINGS:
                args += ["-s", setting]
            started = time.perf_counter()
            process = subprocess.run(measured("crawler", args, "newsdesk"), cwd=ROOT,
                                     capture_output=True, text=True)  # fmt: skip
            wall = time.perf_counter() - started
        connection = sqlite3.connect(db)
        big = connection.execute(
            "select length(body), provenance from articles where url like '%/news/big-%'"
        ).fetchall()
        connection.close()
    peak = reported_peak_kib(process.stderr) / 1024
    print(f"crawl with {pages} big pages: exit {process.returncode}, {wall:.1f} s, "
          f"peak RSS {peak:.0f} MB; big pages stored: {len(big)}")  # fmt: skip
    for length, provenance in big:
        cuts = {k: v for k, v in json.loads(provenance).items() if k.endswith("_truncated")}
        print(f"  body {length} characters; {cuts}")


def stages(megabytes: float) -> None:
    site = load_site_file(DECLARATIONS / "faulty.toml")
    html = big_article_html("Big Report Number 1", int(megabytes * 1024 * 1024)).encode()
    print(f"stages on one {len(html) / 1e6:.1f} MB page:")
    response = HtmlResponse("http://faulty.test/news/big-1.html", body=html, encoding="utf-8")
    article = timed("build_article", lambda: build_article(response, site))
    item: dict[str, Any] = {**dict(article), "canonical_url": article["url"]}
    item["content_hash"] = timed("content hash", lambda: content_hash(item["body"]))
    timed("MinHash signature", lambda: signature(item["body"]))
    db = open_db(Path(tempfile.mkdtemp()) / "news.db")

    def store() -> None:
        with write_transaction(db):
            write_article(db, item, 0.5)

    timed("store (row, FTS)", store)


def timed(name: str, step: Callable[[], Any]) -> Any:
    started = time.perf_counter()
    result = step()
    print(f"  {name:20s} {time.perf_counter() - started:6.2f} s")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=4)
    parser.add_argument("--megabytes", type=float, default=10)
    args = parser.parse_args()
    stages(args.megabytes)
    crawl(args.pages)


if __name__ == "__main__":
    main()
