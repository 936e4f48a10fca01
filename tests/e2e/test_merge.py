"""``newsdesk merge``: node shards folded into one database, incrementally, without touching
the shards; a bad shard changes nothing."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from bench.generate import items
from pipelines.dedup import content_hash
from store.articles import write_article
from store.db import open_db, write_transaction
from store.minhash import DEFAULT_THRESHOLD, encode, signature
from tests.conftest import assert_one_line_error, invoke, query


def stored(item: Any, **changes: Any) -> dict[str, Any]:
    """An item as the pipelines hand it to the store (hash and signature set)."""
    row = {**dict(item), **changes}
    sig = signature(row["body"])
    return row | {"content_hash": content_hash(row["body"]), "minhash": encode(sig)}


def write(shard: Path, *rows: dict[str, Any]) -> None:
    db = open_db(shard)
    with write_transaction(db):
        for row in rows:
            write_article(db, row, DEFAULT_THRESHOLD)
    db.close()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def dump(db: Path) -> list[Any]:
    """Every row of every data table, for "nothing changed"."""
    connection = sqlite3.connect(db)
    tables = [r[0] for r in connection.execute(
        "select name from sqlite_master where type = 'table' and name not like '%fts%'"
        " and name not like 'sqlite_%' order by name")]  # fmt: skip
    rows = [(t, sorted(map(repr, connection.execute(f"select * from [{t}]")))) for t in tables]
    connection.close()
    return rows


@pytest.fixture
def shards(tmp_path: Path) -> tuple[Path, Path, list[dict[str, Any]]]:
    """Two shards of two sites; a story of site one is republished by site two."""
    one = [stored(i) for i in items(6, seed=1)]
    two = [stored(i, site="other", url=i["url"].replace("bench.test", "other.test"),
                  canonical_url=i["canonical_url"].replace("bench.test", "other.test"))
           for i in items(5, seed=2)]  # fmt: skip
    copy = one[0] | {"site": "other", "url": "http://other.test/news/copy.html",
                     "canonical_url": "http://other.test/news/copy.html",
                     "title": "A copy"}  # fmt: skip
    write(tmp_path / "one.db", *one)
    write(tmp_path / "two.db", *two, copy)
    return tmp_path / "one.db", tmp_path / "two.db", one


def test_merge_renumbers_links_copies_across_shards_and_leaves_shards_alone(
    tmp_path: Path, shards: tuple[Path, Path, list[dict[str, Any]]]
) -> None:
    one, two, _ = shards
    before = digest(one), digest(two)
    central = tmp_path / "news.db"
    result = invoke("merge", str(one), str(two), "--into", str(central))
    assert result.returncode == 0, result.stderr
    assert f"{one}: 6 new" in result.stdout
    assert "6 new" in result.stdout.splitlines()[1]
    assert "1 near-duplicates across shards" in result.stdout.splitlines()[1]
    assert (digest(one), digest(two)) == before
    rows = query(central, """select a.canonical_url, o.canonical_url as original
                             from articles a join articles o on o.id = a.duplicate_of""")
    assert [(r["canonical_url"], r["original"].split("/")[2]) for r in rows] == [
        ("http://other.test/news/copy.html", "bench.test")
    ]
    assert sorted(r["id"] for r in query(central, "select id from articles")) == list(range(1, 13))
    assert query(central, "pragma integrity_check")[0][0] == "ok"
    assert not query(central, "pragma foreign_key_check")
    hits = query(central, "select count(*) from articles_fts where articles_fts match 'copy'")
    assert hits[0][0] == 1


def test_merge_again_changes_nothing_then_takes_only_what_is_new(
    tmp_path: Path, shards: tuple[Path, Path, list[dict[str, Any]]]
) -> None:
    one, two, stories = shards
    central = tmp_path / "news.db"
    assert invoke("merge", str(one), str(two), "--into", str(central)).returncode == 0
    before = dump(central)
    again = invoke("merge", str(one), str(two), "--into", str(central))
    assert again.stdout.count("nothing new since the last merge") == 2
    assert dump(central) == before

    revised = stories[1] | {"body": stories[1]["body"] + "\n\nA correction was added."}
    write(one, stored(revised), stored(next(items(1, seed=9))))
    result = invoke("merge", str(one), "--into", str(central))
    assert "1 new, 1 updated" in result.stdout
    versions = query(central, """select v.version, v.content_hash from article_versions v
                                 join articles a on a.id = v.article_id""")
    assert [(v["version"], v["content_hash"]) for v in versions] == [
        (1, stories[1]["content_hash"])
    ]
    assert query(central, "select count(*) from articles")[0][0] == 13


def test_same_text_under_another_url_of_the_site_becomes_a_url_of_the_stored_story(
    tmp_path: Path, shards: tuple[Path, Path, list[dict[str, Any]]]
) -> None:
    one, _, stories = shards
    moved = tmp_path / "moved.db"  # the site ran on another node for a while
    write(moved, stories[2] | {"url": "http://bench.test/x", "canonical_url": "http://bench.test/x"})
    central = tmp_path / "news.db"
    result = invoke("merge", str(one), str(moved), "--into", str(central))
    assert "0 new, 0 updated, 0 unchanged, 1 same text as a stored story" in result.stdout
    urls = query(central, """select a.canonical_url from article_urls u
                             join articles a on a.id = u.article_id
                             where u.url = 'http://bench.test/x'""")
    assert [u["canonical_url"] for u in urls] == [stories[2]["canonical_url"]]


def test_a_shard_being_written_is_read_as_committed(
    tmp_path: Path, shards: tuple[Path, Path, list[dict[str, Any]]]
) -> None:
    one, _, _ = shards
    writer = sqlite3.connect(one)
    writer.execute("begin immediate")
    writer.execute("insert into crawl_runs (site, status) values ('bench', 'running')")
    central = tmp_path / "news.db"
    result = invoke("merge", str(one), "--into", str(central))
    assert "6 new" in result.stdout and "0 runs" in result.stdout
    writer.commit()
    writer.close()
    assert "1 runs" in invoke("merge", str(one), "--into", str(central)).stdout


def foreign(path: Path) -> None:
    connection = sqlite3.connect(path)
    connection.execute("create table notes (x)")
    connection.close()


@pytest.mark.parametrize(
    ("make", "needle"),
    [
        (lambda p: None, "no such shard"),
        (lambda p: p.write_text("not a database"), "cannot read as an SQLite database"),
        (lambda p: foreign(p), "not a newsdesk database"),
    ],
)
def test_a_bad_shard_is_one_line_and_changes_nothing(
    tmp_path: Path, shards: tuple[Path, Path, list[dict[str, Any]]], make: Any, needle: str
) -> None:
    one, _, _ = shards
    central = tmp_path / "news.db"
    assert invoke("merge", str(one), "--into", str(central)).returncode == 0
    before = digest(central)
    bad = tmp_path / "bad.db"
    make(bad)
    result = invoke("merge", str(bad), str(one), "--into", str(central))
    assert_one_line_error(result, str(bad), needle)
    assert digest(central) == before
    fresh = tmp_path / "fresh.db"
    assert invoke("merge", str(bad), "--into", str(fresh)).returncode == 1
    assert not fresh.exists()
