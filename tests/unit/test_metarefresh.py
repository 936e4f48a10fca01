"""Meta refresh read from a page's first bytes (crawler/middlewares/metarefresh.py)."""

from __future__ import annotations

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from crawler.middlewares.metarefresh import HEAD_BYTES, HeadMetaRefreshMiddleware

STORY = "<p>Tide tables change for the winter; the harbour office explains.</p>" * 400


def page(head: str, charset: str = "") -> HtmlResponse:
    """A page well over HEAD_BYTES, undeclared unless ``charset`` is given."""
    html = f"<html><head>{head}</head><body>{STORY}</body></html>".encode()
    assert len(html) > HEAD_BYTES
    content_type = f"text/html; charset={charset}" if charset else "text/html"
    request = Request("https://news.example/a.html")
    return HtmlResponse(request.url, body=html, headers={"Content-Type": content_type},
                        request=request)  # fmt: skip


@pytest.fixture
def middleware() -> HeadMetaRefreshMiddleware:
    return HeadMetaRefreshMiddleware.from_crawler(get_crawler())


@pytest.mark.parametrize("charset", ["", "utf-8"])
def test_a_long_page_with_a_meta_refresh_is_followed(
    middleware: HeadMetaRefreshMiddleware, charset: str
) -> None:
    response = page("<meta http-equiv='refresh' content='0; url=/story.html'>", charset)
    followed = middleware.process_response(response.request, response)
    assert isinstance(followed, Request)
    assert followed.url == "https://news.example/story.html"
    assert followed.meta["redirect_reasons"] == ["meta refresh"]
    assert followed.meta["redirect_urls"] == ["https://news.example/a.html"]


def test_a_long_page_without_one_passes_without_its_text_decoded(
    middleware: HeadMetaRefreshMiddleware,
) -> None:
    response = page("<title>Tide tables</title>")
    assert middleware.process_response(response.request, response) is response
    # the decoded text Scrapy caches on a response (its .text), which a page waiting for
    # an extraction worker would otherwise keep in the crawl's process
    assert response._cached_ubody is None
    assert "Tide tables change" in response.text  # decoded when a reader asks for it


def test_a_slow_refresh_is_not_followed(middleware: HeadMetaRefreshMiddleware) -> None:
    response = page("<meta http-equiv='refresh' content='600; url=/story.html'>")
    assert middleware.process_response(response.request, response) is response
