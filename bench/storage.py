"""Storage and dedup: generated articles through the real validate, dedup, near-dup and
store pipelines into a real SQLite file, as a crawl drives them (``process_item``)."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from scrapy.exceptions import DropItem

from bench.generate import items
from crawler.items import Article
from crawler.ops.run import project_settings
from pipelines.dedup import DedupPipeline
from pipelines.neardup import NearDupPipeline
from pipelines.store import StorePipeline
from pipelines.validate import ValidatePipeline

WINDOW = 5_000  # articles generated (untimed) and then stored (timed) at a time
# Stored articles are numbered from here, so their URLs are not the generated site's
# and a crawl of that site into this database stores every page.
FIRST = 10_000_000


class Pipelines:
    """The project's item pipelines in their configured order, over one database."""

    def __init__(self, db: Path) -> None:
        self.stages: list[Any] = [
            ValidatePipeline(),
            DedupPipeline(str(db)),
            NearDupPipeline(str(db)),
            StorePipeline(str(db), project_settings().getint("NEWSDESK_STORE_BATCH_SIZE")),
        ]
        for stage in self.stages:
            if hasattr(stage, "open_spider"):
                stage.open_spider()

    def close(self) -> None:
        for stage in self.stages:
            if hasattr(stage, "close_spider"):
                stage.close_spider()

    def feed(self, batch: Iterable[Article]) -> int:
        """Process every item; returns how many were dropped."""
        dropped = 0
        for item in batch:
            try:
                for stage in self.stages:
                    item = stage.process_item(item)
            except DropItem:
                dropped += 1
        return dropped

    def flush(self) -> None:
        self.stages[-1].flush()


def timed_insert(pipelines: Pipelines, count: int, start: int) -> dict[str, float]:
    """Wall and CPU milliseconds per article to store ``count`` new articles from ``start``."""
    batch = list(items(count, start=FIRST + start))
    began, cpu = time.perf_counter(), time.process_time()
    pipelines.feed(batch)
    pipelines.flush()
    return {
        "wall_ms": (time.perf_counter() - began) * 1000 / count,
        "cpu_ms": (time.process_time() - cpu) * 1000 / count,
    }


def fill(db: Path, total: int, snapshot_at: int, snapshot: Path) -> list[dict[str, Any]]:
    """Store ``total`` articles into a new database, copying it to ``snapshot`` once it
    holds ``snapshot_at``; returns articles/s for each window as the database grows."""
    curve: list[dict[str, float]] = []
    pipelines = Pipelines(db)
    try:
        for start in range(0, total, WINDOW):
            count = min(WINDOW, total - start)
            cost = timed_insert(pipelines, count, start)
            curve.append(
                {"stored": start + count, **cost, "articles_per_s": 1000 / cost["wall_ms"]}
            )
            if start + count == snapshot_at:
                pipelines.close()
                shutil.copyfile(db, snapshot)
                pipelines = Pipelines(db)
    finally:
        pipelines.close()
    return curve


def side_by_side(small: Path, large: Path, count: int, start: int) -> dict[str, Any]:
    """Store the same ``count`` new articles into both databases; cost per article."""
    costs: dict[str, Any] = {}
    for name, db in (("small", small), ("large", large)):
        pipelines = Pipelines(db)
        try:
            costs[name] = timed_insert(pipelines, count, start)
        finally:
            pipelines.close()
    costs["wall_ratio"] = costs["large"]["wall_ms"] / costs["small"]["wall_ms"]
    costs["cpu_ratio"] = costs["large"]["cpu_ms"] / costs["small"]["cpu_ms"]
    return costs
