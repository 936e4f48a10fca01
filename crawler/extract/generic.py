"""Generic extraction: any article page, no declaration needed.

:class:`GenericPage` is built from a response and exposes one method per field
(like a web-poet page object). Each returns ``(value, provenance)`` or ``None``
and is computed on first use only, so a caller that needs two fields pays for
two. Sources, most trusted first: JSON-LD, OpenGraph / ``article:`` meta, other
meta tags, then page heuristics (``<h1>``, ``<time>``, bylines, ``<html lang>``);
the body comes from trafilatura plus :mod:`crawler.extract.body`, dates the
metadata lacks from htmldate.
"""

from __future__ import annotations

import logging
import re
from collections.abc import MutableMapping
from datetime import tzinfo
from functools import cached_property
from typing import Any
from urllib.parse import urlsplit

from parsel import Selector, SelectorList
from scrapy.http import TextResponse

from crawler.extract import body as bodies
from crawler.extract import jsonld
from crawler.extract import metadata as meta
from crawler.extract.authors import Bylines, choose_authors
from crawler.extract.captions import CaptionTexts
from crawler.extract.clean import (
    normalize_language,
    strip_site_name,
    unescape,
)
from crawler.extract.continued import continued
from crawler.extract.dates import (
    adjacent_days,
    first_written_date,
    is_live_ticker,
    is_utc,
    later_by,
    localize,
    page_offset,
    parse_date_safely,
    utc_near_midnight,
)
from crawler.extract.processors import normalize_text
from crawler.extract.teasers import LinkTexts
from crawler.extract.titles import (
    Heading,
    agrees,
    choose_title,
    headline_part,
    is_site_heading,
    lone_heading_title,
    shared_heading,
    story_heading,
    text_of_node,
)

Filled = tuple[Any, str]
logger = logging.getLogger(__name__)
# crawler.fields.GENERIC, in the order fill() computes them.
FIELDS = (
    "title",
    "authors",
    "published",
    "modified",
    "lead",
    "section",
    "tags",
    "language",
    "image",
    "body",
)
_GENERIC_LABELS = frozenset({"com", "org", "net", "co", "uk", "de", "news", "ac", "gov", "edu"})
_TAG = re.compile(r"<[^>]+>")
_MARKUP = re.compile(r"</?[a-zA-Z][^<>]*>")
_BREAK = re.compile(r"(?i)<\s*(?:br|/p|/div|/h\d|/li|/?figcaption|/figure)\s*/?>")
_WORD = re.compile(r"\w")
# The document's <title>, not the <title> of an inline SVG icon.
_PAGE_TITLE_XPATH = "(//title[not(ancestor::svg)])[1]//text()"
_TEXT_AFTER_XPATH = (
    "following::text()[normalize-space()][not(ancestor::script)][not(ancestor::style)]"
)
_TEXT_NODES_AFTER = 40
_UPDATE_HOURS = 12
_DATE_XPATH = (
    '//*[@itemprop="datePublished"]/@content',
    '//*[@itemprop="datePublished"]/@datetime',
    # the <article> that holds the headline: others on the page are teasers of other stories
    "//article[.//h1 or not(//h1)]//time/@datetime",
    "//time[@pubdate]/@datetime",
)


def plain(value: Any) -> str | None:
    """A metadata string without HTML tags or entities, whitespace collapsed.

    >>> plain("Ben &amp; Jerry&#8217;s <b>deal</b>")
    'Ben & Jerry’s deal'
    """
    text = jsonld.text_of(value)
    if text is None:
        return None
    return normalize_text(unescape(_TAG.sub(" ", text)))


def unreadable(url: str, what: str, exc: BaseException) -> None:
    """Log a metadata source or field that raised on a page (it is skipped, not fatal)."""
    logger.warning("Unreadable %s on %s: %s: %s", what, url, type(exc).__name__, exc)


class GenericPage:
    """One page's fields from its metadata, its markup and its main text.

    Every field is computed only when asked for (:func:`fill` asks only for the
    missing ones), so a declared site's fallback costs nothing for the fields its
    selectors found.
    """

    def __init__(
        self,
        response: TextResponse,
        boilerplate: re.Pattern[str] | None = None,
    ):
        self.response = response
        self.selector: Selector = response.selector
        self.boilerplate = boilerplate

    def get(self, field: str) -> Filled | None:
        """The value and provenance of one of :data:`FIELDS`."""
        found: Filled | None = getattr(self, field)
        return found

    @cached_property
    def ld(self) -> dict[str, Any]:
        try:
            return jsonld.article_node(self.selector)
        except Exception as exc:  # boundary: unreadable JSON-LD is none; other sources remain
            unreadable(self.response.url, "JSON-LD", exc)
            return {}

    @cached_property
    def tags_by_key(self) -> dict[str, list[str]]:
        return meta.meta_tags(self.selector)

    @cached_property
    def outlets(self) -> set[str]:
        try:
            names = set(jsonld.publisher_names(self.selector))
        except Exception as exc:  # boundary, as for ``ld``
            unreadable(self.response.url, "JSON-LD publisher", exc)
            names = set()
        names.update(self.tags_by_key.get("og:site_name", []))
        names.update(self.tags_by_key.get("application-name", []))
        names.add(self.host)
        return {n for n in (plain(n) for n in names) if n}

    @cached_property
    def headings(self) -> list[Heading]:
        """Visible headline candidates: the first ``<h1>`` elements, then ``<h2>``."""
        found = []
        for nodes in (self.story_h1s, self.selector.xpath("//h2")):
            for node in nodes[:4]:
                if not is_site_heading(node, self.outlets) and (heading := Heading.of(node)):
                    found.append(heading)
        return found

    @cached_property
    def title(self) -> Filled | None:
        candidates: list[Filled] = []
        raw: list[str] = []
        if headline := plain(self.ld.get("headline") or self.ld.get("name")):
            candidates.append((strip_site_name(headline, self.outlets), "json-ld"))
        if found := meta.first(self.tags_by_key, meta.TITLE_KEYS):
            raw.append(plain(found[0]) or "")
            candidates.append((strip_site_name(raw[-1], self.outlets), found[1]))
        page_title = normalize_text(" ".join(self.selector.xpath(_PAGE_TITLE_XPATH).getall()))
        if page_title:
            raw.append(page_title)
            candidates.append((strip_site_name(page_title, self.outlets), "heuristic"))
        candidates = [c for c in candidates if c[0]]
        is_article = bool(jsonld.types_of(self.ld) & jsonld.ARTICLE_TYPES)
        if not (headline and is_article) and (lone := self.lone_heading):
            heading = Heading.of(self.story_h1s[0])
            if heading and (part := headline_part(heading, candidates)):
                return part, "heuristic"
            shared = None if agrees(lone, candidates) else shared_heading(self.headings, candidates)
            if shared:
                return shared
            return lone_heading_title(lone, candidates)
        if headline and (found := story_heading(self.headings, candidates)):
            return found
        return choose_title(self.headings, candidates, raw)

    @cached_property
    def h1_nodes(self) -> SelectorList[Selector]:
        return self.selector.xpath("//h1")

    @cached_property
    def story_h1s(self) -> list[Selector]:
        """The ``<h1>`` elements that are not the site's name (:func:`is_site_heading`)."""
        return [n for n in self.h1_nodes if not is_site_heading(n, self.outlets)]

    @cached_property
    def lone_heading(self) -> str | None:
        """The text of the page's only ``<h1>`` that is not the site's name."""
        nodes = self.story_h1s
        if len(nodes) != 1 or not (text := text_of_node(nodes[0])) or not _WORD.search(text):
            return None
        return text

    @cached_property
    def authors(self) -> Filled | None:
        sources = Bylines(self.response, self.ld.get("author"), self.tags_by_key, self.outlets)
        return choose_authors(sources.trusted(), sources.late, self.outlets, self.host)

    @cached_property
    def host(self) -> str:
        return host_name(self.response.url)

    @cached_property
    def published(self) -> Filled | None:
        if self._generic_date_only and self.shown_date:
            return self.shown_date, "heuristic"
        if found := self._date(self.ld.get("datePublished"), meta.PUBLISHED_KEYS):
            if (shown := self._shown_update(found[0])) is not None:
                return shown
            if (local := self._localize(found[0])) != found[0]:
                return local, found[1]
            if utc_near_midnight(found[0]) and (seen := self._day_seen()):
                return seen if self._another_day(found[0], seen[0]) else found
            return found
        for xpath in _DATE_XPATH:
            for value in self.selector.xpath(xpath).getall()[:2]:
                if parsed := parse_date_safely(value):
                    return parsed, "heuristic"
        return self._day_seen()

    @property
    def _generic_date_only(self) -> bool:
        """Whether the page's only date metadata has a generic name (``<meta name="date">``):
        then the date under its headline says more."""
        tags = self.tags_by_key
        if self.ld.get("datePublished") or any(k in tags for k in meta.ARTICLE_DATE_KEYS):
            return False
        return any(k in tags for k in meta.GENERIC_DATE_KEYS)

    def _another_day(self, published: str, seen: str) -> bool:
        """Whether the day the page shows is the calendar day before or after a UTC
        timestamp near midnight, and not the day of its modified date."""
        if not adjacent_days(published, seen):
            return False
        modified = self.modified
        return modified is None or modified[0][:10] != seen[:10]

    def _shown_update(self, published: str) -> Filled | None:
        """The modified date, when it is the date the page shows under its headline
        (an update made within hours of publishing is a correction, not the date; a
        live ticker shows its latest entry, and is dated by its first)."""
        modified = self.modified
        if modified is None or not later_by(published, modified[0], _UPDATE_HOURS):
            return None
        if modified[0][:10] == published[:10] or modified[0][:10] != self.shown_date:
            return None
        return None if is_live_ticker(self.selector, jsonld.types_of(self.ld)) else modified

    @cached_property
    def shown_date(self) -> str | None:
        """The date written just after the page's only ``<h1>``, where readers see it.

        Used for pages without date metadata, before htmldate's page-wide guess:
        a page with one headline shows its date in the dateline under it.
        """
        nodes = self.h1_nodes
        if len(nodes) != 1:
            return None
        texts = nodes[0].xpath(_TEXT_AFTER_XPATH).getall()[:_TEXT_NODES_AFTER]
        return first_written_date(texts)

    @cached_property
    def modified(self) -> Filled | None:
        found = self._date(self.ld.get("dateModified"), meta.MODIFIED_KEYS)
        return (self._localize(found[0]), found[1]) if found else None

    def _localize(self, value: str) -> str:
        """:func:`localize` in the page's offset (looked for only for a UTC timestamp)."""
        return localize(value, self.offset) if is_utc(value) else value

    @cached_property
    def offset(self) -> tzinfo | None:
        """The page's own UTC offset, read from any of its timestamps that carries one."""
        values = [self.ld.get("datePublished"), self.ld.get("dateModified")]
        for key_ in (*meta.PUBLISHED_KEYS, *meta.MODIFIED_KEYS):
            values.extend(self.tags_by_key.get(key_, []))
        for xpath in _DATE_XPATH:
            values.extend(self.selector.xpath(xpath).getall()[:2])
        return page_offset(v for v in values if isinstance(v, str))

    def _date(self, ld_value: Any, keys: tuple[str, ...]) -> Filled | None:
        if (text := plain(ld_value)) and (parsed := parse_date_safely(text)):
            return parsed, "json-ld"
        for key_ in keys:
            for value in self.tags_by_key.get(key_, []):
                if parsed := parse_date_safely(value):
                    return parsed, meta.source_of(key_)
        return None

    def _day_seen(self) -> Filled | None:
        """The day the page shows its readers: its dateline, else htmldate's reading."""
        return (self.shown_date, "heuristic") if self.shown_date else self._htmldate()

    def _htmldate(self) -> Filled | None:
        from htmldate import find_date  # heavy; loaded only when metadata has no date

        found = find_date(self.response.text, url=self.response.url, original_date=True)
        return (found, "htmldate") if found else None

    @cached_property
    def lead(self) -> Filled | None:
        return self._text("description", meta.LEAD_KEYS)

    @cached_property
    def section(self) -> Filled | None:
        return self._text("articleSection", meta.SECTION_KEYS)

    def _text(self, ld_key: str, meta_keys: tuple[str, ...]) -> Filled | None:
        """A plain-text field: the JSON-LD value, else the first meta tag of ``meta_keys``."""
        if text := plain(self.ld.get(ld_key)):
            return text, "json-ld"
        found = meta.first(self.tags_by_key, meta_keys)
        return (text, found[1]) if found and (text := plain(found[0])) else None

    @cached_property
    def tags(self) -> Filled | None:
        if words := jsonld.keywords(self.ld.get("keywords")):
            return unique_texts(words), "json-ld"
        found = meta.every(self.tags_by_key, meta.TAG_KEYS)
        if found and (words := unique_texts(jsonld.keywords(found[0]))):
            return words, found[1]
        return None

    @cached_property
    def language(self) -> Filled | None:
        lang = self.selector.xpath("/html/@lang | /html/@xml:lang").get()
        if lang and (tag := normalize_language(lang)):
            return tag, "heuristic"
        if (text := plain(self.ld.get("inLanguage"))) and (tag := normalize_language(text)):
            return tag, "json-ld"
        found = meta.first(self.tags_by_key, meta.LANGUAGE_KEYS)
        if found and (tag := normalize_language(found[0])):
            return tag, found[1]
        return None

    @cached_property
    def image(self) -> Filled | None:
        if url := jsonld.text_of(self.ld.get("image")):
            return self.response.urljoin(url), "json-ld"
        found = meta.first(self.tags_by_key, meta.IMAGE_KEYS)
        return (self.response.urljoin(found[0]), found[1]) if found else None

    @cached_property
    def body(self) -> Filled | None:
        title = self.title[0] if self.title else None
        extracted = bodies.extract_main_text(self.response.text, self.response.url)
        links, captions = LinkTexts(self.selector), CaptionTexts(self.selector)
        cleaned = None
        if extracted:
            extracted = continued(extracted, self.selector.root)
            cleaned = bodies.finish(extracted, title, self.boilerplate, links, captions)
        article_body = plain_body(self.ld.get("articleBody"))
        page_text = bodies.page_text(self.selector.root) if article_body else ""
        chosen = bodies.choose_body(cleaned, article_body, page_text)
        if chosen is None or chosen.text == cleaned:  # main-text extraction's, cleaned already
            return (chosen.text, chosen.source) if chosen else None
        text = bodies.finish(chosen.text, title, self.boilerplate, links, captions)
        return (text, chosen.source) if text else None


def host_name(url: str) -> str:
    """The distinctive label of a URL's host, often the outlet's name.

    >>> host_name("https://www.happyface313.com/a"), host_name("https://news.bbc.co.uk/x")
    ('happyface313', 'bbc')
    >>> host_name("https://www.derstandard.at/story/1"), host_name("http://localhost/")
    ('derstandard', '')
    """
    labels = (urlsplit(url).hostname or "").split(".")[:-1]
    while labels and labels[-1] in _GENERIC_LABELS:
        labels.pop()
    return labels[-1] if labels else ""


def plain_body(value: Any) -> str | None:
    """A JSON-LD ``articleBody`` as paragraphs: entities decoded, tags become line breaks.

    Entities are decoded first (markup some publishers escape is markup too) and
    then the tags removed, so only what looks like a tag goes (``x < y`` stays).

    >>> text = plain_body("<p>Tom &amp;amp; Jerry</p>&lt;p&gt;&amp;quot;Hi&amp;quot; x < y")
    >>> [line.strip() for line in text.splitlines()]
    ['Tom & Jerry', '"Hi" x < y']
    """
    if not isinstance(value, str) or not value.strip():
        return None
    text = _BREAK.sub("\n", unescape(value))
    return _MARKUP.sub(" ", text)


def unique_texts(values: list[str]) -> list[str]:
    """Cleaned values, first occurrence kept.

    >>> unique_texts(["a", " a ", "B"])
    ['a', 'B']
    """
    return list(dict.fromkeys(t for t in map(plain, values) if t))


def fill(
    article: MutableMapping[str, Any], page: GenericPage, fields: tuple[str, ...] = FIELDS
) -> None:
    """Fill each of ``fields`` the article lacks from ``page``, recording its provenance.

    Only the missing fields are computed (so no main-text extraction when the
    body is already there).
    """
    provenance: dict[str, str] = article.setdefault("provenance", {})
    for field in fields:
        if article.get(field):
            continue
        try:
            found = page.get(field)
        except Exception as exc:  # boundary: a field its sources cannot give is left empty
            if field == "body":  # no article without it: the page is refused
                raise
            unreadable(page.response.url, field, exc)
            provenance[f"{field}_failed"] = f"{type(exc).__name__}: {exc}"[:200]
            continue
        if found is not None and found[0]:
            article[field] = found[0]
            provenance[field] = found[1]
