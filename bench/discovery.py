"""Discovery benchmark: parsing one sitemap of many entries, dates readable or not.

    python bench/discovery.py [--entries 50000] [--reps 3]

Prints one line per kind of ``<lastmod>`` (W3C dates, RFC 822 dates, unreadable
text): the median seconds to parse the whole sitemap, and the peak memory the parse
added. Figures only: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import statistics
import time
import tracemalloc

from crawler.discovery import newest_first, parse_discovery

LASTMODS = {
    "w3c": "2026-11-{day:02d}T07:45:00+00:00",
    "rfc822": "Tue, {day:02d} Nov 2026 07:45:00 GMT",
    "unreadable": "the {day}th day after the flood",
}


def sitemap(entries: int, lastmod: str) -> bytes:
    urls = "".join(
        f"<url><loc>https://x.test/news/{n}.html</loc>"
        f"<lastmod>{lastmod.format(day=1 + n % 28)}</lastmod></url>"
        for n in range(entries)
    )
    return f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'.encode()


def measure(body: bytes) -> tuple[float, float]:
    """Seconds to read the sitemap's entries newest first, and (in a second pass, as
    tracing slows the parse) the peak MB it allocated."""
    started = time.perf_counter()
    newest_first(list(parse_discovery(body)))
    seconds = time.perf_counter() - started
    tracemalloc.start()
    newest_first(list(parse_discovery(body)))
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return seconds, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=50_000)
    parser.add_argument("--reps", type=int, default=3)
    args = parser.parse_args()
    print("| lastmod | entries | sitemap MB | parse s (median) | peak MB allocated |")
    print("| --- | --- | --- | --- | --- |")
    for kind, lastmod in LASTMODS.items():
        body = sitemap(args.entries, lastmod)
        runs = [measure(body) for _ in range(args.reps)]
        seconds = statistics.median(s for s, _ in runs)
        peak = max(p for _, p in runs)
        size = len(body) / 2**20
        line = f"| {kind} | {args.entries:,} | {size:.1f} | {seconds:.2f} | {peak:.0f} |"
        print(line, flush=True)


if __name__ == "__main__":
    main()
