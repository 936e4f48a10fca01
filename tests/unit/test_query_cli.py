"""search, show, stats and export through the real CLI (in this process, click's CliRunner), on
the database one real crawl filled."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from store.db import open_db
from store.query import Filters, parse_when, search
from store.schema import migrations
from tests.conftest import invoke

MARROW = "http://loopback-ledger.test/news/2026/11/18/marrow-river-crests-at-record-height.html"
ALL = "the"  # a word in every demo article


def query(db: Path, sql: str, params: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
    connection = sqlite3.connect(db)
    connection.row_factory = sqlite3.Row
    try:
        return [dict(row) for row in connection.execute(sql, params)]
    finally:
        connection.close()


def copy_db(source: Path, target: Path) -> Path:
    """A consistent copy of ``source`` (SQLite's backup API) that a test may change."""
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()
    return target


def cli_json(*args: str) -> Any:
    result = invoke(*args)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def search_json(db: Path, text: str, *options: str) -> list[dict[str, Any]]:
    return cli_json("search", text, "--db", str(db), "--format", "json", "--limit", "100", *options)


def search_ids(db: Path, text: str) -> set[int]:
    result = invoke("search", text, "--db", str(db), "--format", "jsonl", "--limit", "100")
    assert result.returncode in (0, 1) and "Traceback" not in result.stderr
    return {json.loads(line)["id"] for line in result.stdout.splitlines()}


def assert_clean_failure(result: Any, code: int) -> None:
    assert result.returncode == code, (result.returncode, result.stderr)
    assert "Traceback" not in result.stdout + result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr


# search ---------------------------------------------------------------------------------------


def test_search_formats_agree(crawled_db: Path) -> None:
    db = str(crawled_db)
    as_json = search_json(crawled_db, "river OR storm")
    ids = [row["id"] for row in as_json]
    assert len(ids) >= 3
    jsonl = invoke("search", "river OR storm", "--db", db, "--limit", "100")  # piped: jsonl
    assert [json.loads(line)["id"] for line in jsonl.stdout.splitlines()] == ids
    as_csv = invoke("search", "river OR storm", "--db", db, "--limit", "100", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert [int(row["id"]) for row in rows] == ids
    assert json.loads(rows[0]["authors"]) == as_json[0]["authors"]
    table = invoke("search", "river OR storm", "--db", db, "--limit", "100", "--format", "table")
    assert table.returncode == 0
    for row in as_json:
        assert row["title"].split()[0] in table.stdout
    assert "[river]" not in table.stdout.lower()  # highlights are styles on a terminal


def test_search_ranks_and_highlights(crawled_db: Path) -> None:
    rows = search_json(crawled_db, "European Security Treaty")
    assert rows[0]["title"].startswith("NATO Thinks It’s at War with Russia")
    assert "[European] [Security] [Treaty]" in rows[0]["snippet"]
    ranks = [row["rank"] for row in rows]
    assert ranks == sorted(ranks)  # BM25: lower is better


def library_ids(db: Path, text: str, filters: Filters | None = None) -> set[int]:
    return {row["id"] for row in search(open_db(db, create=False), text, 100, filters)}


def test_search_boolean_operators(crawled_db: Path) -> None:
    river, flood = library_ids(crawled_db, "river"), library_ids(crawled_db, "flood")
    assert river - flood and flood - river and river & flood  # the sets below all differ
    assert library_ids(crawled_db, "river OR flood") == river | flood
    assert library_ids(crawled_db, "river NOT flood") == river - flood
    assert library_ids(crawled_db, "river flood") == river & flood
    assert library_ids(crawled_db, "river AND flood") == river & flood
    assert search_ids(crawled_db, "river NOT flood") == river - flood  # through the CLI


def test_search_phrase_and_prefix(crawled_db: Path) -> None:
    phrase = search_json(crawled_db, '"Marrow River crested"')
    assert [row["canonical_url"] for row in phrase] == [MARROW]
    assert any("Telescope" in row["title"] for row in search_json(crawled_db, "telesc*"))
    assert library_ids(crawled_db, '"crested River Marrow"') == set()  # order matters
    assert library_ids(crawled_db, "telesc") == set()  # without * the prefix is a word


def test_search_plain_text_with_punctuation(crawled_db: Path) -> None:
    for text in ("flood-barriers: 6.2 metres?", "Marrow (river) — flood & barriers!"):
        rows = search_json(crawled_db, text)
        assert rows[0]["canonical_url"] == MARROW, text


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('"European Security', 'unclosed "'),
        ("OR", "OR needs a search term on each side"),
        ("storm OR", "OR needs a search term on each side"),
        ("NOT storm", "NOT needs a search term on each side"),
        ("river AND OR storm", "OR needs a search term on each side"),
        ("*", "nothing to search for"),
    ],
)
def test_search_syntax_errors_exit_2(crawled_db: Path, text: str, message: str) -> None:
    result = invoke("search", text, "--db", str(crawled_db))
    assert_clean_failure(result, 2)
    assert message in result.stderr


def test_search_filters(crawled_db: Path) -> None:
    every = {row["id"]: row for row in query(crawled_db, "select * from articles")}
    assert library_ids(crawled_db, ALL) == set(every)

    def ids(**filters: Any) -> set[int]:
        return library_ids(crawled_db, ALL, Filters(**filters))

    def expected(keep: Any) -> set[int]:
        return {i for i, row in every.items() if keep(row)}

    since = ids(since="2026-11-20")
    assert since and since == expected(lambda r: (r["published"] or "") >= "2026-11-20")
    until = ids(until=parse_when("2026-10-31", end=True))
    assert until and until == expected(lambda r: (r["published"] or "9") < "2026-11-01")
    jane = ids(author="jane")
    assert jane and jane == expected(lambda r: "Jane" in r["authors"]) and jane != set(every)
    assert ids(language="EN") == set(every) and ids(language="fr") == set()
    assert ids(sites=("demo", "eirns")) == set(every) and ids(sites=("eirns",)) == set()


def test_search_filter_options(crawled_db: Path) -> None:
    rows = search_json(crawled_db, ALL, "--site", "demo", "--since", "2026-11-01", "--until",
                       "2026-11-20", "--author", "Jane", "--lang", "en", "--limit", "1")
    assert len(rows) == 1
    row = rows[0]
    assert "2026-11-01" <= row["published"] < "2026-11-21" and row["site"] == "demo"
    assert any("Jane" in a for a in row["authors"]) and row["language"] == "en"


def test_search_relative_since(crawled_db: Path) -> None:
    cutoff = (datetime.now(UTC) - timedelta(days=40)).isoformat(timespec="seconds")
    expected = query(crawled_db, "select id from articles where published >= ?", (cutoff,))
    db = str(crawled_db)
    result = invoke("search", ALL, "--db", db, "--since", "40d", "--format", "json", "--limit=99")
    found = json.loads(result.stdout) if result.returncode == 0 else []
    assert sorted(row["id"] for row in found) == sorted(row["id"] for row in expected)


def test_search_filters_that_match_nothing(crawled_db: Path) -> None:
    for options in (("--site", "nosuchsite"), ("--lang", "fr"), ("--author", "%")):
        result = invoke("search", ALL, "--db", str(crawled_db), *options)
        assert_clean_failure(result, 1)
        assert "No articles match" in result.stderr


def test_bad_time_is_a_usage_error(crawled_db: Path) -> None:
    result = invoke("search", ALL, "--db", str(crawled_db), "--since", "last tuesday")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "cannot read 'last tuesday' as a time" in result.stderr


ATTACKS = ["'; DROP TABLE articles; --", '"', "NEAR(", "*", "title:x OR", "') OR 1=1 --"]


@pytest.mark.parametrize("attack", ATTACKS)
def test_injection_attempts_leave_the_database_intact(
    crawled_db: Path, tmp_path: Path, attack: str
) -> None:
    db = copy_db(crawled_db, tmp_path / "news.db")
    before = query(db, "select count(*) as n from articles")[0]["n"]
    runs = [
        invoke("search", attack, "--db", str(db)),
        invoke("search", ALL, "--db", str(db), "--site", attack, "--author", attack),
        invoke("export", "--db", str(db), "--format", "jsonl", "--query", attack),
    ]
    if attack == ATTACKS[0]:
        runs.append(invoke("show", attack, "--db", str(db)))
        runs.append(invoke("stats", "--db", str(db), "--site", attack))
    for result in runs:
        assert "Traceback" not in result.stdout + result.stderr
        assert result.returncode in (0, 1, 2)
    assert runs[1].returncode == 1  # the attack is a site name nobody has, not SQL
    assert query(db, "select count(*) as n from articles")[0]["n"] == before
    assert query(db, "pragma integrity_check")[0]["integrity_check"] == "ok"
    connection = sqlite3.connect(db)
    connection.execute("insert into articles_fts(articles_fts) values('integrity-check')")
    connection.close()


# show -----------------------------------------------------------------------------------------


def test_show_by_id_prints_the_whole_article(crawled_db: Path) -> None:
    article = query(crawled_db, "select * from articles where canonical_url = ?", (MARROW,))[0]
    result = invoke("show", str(article["id"]), "--db", str(crawled_db))
    assert result.returncode == 0, result.stderr
    flat = " ".join(result.stdout.split())
    assert article["title"] in flat
    for paragraph in article["body"].split("\n\n"):
        assert " ".join(paragraph.split()) in flat
    for heading in ("Provenance", "Known URLs", "Earlier versions", "Duplicates"):
        assert heading in result.stdout
    assert "selector" in result.stdout  # provenance of the fields


def test_show_by_any_known_url(crawled_db: Path) -> None:
    tracked = query(crawled_db, "select url from article_urls where url like '%utm_source%'")[0]
    expected = cli_json("show", MARROW, "--db", str(crawled_db), "--format", "json")
    for ref in (tracked["url"], MARROW.replace("loopback-ledger", "WWW.Loopback-Ledger") + "#x"):
        shown = cli_json("show", ref, "--db", str(crawled_db), "--format", "json")
        assert shown["article"]["id"] == expected["article"]["id"]
    assert {u["url"] for u in expected["urls"]} == {MARROW, tracked["url"]}
    assert expected["article"]["provenance"]["title"] == "selector"


def test_show_unknown_article(crawled_db: Path) -> None:
    for ref in ("99999", "https://nowhere.test/a.html"):
        result = invoke("show", ref, "--db", str(crawled_db))
        assert_clean_failure(result, 1)
        assert f"no article with id or URL {ref!r}" in result.stderr


def test_show_versions_and_duplicates_both_ways(crawled_db: Path, tmp_path: Path) -> None:
    db = copy_db(crawled_db, tmp_path / "news.db")
    original, copy = (row["id"] for row in query(db, "select id from articles order by id limit 2"))
    connection = sqlite3.connect(db)
    with connection:
        connection.execute("update articles set duplicate_of = ? where id = ?", (original, copy))
        connection.execute(
            "insert into article_versions (article_id, version, title, body, content_hash,"
            " replaced_at) values (?, 1, 'An earlier headline', 'old text', 'h', '2026-11-01')",
            (original,),
        )
    connection.close()
    shown = cli_json("show", str(original), "--db", str(db), "--format", "json")
    assert [d["id"] for d in shown["duplicates"]] == [copy]
    assert shown["versions"][0]["title"] == "An earlier headline"
    other = cli_json("show", str(copy), "--db", str(db), "--format", "json")
    assert other["duplicate_of"]["id"] == original and other["duplicates"] == []
    text = invoke("show", str(original), "--db", str(db)).stdout
    assert "An earlier headline" in text and "copy" in text
    assert "duplicate of" in invoke("show", str(copy), "--db", str(db)).stdout


# stats ----------------------------------------------------------------------------------------


def test_stats_counts_per_site_and_day(crawled_db: Path) -> None:
    report = cli_json(
        "stats", "--db", str(crawled_db), "--since", "2026-10-01", "--until", "2026-11-30",
        "--format", "json",
    )
    expected = query(
        crawled_db,
        "select substr(published, 1, 10) as day, count(*) as n from articles"
        " where published >= '2026-10-01' and published < '2026-12-01' group by day",
    )
    per_day = {row["day"]: row["total"] for row in report["days"] if row["total"]}
    assert per_day == {row["day"]: row["n"] for row in expected}
    assert len(report["days"]) == 61
    (demo,) = report["sites"]
    assert demo["in_period"] == sum(row["n"] for row in expected)
    assert demo["stored"] == query(crawled_db, "select count(*) as n from articles")[0]["n"]
    assert demo["in_period"] < demo["stored"]  # the 2022 article is outside the period
    assert [(run["site"], run["status"]) for run in report["runs"]] == [("demo", "finished")]


def test_stats_table_with_chart_and_latest_run(crawled_db: Path) -> None:
    result = invoke("stats", "--db", str(crawled_db), "--since", "2026-10-01", "--until",
                     "2026-11-30")
    assert result.returncode == 0, result.stderr
    assert "demo" in result.stdout and "finished" in result.stdout
    assert "no runs recorded" not in result.stdout
    assert "█" in result.stdout and "·" in result.stdout  # sparkline and bars
    assert "2026-11-18" in result.stdout  # a day with an article


def test_stats_shows_latest_run_per_site(crawled_db: Path, tmp_path: Path) -> None:
    db = copy_db(crawled_db, tmp_path / "news.db")
    connection = sqlite3.connect(db)
    with connection:
        connection.execute("delete from crawl_runs")
        connection.executemany(
            "insert into crawl_runs (site, started_at, finished_at, status, pages_fetched,"
            " articles_new, articles_updated) values (?, ?, ?, ?, ?, ?, ?)",
            [
                ("demo", "2026-11-27T02:00:00", "2026-11-27T02:03:00", "ok", 23, 15, 0),
                ("demo", "2026-11-28T02:00:00", "2026-11-28T02:01:00", "degraded", 4, 0, 0),
                ("eirns", "2026-11-28T02:00:00", "2026-11-28T02:09:00", "ok", 80, 3, 1),
            ],
        )
    connection.close()
    report = cli_json("stats", "--db", str(db), "--format", "json")
    assert [(r["site"], r["status"]) for r in report["runs"]] == [
        ("demo", "degraded"),
        ("eirns", "ok"),
    ]
    text = invoke("stats", "--db", str(db), "--site", "demo").stdout
    assert "degraded" in text and "eirns" not in text and "no runs recorded" not in text


def test_stats_rejects_an_empty_period(crawled_db: Path) -> None:
    result = invoke("stats", "--db", str(crawled_db), "--since", "2026-11-20", "--until",
                     "2026-11-01")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "starts (2026-11-20) after it ends (2026-11-01)" in result.stderr


# export ---------------------------------------------------------------------------------------


def test_export_jsonl_and_csv(crawled_db: Path, tmp_path: Path) -> None:
    stored = {row["id"]: row for row in query(crawled_db, "select * from articles")}
    lines = invoke("export", "--db", str(crawled_db), "--format", "jsonl").stdout.splitlines()
    exported = [json.loads(line) for line in lines]
    assert sorted(row["id"] for row in exported) == sorted(stored)
    for row in exported:
        assert row["body"] == stored[row["id"]]["body"]
        assert row["authors"] == json.loads(stored[row["id"]]["authors"])
    target = tmp_path / "articles.csv"
    result = invoke("export", "--db", str(crawled_db), "--format", "csv", "-o", str(target))
    assert result.returncode == 0 and f"{len(stored)} articles written" in result.stderr
    with target.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert {int(row["id"]): row["body"] for row in rows} == {
        i: row["body"] for i, row in stored.items()
    }


def test_export_filters(crawled_db: Path) -> None:
    db = str(crawled_db)
    out = invoke("export", "--db", db, "--format", "jsonl", "--since", "2026-11-20",
                  "--author", "lindqvist", "--query", "merger OR parking")
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert rows, out.stderr
    for row in rows:
        assert row["published"] >= "2026-11-20"
        assert any("Lindqvist" in a for a in row["authors"])
        assert "merg" in row["body"].lower() or "parking" in row["body"].lower()
    assert len(rows) == 2


def test_export_refuses_to_overwrite_without_force(crawled_db: Path, tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    target.write_text("keep me\n")
    result = invoke("export", "--db", str(crawled_db), "--format", "jsonl", "-o", str(target))
    assert_clean_failure(result, 1)
    assert "already exists (use --force" in result.stderr
    assert target.read_text() == "keep me\n"
    forced = invoke("export", "--db", str(crawled_db), "--format", "jsonl", "-o", str(target),
                     "--force")
    assert forced.returncode == 0
    assert json.loads(target.read_text().splitlines()[0])["id"]
    assert [p.name for p in tmp_path.iterdir()] == ["out.jsonl"]  # no partial file left


def test_export_bad_syntax_leaves_no_file(crawled_db: Path, tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    result = invoke("export", "--db", str(crawled_db), "--format", "csv", "--query", "x OR",
                     "-o", str(target))
    assert_clean_failure(result, 2)
    assert list(tmp_path.iterdir()) == []


def test_a_common_word_ranks_only_the_most_recently_stored_matches(crawled_db: Path) -> None:
    db = open_db(crawled_db, create=False)
    newest = [row["id"] for row in query(crawled_db, "select id from articles order by id desc")]
    capped = search(db, ALL, 100, ranked=3)
    assert {row["id"] for row in capped} == set(newest[:3])
    assert [row["rank"] for row in capped] == sorted(row["rank"] for row in capped)
    everything = search(db, ALL, 100, ranked=len(newest))
    assert {row["id"] for row in everything} == set(newest)
    help_text = " ".join(invoke("search", "-h").stdout.split())
    assert "5,000 most recently stored are ranked" in help_text


def test_prefix_search_finds_words_by_their_first_letters(crawled_db: Path) -> None:
    db = open_db(crawled_db, create=False)
    hits = {row["id"] for row in search(db, "marr*", 50)}
    assert hits == {row["id"] for row in search(db, "marrow", 50)} and hits


def test_only_a_searched_column_changing_touches_the_search_index(
    crawled_db: Path, tmp_path: Path
) -> None:
    path = copy_db(crawled_db, tmp_path / "copy.db")
    db = open_db(path)
    index = "select count(*) as n, sum(length(block)) as size from articles_fts_data"
    before = query(path, index)
    db.execute("update articles set last_seen = '2030-01-01T00:00:00+00:00'")
    db.conn.commit()
    assert query(path, index) == before
    db.execute("update articles set title = 'Zanzibarian Quokka' where id = 1")
    db.conn.commit()
    assert [row["id"] for row in search(db, "quokka")] == [1]
    db.execute("insert into articles_fts(articles_fts) values ('integrity-check')")


def test_an_older_database_gets_the_prefix_index_and_keeps_its_articles(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    old = Database(path)
    migrations.apply(old, stop_before="index_search_prefixes")
    old.execute("insert into articles (canonical_url, url, site, title, body, content_hash) "
                "values ('http://a.test/1', 'http://a.test/1', 'a', 'Basalt quarry', "
                "'The basalt quarry reopens.', 'h1')")
    old.conn.commit()
    assert "prefix" not in old["articles_fts"].schema
    old.close()
    db = open_db(path)
    assert "prefix='2 3 4'" in db["articles_fts"].schema
    assert [row["title"] for row in search(db, "basal*")] == ["Basalt quarry"]
    db.execute("insert into articles_fts(articles_fts) values ('integrity-check')")
