"""Merging a shard's run records, dropped pages and archive pointers (see :mod:`store.merge`).

A run is written once when it starts and again when it ends, so runs are read again from
the shard's first run that was still ``running`` at the previous merge; each shard run
keeps the central id it was given (``merge_runs``). Dropped pages follow their run.
Archive pointers name files on the node; they are taken as they are.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from sqlite_utils import Database

if TYPE_CHECKING:
    from store.merge import Marks, ShardMerge

Row = dict[str, Any]

POINTER_COLUMNS = ("content_hash", "warc_file", "warc_offset", "warc_length", "warc_date",
                   "archived_at")  # fmt: skip


def rows(db: Database, sql: str, params: list[Any] | None = None) -> Iterator[Row]:
    """Rows of ``sql`` as dicts, read from the cursor (large tables stay out of memory)."""
    cursor = db.execute(sql, params or [])
    names = [column[0] for column in cursor.description]
    for values in cursor:
        yield dict(zip(names, values, strict=True))


def insert(db: Database, table: str, row: Row, verb: str = "insert") -> sqlite3.Cursor:
    marks = ", ".join("?" * len(row))
    sql = f"{verb} into {table} ({', '.join(row)}) values ({marks})"
    return db.execute(sql, list(row.values()))


def merge_records(merging: ShardMerge, before: Marks, changed: list[int]) -> None:
    """Runs, then the dropped pages of the shard, then the pointers of stories written now."""
    runs = {}
    for row in _rows(merging, "select * from crawl_runs where id >= ? order by id", [before.runs]):
        runs[row["id"]] = _run(merging, row)
    sql = "select * from dropped_pages where id > ? order by id"
    for row in _rows(merging, sql, [before.dropped]):
        _dropped(merging, row, runs)
    sql = "select * from article_archive where archived_at >= ? order by article_id"
    pointers = {row["article_id"]: row for row in _rows(merging, sql, [before.archived])}
    for shard_id in changed:
        for row in _rows(merging, "select * from article_archive where article_id = ?", [shard_id]):
            pointers[shard_id] = row
    for row in pointers.values():
        _pointer(merging, row)


def _rows(merging: ShardMerge, sql: str, params: list[Any]) -> list[Row]:
    return list(rows(merging.snap, sql, params))


def _run(merging: ShardMerge, row: dict[str, Any]) -> int:
    """The central id of a shard run, inserting or refreshing its row."""
    db, shard = merging.db, merging.shard
    values = {k: v for k, v in row.items() if k != "id"}
    sql = "select run_id from merge_runs where shard = ? and shard_run_id = ?"
    found = db.execute(sql, [shard, row["id"]]).fetchone()
    if found is None:
        run_id = int(insert(db, "crawl_runs", values).lastrowid or 0)
        insert(db, "merge_runs", {"shard": shard, "shard_run_id": row["id"], "run_id": run_id})
        merging.report.runs += 1
        return run_id
    run_id = int(found[0])
    assignments = ", ".join(f"{name} = ?" for name in values)
    differs = " or ".join(f"{name} is not ?" for name in values)
    sql = f"update crawl_runs set {assignments} where id = ? and ({differs})"
    merging.report.runs += db.execute(sql, [*values.values(), run_id, *values.values()]).rowcount
    return run_id


def _dropped(merging: ShardMerge, row: dict[str, Any], runs: dict[int, int]) -> None:
    run_id = runs.get(row["run_id"])
    if run_id is None:  # a run merged before: its central id is remembered
        sql = "select run_id from merge_runs where shard = ? and shard_run_id = ?"
        found = merging.db.execute(sql, [merging.shard, row["run_id"]]).fetchone()
        run_id = int(found[0]) if found else None
    values = {k: v for k, v in row.items() if k != "id"} | {"run_id": run_id}
    insert(merging.db, "dropped_pages", values)
    merging.report.dropped += 1


def _pointer(merging: ShardMerge, row: dict[str, Any]) -> None:
    """Insert or refresh an archive pointer; an unchanged one is not written."""
    article_id = merging.central_id(row["article_id"])
    if article_id is None:
        return
    columns = ", ".join(("article_id", *POINTER_COLUMNS))
    marks = ", ".join("?" * (len(POINTER_COLUMNS) + 1))
    updates = ", ".join(f"{c} = excluded.{c}" for c in POINTER_COLUMNS)
    differs = " or ".join(f"article_archive.{c} is not excluded.{c}" for c in POINTER_COLUMNS)
    sql = (f"insert into article_archive ({columns}) values ({marks}) "
           f"on conflict(article_id) do update set {updates} where {differs}")  # fmt: skip
    values = [article_id, *(row[c] for c in POINTER_COLUMNS)]
    merging.report.archived += merging.db.execute(sql, values).rowcount
