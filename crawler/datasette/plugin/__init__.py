"""Datasette plugin: articles read like articles.

Registered as the ``newsdesk`` Datasette plugin (an entry point), so both
``newsdesk serve`` and ``datasette output/news.db`` use it. On a database of
another shape it does nothing: it acts only on a table or view named
``articles`` or ``article_list`` that has the columns newsdesk writes.

- The row page of an article shows its headline, byline, dates, site and
  section, the body as paragraphs, then where each field came from, every URL
  that led to it, its earlier versions and its duplicates, as links.
- The articles table and the ``article_list`` view list readable columns
  (title as a link, site, published, authors, section, words) with a snippet
  when searching; ``?_col=`` asks for Datasette's own table of chosen columns.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from datasette import hookimpl
from datasette.utils import escape_fts, path_with_added_args, urlsafe_components
from markupsafe import Markup, escape
from sqlite_utils import Database

from store.browse import article_details
from store.query import snippets

ARTICLE_TABLES = ("articles", "article_list")
LIST_COLUMNS = ("title", "site", "published", "authors", "section", "word_count")
MARKS = ("\x02", "\x03")  # snippet highlight, turned into <mark> after escaping


@hookimpl  # type: ignore[untyped-decorator]
def extra_template_vars(
    template: str, database: str, table: str, view_name: str, request: Any, datasette: Any
) -> Any:
    if table not in ARTICLE_TABLES or request is None:
        return None
    if view_name == "row" and table == "articles":
        return _article_page(datasette, database, request)
    if view_name == "table" and not _wants_plain_table(request):
        return _article_list(datasette, database, table, request)
    return None


def _wants_plain_table(request: Any) -> bool:
    return any(name in request.args for name in ("_col", "_nocol", "_plain"))


def _article_page(datasette: Any, database: str, request: Any) -> Any:
    async def inner() -> dict[str, Any]:
        values = urlsafe_components(request.url_vars["pks"])
        if len(values) != 1 or not values[0].isdigit():
            return {}
        article_id = int(values[0])
        db = datasette.get_database(database)
        if not await _has_newsdesk_schema(db):
            return {}
        details = await db.execute_fn(lambda conn: _details(conn, article_id))
        return {"newsdesk_article": details} if details else {}

    return inner


def _details(conn: sqlite3.Connection, article_id: int) -> dict[str, Any] | None:
    db = Database(conn)
    if not next(db.query("select 1 from articles where id = ?", [article_id]), None):
        return None
    details = article_details(db, article_id)
    article = details["article"]
    details["paragraphs"] = paragraphs(article.get("body") or "")
    details["provenance"] = sorted((article.get("provenance") or {}).items())
    return details


def paragraphs(body: str) -> list[str]:
    """The paragraphs of a stored body: its blank-line-separated blocks (a body
    stored with single line breaks only gives one paragraph per line).

    >>> paragraphs("One.\\n\\nTwo,\\nstill two.\\n\\n\\nThree.")
    ['One.', 'Two,\\nstill two.', 'Three.']
    >>> paragraphs("One.\\nTwo.")
    ['One.', 'Two.']
    """
    text = body.strip()
    if not text:
        return []
    separator = "\n\n" if "\n\n" in text else "\n"
    return [part.strip() for part in text.split(separator) if part.strip()]


def _article_list(datasette: Any, database: str, table: str, request: Any) -> Any:
    async def inner() -> dict[str, Any]:
        db = datasette.get_database(database)
        if not await _has_newsdesk_schema(db):
            return {}
        search = request.args.get("_search", "").strip()
        raw = request.args.get("_searchmode") == "raw"

        async def snippets_for(ids: list[int]) -> dict[int, Markup]:
            if not search or not ids:
                return {}
            query = search if raw else escape_fts(search)
            found = await db.execute_fn(lambda conn: _snippets(conn, ids, query))
            return {key: highlighted(text) for key, text in found.items()}

        return {
            "newsdesk_list": {
                "columns": LIST_COLUMNS,
                "every_column": path_with_added_args(request, {"_plain": "1"}),
            },
            "newsdesk_snippets": snippets_for,
            "newsdesk_article_url": lambda article_id: datasette.urls.row(
                database, "articles", str(article_id)
            ),
        }

    return inner


def _snippets(conn: sqlite3.Connection, ids: list[int], query: str) -> dict[int, str]:
    try:
        return snippets(Database(conn), ids, query, MARKS)
    except sqlite3.OperationalError:
        return {}  # a search Datasette accepted but our snippet index cannot read


def highlighted(snippet: str) -> Markup:
    """A snippet with its matches in ``<mark>``, everything else escaped.

    >>> str(highlighted("a \\x02<b>\\x03 c"))
    'a <mark>&lt;b&gt;</mark> c'
    """
    text = str(escape(snippet))
    return Markup(text.replace(MARKS[0], "<mark>").replace(MARKS[1], "</mark>"))


@hookimpl  # type: ignore[untyped-decorator]
def prepare_jinja2_environment(env: Any) -> None:
    env.filters["newsdesk_names"] = names


def names(value: Any) -> str:
    """A JSON list of names (how authors and tags are stored) as ``A, B``.

    >>> names('["Ann Lee", "Bo Ng"]'), names("[]"), names(None), names("not json")
    ('Ann Lee, Bo Ng', '', '', 'not json')
    """
    if not value:
        return ""
    try:
        items = json.loads(value)
    except (TypeError, ValueError):
        return str(value)
    return ", ".join(map(str, items)) if isinstance(items, list) else str(items)


async def _has_newsdesk_schema(db: Any) -> bool:
    if not await db.table_exists("articles"):
        return False
    columns = set(await db.table_columns("articles"))
    return {"id", "title", "body", "canonical_url", "provenance"} <= columns
