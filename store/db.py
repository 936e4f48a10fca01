"""Opening the article database: pragmas, migrations, friendly errors."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlite_utils import Database

from store.schema import migrations

BUSY_TIMEOUT_MS = 30_000


class DatabaseError(Exception):
    """The database cannot be used; the message names the file and the cause."""


def open_db(path: str | Path, create: bool = True) -> Database:
    """Open (and with ``create``, create and migrate) the database at ``path``.

    WAL mode lets readers (search, Datasette) work while a crawl writes; the
    busy timeout lets two crawls share one file.
    """
    path = Path(path)
    if path.is_dir():
        raise DatabaseError(f"{path}: is a directory, not a database file")
    if not create and not path.exists():
        raise DatabaseError(f"{path}: no such database (run `newsdesk crawl` first)")
    try:
        if create:
            path.parent.mkdir(parents=True, exist_ok=True)
        db = Database(path)
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if create:
            db.enable_wal()
            migrations.apply(db)
        elif "articles" not in db.table_names():
            raise DatabaseError(f"{path}: not a newsdesk database (no articles table)")
    except (sqlite3.DatabaseError, OSError) as exc:
        why = _unwritable(path) if create else None
        raise DatabaseError(f"{path}: cannot open database: {why or exc}") from exc
    return db


def _unwritable(path: Path) -> str | None:
    """Why the database at ``path`` cannot be written, when the file system says so."""
    folder = path.parent if path.parent.exists() else Path(".")
    if os.statvfs(folder).f_flag & os.ST_RDONLY:
        return f"{folder} is on a read-only file system"
    target = path if path.exists() else folder
    if not os.access(target, os.W_OK):
        return f"{target} is not writable"
    return None


@contextmanager
def write_transaction(db: Database) -> Iterator[Database]:
    """A transaction that takes the write lock when it begins (``BEGIN IMMEDIATE``).

    ``db.atomic()`` begins deferred: a transaction that reads before it writes
    cannot wait for another process's write to finish (SQLite answers "database
    is locked" at once, whatever the busy timeout), so two crawls writing one
    file would lose batches. Waiting for the lock at ``BEGIN`` lets the busy
    timeout do its work. sqlite-utils calls inside nest as savepoints.
    """
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.conn.rollback()
        raise
    db.execute("COMMIT")
