"""Folding node shards into the central database: ``newsdesk merge SHARD... --into DB``.

Each shard is read from a consistent snapshot (:mod:`store.snapshot`); every shard is
checked before the central database is opened, so a bad one changes nothing. A shard is
merged in one transaction, from where its previous merge stopped: the central database
keeps, per shard, a high-water mark of each table (``merge_shards``) and which central run
each of its runs became (``merge_runs``). Stories are matched as the pipelines match them
across runs: by canonical URL (same text: unchanged; other text: updated, the earlier text
kept as a version), then by text within the site (the page becomes another URL of the
stored story). Ids are the central database's own. A story the node did not link to a
copy is looked up among the other shards' stories (MinHash bands, :mod:`store.minhash`),
so near-duplicates are linked across shards.
"""

from __future__ import annotations

import tempfile
from dataclasses import asdict, dataclass, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from crawler.fields import VERSIONED_COLUMNS
from store import minhash
from store.db import open_db, write_transaction
from store.records import Row, insert, merge_records, rows
from store.snapshot import ShardError, take_snapshot

# "+site": through the content_hash index, as the dedup pipeline looks it up.
SAME_TEXT = "select id from articles where content_hash = ? and +site = ? limit 1"
MAX_HOPS = 20  # duplicate_of chains are short; a loop must not hang the merge


@dataclass
class Marks:
    """How far a shard has been merged, table by table."""

    articles: int = 0
    versions: int = 0
    urls: int = 0
    runs: int = 0
    dropped: int = 0
    archived: str = ""

    @classmethod
    def load(cls, db: Database, shard: str) -> Marks:
        row = db.execute("select * from merge_shards where shard = ?", [shard]).fetchone()
        if row is None:
            return cls()
        names = [column[0] for column in db.execute("select * from merge_shards").description]
        values = dict(zip(names, row, strict=True))
        return cls(**{f.name: values[f.name] for f in fields(cls)})

    @classmethod
    def reached(cls, snap: Database, before: Marks) -> Marks:
        """The marks once everything in the snapshot is merged."""

        def top(sql: str, default: Any) -> Any:
            value = snap.execute(sql).fetchone()[0]
            return default if value is None else value

        running = "select min(id) from crawl_runs where status = 'running' and id >= ?"
        first_running = snap.execute(running, [before.runs]).fetchone()[0]
        last_run = top("select max(id) from crawl_runs", before.runs - 1)
        return cls(
            articles=top("select max(id) from articles", before.articles),
            versions=top("select max(id) from article_versions", before.versions),
            urls=top("select max(rowid) from article_urls", before.urls),
            runs=first_running if first_running is not None else last_run + 1,
            dropped=top("select max(id) from dropped_pages", before.dropped),
            archived=top("select max(archived_at) from article_archive", before.archived),
        )

    def save(self, db: Database, shard: str) -> None:
        now = datetime.now(UTC).isoformat(timespec="seconds")
        db.table("merge_shards").upsert({"shard": shard, **asdict(self), "merged_at": now},
                                        pk="shard")  # fmt: skip


@dataclass
class ShardReport:
    """What merging one shard did."""

    shard: str
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    same_text: int = 0  # another URL of a stored story of the site
    urls: int = 0
    versions: int = 0
    runs: int = 0
    dropped: int = 0
    archived: int = 0
    near_duplicates: int = 0  # linked to a copy from another shard

    def line(self) -> str:
        """The one line the CLI prints for the shard.

        >>> ShardReport("n1.db").line()
        'n1.db: nothing new since the last merge'
        >>> ShardReport("n1.db", new=2, urls=3).line()
        'n1.db: 2 new, 0 updated, 0 unchanged, 0 same text as a stored story; 3 URLs, \
0 versions, 0 runs, 0 dropped pages, 0 archive pointers; 0 near-duplicates across shards'
        """
        figures = [v for k, v in asdict(self).items() if k != "shard"]
        if not any(figures):
            return f"{self.shard}: nothing new since the last merge"
        return (
            f"{self.shard}: {self.new} new, {self.updated} updated, {self.unchanged} unchanged, "
            f"{self.same_text} same text as a stored story; {self.urls} URLs, "
            f"{self.versions} versions, {self.runs} runs, {self.dropped} dropped pages, "
            f"{self.archived} archive pointers; {self.near_duplicates} near-duplicates "
            f"across shards"
        )


def merge(
    central: str | Path, shards: list[str | Path], threshold: float = minhash.DEFAULT_THRESHOLD
) -> list[ShardReport]:
    """Merge ``shards`` into the database at ``central``; a report per shard.

    Raises :class:`ShardError` (nothing changed) for a missing, foreign or damaged shard,
    :class:`store.db.DatabaseError` for a central database that cannot be used.
    """
    paths = _shard_paths(central, shards)
    with tempfile.TemporaryDirectory(prefix="newsdesk-merge-") as folder:
        snaps = [take_snapshot(path, Path(folder) / f"{n}.db") for n, path in enumerate(paths)]
        db = open_db(central, verify=True)
        try:
            return [ShardMerge(db, snap, str(path), threshold).run() for path, snap in
                    zip(paths, snaps, strict=True)]  # fmt: skip
        finally:
            db.close()
            for snap in snaps:
                snap.close()


def _shard_paths(central: str | Path, shards: list[str | Path]) -> list[Path]:
    paths = [Path(shard).resolve() for shard in shards]
    target = Path(central).resolve()
    for path in paths:
        if path == target:
            raise ShardError(f"{path}: is the central database itself; give another --into")
        if paths.count(path) > 1:
            raise ShardError(f"{path}: given twice")
    return paths


class ShardMerge:
    """Merges one shard's snapshot into the central database."""

    def __init__(self, db: Database, snap: Database, shard: str, threshold: float) -> None:
        self.db = db
        self.snap = snap
        self.shard = shard
        self.threshold = threshold
        self.report = ShardReport(shard)
        self.ids: dict[int, int] = {}  # shard article id -> central article id

    def run(self) -> ShardReport:
        before = Marks.load(self.db, self.shard)
        after = Marks.reached(self.snap, before)
        with write_transaction(self.db):
            changed = self._articles(before)
            self._links(changed)
            self._urls(before)
            merge_records(self, before, [row["id"] for row, _ in changed])
            if after != before:
                after.save(self.db, self.shard)
        return self.report

    # Articles

    def _articles(self, before: Marks) -> list[tuple[Row, int]]:
        """Insert or update the shard's new and changed stories; those written."""
        sql = """select * from articles where id > ?
                 or id in (select article_id from article_versions where id > ?) order by id"""
        changed = []
        for row in rows(self.snap, sql, [before.articles, before.versions]):
            central_id, written = self._article(row)
            self.ids[row["id"]] = central_id
            if written:
                changed.append((row, central_id))
        return changed

    def _article(self, row: Row) -> tuple[int, bool]:
        sql = "select id, content_hash, version from articles where canonical_url = ?"
        existing = self.db.execute(sql, [row["canonical_url"]]).fetchone()
        values = {k: v for k, v in row.items() if k not in ("id", "duplicate_of")}
        if existing is None:
            same = self.db.execute(SAME_TEXT, [row["content_hash"], row["site"]]).fetchone()
            if same is not None:
                self.report.same_text += 1
                return int(same[0]), False
            central_id = int(insert(self.db, "articles", values).lastrowid or 0)
            self._versions(row["id"], central_id, 0)
            self.report.new += 1
        elif existing[1] == row["content_hash"]:
            self.report.unchanged += 1
            return int(existing[0]), False
        else:
            central_id, version = int(existing[0]), int(existing[2])
            self._versions(row["id"], central_id, version)
            self._keep_current(central_id, row["last_seen"])
            values.pop("first_seen")
            values["version"] = max(row["version"], version + 1)
            assignments = ", ".join(f"{name} = ?" for name in values)
            sql = f"update articles set {assignments} where id = ?"
            self.db.execute(sql, [*values.values(), central_id])
            self.report.updated += 1
        self._signature(row["id"], central_id)
        return central_id, True

    def _versions(self, shard_id: int, central_id: int, from_version: int) -> None:
        """The shard's earlier texts of a story, from ``from_version`` on."""
        sql = "select * from article_versions where article_id = ? and version >= ?"
        for version in rows(self.snap, sql, [shard_id, from_version]):
            values = {k: v for k, v in version.items() if k != "id"} | {"article_id": central_id}
            self.report.versions += insert(self.db, "article_versions", values,
                                           "insert or ignore").rowcount  # fmt: skip

    def _keep_current(self, central_id: int, replaced_at: str) -> None:
        """The central text about to be replaced, as a version (unless the shard had it)."""
        columns = ", ".join(VERSIONED_COLUMNS)
        sql = f"""insert or ignore into article_versions (article_id, version, replaced_at,
                  {columns}) select id, version, ?, {columns} from articles where id = ?"""
        self.report.versions += self.db.execute(sql, [replaced_at, central_id]).rowcount

    def _signature(self, shard_id: int, central_id: int) -> None:
        sql = "select signature from article_minhash where article_id = ?"
        found = self.snap.execute(sql, [shard_id]).fetchone()
        minhash.store_signature(self.db, central_id, bytes(found[0]).hex() if found else None)

    # Near-duplicates

    def _links(self, changed: list[tuple[Row, int]]) -> None:
        """``duplicate_of`` of the written stories: across shards first, then the node's own
        links, resolved to the first-seen copy of the whole group."""
        for row, central_id in changed:
            if row["duplicate_of"] is None:
                self._set_duplicate(central_id, self._copy_elsewhere(row, central_id))
        for row, central_id in changed:
            if row["duplicate_of"] is not None:
                target = self.central_id(row["duplicate_of"])
                root = self._root(target) if target is not None else None
                self._set_duplicate(central_id, root if root != central_id else None)

    def _copy_elsewhere(self, row: Row, central_id: int) -> int | None:
        """The first-seen copy, stored from another shard, of a story the node linked to none."""
        found = self.snap.execute(
            "select signature from article_minhash where article_id = ?", [row["id"]]
        ).fetchone()
        if found is None:
            return None
        sig = minhash.decode(bytes(found[0]))
        copies = [c for c in minhash.stored_candidates(self.db, minhash.band_keys(sig))
                  if not self._in_shard(c.url)]  # fmt: skip
        match = minhash.best_copy(row["canonical_url"], sig, copies, self.threshold)
        if match is None or int(match[0].root) == central_id:
            return None
        self.report.near_duplicates += 1
        return int(match[0].root)

    def _in_shard(self, canonical_url: str) -> bool:
        sql = "select 1 from articles where canonical_url = ?"
        return self.snap.execute(sql, [canonical_url]).fetchone() is not None

    def _root(self, article_id: int) -> int:
        """The first-seen copy of the article's group: follow ``duplicate_of`` to its end."""
        for _ in range(MAX_HOPS):
            sql = "select duplicate_of from articles where id = ?"
            found = self.db.execute(sql, [article_id]).fetchone()
            if found is None or found[0] is None:
                return article_id
            article_id = int(found[0])
        return article_id

    def _set_duplicate(self, central_id: int, root: int | None) -> None:
        sql = "update articles set duplicate_of = ? where id = ? and duplicate_of is not ?"
        self.db.execute(sql, [root, central_id, root])

    def central_id(self, shard_id: int) -> int | None:
        """The central id of a shard story: merged now, or by an earlier merge."""
        if shard_id in self.ids:
            return self.ids[shard_id]
        sql = "select canonical_url, content_hash, site from articles where id = ?"
        found = self.snap.execute(sql, [shard_id]).fetchone()
        if found is None:
            return None
        stored = self.db.execute("select id from articles where canonical_url = ?",
                                 [found[0]]).fetchone()  # fmt: skip
        stored = stored or self.db.execute(SAME_TEXT, [found[1], found[2]]).fetchone()
        self.ids[shard_id] = int(stored[0]) if stored else 0
        return self.ids[shard_id] or None

    # URLs

    def _urls(self, before: Marks) -> None:
        sql = "select rowid, * from article_urls where rowid > ? order by rowid"
        for row in rows(self.snap, sql, [before.urls]):
            central_id = self.central_id(row["article_id"])
            if central_id is None:
                continue
            values = {"url": row["url"], "article_id": central_id, "first_seen": row["first_seen"]}
            self.report.urls += insert(self.db, "article_urls", values, "insert or ignore").rowcount
