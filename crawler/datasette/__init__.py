"""Datasette settings shipped with newsdesk: ``metadata.json`` (see ``newsdesk serve``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

METADATA = Path(__file__).with_name("metadata.json")
# The database name the shipped metadata is written for (Datasette names a
# database after its file: output/news.db is "news").
DATABASE_NAME = "news"


def metadata_for(database_name: str) -> dict[str, Any]:
    """The shipped metadata, applied to the database Datasette calls ``database_name``.

    >>> sorted(metadata_for("crawl")["databases"])
    ['crawl']
    """
    metadata: dict[str, Any] = json.loads(METADATA.read_text(encoding="utf-8"))
    databases = metadata["databases"]
    databases[database_name] = databases.pop(DATABASE_NAME)
    return metadata
