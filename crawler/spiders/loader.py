"""Spider loader that makes every declared site a spider name.

``scrapy list`` lists the sites and ``scrapy crawl eirns`` crawls one: each site
gets a subclass of :class:`~crawler.spiders.news.NewsSpider` named after it.
"""

from __future__ import annotations

import builtins
import os
from typing import Self

from scrapy import Request, Spider
from scrapy.settings import BaseSettings

from crawler.sites import Site, load_sites
from crawler.spiders.news import NewsSpider


def spider_class(site: Site) -> type[NewsSpider]:
    """The spider class that crawls ``site``, with the site's limits as its settings."""
    custom: dict[str, int] = {}
    if site.limits.max_pages:
        custom["CLOSESPIDER_PAGECOUNT"] = site.limits.max_pages
    if site.limits.depth:
        custom["DEPTH_LIMIT"] = site.limits.depth
    return type(
        f"{site.name.title().replace('_', '')}Spider",
        (NewsSpider,),
        {
            "name": site.name,
            "site": site,
            "custom_settings": custom,
            "__module__": NewsSpider.__module__,
        },
    )


def declared_sites(settings: BaseSettings) -> dict[str, Site]:
    """The sites the settings declare: bundled ones unless ``NEWSDESK_BUNDLED_SITES`` is
    off, plus those in ``NEWSDESK_SITES_DIR`` (the setting, else the environment variable:
    a scrapyd node lists its spiders with the environment it was started with)."""
    return load_sites(
        settings.get("NEWSDESK_SITES_DIR") or os.environ.get("NEWSDESK_SITES_DIR") or None,
        bundled=settings.getbool("NEWSDESK_BUNDLED_SITES", True),
    )


class SiteSpiderLoader:
    """Implements Scrapy's SpiderLoaderProtocol over the site declarations."""

    def __init__(self, settings: BaseSettings) -> None:
        self.sites = declared_sites(settings)
        self._classes = {name: spider_class(site) for name, site in self.sites.items()}

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> Self:
        return cls(settings)

    def load(self, spider_name: str) -> type[Spider]:
        try:
            return self._classes[spider_name]
        except KeyError:
            known = ", ".join(sorted(self._classes))
            raise KeyError(f"Spider not found: {spider_name} (declared sites: {known})") from None

    def list(self) -> list[str]:
        return sorted(self._classes)

    def find_by_request(self, request: Request) -> builtins.list[str]:
        return [name for name, site in self.sites.items() if site.is_article(request.url)]
