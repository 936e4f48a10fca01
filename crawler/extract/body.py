"""The article body of any page: trafilatura's main text, then our own clean-up.

trafilatura finds the main text; the processors here drop what it lets through
on news pages: the headline repeated, page furniture
(:mod:`crawler.extract.boilerplate`), captions, teasers of other stories and tag
lists (:mod:`crawler.extract.teasers`), the story given twice. When the page's
JSON-LD carries an ``articleBody`` that agrees with the page text and is at least
as complete, it is preferred: it is the publisher's own copy of the text, without
layout noise (with the standfirst the page shows above it).
"""

from __future__ import annotations

import re
from collections.abc import Container, Iterable
from dataclasses import dataclass
from typing import Any

from crawler.extract.boilerplate import SHORT_WORDS, is_boilerplate
from crawler.extract.captions import drop_captions
from crawler.extract.clean import key
from crawler.extract.processors import normalize_text
from crawler.extract.teasers import drop_inline_teasers, drop_tag_list, drop_trailing_teasers

MIN_REPEATED_RUN = 3
_STANDFIRST_PARAS = 2
_STANDFIRST_WORDS = 80
_SENTENCE_WORDS = 10
_STOPS = (".", "!", "?", "…")
MIN_BODY_WORDS = 20
_WORD = re.compile(r"\w+")
# A link written in Markdown, ``[text](https://…)``: the JSON-LD text is the CMS's source.
_MARKDOWN_LINK = re.compile(r"\]\((?:https?:)?/")
# A web address alone as a paragraph.
_BARE_URL = re.compile(r"https?://\S+", re.IGNORECASE)


@dataclass(frozen=True)
class Body:
    """A body text and the source it came from."""

    text: str
    source: str


def paragraphs(text: str) -> list[str]:
    """Split extracted text into normalised, non-empty paragraphs.

    >>> paragraphs("One\\n\\n two  \\nthree\\n")
    ['One', 'two', 'three']
    """
    return [p for p in (normalize_text(line) for line in text.splitlines()) if p]


def drop_boilerplate(
    paras: Iterable[str], title: str | None = None, pattern: re.Pattern[str] | None = None
) -> list[str]:
    """Drop boilerplate paragraphs, repeats, and a leading copy of the headline.

    >>> drop_boilerplate(["Big news", "Advertisement", "Text.", "Share on Facebook", "Text."],
    ...                  title="Big news")
    ['Text.']
    """
    kept: list[str] = []
    seen: set[str] = set()
    for para in paras:
        short = len(para.split()) <= SHORT_WORDS
        if is_boilerplate(para):
            continue
        if short and pattern is not None and pattern.fullmatch(para):
            continue
        if para in seen and short:
            continue
        seen.add(para)
        kept.append(para)
    if kept and title and key(kept[0]) == key(title):
        kept = kept[1:]
    return drop_repeated_runs(kept)


def drop_repeated_runs(paras: list[str]) -> list[str]:
    """``paras`` without a run of :data:`MIN_REPEATED_RUN` or more paragraphs that
    repeats, in the same order, paragraphs already given (the story twice over).
    A paragraph repeated alone (a recipe's ingredient, a quote) stays.

    >>> drop_repeated_runs(["a", "b", "c", "x", "a", "b", "c", "y"])
    ['a', 'b', 'c', 'x', 'y']
    >>> drop_repeated_runs(["a", "b", "x", "a", "b", "y"])
    ['a', 'b', 'x', 'a', 'b', 'y']
    """
    kept: list[str] = []
    start = 0
    while start < len(paras):
        run = repeated_run(paras, start)
        if run >= MIN_REPEATED_RUN:
            start += run
        else:
            kept.append(paras[start])
            start += 1
    return kept


def repeated_run(paras: list[str], start: int) -> int:
    """How many paragraphs from ``start`` on repeat, in order, an earlier run."""
    longest = 0
    for earlier in (i for i in range(start) if paras[i] == paras[start]):
        length = 0
        while earlier + length < start and start + length < len(paras):
            if paras[earlier + length] != paras[start + length]:
                break
            length += 1
        longest = max(longest, length)
    return longest


def word_count(text: str) -> int:
    return len(_WORD.findall(text))


def page_text(root: Any) -> str:
    """All the text of a page's ``<body>``, to check a JSON-LD text against."""
    # plain strings: lxml's default "smart" ones each know their parent, at twice the cost
    return " ".join(root.xpath("//body//text()", smart_strings=False))


def agrees(candidate: str, page_text: str) -> float:
    """Share of the candidate's words that also occur in the page text.

    >>> agrees("the cat sat", "the cat sat down")
    1.0
    """
    words = _WORD.findall(candidate.casefold())
    if not words:
        return 0.0
    vocabulary = set(_WORD.findall(page_text.casefold()))
    return sum(w in vocabulary for w in words) / len(words)


def choose_body(extracted: str | None, article_body: str | None, page_text: str) -> Body | None:
    """The better of trafilatura's text and the JSON-LD ``articleBody``.

    The JSON-LD text wins when it has at least :data:`MIN_BODY_WORDS` words,
    is neither much shorter than the extracted text (a teaser) nor much longer
    (several stories, or the text twice), nearly all its words appear on the
    page (not stale, not another article's), and it is not Markdown (a CMS's
    source, its links and layout directives written out).

    >>> story = "The council met on Monday and agreed the budget for next year " * 3
    >>> choose_body(story, story + " Extra words.", story + " Extra words.").source
    'json-ld'
    >>> choose_body(story, story * 3, story * 3).source
    'trafilatura'
    >>> choose_body(story, story + " [See](https://x.org/a).", story + " See.").source
    'trafilatura'
    """
    body = Body(extracted, "trafilatura") if extracted else None
    words = word_count(article_body or "")
    if not article_body or words < MIN_BODY_WORDS or _MARKDOWN_LINK.search(article_body):
        return body
    extracted_words = word_count(extracted or "")
    in_range = 0.8 * extracted_words <= words <= 1.5 * max(extracted_words, MIN_BODY_WORDS)
    if in_range and agrees(article_body, page_text) > 0.9:
        return Body(with_standfirst(article_body, extracted or ""), "json-ld")
    return body


def with_standfirst(article_body: str, extracted: str) -> str:
    """The JSON-LD text with the standfirst the page shows above it: the sentences
    that main-text extraction found just before the JSON-LD text's first paragraph
    (the publisher's copy often starts after them). Headings, datelines and bylines
    there are no sentences and stay out.

    >>> lead = "Thousands marched on Monday in support of the new media law, police said."
    >>> story = "The march began at noon.\\nIt ended at the parliament."
    >>> with_standfirst(story, f"Kicker\\n{lead}\\n{story}").splitlines()[0] == lead
    True
    >>> with_standfirst(story, f"Kicker\\nBy Ann Lee\\n{story}") == story
    True
    """
    ld, page = paragraphs(article_body), paragraphs(extracted)
    start = opening(ld[0], page) if ld else None
    if start is None:
        return article_body
    lead_start = start
    while lead_start > 0 and is_sentence(page[lead_start - 1]):
        lead_start -= 1
    lead = page[lead_start:start]
    if not lead or sum(len(p.split()) for p in lead) > _STANDFIRST_WORDS:
        return article_body
    return "\n".join([*lead, article_body])


def opening(first: str, page: list[str]) -> int | None:
    """Where, among the first paragraphs of ``page``, the paragraph ``first`` is
    (the same words, or one of the two cut short)."""
    wanted = key(first)
    for index, para in enumerate(page[: _STANDFIRST_PARAS + 1]):
        found = key(para)
        if wanted and found and (wanted.startswith(found) or found.startswith(wanted)):
            return index
    return None


def is_sentence(para: str) -> bool:
    """Whether a paragraph is a sentence of some length (not a heading, a byline).

    >>> is_sentence("Thousands marched on Monday in support of the new law."), is_sentence("AA")
    (True, False)
    """
    return len(para.split()) >= _SENTENCE_WORDS and para.rstrip("\"”’»)").endswith(_STOPS)


def drop_bare_urls(paras: list[str], links: Container[str]) -> list[str]:
    """``paras`` without a web address alone that is no link's text: the page's own
    address or its picture's, a microdata value shown as text (a list of links
    written out, each a link, stays).

    >>> drop_bare_urls(["https://x.org/story", "Text.", "http://y.to/1"], {"http y to 1"})
    ['Text.', 'http://y.to/1']
    """
    return [p for p in paras if not (_BARE_URL.fullmatch(p) and key(p) not in links)]


def extract_main_text(html: str, url: str | None) -> str | None:
    """trafilatura's main text for a page, paragraphs one per line; ``None`` if none."""
    import trafilatura  # heavy; loaded only when a body is needed

    document = trafilatura.bare_extraction(
        html, url=url, include_comments=False, with_metadata=False, include_tables=True
    )
    text = getattr(document, "text", None)
    return text if isinstance(text, str) and text.strip() else None


def finish(
    text: str,
    title: str | None,
    pattern: re.Pattern[str] | None = None,
    links: Container[str] = (),
    captions: Container[str] = (),
) -> str | None:
    """Clean a body text; ``None`` when too little is left to be an article.

    ``links`` are the keys of the page's link texts, to find teasers of other
    stories (:mod:`crawler.extract.teasers`); ``captions`` those of its captions
    (:func:`~crawler.extract.captions.drop_captions`).

    >>> finish("Share this article\\nToo short.", None) is None
    True
    """
    kept = drop_bare_urls(paragraphs(text), links)
    kept = drop_captions(drop_boilerplate(kept, title, pattern), captions)
    kept = drop_trailing_teasers(drop_inline_teasers(drop_tag_list(kept), links), links)
    joined = "\n\n".join(kept)
    return joined if word_count(joined) >= MIN_BODY_WORDS else None
