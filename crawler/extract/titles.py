"""Choosing a page's title among its headings and its metadata titles.

The metadata titles (JSON-LD headline, ``og:title`` and the like, ``<title>``)
lose a site-name affix first; the headings are the page's visible ``<h1>`` and
``<h2>`` texts, without the site's own name: a heading that only links to the
site's home page (a blog's masthead) or is hidden for screen readers is no
headline.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from parsel import Selector

from crawler.extract.clean import compact, title_parts
from crawler.extract.processors import normalize_text

Filled = tuple[Any, str]
# an address that is a site's root ("https://blog.example/"), also inside an archive's address
_ROOT_URL = re.compile(r"(?:^|https?://[^/?#]+)/?$")
# how far down a heading's single child is followed to find its parts (<h1><a><span>..)
_PART_LEVELS = 3
# what a title writes between a kicker and its headline
_SEPARATOR_CHARS = " :-–—|·•"
_HIDDEN_CLASSES = (
    "screen-reader",
    "sr-only",
    "visually-hidden",
    "visuallyhidden",
    "element-invisible",
)
# text inside the element that is not hidden: scripts, styles, text for screen readers only
_SHOWN = " and ".join(
    ["not(ancestor::script)", "not(ancestor::style)"]
    + [f'not(ancestor::*[contains(@class, "{name}")])' for name in _HIDDEN_CLASSES]
)
_VISIBLE_XPATH = f".//text()[{_SHOWN}] | .//br"
_NAVIGATION_XPATH = (
    'boolean(ancestor::nav or ancestor::li or ancestor-or-self::*[contains(@class, "breadcrumb")])'
)
_TEXT_XPATH = ".//text()[not(ancestor::script) and not(ancestor::style)] | .//br"
_HAS_HIDDEN = ".//*[{}]".format(
    " or ".join(f'contains(@class, "{name}")' for name in _HIDDEN_CLASSES)
)


def text_of_node(node: Selector) -> str | None:
    """An element's visible text as the page shows it (``<br>`` as a space).

    Text for screen readers only is left out (``<span class="element-invisible">``).

    >>> text_of_node(Selector(text='<h1>Storm<br>hits <span class="sr-only">| Ledger</span></h1>'
    ...                       ).css("h1")[0])
    'Storm hits'
    """
    parts = node.xpath(_VISIBLE_XPATH if node.xpath(_HAS_HIDDEN) else _TEXT_XPATH)
    return normalize_text("".join(p.root if isinstance(p.root, str) else " " for p in parts))



@dataclass
class Heading:
    """A heading's visible text and, when it has several, the texts of its parts.

    The parts are the texts of its children (``<h1><span>Kicker</span> Headline
    <small>Subtitle</small></h1>``), one level down as long as a single child
    holds all of its text (a heading that is one link).
    """

    text: str
    given_parts: tuple[str, ...] = ()
    node: Selector | None = field(default=None, compare=False)

    @classmethod
    def of(cls, node: Selector) -> Heading | None:
        """The heading of an element, ``None`` when it shows no text."""
        text = text_of_node(node)
        return cls(text, node=node) if text else None

    @cached_property
    def parts(self) -> tuple[str, ...]:
        """Read from the element only when asked (most pages never ask)."""
        return parts_of(self.node) if self.node is not None else self.given_parts

    def without_a_part(self, title: str) -> bool:
        """Whether ``title`` is this heading without one of its parts (a kicker, a subtitle).

        >>> heading = Heading("Pricing Storm hits coast", ("Pricing", "Storm hits coast"))
        >>> heading.without_a_part("Storm hits coast"), heading.without_a_part("Storm hits")
        (True, False)
        """
        wanted = compact(title)
        whole = compact(self.text)
        for part in self.parts:
            cut = compact(part)
            if wanted == cut or (whole.startswith(cut) and whole[len(cut) :] == wanted):
                return True
            if whole.endswith(cut) and whole[: len(whole) - len(cut)] == wanted:
                return True
        return False


def parts_of(node: Selector) -> tuple[str, ...]:
    """The texts of an element's children, where more than one child shows text.

    >>> parts_of(Selector(text="<h1><a><span>Kicker</span> Headline</a></h1>").css("h1")[0])
    ('Kicker', 'Headline')
    >>> parts_of(Selector(text="<h1>Headline</h1>").css("h1")[0])
    ()
    """
    for _ in range(_PART_LEVELS):
        texts, elements = [], []
        for child in node.xpath("./text() | ./*[not(self::script) and not(self::style)]"):
            if isinstance(child.root, str):
                text = normalize_text(child.root)
            else:
                text = text_of_node(child)
                elements.append(child)
            if text:
                texts.append(text)
        if len(texts) > 1:
            return tuple(texts)
        if len(elements) != 1:
            return ()
        node = elements[0]
    return ()


def choose_title(
    headings: list[Heading], candidates: list[Filled], raw: list[str]
) -> Filled | None:
    """The headline, from the page's headings and its metadata titles.

    A metadata title a heading agrees with wins (metadata has the cleaner
    punctuation, unless one of them is written as the heading is); so does a
    metadata title that is the heading without one of its parts (a kicker or a
    subtitle element). A heading wins over a truncated form of itself, and then
    a heading that the raw page title contains (``Site | Headline``); else the
    metadata titles in order of trust.

    >>> choose_title([Heading("Storm hits coast")], [("Storm: hits coast", "json-ld")], [])
    ('Storm: hits coast', 'json-ld')
    >>> choose_title([Heading("Menu"), Heading("Storm hits coast")], [("Ledger", "heuristic")],
    ...              ["Ledger | Storm hits coast"])
    ('Storm hits coast', 'heuristic')
    >>> choose_title([Heading("Storm hits the coast hard")],
    ...              [("Storm hits the...", "json-ld")], [])
    ('Storm hits the coast hard', 'heuristic')
    >>> choose_title([Heading("Storm hits coast Why it matters", ("Storm hits coast",
    ...               "Why it matters"))], [("Storm hits coast", "json-ld")], [])
    ('Storm hits coast', 'json-ld')
    """
    for heading in headings:
        if found := agreeing_title(heading, candidates):
            return found
    for heading in headings:
        if any(names_page(heading.text, title) for title in raw):
            return heading.text, "heuristic"
    return candidates[0] if candidates else None


def names_page(heading: str, page_title: str) -> bool:
    """Whether a raw page title holds a heading: a headline of two words or more
    anywhere in it, or any heading as its first part before a separator.

    >>> names_page("Storm hits coast", "Ledger | Storm hits coast")
    True
    >>> names_page("Kassel/Meetup", "Kassel/Meetup – Wiki"), names_page("News", "A News")
    (True, False)
    """
    if len(heading.split()) >= 2 and compact(heading) in compact(page_title):
        return True
    first = title_parts(page_title)[0]
    return first != page_title and compact(first) == compact(heading)


def agreeing_title(heading: Heading, candidates: list[Filled]) -> Filled | None:
    """The metadata title that agrees with a heading, or the heading that a metadata title cuts.

    The article's JSON-LD headline is its CMS's own field and keeps its
    typography; of the titles written for share cards and search engines, the
    one written as the heading is wins.

    >>> agreeing_title(Heading("It’s on"), [("It's on", "opengraph"), ("It’s on", "heuristic")])
    ('It’s on', 'heuristic')
    >>> agreeing_title(Heading("It’s on"), [("It's on", "json-ld"), ("It’s on", "heuristic")])
    ("It's on", 'json-ld')
    """
    agreeing = [c for c in candidates if compact(c[0]) == compact(heading.text)]
    if agreeing and agreeing[0][1] != "json-ld":
        return next((c for c in agreeing if c[0] == heading.text), agreeing[0])
    if agreeing:
        return agreeing[0]
    for value, source in candidates:
        if heading.without_a_part(value):
            return value, source
        if truncates(value, heading.text):
            return heading.text, "heuristic"
    return None


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


def headline_part(heading: Heading, candidates: list[Filled]) -> str | None:
    """The headline of a heading shown as a kicker element and the headline with no
    punctuation between them, when a metadata title writes the two apart
    (``Kicker: Headline``, ``Headline - Kicker``): the page sets the kicker off as a
    label, not as words of its title. A heading that writes ``Kicker: Headline``
    itself keeps its kicker.

    >>> heading = Heading("Leak Rheinmetall data hacked", ("Leak", "Rheinmetall data hacked"))
    >>> headline_part(heading, [("Rheinmetall data hacked - Leak", "opengraph")])
    'Rheinmetall data hacked'
    >>> headline_part(Heading("Leak: Data hacked", ("Leak:", "Data hacked")),
    ...               [("Leak: Data hacked", "opengraph")]) is None
    True
    """
    if len(heading.parts) != 2 or any(value == heading.text for value, _ in candidates):
        return None
    kicker, headline = heading.parts
    if len(kicker) >= len(headline) or kicker[-1] in _SEPARATOR_CHARS:
        return None
    for value, _ in candidates:
        if value.startswith(kicker) and value[len(kicker) :].lstrip(_SEPARATOR_CHARS) == headline:
            return headline
        if value.endswith(kicker) and value[: -len(kicker)].rstrip(_SEPARATOR_CHARS) == headline:
            return headline
    return None


def agrees(text: str, candidates: list[Filled]) -> bool:
    """Whether a metadata title is the text, in other spacing or punctuation."""
    return any(compact(value) == compact(text) for value, _ in candidates)


def shared_heading(headings: list[Heading], candidates: list[Filled]) -> Filled | None:
    """The title shared by a share-card title and a visible heading.

    On a page without article metadata, a lone ``<h1>`` that no metadata title
    agrees with may be a topic or a section name; a share-card title
    (``og:title`` and the like; the ``<title>`` is left out, as it often just
    repeats the topic) written word for word as another heading is the headline.

    >>> shared_heading([Heading("Pensions"), Heading("Save with your employer")],
    ...                [("Save with your employer", "opengraph"), ("Pensions", "heuristic")])
    ('Save with your employer', 'opengraph')
    """
    for heading in headings:
        for value, source in candidates:
            if source != "heuristic" and compact(value) == compact(heading.text):
                return value, source
    return None


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


def story_heading(headings: list[Heading], candidates: list[Filled]) -> Filled | None:
    """The JSON-LD headline, when the page's first heading sits in its navigation and
    another heading is the headline word for word.

    A headline in a breadcrumb trail repeats the title written for search engines
    (and the share-card titles agree with it); the story shows its own heading
    elsewhere, and the CMS's headline field is that one.

    >>> crumb = Selector(text="<nav><li><h1>Storm: ten things</h1></li></nav>").css("h1")[0]
    >>> headings = [Heading("Storm: ten things", node=crumb), Heading("Ferry slip to reopen")]
    >>> story_heading(headings, [("Ferry slip to reopen", "json-ld"), ("Storm: ten things",
    ...               "opengraph")])
    ('Ferry slip to reopen', 'json-ld')
    """
    first = headings[0].node if headings else None
    if first is None or not candidates or candidates[0][1] != "json-ld":
        return None
    if any(heading.text == candidates[0][0] for heading in headings[1:]) and in_navigation(first):
        return candidates[0]
    return None


def in_navigation(node: Selector) -> bool:
    """Whether a heading sits in the page's navigation (a breadcrumb trail, a list of links).

    >>> page = Selector(text="<nav><ol><li><h1>Storm hits coast</h1></li></ol></nav><h2>Storm</h2>")
    >>> in_navigation(page.css("h1")[0]), in_navigation(page.css("h2")[0])
    (True, False)
    """
    return node.xpath(_NAVIGATION_XPATH).get() == "1"


def links_home(link: Selector) -> bool:
    """Whether a link goes to the site's home page.

    >>> [links_home(Selector(text=f'<a href="{href}">x</a>').css("a")[0])
    ...  for href in ("/", "https://blog.example", "https://blog.example/2024/post")]
    [True, True, False]
    """
    if "home" in (link.attrib.get("rel") or "").casefold().split():
        return True
    return bool(_ROOT_URL.search((link.attrib.get("href") or "").strip()))
