"""Extraction in worker processes beside the reactor: every core extracts, and the
reactor thread stays free for downloads and their timeouts while a page is extracted.

:class:`ExtractionPool` sends each page (its URL, status, headers, body, encoding and the
request ``meta`` the article step reads) to a worker of a ``ProcessPoolExecutor``, which
runs the same :func:`~crawler.extract.article.build_article` and sends back the article
or the reason it was refused; the spider awaits it (Scrapy runs on the asyncio reactor).

- Only where it pays: handing a page to a worker costs CPU of its own (the executor's
  threads and queues, a fork server that imports the extraction code, workers that warm
  up), more than a declared site's cheap extraction (about half a millisecond a page). The
  CPU time each site's pages take to extract is measured where they are extracted; a
  site whose usual page (the median of its last ``COST_PAGES``) takes less than
  ``NEWSDESK_EXTRACT_INLINE_MS`` is extracted in the crawl's own process, the others in
  the workers. A site's first ``COST_PAGES`` pages are extracted here, and the fork
  server starts with the first page sent to a worker (BENCHMARKS.md, "Extraction on
  every core").
- Bounded: ``NEWSDESK_EXTRACT_WORKERS`` processes (default: one per core; 0 extracts in
  the crawl's own process), and no more pages waiting than the requests Scrapy has in
  flight. The workers are replaced after ``NEWSDESK_EXTRACT_WORKER_PAGES`` pages each, so what
  extraction libraries keep between pages (their caches, a fragmented heap) cannot grow
  with a crawl.
- Workers start from a fork server that imported the extraction code once (not forked
  from the crawl, whose reactor, threads and database connections they must not share),
  with the tables its libraries fill on first use already built
  (:mod:`crawler.extract.forkserver`): the workers share those pages.
- A worker that dies (killed, out of memory, a crash in C) breaks the pool: a new pool
  takes over and the pages it held are extracted once more; a page that breaks the pool
  again is dropped as ``extraction_failed``, and the crawl goes on.
- When every crawl of the process is over, :func:`stop_fork_server` stops the fork server
  and waits for it: nothing outlives the crawl, and the CPU time of the workers (reaped
  by the fork server) is counted in the crawl's own (``time``, ``wait4``).
- Workers ignore SIGINT and SIGTERM: the crawl's process decides when to stop, finishes
  or cancels what is waiting, and shuts the pool down (``close``); a worker whose crawl
  was killed exits within ``WATCH_SECONDS``, and the fork server after its workers.
- Every ``WATCH_SECONDS`` a worker also gives the freed holes of its heap back to the
  system (``malloc_trim``, as :mod:`crawler.extensions.memory` does in the crawl's
  process): the lxml trees of a large page are freed when the page is done, and without
  it a worker's resident size kept the high-water mark of every page it had met.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from functools import cache
from statistics import median
from typing import Any, Self

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import Headers, Response, TextResponse

from crawler.extensions.memory import malloc_trim
from crawler.extract.article import Refused, SiteExtractors, build_article
from crawler.items import Article
from crawler.middlewares.mirror import MIRROR
from crawler.sites import Site
from crawler.stats import Reason

PRELOAD = ["crawler.extract.forkserver"]  # imported once by the fork server
META_KEYS = ("redirect_urls", MIRROR)  # what the article step reads of the request
COST_PAGES = 5  # a site's pages whose extraction times decide where its next are extracted
WATCH_SECONDS = 0.5  # how often a worker checks that its crawl is still there, and trims


@dataclass(frozen=True)
class Page:
    """A downloaded page as a worker rebuilds it."""

    url: str
    status: int
    headers: dict[bytes, list[bytes]]
    body: bytes
    encoding: str
    kind: type[TextResponse]
    meta: dict[str, Any]

    @classmethod
    def of(cls, response: TextResponse) -> Page:
        meta = response.meta if response.request is not None else {}
        return cls(
            response.url, response.status, dict(response.headers), response.body,
            response.encoding, type(response), {k: meta[k] for k in META_KEYS if k in meta},
        )  # fmt: skip

    def response(self) -> TextResponse:
        request = Request(self.url, meta=self.meta)
        return self.kind(
            url=self.url, status=self.status, headers=Headers(self.headers), body=self.body,
            encoding=self.encoding, request=request,
        )  # fmt: skip


def extract(page: Page, site: Site | None) -> tuple[Article | tuple[str, str], float]:
    """In a worker: the page's article, or (reason, detail) when it is refused; and the
    CPU seconds it took."""
    started = time.thread_time()
    try:
        result: Article | tuple[str, str] = build_article(
            page.response(), site, _extractors()(site)
        )
    except Refused as refused:
        result = refused.reason, refused.detail
    return result, time.thread_time() - started


@cache
def _extractors() -> SiteExtractors:
    return SiteExtractors()  # one per worker process: a site's selectors compiled once


def _start_worker(crawl: int, trim: bool) -> None:
    """In a new worker: leave SIGINT and SIGTERM to the crawl, and exit once the crawl's
    process ``crawl`` is gone (killed with SIGKILL, it closes nothing: a worker holds
    both ends of its task pipe and would wait forever, and with it the fork server)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    trimmer = malloc_trim() if trim else None
    threading.Thread(target=_watch, args=(crawl, trimmer), daemon=True).start()


def _watch(crawl: int, trim: Callable[[int], int] | None) -> None:
    """Until the crawl's process is gone: every ``WATCH_SECONDS``, return the free pages
    of the heap (when the C library can), then exit."""
    while _alive(crawl):
        time.sleep(WATCH_SECONDS)
        if trim is not None:
            trim(0)
    os._exit(0)


def _alive(pid: int) -> bool:
    """Whether process ``pid`` runs: a killed one not yet reaped by its parent (a zombie,
    state ``Z`` in /proc) does not; it holds no pipe any more."""
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, PermissionError):  # PermissionError: the number was reused
        return False
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:  # no /proc (not Linux): os.kill said enough
        return True


class ExtractionPool:
    """The worker processes of one crawl, and the in-process step when there are none."""

    def __init__(
        self, workers: int, pages_per_worker: int = 0, trim: bool = True, inline_ms: float = 0
    ) -> None:
        self.workers = workers
        self.inline_seconds = inline_ms / 1000  # 0: every page to the workers
        self.costs: dict[str, deque[float]] = {}  # per site: CPU seconds of its last pages
        self.trim = trim  # workers return freed memory (NEWSDESK_MEMORY_TRIM_INTERVAL > 0)
        self.pages_per_pool = pages_per_worker * workers
        self.executor: ProcessPoolExecutor | None = None
        self.generation = 0  # how many pools were started: a broken one is replaced once
        self.pages = 0  # sent to the current pool

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        workers = settings.getint("NEWSDESK_EXTRACT_WORKERS", -1)
        if workers < 0:
            workers = os.cpu_count() or 1
        return cls(
            workers,
            settings.getint("NEWSDESK_EXTRACT_WORKER_PAGES"),
            trim=settings.getfloat("NEWSDESK_MEMORY_TRIM_INTERVAL") > 0,
            inline_ms=settings.getfloat("NEWSDESK_EXTRACT_INLINE_MS"),
        )

    async def article(self, response: Response, site: Site | None, extractor: Any) -> Article:
        """The page's article, built in a worker when there are workers and the site's
        pages cost more than the inline limit; raises :class:`Refused` as
        :func:`build_article` does."""
        key = site.name if site is not None else ""
        if not self.workers or not isinstance(response, TextResponse) or self._inline(key):
            started = time.thread_time()
            try:
                return build_article(response, site, extractor)
            finally:
                self._note(key, time.thread_time() - started)
        page = Page.of(response)
        for attempt in (1, 2):
            generation, executor = self.generation, self._executor()
            try:  # a pool found broken raises at submit, else through the future
                # Submitted from a thread: a submit that starts a worker waits for the
                # fork server, the first one for its preload (seconds), and the reactor
                # must go on meanwhile (in-flight downloads would time out).
                submitted = await asyncio.to_thread(executor.submit, extract, page, site)
                result, seconds = await asyncio.wrap_future(submitted)
            except BrokenProcessPool:
                self._replace(generation)
                if attempt == 2:
                    raise Refused(Reason.EXTRACTION_FAILED, "the extraction worker died") from None
                continue
            self._note(key, seconds)
            if isinstance(result, tuple):
                raise Refused(*result)
            return result
        raise AssertionError("unreachable")

    def _inline(self, key: str) -> bool:
        """Whether the site's next page is extracted here: with an inline limit, while
        fewer than ``COST_PAGES`` of its pages were measured or its usual page is cheaper."""
        if self.inline_seconds <= 0:
            return False
        costs = self.costs.get(key)
        return costs is None or len(costs) < COST_PAGES or median(costs) < self.inline_seconds

    def _note(self, key: str, seconds: float) -> None:
        self.costs.setdefault(key, deque(maxlen=COST_PAGES)).append(seconds)

    def cost(self, key: str) -> float:
        """CPU seconds the usual page of site ``key`` ("": pages of no declared site) took
        to extract, of its last ``COST_PAGES``; 0 before any.

        >>> pool = ExtractionPool(2, inline_ms=3)
        >>> for ms in (0.4, 0.5, 40, 0.6, 0.5):
        ...     pool._note("harbour", ms / 1000)
        >>> round(pool.cost("harbour") * 1000, 1), pool._inline("harbour")
        (0.5, True)
        """
        costs = self.costs.get(key)
        return median(costs) if costs else 0.0

    def _executor(self) -> ProcessPoolExecutor:
        if self.executor is not None and self.pages_per_pool and self.pages >= self.pages_per_pool:
            # A fresh pool; the old one finishes its pages, then its workers exit.
            # (Not max_tasks_per_child: with it Python 3.11's pool can hang when a worker
            # retires.)
            self.executor.shutdown(wait=False)
            self.executor = None
        if self.executor is None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(PRELOAD)
            self.executor = ProcessPoolExecutor(
                self.workers, context, initializer=_start_worker, initargs=(os.getpid(), self.trim)
            )
            self.generation += 1
            self.pages = 0
        self.pages += 1
        return self.executor

    def _replace(self, generation: int) -> None:
        """Drop the broken pool (once, whichever page noticed first)."""
        if generation == self.generation and self.executor is not None:
            self.executor.shutdown(wait=False, cancel_futures=True)
            self.executor = None

    def close(self) -> None:
        """Cancel pages not started, wait for those being extracted, stop the workers."""
        if self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=True)
            self.executor = None


def stop_fork_server() -> None:
    """Stop this process's fork server and wait for it to exit; for when no crawl of the
    process extracts any more (its pools are closed). A later pool starts a new one."""
    from multiprocessing import forkserver

    stop = getattr(forkserver._forkserver, "_stop", None)  # Python's own, for its tests
    if stop is not None:
        stop()
