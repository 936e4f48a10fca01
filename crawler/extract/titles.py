"""Choosing a page's title among its headings and its metadata titles.

The metadata titles (JSON-LD headline, ``og:title`` and the like, ``<title>``)
lose a site-name affix first; the headings are the page's visible ``<h1>`` and
``<h2>`` texts, without the site's own name: a heading that only links to the
site's home page (a blog's masthead) or is hidden for screen readers is no
headline.
"""

from __future__ import annotations

import re
from typing import Any

from parsel import Selector

from crawler.extract.clean import compact
from crawler.extract.processors import normalize_text

Filled = tuple[Any, str]
# an address that is a site's root ("https://blog.example/"), also inside an archive's address
_ROOT_URL = re.compile(r"(?:^|https?://[^/?#]+)/?$")
_HIDDEN_CLASSES = ("screen-reader", "sr-only", "visually-hidden", "visuallyhidden")


def text_of_node(node: Selector) -> str | None:
    """An element's visible text as the page shows it (``<br>`` as a space)."""
    parts = node.xpath(".//text()[not(ancestor::script) and not(ancestor::style)] | .//br")
    return normalize_text("".join(p.root if isinstance(p.root, str) else " " for p in parts))



def choose_title(headings: list[str], candidates: list[Filled], raw: list[str]) -> Filled | None:
    """The headline, from the page's headings and its metadata titles.

    A metadata title a heading agrees with wins (metadata has the cleaner
    punctuation), unless it is a truncated form of the heading; then a heading
    that the raw page title contains (``Site | Headline``); then the metadata
    titles in order of trust.

    >>> choose_title(["Storm hits coast"], [("Storm: hits coast", "json-ld")], [])
    ('Storm: hits coast', 'json-ld')
    >>> choose_title(["Menu", "Storm hits coast"], [("Ledger", "heuristic")],
    ...              ["Ledger | Storm hits coast"])
    ('Storm hits coast', 'heuristic')
    >>> choose_title(["Storm hits the coast hard"], [("Storm hits the...", "json-ld")], [])
    ('Storm hits the coast hard', 'heuristic')
    """
    for heading in headings:
        for value, source in candidates:
            if compact(value) == compact(heading):
                return value, source
            if truncates(value, heading):
                return heading, "heuristic"
    for heading in headings:
        if len(heading.split()) >= 2 and any(compact(heading) in compact(t) for t in raw):
            return heading, "heuristic"
    return candidates[0] if candidates else None


def lone_heading_title(heading: str, candidates: list[Filled]) -> Filled:
    """The title of a page without article metadata that has a single ``<h1>``.

    Such pages (blogs, press rooms, company sites; a JSON-LD ``WebPage`` name is
    no article metadata, only the page title again) write their ``og:title`` and
    ``<title>`` for search engines and share cards; the one ``<h1>`` is the
    headline readers see, with its own wording and typography. A metadata title
    that ends the heading wins only when the heading prefixes it with a kicker.

    >>> lone_heading_title("Is a heat pump worth it?", [("Heat pumps: costs", "opengraph")])
    ('Is a heat pump worth it?', 'heuristic')
    >>> lone_heading_title("It’s “done”", [("It's 'done'", "opengraph")])
    ('It’s “done”', 'heuristic')
    >>> lone_heading_title("Energy Oberland: Pioneers?", [("Pioneers?", "opengraph")])
    ('Pioneers?', 'opengraph')
    """
    whole = compact(heading)
    for value, source in candidates:
        tail = compact(value)
        if tail != whole and whole.endswith(tail) and len(tail) >= len(whole) / 3:
            return value, source
    return heading, "heuristic"


def truncates(short: str, long: str) -> bool:
    """Whether ``short`` is ``long`` cut off (at least half of it).

    >>> truncates("Storm hits the…", "Storm hits the coast"), truncates("Storm", "Storm hits coast")
    (True, False)
    """
    cut, full = compact(short), compact(long)
    return len(cut) < len(full) and full.startswith(cut) and len(cut) >= len(full) / 2


def is_site_heading(node: Selector, outlets: set[str]) -> bool:
    """Whether a heading is the site's name (its masthead) or hidden, not a headline.

    >>> masthead = Selector(text='<h1><a href="https://blog.example/" rel="home">Ann</a></h1>')
    >>> is_site_heading(masthead.css("h1")[0], set())
    True
    >>> story = Selector(text='<h1><a href="https://blog.example/2024/ann">Ann</a></h1>')
    >>> is_site_heading(story.css("h1")[0], set()), is_site_heading(story.css("h1")[0], {"ANN"})
    (False, True)
    """
    text = text_of_node(node)
    if not text or compact(text) in {compact(o) for o in outlets}:
        return True
    classes = (node.attrib.get("class") or "").casefold()
    if any(name in classes for name in _HIDDEN_CLASSES):
        return True
    links = node.xpath(".//a")
    return bool(links) and all(links_home(link) for link in links) and (
        compact(" ".join(text_of_node(link) or "" for link in links)) == compact(text)
    )


def links_home(link: Selector) -> bool:
    """Whether a link goes to the site's home page.

    >>> [links_home(Selector(text=f'<a href="{href}">x</a>').css("a")[0])
    ...  for href in ("/", "https://blog.example", "https://blog.example/2024/post")]
    [True, True, False]
    """
    if "home" in (link.attrib.get("rel") or "").casefold().split():
        return True
    return bool(_ROOT_URL.search((link.attrib.get("href") or "").strip()))
