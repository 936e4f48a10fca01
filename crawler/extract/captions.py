"""Captions and photo credits that main-text extraction keeps as paragraphs.

A paragraph that is word for word the text of one of the page's captions
(``<figcaption>``, or an element whose class names a caption) describes a
picture, not the story: :func:`drop_captions` removes it.
"""

from __future__ import annotations

from collections.abc import Container

from crawler.extract.clean import key
from crawler.extract.teasers import NodeTexts


class CaptionTexts(NodeTexts):
    """A page's caption texts.

    >>> from parsel import Selector
    >>> html = '<figcaption>Ferry at dawn</figcaption><p class="photo-caption">X</p>'
    >>> captions = CaptionTexts(Selector(text=html))
    >>> "ferry at dawn" in captions, "x" in captions
    (True, True)
    """

    xpath = "//figcaption | //*[contains(@class, 'caption')][not(.//p)]"


def drop_captions(paras: list[str], captions: Container[str]) -> list[str]:
    """``paras`` without the captions of the page's pictures; the first paragraph is kept.

    >>> drop_captions(["Storm hits.", "Ferry at dawn", "It rained."], {"ferry at dawn"})
    ['Storm hits.', 'It rained.']
    """
    return paras[:1] + [p for p in paras[1:] if key(p) not in captions]
