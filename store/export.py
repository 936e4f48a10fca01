"""Exporting articles as JSON Lines or CSV, streamed row by row.

Rows come from an SQLite cursor and go straight to the output, so memory use
does not grow with the number of articles.
"""

from __future__ import annotations

import csv
import json
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from sqlite_utils import Database

from crawler.fields import STORED_JSON_COLUMNS
from store.fts import QuerySyntaxError, fts_query
from store.query import Filters

FORMATS = ("jsonl", "csv")


class ExportError(Exception):
    """An export that cannot be written; the message names the file."""


def iter_articles(
    db: Database, filters: Filters | None = None, text: str | None = None
) -> Iterator[dict[str, Any]]:
    """Every article that passes ``filters`` (and matches ``text``), oldest id first."""
    condition, params = (filters or Filters()).where()
    sql = f"select articles.* from articles where {condition}"
    if text:
        sql += " and articles.id in (select rowid from articles_fts where articles_fts match :q)"
        params["q"] = fts_query(text)
    try:
        yield from db.query(sql + " order by articles.id", params)
    except sqlite3.OperationalError as exc:
        raise QuerySyntaxError(f"cannot search for {text!r}: {exc}") from None


def decode_json_columns(row: dict[str, Any]) -> dict[str, Any]:
    """``row`` with its JSON text columns (authors, tags, provenance) as values.

    >>> decode_json_columns({"id": 1, "authors": '["Ann Lee"]', "tags": None})
    {'id': 1, 'authors': ['Ann Lee'], 'tags': None}
    """
    for column in STORED_JSON_COLUMNS:
        if isinstance(row.get(column), str):
            try:
                row[column] = json.loads(row[column])
            except ValueError:
                pass  # not JSON: keep the text as stored
    return row


def write_jsonl(rows: Iterator[dict[str, Any]], out: TextIO) -> int:
    """One JSON object per line; returns the number of rows written."""
    count = 0
    for row in rows:
        out.write(json.dumps(decode_json_columns(row), ensure_ascii=False) + "\n")
        count += 1
    return count


def write_csv(rows: Iterator[dict[str, Any]], out: TextIO, columns: list[str]) -> int:
    """CSV with a header row; JSON columns stay JSON text. Returns the row count."""
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    count = 0
    for row in rows:
        writer.writerow(row)
        count += 1
    return count


def export(
    db: Database,
    fmt: str,
    out: TextIO,
    filters: Filters | None = None,
    text: str | None = None,
) -> int:
    """Write the selected articles to ``out`` in ``fmt``; returns the number written."""
    rows = iter_articles(db, filters, text)
    if fmt == "jsonl":
        return write_jsonl(rows, out)
    if fmt == "csv":
        return write_csv(rows, out, list(db.table("articles").columns_dict))
    raise ValueError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")


def export_to_file(
    db: Database,
    fmt: str,
    path: Path,
    filters: Filters | None = None,
    text: str | None = None,
    force: bool = False,
) -> int:
    """Export to ``path`` through a temporary file, so a failed export leaves no half file.

    Refuses to replace an existing file unless ``force``.
    """
    if path.is_dir():
        raise ExportError(f"{path}: is a directory")
    if path.exists() and not force:
        raise ExportError(f"{path}: already exists (use --force to overwrite it)")
    partial = path.with_name(f".{path.name}.partial")
    try:
        with partial.open("w", encoding="utf-8", newline="") as out:
            count = export(db, fmt, out, filters, text)
        os.replace(partial, path)
    except OSError as exc:
        raise ExportError(f"{path}: cannot write: {exc.strerror or exc}") from None
    finally:
        partial.unlink(missing_ok=True)
    return count
