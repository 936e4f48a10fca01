"""Choosing a page's authors among its byline sources.

The sources are read in order of trust (JSON-LD ``author``, the author meta
tags, ``rel=author`` and other byline markup, the elements and links that say
"author", trafilatura's search). The first source that names someone is the
answer, unless it names only the outlet (its publisher, site name or host, as
many CMSs fill the author field): then a later source that names people wins,
and the outlet stays the answer when none does.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from scrapy.http import TextResponse

from crawler.extract import jsonld
from crawler.extract import metadata as meta
from crawler.extract.clean import compact, normalize_authors
from crawler.extract.titles import text_of_node

Source = tuple[list[str], str]
# the last label of a name written as a domain ("stern.de", "24horas.cl", "ndr de")
_DOMAIN_END = re.compile(r"[.\s](?:[a-z]{2}|com|net|org|info)$", re.IGNORECASE)
_NOT_IN_A_NAME = re.compile(r"[\d:/@|*#©()\[\]]")
_LATIN = re.compile(r"[A-Za-zÀ-ɏ]")
_MAX_PEOPLE = 3
# more names than this in one source is a list of other people's (references, teasers)
_MAX_BYLINE = 8
_MAX_WORDS = 5
_BYLINE_XPATH = (
    '//*[@rel="author"]',
    '//*[@itemprop="author"]//*[@itemprop="name"]',
    '//*[@itemprop="author"]',
    '//*[contains(concat(" ", normalize-space(@class), " "), " byline ")]',
)
# elements and links that say "author", not a comment's or a form's: read after the bylines
_AUTHOR_ELEMENT_XPATH = (
    '//*[contains(@class, "author")][not(self::img)]'
    '[not(ancestor-or-self::*[contains(@class, "comment")])][not(ancestor::form)]',
    '//a[contains(@href, "/author/") or contains(@href, "/autor/") or contains(@href, "/auteur/")'
    ' or contains(@href, "/autoren/") or contains(@href, "/authors/")]'
    '[not(ancestor::*[contains(@class, "comment")])]',
)
_ELEMENTS_READ = 4


def outlet_key(name: str) -> str:
    """A name's comparison key without a domain ending.

    >>> outlet_key("STERN.de"), outlet_key("NDR de"), outlet_key("Ann Lee")
    ('stern', 'ndr', 'annlee')
    """
    return compact(_DOMAIN_END.sub("", name.strip()))


def names_outlet(name: str, outlets: Iterable[str], host: str = "") -> bool:
    """Whether an author name is the outlet's: its publisher or site name, or its host.

    A person's name that is only the host is a personal site's owner, not an outlet.

    >>> names_outlet("LAOLA1.at", {"laola1"}), names_outlet("n-tv NACHRICHTEN", {"n-tv.de"})
    (True, False)
    >>> names_outlet("Ana Ruiz", {"anaruiz"}, host="anaruiz")
    False
    """
    wanted = outlet_key(name)
    for outlet in outlets:
        if outlet == host and looks_like_person(name) and len(name.split()) >= 2:
            continue
        if wanted and wanted == outlet_key(outlet):
            return True
    return False


def looks_like_person(name: str) -> bool:
    """Whether a byline text reads as a name: a few words, capitalised where the
    script has capitals (but for short particles), no digits or form and date punctuation.

    >>> [looks_like_person(n) for n in ("Ana de la Ruiz", "毎日 太郎", "published every week")]
    [True, True, False]
    >>> [looks_like_person(n) for n in ("Stand: 20. April", "Name *", "-")]
    [False, False, False]
    """
    words = name.split()
    if not words or len(words) > _MAX_WORDS or _NOT_IN_A_NAME.search(name):
        return False
    if not any(ch.isalpha() for ch in name):
        return False
    latin = [w for w in words if _LATIN.match(w)]
    if not latin:
        return True
    # "de", "la", "von", "van", "bin": a name's particles are short and lower-case
    capitalised = sum(w[0].isupper() or len(w) <= 3 for w in latin)
    return words[0][0].isupper() and capitalised >= len(latin) - 1


def people(names: list[str], outlets: Iterable[str], host: str = "") -> list[str] | None:
    """The people a later source names: at most three names that read as names, one
    of them of two words or more (or in a script without spaces), no outlet.

    >>> people(["Ana Ruiz", "Ledger"], {"Ledger"})
    ['Ana Ruiz']
    >>> people(["APA"], set()), people(["Frankfurt"], set())
    (None, None)
    """
    found = [n for n in names if not names_outlet(n, outlets, host)]
    if not found or len(found) > _MAX_PEOPLE or not all(map(looks_like_person, found)):
        return None
    if not any(len(n.split()) >= 2 or not _LATIN.search(n) for n in found):
        return None
    return found


def doubtful(source: Source, outlets: Iterable[str], host: str = "") -> bool:
    """Whether a first source's names may not be the story's authors: only the
    outlet, more names than a byline holds (a paper's reference list), or, outside
    the article's JSON-LD, a phrase that is no name ("View all posts by Ann Lee").

    >>> doubtful((["View all posts by Ann Lee"], "heuristic"), set())
    True
    >>> doubtful((["Ledger staff reporter"], "json-ld"), set())
    False
    >>> doubtful((["ann"], "meta"), set())
    False
    """
    names, kind = source
    if all(names_outlet(n, outlets, host) for n in names) or len(names) > _MAX_BYLINE:
        return True
    phrases = (n for n in names if len(n.split()) >= 2 and not looks_like_person(n))
    return kind != "json-ld" and any(phrases)


def choose_authors(
    trusted: Iterable[Source],
    fallbacks: Callable[[bool], Iterator[Source]],
    outlets: set[str],
    host: str = "",
) -> Source | None:
    """The authors, from sources in order of trust (read lazily: a page whose JSON-LD
    names its author reads nothing else).

    ``fallbacks(found_outlet)`` gives the sources read last, in the order fit for a
    page whose trusted sources named only the outlet or nobody.

    >>> choose_authors([(["Ledger"], "json-ld"), (["Ana Ruiz"], "heuristic")],
    ...                lambda _: iter([]), {"Ledger"})
    (['Ana Ruiz'], 'heuristic')
    >>> choose_authors([(["Ledger"], "json-ld")], lambda _: iter([(["APA"], "x")]), {"Ledger"})
    (['Ledger'], 'json-ld')
    """
    first: Source | None = None
    for names, source in trusted:
        if not names:
            continue
        if first is None:
            first = names, source
            if not doubtful(first, outlets, host):
                return first
        elif found := people(names, outlets, host):
            return found, source
    for names, source in fallbacks(first is not None):
        if names and first is None and source == "trafilatura":
            return names, source
        if found := people(names, outlets, host):
            return found, source
    return first


@dataclass
class Bylines:
    """A page's byline sources, each read only when :func:`choose_authors` asks for it."""

    response: TextResponse
    ld_author: Any
    tags: dict[str, list[str]]
    outlets: set[str]

    def trusted(self) -> Iterator[Source]:
        """JSON-LD, the author meta tags, then ``rel=author`` and other byline markup."""
        yield normalize_authors(jsonld.names_of(self.ld_author), self.outlets), "json-ld"
        for key in meta.AUTHOR_KEYS:
            yield normalize_authors(self.tags.get(key, []), self.outlets), meta.source_of(key)
        for xpath in _BYLINE_XPATH:
            yield self.read(xpath), "heuristic"

    def late(self, found_outlet: bool) -> Iterator[Source]:
        """Author elements and trafilatura's search: trafilatura first for a page whose
        bylines named nobody, the page's author elements first for one that named only
        its outlet (trafilatura then often finds the outlet again)."""
        if not found_outlet:
            yield self.trafilatura(), "trafilatura"
        for xpath in _AUTHOR_ELEMENT_XPATH:
            yield self.read(xpath), "heuristic"
        if found_outlet:
            yield self.trafilatura(), "trafilatura"

    def read(self, xpath: str) -> list[str]:
        nodes = self.response.selector.xpath(xpath)[:_ELEMENTS_READ]
        return normalize_authors([t for t in map(text_of_node, nodes) if t], self.outlets)

    def trafilatura(self) -> list[str]:
        return normalize_authors((trafilatura_author(self.response.text) or "").split(";"),
                                 self.outlets)  # fmt: skip


def trafilatura_author(html: str) -> str | None:
    """The author trafilatura's ``extract_metadata`` finds, without the rest of its work
    (date, site name, categories, tags, licence): its meta tags, its JSON-LD, then its
    byline search, in its order. A third less time a page; the same authors on every
    page of the evaluation sets."""
    from trafilatura.metadata import examine_meta, extract_author, extract_meta_json
    from trafilatura.utils import load_html  # heavy; only as a last resort

    tree = load_html(html)
    if tree is None:
        return None
    found = examine_meta(tree)
    if found.author and " " not in found.author:
        found.author = None  # as extract_metadata: a one-word author is no author
    try:
        found = extract_meta_json(tree, found)
    except Exception:  # boundary: extract_metadata's own guard around its JSON-LD reader
        pass
    return found.author or extract_author(tree)
