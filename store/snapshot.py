"""A consistent copy of a node shard, taken without changing it.

The shard may be written while it is read (a crawl on the node, a copy still arriving):
SQLite's online backup reads it in one read transaction into a private file, which is then
checked (ours, undamaged) and brought to the current schema. The shard itself is opened
read-only and never written, not even migrated.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from urllib.parse import quote

from sqlite_utils import Database

from store.db import LEGACY, OURS, DatabaseError, kind_of, open_db


class ShardError(Exception):
    """A shard cannot be merged; the message names the file and the cause."""


def take_snapshot(shard: Path, target: Path) -> Database:
    """Copy ``shard`` to ``target`` with the backup API; the copy, checked and migrated."""
    if not shard.is_file():
        raise ShardError(f"{shard}: no such shard (a node's database file)")
    try:
        _backup(shard, target)
    except sqlite3.DatabaseError as exc:
        raise ShardError(f"{shard}: cannot read as an SQLite database: {exc}") from None
    copy = Database(target)
    try:
        kind = kind_of(copy)
        if kind not in (OURS, LEGACY):
            raise ShardError(f"{shard}: not a newsdesk database; nothing merged")
        problems = [row[0] for row in copy.execute("PRAGMA quick_check(3)").fetchall()]
    except sqlite3.DatabaseError as exc:
        raise ShardError(f"{shard}: database is damaged ({exc}); nothing merged") from None
    finally:
        copy.close()
    if problems != ["ok"]:
        raise ShardError(f"{shard}: database is damaged ({'; '.join(problems)}); nothing merged")
    try:
        return open_db(target)  # the copy, brought up to this version's schema
    except DatabaseError as exc:
        raise ShardError(f"{shard}: {exc}") from None


def _backup(shard: Path, target: Path) -> None:
    source = sqlite3.connect(f"file:{quote(str(shard.resolve()))}?mode=ro", uri=True)
    try:
        destination = sqlite3.connect(target)
        try:
            source.backup(destination)
        finally:
            destination.close()
    finally:
        source.close()
