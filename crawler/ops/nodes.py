"""The nodes file and which node crawls which site.

```toml
project = "newsdesk"                       # the scrapyd project (scrapyd-deploy's)

[nodes.node1]
url = "http://10.0.0.11:6800/"
shard = "/var/lib/newsdesk/shard.db"        # the node's database: NEWSDESK_DB_PATH of its jobs
sites_dir = "/etc/newsdesk/sites"           # optional: NEWSDESK_SITES_DIR of its jobs

[pins]                                      # optional: a site always on this node
eirns = "node1"
```

A site goes to the node with the highest rendezvous hash of (node, site): the same node
every night, and adding a node moves only the sites that now hash highest on it (about
1/N of them); removing one moves only its own sites. A pin overrides the hash.
"""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import urlsplit

_KEYS = {"project", "nodes", "pins"}
_NODE_KEYS = {"url", "shard", "sites_dir"}


class NodesError(ValueError):
    """The nodes file is invalid; the message names the file and the field."""


@dataclass(frozen=True)
class Node:
    name: str
    url: str
    shard: str
    sites_dir: str | None = None


@dataclass(frozen=True)
class Nodes:
    """The nodes of a nodes file, its project and its pins."""

    nodes: dict[str, Node]
    pins: dict[str, str] = field(default_factory=dict)
    project: str = "newsdesk"
    source: str = "<memory>"

    def assign(self, sites: Iterable[str]) -> dict[str, Node]:
        """Each site's node: its pin, else the rendezvous hash."""
        return {site: self.nodes[self.pins.get(site) or owner(site, self.nodes)] for site in sites}

    def check_pins(self, sites: Iterable[str]) -> None:
        known = set(sites)
        for site in sorted(set(self.pins) - known):
            raise NodesError(f"{self.source}: field 'pins.{site}': no nightly site {site!r}")


def weight(node: str, site: str) -> int:
    """The rendezvous weight of ``site`` on ``node`` (stable across runs and machines).

    >>> weight("node1", "eirns") == weight("node1", "eirns") != weight("node2", "eirns")
    True
    """
    digest = hashlib.blake2b(f"{node}\0{site}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


def owner(site: str, nodes: Iterable[str]) -> str:
    """The node with the highest weight for ``site``.

    Adding a node moves a site only onto the new node:

    >>> sites = [f"site{n}" for n in range(300)]
    >>> two = {s: owner(s, ["a", "b"]) for s in sites}
    >>> three = {s: owner(s, ["a", "b", "c"]) for s in sites}
    >>> moved = [s for s in sites if two[s] != three[s]]
    >>> all(three[s] == "c" for s in moved), 70 < len(moved) < 130
    (True, True)
    """
    return max(nodes, key=lambda node: (weight(node, site), node))


def load_nodes(path: str | Path) -> Nodes:
    """Read and check a nodes file; :class:`NodesError` names the file and the field."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise NodesError(f"{path}: cannot read nodes file: {exc}") from None
    check = _Check(str(path))
    check.known(data, _KEYS, "")
    project = check.text(data, "project", "", default="newsdesk")
    tables = data.get("nodes")
    if not isinstance(tables, dict) or not tables:
        check.fail("nodes", "needs at least one [nodes.NAME] table")
    nodes = {name: check.node(name, table) for name, table in tables.items()}
    pins = data.get("pins", {})
    if not isinstance(pins, dict):
        check.fail("pins", "must be a table of site = node name")
    for site, node in pins.items():
        if node not in nodes:
            check.fail(f"pins.{site}", f"names no node (nodes: {', '.join(sorted(nodes))})")
    return Nodes(nodes, dict(pins), project, str(path))


@dataclass
class _Check:
    source: str

    def fail(self, key: str, problem: str) -> NoReturn:
        raise NodesError(f"{self.source}: field {key!r} {problem}")

    def known(self, data: dict[str, Any], keys: set[str], prefix: str) -> None:
        for key in sorted(set(data) - keys):
            self.fail(prefix + key, f"is not a known field (known: {', '.join(sorted(keys))})")

    def text(self, data: dict[str, Any], key: str, prefix: str, default: str | None) -> Any:
        value = data.get(key, default)
        if value is None:
            self.fail(prefix + key, "is required")
        if not isinstance(value, str) or not value:
            self.fail(prefix + key, f"must be a non-empty string, got {value!r}")
        return value

    def node(self, name: str, table: Any) -> Node:
        prefix = f"nodes.{name}."
        if not isinstance(table, dict):
            self.fail(f"nodes.{name}", "must be a table")
        self.known(table, _NODE_KEYS, prefix)
        url = self.text(table, "url", prefix, None)
        if urlsplit(url).scheme not in ("http", "https"):
            self.fail(prefix + "url", f"must be the node's http(s) URL, got {url!r}")
        shard = self.text(table, "shard", prefix, None)
        sites_dir = self.text(table, "sites_dir", prefix, "-")
        return Node(name, url, shard, None if sites_dir == "-" else sites_dir)
