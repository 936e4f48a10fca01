"""Merge cost: node shards of generated articles (stored through the real pipelines) merged
into a new central database with ``newsdesk merge``'s library function.

    python bench/merge.py prepare DIR --articles 10000   # DIR/node1.db, DIR/node2.db (untimed)
    python bench/merge.py run DIR                        # merge into a fresh DIR/news.db, twice

Each shard holds half the articles, of its own site; about 5% of the articles of each are
copies of earlier ones (bench/generate.py), and the second shard republishes a share of the
first's stories, so near-duplicates are linked across shards. ``run`` prints the seconds of
the first merge (everything new), per 10,000 articles, and of the second (nothing new).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.generate import items  # noqa: E402
from bench.storage import Pipelines  # noqa: E402
from store.merge import merge  # noqa: E402

CROSS_COPIES = 0.05  # of the second shard's articles: stories of the first shard


def prepare(folder: Path, articles: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    half = articles // 2
    for number, site in ((1, "alpha"), (2, "beta")):
        shard = folder / f"node{number}.db"
        shard.unlink(missing_ok=True)
        batch = []
        for item in items(half, seed=number):
            batch.append(_on_site(item, site))
        if number == 2:  # the first shard's stories, republished by the second site
            copies = int(half * CROSS_COPIES)
            batch[:copies] = [_on_site(i, site, "copy-") for i in items(copies, seed=1)]
        pipelines = Pipelines(shard)
        try:
            pipelines.feed(batch)
            pipelines.flush()
        finally:
            pipelines.close()
        print(f"{shard}: {len(batch)} articles")


def _on_site(item: object, site: str, prefix: str = "") -> object:
    article = dict(item)  # type: ignore[call-overload]
    url = article["url"].replace("bench.test", f"{site}.test").replace("/news/", f"/{prefix}news/")
    article.update(site=site, url=url, canonical_url=url)
    return type(item)(article)


def run(folder: Path) -> None:
    shards: list[str | Path] = [folder / "node1.db", folder / "node2.db"]
    central = folder / "news.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{central}{suffix}").unlink(missing_ok=True)
    began = time.perf_counter()
    reports = merge(central, shards)
    first = time.perf_counter() - began
    merged = sum(r.new + r.same_text for r in reports)
    began = time.perf_counter()
    merge(central, shards)
    second = time.perf_counter() - began
    for report in reports:
        print(report.line())
    print(f"first merge: {merged} articles in {first:.2f} s = {first * 10_000 / merged:.2f} s "
          f"per 10k articles; second merge (nothing new): {second:.2f} s")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["prepare", "run"])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--articles", type=int, default=10_000)
    args = parser.parse_args()
    if args.action == "prepare":
        prepare(args.folder, args.articles)
    else:
        run(args.folder)


if __name__ == "__main__":
    main()
