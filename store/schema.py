"""The database schema, as sqlite-utils migrations applied on open."""

from __future__ import annotations

from sqlite_utils import Database, Migrations

migrations = Migrations("newsdesk")


@migrations()
def create_articles(db: Database) -> None:
    db.table("articles").create(
        {
            "id": int,
            "canonical_url": str,
            "url": str,
            "site": str,
            "title": str,
            "authors": str,  # JSON list
            "published": str,
            "modified": str,
            "dateline_source": str,
            "section": str,
            "tags": str,  # JSON list
            "language": str,
            "lead": str,
            "body": str,
            "word_count": int,
            "image": str,
            "content_hash": str,
            "duplicate_of": int,
            "provenance": str,  # JSON object: field -> source
            "first_seen": str,
            "last_seen": str,
            "version": int,
        },
        pk="id",
        not_null={"canonical_url", "url", "site", "title", "body", "content_hash"},
        defaults={"version": 1},
        foreign_keys=[("duplicate_of", "articles", "id")],
    )
    db.table("articles").create_index(["canonical_url"], unique=True)
    db.table("articles").create_index(["content_hash"])
    db.table("articles").create_index(["site", "published"])
    db.table("articles").enable_fts(
        ["title", "lead", "body"], create_triggers=True, tokenize="porter"
    )


@migrations()
def create_article_urls(db: Database) -> None:
    db.table("article_urls").create(
        {"url": str, "article_id": int, "first_seen": str},
        pk="url",
        foreign_keys=[("article_id", "articles", "id")],
    )
    db.table("article_urls").create_index(["article_id"])


@migrations()
def create_article_versions(db: Database) -> None:
    db.table("article_versions").create(
        {
            "id": int,
            "article_id": int,
            "version": int,
            "title": str,
            "body": str,
            "content_hash": str,
            "published": str,
            "modified": str,
            "replaced_at": str,
        },
        pk="id",
        foreign_keys=[("article_id", "articles", "id")],
    )
    db.table("article_versions").create_index(["article_id", "version"], unique=True)


@migrations()
def create_crawl_runs(db: Database) -> None:
    db.table("crawl_runs").create(
        {
            "id": int,
            "site": str,
            "started_at": str,
            "finished_at": str,
            "status": str,  # running | finished | degraded | failed | interrupted
            "finish_reason": str,
            "pid": int,
            "host": str,
            "pages_fetched": int,
            "articles_seen": int,  # article pages met: extracted, skipped as stored, not modified
            "articles_extracted": int,
            "articles_new": int,
            "articles_updated": int,
            "articles_unchanged": int,
            "articles_duplicate": int,
            "pages_dropped": int,
            "errors": int,
            "coverage_title": float,
            "coverage_authors": float,
            "coverage_published": float,
            "coverage_body": float,
            "alerts": str,  # JSON list of human-readable alerts
        },
        pk="id",
    )
    db.table("crawl_runs").create_index(["site", "started_at"])
    db.table("dropped_pages").create(
        {
            "id": int,
            "run_id": int,
            "site": str,
            "url": str,
            "reason": str,
            "detail": str,
            "dropped_at": str,
        },
        pk="id",
        foreign_keys=[("run_id", "crawl_runs", "id")],
    )
    db.table("dropped_pages").create_index(["run_id"])
    db.table("dropped_pages").create_index(["url"])


@migrations()
def add_http_validators(db: Database) -> None:
    """ETag and Last-Modified of the stored copy, for conditional revisits."""
    db.table("articles").add_column("etag", str)
    db.table("articles").add_column("last_modified", str)


@migrations()
def add_declared_coverage(db: Database) -> None:
    """Per field, the share of a run's articles the site's own selectors filled (JSON)."""
    db.table("crawl_runs").add_column("coverage_declared", str)


@migrations()
def create_article_list_view(db: Database) -> None:
    # Articles with their publication month, for browsing and faceting (Datasette).
    db.create_view(
        "article_list",
        """
        select id, title, site, published, substr(published, 1, 7) as published_month,
               authors, section, language, word_count, canonical_url, duplicate_of, first_seen
        from articles
        """,
    )


@migrations()
def create_near_duplicate_index(db: Database) -> None:
    """MinHash signature per article and its LSH bands (see pipelines/neardup.py).

    ``article_bands`` is keyed by (band, hash) first, so finding the articles that share
    a band with a new one is an index search; WITHOUT ROWID keeps the key the table.
    """
    db.execute(
        "create table article_minhash ("
        " article_id integer primary key references articles(id),"
        " signature blob not null)"
    )
    db.execute(
        "create table article_bands ("
        " band integer not null, hash integer not null,"
        " article_id integer not null references articles(id),"
        " primary key (band, hash, article_id)) without rowid"
    )


@migrations()
def create_article_archive(db: Database) -> None:
    """Where an article's page is archived: the WARC file and the offset of its response record.

    One row per article, beside it rather than in ``articles``: archiving is optional, the
    row names the text it was archived with (``content_hash``), so a later crawl that stored
    a new text without archiving does not leave a pointer that seems to be of that text.
    """
    db.table("article_archive").create(
        {
            "article_id": int,
            "content_hash": str,  # of the text extracted from this record
            "warc_file": str,
            "warc_offset": int,
            "warc_length": int,
            "warc_date": str,
            "archived_at": str,
        },
        pk="article_id",
        not_null={"warc_file", "warc_offset"},
        foreign_keys=[("article_id", "articles", "id")],
    )


@migrations()
def version_every_stored_field(db: Database) -> None:
    """A version keeps every stored field of the story, not only its title, body and dates
    (an authors-only change kept no old authors). Versions written before hold NULL there."""
    for column in ("url", "authors", "dateline_source", "section", "tags", "language", "lead",
                   "image", "provenance", "etag", "last_modified"):  # fmt: skip
        db.table("article_versions").add_column(column, str)


@migrations()
def create_merge_state(db: Database) -> None:
    """What ``newsdesk merge`` took from each node shard (store/merge.py): per shard, the
    high-water mark of each table, and which central run each of its runs became."""
    db.table("merge_shards").create(
        {
            "shard": str,  # the shard file's absolute path
            "articles": int,  # highest articles.id merged
            "versions": int,  # highest article_versions.id merged
            "urls": int,  # highest article_urls rowid merged
            "runs": int,  # lowest crawl_runs.id that may still change (a running run)
            "dropped": int,  # highest dropped_pages.id merged
            "archived": str,  # latest article_archive.archived_at merged
            "merged_at": str,
        },
        pk="shard",
    )
    db.table("merge_runs").create(
        {"shard": str, "shard_run_id": int, "run_id": int},
        pk=("shard", "shard_run_id"),
        foreign_keys=[("run_id", "crawl_runs", "id")],
    )


# Prefix lengths with an index of their own: `wor*` and `worl*` read one list of articles
# instead of merging the lists of every word they begin (BENCHMARKS.md, search). Two
# letters too: the porter tokenizer stems a prefix as it stems a word (`bas*` searches
# `ba*`), so a three-letter prefix often arrives as two.
SEARCH_PREFIXES = "2 3 4"


@migrations()
def index_search_prefixes(db: Database) -> None:
    """The full-text index again, with prefix indexes (:data:`SEARCH_PREFIXES`), and
    kept up to date only when a searched column changes.

    sqlite-utils' update trigger rewrote an article's index entries on any update, such
    as the ``last_seen`` of every page a crawl finds unchanged. Rebuilding reads every
    stored article once (about 18 s of CPU per 100,000 articles, BENCHMARKS.md).
    """
    searched = ("title", "lead", "body")
    columns = ", ".join(f'"{name}"' for name in searched)
    old = ", ".join(f'old."{name}"' for name in searched)
    new = ", ".join(f'new."{name}"' for name in searched)
    db.execute("drop table articles_fts")
    db.execute(
        f'create virtual table "articles_fts" using fts5({columns}, tokenize=\'porter\', '
        f"content=\"articles\", prefix='{SEARCH_PREFIXES}')"
    )
    db.execute("insert into articles_fts(articles_fts) values ('rebuild')")
    db.execute("drop trigger articles_au")
    db.execute(
        f'create trigger "articles_au" after update of {columns} on "articles" begin '
        f"insert into \"articles_fts\" (\"articles_fts\", rowid, {columns}) "
        f"values ('delete', old.rowid, {old}); "
        f'insert into "articles_fts" (rowid, {columns}) values (new.rowid, {new}); end'
    )
