"""A lock file so that two nightly crawls of one database never overlap."""

from __future__ import annotations

import fcntl
import os
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import IO, Self


class LockHeld(Exception):
    """Another process holds the lock; the message says which and since when."""


class CrawlLock:
    """An exclusive, non-blocking ``flock`` on ``path``, released when the process ends
    (even by SIGKILL), so a crashed crawl never leaves a stale lock behind."""

    @classmethod
    def of_database(cls, db_path: str) -> Self:
        """The lock of the nightly crawl into ``db_path``: ``<db_path>.crawl.lock`` beside it."""
        return cls(Path(db_path + ".crawl.lock"))

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file: IO[str] | None = None

    def __enter__(self) -> Self:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.path.open("a+", encoding="utf-8")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            handle.close()
            raise LockHeld(f"{self.path}: a crawl is already running ({holder})") from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()} since {datetime.now(UTC).isoformat(timespec='seconds')}")
        handle.flush()
        self._file = handle
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._file is not None:
            self._file.truncate(0)
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None
