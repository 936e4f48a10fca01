"""Export streams: exporting 4x more articles must not take 4x more memory.

Measured, not timed: Python allocations (tracemalloc) of the library export, and
the peak resident memory of the real ``newsdesk export`` process.
"""

from __future__ import annotations

import json
import os
import subprocess
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from store.db import open_db
from store.export import export
from store.query import Filters
from tests.conftest import ROOT, measured_cli
from tests.peakrss import reported_peak_kib

ROWS = 8000
SMALL = 2000
BODY_WORDS = 700  # about 4 KB of text per article: 8000 articles are ~32 MB of text
START = datetime(2026, 1, 1, tzinfo=UTC)
# Articles are published an hour apart: those before this moment are the first SMALL ones.
SMALL_UNTIL = (START + timedelta(hours=SMALL)).isoformat()


def article(i: int) -> dict[str, object]:
    words = [f"word{(i * 7 + n) % 997}" for n in range(BODY_WORDS)]
    return {
        "canonical_url": f"https://example.test/{i}.html",
        "url": f"https://example.test/{i}.html",
        "site": "generated",
        "title": f"Generated article {i}",
        "authors": json.dumps([f"Author {i % 13}"]),
        "published": (START + timedelta(hours=i)).isoformat(),
        "language": "en",
        "body": " ".join(words),
        "word_count": BODY_WORDS,
        "content_hash": f"{i:064x}",
        "provenance": "{}",
        "version": 1,
    }


@pytest.fixture(scope="module")
def big_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("big") / "news.db"
    db = open_db(path)
    with db.atomic():
        db.table("articles").insert_all((article(i) for i in range(ROWS)), batch_size=500)
    db.close()
    return path


def traced_peak(db_path: Path, fmt: str, filters: Filters) -> tuple[int, int]:
    """Rows written and peak Python allocation (bytes) of an export to /dev/null."""
    db = open_db(db_path, create=False)
    with open(os.devnull, "w", encoding="utf-8") as sink:
        tracemalloc.start()
        try:
            count = export(db, fmt, sink, filters)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    db.close()
    return count, peak


def cli_peak_rss_kib(args: list[str]) -> int:
    """Peak resident memory (KiB) of one ``newsdesk`` process."""
    result = subprocess.run(
        measured_cli(args),
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return reported_peak_kib(result.stderr)


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_library_export_memory_does_not_grow_with_rows(big_db: Path, fmt: str) -> None:
    small_count, small_peak = traced_peak(big_db, fmt, Filters(until=SMALL_UNTIL))
    large_count, large_peak = traced_peak(big_db, fmt, Filters())
    assert (small_count, large_count) == (SMALL, ROWS)
    print(f"\n{fmt} export peak Python allocation: {SMALL} rows {small_peak} B, "
          f"{ROWS} rows {large_peak} B")
    # Holding the rows would take at least 3 x 2000 x 4 KB = 24 MB more for the large export.
    assert large_peak < 1.5 * small_peak + 256 * 1024


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")
def test_cli_export_peak_rss_does_not_grow_with_rows(big_db: Path, tmp_path: Path) -> None:
    common = ["export", "--db", str(big_db), "--format", "jsonl", "-o"]
    none = cli_peak_rss_kib([*common, str(tmp_path / "none.jsonl"), "--site", "nosuchsite"])
    small = cli_peak_rss_kib([*common, str(tmp_path / "small.jsonl"), "--until", SMALL_UNTIL])
    large = cli_peak_rss_kib([*common, str(tmp_path / "large.jsonl")])
    assert len((tmp_path / "large.jsonl").read_text().splitlines()) == ROWS
    assert len((tmp_path / "small.jsonl").read_text().splitlines()) == SMALL
    print(f"\nnewsdesk export peak RSS: 0 rows {none} KiB, {SMALL} rows {small} KiB, "
          f"{ROWS} rows {large} KiB")
    # 2000 articles are ~8 MB of text, 8000 ~32 MB; streaming keeps the process the same size.
    assert large - small < 8 * 1024
    assert large - none < 8 * 1024
