"""A site gets at most ``CONCURRENT_REQUESTS_PER_DOMAIN`` requests at once, also when a
crawl runs without a download delay (crawler/downloader.py): counted by the server."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import LOOPBACK, run_cli

PAGES = 24
ANSWER_SECONDS = 0.05  # each page takes this long: requests of a burst overlap


class CountingServer(ThreadingHTTPServer):
    """Serves any path slowly and keeps the largest number of requests it served at once."""

    daemon_threads = True
    request_queue_size = 64

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), SlowHandler)
        self.lock = threading.Lock()
        self.now = self.most = self.served = 0

    def enter(self) -> None:
        with self.lock:
            self.now += 1
            self.most = max(self.most, self.now)

    def leave(self) -> None:
        with self.lock:
            self.now -= 1
            self.served += 1


class SlowHandler(BaseHTTPRequestHandler):
    server: CountingServer
    protocol_version = "HTTP/1.0"

    def do_GET(self) -> None:
        self.server.enter()
        try:
            time.sleep(ANSWER_SECONDS)
            body = f"<html><body><p>{self.path}</p></body></html>".encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        finally:
            self.server.leave()

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""


@pytest.fixture
def server() -> Iterator[CountingServer]:
    counting = CountingServer()
    thread = threading.Thread(target=counting.serve_forever, daemon=True)
    thread.start()
    try:
        yield counting
    finally:
        counting.shutdown()
        counting.server_close()


@pytest.mark.parametrize("per_site", [3])  # the project sets 4: the setting is read
def test_a_site_never_has_more_requests_at_once_than_allowed(
    server: CountingServer, tmp_path: Path, per_site: int
) -> None:
    base = f"http://127.0.0.1:{server.server_address[1]}"
    listing = tmp_path / "urls.txt"
    listing.write_text("".join(f"{base}/news/{n}.html\n" for n in range(PAGES)))
    settings = ("-s", "ROBOTSTXT_OBEY=False", "-s", f"CONCURRENT_REQUESTS_PER_DOMAIN={per_site}")
    db = tmp_path / "news.db"
    result = run_cli("crawl", "--urls-file", str(listing), "--db", str(db), *settings, *LOOPBACK)
    assert result.returncode in (0, 1), result.stderr[-2000:]  # 1: pages without an article
    assert server.served == PAGES
    # The bound holds, and is reached: the crawl does not go one page at a time.
    assert server.most == per_site
