"""Shared fixtures: the demo site on a loopback server, and running the real CLI."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from crawler.demo.server import SITE_DIR, SiteServer

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
# CI lays shared/ beside the clone; a developer's checkout has it at ../shared too.
SHARED = ROOT.parent / "shared"


def run_cli(
    *args: str, cwd: Path | None = None, timeout: int = 120
) -> subprocess.CompletedProcess[str]:
    """Run ``newsdesk ARGS`` in a subprocess, as a user would."""
    return subprocess.run(
        [sys.executable, "-m", "crawler", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=cwd or ROOT,
    )


def query(db: Path, sql: str) -> list[sqlite3.Row]:
    """Rows of ``sql`` on the SQLite file ``db``, read with the standard library alone."""
    connection = sqlite3.connect(db)
    connection.row_factory = sqlite3.Row
    try:
        return connection.execute(sql).fetchall()
    finally:
        connection.close()


def demo_manifest() -> list[dict[str, Any]]:
    """The demo site's real articles, as its authors listed them."""
    return json.loads((SITE_DIR / "MANIFEST.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def demo_server() -> Iterator[SiteServer]:
    with SiteServer() as server:
        yield server


LOOPBACK = ("-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "--log-level", "INFO")


@pytest.fixture(scope="module")
def crawled_db(tmp_path_factory: pytest.TempPathFactory, demo_server: SiteServer) -> Path:
    """A database filled by one real crawl of the demo site through the CLI."""
    db = tmp_path_factory.mktemp("crawl") / "news.db"
    result = run_cli("crawl", "demo", "--db", str(db), "--base-url", demo_server.url, *LOOPBACK)
    assert result.returncode == 0, result.stderr[-3000:]
    return db
