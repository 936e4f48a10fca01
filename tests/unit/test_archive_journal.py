"""The archive's pointer journal (crawler/archive_journal.py) on a real database: a running
crawl's journal is left alone, one left behind is replayed once, another database's is
not touched, and a replay never moves a pointer that already holds the stored text."""

from __future__ import annotations

import json
from pathlib import Path

from crawler.archive_journal import SUFFIX, PointerJournal, recover
from store.archive import Pointer, record_pointers
from store.db import open_db
from tests.conftest import query
from tests.unit.test_neardup import article, crawl

URL = "http://ledger.test/news/one.html"
BODY = " ".join(f"word{n}" for n in range(40))


def stored(tmp_path: Path) -> tuple[Path, str]:
    """A database holding one article: (its path, the article's content hash)."""
    db = tmp_path / "news.db"
    crawl(db, [article(URL, BODY)])
    return db, query(db, "select content_hash from articles")[0][0]


def pointer(content_hash: str, offset: int) -> Pointer:
    return Pointer(URL, content_hash, "/a/run-00000.warc.gz", offset, 100, "2026-01-02T03:04:05Z")


def archived(db: Path) -> list[int]:
    return [row[0] for row in query(db, "select warc_offset from article_archive")]


def test_a_running_crawls_journal_is_left_alone_and_replayed_once_it_died(tmp_path: Path) -> None:
    db, text = stored(tmp_path)
    journal = PointerJournal(tmp_path / ("demo-1" + SUFFIX), str(db))
    journal.append(pointer(text, 7))
    database = open_db(db)
    assert recover(database, str(db), [tmp_path]).journals == 0  # its crawl holds the lock
    assert archived(db) == [] and journal.path.exists()
    journal.close(remove=False)  # the process died: the kernel released the lock
    found = recover(database, str(db), [tmp_path])
    assert (found.journals, found.recorded, found.skipped) == (1, 1, 0)
    assert archived(db) == [7] and not journal.path.exists()


def test_another_databases_journal_is_not_touched(tmp_path: Path) -> None:
    db, text = stored(tmp_path)
    journal = PointerJournal(tmp_path / ("demo-1" + SUFFIX), str(tmp_path / "other.db"))
    journal.append(pointer(text, 7))
    journal.close(remove=False)
    assert recover(open_db(db), str(db), [tmp_path]).journals == 0
    assert archived(db) == [] and journal.path.exists()


def test_a_replay_keeps_a_pointer_to_the_same_text_and_skips_a_torn_line(tmp_path: Path) -> None:
    db, text = stored(tmp_path)
    database = open_db(db)
    record_pointers(database, [pointer(text, 50)])  # a later crawl archived the page again
    path = tmp_path / ("demo-1" + SUFFIX)
    header = json.dumps({"database": str(db.resolve())})
    line = json.dumps(pointer(text, 7).__dict__)
    path.write_text(f"{header}\n{line[:30]}\n{line}\n{line[:30]}")
    found = recover(database, str(db), [tmp_path])
    assert (found.journals, found.recorded, found.skipped) == (1, 0, 2)
    assert archived(db) == [50] and not path.exists()
