"""When a selector's value agrees with the generic extractor's, page by page.

The rules of selector induction and of ``sites check`` (:mod:`crawler.eval.scoring` measures):
title, lead and section exact after whitespace normalisation, dates on the same day,
authors the same set of names, the body a 4-gram shingle F1 of at least
:data:`BODY_AGREEMENT`.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

from crawler.eval.scoring import (
    authors_exact,
    page_counts,
    page_precision,
    page_recall,
    same_day,
    title_exact,
)

BODY_AGREEMENT = 0.95


class Verdict(Enum):
    """How a selector's value on one page compares with the generic value."""

    AGREE = "agree"
    DIFFER = "differ"  # both have a value, and they disagree
    MISS = "miss"  # the generic extractor has a value, the selector none
    NONE = "none"  # neither has a value: the page says nothing either way


def body_f1(truth: str, predicted: str) -> float:
    """4-gram shingle F1 of one page (the scorer's page precision and recall).

    >>> body_f1("a b c d e f", "a b c d e f"), body_f1("a b c d", "w x y z")
    (1.0, 0.0)
    """
    counts = page_counts(truth, predicted)
    precision, recall = page_precision(*counts), page_recall(*counts)
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def agrees(field: str, generic: Any, value: Any) -> bool:
    """Whether a selector's ``value`` agrees with the ``generic`` value of ``field``.

    >>> agrees("published", "2024-03-07T23:10:00-05:00", "2024-03-08T04:10:00Z")
    True
    >>> agrees("authors", ["Ann Lee", "Bo Li"], ["Bo Li"]), agrees("title", "A  b", "A b")
    (False, True)
    """
    if field in ("published", "modified"):
        return same_day(generic, value)
    if field == "authors":
        return authors_exact(list(generic), value)
    if field == "body":
        return body_f1(str(generic), str(value)) >= BODY_AGREEMENT
    return title_exact(str(generic), str(value))


def verdict(field: str, generic: Any, value: Any) -> Verdict:
    """Compare one page's selector ``value`` with its ``generic`` value.

    >>> verdict("title", "A", None), verdict("title", None, None), verdict("title", None, "A")
    (<Verdict.MISS: 'miss'>, <Verdict.NONE: 'none'>, <Verdict.DIFFER: 'differ'>)
    """
    if not value:
        return Verdict.MISS if generic else Verdict.NONE
    if not generic:
        return Verdict.DIFFER
    return Verdict.AGREE if agrees(field, generic, value) else Verdict.DIFFER
