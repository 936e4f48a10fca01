"""Site declarations: one TOML file per news site, validated on load.

A declaration is data, not code: the site's domains, where discovery starts,
which URLs are articles and which are listing pages to follow, the selectors
for each field, the elements to ``drop`` from the page before any selector runs
(captions, ads, link hints inside paragraphs) and the site's boilerplate lines.
See ``eirns.toml`` and ``reuters.toml``.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from parsel.csstranslator import HTMLTranslator

from crawler.fields import SELECTABLE
from crawler.urls import in_domains

BUNDLED_DIR = Path(__file__).parent
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_KEYS = {
    "name", "title", "domains", "start_urls", "sitemaps", "feeds", "language", "urls",
    "selectors", "boilerplate", "dateline", "nightly", "limits", "drop", "robots_sitemaps",
}  # fmt: skip
_LIMITS = ("max_pages", "max_age_days", "depth")


class SiteError(ValueError):
    """A site declaration is invalid; the message names the site and the field."""


@dataclass(frozen=True)
class Limits:
    """How far one crawl of a site may go; 0 means no limit."""

    max_pages: int = 0  # responses per run
    max_age_days: int = 0  # skip sitemap/feed entries older than this
    depth: int = 0  # links followed from the start pages


@dataclass(frozen=True)
class Site:
    """One declared news site."""

    name: str
    title: str
    domains: tuple[str, ...]
    start_urls: tuple[str, ...]
    article_urls: tuple[str, ...]
    follow_urls: tuple[str, ...] = ()
    deny_urls: tuple[str, ...] = ()
    selectors: dict[str, tuple[str, ...]] = field(default_factory=dict)
    drop: tuple[str, ...] = ()
    boilerplate: tuple[str, ...] = ()
    language: str | None = None
    dateline: bool = False
    sitemaps: tuple[str, ...] = ()
    feeds: tuple[str, ...] = ()
    nightly: bool = True  # part of `newsdesk crawl --all`
    robots_sitemaps: bool = True  # no sitemaps declared: read robots.txt's Sitemap: lines
    limits: Limits = field(default_factory=Limits)
    source: str = "<memory>"

    @cached_property
    def origin(self) -> str:
        """Scheme and host of the first start URL, e.g. ``https://larouchepub.com``."""
        parts = urlsplit((self.start_urls + self.sitemaps + self.feeds)[0])
        return f"{parts.scheme}://{parts.netloc}"

    @cached_property
    def _article_res(self) -> tuple[re.Pattern[str], ...]:
        return tuple(re.compile(p) for p in self.article_urls)

    @cached_property
    def _follow_res(self) -> tuple[re.Pattern[str], ...]:
        return tuple(re.compile(p) for p in self.follow_urls)

    @cached_property
    def _deny_res(self) -> tuple[re.Pattern[str], ...]:
        return tuple(re.compile(p) for p in self.deny_urls)

    def owns(self, url: str) -> bool:
        """Whether the URL's host is one of the site's domains or below one."""
        return in_domains(url, self.domains)

    @property
    def declared_fields(self) -> list[str]:
        """The fields the declaration itself can fill: selectors, and a dateline's date."""
        return sorted({*self.selectors, *(["published"] if self.dateline else [])})

    def is_article(self, url: str) -> bool:
        """Whether the URL's path (and query) matches an article rule."""
        target = _path_and_query(url)
        return not _matches(self._deny_res, target) and _matches(self._article_res, target)

    def is_listed_article(self, url: str) -> bool:
        """Whether a feed or sitemap entry is an article: it matches an article rule, or
        the site has none (then its feeds and sitemaps list only articles)."""
        if self.article_urls:
            return self.is_article(url)
        return not _matches(self._deny_res, _path_and_query(url))

    def is_listing(self, url: str) -> bool:
        """Whether the URL is a listing page to follow for more links."""
        target = _path_and_query(url)
        return not _matches(self._deny_res, target) and _matches(self._follow_res, target)


def _path_and_query(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path or '/'}?{parts.query}" if parts.query else parts.path or "/"


def _matches(patterns: Iterable[re.Pattern[str]], target: str) -> bool:
    return any(p.search(target) for p in patterns)


def parse_site(data: dict[str, Any], source: str) -> Site:
    """Validate a declaration's data and build the :class:`Site`.

    >>> parse_site({"name": "x", "domains": ["x.test"]}, "x.toml")
    Traceback (most recent call last):
    ...
    crawler.sites.SiteError: x.toml: site 'x': field 'start_urls' is required
    """
    name = data.get("name")
    if not isinstance(name, str) or not _NAME.match(name):
        raise SiteError(f"{source}: field 'name' must be a lowercase identifier, got {name!r}")
    check = _Checker(source, name)
    check.no_unknown_keys(data, _KEYS, "")
    urls = data.get("urls", {})
    check.is_table(urls, "urls")
    check.no_unknown_keys(urls, {"article", "follow", "deny"}, "urls.")
    limits = data.get("limits", {})
    check.is_table(limits, "limits")
    check.no_unknown_keys(limits, set(_LIMITS), "limits.")
    selectors = data.get("selectors", {})
    check.is_table(selectors, "selectors")
    check.no_unknown_keys(selectors, set(SELECTABLE), "selectors.")
    discovered = bool(data.get("sitemaps") or data.get("feeds"))  # entries list the articles
    site = Site(
        name=name,
        title=check.string(data, "title", default=name),
        domains=check.strings(data, "domains", required=True),
        start_urls=check.strings(data, "start_urls", required=not discovered),
        article_urls=check.patterns(urls, "article", required=not discovered, prefix="urls."),
        follow_urls=check.patterns(urls, "follow", prefix="urls."),
        deny_urls=check.patterns(urls, "deny", prefix="urls."),
        selectors={f: check.selectors(selectors, f) for f in SELECTABLE if f in selectors},
        drop=check.selectors(data, "drop", required=False, prefix=""),
        boilerplate=check.patterns(data, "boilerplate"),
        language=check.string(data, "language", default=None),
        dateline=check.boolean(data, "dateline"),
        sitemaps=check.strings(data, "sitemaps"),
        feeds=check.strings(data, "feeds"),
        nightly=check.boolean(data, "nightly", default=True),
        robots_sitemaps=check.boolean(data, "robots_sitemaps", default=True),
        limits=Limits(**{key: check.count(limits, key) for key in _LIMITS}),
        source=source,
    )
    for key in ("start_urls", "sitemaps", "feeds"):
        for url in getattr(site, key):
            if urlsplit(url).scheme not in ("http", "https") or not site.owns(url):
                check.fail(key, f"{url!r} is not an http(s) URL on {list(site.domains)}")
    return site


@dataclass
class _Checker:
    source: str
    site: str

    def fail(self, key: str, problem: str) -> None:
        raise SiteError(f"{self.source}: site {self.site!r}: field {key!r} {problem}")

    def no_unknown_keys(self, data: dict[str, Any], known: set[str], prefix: str) -> None:
        for key in sorted(set(data) - known):
            self.fail(prefix + key, f"is not a known field (known: {', '.join(sorted(known))})")

    def is_table(self, value: Any, key: str) -> None:
        if not isinstance(value, dict):
            self.fail(key, "must be a table")

    def string(self, data: dict[str, Any], key: str, default: str | None) -> Any:
        value = data.get(key, default)
        if value is not None and not isinstance(value, str):
            self.fail(key, f"must be a string, got {value!r}")
        return value

    def boolean(self, data: dict[str, Any], key: str, default: bool = False) -> bool:
        value = data.get(key, default)
        if not isinstance(value, bool):
            self.fail(key, f"must be true or false, got {value!r}")
        return bool(value)

    def count(self, data: dict[str, Any], key: str) -> int:
        value = data.get(key, 0)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            self.fail(f"limits.{key}", f"must be a whole number >= 0, got {value!r}")
        return int(value)

    def strings(
        self, data: dict[str, Any], key: str, required: bool = False, prefix: str = ""
    ) -> tuple[str, ...]:
        value = data.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            self.fail(prefix + key, f"must be a list of non-empty strings, got {value!r}")
        if required and not value:
            self.fail(prefix + key, "is required")
        return tuple(value)

    def patterns(
        self, data: dict[str, Any], key: str, required: bool = False, prefix: str = ""
    ) -> tuple[str, ...]:
        values = self.strings(data, key, required, prefix)
        for pattern in values:
            try:
                re.compile(pattern)
            except re.error as exc:
                self.fail(prefix + key, f"has an invalid regular expression {pattern!r}: {exc}")
        return values

    def selectors(
        self, data: dict[str, Any], key: str, required: bool = True, prefix: str = "selectors."
    ) -> tuple[str, ...]:
        values = self.strings(data, key, required=required, prefix=prefix)
        for selector in values:
            if not selector.startswith("xpath:"):
                try:
                    HTMLTranslator().css_to_xpath(selector)
                except Exception as exc:  # cssselect raises several error types
                    self.fail(prefix + key, f"has an invalid CSS selector {selector!r}: {exc}")
        return values


def load_site_file(path: Path | Traversable) -> Site:
    """Read and validate one ``<name>.toml`` declaration (a file, or package data in a
    zip such as a scrapyd egg)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise SiteError(f"{path}: cannot read site declaration: {exc}") from exc
    site = parse_site(data, str(path))
    if site.name != Path(path.name).stem:
        raise SiteError(f"{path}: site {site.name!r}: field 'name' must match the file name")
    return site


def bundled_files() -> list[Traversable]:
    """The bundled declarations, read as package data: from this folder in a checkout,
    from inside the zip when the project runs from an egg (scrapyd)."""
    folder = resources.files(__name__)
    return sorted((f for f in folder.iterdir() if f.name.endswith(".toml")), key=lambda f: f.name)


def _folder_files(directory: Path) -> list[Path]:
    if not directory.is_dir():
        raise SiteError(f"{directory}: sites folder does not exist")
    return sorted(directory.glob("*.toml"))


def load_sites(extra_dir: str | Path | None = None, bundled: bool = True) -> dict[str, Site]:
    """All declared sites by name: the bundled ones (unless ``bundled`` is false), then
    those in ``extra_dir``."""
    sites: dict[str, Site] = {}
    files: list[Path | Traversable] = [*(bundled_files() if bundled else [])]
    files += _folder_files(Path(extra_dir)) if extra_dir else []
    for path in files:
        site = load_site_file(path)
        if site.name in sites:
            raise SiteError(f"{path}: site {site.name!r} is declared twice")
        sites[site.name] = site
    return sites
