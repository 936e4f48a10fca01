"""The real-page crawl: `newsdesk crawl --urls-file` over the public evaluation pages.

    python -m bench.realpages [--pages 500,2000] [--data ../shared/evaldata/public]

The saved pages of the public datasets are served on 127.0.0.1 (in memory, another
process) and crawled with the generic spider, every page its own URL; past the last
distinct page the list starts again with ``?copy=N`` (the pipelines drop those as
duplicates, after extracting them). For each page count: one crawl into an empty
database, in its own process, without politeness delays. Prints pages/s (wall time of
the whole process, start-up included), articles stored, the crawl process's own peak
RSS (VmHWM), the largest peak among its extraction workers, and the peak of the sum of
their proportional set sizes (PSS: pages shared by several processes counted once,
sampled every 0.2 s); then, by quarter of the run, the median and largest RSS sample of
the crawl process, and of the largest process below it (a worker) at each sample.
Figures only: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import gzip
import re
import statistics
import subprocess
import sys
import threading
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
    process = subprocess.Popen(
        measured("crawler", args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        cwd=ROOT,
    )  # fmt: skip
    sampler = TreeSampler(process.pid)
    sampler.start()
    stdout, stderr = process.communicate()
    seconds = time.perf_counter() - started
    sampler.done.set()
    sampler.join()
    child = subprocess.CompletedProcess(args, process.returncode, stdout, stderr)
    if child.returncode not in (0, 1):
        sys.exit(f"crawl of {len(urls)} pages: exit {child.returncode}\n{child.stderr[-2000:]}")
    stored = re.search(r"(\d+) new", child.stdout)
    return {
        "pages": len(urls),
        "seconds": seconds,
        "pages_per_s": len(urls) / seconds,
        "stored": int(stored.group(1)) if stored else 0,
        "peak_mb": reported_peak_kib(child.stderr) / 1024,
        "worker_peak_mb": max(sampler.peaks.values(), default=0) / 1024,
        "workers": len(sampler.peaks),
        "pss_peak_mb": sampler.pss_peak / 1024,
        "quarters": quarters([kib for kib in sampler.rss if kib]),
        "worker_quarters": quarters([kib for kib in sampler.below_rss if kib]),
    }


def quarters(samples: list[int]) -> str:
    """Median and largest of each quarter of the samples (KiB), in MB: whether memory
    grows through a crawl, or peaks and falls back.

    >>> quarters([n * 1024 for n in (100, 120, 110, 300, 105, 106, 107, 108)])
    '110/120, 205/300, 106/106, 108/108'
    """
    size = max(1, len(samples) // 4)
    parts = [samples[i * size : (i + 1) * size if i < 3 else None] for i in range(4)]
    return ", ".join(f"{statistics.median(p) / 1024:.0f}/{max(p) / 1024:.0f}" for p in parts if p)


class TreeSampler(threading.Thread):
    """Samples the processes below ``pid``: each one's VmHWM (KiB), the largest sum of
    the tree's PSS (``pid`` included), and at each sample ``pid``'s own RSS and the
    largest RSS below it."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peaks: dict[int, int] = {}
        self.pss_peak = 0
        self.rss: list[int] = []
        self.below_rss: list[int] = []
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.2):
            self.rss.append(_status_kib(self.pid, "VmRSS"))
            below = descendants(self.pid)
            for pid in below:
                self.peaks[pid] = max(self.peaks.get(pid, 0), _status_kib(pid, "VmHWM"))
            self.below_rss.append(max((_status_kib(pid, "VmRSS") for pid in below), default=0))
            pss = sum(_pss_kib(pid) for pid in [self.pid, *below])
            self.pss_peak = max(self.pss_peak, pss)


def descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (Linux: /proc/PID/task/*/children)."""
    found, todo = [], [pid]
    while todo:
        for task in Path(f"/proc/{todo.pop()}/task").glob("*"):
            try:
                children = [int(c) for c in (task / "children").read_text().split()]
            except OSError:
                continue
            found += children
            todo += children
    return found


def _status_kib(pid: int, key: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _pss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


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
            name = re.sub(r"\W+", "-", "-".join([f"crawl-{count}", *args.extra]))
            figures = crawl(urls, name, tuple(args.extra))
            print(f"real-page crawl, {count} pages ({len(paths)} distinct): "
                  f"{figures['seconds']:.1f} s, {figures['pages_per_s']:.1f} pages/s, "
                  f"{figures['stored']:.0f} stored, peak RSS {figures['peak_mb']:.0f} MB "
                  f"(crawl process), {figures['worker_peak_mb']:.0f} MB (largest of "
                  f"{figures['workers']:.0f} processes below it), peak PSS of all "
                  f"{figures['pss_peak_mb']:.0f} MB; crawl process RSS median/max MB by "
                  f"quarter of the run: {figures['quarters']}, largest process below it: "
                  f"{figures['worker_quarters']} (targets: peak RSS < 250 MB and flat "
                  "in pages; pages/s >= 1.7x the crawl without workers, "
                  "-s NEWSDESK_EXTRACT_WORKERS=0)", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
