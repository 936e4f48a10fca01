"""``newsdesk serve``: Datasette on the article database, with the shipped metadata."""

from __future__ import annotations

import importlib.util
import json
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from types import FrameType

import click

from crawler.cli.app import CONTEXT, about, db_option, fail, main
from crawler.datasette import metadata_for
from store.db import DatabaseError, open_db

INSTALL_HINT = "pip install 'newsdesk[datasette]' (or pip install datasette)"


@main.command(context_settings=CONTEXT, short_help=about("serve"))
@db_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; 0.0.0.0 lets other machines connect.")
@click.option("-p", "--port", default=8001, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on (0: any free port).")
@click.option("--open", "open_browser", is_flag=True, help="Open the page in a web browser.")
def serve(db_path: str, host: str, port: int, open_browser: bool) -> None:
    """Browse and search the database in Datasette (facets, canned queries).

    Datasette is optional: pip install 'newsdesk[datasette]'.

    Example: newsdesk serve --db output/news.db --port 8001
    """
    if importlib.util.find_spec("datasette") is None:
        raise fail(f"Datasette is not installed: {INSTALL_HINT}")
    path = Path(db_path)
    if not path.exists():
        raise fail(f"{path}: no such database (run `newsdesk crawl` first)")
    try:
        open_db(path).close()  # brings the schema up to date (views Datasette uses)
    except DatabaseError as exc:
        raise fail(str(exc)) from None
    with tempfile.TemporaryDirectory(prefix="newsdesk-serve-") as folder:
        metadata = Path(folder) / "metadata.json"
        metadata.write_text(json.dumps(metadata_for(path.stem), indent=2), encoding="utf-8")
        args = [sys.executable, "-m", "datasette", "serve", str(path),
                "--metadata", str(metadata), "--host", host, "--port", str(port)]
        status = run_until_stopped(args + (["--open"] if open_browser else []))
    raise SystemExit(status)


def run_until_stopped(args: list[str]) -> int:
    """Run ``args``; SIGTERM is passed on to it, Ctrl-C reaches it directly. Its exit status."""
    process = subprocess.Popen(args)

    def forward(signum: int, frame: FrameType | None) -> None:
        process.send_signal(signum)

    previous = signal.signal(signal.SIGTERM, forward)
    try:
        while True:
            try:
                status = process.wait()
                return status if status >= 0 else 128 - status
            except KeyboardInterrupt:
                continue  # the terminal sent SIGINT to Datasette too: wait for it to stop
    finally:
        signal.signal(signal.SIGTERM, previous)
