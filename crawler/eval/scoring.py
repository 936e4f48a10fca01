"""Extraction scores, computed as the evaluation data's scorer defines them.

Body: the Zyte article-extraction-benchmark recipe. Tokens are ``\\w+``
matches; units are 4-token shingles (a text of 1-3 tokens is one shorter
shingle); per page the bags of shingles overlap (tp = sum of min counts, fp
and fn the excesses); page precision is 1 when fp == fn == 0, 0 when
tp == fp == 0, else tp/(tp+fp), recall alike. Precision is the mean page
precision over pages whose prediction has a shingle, recall the mean page
recall over pages whose truth has one, F1 their harmonic mean.

Title: exact after NFC and whitespace collapse. Date: same calendar day, the
prediction first converted to the truth's UTC offset when both have one.
Authors: the sets of names equal after NFKC, casefold, straight quotes.
Body snippets (truth with ``body_with``/``body_without``): substring matches
of whitespace-normalised snippets, summed over pages.
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

_WORD = re.compile(r"\w+")
_SPACE = re.compile(r"\s+")
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_ISO_DAY = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_QUOTES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
    }
)
NGRAM = 4


def shingles(text: str, n: int = NGRAM) -> Counter[tuple[str, ...]]:
    """The bag of n-token shingles of a text.

    >>> sorted(shingles("a b c", 2).items())
    [(('a', 'b'), 1), (('b', 'c'), 1)]
    >>> shingles("a, b", 4)
    Counter({('a', 'b'): 1})
    """
    tokens = _WORD.findall(text or "")
    if not tokens:
        return Counter()
    if len(tokens) < n:
        return Counter([tuple(tokens)])
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def page_counts(truth: str, predicted: str) -> tuple[int, int, int]:
    """(tp, fp, fn) of one page's shingle bags.

    >>> page_counts("a b c d e", "a b c d")
    (1, 0, 1)
    """
    t, p = shingles(truth), shingles(predicted)
    tp = sum((t & p).values())
    return tp, sum(p.values()) - tp, sum(t.values()) - tp


def page_precision(tp: int, fp: int, fn: int) -> float:
    if fp == 0 and fn == 0:
        return 1.0
    return 0.0 if tp == 0 and fp == 0 else tp / (tp + fp)


def page_recall(tp: int, fp: int, fn: int) -> float:
    if fp == 0 and fn == 0:
        return 1.0
    return 0.0 if tp == 0 and fn == 0 else tp / (tp + fn)


def body_scores(counts: list[tuple[int, int, int]]) -> dict[str, float]:
    """Precision, recall and F1 of the means (not a mean of page F1s).

    >>> body_scores([(0, 0, 5), (5, 0, 0)])["recall"]
    0.5
    """
    ps = [page_precision(*c) for c in counts if c[0] + c[1] > 0]
    rs = [page_recall(*c) for c in counts if c[0] + c[2] > 0]
    p = statistics.fmean(ps) if ps else 0.0
    r = statistics.fmean(rs) if rs else 0.0
    f1 = 2 * p * r / (p + r) if p + r > 0 else 0.0
    return {"pages": len(counts), "precision": p, "recall": r, "f1": f1}


def collapse(text: str) -> str:
    return _SPACE.sub(" ", text or "").strip()


def title_exact(truth: str, predicted: str | None) -> bool:
    """Equal after NFC and whitespace collapse.

    >>> title_exact("Caf\\u0065\\u0301  news", "Café news")
    True
    """
    exact = collapse(unicodedata.normalize("NFC", truth))
    return exact == collapse(unicodedata.normalize("NFC", predicted or ""))


def loose(text: str) -> str:
    """NFKC, no zero-width characters, straight quotes and dashes, casefolded.

    >>> loose("Foo \\u201cBar\\u201d \\u2013 x\\u200b")
    'foo "bar" - x'
    """
    text = _ZERO_WIDTH.sub("", unicodedata.normalize("NFKC", text or ""))
    return collapse(text.translate(_QUOTES).casefold())


def read_date(value: Any) -> datetime | None:
    """An ISO-8601 value (a trailing Z is UTC), else the first YYYY-MM-DD in it."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    text = text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    match = _ISO_DAY.search(text)
    if match is None:
        return None
    try:
        return datetime(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def same_day(truth: Any, predicted: Any) -> bool:
    """The same calendar day, in the truth's UTC offset when both have one.

    >>> same_day("2024-11-22T23:30:00+01:00", "2024-11-22T22:30:00Z")
    True
    """
    t, p = read_date(truth), read_date(predicted)
    if t is None or p is None:
        return False
    if t.tzinfo is not None and p.tzinfo is not None:
        p = p.astimezone(t.tzinfo)
    day: date = t.date()
    return day == p.date()


def author_names(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [x.strip() for x in value.split(";") if x.strip()]
    return [str(x).strip() for x in value if x is not None and str(x).strip()]


def authors_exact(truth: list[str], predicted: Any) -> bool:
    """The same set of names after :func:`loose`.

    >>> authors_exact(["Ann Lee", "Bo"], "bo; ann lee")
    True
    """
    return {loose(n) for n in truth} == {loose(n) for n in author_names(predicted)}


@dataclass
class Tally:
    """Running scores over pages; :meth:`summary` gives the figures."""

    body: list[tuple[int, int, int]] = field(default_factory=list)
    snippets: Counter[str] = field(default_factory=Counter)
    titles: list[bool] = field(default_factory=list)
    dates: list[bool] = field(default_factory=list)
    authors: list[bool] = field(default_factory=list)

    def add(self, truth: dict[str, Any], predicted: dict[str, Any]) -> list[str]:
        """Score one page's prediction against its truth row; the fields it missed."""
        if isinstance(truth.get("body"), str):
            self.body.append(page_counts(truth["body"], predicted.get("body") or ""))
        if "body_with" in truth:
            self.add_snippets(truth, predicted.get("body"))
        missed = []
        title = truth.get("title")
        if isinstance(title, str) and title.strip():
            found = predicted.get("title")
            self.titles.append(title_exact(title, found if isinstance(found, str) else ""))
            missed += [] if self.titles[-1] else ["title"]
        if truth.get("date"):
            self.dates.append(same_day(truth["date"], predicted.get("date")))
            missed += [] if self.dates[-1] else ["date"]
        if isinstance(truth.get("authors"), list) and truth["authors"]:
            self.authors.append(authors_exact(truth["authors"], predicted.get("authors")))
            missed += [] if self.authors[-1] else ["authors"]
        return missed

    def add_snippets(self, truth: dict[str, Any], body: Any) -> None:
        text = collapse(body) if isinstance(body, str) else ""
        found = sum(1 for s in truth["body_with"] if text and collapse(s) in text)
        leaked = sum(1 for s in truth["body_without"] if text and collapse(s) in text)
        self.snippets.update(
            tp=found,
            fn=len(truth["body_with"]) - found,
            fp=leaked,
            tn=len(truth["body_without"]) - leaked,
        )

    def summary(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.body:
            out["body"] = body_scores(self.body)
        if self.snippets:
            out["body_snippets"] = snippet_scores(self.snippets)
        for name, values in (("title", self.titles), ("date", self.dates)):
            if values:
                out[name] = {"pages": len(values), "rate": sum(values) / len(values)}
        if self.authors:
            out["authors"] = {"pages": len(self.authors), "rate": statistics.fmean(self.authors)}
        return out


def snippet_scores(counts: Counter[str]) -> dict[str, float]:
    tp, fp, fn = counts["tp"], counts["fp"], counts["fn"]
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}
