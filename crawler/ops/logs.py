"""Crawl logs of the nightly run: one file per run beside the database, the newest kept."""

from __future__ import annotations

from contextlib import suppress
from datetime import UTC, datetime
from pathlib import Path

KEEP_LOGS = 30  # `newsdesk crawl --all --keep-logs N`


def logs_folder(db_path: str) -> Path:
    """Where the nightly logs of a database go: ``logs/`` beside it.

    >>> logs_folder("output/news.db")
    PosixPath('output/logs')
    """
    return Path(db_path).parent / "logs"


def new_log(folder: Path, now: datetime | None = None) -> Path:
    """The log file of a run starting now: ``crawl-<UTC time>.log``, sorting by time.

    >>> new_log(Path("logs"), datetime(2026, 11, 30, 2, 30, tzinfo=UTC))
    PosixPath('logs/crawl-20261130T023000Z.log')
    """
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    return folder / f"crawl-{stamp}.log"


def prune_logs(folder: Path, keep: int = KEEP_LOGS) -> None:
    """Delete all but the ``keep`` newest ``crawl-<time>.log`` files.

    The time stamps sort as text, so the newest are the last by name. A file that
    cannot be deleted is left for the next night.
    """
    logs = sorted(folder.glob("crawl-*.log"))
    for old in logs[: max(0, len(logs) - keep)]:
        with suppress(OSError):
            old.unlink()
