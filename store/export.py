"""Exporting articles as JSON Lines, a JSON array or CSV, streamed row by row.

Rows come from an SQLite cursor and go straight to the output, so memory use
does not grow with the number of articles.
"""

from __future__ import annotations

import csv
import json
import os
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TextIO

from sqlite_utils import Database

from crawler.fields import STORED_JSON_COLUMNS
from store.fts import QuerySyntaxError, fts_query
from store.query import Filters

FORMATS = ("jsonl", "json", "csv")
Tick = Callable[[], None]  # called once per article written (progress)


class ExportError(Exception):
    """An export that cannot be written; the message names the file."""


def _selection(filters: Filters | None, text: str | None) -> tuple[str, dict[str, Any]]:
    condition, params = (filters or Filters()).where()
    if text:
        condition += (
            " and articles.id in (select rowid from articles_fts where articles_fts match :q)"
        )
        params["q"] = fts_query(text)
    return condition, params


def count_articles(db: Database, filters: Filters | None = None, text: str | None = None) -> int:
    """How many articles :func:`iter_articles` gives (for a progress bar)."""
    condition, params = _selection(filters, text)
    try:
        row = next(db.query(f"select count(*) as n from articles where {condition}", params))
    except sqlite3.OperationalError as exc:
        raise QuerySyntaxError(f"cannot search for {text!r}: {exc}") from None
    return int(row["n"])


def iter_articles(
    db: Database, filters: Filters | None = None, text: str | None = None
) -> Iterator[dict[str, Any]]:
    """Every article that passes ``filters`` (and matches ``text``), oldest id first."""
    condition, params = _selection(filters, text)
    sql = f"select articles.* from articles where {condition}"
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


def write_json(rows: Iterator[dict[str, Any]], out: TextIO) -> int:
    """A JSON array, one article per line, written as the rows come; returns the count."""
    count = 0
    out.write("[")
    for row in rows:
        text = json.dumps(decode_json_columns(row), ensure_ascii=False)
        out.write(("," if count else "") + "\n" + text)
        count += 1
    out.write("\n]\n" if count else "]\n")
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
    tick: Tick | None = None,
) -> int:
    """Write the selected articles to ``out`` in ``fmt``; returns the number written.
    ``tick`` is called after each article."""
    rows = iter_articles(db, filters, text)
    if tick is not None:
        rows = _ticking(rows, tick)
    if fmt == "jsonl":
        return write_jsonl(rows, out)
    if fmt == "json":
        return write_json(rows, out)
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
    tick: Tick | None = None,
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
            count = export(db, fmt, out, filters, text, tick)
        os.replace(partial, path)
    except OSError as exc:
        raise ExportError(f"{path}: cannot write: {exc.strerror or exc}") from None
    finally:
        partial.unlink(missing_ok=True)
    return count


def _ticking(rows: Iterator[dict[str, Any]], tick: Tick) -> Iterator[dict[str, Any]]:
    for row in rows:
        yield row
        tick()
