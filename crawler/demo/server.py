"""Serve a folder of static pages on 127.0.0.1, as a separate process.

``python -m crawler.demo.server [--dir DIR] [--port 0]`` prints the line
``serving DIR at http://127.0.0.1:PORT/`` once it listens. :class:`SiteServer`
starts it as a subprocess and stops it again, for the demo and the tests.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import time
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any, Self

SITE_DIR = Path(__file__).parent / "site"
_READY = re.compile(r"^serving .* at (?P<url>http://127\.0\.0\.1:\d+)/$")


class QuietHandler(SimpleHTTPRequestHandler):
    """Static files; one access-log line per request only when ``--log`` is given."""

    log_file: Any = None
    delay: float = 0.0

    def do_GET(self) -> None:
        if self.delay:
            time.sleep(self.delay)
        super().do_GET()

    def log_error(self, format: str, *args: Any) -> None:
        """Errors are logged once, as the request line with their status."""

    def log_message(self, format: str, *args: Any) -> None:
        if self.log_file is not None:
            self.log_file.write(f"{self.command} {self.path} {args[1] if len(args) > 1 else ''}\n")
            self.log_file.flush()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, default=SITE_DIR, help="folder to serve")
    parser.add_argument("--port", type=int, default=0, help="port (0: any free port)")
    parser.add_argument("--log", type=Path, help="append one line per request to this file")
    parser.add_argument("--delay", type=float, default=0.0, help="seconds to wait before answering")
    args = parser.parse_args(argv)
    log_file = args.log.open("a", encoding="utf-8") if args.log else None
    handler = type("Handler", (QuietHandler,), {"log_file": log_file, "delay": args.delay})
    server = ThreadingHTTPServer(
        ("127.0.0.1", args.port), partial(handler, directory=str(args.dir))
    )
    print(f"serving {args.dir} at http://127.0.0.1:{server.server_address[1]}/", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


class ServerProcess:
    """A server run as a subprocess that prints ``serving … at http://127.0.0.1:PORT/``
    once it listens; ``url`` is its origin, e.g. ``http://127.0.0.1:5123``."""

    def __init__(self, command: list[str], cwd: Path | None = None) -> None:
        self.command = command
        self.cwd = cwd
        self.url = ""
        self._process: subprocess.Popen[str] | None = None

    def __enter__(self) -> Self:
        self._process = subprocess.Popen(
            self.command, stdout=subprocess.PIPE, text=True, cwd=self.cwd
        )
        assert self._process.stdout is not None
        line = self._process.stdout.readline().strip()
        match = _READY.match(line)
        if match is None:
            self.__exit__(None, None, None)
            raise RuntimeError(f"{self.command[2:4]} did not start (it said {line!r})")
        self.url = match["url"]
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.wait(timeout=10)
            if self._process.stdout:
                self._process.stdout.close()


class SiteServer(ServerProcess):
    """The static server (this module) in a subprocess, serving ``directory``."""

    def __init__(
        self, directory: Path = SITE_DIR, log: Path | None = None, delay: float = 0.0
    ) -> None:
        self.directory = directory
        command = [sys.executable, "-m", "crawler.demo.server", "--dir", str(directory)]
        if log:
            command += ["--log", str(log)]
        if delay:
            command += ["--delay", str(delay)]
        super().__init__(command)


if __name__ == "__main__":
    main()
