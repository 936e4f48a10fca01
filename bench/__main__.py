"""``python -m bench``: crawl throughput, storage and dedup, search, memory.

Every figure is a ratio measured side by side in this run, repeated ``--reps`` times
and reported as the median. ``--write`` puts the figures into BENCHMARKS.md (between
this script's markers; other sections of that file are left alone).
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from bench import crawl, report, search, storage

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Scale:
    crawl_pages: int = 2_000
    store_small: int = 10_000
    store_large: int = 100_000
    window: int = 2_000
    search_queries: int = 200
    like_queries: int = 20
    memory_pages: int = 20_000
    server_sample: int = 300


QUICK = Scale(500, 2_000, 10_000, 500, 50, 10, 2_000, 100)
BENCHES = ("storage", "search", "throughput", "memory")


def main(argv: list[str] | None = None) -> None:
    args = parse(argv)
    scale = QUICK if args.quick else Scale()
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    results: dict[str, Any] = {
        "scale": asdict(scale),
        "reps": args.reps,
        "machine_before": report.machine(),
    }
    large = workdir / f"store-{scale.store_large}.db"
    small = workdir / f"store-{scale.store_small}.db"
    if "storage" in args.only:
        results["storage"] = run_storage(scale, args.reps, small, large)
    if "search" in args.only:
        rounds = [
            search.measure(large, scale.search_queries, scale.like_queries, seed)
            for seed in range(args.reps)
        ]
        results["search"] = rounds
        progress("search", rounds)
    if "throughput" in args.only:
        results["servers"] = crawl.servers(workdir, scale.crawl_pages, scale.server_sample)
        progress("servers", results["servers"])
        results["throughput"] = crawl.throughput(workdir, scale.crawl_pages, args.reps)
        progress("throughput", results["throughput"])
    if "memory" in args.only:
        results["memory"] = crawl.memory(workdir, scale.memory_pages, large, args.memory_reps)
        progress("memory", results["memory"])
    results["machine_after"] = report.machine()
    results["minutes"] = (time.perf_counter() - started) / 60
    (workdir / "results.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    text = report.markdown(results, command(argv))
    print(text)
    if args.write:
        report.write(ROOT / "BENCHMARKS.md", text)


def run_storage(scale: Scale, reps: int, small: Path, large: Path) -> dict[str, Any]:
    for db in (small, large):
        crawl.remove_db(db)
    curve = storage.fill(large, scale.store_large, scale.store_small, small)
    progress("fill", curve)
    rounds = []
    for rep in range(reps):
        start = scale.store_large + rep * scale.window
        rounds.append(storage.side_by_side(small, large, scale.window, start))
    progress("side by side", rounds)
    return {"fill": curve, "side_by_side": rounds}


def progress(name: str, value: Any) -> None:
    print(f"[bench] {name}: {json.dumps(value)[:600]}", file=sys.stderr, flush=True)


def command(argv: list[str] | None) -> str:
    args = sys.argv[1:] if argv is None else argv
    return shlex.join(["python", "-m", "bench", *args])


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="about a tenth of the sizes")
    parser.add_argument("--reps", type=int, default=3, help="repetitions of each ratio")
    parser.add_argument(
        "--memory-reps", type=int, default=1, help="repetitions of the memory crawls (slow)"
    )
    parser.add_argument(
        "--only",
        type=lambda text: tuple(text.split(",")),
        default=BENCHES,
        help=f"comma-separated subset of {','.join(BENCHES)} (search and memory need storage "
        "to have run in the same --workdir)",
    )
    parser.add_argument("--workdir", default="output/bench", help="generated sites and databases")
    parser.add_argument("--write", action="store_true", help="update BENCHMARKS.md")
    return parser.parse_args(argv)


if __name__ == "__main__":
    main()
