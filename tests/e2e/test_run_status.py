"""A run in which no page could be fetched is a failed run, with the reason, not `finished`."""

from __future__ import annotations

import socket
from pathlib import Path

from tests.conftest import query, run_cli


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])  # nothing listens there once it is closed


def test_a_site_that_refuses_every_connection_is_a_failed_run(tmp_path: Path) -> None:
    sites, db = tmp_path / "sites", tmp_path / "news.db"
    sites.mkdir()
    origin = f"http://127.0.0.1:{closed_port()}"
    (sites / "gone.toml").write_text(
        f'name = "gone"\ndomains = ["127.0.0.1"]\nstart_urls = ["{origin}/"]\n'
        "[urls]\narticle = ['^/news/']\n",
        encoding="utf-8",
    )
    result = run_cli("crawl", "gone", "--db", str(db), "--sites-dir", str(sites),
                     "-s", "RETRY_TIMES=0", "-s", "DOWNLOAD_DELAY=0")  # fmt: skip
    assert result.returncode == 1
    assert "gone: failed;" in result.stdout
    assert "ALERT no page could be fetched: connection_refused" in result.stderr
    run = query(db, "select status, alerts from crawl_runs")[0]
    assert run["status"] == "failed" and "connection_refused" in run["alerts"]
