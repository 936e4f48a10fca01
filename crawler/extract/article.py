"""The one step from a downloaded page to an :class:`Article`, for every caller.

Both spiders, ``newsdesk eval``, the golden tests and site onboarding call
:func:`build_article`: a page that is not HTML, empty or too large is refused
with a reason, and so is a "page not found" served with 200 (``soft_404``); the site's
selectors run first and the generic extractor fills
what they leave empty (or every field, for a page of no declared site);
implausible dates are emptied with the reason in the provenance; the article is
stamped with its URL, site, canonical URL, fetch time and HTTP validators.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from urllib.parse import urlsplit

from scrapy.http import Response, TextResponse
from scrapy.statscollectors import StatsCollector

from crawler import stats as keys
from crawler.extract.bounds import capped_body, capped_page
from crawler.extract.datecheck import check_dates
from crawler.extract.generic import GenericPage, fill
from crawler.extract.guard import rejection
from crawler.extract.notfound import soft_404
from crawler.extract.site import SiteExtractor
from crawler.fields import WATCHED
from crawler.items import Article
from crawler.middlewares.mirror import MIRROR
from crawler.sites import Site
from crawler.stats import Reason
from crawler.urls import canonicalize, rebase

DECLARED_SOURCES = ("selector", "dateline")  # provenance of values the site's declaration found
logger = logging.getLogger(__name__)


class Refused(Exception):
    """A page that gives no article; ``reason`` (a :class:`~crawler.stats.Reason`) says why."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = str(reason)
        self.detail = detail


def site_of(url: str) -> str:
    """The site name of an undeclared page: its host without ``www.``.

    >>> site_of("https://www.example.org/news/1"), site_of("http://127.0.0.1:8123/a")
    ('example.org', '127.0.0.1')
    """
    return (urlsplit(url).hostname or "").removeprefix("www.")


def build_article(
    response: Response, site: Site | None = None, extractor: SiteExtractor | None = None
) -> Article:
    """The article of a page of ``site`` (``None``: a page of no declared site).

    ``extractor`` is the site's, when the caller keeps one for many pages. Raises
    :class:`Refused` for a page that gives no article.
    """
    # Every step sees at most the start of a huge page (crawler/extract/bounds.py).
    page, page_cut = capped_page(_checked(response))
    try:
        article = _extract(page, site, extractor)
    except Exception as exc:  # boundary: a page the extractors cannot handle is refused
        logger.exception("Extraction failed on %s", response.url)
        raise Refused(Reason.EXTRACTION_FAILED, f"{type(exc).__name__}: {exc}") from exc
    _bound(article, page_cut)
    if (not_found := soft_404(page, len((article.get("body") or "").split()))) is not None:
        raise Refused(Reason.SOFT_404, not_found)
    for note in check_dates(article, page, site):
        logger.info("Date left empty on %s: %s", response.url, note)
    _stamp(article, page, site)
    return article


def _bound(article: Article, page_cut: str | None) -> None:
    """Cut a huge body (:func:`capped_body`); name each cut in the provenance."""
    body_cut = None
    if article.get("body"):
        article["body"], body_cut = capped_body(article["body"])
    for key, note in (("page_truncated", page_cut), ("body_truncated", body_cut)):
        if note is not None:
            article.setdefault("provenance", {})[key] = note


class SiteExtractors:
    """One :class:`SiteExtractor` per declared site, built when its first page comes: for
    callers that meet the pages of many sites (import, reextract)."""

    def __init__(self) -> None:
        self._by_name: dict[str, SiteExtractor] = {}

    def __call__(self, site: Site | None) -> SiteExtractor | None:
        if site is None:
            return None
        if site.name not in self._by_name:
            self._by_name[site.name] = SiteExtractor(site)
        return self._by_name[site.name]


def count_fields(stats: StatsCollector, article: Article) -> None:
    """Count an extracted article and the watched fields it has, in all and by the site's
    own declaration (what drift watches)."""
    stats.inc_value(keys.ARTICLES_EXTRACTED)
    provenance = article.get("provenance") or {}
    for field in WATCHED:
        if article.get(field):
            stats.inc_value(keys.field_key(field))
            if provenance.get(field) in DECLARED_SOURCES:
                stats.inc_value(keys.declared_key(field))


def _checked(response: Response) -> TextResponse:
    if not isinstance(response, TextResponse) or not _html_type(response):
        content_type = header(response, b"Content-Type") or "unknown"
        raise Refused(Reason.NOT_HTML, f"content type {content_type}")
    reason = rejection(response)
    if reason is not None:
        raise Refused(reason, f"{len(response.body)} bytes")
    return response


def _extract(response: TextResponse, site: Site | None, extractor: SiteExtractor | None) -> Article:
    if site is not None:
        return (extractor or SiteExtractor(site)).extract(response)
    article = Article(provenance={})
    fill(article, GenericPage(response))
    return article


def _stamp(article: Article, response: TextResponse, site: Site | None) -> None:
    article["url"] = response.url
    article["site"] = site.name if site is not None else site_of(response.url)
    article["canonical_url"], rejected = canonical_choice(response, site)
    if rejected:
        article.setdefault("provenance", {})["canonical_rejected"] = rejected
    article["fetched_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    article["etag"] = header(response, b"ETag")
    article["last_modified"] = header(response, b"Last-Modified")
    article["redirected_from"] = redirect_sources(response)


def redirect_sources(response: TextResponse) -> list[str]:
    """The URLs that led to this page by HTTP redirects or meta refresh, on the site's own
    origin: each becomes an alias of the story (so it is not fetched again)."""
    if response.request is None:
        return []
    mirror = response.meta.get(MIRROR)
    sources = (str(u) for u in response.meta.get("redirect_urls") or [])
    found = (canonicalize(rebase(u, *mirror) if mirror else u) for u in sources)
    return list(dict.fromkeys(u for u in found if u != canonicalize(response.url)))


def canonical_url(response: TextResponse, site: Site | None) -> str:
    """The page's canonical URL: see :func:`canonical_choice`."""
    return canonical_choice(response, site)[0]


def canonical_choice(response: TextResponse, site: Site | None) -> tuple[str, str | None]:
    """The page's ``rel=canonical`` when it is believable, else the fetched URL; normalised
    by :func:`canonicalize`. The second value says why a declared canonical was not taken.

    A page's claim is evidence, not an order: the canonical must stay on the site (on the
    same host, for a page of no declared site) and be an article URL by the site's rules
    (for a page of no declared site: not the home page, unless the page is one).
    """
    url = response.url
    declared = response.css('link[rel="canonical"]::attr(href)').get()
    try:
        candidate = response.urljoin(declared.strip()) if declared else ""
    except ValueError:  # no URL at all, e.g. a broken IPv6 host
        return canonicalize(url), f"{declared!r}: not a URL"
    if not candidate:
        return canonicalize(url), None
    why = _distrust(candidate, url, site)
    return canonicalize(url if why else candidate), (f"{candidate}: {why}" if why else None)


def _distrust(candidate: str, url: str, site: Site | None) -> str | None:
    if not _same_site(candidate, url, site):
        return "on another site"
    if canonicalize(candidate) == canonicalize(url):
        return None
    if site is not None and site.article_urls and not site.is_article(candidate):
        return "not an article URL of the site"
    if urlsplit(candidate).path in ("", "/") and urlsplit(url).path not in ("", "/"):
        return "the home page"
    return None


def _same_site(candidate: str, url: str, site: Site | None) -> bool:
    if site is not None:
        return site.owns(candidate)
    return site_of(candidate) == site_of(url)


def _html_type(response: Response) -> bool:
    """Whether the declared Content-Type can be a page (Scrapy also guesses from ``.html``)."""
    media = (header(response, b"Content-Type") or "").split(";")[0].strip().lower()
    return not media or media.startswith("text/") or "html" in media or "xml" in media


def header(response: Response, name: bytes) -> str | None:
    """A response header as text (Latin-1, as HTTP sends it), or ``None``."""
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None
