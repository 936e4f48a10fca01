"""Dates a news article cannot have: left empty, with the reason noted in its provenance.

A page that says it was published in 1900 or in 2999 (a CMS default, a typo, a
placeholder) would sort to the top or bottom of every listing and skew revisit
windows. Such a date is removed from the article and the rejected value and the
reason are kept under ``provenance["<field>_rejected"]``; so is the text of a
date the selectors found but no parser could read.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from parsel import Selector
from scrapy.http import TextResponse

from crawler.extract.processors import normalize_text
from crawler.extract.site import node_text, select
from crawler.items import Article
from crawler.sites import Site

EARLIEST_YEAR = 1990  # before the web had news sites
FUTURE_SLACK = timedelta(days=1)  # time zones and clocks
DATE_FIELDS = ("published", "modified")


def implausible(value: str, now: datetime) -> str | None:
    """Why an ISO date cannot be a news article's, or ``None`` when it can be.

    >>> now = datetime(2026, 11, 28, 12, tzinfo=UTC)
    >>> implausible("1900-01-01", now), implausible("2999-12-31T00:00:00+00:00", now)
    ('before 1990', 'more than a day in the future')
    >>> implausible("2026-11-29", now) is None, implausible("1995-06-01T08:00:00", now) is None
    (True, True)
    """
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        return "not an ISO 8601 date"
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    if when.year < EARLIEST_YEAR:
        return f"before {EARLIEST_YEAR}"
    if when - now > FUTURE_SLACK:
        return "more than a day in the future"
    return None


def unread_date(page: TextResponse | Selector, selectors: tuple[str, ...]) -> str | None:
    """The first text the date selectors match on the page (used when none parsed)."""
    for selector in selectors:
        for node in select(page, selector):
            text = normalize_text(node_text(node))
            if text:
                return text[:100]
    return None


def check_dates(
    article: Article, page: TextResponse, site: Site | None, now: datetime | None = None
) -> list[str]:
    """Empty implausible or unreadable dates of ``article``, noting why; returns the notes.

    ``site`` is the page's declared site (``None`` for a page of no declared site).
    """
    now = now or datetime.now(UTC)
    selectors = site.selectors if site is not None else {}
    provenance = dict(article.get("provenance") or {})
    notes = []
    for field in DATE_FIELDS:
        value = article.get(field)
        if value:
            reason = implausible(value, now)
            if reason is None:
                continue
            del article[field]
            provenance.pop(field, None)
        elif field in selectors and (value := unread_date(page, selectors[field])):
            reason = "not a date"
        else:
            continue
        provenance[f"{field}_rejected"] = f"{value!r}: {reason}"
        notes.append(f"{field} {value!r}: {reason}")
    article["provenance"] = provenance
    return notes
