"""Phrase search against its floor: the same phrases matched bare and searched.

    python -m bench.phrase_floor DATABASE [--runs 5]

For each phrase of :func:`bench.search.kinds` (seeds 0 and 11, 40 phrases), in turn and
``--runs`` times: ``count(*)`` of the phrase's matches (one pass over them, nothing
ranked), the newest-first walk the search starts with, that walk ranked by BM25, and the
whole search with snippets. Prints p50/p95 over the phrases of each one's median, in ms,
and the median ratio of search to count. Figures only: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from sqlite_utils import Database

from bench.search import kinds, queries
from store.db import open_db
from store.query import RANKED_MATCHES, _ranked_sql, fts_query, search


def steps(db: Database, phrase: str) -> dict[str, Callable[[], object]]:
    """The four ways of answering one phrase, each a call that returns its rows."""
    query = fts_query(phrase)
    ranked = {"query": query, "limit": 10, "ranked": RANKED_MATCHES}
    count = "select count(*) from articles_fts where articles_fts match ?"
    walk = "select rowid from articles_fts where articles_fts match ? order by rowid desc limit ?"
    return {
        "count": lambda: db.execute(count, [query]).fetchall(),
        "walk": lambda: db.execute(walk, [query, RANKED_MATCHES]).fetchall(),
        "ranked": lambda: list(db.query(_ranked_sql("1"), ranked)),
        "search": lambda: search(db, phrase),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    db = open_db(args.database, create=False)
    timings: list[dict[str, float]] = []
    for seed in (0, 11):
        for phrase in kinds(db, queries(db, 200, seed), seed)["phrase"]:
            calls = steps(db, phrase)
            times: dict[str, list[float]] = {name: [] for name in calls}
            for _ in range(args.runs):
                for name, call in calls.items():
                    began = time.perf_counter()
                    call()
                    times[name].append((time.perf_counter() - began) * 1000)
            timings.append({name: statistics.median(ms) for name, ms in times.items()})
    print(f"{len(timings)} phrases, {args.runs} runs each in turn; p50 / p95 ms of the medians")
    for name in ("count", "walk", "ranked", "search"):
        values = [t[name] for t in timings]
        p95 = statistics.quantiles(values, n=20)[18]
        print(f"{name:7} {statistics.median(values):6.1f} / {p95:6.1f}")
    ratio = statistics.median(t["search"] / t["count"] for t in timings)
    print(f"search / count, median over phrases: {ratio:.2f}")


if __name__ == "__main__":
    main()
