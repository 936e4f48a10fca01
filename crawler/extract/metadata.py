"""Meta tags: OpenGraph / ``article:`` properties and the other common conventions.

:func:`meta_tags` reads every ``<meta>`` into ``{key: [values]}`` with lowercased
keys (``property``, ``name``, ``itemprop`` or ``http-equiv``). The key lists below
say which keys carry which field, most trusted first; keys starting ``og:``,
``article:`` or ``twitter:`` count as OpenGraph, the rest as other meta.
"""

from __future__ import annotations

from parsel import Selector

TITLE_KEYS = ("og:title", "twitter:title", "citation_title", "dc.title", "parsely-title")
AUTHOR_KEYS = (
    "article:author",
    "author",
    "citation_author",
    "parsely-author",
    "dc.creator",
    "dcterms.creator",
    "sailthru.author",
    "byl",
    "article.author",
    "cxenseparse:author",
    "twitter:creator",
)
PUBLISHED_KEYS = (
    "article:published_time",
    "og:article:published_time",
    "og:published_time",
    "article:published",
    "datepublished",
    "citation_publication_date",
    "citation_date",
    "parsely-pub-date",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date",
    "dcterms.date",
    "dcterms.created",
    "dc.date.created",
    "pubdate",
    "publishdate",
    "publish-date",
    "publish_date",
    "publication_date",
    "article.published",
    "article_date_original",
    "sailthru.date",
    "date",
    "og:updated_time",
)
# generic names many CMSs fill with the day the page was generated or last changed
GENERIC_DATE_KEYS = ("date", "dc.date", "dcterms.date")
ARTICLE_DATE_KEYS = tuple(k for k in PUBLISHED_KEYS if k not in GENERIC_DATE_KEYS)
MODIFIED_KEYS = (
    "article:modified_time",
    "og:article:modified_time",
    "og:updated_time",
    "datemodified",
    "dcterms.modified",
    "dc.date.modified",
    "last-modified",
    "article.updated",
)
LEAD_KEYS = ("og:description", "description", "twitter:description", "dc.description")
SECTION_KEYS = (
    "article:section",
    "parsely-section",
    "section",
    "article.section",
    "cxenseparse:recs:articlesection",
)
TAG_KEYS = ("article:tag", "news_keywords", "parsely-tags", "keywords")
IMAGE_KEYS = ("og:image", "og:image:url", "og:image:secure_url", "twitter:image", "image")
SITE_NAME_KEYS = ("og:site_name", "application-name", "twitter:site", "publisher")
LANGUAGE_KEYS = ("og:locale", "content-language", "language", "dc.language", "inlanguage")
_OPENGRAPH_PREFIXES = ("og:", "article:", "twitter:")


def meta_tags(selector: Selector) -> dict[str, list[str]]:
    """Every ``<meta>`` with content, by lowercased key, values in page order.

    >>> meta_tags(Selector(text='<meta property="og:title" content="A">'
    ...                         '<meta name="Author" content="B">'))
    {'og:title': ['A'], 'author': ['B']}
    """
    found: dict[str, list[str]] = {}
    for node in selector.xpath("//meta[@content]"):
        content = (node.attrib.get("content") or "").strip()
        if not content:
            continue
        for attribute in ("property", "name", "itemprop", "http-equiv"):
            key = (node.attrib.get(attribute) or "").strip().lower()
            if key:
                found.setdefault(key, []).append(content)
                break
    return found


def source_of(key: str) -> str:
    """The provenance name for a meta key.

    >>> source_of("og:title"), source_of("citation_author")
    ('opengraph', 'meta')
    """
    return "opengraph" if key.startswith(_OPENGRAPH_PREFIXES) else "meta"


def first(tags: dict[str, list[str]], keys: tuple[str, ...]) -> tuple[str, str] | None:
    """The first value of the first key present: ``(value, provenance)``.

    >>> first({"description": ["d"], "og:description": ["o"]}, LEAD_KEYS)
    ('o', 'opengraph')
    """
    for key in keys:
        if tags.get(key):
            return tags[key][0], source_of(key)
    return None


def every(tags: dict[str, list[str]], keys: tuple[str, ...]) -> tuple[list[str], str] | None:
    """All values of the first key present: ``(values, provenance)``.

    >>> every({"article:tag": ["a", "b"]}, TAG_KEYS)
    (['a', 'b'], 'opengraph')
    """
    for key in keys:
        if tags.get(key):
            return list(tags[key]), source_of(key)
    return None
