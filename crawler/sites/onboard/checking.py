"""``newsdesk sites check`` as a library call: fetch a declared site's current article
pages through Scrapy and check its selectors on them (:mod:`.check`)."""

from __future__ import annotations

from scrapy.http import TextResponse
from scrapy.settings import Settings

from crawler.sites import Site
from crawler.sites.onboard import OnboardError, current_articles
from crawler.sites.onboard.fetch import Fetch, run

__all__ = ["OnboardError", "check_declared"]


def check_declared(
    site: Site, sample: int, settings: Settings, base_url: str | None = None
) -> tuple[str, list[str]]:
    """The check's report and the fields whose declared selector is broken."""
    from crawler.sites.onboard.check import check_site, format_checks

    async def job(fetch: Fetch) -> list[TextResponse]:
        return await current_articles(fetch, site, sample)

    pages = run(job, site.origin, settings, base_url)
    if not pages:
        raise OnboardError(f"site {site.name!r}: no current article page could be fetched")
    checks = check_site(site, pages)
    broken = [c.field for c in checks if c.status == "broken"]
    return format_checks(site, checks, len(pages)), broken
