"""`sites add` then `crawl`, end to end, on the generated loopback sites.

    python bench/onboard_sites.py

For each generated site of ``tests/onboard_sites.py`` (served on 127.0.0.1): run
``newsdesk sites add`` into a temporary sites folder, then ``newsdesk crawl`` into a
temporary database (both as subprocesses, as a user runs them, with
``DOWNLOAD_DELAY=0`` and no autothrottle), and count the articles stored and the
fields equal to the generator's truth. Prints a Markdown table; wall-clock seconds
include starting Python and Scrapy. Figures only.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.onboard_sites import GENERATED, Site, generated  # noqa: E402

FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False"]
FIELDS = ("title", "authors", "published", "body", "section")


def newsdesk(*args: str) -> tuple[float, subprocess.CompletedProcess[str]]:
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "crawler", *args], capture_output=True, text=True, cwd=ROOT
    )
    return time.perf_counter() - started, result


def equal_fields(db: Path, origin: str, truth: Site) -> dict[str, int]:
    """Per field, how many stored articles equal the truth."""
    connection = sqlite3.connect(db)
    connection.row_factory = sqlite3.Row
    rows = {r["url"]: r for r in connection.execute("select * from articles")}
    connection.close()
    counts = dict.fromkeys(FIELDS, 0)
    for story in truth.stories:
        row = rows.get(origin + story.path)
        if row is None:
            continue
        values = {
            "title": story.title,
            "authors": story.authors,
            "published": story.published,
            "body": story.body,
            "section": story.section.title() if truth.shows_section else None,
        }
        stored = dict(row) | {"authors": json.loads(row["authors"] or "null")}
        for field in FIELDS:
            counts[field] += stored[field] == values[field]
    counts["stored"] = len(rows)
    return counts


def main() -> None:
    print("| site | articles | add s | crawl s | stored | " + " | ".join(FIELDS) + " |")
    print("| --- " * (5 + len(FIELDS)) + "|")
    for name in sorted(GENERATED):
        with tempfile.TemporaryDirectory() as tmp, generated(name, Path(tmp) / "www") as served:
            origin, truth = served
            sites_dir, db = Path(tmp) / "sites", Path(tmp) / "news.db"
            add_s, added = newsdesk(
                "sites", "add", origin + "/", "--name", name, "--sites-dir", str(sites_dir), *FAST
            )
            if added.returncode:
                print(f"| {name} | sites add failed: {added.stderr.strip()[-200:]} |")
                continue
            crawl_s, _ = newsdesk(
                "crawl", name, "--db", str(db), "-s", f"NEWSDESK_SITES_DIR={sites_dir}", *FAST
            )
            counts = equal_fields(db, origin, truth)
            cells = [str(counts[f]) for f in FIELDS]
            print(
                f"| {name} | {len(truth.stories)} | {add_s:.1f} | {crawl_s:.1f} | "
                f"{counts['stored']} | " + " | ".join(cells) + " |"
            )


if __name__ == "__main__":
    main()
