"""A one-site crawl keeps the Scrapy log out of the way: it goes to a file in logs/ beside
the database; off a terminal the crawl prints its summary lines only; -v shows the log."""

from __future__ import annotations

from pathlib import Path

from crawler.demo.server import SiteServer
from tests.conftest import run_cli

FAST = ("-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False")


def test_the_log_goes_to_a_file_and_the_terminal_gets_the_summary(
    tmp_path: Path, demo_server: SiteServer
) -> None:
    db = tmp_path / "news.db"
    result = run_cli("crawl", "demo", "--db", str(db), "--base-url", demo_server.url, *FAST)
    assert result.returncode == 0, result.stderr[-2000:]
    lines = result.stdout.splitlines()
    assert len(lines) == 2 and lines[0].startswith(f"Logging to {tmp_path / 'logs'}/crawl-")
    assert lines[1].startswith("demo: finished; ") and "15 new" in lines[1]
    assert result.stderr == ""
    log = Path(lines[0].removeprefix("Logging to "))
    assert "Spider closed (finished)" in log.read_text(encoding="utf-8")


def test_verbose_shows_the_scrapy_log(tmp_path: Path, demo_server: SiteServer) -> None:
    db = tmp_path / "news.db"
    result = run_cli("crawl", "demo", "-v", "--db", str(db), "--base-url", demo_server.url, *FAST)
    assert result.returncode == 0
    assert "Spider closed (finished)" in result.stderr
    assert not (tmp_path / "logs").exists()
