"""One crawl of the generated site in this process; prints its figures as one JSON line.

``python -m bench.crawl_worker pipeline|bare BASE_URL SITES_DIR DB`` crawls with the full
newsdesk spider and pipelines, or with a bare spider that downloads the same pages and
does nothing with them. Both run with the same settings (no delay, no autothrottle).
"""

from __future__ import annotations

import json
import resource
import sys
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import scrapy
from scrapy.crawler import AsyncCrawlerProcess
from scrapy.http import Response

from bench.generate import SITE_NAME
from crawler import stats as keys
from crawler.ops.run import project_settings, run_crawl

SETTINGS = {
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "LOG_LEVEL": "WARNING",
    "TELNETCONSOLE_ENABLED": False,
}


class BareSpider(scrapy.Spider):
    """Follows listing pages to article pages; downloads the articles and stops there."""

    name = "bare"

    def __init__(self, base_url: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.base_url = base_url

    async def start(self) -> AsyncIterator[Any]:
        yield scrapy.Request(self.base_url + "/", callback=self.parse)

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        for href in response.css("a::attr(href)").getall():
            if href.startswith("/list/"):
                yield response.follow(href, callback=self.parse)
            elif href.startswith("/news/"):
                yield response.follow(href, callback=self.downloaded)

    def downloaded(self, response: Response) -> Iterator[Any]:
        return iter(())


def crawl(mode: str, base_url: str, sites_dir: str, db: str, extra: str = "{}") -> dict[str, Any]:
    overrides = {**SETTINGS, "NEWSDESK_SITES_DIR": sites_dir, "NEWSDESK_DB_PATH": db}
    settings = project_settings({**overrides, **json.loads(extra)})
    if mode == "pipeline":
        stats = run_crawl([SITE_NAME], settings, base_url)[0].stats
    else:
        process = AsyncCrawlerProcess(settings)
        crawler = process.create_crawler(BareSpider)
        process.crawl(crawler, base_url=base_url)
        process.start()
        stats = crawler.stats.get_stats() if crawler.stats else {}
    elapsed = (stats["finish_time"] - stats["start_time"]).total_seconds()
    pages = int(stats.get("response_received_count", 0))
    own, children = (
        resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    )
    return {
        "mode": mode,
        "pages": pages,
        "stored": int(stats.get(keys.ARTICLES_NEW, 0)),
        "near_duplicates": int(stats.get(keys.NEAR_DUPLICATES, 0)),
        "elapsed_s": elapsed,
        "pages_per_s": pages / elapsed if elapsed else 0.0,
        # The extraction workers' too: run_crawl waits for their fork server at the end.
        "cpu_s": own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime,
        "max_rss_mb": peak_rss_mb(),
        "finish_reason": stats.get("finish_reason"),
    }


def peak_rss_mb() -> float:
    """This process's peak resident set size (VmHWM). Not ``ru_maxrss``: on Linux that
    keeps the peak of the process image before ``exec``, i.e. of the parent."""
    for line in open("/proc/self/status", encoding="ascii"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


if __name__ == "__main__":
    started = time.perf_counter()
    result = crawl(*sys.argv[1:6])
    result["process_s"] = time.perf_counter() - started
    print(json.dumps(result))
