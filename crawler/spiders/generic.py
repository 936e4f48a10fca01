"""The generic spider: article pages of sites nobody declared, given as a list of URLs.

Each URL is fetched once (links are not followed) and turned into an article by
the same step as a declared site's page (:func:`~crawler.extract.article.build_article`),
with the generic extractor filling every field; the article's ``site`` is the
URL's host without ``www.``. Pages go through the same pipelines as a declared
site's. A page that cannot be extracted is dropped with a reason
(``dropped_pages``, the stats and the log); nothing raises out of the spider.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from typing import Any

import scrapy

from crawler import stats as keys
from crawler.spiders.base import RecordingSpider


class GenericSpider(RecordingSpider):
    """Fetch the given article URLs and extract them without a site declaration."""

    name = "generic"

    def __init__(self, *args: Any, urls: Iterable[str] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.urls = list(urls)

    async def start(self) -> AsyncIterator[Any]:
        if self.crawler.stats is not None:  # no declaration: nothing of it to judge
            self.crawler.stats.set_value(keys.DECLARED_FIELDS, [])
        for url in self.urls:
            yield scrapy.Request(url, callback=self.parse_article, errback=self.failed)
