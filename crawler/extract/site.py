"""Extraction driven by a site declaration's selectors."""

from __future__ import annotations

import copy
from collections.abc import Callable
from functools import cache
from typing import Any

from lxml import etree
from parsel import Selector, SelectorList
from parsel.csstranslator import HTMLTranslator
from scrapy.http import TextResponse

from crawler.extract.generic import GenericPage, fill
from crawler.extract.loaders import ArticleLoader
from crawler.extract.processors import compile_boilerplate, normalize_text, parse_dateline
from crawler.items import Article
from crawler.sites import Site

# Compiled once and run on the lxml element: a parsel Selector per text node cost more
# than the rest of the declared extraction.
_TEXT = etree.XPath(
    ".//text()[not(ancestor::script) and not(ancestor::style)] | .//br", smart_strings=False
)


# The XPath extension namespace parsel gives every query: regular expressions (re:test).
_REGEXP = {"re": "http://exslt.org/regular-expressions"}


def select(response: TextResponse | Selector, selector: str) -> SelectorList[Selector]:
    """Run one declared selector: CSS, or XPath when prefixed with ``xpath:``."""
    if selector.startswith("xpath:"):
        return response.xpath(selector.removeprefix("xpath:"))
    return response.css(selector)


def node_text(node: Selector) -> str:
    """The text of a matched node: a string match as is, an element's visible text.

    ``<br>`` counts as a space, so lines it separates do not run together.
    """
    if isinstance(node.root, str):
        return node.root
    parts = _TEXT(node.root)
    return "".join(part if isinstance(part, str) else " " for part in parts)


@cache
def compiled(selector: str) -> Callable[[Any], list[str]] | None:
    """A declared selector compiled once, as a function from the page's root element to the
    texts :func:`select` and :func:`node_text` give; ``None`` for an XPath that does not
    compile, or that uses EXSLT sets (parsel compiles those anew for each query): those
    go through :func:`select`.

    >>> page = Selector(text="<p>One<br>two</p><p class='x'>three</p>")
    >>> compiled("p.x")(page.root), compiled("xpath://p[1]/text()")(page.root)
    (['three'], ['One', 'two'])
    >>> compiled("xpath:set:distinct(//p)") is None, compiled("xpath://p[") is None
    (True, True)
    """
    if selector.startswith("xpath:"):
        query = selector.removeprefix("xpath:")
    else:
        query = HTMLTranslator().css_to_xpath(selector)
    if "set:" in query:
        return None
    try:
        xpath = etree.XPath(query, namespaces=_REGEXP, smart_strings=False)
    except etree.XPathError:
        return None

    def texts(root: Any) -> list[str]:
        found = xpath(root)
        return [_text_of(node) for node in (found if isinstance(found, list) else [found])]

    return texts


def _text_of(node: Any) -> str:
    if isinstance(node, str):
        return node
    return "".join(part if isinstance(part, str) else " " for part in _TEXT(node))


def texts_of(root: Any, page: TextResponse | Selector, selector: str) -> list[str]:
    """The texts of the nodes one declared selector matches (:func:`node_text` of each)."""
    query = compiled(selector)
    if query is None:
        return [node_text(node) for node in select(page, selector)]
    return query(root)


def without(
    response: TextResponse | Selector, selectors: tuple[str, ...]
) -> TextResponse | Selector:
    """The page with every element matched by ``selectors`` removed (a copy of the parsed
    tree; text after a removed inline element stays). When no selector matches, the
    response itself: nothing is copied.

    >>> page = Selector(text="<p>See <span>opens new tab</span>the report.</p>")
    >>> without(page, ("xpath://span[contains(., 'new tab')]",)).css("p").xpath("string()").get()
    'See the report.'
    >>> without(page, ("xpath://table",)) is page
    True
    """
    if not any(select(response, selector) for selector in selectors):
        return response
    root = response.root if isinstance(response, Selector) else response.selector.root
    page = Selector(root=copy.deepcopy(root), type="html")
    for selector in selectors:
        select(page, selector).drop()
    return page


class SiteExtractor:
    """Turns a page of one declared site into an :class:`Article`.

    Declared selectors come first; every field they leave empty is filled by
    the generic extractor (:mod:`crawler.extract.generic`), field by field,
    with the generic source as its provenance, exactly as the generic extractor
    alone fills it (the full body extraction only when the selectors found no
    body).
    """

    def __init__(self, site: Site) -> None:
        self.site = site
        self.boilerplate = compile_boilerplate(site.boilerplate)

    def extract(self, response: TextResponse) -> Article:
        article = self.declared(response)
        fill(article, GenericPage(response, self.boilerplate))
        return article

    def declared(self, response: TextResponse) -> Article:
        """The fields the declaration itself fills (selectors, dateline, language), with
        their provenance; no generic fallback."""
        loader = ArticleLoader(self.boilerplate, self.site.language)
        provenance: dict[str, str] = {}
        page = without(response, self.site.drop)
        root = page.root if isinstance(page, Selector) else page.selector.root
        for field, selectors in self.site.selectors.items():
            if self._add_first_match(loader, root, page, field, selectors):
                provenance[field] = "selector"
        if self.site.dateline:
            self._add_dateline(loader, provenance)
        if self.site.language and "language" not in provenance:
            loader.add_value("language", self.site.language)
            provenance["language"] = "site"
        article: Article = loader.load_item()
        article["provenance"] = provenance
        return article

    def _add_first_match(
        self,
        loader: ArticleLoader,
        root: Any,
        page: TextResponse | Selector,
        field: str,
        selectors: tuple[str, ...],
    ) -> bool:
        """Add the values of the first selector that yields a non-empty value (a selector
        whose values are all dropped, as boilerplate, adds none)."""
        for selector in selectors:
            texts = texts_of(root, page, selector)
            if any(normalize_text(t) for t in texts):
                loader.add_value(field, texts)
                if loader.get_output_value(field):
                    return True
        return False

    def _add_dateline(self, loader: ArticleLoader, provenance: dict[str, str]) -> None:
        first = (loader.get_collected_values("body") or [""])[0]
        dateline = parse_dateline(first)
        if dateline is None:
            return
        published, source = dateline
        loader.add_value("dateline_source", source)
        provenance["dateline_source"] = "dateline"
        if "published" not in provenance:
            loader.add_value("published", published)
            provenance["published"] = "dateline"
