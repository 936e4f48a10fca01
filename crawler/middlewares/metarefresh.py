"""Meta refresh found in the head of a page, without decoding the whole page.

Scrapy's ``MetaRefreshMiddleware`` looks for ``<meta http-equiv="refresh">`` in the first
4,096 characters of ``response.text``, which decodes the whole body and keeps the text on
the response for as long as the response lives. With extraction in worker processes the
crawl's own process never needs that text: it held a decoded copy of every page waiting
for a worker (up to four bytes a character). Here the same search reads a response built
from the first :data:`HEAD_BYTES` bytes; what it finds is Scrapy's to act on, as before.
"""

from __future__ import annotations

from scrapy import Request
from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware
from scrapy.http import HtmlResponse, Response

# get_meta_refresh reads 4,096 characters: at most 4 bytes each in UTF-8
HEAD_BYTES = 4 * 4096


class HeadMetaRefreshMiddleware(MetaRefreshMiddleware):
    def process_response(
        self, request: Request, response: Response, spider: object = None
    ) -> Request | Response:
        if not isinstance(response, HtmlResponse) or len(response.body) <= HEAD_BYTES:
            return super().process_response(request, response)
        # not response.replace(), which would infer the encoding from the whole body
        head = HtmlResponse(
            response.url, status=response.status, headers=response.headers,
            body=response.body[:HEAD_BYTES], request=response.request,
        )  # fmt: skip
        found = super().process_response(request, head)
        return response if found is head else found
