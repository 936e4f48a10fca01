"""Blocks of teasers after the story: "Related", "More stories", "You may also like".

Main-text extraction keeps, now and then, what a page appends after the story:
the titles of other stories, each a link, often under a heading of their own.
:func:`drop_trailing_teasers` removes such a block from the end of a body's
paragraphs. A teaser is a paragraph that is the whole text of one of the page's
links (:class:`LinkTexts`); the block is cut when a related-stories heading
introduces it, or when it has :data:`MIN_BARE_TEASERS` teasers in a row; never
when that would remove half of the words. :func:`drop_inline_teasers` cuts those
set between the story's paragraphs, alone or under a related-stories heading.
"""

from __future__ import annotations

import re
from collections.abc import Container
from functools import cached_property

from parsel import Selector

from crawler.extract.clean import key

_RELATED_LABELS = (
    r"related(?: (?:articles?|stories|posts|content|news|coverage|reading|links|topics))?"
    r"|more (?:stories|news|articles|posts|headlines|coverage|to read"
    r"|from [\w .'’&-]+|on this(?: story| topic)?)"
    r"|you (?:may|might) also (?:like|enjoy|be interested in)"
    r"|recommended(?: for you| stories| reading)?|read (?:more|next|also)|also read"
    r"|see also|further reading|top stories|latest (?:news|stories)|other stories"
    r"|most (?:read|popular|viewed|shared)|trending(?: now)?|don['’]?t miss|editor['’]?s picks"
    r"|popular (?:posts|stories|articles)|what to read next|editors?['’]? recommendations"
    # de, fr, es, it, pt, nl, no/sv/da, pl
    r"|(?:das(?: thema)? )?könnte (?:sie|dich) auch interessieren|mehr zum thema|lesen sie auch"
    r"|mehr themen|zum weiterlesen"
    r"|auch interessant|weitere (?:artikel|beiträge|nachrichten|meldungen)"
    r"|meistgelesen(?:e artikel)?|empfehlungen|weitere themen"
    r"|top[- ]themen(?: (?:bei|auf) [\w .'’&-]+)?|mehr zum thema (?:auf|bei|von) [\w .'’&-]+"
    r"|à lire aussi|lire aussi|sur le même sujet|les plus lus|vous aimerez aussi|à voir aussi"
    r"|te puede interesar|lee también|noticias relacionadas|lo más leído|relacionad[oa]s"
    r"|notas relacionadas|contenido relacionado|más sobre [\w .'’&-]+"
    r"|leggi anche|potrebbe interessarti|articoli correlati|i più letti"
    r"|leia também|veja também|mais lidas|notícias relacionadas"
    r"|lees ook|meer nieuws|gerelateerde artikelen|les også|läs också|læs også|mest lest|mest läst"
    r"|czytaj (?:też|także)|przeczytaj (?:też|także)|zobacz (?:też|także)"
)
RELATED_HEADING = re.compile(rf"\s*(?:{_RELATED_LABELS})\s*[:.!…]?\s*", re.IGNORECASE)
# A teaser given inline, its label first: "Read more: Storm hits coast", "Also on site.com …".
LABELLED_TEASER = re.compile(
    rf"\s*(?:{_RELATED_LABELS}|also on [\w.-]+|puedes ver|mira|ver también|dowiedz się więcej)"
    r"[\s:»>|–—-]+(?P<teaser>[\w¿¡\"“„«'‘].*)",
    re.IGNORECASE,
)
# A list of the story's tags or topics, its label first ("Tags: a, b", "Tags a, b", "Tags").
TAG_LABEL = re.compile(
    r"\s*(?:tags?|tagged|schlagw(?:ö|oe)rter|schlagworte|stichw(?:ö|oe)rter|themen|etiquetas|temas"
    r"|tópicos|mots[- ]clés|parole chiave|tagi|palavras[- ]chave|trefwoorden)"
    r"(?:\s*:.*|\s+[^.!?]+,[^.!?]+)?\s*",
    re.IGNORECASE,
)
MAX_TAGS_SHARE = 0.3
MIN_BARE_TEASERS = 2
# A teaser's trailing marker of what it links to: "Storm hits coast [VIDEO]".
_MARKER = re.compile(r"\s*\[\w+\]?\W*$")
MIN_CAPITAL_TEASER_WORDS = 4
_MAX_TEASER_WORDS = 30
_MAX_LINKS = 2000
_WORD = re.compile(r"\w+")


class NodeTexts:
    """The comparison keys (:func:`~crawler.extract.clean.key`) of the texts of a page's
    elements that ``xpath`` selects, read on the first question (most bodies never ask).

    >>> page = Selector(text="<figcaption>The <b>slip</b></figcaption>")
    >>> "the slip" in NodeTexts(page, "//figcaption"), "" in NodeTexts(page, "//figcaption")
    (True, False)
    """

    xpath = ""

    def __init__(self, selector: Selector, xpath: str | None = None) -> None:
        self.selector = selector
        self.xpath = xpath or self.xpath

    @cached_property
    def keys(self) -> set[str]:
        # lxml's own elements: a parsel Selector for each of a page's links costs more
        nodes = self.selector.root.xpath(self.xpath)[:_MAX_LINKS]
        return {k for k in (key(node.text_content()) for node in nodes) if k}

    def __contains__(self, text: object) -> bool:
        return text in self.keys


class LinkTexts(NodeTexts):
    """A page's link texts.

    >>> links = LinkTexts(Selector(text='<a href="/a">Storm <b>hits</b></a><a href="/b"> </a>'))
    >>> "storm hits" in links, "" in links
    (True, False)
    """

    xpath = "//body//a[@href]"


def drop_trailing_teasers(paras: list[str], links: Container[str]) -> list[str]:
    """``paras`` without a block of teasers at the end.

    >>> story = ["The council met on Monday evening.", "It agreed the budget for next year."]
    >>> links = {"bridge to close", "ferry returns", "tide tables change"}
    >>> drop_trailing_teasers(story + ["Related stories", "Bridge to close"], links) == story
    True
    >>> drop_trailing_teasers(story + ["Bridge to close", "Ferry returns"], links) == story
    True
    >>> len(drop_trailing_teasers(story + ["Bridge to close"], links))
    3
    """
    start = len(paras)
    while start > 1 and is_teaser(paras[start - 1], links):
        start -= 1
    teasers = len(paras) - start
    if start > 1 and RELATED_HEADING.fullmatch(paras[start - 1]):
        start -= 1
    elif teasers < MIN_BARE_TEASERS:
        return paras
    return paras[:start] if words(paras[:start]) >= words(paras) / 2 else paras


def drop_inline_teasers(paras: list[str], links: Container[str]) -> list[str]:
    """``paras`` without teasers of other stories set between the story's paragraphs:
    a link's whole text after a related-stories label ("Read more: …"), or a link's
    whole text in capitals, or a related-stories heading and the teasers under it.
    The first paragraph is never one.

    >>> links = {"bridge to close", "ferry returns for the winter"}
    >>> drop_inline_teasers(["Storm hits.", "Read more: Bridge to close", "It rained."], links)
    ['Storm hits.', 'It rained.']
    >>> drop_inline_teasers(["Storm hits.", "FERRY RETURNS FOR THE WINTER", "It rained."], links)
    ['Storm hits.', 'It rained.']
    >>> drop_inline_teasers(["Storm hits.", "Ferry returns for the winter"], links)
    ['Storm hits.', 'Ferry returns for the winter']
    >>> drop_inline_teasers(["Storm hits.", "Don't miss", "Bridge to close", "It rained."], links)
    ['Storm hits.', 'It rained.']
    """
    kept = paras[:1]
    index = 1
    while index < len(paras):
        if end := related_block_end(paras, index, links):
            index = end
            continue
        kept += [] if is_inline_teaser(paras[index], links) else [paras[index]]
        index += 1
    return kept


def related_block_end(paras: list[str], start: int, links: Container[str]) -> int:
    """Where a block of teasers under a related-stories heading at ``start`` ends
    (0 when there is no such block): the story goes on after it.

    >>> paras = ["Storm hits.", "Related:", "- Bridge to close [VIDEO]", "It rained."]
    >>> related_block_end(paras, 1, {"bridge to close"}), related_block_end(paras, 3, set())
    (3, 0)
    """
    if not RELATED_HEADING.fullmatch(paras[start]):
        return 0
    end = start + 1
    while end < len(paras) and is_teaser(_MARKER.sub("", paras[end]), links):
        end += 1
    return end if end > start + 1 else 0


def is_inline_teaser(para: str, links: Container[str]) -> bool:
    if (found := LABELLED_TEASER.fullmatch(para)) and (
        is_teaser(found["teaser"], links) or is_teaser(para, links)  # the label in the link
    ):
        return True
    return in_capitals(para) and is_teaser(para, links)


def in_capitals(para: str) -> bool:
    """Whether a paragraph of a few words or more is written in capitals only.

    >>> in_capitals("SEAN SPICER LEAVES THE SHOW"), in_capitals("NATO meets in Riga")
    (True, False)
    """
    return para.isupper() and len(_WORD.findall(para)) >= MIN_CAPITAL_TEASER_WORDS


def drop_tag_list(paras: list[str]) -> list[str]:
    """``paras`` without a list of tags at the end: from a tags label on, when that
    is at most :data:`MAX_TAGS_SHARE` of the words (what follows is comment rules,
    share prompts).

    >>> story = ["The council met on Monday evening to agree the budget.", "It did."]
    >>> drop_tag_list(story + ["Tags", "council, budget"]) == story
    True
    >>> drop_tag_list(story + ["Tags: council"]) == story
    True
    >>> drop_tag_list(story + ["Tags of birds are rings."]) == story
    False
    """
    limit = MAX_TAGS_SHARE * words(paras)
    cut, tail = len(paras), 0
    for index in range(len(paras) - 1, 0, -1):
        tail += len(paras[index].split())
        if tail > limit:
            break
        if TAG_LABEL.fullmatch(paras[index]):
            cut = index
    return paras[:cut]


def words(paras: list[str]) -> int:
    return sum(len(p.split()) for p in paras)


def is_teaser(para: str, links: Container[str]) -> bool:
    """Whether a paragraph is the whole text of one of the page's links, and short."""
    return len(para.split()) <= _MAX_TEASER_WORDS and key(para) in links
