"""The project deployed to a real scrapyd on loopback, as the README says, crawls the demo site
into the database the job names; a job that names none writes nothing."""

from __future__ import annotations

from pathlib import Path

from crawler.demo.server import SiteServer
from tests.conftest import demo_manifest, query
from tests.scrapydnode import ScrapydNode, checkout_copy, deploy, need_scrapyd

LOOPBACK = [("setting", "DOWNLOAD_DELAY=0"), ("setting", "AUTOTHROTTLE_ENABLED=False")]


def test_deployed_project_crawls_demo_into_the_node_database(
    tmp_path: Path, demo_server: SiteServer
) -> None:
    need_scrapyd()
    with ScrapydNode(tmp_path / "node") as node:
        checkout = checkout_copy(tmp_path / "checkout", {"node": node.url})
        deployed = deploy(checkout, "node")
        assert deployed.returncode == 0, deployed.stderr + deployed.stdout
        assert '"status": "ok"' in deployed.stdout
        spiders = node.get("listspiders.json?project=newsdesk")["spiders"]
        assert {"demo", "eirns"} <= set(spiders)  # declarations read from inside the egg

        shard = tmp_path / "shard.db"
        job = node.post("schedule.json", [
            ("project", "newsdesk"), ("spider", "demo"), ("base_url", demo_server.url),
            ("setting", f"NEWSDESK_DB_PATH={shard}"), *LOOPBACK,
        ])["jobid"]  # fmt: skip
        node.wait_finished(job)
        titles = {row["title"] for row in query(shard, "select title from articles")}
        assert titles == {article["title"] for article in demo_manifest()}
        runs = query(shard, "select site, status from crawl_runs")
        assert [(r["site"], r["status"]) for r in runs] == [("demo", "finished")]

        unnamed = node.post("schedule.json", [
            ("project", "newsdesk"), ("spider", "demo"), ("base_url", demo_server.url), *LOOPBACK,
        ])["jobid"]  # fmt: skip
        log = node.log(node.wait_finished(unnamed))
        assert f"scrapyd job {unnamed}: no database named (NEWSDESK_DB_PATH)" in log
        assert not list(node.folder.rglob("*.db")) or all(
            p.parent.name == "dbs" for p in node.folder.rglob("*.db")
        )  # scrapyd's own queue databases only: no news.db in its folder
