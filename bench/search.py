"""Search latency: the project's full-text search against a LIKE scan, on one database."""

from __future__ import annotations

import random
import re
import statistics
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from store.db import open_db
from store.query import search

COMMONEST_SKIPPED = 100  # the words nearly every article has, like "the" in English


def queries(db: Database, count: int, seed: int = 11) -> list[str]:
    """Two-word queries taken from stored articles, skipping the commonest words."""
    rng = random.Random(seed)
    sample = [row["body"] for row in db.query("select body from articles limit 500")]
    counts = Counter(word for body in sample for word in re.findall(r"\w+", body.lower()))
    common = {word for word, _ in counts.most_common(COMMONEST_SKIPPED)}
    found: list[str] = []
    while len(found) < count:
        words = [w for w in re.findall(r"\w+", rng.choice(sample).lower()) if w not in common]
        if len(words) >= 2:
            found.append(" ".join(rng.sample(words, 2)))
    return found


def like_scan(db: Database, text: str, limit: int = 10) -> list[dict[str, Any]]:
    """Newest articles whose title or body contains every word: a full scan, no index.

    Ordered (as a search must be, by date here instead of relevance), so it reads every
    row rather than stopping at the first ``limit`` matches.
    """
    words = text.split()
    where = " and ".join(["(title like ? or body like ?)"] * len(words))
    params = [f"%{word}%" for word in words for _ in range(2)]
    sql = f"select id, title from articles where {where} order by published desc limit {limit}"
    return list(db.query(sql, params))


def latencies(db: Database, run: Callable[[Database, str], Any], texts: list[str]) -> list[float]:
    """Milliseconds per query."""
    result = []
    for text in texts:
        began = time.perf_counter()
        run(db, text)
        result.append((time.perf_counter() - began) * 1000)
    return result


def percentiles(values: list[float]) -> dict[str, float]:
    cuts = statistics.quantiles(values, n=20)
    return {"p50": statistics.median(values), "p95": cuts[18]}


def measure(path: Path, fts_queries: int, like_queries: int, seed: int) -> dict[str, Any]:
    """One round: the same queries through FTS and (the first ``like_queries``) LIKE, and
    each kind of query of :func:`kinds` through FTS."""
    db = open_db(path, create=False)
    try:
        texts = queries(db, fts_queries, seed)
        fts = latencies(db, search, texts)
        like = latencies(db, like_scan, texts[:like_queries])
        hits = sum(1 for text in texts if search(db, text))
        by_kind = {
            kind: percentiles(latencies(db, search, examples))
            for kind, examples in kinds(db, texts, seed).items()
        }
    finally:
        db.close()
    return {
        "fts_ms": percentiles(fts),
        "like_ms": percentiles(like),
        "queries_with_hits": hits / len(texts),
        "kinds_ms": by_kind,
    }


KIND_QUERIES = 20


def kinds(db: Database, texts: list[str], seed: int) -> dict[str, list[str]]:
    """Queries of each kind: a phrase from an article, two words of middling frequency,
    a three-letter prefix (``wor*``), and one of the words nearly every article has."""
    rng = random.Random(seed)
    sample = [row["body"] for row in db.query("select body from articles limit 500")]
    counts = Counter(word for body in sample for word in re.findall(r"\w+", body.lower()))
    everywhere = [word for word, n in counts.most_common(10) if n >= len(sample)]
    phrases = []
    while len(phrases) < KIND_QUERIES:
        words = re.findall(r"\w+", rng.choice(sample))
        start = rng.randrange(max(1, len(words) - 3))
        phrases.append('"' + " ".join(words[start : start + 3]) + '"')
    return {
        "phrase": phrases,
        "two words": texts[:KIND_QUERIES],
        "prefix*": [text.split()[0][:3] + "*" for text in texts[:KIND_QUERIES]],
        "word in every article": [rng.choice(everywhere or ["the"]) for _ in range(KIND_QUERIES)],
    }
