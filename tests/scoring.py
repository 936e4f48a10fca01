"""The few comparisons of ``../shared/evaldata/score.py`` that golden pages of real sites use.

That scorer's docstring is the recipe; these functions follow it for one page:

* title: equal after Unicode NFC, strip and whitespace collapse (``title_exact``);
* date: same calendar day, the prediction first converted to the truth's UTC offset
  when both carry one; an unreadable ISO string falls back to its first YYYY-MM-DD;
* authors: equal sets after the scorer's loose "norm" (NFKC, no zero-width
  characters, straight quotes, plain dashes, casefold, whitespace collapse);
* body: bag overlap of 4-gram shingles of ``\\w+`` tokens, page precision/recall/F1.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable

_WORD = re.compile(r"\w+")
_WS = re.compile(r"\s+")
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
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


def _collapse(text: str) -> str:
    return _WS.sub(" ", text).strip()


def title_exact(truth: str, prediction: str | None) -> bool:
    """Titles equal after NFC, strip and whitespace collapse.

    >>> title_exact("Caf\\u00e9  au lait ", "Cafe\\u0301 au lait")
    True
    >>> title_exact("A title", "A Title")
    False
    """

    def norm(s: str) -> str:
        return _collapse(unicodedata.normalize("NFC", s))

    return norm(truth) == norm(prediction or "")


def loose_norm(text: str) -> str:
    """The scorer's "norm": NFKC, no zero-width, straight quotes, plain dashes, casefold.

    >>> loose_norm("Foo \\u201cBar\\u201d \\u2013 x\\u200b")
    'foo "bar" - x'
    """
    text = _ZERO_WIDTH.sub("", unicodedata.normalize("NFKC", text))
    return _collapse(text.translate(_QUOTES).casefold())


def authors_exact(truth: Iterable[str], prediction: Iterable[str] | None) -> bool:
    """Same set of names after :func:`loose_norm`.

    >>> authors_exact(["STEVE PEOPLES", "Ann Lee"], ["Ann Lee", "Steve Peoples"])
    True
    >>> authors_exact(["Ann Lee"], ["Ann Lee", "AP"])
    False
    """
    return {loose_norm(a) for a in truth} == {loose_norm(a) for a in prediction or ()}


def _parse_date(text: str | None) -> dt.datetime | None:
    text = (text or "").strip()
    if not text:
        return None
    iso = text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text
    try:
        return dt.datetime.fromisoformat(iso)
    except ValueError:
        pass
    match = _DATE.search(text)
    if match is None:
        return None
    try:
        return dt.datetime(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def same_day(truth: str, prediction: str | None) -> bool:
    """Same calendar day, in the truth's offset when both sides carry one.

    >>> same_day("2024-11-22T23:30:00+01:00", "2024-11-22T22:30:00Z")
    True
    >>> same_day("2024-11-22T06:57:50+00:00", "2024-11-22")
    True
    >>> same_day("2024-11-22", "2024-11-23")
    False
    """
    t, p = _parse_date(truth), _parse_date(prediction)
    if t is None or p is None:
        return False
    if t.tzinfo is not None and p.tzinfo is not None:
        p = p.astimezone(t.tzinfo)
    return t.date() == p.date()


def _shingles(text: str, n: int) -> Counter[tuple[str, ...]]:
    tokens = _WORD.findall(text)
    if not tokens:
        return Counter()
    if len(tokens) < n:
        return Counter([tuple(tokens)])
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def body_scores(truth: str, prediction: str | None, n: int = 4) -> tuple[float, float, float]:
    """Page precision, recall and F1 over bags of ``n``-token shingles.

    >>> body_scores("a b c d", "a b c d")
    (1.0, 1.0, 1.0)
    >>> body_scores("a b c d", "a b c", n=3)
    (1.0, 0.5, 0.6666666666666666)
    >>> body_scores("a b c", "")
    (0.0, 0.0, 0.0)
    """
    t, p = _shingles(truth, n), _shingles(prediction or "", n)
    tp = sum((t & p).values())
    fp, fn = sum((p - t).values()), sum((t - p).values())
    if fp == 0 and fn == 0:
        return 1.0, 1.0, 1.0
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1
