"""Opening the article database: pragmas, migrations, friendly errors."""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlite_utils import Database

from store.schema import migrations

BUSY_TIMEOUT_MS = 30_000
APPLICATION_ID = 0x4E57534B  # "NWSK" in the file header: this file is a newsdesk database
FORMAT_VERSION = 1  # PRAGMA user_version; the schema itself is versioned by its migrations
MIGRATIONS_TABLE = "_sqlite_migrations"
OURS, NEW, LEGACY, FOREIGN = "ours", "new", "legacy", "foreign"
DAMAGED = ("malformed", "corrupt")  # SQLite's words for a damaged file


class DatabaseError(Exception):
    """The database cannot be used; the message names the file and the cause."""


def open_db(path: str | Path, create: bool = True, verify: bool = False) -> Database:
    """Open (and with ``create``, create and migrate) the database at ``path``.

    WAL mode lets readers (search, Datasette) work while a crawl writes; the
    busy timeout lets two crawls share one file. A file is changed only once it
    is known to be ours (:func:`kind_of`): another program's SQLite file is
    refused as it is. With ``verify``, a database failing ``PRAGMA quick_check``
    is refused too (a crawl must not write into a damaged file).
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
            _create_or_migrate(db, path)
        else:
            _check_ours(kind_of(db), path, reading=True)
        if verify:
            _verify(db, path)
        _normal_sync_in_wal(db)
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(database_error(path, exc, create)) from exc
    except OSError as exc:
        why = _unwritable(path) if create else None
        raise DatabaseError(f"{path}: cannot open database: {why or exc}") from exc
    return db


def kind_of(db: Database) -> str:
    """Whose file this is, read without changing it: ``ours`` (our application id),
    ``new`` (no tables), ``legacy`` (our tables and migrations, from before the id),
    or ``foreign``."""
    application_id = db.execute("PRAGMA application_id").fetchone()[0]
    if application_id == APPLICATION_ID:
        return OURS
    tables = set(db.table_names())
    if application_id == 0 and not tables:
        return NEW
    if application_id == 0 and {"articles", MIGRATIONS_TABLE} <= tables:
        sql = f"select count(*) from {MIGRATIONS_TABLE} where migration_set = ?"
        if db.execute(sql, [migrations.name]).fetchone()[0]:
            return LEGACY
    return FOREIGN


def _check_ours(kind: str, path: Path, reading: bool = False) -> None:
    if kind == FOREIGN or (reading and kind == NEW):
        what = "another program's SQLite file" if kind == FOREIGN else "no tables"
        raise DatabaseError(f"{path}: not a newsdesk database ({what}); left as it is")


def _create_or_migrate(db: Database, path: Path) -> None:
    """Create or bring up to date under the write lock, deciding inside it: two crawls
    starting at once on a new file would otherwise both create the tables."""
    _check_ours(kind_of(db), path)  # before the lock: a foreign file is not even locked
    with write_transaction(db):
        _check_ours(kind_of(db), path)
        migrations.apply(db)
        db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        db.execute(f"PRAGMA user_version = {FORMAT_VERSION}")
    _enable_wal(db)


def _enable_wal(db: Database) -> None:
    """WAL mode; switching waits for other connections (it ignores the busy timeout)."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            db.enable_wal()
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _normal_sync_in_wal(db: Database) -> None:
    """``synchronous = NORMAL`` for a database in WAL mode (only there is it safe).

    A commit then waits for no fsync of its own (the WAL is synced at each checkpoint).
    A committed transaction still survives a crash of the process (SIGKILL, an
    exception); only a power cut or an OS crash may undo the last transactions, and it
    never leaves the file inconsistent (SQLite's documentation of WAL mode). A crawl's
    undone last batches are fetched again by the next crawl.
    """
    if db.execute("PRAGMA journal_mode").fetchone()[0] == "wal":
        db.execute("PRAGMA synchronous = NORMAL")


def _verify(db: Database, path: Path) -> None:
    problems = [row[0] for row in db.execute("PRAGMA quick_check(3)").fetchall()]
    if problems != ["ok"]:
        raise DatabaseError(_damaged(path, "; ".join(problems)))


def database_error(path: Path, exc: sqlite3.DatabaseError, writing: bool = False) -> str:
    """The one line for an SQLite error on ``path``: a damaged file says how to check it.

    >>> database_error(Path("n.db"), sqlite3.DatabaseError("database disk image is malformed"))
    'n.db: database is damaged (database disk image is malformed): check it with \
`sqlite3 n.db "PRAGMA integrity_check"` and save what it holds with `.recover`'
    """
    if any(sign in str(exc) for sign in DAMAGED):
        return _damaged(path, str(exc))
    why = _unwritable(path) if writing and not isinstance(exc, sqlite3.IntegrityError) else None
    return f"{path}: cannot open database: {why or exc}"


def _damaged(path: Path, why: str) -> str:
    return (
        f"{path}: database is damaged ({why}): check it with "
        f'`sqlite3 {path} "PRAGMA integrity_check"` and save what it holds with `.recover`'
    )


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
