"""Near-duplicates: real article bodies, changed as republishers change them, through the
real dedup, near-dup and store pipelines into a real SQLite file."""

from __future__ import annotations

import itertools
import json
import random
import sqlite3
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest

from crawler.items import Article
from pipelines.dedup import DedupPipeline
from pipelines.neardup import FORGET_EVERY, NearDupPipeline
from pipelines.store import StorePipeline
from store.minhash import (
    BANDS,
    DEFAULT_THRESHOLD,
    shingles,
)
from tests.conftest import FIXTURES, SHARED

FIXTURE = json.loads((FIXTURES / "neardup" / "articles.json").read_text(encoding="utf-8"))
ARTICLES = {entry["source"]: entry for entry in FIXTURE["articles"]}
ENGLISH = [
    "fundus/uk_TheGuardian_2024_02_24",
    "fundus/us_Reuters_2023_05_16",
    "fundus/uk_EuronewsEN_2024_04_30",
    "fundus/us_APNews_2023_04_28",
]
HEADER = "Breaking news from our partners at the wire service"
FOOTER = (
    "This story was first published by our partner newsroom and is republished with "
    "permission. Subscribe to our newsletter for the day's top stories."
)


def paragraphs(body: str) -> list[str]:
    return [p for p in body.split("\n\n") if p.strip()]


def with_boilerplate(body: str) -> str:
    return "\n\n".join([HEADER, body, FOOTER])


def with_headline(body: str) -> str:
    """A partner's copy: its own headline as the first line of the body."""
    return "\n\n".join(["Officials confirm the news in a statement on Tuesday", body])


def trimmed(body: str) -> str:
    return "\n\n".join(paragraphs(body)[:-1])


def article(url: str, body: str, title: str = "A story") -> Article:
    return Article(
        url=url, canonical_url=url, site="test", title=title, body=body, fetched_at="2026-01-01"
    )


class Pipelines:
    """The real dedup -> near-dup -> store chain over one database, as a crawl runs it."""

    def __init__(self, db: Path, batch_size: int = 50, **neardup: Any) -> None:
        self.stages: list[Any] = [
            DedupPipeline(str(db)),
            NearDupPipeline(str(db), **neardup),
            StorePipeline(str(db), batch_size, **_store_options(neardup)),
        ]

    def __enter__(self) -> Pipelines:
        for stage in self.stages:
            stage.open_spider()
        return self

    def __exit__(self, *exc: object) -> None:
        for stage in reversed(self.stages):  # as Scrapy closes pipelines
            stage.close_spider()

    def feed(self, items: Iterable[Article]) -> None:
        for item in items:
            for stage in self.stages:
                item = stage.process_item(item)


def _store_options(neardup: dict[str, Any]) -> dict[str, Any]:
    """The store re-checks late copies with the same threshold as the near-dup stage."""
    return {"near_threshold": neardup["threshold"]} if "threshold" in neardup else {}


def crawl(db: Path, items: Iterable[Article], **options: Any) -> None:
    with Pipelines(db, **options) as pipelines:
        pipelines.feed(items)


def links(db: Path) -> dict[str, str | None]:
    """canonical URL -> canonical URL of the article it duplicates (None: an original)."""
    connection = sqlite3.connect(db)
    try:
        sql = (
            "select a.canonical_url, o.canonical_url from articles a "
            "left join articles o on o.id = a.duplicate_of"
        )
        return dict(connection.execute(sql).fetchall())
    finally:
        connection.close()


def scalar(db: Path, sql: str, *params: Any) -> Any:
    connection = sqlite3.connect(db)
    try:
        return connection.execute(sql, params).fetchone()[0]
    finally:
        connection.close()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "news.db"


@pytest.mark.parametrize("change", [with_boilerplate, with_headline, trimmed])
@pytest.mark.parametrize("source", ENGLISH)
def test_republished_copy_links_to_the_first(db: Path, source: str, change: Any) -> None:
    body = ARTICLES[source]["body"]
    crawl(
        db, [article("https://wire.test/a", body), article("https://partner.test/b", change(body))]
    )
    assert links(db) == {
        "https://wire.test/a": None,
        "https://partner.test/b": "https://wire.test/a",
    }


def test_the_same_story_crawled_twice_links(db: Path) -> None:
    """The two Taz pages of one article (different page versions, different extractions)."""
    first, second = FIXTURE["same_story"][0]
    crawl(db, [article(first, ARTICLES[first]["body"]), article(second, ARTICLES[second]["body"])])
    assert links(db)[second] == first


def test_different_stories_do_not_link(db: Path) -> None:
    """Every fixture article, including same-site stories on the same topic, stays an original
    (the Taz page crawled twice is one story and counts once)."""
    crawl(db, [article(source, entry["body"]) for source, entry in ARTICLES.items()])
    stored = links(db)
    duplicates = {url: first for url, first in stored.items() if first is not None}
    assert duplicates == {b: a for a, b in FIXTURE["same_story"]}
    for a, b in FIXTURE["same_topic"]:
        assert stored[a] is None and stored[b] is None


@pytest.mark.parametrize("batch_size", [1, 50])
def test_copies_in_one_run_link_whether_or_not_the_first_is_written(
    db: Path, batch_size: int
) -> None:
    body = ARTICLES[ENGLISH[0]]["body"]
    items = [
        article("https://wire.test/a", body),
        article("https://one.test/b", with_boilerplate(body)),
        article("https://two.test/c", trimmed(body)),
    ]
    crawl(db, items, batch_size=batch_size)
    assert links(db) == {
        "https://wire.test/a": None,
        "https://one.test/b": "https://wire.test/a",
        "https://two.test/c": "https://wire.test/a",
    }


def test_a_later_run_links_to_the_stored_copy(db: Path) -> None:
    body = ARTICLES[ENGLISH[1]]["body"]
    crawl(db, [article("https://wire.test/a", body)])
    crawl(db, [article("https://partner.test/b", with_headline(body))])
    assert links(db)["https://partner.test/b"] == "https://wire.test/a"


def test_a_copy_of_a_copy_links_to_the_first_seen(db: Path) -> None:
    body = ARTICLES[ENGLISH[2]]["body"]
    crawl(db, [article("https://wire.test/a", body)])
    crawl(db, [article("https://one.test/b", with_boilerplate(body))])
    crawl(db, [article("https://two.test/c", trimmed(with_boilerplate(body)))])
    assert links(db)["https://two.test/c"] == "https://wire.test/a"


def test_an_updated_story_is_not_its_own_duplicate_and_its_bands_are_replaced(db: Path) -> None:
    body = ARTICLES[ENGLISH[0]]["body"]
    crawl(db, [article("https://wire.test/a", body)])
    first = scalar(db, "select signature from article_minhash")
    crawl(db, [article("https://wire.test/a", with_boilerplate(body))])
    assert links(db) == {"https://wire.test/a": None}
    assert scalar(db, "select version from articles") == 2
    assert scalar(db, "select signature from article_minhash") != first
    assert scalar(db, "select count(*) from article_bands") == BANDS


def test_each_stored_article_has_a_signature_and_its_bands(db: Path) -> None:
    crawl(db, [article(source, entry["body"]) for source, entry in ARTICLES.items()])
    articles = scalar(db, "select count(*) from articles")
    assert scalar(db, "select count(*) from article_minhash") == articles
    assert scalar(db, "select count(distinct article_id) from article_bands") == articles
    assert scalar(db, "select count(*) from article_bands") <= articles * BANDS


def test_short_bodies_are_stored_without_a_signature(db: Path) -> None:
    crawl(db, [article("https://x.test/a", "Subscribe to read the rest of this story.")])
    assert scalar(db, "select count(*) from articles") == 1
    assert scalar(db, "select count(*) from article_minhash") == 0


def test_a_higher_threshold_keeps_a_trimmed_copy_apart(db: Path) -> None:
    body = ARTICLES["fundus/us_APNews_2023_04_28"]["body"]  # four paragraphs
    copy = trimmed(body)
    crawl(
        db,
        [article("https://wire.test/a", body), article("https://b.test/b", copy)],
        threshold=0.99,
    )
    assert links(db)["https://b.test/b"] is None


def test_memory_of_the_run_holds_only_what_the_store_has_not_written(db: Path) -> None:
    vocabulary = sorted(set(" ".join(e["body"] for e in ARTICLES.values()).split()))
    rng = random.Random(5)
    bodies = [" ".join(rng.choices(vocabulary, k=120)) for _ in range(FORGET_EVERY * 4)]
    with Pipelines(db, batch_size=10) as pipelines:
        pipelines.feed(article(f"https://x.test/{i}", body) for i, body in enumerate(bodies))
        remembered = len(pipelines.stages[1].run)
    assert scalar(db, "select count(*) from articles") == len(bodies)
    assert remembered < FORGET_EVERY
    assert scalar(db, "select count(*) from articles where duplicate_of is not null") == 0


def test_threshold_outside_zero_to_one_is_refused(db: Path) -> None:
    with pytest.raises(ValueError, match="NEWSDESK_DEDUP_NEAR_THRESHOLD"):
        NearDupPipeline(str(db), threshold=1.5)


def evaldata_bodies() -> Iterator[tuple[str, str]]:
    for dataset in ("fundus", "scrapinghub_aeb"):
        truth = SHARED / "evaldata" / "public" / dataset / "truth.jsonl"
        for line in truth.read_text(encoding="utf-8").splitlines():
            entry = json.loads(line)
            if entry.get("body"):
                yield f"{dataset}/{entry['id']}", entry["body"]


@pytest.mark.skipif(not (SHARED / "evaldata").is_dir(), reason="../shared/evaldata is absent")
def test_on_all_evaldata_bodies_links_follow_the_exact_similarity(db: Path) -> None:
    """Every pair of real bodies is linked exactly when its exact shingle Jaccard
    similarity is at or above the threshold (no pair lies near it)."""
    bodies = dict(evaldata_bodies())
    sets = {key: shingles(body) for key, body in bodies.items()}
    holders: dict[object, list[str]] = {}
    for key, found in sets.items():
        for shingle in found:
            holders.setdefault(shingle, []).append(key)
    shared = Counter(pair for keys in holders.values() for pair in itertools.combinations(keys, 2))
    expected: dict[str, str] = {}
    for (a, b), common in shared.items():  # a pair sharing no shingle has similarity 0
        overlap = common / (len(sets[a]) + len(sets[b]) - common)
        assert not 0.3 < overlap < 0.7, (a, b, overlap)
        if overlap >= DEFAULT_THRESHOLD:
            expected[b] = a
    assert expected, "the data has one story crawled twice"
    crawl(db, [article(key, body) for key, body in bodies.items()])
    found = {url: first for url, first in links(db).items() if first is not None}
    assert found == expected


def test_signatures_are_the_stored_datasketch_minhashes() -> None:
    """Signatures already stored were made with datasketch: ours must be equal, value for
    value, or a new copy would never link to a stored one. A body longer than one block of
    shingles included."""
    from datasketch import MinHash

    from store.minhash import NUM_PERM, SEED, shingle_hashes, signature

    long_body = " ".join(f"w{i % 7001}" for i in range(12_000))
    for body in [entry["body"] for entry in ARTICLES.values()] + [long_body]:
        reference = MinHash(num_perm=NUM_PERM, seed=SEED, scheme="affine32", hashfunc=int)
        reference.update_batch(shingle_hashes(body).tolist())
        ours = signature(body)
        assert ours is not None
        assert ours.tolist() == reference.hashvalues.tolist()
