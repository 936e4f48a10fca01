"""URL patterns: which of a site's URLs are articles, which are listing pages.

Every URL is read as a *shape*: its path segments (and query keys) each given a
class — a year, a short number, a long number (an id), a slug with an id, a
slug, a plain word — keeping a file suffix such as ``.html``. URLs of one
shape become one regex: a segment that is the same on every URL stays
literal, one that varies becomes its class's regex. An article pattern is
built from the shapes of known articles (feed and sitemap entries) or, without
them, of the links that look like articles (a slug, an id or a date in the
path); :func:`check` counts what a pattern matches among the URLs seen.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

from crawler.urls import strip_tracking

_SUFFIX = re.compile(r"\.(?:s?html?|php\d?|aspx?|jsp|cfm)$", re.IGNORECASE)
_YEAR = re.compile(r"(?:19|20)\d\d")
_SLUG_ID = re.compile(r"\w+(?:-\w+)*-\d{3,}")
_SEPARATORS = re.compile(r"[-_]")
_LETTER = re.compile(r"[^\W\d_]")
_CLASS_RE = {
    "year": r"\d{4}",
    "num": r"\d+",
    "slugid": r"[\w-]+-\d{3,}",
    "word": r"\w+",
}
MIN_SHARE = 0.1  # a shape of known articles is kept when it holds this share of them


def split_suffix(segment: str) -> tuple[str, str]:
    """A path segment's stem and file suffix.

    >>> split_suffix("budget-vote.html"), split_suffix("2026")
    (('budget-vote', '.html'), ('2026', ''))
    """
    found = _SUFFIX.search(segment)
    return (segment[: found.start()], found.group()) if found else (segment, "")


def segment_class(segment: str) -> str:
    """The class of one path segment or query value.

    >>> [segment_class(s) for s in ("2026", "07", "48213", "storm-hits-coast-48213")]
    ['year', 'num', 'num', 'slugid']
    >>> [segment_class(s) for s in ("storm-hits-coast.html", "world", "page2", "")]
    ['slug.html', 'word', 'word', 'word']
    """
    stem, suffix = split_suffix(segment)
    if len(stem) == 4 and _YEAR.fullmatch(stem):
        kind = "year"
    elif stem.isdigit():
        kind = "num"
    elif _SLUG_ID.fullmatch(stem) and _LETTER.search(stem):
        kind = "slugid"
    elif _SEPARATORS.search(stem) and _LETTER.search(stem):
        kind = "slug"
    else:
        kind = "word"
    return kind + suffix


@dataclass(frozen=True)
class Parts:
    """A URL's path segments and query pairs, as a pattern reads them."""

    segments: tuple[str, ...]
    query: tuple[tuple[str, str], ...]
    slash: bool  # the path ends with "/"

    @classmethod
    def of(cls, url: str) -> Parts:
        """The parts of ``url``; tracking parameters (``utm_source`` ...) do not count.

        >>> Parts.of("https://x.test/a/b.html?utm_source=rss&id=4").query
        (('id', '4'),)
        """
        parts = urlsplit(strip_tracking(url))
        path = parts.path or "/"
        segments = tuple(s for s in path.split("/") if s)
        query = tuple(parse_qsl(parts.query, keep_blank_values=True))  # in the URL's order
        return cls(segments, query, path.endswith("/") and bool(segments))

    @property
    def shape(self) -> tuple[str, ...]:
        """The classes of the segments, then ``key=class`` for each query pair."""
        path = tuple(segment_class(s) for s in self.segments)
        return (
            path
            + tuple(f"?{k}={segment_class(v)}" for k, v in self.query)
            + (("/",) if self.slash else ())
        )

    @property
    def values(self) -> tuple[str, ...]:
        return self.segments + tuple(v for _, v in self.query)


def _kind(cls: str) -> str:
    return split_suffix(cls.rsplit("=", 1)[-1])[0]


def _value_regex(cls: str, values: set[str], literal_words: bool) -> str:
    """The regex of one position: the value when it never varies, else its class's."""
    if len(values) == 1 and not literal_words and _kind(cls) == "word":
        return re.escape(next(iter(values)))
    kind = _kind(cls)
    suffix = re.escape(split_suffix(cls)[1])
    if kind == "slug":
        least = min(len(_SEPARATORS.findall(split_suffix(v)[0])) for v in values)
        return rf"\w+(?:[-_]\w+){{{min(least, 2)},}}" + suffix
    if kind == "word" and literal_words:
        templates = sorted({_template(v) for v in values})
        return templates[0] if len(templates) == 1 else "(?:" + "|".join(templates) + ")"
    return _CLASS_RE[kind] + suffix


def _template(value: str) -> str:
    """A literal word with its digits free: ``page2.html`` -> ``page\\d+\\.html``.

    >>> print(_template("page2.html"))
    page\\d+\\.html
    """
    return re.sub(r"\d+", lambda _: r"\d+", re.escape(value))


def shape_regex(urls: Sequence[str], literal_words: bool = False) -> str:
    """One regex (on path and query) for URLs of one shape.

    >>> shape_regex(["https://x.test/news/2026/05/04/storm-hits.html",
    ...              "https://x.test/news/2026/06/01/vote-today.html"])
    '^/news/\\\\d{4}/\\\\d{2}/\\\\d{2}/\\\\w+(?:[-_]\\\\w+){1,}\\\\.html(?:\\\\?.*)?$'
    >>> print(shape_regex(["https://x.test/article.php?id=12", "https://x.test/article.php?id=345"]))
    ^/article\\.php\\?(?:.*&)?id=\\d+(?:&.*)?$
    >>> print(shape_regex(["https://x.test/world/", "https://x.test/sport/"], literal_words=True))
    ^/(?:sport|world)/(?:\\?.*)?$
    """
    parsed = [Parts.of(u) for u in urls]
    shape = parsed[0].shape
    columns = list(zip(*(p.values for p in parsed), strict=True))
    regexes = [_value_regex(c, set(v), literal_words) for c, v in zip(shape, columns, strict=False)]
    first = parsed[0]
    if not literal_words:  # dates: months and days keep their width
        dated = zip(regexes[: len(first.segments)], columns, strict=False)
        regexes[: len(first.segments)] = [_two_digits(r, col) for r, col in dated]
    path = "/" + "/".join(regexes[: len(first.segments)]) + ("/" if first.slash else "")
    if not first.query:
        return f"^{path}(?:\\?.*)?$"
    pairs = "&".join(
        f"{re.escape(k)}={r}"
        for (k, _), r in zip(first.query, regexes[len(first.segments) :], strict=True)
    )
    return f"^{path}\\?(?:.*&)?{pairs}(?:&.*)?$"


def _two_digits(regex: str, values: Iterable[str]) -> str:
    r"""Numbers of one or two digits (months, days) keep their width.

    >>> print(_two_digits(r"\d+", ["05", "11"]), _two_digits(r"\d+", ["5", "11"]))
    \d{2} \d{1,2}
    """
    lengths = {len(v) for v in values}
    if regex != _CLASS_RE["num"] or max(lengths) > 2:
        return regex
    return r"\d{2}" if lengths == {2} else r"\d{1,2}"


def by_shape(urls: Iterable[str]) -> dict[tuple[str, ...], list[str]]:
    """URLs grouped by shape, biggest group first; each URL once."""
    groups: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for url in dict.fromkeys(urls):
        groups[Parts.of(url).shape].append(url)
    return dict(sorted(groups.items(), key=lambda item: -len(item[1])))


def _slug_words(url: str) -> float:
    """Separators in the URL's longest slug: headlines make long slugs, footers short ones."""
    stems = (split_suffix(v)[0] for v in Parts.of(url).values)
    return max((len(_SEPARATORS.findall(s)) for s in stems), default=0)


def _long_number(urls: Sequence[str]) -> bool:
    """Whether a number of three or more digits (an id, not a page number) is in the URLs."""
    return any(v.isdigit() and len(v) >= 3 for u in urls for v in Parts.of(u).values)


def _looks_like_articles(shape: tuple[str, ...], urls: Sequence[str]) -> bool:
    """Links of one shape that look like articles: an id or a date, or long slugs."""
    kinds = {_kind(c) for c in shape}
    if "num" in kinds and not _long_number(urls):
        kinds.discard("num")
    if kinds & {"year", "num", "slugid"}:
        return len(urls) >= 2
    mean_words = sum(_slug_words(u) for u in urls) / len(urls)
    return "slug" in kinds and len(urls) >= 2 and mean_words >= 3


def article_rules(known: Sequence[str], links: Sequence[str]) -> list[str]:
    """Regexes for the site's article URLs.

    From the shapes of ``known`` articles (feed and sitemap entries) when there are
    any, each shape holding at least :data:`MIN_SHARE` of them; else from the shapes
    of ``links`` that look like articles, each at least a fifth the size of the biggest.

    >>> article_rules([], ["https://x.test/world/", "https://x.test/about-us",
    ...     "https://x.test/story/1234", "https://x.test/story/5678"])
    ['^/story/\\\\d+(?:\\\\?.*)?$']
    >>> article_rules(["https://x.test/a?id=5", "https://x.test/a?id=60"], [])
    ['^/a\\\\?(?:.*&)?id=\\\\d+(?:&.*)?$']
    """
    if known:
        groups = by_shape(known)
        least = max(1.0, MIN_SHARE * len(set(known)))
        kept = [urls for urls in groups.values() if len(urls) >= least]
    else:
        kept = _article_groups(links)
        kept = [urls for urls in kept if len(urls) * 5 >= len(kept[0])]
    return [shape_regex(urls) for urls in kept]


def _article_groups(links: Iterable[str]) -> list[list[str]]:
    return [urls for shape, urls in by_shape(links).items() if _looks_like_articles(shape, urls)]


def article_like(links: Iterable[str]) -> list[str]:
    """The links whose shape looks like an article's (the candidates without a feed).

    >>> article_like(["https://x.test/world/", "https://x.test/a/1234", "https://x.test/a/567"])
    ['https://x.test/a/1234', 'https://x.test/a/567']
    """
    return [url for urls in _article_groups(links) for url in urls]


def follow_rules(listings: Sequence[str]) -> list[str]:
    """Regexes for listing pages: one per shape, words kept literal, numbers free.

    >>> for rule in follow_rules(["https://x.test/", "https://x.test/world/",
    ...         "https://x.test/sport/", "https://x.test/world/page2.html"]):
    ...     print(rule)
    ^/(?:sport|world)/(?:\\?.*)?$
    ^/(?:\\?.*)?$
    ^/world/page\\d+\\.html(?:\\?.*)?$
    """
    return [shape_regex(urls, literal_words=True) for urls in by_shape(listings).values()]


def matching(regexes: Sequence[str], urls: Iterable[str]) -> list[str]:
    """The URLs (path and query) one of ``regexes`` matches.

    >>> matching(['^/story/\\\\d+'], ["https://x.test/story/12", "https://x.test/story/"])
    ['https://x.test/story/12']
    """
    compiled = [re.compile(r) for r in regexes]
    return [u for u in dict.fromkeys(urls) if any(c.search(target(u)) for c in compiled)]


def target(url: str) -> str:
    """What a declaration's URL rules match: the path, with the query when there is one.

    >>> target("https://x.test/a.php?id=3"), target("https://x.test")
    ('/a.php?id=3', '/')
    """
    parts = urlsplit(url)
    return f"{parts.path or '/'}?{parts.query}" if parts.query else parts.path or "/"


@dataclass(frozen=True)
class Check:
    """How a set of article rules held on the URLs seen."""

    matched: int  # candidate article URLs they match
    candidates: int  # candidate article URLs seen
    wrong: int  # listing pages they match

    def __str__(self) -> str:
        return (
            f"matched {self.matched} of {self.candidates} candidate article URLs, "
            f"{self.wrong} listing page{'s' * (self.wrong != 1)} wrongly"
        )


def check(regexes: Sequence[str], candidates: Sequence[str], listings: Sequence[str]) -> Check:
    """Count what ``regexes`` match among candidate articles and known listing pages.

    >>> str(check(['^/story/\\\\d+$'], ["https://x.test/story/1", "https://x.test/a-b-c"],
    ...     ["https://x.test/"]))
    'matched 1 of 2 candidate article URLs, 0 listing pages wrongly'
    """
    unique = list(dict.fromkeys(candidates))
    return Check(len(matching(regexes, unique)), len(unique), len(matching(regexes, set(listings))))
