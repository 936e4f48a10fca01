"""Selector induction: the declaration selectors that reproduce the generic extractor.

:func:`induce` takes a site's sample article pages and, field by field (:data:`FIELDS`):

1. extracts every page generically (:mod:`crawler.extract.generic`): that value is the
   target;
2. collects candidate selectors from each page (:mod:`crawler.sites.onboard.candidates`:
   the meta tags that hold the field, headings and other elements with stable ids or
   classes, ``datetime`` attributes, bylines, the body's container as
   ``div.x > p, div.x > h2``);
3. runs every candidate through the site extractor's selector step
   (:meth:`crawler.extract.site.SiteExtractor.declared`, so with the loader's
   processors, as a crawl would) on every page and notes where it agrees with the
   generic value (:mod:`crawler.sites.onboard.agreement`: title, lead and section exact,
   dates the same day, authors the same names, body 4-gram F1 >= 0.95);
4. picks the candidate that agrees on the most pages (fewest disagreements counted
   against it; ties go to the stabler kind of selector, :func:`cost`), then, for pages it
   leaves empty (another template), the best candidate there: a chain of up to
   :data:`MAX_CHAIN`, tried in turn as a declaration's list is;
5. validates the picking on held-out pages: each page in turn is left out, a chain is
   picked from the other pages' candidates and agreements alone and checked on the page
   left out. A field keeps its chain when it held on at least :data:`KEEP_SHARE` of those
   pages; otherwise it stays with the generic extractor, with a one-line reason.

Authors and dates that every sample page has in its JSON-LD stay generic: the generic
fallback reads JSON-LD first, cheaply, and a declaration cannot write a JSON-LD path.

With a single sample page nothing can be held out: a selector is then kept when it
reproduces the generic value on that page, and only stable-looking selectors are ever
candidates (no positions; no generated, per-article or presentational class names). Its
:attr:`FieldRule.tried` is 0 and its :attr:`FieldRule.how` says so.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from scrapy.http import TextResponse

from crawler.eval.scoring import same_day, title_exact
from crawler.extract import metadata as meta
from crawler.extract.generic import GenericPage, fill
from crawler.extract.processors import compile_boilerplate
from crawler.extract.site import SiteExtractor
from crawler.items import Article
from crawler.sites import Site
from crawler.sites.onboard import candidates as found_in
from crawler.sites.onboard.agreement import BODY_AGREEMENT, Verdict, body_f1, verdict

FIELDS = ("title", "body", "authors", "published", "modified", "lead", "section")
KEEP_SHARE = 0.8
MAX_CHAIN = 3  # selectors per field: one per template seen among the sample pages
_WHAT = {
    "title": "same text as the generic title",
    "lead": "same text as the generic lead",
    "section": "same text as the generic section",
    "authors": "same names as the generic authors",
    "published": "same day as the generic published date",
    "modified": "same day as the generic modified date",
    "body": f"body 4-gram F1 >= {BODY_AGREEMENT} against the generic body",
}
META_KEYS = {
    "title": (*meta.TITLE_KEYS, "title", "headline"),
    "authors": meta.AUTHOR_KEYS,
    "published": meta.PUBLISHED_KEYS,
    "modified": meta.MODIFIED_KEYS,
    "lead": (*meta.LEAD_KEYS, "abstract"),
    "section": meta.SECTION_KEYS,
}  # the meta tags that may hold each field, as the generic extractor reads them
# Fields the generic extractor reads from JSON-LD first: where every sample page has them
# there, its cheap fallback is the JSON-LD path a declaration cannot write. A selector would
# only add risk: a byline tag often holds the first of several names (which few sample
# pages show), a meta date may be another day than the JSON-LD one.
_JSON_LD_KEPT = frozenset({"authors", "published", "modified"})
_VISIBLE_FIRST = frozenset({"title"})  # a headline's markup before its share-card copy
_DESCENDANT = re.compile(r"[\w\])] +[\w.#\[]")
_HINTS = {
    "published": (("publish", "created", "issued", "pubdate"), ("modif", "updated")),
    "modified": (("modif", "updated"), ("publish", "created", "issued", "pubdate")),
}


@dataclass(frozen=True)
class FieldRule:
    """A kept selector for one field and how well it held."""

    field: str  # title, body, authors, published, modified, lead, section
    selectors: tuple[str, ...]  # as a declaration's [selectors] entry
    agreed: int  # held-out sample pages where it reproduced the generic value
    tried: int  # held-out sample pages it was checked on
    how: str  # one line for the declaration's comment


@dataclass(frozen=True)
class Induction:
    """The outcome: fields with a kept selector, and fields left to the generic extractor."""

    rules: dict[str, FieldRule]
    generic: dict[str, str]  # field -> one-line reason


@dataclass(frozen=True)
class Sample:
    """A sample page and its generic extraction (the induction's target values)."""

    response: TextResponse
    generic: dict[str, Any]


def sample(response: TextResponse, boilerplate: Sequence[str] = ()) -> Sample:
    """Extract one page generically (every field, thorough) as a :class:`Sample`."""
    article = Article(provenance={})
    fill(article, GenericPage(response, compile_boilerplate(boilerplate)))
    return Sample(response, dict(article))


def induced_site(
    selectors: dict[str, tuple[str, ...]],
    boilerplate: Sequence[str] = (),
    language: str | None = None,
) -> Site:
    """A declaration holding only ``selectors``, to run them through the site extractor."""
    return Site(
        name="induced",
        title="induced",
        domains=("invalid",),
        start_urls=(),
        article_urls=(),
        selectors=selectors,
        boilerplate=tuple(boilerplate),
        language=language,
    )


def propose(field: str, page: Sample) -> list[str]:
    """The candidate selectors for ``field`` on one page (none where the generic
    extractor found no value)."""
    value = page.generic.get(field)
    if not value:
        return []
    selector = page.response.selector
    metas = found_in.meta_candidates(selector, META_KEYS.get(field, ()))
    if field == "body":
        return found_in.body_candidates(selector, str(value))
    if field == "authors":
        names = [str(n) for n in value]
        hits = [s for s, c in metas if any(n.casefold() in c.casefold() for n in names)]
        return hits + found_in.author_candidates(selector, names)
    if field in ("published", "modified"):
        hits = [s for s, c in metas if same_day(value, c) or _datelike(c)]
        return hits + found_in.date_candidates(selector)
    hits = [s for s, c in metas if title_exact(str(value), c)]
    return hits + found_in.text_candidates(selector, str(value))


def _datelike(text: str) -> bool:
    """Short text with digits: a date in some format :func:`same_day` does not read."""
    return len(text) <= 60 and sum(c.isdigit() for c in text) >= 4


_EMPTY = frozenset({Verdict.MISS, Verdict.NONE})


@dataclass
class Table:
    """One field's candidates: which pages proposed each, and its verdict on each page."""

    name: str
    proposed_by: dict[str, set[int]] = field(default_factory=dict)
    verdicts: dict[str, list[Verdict]] = field(default_factory=dict)
    quality: dict[str, list[float]] = field(default_factory=dict)
    present: list[bool] = field(default_factory=list)  # pages with a generic value

    def best(self, pages: set[int]) -> str | None:
        """The candidate proposed by one of ``pages`` that agrees most on ``pages``."""
        found = self.top(pages)
        return found if found is not None and self.score(found, pages) > 0 else None

    def chain(self, pages: set[int]) -> tuple[str, ...]:
        """Selectors to try in turn, as a declaration lists them: the best on ``pages``,
        then the best on the pages it leaves empty (another template of the site), ..."""
        picked: list[str] = []
        left = set(pages)
        while left and len(picked) < MAX_CHAIN:
            found = self.best(left)
            if found is None:
                break
            picked.append(found)
            left = {i for i in left if self.verdicts[found][i] in _EMPTY}
        return tuple(picked)

    def mark(self, chain: tuple[str, ...], index: int) -> Verdict:
        """The verdict on one page of the first selector of ``chain`` that gives a value."""
        for candidate in chain:
            if (found := self.verdicts[candidate][index]) not in _EMPTY:
                return found
        return Verdict.MISS if self.present[index] else Verdict.NONE

    def score(self, candidate: str, pages: set[int]) -> int:
        marks = [self.verdicts[candidate][i] for i in pages]
        return marks.count(Verdict.AGREE) - marks.count(Verdict.DIFFER)

    def top(self, pages: set[int]) -> str | None:
        """The best candidate proposed by one of ``pages``, however it scores."""
        pool = [c for c, by in self.proposed_by.items() if by & pages]
        return min(pool, key=lambda c: self._rank(c, pages), default=None)

    def _rank(self, candidate: str, pages: set[int]) -> tuple[int, float, tuple[int, int, int]]:
        quality = round(sum(self.quality[candidate][i] for i in pages), 6)
        return (-self.score(candidate, pages), -quality, cost(self.name, candidate))


def cost(field: str, selector: str) -> tuple[int, int, int]:
    """How much a selector is to be avoided among equally good ones (lower is better):
    meta tags, then elements named by id, class or attribute, then bare tags (for the
    title the named element before the meta tag: share cards get their own wording and
    the site's name more often than the headline does); for dates an
    attribute before text, and a selector naming the other date (``modified`` for
    ``published``) last; then the fewest descendant combinators, the shortest.

    >>> cost("lead", "meta[name='description']::attr(content)")[0], cost("lead", "p.dek")[0]
    (0, 1)
    >>> cost("title", "meta[property='og:title']::attr(content)")[0], cost("title", "h1.hed")[0]
    (1, 0)
    >>> cost("body", "div.x > p") < cost("body", "div.x p")
    True
    >>> cost("published", "meta[property='article:modified_time']::attr(content)")[0]
    3
    """
    is_meta, named = selector.startswith("meta["), any(c in selector for c in ".#[")
    if field in _VISIBLE_FIRST:
        kind = 1 if is_meta else 0 if named else 2
    else:
        kind = 0 if is_meta else 1 if named else 2
    if field in _HINTS:
        wanted, other = _HINTS[field]
        lowered = selector.lower()
        if any(word in lowered for word in other) and not any(word in lowered for word in wanted):
            kind += 3
        kind += "::attr(" not in selector  # a date written for machines before one for readers
    loose = len(_DESCENDANT.findall(selector))  # a child (>) is stricter than a descendant
    return kind, loose, len(selector)


def tabulate(
    field: str, pages: Sequence[Sample], boilerplate: Sequence[str], language: str | None
) -> Table:
    """Every page's candidates for ``field``, each run on every page."""
    table = Table(field, present=[bool(page.generic.get(field)) for page in pages])
    for index, page in enumerate(pages):
        for candidate in propose(field, page):
            table.proposed_by.setdefault(candidate, set()).add(index)
    for candidate in table.proposed_by:
        extractor = SiteExtractor(induced_site({field: (candidate,)}, boilerplate, language))
        values = [extractor.declared(page.response).get(field) for page in pages]
        generic = [page.generic.get(field) for page in pages]
        table.verdicts[candidate] = [
            verdict(field, g, v) for g, v in zip(generic, values, strict=True)
        ]
        table.quality[candidate] = [
            _quality(field, g, v) for g, v in zip(generic, values, strict=True)
        ]
    return table


def _quality(field: str, generic: Any, value: Any) -> float:
    """A tie-breaker between agreeing candidates: the body's F1 (0 for other fields)."""
    if field == "body" and generic and value:
        return body_f1(str(generic), str(value))
    return 0.0


def held_out(table: Table, count: int) -> tuple[int, int]:
    """(agreed, tried): each page left out in turn, selectors picked from the other
    pages and checked on it. Pages where neither side has a value are not tried."""
    agreed = tried = 0
    for index in range(count):
        mark = table.mark(table.chain(set(range(count)) - {index}), index)
        if mark is Verdict.NONE:
            continue
        tried += 1
        agreed += mark is Verdict.AGREE
    return agreed, tried


def decide(table: Table, count: int) -> FieldRule | str:
    """The field's rule, or the reason it stays generic."""
    name = table.name
    if not table.proposed_by:
        return f"no stable selector gave the generic {name} on any sample page"
    everything = set(range(count))
    picked = table.chain(everything)
    if not picked:
        top = str(table.top(everything))
        marks = table.verdicts[top]
        agreed, differed = marks.count(Verdict.AGREE), marks.count(Verdict.DIFFER)
        return f"best selector {top} agreed on {agreed} and disagreed on {differed} sample pages"
    shown = " | ".join(picked)
    if count == 1:
        how = f"{shown}: {_WHAT[name]} on the one sample page (none held out)"
        return FieldRule(name, picked, 0, 0, how)
    agreed, tried = held_out(table, count)
    if tried == 0 or agreed < KEEP_SHARE * tried:
        return f"best selectors {shown} held on {agreed} of {tried} held-out pages"
    how = f"{shown}: {_WHAT[name]} on {agreed} of {tried} pages, each picked without that page"
    return FieldRule(name, picked, agreed, tried, how)


def induce_samples(pages: Sequence[Sample], boilerplate: Sequence[str] = ()) -> Induction:
    """:func:`induce` on pages already extracted generically."""
    language = _language(pages)
    rules: dict[str, FieldRule] = {}
    generic: dict[str, str] = {}
    for name in FIELDS:
        if not any(page.generic.get(name) for page in pages):
            generic[name] = f"the generic extractor found no {name} on the sample pages"
            continue
        if name in _JSON_LD_KEPT and _from_json_ld(name, pages):
            generic[name] = f"the generic extractor reads the {name} from the pages' JSON-LD"
            continue
        outcome = decide(tabulate(name, pages, boilerplate, language), len(pages))
        if isinstance(outcome, FieldRule):
            rules[name] = outcome
        else:
            generic[name] = outcome
    return Induction(rules, generic)


def induce(responses: Sequence[TextResponse], boilerplate: Sequence[str] = ()) -> Induction:
    """Induce a selector for each of :data:`FIELDS` from a site's sample article pages.

    ``boilerplate`` holds the site's boilerplate line patterns (as a declaration's).
    """
    return induce_samples([sample(r, boilerplate) for r in responses], boilerplate)


def _from_json_ld(name: str, pages: Sequence[Sample]) -> bool:
    """Whether every page's generic value of ``name`` came from its JSON-LD."""
    sources = [p.generic.get("provenance", {}).get(name) for p in pages if p.generic.get(name)]
    return bool(sources) and all(source == "json-ld" for source in sources)


def _language(pages: Sequence[Sample]) -> str | None:
    """The sample pages' most common language, for reading dates written in words."""
    languages = [str(p.generic["language"]) for p in pages if p.generic.get("language")]
    return max(set(languages), key=languages.count) if languages else None


def declaration_selectors(induction: Induction) -> dict[str, tuple[str, ...]]:
    """The kept rules as a declaration's ``[selectors]`` table."""
    return {name: rule.selectors for name, rule in induction.rules.items()}
