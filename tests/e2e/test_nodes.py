"""Several machines on loopback: generated sites (with copies across sites) crawled by
``crawl --all`` into one database, and by ``dispatch`` over two scrapyd nodes plus ``merge``,
give the same stories, URLs, duplicate groups and search results; a job killed mid-run is
run again; a second merge changes nothing."""

from __future__ import annotations

import os
import signal
import sqlite3
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from crawler.demo.server import SiteServer
from tests.conftest import invoke, query, run_cli
from tests.e2e.test_merge import dump
from tests.nodesites import write_sites
from tests.scrapydnode import ScrapydNode, checkout_copy, deploy, need_scrapyd

SITES = 4
QUICK = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
         "-s", "NEWSDESK_BUNDLED_SITES=False"]  # fmt: skip
NODES = """[nodes.node1]
url = "{one}"
shard = "{tmp}/node1.db"
sites_dir = "{tmp}/sites"

[nodes.node2]
url = "{two}"
shard = "{tmp}/node2.db"
sites_dir = "{tmp}/sites"
"""


@dataclass(frozen=True)
class Cluster:
    tmp: Path
    server: SiteServer
    nodes: tuple[ScrapydNode, ScrapydNode]
    nodes_file: Path


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    need_scrapyd()
    tmp = tmp_path_factory.mktemp("nodes")
    write_sites(tmp / "www", tmp / "sites", SITES)
    env = os.environ | {"NEWSDESK_SITES_DIR": str(tmp / "sites")}  # the nodes' own sites
    with (
        SiteServer(tmp / "www") as server,
        ScrapydNode(tmp / "scrapyd1", env) as one,
        ScrapydNode(tmp / "scrapyd2", env) as two,
    ):
        checkout = checkout_copy(tmp / "checkout", {"node1": one.url, "node2": two.url})
        built = deploy(checkout, "--build-egg", "newsdesk.egg")
        assert built.returncode == 0, built.stderr
        for target in ("node1", "node2"):
            deployed = deploy(checkout, target, "--egg", "newsdesk.egg")
            assert deployed.returncode == 0, deployed.stderr + deployed.stdout
        nodes_file = tmp / "nodes.toml"
        nodes_file.write_text(NODES.format(one=one.url, two=two.url, tmp=tmp), encoding="utf-8")
        yield Cluster(tmp, server, (one, two), nodes_file)


def killer(node: ScrapydNode, site: str, done: threading.Event) -> list[int]:
    """SIGKILL the first running job of ``site`` on ``node`` (in a thread); the pids killed."""
    killed: list[int] = []

    def watch() -> None:
        while not done.is_set() and not killed:
            for job in node.get("listjobs.json?project=newsdesk")["running"]:
                if job["spider"] == site and job.get("pid"):
                    os.kill(job["pid"], signal.SIGKILL)
                    killed.append(job["pid"])
            time.sleep(0.05)

    threading.Thread(target=watch, daemon=True).start()
    return killed


def stories(db: Path) -> set[tuple[str, str]]:
    return {(r[0], r[1]) for r in query(db, "select canonical_url, content_hash from articles")}


def urls(db: Path) -> set[tuple[str, str]]:
    sql = "select u.url, a.canonical_url from article_urls u join articles a on a.id = u.article_id"
    return {(r[0], r[1]) for r in query(db, sql)}


def groups(db: Path) -> set[frozenset[str]]:
    """Stories linked by ``duplicate_of``, as sets of canonical URLs (whichever came first)."""
    rows = query(db, "select id, canonical_url, duplicate_of from articles")
    url = {r["id"]: r["canonical_url"] for r in rows}
    found: dict[int, set[str]] = {}
    for r in rows:
        if r["duplicate_of"] is not None:
            found.setdefault(r["duplicate_of"], {url[r["duplicate_of"]]}).add(r["canonical_url"])
    return {frozenset(group) for group in found.values()}


def searched(db: Path, words: list[str]) -> dict[str, set[str]]:
    sql = """select a.canonical_url from articles_fts f join articles a on a.id = f.rowid
             where articles_fts match ?"""
    connection = sqlite3.connect(db)
    try:
        return {w: {r[0] for r in connection.execute(sql, [w])} for w in words}
    finally:
        connection.close()


def common_words(db: Path) -> list[str]:
    titles = [r[0] for r in query(db, "select title from articles order by canonical_url")]
    return sorted({title.split()[0].lower() for title in titles})[:8]


def checks(db: Path) -> tuple[Any, Any]:
    return query(db, "pragma integrity_check")[0][0], query(db, "pragma foreign_key_check")


def test_dispatch_and_merge_equal_one_crawl_of_all_sites(cluster: Cluster) -> None:
    tmp, server = cluster.tmp, cluster.server
    one = tmp / "one.db"
    alone = run_cli("crawl", "--all", "--db", str(one), "--sites-dir", str(tmp / "sites"),
                    "--base-url", server.url, "--no-archive", *QUICK)  # fmt: skip
    assert alone.returncode == 0, alone.stderr[-2000:]

    done = threading.Event()
    killed = killer(cluster.nodes[1], "site1", done)  # site1 hashes to node2
    result = invoke("dispatch", str(cluster.nodes_file), "--base-url", server.url,
                    "--sites-dir", str(tmp / "sites"), "--poll", "0.2", *QUICK)  # fmt: skip
    done.set()
    assert result.returncode == 0, result.stdout + result.stderr
    summary = sorted(line.split(";")[0] for line in result.stdout.splitlines())
    assert summary == [f"site{k}: finished" for k in range(SITES)]
    assert killed, "the job of site1 was not seen running"
    assert "site1: job" in result.stderr and "ended without finishing; scheduling it again" in (
        result.stderr
    )

    central = tmp / "news.db"
    shards = [str(tmp / "node1.db"), str(tmp / "node2.db")]
    merged = invoke("merge", *shards, "--into", str(central))
    assert merged.returncode == 0, merged.stderr
    assert stories(central) == stories(one) and len(stories(one)) == SITES * 6
    assert urls(central) == urls(one)
    assert groups(central) == groups(one) and len(groups(one)) >= SITES
    words = common_words(one)
    assert searched(central, words) == searched(one, words)
    assert checks(central) == ("ok", [])

    before = dump(central)
    again = invoke("merge", *shards, "--into", str(central))
    assert again.stdout.count("nothing new since the last merge") == 2
    assert dump(central) == before


def test_a_site_whose_job_still_runs_is_skipped_and_an_unreachable_node_fails(
    cluster: Cluster, tmp_path: Path
) -> None:
    one, _ = cluster.nodes
    job = one.post("schedule.json", [
        ("project", "newsdesk"), ("spider", "site0"), ("base_url", cluster.server.url),
        ("setting", f"NEWSDESK_DB_PATH={tmp_path}/busy.db"),
        ("setting", "DOWNLOAD_DELAY=60"), ("setting", "NEWSDESK_BUNDLED_SITES=False"),
    ])["jobid"]  # fmt: skip
    nodes_file = tmp_path / "nodes.toml"
    text = cluster.nodes_file.read_text(encoding="utf-8")
    nodes_file.write_text(text.replace(cluster.nodes[1].url, "http://127.0.0.1:9/"))
    sites = str(cluster.tmp / "sites")
    result = invoke("dispatch", str(nodes_file), "--base-url", cluster.server.url,
                    "--sites-dir", sites, "--poll", "0.2", *QUICK)  # fmt: skip
    one.post("cancel.json", [("project", "newsdesk"), ("job", job), ("signal", "KILL")])
    one.wait_finished(job)
    assert result.returncode == 1
    lines = dict(line.split(": ", 1) for line in result.stdout.splitlines())
    assert lines["site0"] == f"skipped; job {job} is still running on node1"
    assert lines["site1"].startswith("failed;") and lines["site3"].startswith("failed;")
    assert "node node2 (http://127.0.0.1:9/)" in result.stderr
    assert lines["site2"].startswith("finished;")
