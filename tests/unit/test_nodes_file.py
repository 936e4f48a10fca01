"""The nodes file of ``newsdesk dispatch``: a mistake is one line naming the file and the field;
sites stay on their node when nodes are added, and pins win."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.ops.nodes import load_nodes
from tests.conftest import assert_one_line_error, invoke

GOOD = """[nodes.a]
url = "http://127.0.0.1:9/"
shard = "/srv/a.db"

[nodes.b]
url = "http://127.0.0.1:9/"
shard = "/srv/b.db"
"""


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("nodes = 3", "field 'nodes' needs at least one [nodes.NAME] table"),
        ('[nodes.a]\nurl = "http://x.test/"', "field 'nodes.a.shard' is required"),
        ('[nodes.a]\nurl = "ftp://x/"\nshard = "s.db"', "field 'nodes.a.url' must be the node's"),
        (GOOD + '[pins]\neirns = "c"', "field 'pins.eirns' names no node (nodes: a, b)"),
        (GOOD + "[nodes.a.extra]", "field 'nodes.a.extra' is not a known field"),
        ("[nodes", "cannot read nodes file"),
    ],
)
def test_a_bad_nodes_file_is_one_line(tmp_path: Path, text: str, needle: str) -> None:
    path = tmp_path / "nodes.toml"
    path.write_text(text, encoding="utf-8")
    assert_one_line_error(invoke("dispatch", str(path)), str(path), needle)


def test_a_pin_of_a_site_nobody_declared_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "nodes.toml"
    path.write_text(GOOD + '[pins]\nnowhere = "a"\n', encoding="utf-8")
    assert_one_line_error(invoke("dispatch", str(path)), "field 'pins.nowhere': no nightly site")


def test_sites_keep_their_node_when_one_is_added_and_pins_win(tmp_path: Path) -> None:
    path = tmp_path / "nodes.toml"
    path.write_text(GOOD, encoding="utf-8")
    sites = [f"site{n}" for n in range(200)]
    two = {s: node.name for s, node in load_nodes(path).assign(sites).items()}
    path.write_text(GOOD + '[nodes.c]\nurl = "http://127.0.0.1:9/"\nshard = "/srv/c.db"\n'
                    '[pins]\nsite0 = "b"\n', encoding="utf-8")  # fmt: skip
    three = {s: node.name for s, node in load_nodes(path).assign(sites).items()}
    moved = [s for s in sites[1:] if two[s] != three[s]]
    assert {three[s] for s in moved} == {"c"} and 40 < len(moved) < 95
    assert three["site0"] == "b" and set(two.values()) == {"a", "b"}
