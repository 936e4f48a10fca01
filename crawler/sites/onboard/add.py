"""``newsdesk sites add`` as a library call: onboard, render, validate, report."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from scrapy.settings import Settings

from crawler.sites import Site
from crawler.sites.onboard import Onboarded, OnboardError, onboard
from crawler.sites.onboard.declaration import Destination, Golden, golden, render, validate
from crawler.sites.onboard.fetch import Fetch, run

__all__ = ["Declared", "OnboardError", "declare", "report"]


@dataclass(frozen=True)
class Declared:
    """A new site's declaration, validated, with its golden page and the report."""

    text: str
    site: Site
    page: Golden
    destination: Destination
    report: str

    def write(self) -> list[Path]:
        return self.destination.write(self.text, self.page)


def declare(
    url: str,
    name: str,
    sample: int,
    destination: Destination,
    settings: Settings,
    base_url: str | None = None,
) -> Declared:
    """Onboard the site at ``url`` (fetching through Scrapy) and build its declaration.

    Raises :class:`OnboardError` or :class:`~crawler.sites.SiteError` with one line.
    """
    parts = urlsplit(url)

    async def job(fetch: Fetch) -> Onboarded:
        return await onboard(fetch, url, sample)

    outcome = run(job, f"{parts.scheme}://{parts.netloc}", settings, base_url)
    text = render(name, outcome.title, outcome)
    site = validate(text, str(destination.toml))
    page = golden(site, outcome.samples)
    if page is None:
        raise OnboardError(f"{url}: no sample page gives an article with a title and a body")
    return Declared(text, site, page, destination, report(name, outcome))


def report(name: str, outcome: Onboarded) -> str:
    """What was found, for the terminal: feeds, sitemaps, URL rules, each field's selector."""
    found = outcome.discovered
    lines = [f"Site {name}: {outcome.title} ({outcome.home})"]
    for label, urls in (("Feeds", found.feeds), ("Sitemaps", found.sitemaps)):
        lines.append(f"{label}: {'none' if not urls else ''}")
        lines += [f"  {u}  ({found.how[u]}; {found.listed[u]} articles)" for u in urls]
    lines.append(f"Article URLs: {outcome.check}")
    lines += [f"  {rule}" for rule in outcome.article_urls]
    lines.append(f"Listing pages: {len(outcome.listings)} seen")
    lines += [f"  {rule}" for rule in outcome.follow_urls]
    lines.append(f"Fields ({len(outcome.samples)} sample article pages):")
    induction = outcome.induction
    if induction is not None:
        for field, rule in induction.rules.items():
            held = f"{rule.agreed}/{rule.tried} held-out pages" if rule.tried else "1 page"
            lines.append(f"  {field:<10} {' | '.join(rule.selectors)}  ({held})")
        for field, reason in induction.generic.items():
            lines.append(f"  {field:<10} generic ({reason})")
    return "\n".join(line.rstrip() for line in lines)
