"""Crawls of the generated site: throughput against a bare spider, and peak memory.

Each crawl runs in a fresh process (``bench.crawl_worker``) against a server in
another process, so figures are the crawler's own.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from bench.fastserver import FastServer
from bench.generate import write_declaration, write_site
from crawler.demo.server import SiteServer

ROOT = Path(__file__).resolve().parent.parent


def prepare_site(workdir: Path, pages: int) -> Path:
    """A generated site of ``pages`` articles under ``workdir/site-<pages>`` (kept)."""
    folder = workdir / f"site-{pages}"
    if not (folder / "www" / "index.html").exists():
        shutil.rmtree(folder, ignore_errors=True)
        write_site(folder / "www", pages)
        write_declaration(folder / "sites")
    return folder


def run_worker(
    mode: str,
    url: str,
    site: Path,
    db: Path,
    settings: dict[str, Any] | None = None,
    fresh: bool = True,
) -> dict[str, Any]:
    """Run one crawl in a new process; with ``fresh``, into a new database."""
    if fresh:
        remove_db(db)
    command = [sys.executable, "-m", "bench.crawl_worker", mode, url, str(site / "sites"), str(db)]
    if settings:
        command.append(json.dumps(settings))
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=3600)
    if done.returncode != 0:
        raise RuntimeError(f"{mode} crawl failed: {done.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def remove_db(db: Path) -> None:
    for stale in db.parent.glob(db.name + "*"):
        stale.unlink()


def throughput(workdir: Path, pages: int, reps: int) -> list[dict[str, Any]]:
    """Bare spider and full pipeline on the same site, alternating which goes first."""
    site = prepare_site(workdir, pages)
    rounds = []
    with FastServer(site / "www") as server:
        for rep in range(reps):
            order = ("bare", "pipeline") if rep % 2 == 0 else ("pipeline", "bare")
            runs = {
                mode: run_worker(mode, server.url, site, workdir / "crawl.db") for mode in order
            }
            runs["ratio"] = runs["pipeline"]["pages_per_s"] / runs["bare"]["pages_per_s"]
            rounds.append(runs)
    return rounds


def servers(workdir: Path, pages: int, sample: int) -> dict[str, float]:
    """Bare-spider pages/s for the first ``sample`` pages from each static server."""
    site = prepare_site(workdir, pages)
    limit = {"CLOSESPIDER_PAGECOUNT": sample}
    result = {}
    for name, server_class in (("http.server", SiteServer), ("asyncio in-memory", FastServer)):
        with server_class(site / "www") as server:
            run = run_worker("bare", server.url, site, workdir / "crawl.db", limit)
            result[name] = run["pages_per_s"]
    return result


def memory(workdir: Path, pages: int, full_db: Path, reps: int) -> list[dict[str, Any]]:
    """Peak RSS of the full crawl into an empty database and into a copy of ``full_db``.

    The two crawls run at the same time (their speed is not measured here), which
    halves the wall time of this benchmark.
    """
    site = prepare_site(workdir, pages)
    empty_db, filled_db = workdir / "memory-empty.db", workdir / "memory-full.db"
    rounds = []
    with FastServer(site / "www") as server, ThreadPoolExecutor(2) as pool:
        for _ in range(reps):
            remove_db(filled_db)
            shutil.copyfile(full_db, filled_db)
            empty = pool.submit(run_worker, "pipeline", server.url, site, empty_db)
            full = pool.submit(run_worker, "pipeline", server.url, site, filled_db, fresh=False)
            runs = {"empty": empty.result(), "full": full.result()}
            runs["ratio"] = runs["full"]["max_rss_mb"] / runs["empty"]["max_rss_mb"]
            rounds.append(runs)
    return rounds
