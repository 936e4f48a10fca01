"""JSON-LD: the article object a page describes itself with (schema.org).

Pages embed ``<script type="application/ld+json">`` blocks; the article is an
object whose ``@type`` is one of :data:`ARTICLE_TYPES`, found at the top level,
in a list, or inside an ``@graph``. Invalid JSON is tolerated: a block that
cannot be read is skipped, and so is one nested deeper than Python can parse; values are
read at most :data:`_MAX_DEPTH` levels deep.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from parsel import Selector

ARTICLE_TYPES = frozenset(
    {
        "Article",
        "NewsArticle",
        "ReportageNewsArticle",
        "AnalysisNewsArticle",
        "OpinionNewsArticle",
        "BackgroundNewsArticle",
        "ReviewNewsArticle",
        "AskPublicNewsArticle",
        "BlogPosting",
        "LiveBlogPosting",
        "SocialMediaPosting",
        "Report",
        "ScholarlyArticle",
        "TechArticle",
        "SatiricalArticle",
        "AdvertiserContentArticle",
    }
)
PAGE_TYPES = frozenset({"WebPage", "ItemPage", "CollectionPage"})
_TRAILING_COMMA = re.compile(r",\s*([}\]])")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_MAX_DEPTH = 6


def load_json(text: str) -> Any:
    """Parse a JSON-LD block, repairing common faults; ``None`` when it cannot be read.

    >>> load_json('{"@type": "NewsArticle", "headline": "A",}')
    {'@type': 'NewsArticle', 'headline': 'A'}
    >>> load_json('{"headline": "broken') is None
    True
    >>> load_json('<!-- {"a": 1} -->')
    {'a': 1}
    """
    text = text.strip()
    if text.startswith("<!--"):
        text = text.removeprefix("<!--").removesuffix("-->").strip()
    text = text.removesuffix(";")
    for candidate in (text, _TRAILING_COMMA.sub(r"\1", _CONTROL.sub(" ", text))):
        try:
            return json.loads(candidate, strict=False)
        except (ValueError, RecursionError):  # RecursionError: nested too deep to parse
            continue
    return None


def types_of(node: dict[str, Any]) -> set[str]:
    """The node's ``@type`` values without a schema prefix.

    >>> sorted(types_of({"@type": ["schema:NewsArticle", "Thing"]}))
    ['NewsArticle', 'Thing']
    """
    value = node.get("@type", [])
    values = value if isinstance(value, list) else [value]
    return {str(v).rsplit(":", 1)[-1].rsplit("/", 1)[-1] for v in values if v}


def walk(data: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    """Every object of a JSON-LD document: top level, lists, ``@graph`` and ``mainEntity``.

    >>> [n["@type"] for n in walk({"@graph": [{"@type": "WebPage"}, [{"@type": "Article"}]]})]
    ['WebPage', 'Article']
    """
    if depth > _MAX_DEPTH:
        return
    if isinstance(data, list):
        for item in data:
            yield from walk(item, depth + 1)
    elif isinstance(data, dict):
        if "@type" in data:
            yield data
        for key in ("@graph", "mainEntity", "mainEntityOfPage"):
            if isinstance(data.get(key), list | dict):
                yield from walk(data[key], depth + 1)


def nodes(selector: Selector) -> list[dict[str, Any]]:
    """Every typed JSON-LD object on the page, in page order."""
    found: list[dict[str, Any]] = []
    for text in selector.xpath('//script[@type="application/ld+json"]/text()').getall():
        found.extend(walk(load_json(text)))
    return found


def article_node(selector: Selector) -> dict[str, Any]:
    """The page's article object (the one with most fields), or a web page object, or ``{}``."""
    found = nodes(selector)
    articles = [n for n in found if types_of(n) & ARTICLE_TYPES]
    if articles:
        return max(articles, key=len)
    pages = [n for n in found if types_of(n) & PAGE_TYPES and "datePublished" in n]
    return pages[0] if pages else {}


def publisher_names(selector: Selector) -> set[str]:
    """Names of the organisations the page declares (publisher, ``Organization`` nodes)."""
    names: set[str] = set()
    for node in nodes(selector):
        candidates = [node.get("publisher")]
        if types_of(node) & {"Organization", "NewsMediaOrganization", "WebSite"}:
            candidates.append(node)
        for candidate in candidates:
            names.update(n for n in names_of(candidate) if n)
    return names


def names_of(value: Any, depth: int = 0) -> list[str]:
    """Names in a person/organisation value: a string, an object, or a list of them.

    >>> names_of([{"@type": "Person", "name": "Ann Lee"}, "Bo Chen", {"name": ["Cy"]}])
    ['Ann Lee', 'Bo Chen', 'Cy']
    >>> names_of([[[[[[[["too deep"]]]]]]]])
    []
    """
    if isinstance(value, str):
        return [value]
    if depth >= _MAX_DEPTH:
        return []
    if isinstance(value, list):
        return [name for item in value for name in names_of(item, depth + 1)]
    if isinstance(value, dict):
        return names_of(value.get("name"), depth + 1)
    return []


def text_of(value: Any, depth: int = 0) -> str | None:
    """A plain string from a value that may be a list or an object with a name/url.

    >>> text_of(["Politics", "World"]), text_of({"@type": "ImageObject", "url": "x.jpg"})
    ('Politics', 'x.jpg')
    """
    if isinstance(value, list | dict) and depth >= _MAX_DEPTH:
        return None
    if isinstance(value, list):
        return next((t for t in (text_of(v, depth + 1) for v in value) if t), None)
    if isinstance(value, dict):
        inner = value.get("url") or value.get("name") or value.get("@value")
        return text_of(inner, depth + 1)
    if isinstance(value, str | int | float) and str(value).strip():
        return str(value).strip()
    return None


def keywords(value: Any, depth: int = 0) -> list[str]:
    """Keywords from a comma-separated string or a list.

    >>> keywords("Budget, Parking ,  ,Council")
    ['Budget', 'Parking', 'Council']
    """
    if isinstance(value, list) and depth < _MAX_DEPTH:
        return [k for item in value for k in keywords(item, depth + 1)]
    if isinstance(value, str):
        return [k.strip() for k in value.split(",") if k.strip()]
    return []
