"""Crawl wall time on one scrapyd node vs two: generated sites, served on loopback, crawled
by ``newsdesk dispatch`` with a nodes file of one node or of two.

    python bench/nodes.py serve DIR [--sites 8] [--articles 40] [--slots 2]

writes the sites, starts their server and two scrapyd nodes (``--slots`` jobs at a time
each, as two small machines would run them), deploys the project to both with
scrapyd-deploy, writes ``DIR/one-node.toml`` and ``DIR/two-nodes.toml`` and prints the
command that crawls every site with each (shards removed first, so every run crawls every
page); then it serves until interrupted (Ctrl-C or SIGTERM). Time the two commands side by side.
"""

from __future__ import annotations

import argparse
import os
import shlex
import signal
import sys
import time
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from crawler.demo.server import SiteServer  # noqa: E402
from tests import scrapydnode  # noqa: E402
from tests.nodesites import write_sites  # noqa: E402

NODE = """[nodes.node{n}]
url = "{url}"
shard = "{folder}/node{n}.db"
"""
QUICK = "-s DOWNLOAD_DELAY=0 -s AUTOTHROTTLE_ENABLED=False -s NEWSDESK_BUNDLED_SITES=False"


def command(folder: Path, nodes_file: Path, server: str) -> str:
    newsdesk = Path(sys.executable).with_name("newsdesk")
    dispatch = (f"{newsdesk} dispatch {nodes_file} --base-url {server} --poll 0.5 "
                f"--sites-dir {folder / 'sites'} {QUICK}")  # fmt: skip
    return f"sh -c {shlex.quote(f'rm -f {folder}/node*.db*; exec {dispatch}')}"


def _stop(signum: int, frame: object) -> None:
    raise SystemExit(0)  # the nodes and the server are stopped on the way out


def serve(folder: Path, sites: int, articles: int, slots: int) -> None:
    signal.signal(signal.SIGTERM, _stop)
    folder = folder.resolve()
    write_sites(folder / "www", folder / "sites", sites, articles)
    scrapydnode.CONF = scrapydnode.CONF.replace("max_proc = 4", f"max_proc = {slots}")
    env = os.environ | {"NEWSDESK_SITES_DIR": str(folder / "sites")}
    with ExitStack() as stack:
        server = stack.enter_context(SiteServer(folder / "www"))
        nodes = [stack.enter_context(scrapydnode.ScrapydNode(folder / f"scrapyd{n}", env))
                 for n in (1, 2)]  # fmt: skip
        checkout = scrapydnode.checkout_copy(folder / "checkout", {"node1": nodes[0].url,
                                                                    "node2": nodes[1].url})
        for target in ("node1", "node2"):
            scrapydnode.deploy(checkout, target)
        text = [NODE.format(n=n + 1, url=node.url, folder=folder) for n, node in enumerate(nodes)]
        (folder / "one-node.toml").write_text(text[0], encoding="utf-8")
        (folder / "two-nodes.toml").write_text("\n".join(text), encoding="utf-8")
        for name in ("one-node", "two-nodes"):
            print(f"{name}: {command(folder, folder / f'{name}.toml', server.url)}", flush=True)
        while True:
            time.sleep(3600)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["serve"])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--sites", type=int, default=8)
    parser.add_argument("--articles", type=int, default=40)
    parser.add_argument("--slots", type=int, default=2)
    args = parser.parse_args()
    serve(args.folder, args.sites, args.articles, args.slots)


if __name__ == "__main__":
    main()
