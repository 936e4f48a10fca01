"""The field table (crawler/fields.py) holds the item, the declarations, the generic
extractor, the store, the schema and the run records together."""

from __future__ import annotations

from pathlib import Path

from crawler.extract import generic
from crawler.fields import (
    FIELDS,
    GENERIC,
    SELECTABLE,
    STORED_COLUMNS,
    STORED_JSON_COLUMNS,
    VERSIONED_COLUMNS,
    WATCHED,
)
from crawler.items import Article
from crawler.sites import parse_site
from store.articles import article_row
from store.db import open_db


def test_the_table_names_every_field_of_the_item_in_order() -> None:
    assert [field.name for field in FIELDS] == list(Article.fields)


def test_the_schema_has_a_column_for_every_stored_field(tmp_path: Path) -> None:
    db = open_db(tmp_path / "news.db")
    articles = set(db.table("articles").columns_dict)
    assert set(STORED_COLUMNS) | set(STORED_JSON_COLUMNS) <= articles
    assert set(article_row({"canonical_url": "https://x.test/a"})) <= articles
    assert set(VERSIONED_COLUMNS) <= set(db.table("article_versions").columns_dict)
    runs = set(db.table("crawl_runs").columns_dict)
    assert {f"coverage_{name}" for name in WATCHED} <= runs


def test_every_selectable_field_can_be_declared_and_no_other() -> None:
    base = {"name": "x", "domains": ["x.test"], "start_urls": ["https://x.test/"],
            "urls": {"article": ["^/a/"]}}  # fmt: skip
    site = parse_site({**base, "selectors": {name: ["h1"] for name in SELECTABLE}}, "x.toml")
    assert set(site.selectors) == set(SELECTABLE)


def test_the_generic_extractor_fills_the_generic_fields() -> None:
    assert set(generic.FIELDS) == set(GENERIC)
    assert set(WATCHED) <= set(GENERIC)
