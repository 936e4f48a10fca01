"""The archive's journal of record pointers: a crawl killed mid-run keeps its pages findable.

The database learns where an article's page is archived (``article_archive``) only once
the store holds the article, and the store writes in batches, so the pointers wait in
memory until then. A crawl killed meanwhile (SIGKILL, the OOM killer, a power cut) used
to leave WARC records that nothing pointed at, and their articles, stored and not
fetched again by the next crawl, without a page for ``show --html`` and ``reextract``.

So each pointer is also appended to ``<site>-<run start>.pointers.jsonl`` beside the WARC
files as its record is written: one JSON line, flushed with the record, after a first
line naming the database. The crawl removes the journal once it has closed and written
its pointers. A journal left behind is replayed by :func:`recover` (when the next crawl
archiving into that folder starts, and by ``newsdesk reextract``): each pointer whose
article is stored with that text is written, unless the article already points to a
record of that text; a line the kill cut short is skipped. Replaying reads only the
journal, never the WARC files, so it costs the size of the interrupted run alone.

A running crawl holds an exclusive ``flock`` on its journal, which the kernel releases
however the process ends, so a crawl starting beside a running one leaves its journal
alone; a journal of another database is left for that database.
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, fields
from pathlib import Path
from typing import IO

from sqlite_utils import Database

from store.archive import Pointer, pointed_folders, record_pointers

SUFFIX = ".pointers.jsonl"
BATCH = 500  # pointers replayed per transaction
_TYPES = {f.name: int if f.type == "int" else str for f in fields(Pointer)}


@dataclass
class Recovery:
    """What :func:`recover` found: journals replayed, pointers written, lines skipped."""

    journals: int = 0
    recorded: int = 0
    skipped: int = 0


def database_identity(db_path: str | Path) -> str:
    """How a journal names its database: the absolute path of the file."""
    return str(Path(db_path).resolve())


def parse_pointer(line: str) -> Pointer | None:
    """The pointer of one journal line; ``None`` for a line cut short or not a pointer.

    >>> line = ('{"canonical_url": "u", "content_hash": "h", "warc_file": "f",'
    ...         ' "warc_offset": 12, "warc_length": 34, "warc_date": "d"}')
    >>> parse_pointer(line + "\\n").warc_offset, parse_pointer(line), parse_pointer(line[:40])
    (12, None, None)
    """
    if not line.endswith("\n"):
        return None  # the process died while writing it
    try:
        values = json.loads(line)
        if {name: type(value) for name, value in values.items()} != _TYPES:
            return None
        return Pointer(**values)
    except (ValueError, TypeError, AttributeError):
        return None


class PointerJournal:
    """The journal of one run's archive, created (and locked) with its first pointer."""

    def __init__(self, path: Path, db_path: str) -> None:
        self.path = path
        self.db_path = db_path
        self.handle: IO[str] | None = None

    def append(self, pointer: Pointer) -> None:
        if self.handle is None:
            self.handle = _create(self.path, self.db_path)
        self.handle.write(json.dumps(vars(pointer)) + "\n")
        self.handle.flush()

    def close(self, remove: bool) -> None:
        """Close it (which releases the lock); ``remove``: its pointers are all written."""
        if self.handle is None:
            return
        if remove:
            self.path.unlink(missing_ok=True)
        self.handle.close()
        self.handle = None


def _create(path: Path, db_path: str) -> IO[str]:
    """A new journal, locked and with its header before it appears under its name (a crawl
    starting meanwhile must never take it for one left behind)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".new")
    handle = open(partial, "x", encoding="utf-8")  # noqa: SIM115 - open for the whole run
    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    handle.write(json.dumps({"database": database_identity(db_path)}) + "\n")
    handle.flush()
    os.replace(partial, path)
    return handle


def recover(db: Database, db_path: str, folders: Iterable[str | Path]) -> Recovery:
    """Replay the journals that interrupted crawls into ``db_path`` left in ``folders``."""
    found = Recovery()
    for folder in folders:
        for path in sorted(Path(folder).glob("*" + SUFFIX)):
            _replay(db, database_identity(db_path), path, found)
    return found


def recover_known(db: Database, db_path: str) -> Recovery:
    """Replay the journals in the folders a database is known to archive into: those its
    pointers name, and ``archive/`` beside it (where ``crawl --all`` archives)."""
    folders = pointed_folders(db) | {Path(db_path).parent / "archive"}
    return recover(db, db_path, sorted(folders))


def _replay(db: Database, identity: str, path: Path, found: Recovery) -> None:
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed below
    except FileNotFoundError:
        return  # its crawl closed meanwhile
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return  # its crawl is running
        lines = (raw.decode("utf-8", "replace") for raw in handle)
        if _database(next(lines, "")) != identity:
            return
        for batch in _batches(lines, found):
            found.recorded += len(batch) - len(record_pointers(db, batch, keep_current=True))
        found.journals += 1
        path.unlink(missing_ok=True)


def _database(header: str) -> str | None:
    """The database a journal's first line names.

    >>> _database('{"database": "/x/news.db"}\\n'), _database("")
    ('/x/news.db', None)
    """
    try:
        return str(json.loads(header)["database"])
    except (ValueError, TypeError, KeyError):
        return None


def _batches(lines: Iterator[str], found: Recovery) -> Iterator[list[Pointer]]:
    batch: list[Pointer] = []
    for line in lines:
        pointer = parse_pointer(line)
        if pointer is None:
            found.skipped += 1
            continue
        batch.append(pointer)
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch
