"""Validation: an article without the fields a reader needs is dropped, with the reason."""

from __future__ import annotations

from typing import Any, Self

from itemadapter import ItemAdapter
from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector

from crawler.stats import Reason, drop

MISSING = {"title": Reason.MISSING_TITLE, "body": Reason.MISSING_BODY}


class ValidatePipeline:
    """Drop items missing a required field (``missing_title``, ``missing_body``)."""

    def __init__(self, stats: StatsCollector | None = None) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler.stats)

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        for field in MISSING:
            value = adapter.get(field)
            if not isinstance(value, str) or not value.strip():
                raise drop(self.stats, MISSING[field], f"no {field} on {adapter.get('url')}")
        return item
