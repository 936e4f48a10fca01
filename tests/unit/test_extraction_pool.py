"""Extraction in worker processes: the same articles as in the crawl's own process, and a
worker that dies costs no crawl."""

from __future__ import annotations

import asyncio
import gc
import gzip
import json
import os
import signal
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse

from crawler.extract.article import Refused, build_article
from crawler.extract.pool import COST_PAGES, ExtractionPool
from crawler.sites import load_sites
from tests.conftest import FIXTURES

PAGES = sorted((FIXTURES / "eval_sample").glob("*/*.html.gz"))[::4]


def response(path: Path, **meta: Any) -> HtmlResponse:
    url = f"https://news.example/{path.parent.name}/{path.name.removesuffix('.html.gz')}"
    body = gzip.decompress(path.read_bytes())
    headers = {"Content-Type": "text/html", "ETag": '"v1"'}
    return HtmlResponse(url, body=body, headers=headers, request=Request(url, meta=meta))


def without_time(article: Any) -> dict[str, Any]:
    return {k: v for k, v in dict(article).items() if k != "fetched_at"}


@pytest.fixture(scope="module")
def pool() -> Iterator[ExtractionPool]:
    workers = ExtractionPool(2)
    yield workers
    workers.close()


def test_workers_store_the_same_articles_as_the_crawls_own_process(pool: ExtractionPool) -> None:
    assert len(PAGES) >= 4
    redirected = {"redirect_urls": ["https://news.example/old"]}

    async def both() -> list[tuple[Any, Any]]:
        pairs = []
        for path in PAGES:
            page = response(path, **redirected)
            pairs.append((build_article(page), await pool.article(page, None, None)))
        return pairs

    for here, there in asyncio.run(both()):
        assert without_time(there) == without_time(here)
        assert there["redirected_from"] == ["https://news.example/old"]
        assert there["etag"] == '"v1"'


def test_a_declared_sites_page_is_extracted_with_its_selectors(pool: ExtractionPool) -> None:
    site = load_sites()["euronews"]
    page = FIXTURES / "sites" / "euronews" / "uk_EuronewsEN_2024_04_30.html.gz"
    url = json.loads(page.with_name(page.name.replace(".html.gz", ".json")).read_text())["url"]
    body = gzip.decompress(page.read_bytes())
    declared = HtmlResponse(url, body=body, encoding="utf-8", request=Request(url))
    there = asyncio.run(pool.article(declared, site, None))
    assert without_time(there) == without_time(build_article(declared, site))
    assert there["provenance"].get("title") == "selector"


def test_a_refused_page_is_refused_with_its_reason(pool: ExtractionPool) -> None:
    html = b"<title>Page not found</title><h1>404 - Page not found</h1><p>Sorry.</p>"
    missing = HtmlResponse("https://news.example/gone", body=html)
    with pytest.raises(Refused) as refused:
        asyncio.run(pool.article(missing, None, None))
    assert refused.value.reason == "soft_404"
    assert refused.value.detail == "title 'Page not found' and 0 words"


def test_a_killed_worker_costs_no_page_and_the_next_pages_are_extracted() -> None:
    pool = ExtractionPool(1)
    try:
        first = asyncio.run(pool.article(response(PAGES[0]), None, None))
        assert first.get("title")
        executor = pool.executor
        assert executor is not None
        for pid in list(executor._processes):  # the worker dies as an OOM kill would do it
            os.kill(pid, signal.SIGKILL)
        time.sleep(0.5)
        again = asyncio.run(pool.article(response(PAGES[1]), None, None))
        assert without_time(again) == without_time(build_article(response(PAGES[1])))
        assert pool.executor is not executor  # a new pool took over
    finally:
        pool.close()


def test_workers_are_replaced_after_their_pages_and_every_page_is_extracted() -> None:
    pool = ExtractionPool(1, pages_per_worker=2)

    async def five() -> list[Any]:
        return [await pool.article(response(path), None, None) for path in PAGES[:5]]

    try:
        articles = asyncio.run(five())
    finally:
        pool.close()
    assert pool.generation == 3  # pages 1-2, 3-4, 5
    assert [a.get("title") for a in articles] == [
        build_article(response(path)).get("title") for path in PAGES[:5]
    ]


def test_a_site_whose_pages_are_cheap_is_extracted_in_the_crawls_process() -> None:
    pool = ExtractionPool(1, inline_ms=10_000)  # every page is cheaper than this

    async def three() -> list[Any]:
        return [await pool.article(response(path), None, None) for path in PAGES[:3]]

    try:
        articles = asyncio.run(three())
        assert pool.executor is None  # no worker was started
    finally:
        pool.close()
    expected = [without_time(build_article(response(path))) for path in PAGES[:3]]
    assert [without_time(a) for a in articles] == expected


def test_pages_that_cost_more_than_the_inline_limit_go_to_the_workers() -> None:
    pool = ExtractionPool(1, inline_ms=0.001)  # every page costs more than a microsecond
    pages = sorted((FIXTURES / "eval_sample").glob("*/*.html.gz"))[: COST_PAGES + 1]

    async def measured_then_sent() -> tuple[list[Any], Any]:
        first = [await pool.article(response(path), None, None) for path in pages[:COST_PAGES]]
        assert pool.executor is None  # the first pages are extracted here, and measured
        assert pool.cost("") > 0.000001
        return first, await pool.article(response(pages[COST_PAGES]), None, None)

    try:
        first, sent = asyncio.run(measured_then_sent())
        assert pool.executor is not None  # the next went to a worker
    finally:
        pool.close()
    assert without_time(sent) == without_time(build_article(response(pages[COST_PAGES])))
    assert all(article.get("title") for article in first)


def loaded_before_any_page() -> tuple[list[str], bool, bool]:
    """In a worker: the extraction libraries it holds, whether justext's stop words are
    built, and whether the collector skips the objects the fork server made."""
    libraries = ("trafilatura", "htmldate", "dateparser", "justext")
    external = sys.modules.get("trafilatura.external")
    built = getattr(external, "JT_STOPLIST", None) is not None
    return [name for name in libraries if name in sys.modules], built, gc.get_freeze_count() > 0


def test_a_new_worker_holds_the_extraction_libraries_before_its_first_page() -> None:
    # and the tables they fill on first use: built once in the fork server and shared,
    # not 50-60 MB more in each worker.
    pool = ExtractionPool(1)
    try:
        probe = pool._executor().submit(loaded_before_any_page)
        libraries, stop_words, frozen = probe.result(timeout=120)
        assert libraries == ["trafilatura", "htmldate", "dateparser", "justext"]
        assert stop_words and frozen
    finally:
        pool.close()
