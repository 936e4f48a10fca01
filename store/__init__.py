"""The database as a library: opening it, its schema, writing articles, MinHash storage,
full-text search, queries, browsing and export. The pipelines, the CLI and Datasette read
and write through it."""

from __future__ import annotations

import os

DEFAULT_PATH = "output/news.db"
ENVIRONMENT = "NEWSDESK_DB_PATH"


def database_path(configured: str | None = None) -> str:
    """The database file, decided in one place for the CLI and Scrapy alike: ``configured``
    (``--db``, ``-s NEWSDESK_DB_PATH=...``), else ``$NEWSDESK_DB_PATH``, else the default.

    >>> database_path("/data/news.db")
    '/data/news.db'
    """
    return configured or os.environ.get(ENVIRONMENT) or DEFAULT_PATH
