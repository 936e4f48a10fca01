"""``newsdesk sites check`` as a library call: fetch a declared site's current article
pages through Scrapy and check its selectors on them (:mod:`.check`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from scrapy.http import TextResponse
from scrapy.settings import Settings

from crawler.sites import Site
from crawler.sites.onboard import OnboardError, current_articles
from crawler.sites.onboard.fetch import Fetch, run

if TYPE_CHECKING:
    from crawler.sites.onboard.check import FieldCheck

__all__ = ["Checked", "OnboardError", "check_declared"]


@dataclass(frozen=True)
class Checked:
    """What ``sites check`` found: the report, the fields whose declared selector is broken,
    and the check of each field on the ``pages`` fetched."""

    report: str
    broken: list[str]
    checks: list[FieldCheck]
    pages: int

    def as_dict(self, site: Site) -> dict[str, Any]:
        return {
            "site": site.name,
            "pages": self.pages,
            "broken": self.broken,
            "fields": [
                {
                    "field": c.field,
                    "status": c.status,
                    "declared": list(c.declared),
                    "agreed": c.agreed,
                    "tried": c.tried,
                    "matched": c.matched,
                    "proposed": list(c.proposed.selectors) if c.proposed else None,
                    "reason": c.reason,
                }
                for c in self.checks
            ],
        }


def check_declared(
    site: Site, sample: int, settings: Settings, base_url: str | None = None
) -> Checked:
    """Check the declared selectors of ``site`` on its current article pages."""
    from crawler.sites.onboard.check import check_site, format_checks

    async def job(fetch: Fetch) -> list[TextResponse]:
        return await current_articles(fetch, site, sample)

    pages = run(job, site.origin, settings, base_url)
    if not pages:
        raise OnboardError(f"site {site.name!r}: no current article page could be fetched")
    checks = check_site(site, pages)
    broken = [c.field for c in checks if c.status == "broken"]
    return Checked(format_checks(site, checks, len(pages)), broken, checks, len(pages))
