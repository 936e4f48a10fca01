"""The benchmark figures as Markdown, and their place in BENCHMARKS.md."""

from __future__ import annotations

import os
import platform
import sqlite3
import statistics
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

BEGIN = "<!-- bench: crawl, storage, search, memory (python -m bench --write) -->"
END = "<!-- /bench -->"


def machine() -> dict[str, Any]:
    return {
        "cpus": os.cpu_count(),
        "load_1m": round(os.getloadavg()[0], 2),
        "python": platform.python_version(),
        "scrapy": version("scrapy"),
        "sqlite": sqlite3.sqlite_version,
        "datasketch": version("datasketch"),
    }


def median(values: list[float]) -> float:
    return statistics.median(values)


def markdown(results: dict[str, Any], command: str) -> str:
    scale = results["scale"]
    before, after = results["machine_before"], results["machine_after"]
    lines = [
        BEGIN,
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC with `{command}` "
        f"({results['minutes']:.1f} min; {results['reps']} repetitions, medians). Machine: "
        f"{before['cpus']} CPUs, load average {before['load_1m']} at start and "
        f"{after['load_1m']} at the end (other work shares the machine); Python "
        f"{before['python']}, Scrapy {before['scrapy']}, SQLite {before['sqlite']}, "
        f"datasketch {before['datasketch']}.",
        "",
    ]
    if "throughput" in results:
        lines += throughput(results, scale)
    if "storage" in results:
        lines += storage(results["storage"], scale)
    if "search" in results:
        lines += search(results["search"], scale)
    if "memory" in results:
        lines += memory(results["memory"], scale)
    return "\n".join([*lines, END])


def throughput(results: dict[str, Any], scale: dict[str, Any]) -> list[str]:
    rounds = results["throughput"]
    rows = [
        f"| {i + 1} | {r['bare']['pages_per_s']:.0f} | {r['pipeline']['pages_per_s']:.0f} "
        f"| {r['ratio']:.2f} | {cpu_ms(r['bare']):.1f} | {cpu_ms(r['pipeline']):.1f} "
        f"| {r['bare']['max_rss_mb']:.0f} | {r['pipeline']['max_rss_mb']:.0f} |"
        for i, r in enumerate(rounds)
    ]
    servers = ", ".join(f"{name} {rate:.0f} pages/s" for name, rate in results["servers"].items())
    return [
        "## Crawl throughput",
        "",
        f"A generated site of {scale['crawl_pages']:,} article pages (plus listing pages), "
        "served on 127.0.0.1 from another process; each crawl in a fresh process; same "
        "settings for both (no delay, no autothrottle, the project's concurrency 16/4 per "
        "domain). CPU ms/page includes the process's start-up (imports, about 1 s) and "
        "its extraction workers, if any started.",
        "",
        "| run | bare pages/s | pipeline pages/s | ratio | bare CPU ms/page "
        "| pipeline CPU ms/page | bare peak MB | pipeline peak MB |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
        *rows,
        "",
        f"**Median ratio pipeline/bare: {median([r['ratio'] for r in rounds]):.2f}** "
        "(target >= 0.6).",
        "",
        f"Static server check (bare spider, first {scale['server_sample']} pages): {servers}.",
        "",
    ]


def cpu_ms(run: dict[str, Any]) -> float:
    return float(run["cpu_s"]) * 1000 / max(1, int(run["pages"]))


def storage(result: dict[str, Any], scale: dict[str, Any]) -> list[str]:
    curve = " | ".join(f"{p['stored']:,}: {p['articles_per_s']:.0f}" for p in result["fill"])
    rounds = result["side_by_side"]
    rows = [
        f"| {i + 1} | {r['small']['wall_ms']:.2f} | {r['large']['wall_ms']:.2f} "
        f"| {r['wall_ratio']:.2f} | {r['small']['cpu_ms']:.2f} | {r['large']['cpu_ms']:.2f} "
        f"| {r['cpu_ratio']:.2f} |"
        for i, r in enumerate(rounds)
    ]
    return [
        "## Storage and dedup",
        "",
        "Generated articles (5% republished copies) through the real validate, dedup, "
        "near-dup and store pipelines (`process_item`) into a SQLite file.",
        "",
        f"Filling to {scale['store_large']:,} articles, articles/s per window "
        f"(stored so far: articles/s): {curve}",
        "",
        f"Side by side: the same {scale['window']:,} new articles into the database at "
        f"{scale['store_small']:,} and at {scale['store_large']:,} articles "
        "(ms per article):",
        "",
        "| run | wall small | wall large | wall ratio | CPU small | CPU large | CPU ratio |",
        "| --- | --- | --- | --- | --- | --- | --- |",
        *rows,
        "",
        f"**Median cost ratio large/small: wall {median([r['wall_ratio'] for r in rounds]):.2f}, "
        f"CPU {median([r['cpu_ratio'] for r in rounds]):.2f}** (target <= 1.2).",
        "",
    ]


def search(rounds: list[dict[str, Any]], scale: dict[str, Any]) -> list[str]:
    rows = [
        f"| {i + 1} | {r['fts_ms']['p50']:.2f} | {r['fts_ms']['p95']:.2f} "
        f"| {r['like_ms']['p50']:.1f} | {r['like_ms']['p95']:.1f} "
        f"| {r['like_ms']['p50'] / r['fts_ms']['p50']:.0f}x | {r['queries_with_hits']:.0%} |"
        for i, r in enumerate(rounds)
    ]
    p50 = median([r["fts_ms"]["p50"] for r in rounds])
    return [
        "## Search",
        "",
        f"`store.query.search` (FTS5, BM25 order, 10 results) on the storage benchmark's "
        f"database ({scale['store_large']:,}+ articles), {scale['search_queries']} two-word "
        "queries taken from stored articles, against a LIKE scan (title or body contains "
        f"every word, newest 10) over the first {scale['like_queries']} of them.",
        "",
        "| run | FTS p50 ms | FTS p95 ms | LIKE p50 ms | LIKE p95 ms | LIKE/FTS p50 | hits |",
        "| --- | --- | --- | --- | --- | --- | --- |",
        *rows,
        "",
        f"**Median FTS p50: {p50:.2f} ms** (target < 20 ms).",
        "",
        *search_kinds(rounds),
    ]


def search_kinds(rounds: list[dict[str, Any]]) -> list[str]:
    """p50/p95 per kind of query (``bench.search.kinds``), median over rounds."""
    if not all("kinds_ms" in r for r in rounds):
        return []
    names = list(rounds[0]["kinds_ms"])
    rows = [
        f"| {name} | {median([r['kinds_ms'][name]['p50'] for r in rounds]):.1f} "
        f"| {median([r['kinds_ms'][name]['p95'] for r in rounds]):.1f} |"
        for name in names
    ]
    worst = max(median([r["kinds_ms"][name]["p95"] for r in rounds]) for name in names)
    return [
        "Each kind of query, 20 of each (a three-word phrase from an article, two words, a "
        "three-letter prefix, one of the words every sampled article has):",
        "",
        "| kind | p50 ms | p95 ms |",
        "| --- | --- | --- |",
        *rows,
        "",
        f"**Worst p95: {worst:.1f} ms** (target < 50 ms for every kind).",
        "",
    ]


def memory(rounds: list[dict[str, Any]], scale: dict[str, Any]) -> list[str]:
    rows = [
        f"| {i + 1} | {r['empty']['max_rss_mb']:.1f} | {r['full']['max_rss_mb']:.1f} "
        f"| {r['ratio']:.2f} | {r['empty']['stored']:,} | {r['full']['stored']:,} |"
        for i, r in enumerate(rounds)
    ]
    peak = max(max(r["empty"]["max_rss_mb"], r["full"]["max_rss_mb"]) for r in rounds)
    return [
        "## Memory",
        "",
        f"Peak RSS (VmHWM of the crawling process) of a full crawl of a "
        f"generated site of {scale['memory_pages']:,} article pages, into an empty database "
        f"and into a copy of the storage benchmark's database ({scale['store_large']:,}+ "
        "articles). The two crawls run at the same time.",
        "",
        "| run | empty DB MB | full DB MB | ratio | stored (empty) | stored (full) |",
        "| --- | --- | --- | --- | --- | --- |",
        *rows,
        "",
        f"**Peak {peak:.0f} MB; median ratio full/empty "
        f"{median([r['ratio'] for r in rounds]):.2f}** (target < 250 MB, not growing).",
        "",
    ]


def write(path: Path, text: str) -> None:
    """Replace this script's part of ``path`` (or add it), keeping every other section."""
    current = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    if BEGIN in current and END in current:
        head, rest = current.split(BEGIN, 1)
        tail = rest.split(END, 1)[1]
        current = head + text + tail
    else:
        current = current.rstrip("\n") + "\n\n" + text + "\n"
    path.write_text(current, encoding="utf-8")
