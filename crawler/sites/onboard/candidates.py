"""Candidate selectors: where on one page a value the generic extractor found could come from.

Each function looks at one parsed page and a field's generic value and returns the
declaration selectors (CSS, ``::attr(...)`` for attributes, as a ``[selectors]`` entry
holds them) that might reproduce it on every page of the site. Nothing here decides:
:mod:`crawler.sites.onboard.induce` runs each candidate through the site extractor and
keeps the one that agrees with the generic value across the sample pages.

Only stable-looking markup makes a candidate: ids, classes and ``itemprop`` /
``data-testid`` values that look hand-written (no generated hashes, no per-article
numbers), and no positions (``nth-child``).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Iterator

from lxml import html as lxml_html
from parsel import Selector

from crawler.eval.scoring import shingles, title_exact
from crawler.extract.processors import normalize_text

_IDENT = re.compile(r"^-?[A-Za-z_][A-Za-z0-9_-]*$")
_SEGMENT = re.compile(r"[-_]+")
_CAMEL_WORDS = re.compile(r"^[A-Za-z][a-z0-9]*(?:[A-Z][a-z0-9]{3,})*$")
_DIGIT_LETTER = re.compile(r"\d[A-Za-z]|[A-Za-z]\d[A-Za-z]")
# Utility classes (Tailwind, Bootstrap) and states: how an element looks or is, not what it
# is; and class names that CSS-in-JS tools generate.
_PRESENTATIONAL = re.compile(
    r"^(?:-?(?:[mp][trblxy]?|gap|space-[xy]|[wh]|min-[wh]|max-[wh]|text|bg|font|leading"
    r"|tracking|border|rounded|shadow|z|top|left|right|bottom|inset|grid-cols|col|col-span"
    r"|row-span|flex|items|justify|self|order|opacity|overflow|d|float|sm|md|lg|xl|xs)-.*"
    r"|relative|absolute|fixed|sticky|static|flex|grid|block|inline|inline-block|hidden"
    r"|container|row|clearfix|prose|truncate|italic|uppercase|lowercase|capitalize|underline"
    r"|active|selected|current|open|visible|show|fade|(?:is|has|js)-.*"
    r"|(?:sc|css|jsx|svelte|emotion)-.*)$"  # and the prefixes of generated class names
)
_NUMBERED = re.compile(r"^([A-Za-z][A-Za-z-]*[-_])\d{1,3}$")
_SEMANTIC = frozenset({"article", "main"})
_SKIPPED = frozenset({"script", "style", "noscript", "svg", "template", "head", "iframe"})
BLOCKS = frozenset(
    {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "li", "ul", "ol",
     "section", "article", "table", "figure", "header", "footer", "aside", "nav", "main",
     "form", "pre"}
)  # fmt: skip
_LEAF_TAGS = frozenset({"p", "h2", "h3", "h4", "h5", "h6", "blockquote", "li", "pre"})
_ATTRIBUTES = ("itemprop", "rel", "data-testid", "data-component", "role")
_ANCESTOR_LEVELS = 6
_TEXT_LIMIT = 400  # longer elements are not a title, byline or date
BODY_COVER = 0.6  # share of a block's shingles the generic body must hold
_DATE_HINT = re.compile(r"date|time|publish|updated|posted", re.IGNORECASE)


def stable_token(token: str) -> bool:
    """Whether a class, id or attribute value names the element's role in the template, and
    so marks the same element on every page: no per-article numbers, no generated hashes,
    no presentational utility or state classes (``mt-0``, ``relative``, ``active``).

    >>> [stable_token(t) for t in ("article-body", "headline", "storyBody", "c-article-text")]
    [True, True, True, True]
    >>> [stable_token(t) for t in ("css-1x2y3z", "sc-bdVaJa", "post-12345", "_3Hk2a", "a b")]
    [False, False, False, False, False]
    >>> [stable_token(t) for t in ("col-md-8", "mt-0", "text-24", "relative", "active", "tm77")]
    [False, False, False, False, False, False]
    >>> stable_token("sc-dHwsjl"), stable_token("jsx-logo")
    (False, False)
    """
    if not _IDENT.match(token) or len(token) > 40 or _PRESENTATIONAL.match(token):
        return False
    return not any(_hashy(segment) for segment in _SEGMENT.split(token) if segment)


def _hashy(segment: str) -> bool:
    """A name segment that a build tool or a database made, not a person: per-article
    numbers, letters and digits mixed, case mixed other than in camelCase words.

    >>> [_hashy(s) for s in ("1x2y3z", "2024", "bdVaJa", "czqpjL", "cmgBOB", "xeMdj", "GVoO1")]
    [True, True, True, True, True, True, True]
    >>> [_hashy(s) for s in ("h2", "Body", "storyBodyText", "ArticleModuleText", "col12", "BBC")]
    [False, False, False, False, False, False]
    """
    digits = sum(c.isdigit() for c in segment)
    if digits >= 3 or (len(segment) >= 4 and _DIGIT_LETTER.search(segment)):
        return True
    if digits >= 2 and len(segment) - digits <= 2:
        return True
    mixed = segment.lower() != segment and segment.upper() != segment
    return mixed and not _CAMEL_WORDS.match(segment)


def own_selectors(element: lxml_html.HtmlElement) -> list[str]:
    """The element's stable CSS descriptions, most specific first, the bare tag last.

    An attribute numbered per item (``data-testid="paragraph-3"``) is described by its
    prefix, which every item shares.

    >>> page = lxml_html.fromstring('<div><h1 id="hl" class="title post-1234">T</h1></div>')
    >>> own_selectors(page.find(".//h1"))
    ['h1#hl', 'h1.title', 'h1']
    >>> own_selectors(lxml_html.fromstring('<div data-testid="paragraph-3">T</div>'))
    ["div[data-testid^='paragraph-']", 'div']
    """
    tag = str(element.tag)
    found = []
    if (ident := element.get("id")) and stable_token(ident):
        found.append(f"{tag}#{ident}")
    for attribute in _ATTRIBUTES:
        value = element.get(attribute) or ""
        if numbered := _NUMBERED.match(value):
            found.append(f"{tag}[{attribute}^='{numbered[1]}']")
        elif value and stable_token(value):
            found.append(f"{tag}[{attribute}='{value}']")
    classes = [c for c in (element.get("class") or "").split() if stable_token(c)]
    found.extend(f"{tag}.{c}" for c in dict.fromkeys(classes[:4]))
    return [*found, tag]


def anchors(element: lxml_html.HtmlElement) -> Iterator[tuple[str, int]]:
    """Stable descriptions of the element's ancestors with a stable id, class or
    attribute, or an ``<article>`` or ``<main>`` of any name, with how many levels up each
    is (``body`` and ``html`` are no anchor)."""
    parent = element.getparent()
    for level in range(1, _ANCESTOR_LEVELS + 1):
        if parent is None or parent.tag in ("body", "html"):
            return
        described = own_selectors(parent)
        for description in described[:-1][:2]:
            yield description, level
        if parent.tag in _SEMANTIC:
            yield described[-1], level
        parent = parent.getparent()


def in_context(element: lxml_html.HtmlElement, suffix: str = "") -> list[str]:
    """The element's own descriptions, then each under its nearest anchor (``suffix`` such
    as ``::attr(datetime)`` appended to every one)."""
    own = own_selectors(element)
    found = list(own)
    for anchor, _level in list(anchors(element))[:2]:
        found.extend(f"{anchor} {mine}" for mine in own[:1] + own[-1:])
    return [f"{s}{suffix}" for s in dict.fromkeys(found)]


def page_elements(selector: Selector) -> Iterator[lxml_html.HtmlElement]:
    """Every element of the page's ``<body>`` outside scripts, styles and the like."""
    root = selector.root
    for element in root.iter():
        if not isinstance(element.tag, str) or element.tag in _SKIPPED:
            continue
        if any(a.tag in _SKIPPED for a in element.iterancestors()):
            continue
        yield element


def text_of(element: lxml_html.HtmlElement) -> str:
    """An element's visible text, whitespace collapsed ('' for none)."""
    parts = element.xpath(".//text()[not(ancestor::script) and not(ancestor::style)]")
    return normalize_text(" ".join(str(p) for p in parts)) or ""


def meta_candidates(selector: Selector, keys: Collection[str]) -> list[tuple[str, str]]:
    """``(selector, content)`` of every ``<meta>`` whose property, name or itemprop is one
    of ``keys`` (lowercase): the tags the metadata conventions give a field.

    >>> page = Selector(text='<meta property="og:title" content="A"><meta name="x" content="B">')
    >>> meta_candidates(page, ("og:title", "title"))
    [("meta[property='og:title']::attr(content)", 'A')]
    """
    found = []
    for node in selector.xpath("//meta[@content]"):
        for attribute in ("property", "name", "itemprop"):
            key = node.attrib.get(attribute) or ""
            if key.lower() in keys and "'" not in key and "\\" not in key:
                found.append((f"meta[{attribute}='{key}']::attr(content)", node.attrib["content"]))
                break
    return found


def text_candidates(selector: Selector, value: str) -> list[str]:
    """Selectors of elements whose visible text is exactly ``value`` (a title, lead, section).

    >>> page = Selector(text='<body><div class="top"><h1 class="hed">A  day</h1></div></body>')
    >>> text_candidates(page, "A day")
    ['h1.hed', 'h1', 'div.top h1.hed', 'div.top h1']
    """
    found: list[str] = []
    for element in page_elements(selector):
        if len(element.text_content()) > 4 * len(value) + 200:
            continue
        if title_exact(value, text_of(element)) and not _child_with_same_text(element, value):
            found.extend(in_context(element))
    return list(dict.fromkeys(found))


def _child_with_same_text(element: lxml_html.HtmlElement, value: str) -> bool:
    children = (child for child in element if isinstance(child.tag, str))
    return any(title_exact(value, text_of(child)) for child in children)


def author_candidates(selector: Selector, names: list[str]) -> list[str]:
    """Selectors of the smallest elements whose text holds one of the author ``names``, and of
    their parent (a byline holding every name).

    >>> page = Selector(text='<body><p class="byline">By <a rel="author">Ann Lee</a></p></body>')
    >>> author_candidates(page, ["Ann Lee"])
    ["a[rel='author']", 'a', "p.byline a[rel='author']", 'p.byline a', 'p.byline', 'p']
    """
    lowered = [n.casefold() for n in names if n]
    found: list[str] = []
    for element in page_elements(selector):
        text = text_of(element).casefold()
        if not text or len(text) > _TEXT_LIMIT or not any(n in text for n in lowered):
            continue
        if any(_names_in(child, lowered) for child in element if isinstance(child.tag, str)):
            continue
        found.extend(in_context(element))
        if (parent := element.getparent()) is not None and len(text_of(parent)) <= _TEXT_LIMIT:
            found.extend(own_selectors(parent))
    return list(dict.fromkeys(found))


def _names_in(element: lxml_html.HtmlElement, lowered: list[str]) -> bool:
    text = text_of(element).casefold()
    return any(name in text for name in lowered)


def date_candidates(selector: Selector) -> list[str]:
    """Selectors of dates written in markup: ``datetime`` and ``content`` attributes, and the
    text of short elements whose tag, class or id speaks of a date.

    >>> page = Selector(text='<time class="pub" datetime="2024-01-02">Jan 2, 2024</time>')
    >>> date_candidates(page)[:3]
    ['time.pub::attr(datetime)', 'time::attr(datetime)', 'time.pub']
    """
    found: list[str] = []
    for element in page_elements(selector):
        for attribute in ("datetime", "content"):
            if element.get(attribute) and element.tag != "meta":
                found.extend(in_context(element, f"::attr({attribute})"))
        hint = f"{element.tag} {element.get('class', '')} {element.get('id', '')}"
        text = text_of(element)
        if _DATE_HINT.search(hint) and 6 <= len(text) <= 60 and any(c.isdigit() for c in text):
            found.extend(in_context(element))
    return list(dict.fromkeys(found))


def body_blocks(selector: Selector, body: str) -> list[tuple[lxml_html.HtmlElement, int]]:
    """The page's leaf blocks (no block element inside) whose text the generic ``body``
    holds, with their number of shingles."""
    held = set(shingles(body))
    found = []
    for element in page_elements(selector):
        if element.tag not in BLOCKS or any(d.tag in BLOCKS for d in element.iterdescendants()):
            continue
        bag = shingles(text_of(element))
        size = sum(bag.values())
        if size and sum(n for s, n in bag.items() if s in held) >= BODY_COVER * size:
            found.append((element, size))
    return found


def _leaf(element: lxml_html.HtmlElement) -> str | None:
    """How a body block is named under its container: its tag, or a ``div`` by a class."""
    if element.tag in _LEAF_TAGS:
        return str(element.tag)
    described = own_selectors(element)
    return described[0] if len(described) > 1 else None


def body_candidates(selector: Selector, body: str) -> list[str]:
    """Body selectors: the containers whose blocks cover the generic ``body``, as
    ``container > p, container > h2`` (one match per paragraph), by descendant when the
    blocks are deeper, and the blocks' own shared class.

    >>> page = Selector(text='<body><div class="story"><p>One two three four.</p>'
    ...                      '<h2>Five six seven eight</h2></div><p>Menu</p></body>')
    >>> body_candidates(page, "One two three four.\\n\\nFive six seven eight")[:2]
    ['div.story > p, div.story > h2', 'div.story > p']
    """
    blocks = body_blocks(selector, body)
    total = sum(size for _, size in blocks)
    cover: Counter[str] = Counter()
    leaves: dict[str, Counter[tuple[str, bool]]] = {}
    for element, size in blocks:
        named = _leaf(element)
        for anchor, level in anchors(element):
            # an unnamed block only as a child: a descendant ``div`` would match its parents
            if (leaf := named or (str(element.tag) if level == 1 else None)) is not None:
                cover[anchor] += size
                leaves.setdefault(anchor, Counter())[(leaf, level == 1)] += size
    found: list[str] = []
    for anchor, covered in cover.most_common(6):
        if covered >= 0.5 * total:
            found.extend(_container_selectors(anchor, leaves[anchor]))
    found.extend(_class_selectors(blocks))
    refined = [r for r in (without_strays(selector, c, body) for c in found) if r]
    return list(dict.fromkeys(refined + found))


def without_strays(selector: Selector, candidate: str, body: str) -> str | None:
    """``candidate`` with ``:not(.class)`` for the matches the generic ``body`` does not
    hold (a share line, a "read also" box among the paragraphs), or ``None`` when it has
    none or one cannot be told apart by a stable class.

    >>> page = Selector(text='<article><p>One two three four five.</p>'
    ...                      '<p class="tools">Share: email | print</p></article>')
    >>> without_strays(page, "article > p", "One two three four five.")
    'article > p:not(.tools)'
    """
    held = set(shingles(body))
    parts = []
    for part in (p.strip() for p in candidate.split(",")):
        strays: set[str] = set()
        for node in selector.css(part):
            bag = shingles(text_of(node.root))
            size = sum(bag.values())
            if size and sum(n for s, n in bag.items() if s in held) < BODY_COVER * size:
                named = [c for c in (node.root.get("class") or "").split() if stable_token(c)]
                if not named:
                    return None
                strays.add(named[0])
        parts.append(part + "".join(f":not(.{name})" for name in sorted(strays)))
    refined = ", ".join(parts)
    return refined if refined != ", ".join(p.strip() for p in candidate.split(",")) else None


def _container_selectors(anchor: str, leaves: Counter[tuple[str, bool]]) -> list[str]:
    """``anchor > leaf, ...`` for the leaves directly inside, ``anchor leaf, ...`` for all,
    each also with the main leaf alone."""
    direct = [leaf for (leaf, child), _ in leaves.most_common() if child]
    every = list(dict.fromkeys(leaf for (leaf, _), _ in leaves.most_common()))
    found = []
    if direct:
        found += [", ".join(f"{anchor} > {leaf}" for leaf in direct), f"{anchor} > {direct[0]}"]
    found += [", ".join(f"{anchor} {leaf}" for leaf in every), f"{anchor} {every[0]}"]
    return found


def _class_selectors(blocks: list[tuple[lxml_html.HtmlElement, int]]) -> list[str]:
    """The stable ``tag.class`` (or attribute) descriptions that most body blocks share."""
    shared: Counter[str] = Counter()
    for element, size in blocks:
        for description in own_selectors(element)[:-1]:
            shared[description] += size
    total = sum(size for _, size in blocks)
    return [d for d, covered in shared.most_common(3) if covered >= 0.5 * total]
