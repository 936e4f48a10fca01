"""A real scrapyd node on 127.0.0.1 for the tests: its own folder, a free port, the project
deployed to it with ``scrapyd-deploy`` from a copy of the checkout (as the README says)."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROJECT_FILES = ("crawler", "pipelines", "store", "pyproject.toml", "setup.py", "scrapy.cfg",
                 "README.md")  # fmt: skip
CONF = """[scrapyd]
bind_address = 127.0.0.1
http_port = {port}
poll_interval = 0.2
max_proc = 4
"""


def need_scrapyd() -> None:
    """Skip the calling test when scrapyd (the `scrapyd` extra) is not installed."""
    pytest.importorskip("scrapyd", reason="scrapyd is not installed: pip install -e '.[scrapyd]'")
    pytest.importorskip("scrapyd_client", reason="scrapyd-client is not installed")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def checkout_copy(folder: Path, targets: dict[str, str]) -> Path:
    """The project's files copied to ``folder``, with a ``[deploy:NAME]`` per target URL."""
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "build")
    for name in PROJECT_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, folder / name, ignore=ignore)
        else:
            shutil.copy(source, folder / name)
    with (folder / "scrapy.cfg").open("a", encoding="utf-8") as cfg:
        for name, url in targets.items():
            cfg.write(f"\n[deploy:{name}]\nurl = {url}\nproject = newsdesk\n")
    return folder


def deploy(checkout: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``scrapyd-deploy ARGS`` run in the checkout."""
    command = [sys.executable, "-m", "scrapyd_client.deploy", *args]
    return subprocess.run(command, cwd=checkout, capture_output=True, text=True, timeout=120)


class ScrapydNode:
    """``scrapyd`` started in ``folder`` on a free loopback port; stopped on exit."""

    def __init__(self, folder: Path, env: dict[str, str] | None = None) -> None:
        self.folder = folder
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.env = env
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Self:
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / "scrapyd.conf").write_text(CONF.format(port=self.port), encoding="utf-8")
        with (self.folder / "scrapyd.out").open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "scrapyd"], cwd=self.folder, stdout=log, stderr=log,
                env=self.env,
            )  # fmt: skip
        self._wait_ready()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=30)

    def _wait_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                self.get("daemonstatus.json")
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"scrapyd did not start: {(self.folder / 'scrapyd.out').read_text()}")

    def get(self, path: str) -> Any:
        with urllib.request.urlopen(self.url + path, timeout=10) as response:
            return json.load(response)

    def post(self, path: str, data: list[tuple[str, str]]) -> Any:
        body = "&".join(f"{k}={urllib.request.quote(v)}" for k, v in data).encode()
        with urllib.request.urlopen(self.url + path, body, timeout=10) as response:
            return json.load(response)

    def wait_finished(self, job: str, timeout: float = 60) -> dict[str, Any]:
        """The finished job's entry of ``listjobs.json``, once it ended."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for entry in self.get("listjobs.json?project=newsdesk")["finished"]:
                if entry["id"] == job:
                    return dict(entry)
            time.sleep(0.2)
        raise TimeoutError(f"job {job} did not finish in {timeout} s")

    def log(self, entry: dict[str, Any]) -> str:
        return (self.folder / entry["log_url"].lstrip("/")).read_text(encoding="utf-8")
