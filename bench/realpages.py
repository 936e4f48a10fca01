"""The real-page crawl: `newsdesk crawl --urls-file` over the public evaluation pages.

    python -m bench.realpages [--pages 500,2000] [--data ../shared/evaldata/public]

The saved pages of the public datasets are served on 127.0.0.1 (in memory, another
process) and crawled with the generic spider, every page its own URL; past the last
distinct page the list starts again with ``?copy=N`` (the pipelines drop those as
duplicates, after extracting them). For each page count: one crawl into an empty
database, in its own process, without politeness delays. Prints pages/s (wall time of
the whole process, start-up included), articles stored and the process's own peak RSS
(VmHWM). Figures only: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import gzip
import re
import subprocess
import sys
import time
from pathlib import Path

from bench.fastserver import FastServer
from tests.peakrss import measured, reported_peak_kib

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "output" / "bench" / "realpages"
FAST = ("DOWNLOAD_DELAY=0", "AUTOTHROTTLE_ENABLED=False", "ROBOTSTXT_OBEY=False")


def write_pages(data: Path, www: Path) -> list[str]:
    """Each saved page as ``www/<dataset>/<id>.html``; their paths, sorted."""
    paths = []
    for page in sorted(data.glob("*/*.html.gz")):
        path = f"{page.parent.name}/{page.name.removesuffix('.gz')}"
        target = www / path
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(gzip.decompress(page.read_bytes()))
        paths.append(path)
    return paths


def page_urls(base: str, paths: list[str], count: int) -> list[str]:
    """``count`` URLs: every path once, then again with ``?copy=N``.

    >>> page_urls("http://h", ["a.html", "b.html"], 3)
    ['http://h/a.html', 'http://h/b.html', 'http://h/a.html?copy=1']
    """
    urls = []
    for n in range(count):
        copy, path = divmod(n, len(paths))
        urls.append(f"{base}/{paths[path]}" + (f"?copy={copy}" if copy else ""))
    return urls


def crawl(urls: list[str], name: str, extra: tuple[str, ...]) -> dict[str, float]:
    """One crawl of ``urls`` in a new process: seconds, pages/s, stored, peak MB."""
    listing, db = OUT / f"{name}.txt", OUT / f"{name}.db"
    listing.write_text("\n".join(urls) + "\n", encoding="utf-8")
    for stale in OUT.glob(f"{db.name}*"):
        stale.unlink()
    settings = [arg for pair in (*FAST, *extra) for arg in ("-s", pair)]
    args = ["crawl", "--urls-file", str(listing), "--db", str(db), *settings]
    started = time.perf_counter()
    child = subprocess.run(measured("crawler", args), capture_output=True, text=True, cwd=ROOT)
    seconds = time.perf_counter() - started
    if child.returncode not in (0, 1):
        sys.exit(f"crawl of {len(urls)} pages: exit {child.returncode}\n{child.stderr[-2000:]}")
    stored = re.search(r"(\d+) new", child.stdout)
    return {
        "pages": len(urls),
        "seconds": seconds,
        "pages_per_s": len(urls) / seconds,
        "stored": int(stored.group(1)) if stored else 0,
        "peak_mb": reported_peak_kib(child.stderr) / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared/evaldata/public")
    parser.add_argument("--pages", default="500,2000", help="comma-separated page counts")
    parser.add_argument(
        "-s", "--set", dest="extra", action="append", default=[], metavar="NAME=VALUE",
        help="a setting for the crawls (repeatable)",
    )  # fmt: skip
    args = parser.parse_args()
    www = OUT / "www"
    paths = write_pages(args.data, www)
    with FastServer(www) as server:
        for count in (int(n) for n in args.pages.split(",")):
            urls = page_urls(server.url, paths, count)
            figures = crawl(urls, f"crawl-{count}", tuple(args.extra))
            print(f"real-page crawl, {count} pages ({len(paths)} distinct): "
                  f"{figures['seconds']:.1f} s, {figures['pages_per_s']:.1f} pages/s, "
                  f"{figures['stored']:.0f} stored, peak RSS {figures['peak_mb']:.0f} MB",
                  flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
