"""Shared fixtures and helpers: the demo site on a loopback server, one crawled database for
the read-only tests, and running the real CLI (in a subprocess, or in this process)."""

from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
import subprocess
import sys
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import pytest
from click.testing import CliRunner

from crawler.cli import main
from crawler.demo.server import SITE_DIR, SiteServer
from tests.peakrss import measured

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
# CI lays shared/ beside the clone; a developer's checkout has it at ../shared too.
SHARED = ROOT.parent / "shared"


class Ran(Protocol):
    """What a test reads of a finished command, however it was run."""

    @property
    def returncode(self) -> int: ...
    @property
    def stdout(self) -> str: ...
    @property
    def stderr(self) -> str: ...


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


@dataclass(frozen=True)
class Invoked:
    """A command run in this process: its exit status and what it wrote to stdout and stderr."""

    returncode: int
    stdout: str
    stderr: str


def invoke(*args: str) -> Invoked:
    """Run ``newsdesk ARGS`` in this process through click's ``CliRunner``.

    What reaches the user is what a process would show: an uncaught exception becomes its
    traceback on stderr and exit status 1, and log records of WARNING and above are lines
    on stderr (as Python's last-resort handler prints them when nothing configured logging).
    Not for commands that start Scrapy's reactor: it starts once per process.
    """
    handler = _StderrHandler()
    logging.getLogger().addHandler(handler)
    try:
        result = CliRunner().invoke(main, list(args), prog_name="newsdesk")
    finally:
        logging.getLogger().removeHandler(handler)
    stderr = result.stderr
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        stderr += "".join(traceback.format_exception(result.exception))
    return Invoked(result.exit_code, result.stdout, stderr)


class _StderrHandler(logging.Handler):
    """Writes the WARNING and worse records a command logs to its stderr, one line each."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        sys.stderr.write(self.format(record) + "\n")  # the runner's stderr while it runs


def assert_one_line_error(result: Ran, *needles: str) -> None:
    """``result`` failed with one line on stderr holding every needle, and no traceback."""
    assert result.returncode != 0
    assert "Traceback" not in result.stderr + result.stdout
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    for needle in needles:
        assert needle in result.stderr


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
    manifest: list[dict[str, Any]] = json.loads(
        (SITE_DIR / "MANIFEST.json").read_text(encoding="utf-8")
    )
    return manifest


@pytest.fixture(scope="session")
def demo_server() -> Iterator[SiteServer]:
    with SiteServer() as server:
        yield server


LOOPBACK = ("-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "--log-level", "INFO")


@dataclass(frozen=True)
class DemoCrawl:
    """One real crawl of the demo site through the CLI: the database it filled, its output."""

    db: Path
    result: subprocess.CompletedProcess[str]


def _digest(db: Path) -> str:
    """The database file's content, with its write-ahead log if one is left."""
    digest = hashlib.sha256(db.read_bytes())
    wal = db.with_name(db.name + "-wal")
    if wal.exists():
        digest.update(wal.read_bytes())
    return digest.hexdigest()


@pytest.fixture(scope="session")
def demo_crawl(
    tmp_path_factory: pytest.TempPathFactory, demo_server: SiteServer
) -> Iterator[DemoCrawl]:
    """The demo site crawled once per session, shared by every test that only reads it.

    A test that changes the database works on its own copy (``shutil.copy`` of ``db``);
    the session fails at the end if the shared file was changed.
    """
    db = tmp_path_factory.mktemp("crawl") / "news.db"
    result = run_cli("crawl", "demo", "--db", str(db), "--base-url", demo_server.url, *LOOPBACK)
    assert result.returncode == 0, result.stderr[-3000:]
    before = _digest(db)
    yield DemoCrawl(db, result)
    assert _digest(db) == before, f"a test changed the shared crawled database {db}"


@pytest.fixture(scope="session")
def crawled_db(demo_crawl: DemoCrawl) -> Path:
    """A database filled by one real crawl of the demo site through the CLI (read only)."""
    return demo_crawl.db


def measured_cli(args: list[str]) -> list[str]:
    """The command that runs ``newsdesk ARGS`` and prints ``PEAK <KiB>`` (its own peak
    resident memory, :mod:`tests.peakrss`) on stderr at exit."""
    return measured("crawler", args, prog="newsdesk")
