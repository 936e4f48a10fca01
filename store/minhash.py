"""MinHash signatures of article bodies and their LSH bands, and how they are stored.

Each article body gets a MinHash signature over its word shingles. Locality-
sensitive hashing splits the signature into bands; two articles sharing any band
are candidates, and a candidate is a near-duplicate when the signatures estimate
a Jaccard similarity of at least the threshold.

The bands and signatures live in SQLite (``article_bands``, ``article_minhash``),
written by the store in the transaction that writes the article, so a lookup is
a few indexed queries: nothing is loaded at start and the cost per article does
not grow with the number of stored articles.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlite_utils import Database

# Five-word shingles: long enough that stock phrases ("according to the") shared by
# unrelated stories rarely collide, short enough that one edit (a new first line, a
# footer) disturbs only five shingles. On the evaldata bodies the closest two different
# stories score 0.14 with 5-word shingles (0.17 with 3-word ones).
SHINGLE_WORDS = 5
# 128 permutations estimate a Jaccard similarity of 0.5 within about +-0.045 (one
# standard deviation), and give 32 bands of 4 rows, all of them used.
NUM_PERM = 128
# The hash family and seed define the stored signatures: changing either makes the
# stored ones incomparable (datasketch 2's default scheme, "affine32", computed here).
SEED = 1
_FMIX_SHIFTS = (np.uint32(16), np.uint32(13), np.uint32(16))
_FMIX_MULTIPLIERS = (np.uint32(0x85EBCA6B), np.uint32(0xC2B2AE35))
_BLOCK = 4096  # shingles permuted at once (4096 x 128 x 4 bytes = 2 MB)
# 32 bands x 4 rows, chosen for recall at the default threshold of 0.5: the chance that
# a pair becomes a candidate is 1 - (1 - s**4)**32, i.e. 0.87 at s=0.5, 0.99 at 0.6,
# 0.23 at 0.3 and 0.01 at 0.14. datasketch's optimal parameters for 0.5 with equal
# false-positive/false-negative weights (25 x 5) miss 45% of the pairs at 0.5; a false
# candidate costs only one signature comparison, a missed one a lost link.
# The bands are stored, so they are fixed: thresholds below ~0.4 lose recall.
BANDS, ROWS = 32, 4
# Bodies shorter than this get no signature: too few shingles for a reliable
# estimate, and short stubs ("Subscribe to read") look alike without being one story.
MIN_WORDS = 20
# Only the start of a body is signed: a 1.2M-word body took 4.5 s and over 1 GB to sign
# whole, and two copies of one story agree from their first paragraphs on.
MAX_SIGNED_CHARS = 200_000
DEFAULT_THRESHOLD = 0.5

_WORD = re.compile(r"\w+")
# ASCII characters that are not word characters (\w), each made a space.
_ASCII_NON_WORD = str.maketrans(
    {chr(code): " " for code in range(128) if not re.match(r"\w", chr(code))}
)
# Odd 64-bit multiplier of the polynomial that combines a shingle's word codes.
_SHINGLE_MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)

Signature = npt.NDArray[np.uint32]
BandKey = tuple[int, int]


def words(text: str) -> list[str]:
    """The runs of word characters (``\\w+``) of ``text``; for ASCII text, one
    ``str.translate`` and ``str.split`` (a third of the regular expression's time).

    >>> words("Don't stop_me, now!"), words("Ça va, l'été")
    (['Don', 't', 'stop_me', 'now'], ['Ça', 'va', 'l', 'été'])
    """
    if text.isascii():
        return text.translate(_ASCII_NON_WORD).split()
    return _WORD.findall(text)


def shingles(body: str, size: int = SHINGLE_WORDS) -> set[bytes]:
    """The body's word shingles, ignoring case and punctuation.

    >>> sorted(shingles("One, two. THREE four", size=3))
    [b'one two three', b'two three four']
    >>> shingles("Hi there", size=3)
    {b'hi there'}
    """
    words = _WORD.findall(body.casefold())
    count = max(1, len(words) - size + 1)
    return {" ".join(words[i : i + size]).encode("utf-8") for i in range(count)}


def shingle_hashes(body: str, size: int = SHINGLE_WORDS) -> npt.NDArray[np.uint32]:
    """A 32-bit hash of each word shingle, computed in bulk (what ``shingles`` spells out).

    Each word gets its CRC-32; a shingle's hash combines its words' codes as a
    polynomial in 64-bit arithmetic and folds it to 32 bits. One C call per word and
    a few array operations replace hashing every shingle's text separately.

    >>> a = shingle_hashes("One, two. THREE four", size=3)
    >>> len(a), bool((a == shingle_hashes("one two three four", size=3)).all())
    (2, True)
    >>> int(shingle_hashes("one two three", size=3)[0]) == int(a[0])
    True
    """
    return _hashes_of_words(words(body.casefold()), size)


def _hashes_of_words(words: list[str], size: int) -> npt.NDArray[np.uint32]:
    codes = np.fromiter(map(zlib.crc32, map(str.encode, words)), np.uint64, len(words))
    count = max(1, len(codes) - size + 1)
    combined = np.zeros(count, dtype=np.uint64)
    for offset in range(min(size, len(codes))):
        combined = combined * _SHINGLE_MULTIPLIER + codes[offset : offset + count]
    return (combined ^ (combined >> np.uint64(32))).astype(np.uint32)


@cache
def _permutations() -> tuple[npt.NDArray[np.uint32], npt.NDArray[np.uint32]]:
    """The affine permutations ``h -> a * h + b (mod 2**32)``, ``a`` odd, drawn once from
    ``SEED`` exactly as datasketch 2 draws them for ``scheme="affine32"``."""
    generator = np.random.RandomState(SEED)
    a = generator.randint(0, 1 << 31, NUM_PERM, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = generator.randint(0, 1 << 32, NUM_PERM, dtype=np.uint32)
    return a, b


def _fmix32(values: npt.NDArray[np.uint32]) -> npt.NDArray[np.uint32]:
    """MurmurHash3's 32-bit finalizer, datasketch's pre-mix of each input hash."""
    values = values ^ (values >> _FMIX_SHIFTS[0])
    values = values * _FMIX_MULTIPLIERS[0]
    values = values ^ (values >> _FMIX_SHIFTS[1])
    values = values * _FMIX_MULTIPLIERS[1]
    return values ^ (values >> _FMIX_SHIFTS[2])


def minhash(hashes: npt.NDArray[np.uint32]) -> Signature:
    """The MinHash of a set of 32-bit hashes: per permutation, the least permuted value.

    What datasketch's ``MinHash(num_perm=NUM_PERM, seed=SEED, scheme="affine32",
    hashfunc=int).update_batch(hashes)`` computes (a test holds the two equal), without
    importing datasketch, which brings scipy with it (60 MB of every crawl's memory).
    Computed in blocks of rows, so a long body needs no array of its size times 128.
    """
    a, b = _permutations()
    mixed = _fmix32(hashes.astype(np.uint32)).reshape(-1, 1)
    least = np.full(NUM_PERM, np.iinfo(np.uint32).max, dtype=np.uint32)
    for start in range(0, len(mixed), _BLOCK):
        np.minimum(least, (mixed[start : start + _BLOCK] * a + b).min(axis=0), out=least)
    return least


def signature(body: str) -> Signature | None:
    """The MinHash signature of the body (its first ``MAX_SIGNED_CHARS`` characters), or
    None for a body under ``MIN_WORDS`` words. The words are found once, for the count
    and the shingles alike.

    >>> signature("too short") is None
    True
    >>> text = " ".join(f"word{i}" for i in range(40))
    >>> sig = signature(text)
    >>> sig.shape, sig.dtype.name, bool((sig == signature(text.upper())).all())
    ((128,), 'uint32', True)
    """
    found = words(body[:MAX_SIGNED_CHARS].casefold())
    if len(found) < MIN_WORDS:
        return None
    return minhash(_hashes_of_words(found, SHINGLE_WORDS))


def similarity(a: Signature, b: Signature) -> float:
    """Estimated Jaccard similarity: the share of equal signature values.

    >>> similarity(np.array([1, 2, 3, 4], np.uint32), np.array([1, 2, 0, 0], np.uint32))
    0.5
    """
    return float(np.count_nonzero(a == b)) / len(a)


def band_keys(sig: Signature) -> list[BandKey]:
    """(band, hash) for each of the ``BANDS`` bands; the hash fits SQLite's INTEGER.

    >>> keys = band_keys(np.arange(NUM_PERM, dtype=np.uint32))
    >>> len(keys), [band for band, _ in keys[:3]], all(-2**63 <= h < 2**63 for _, h in keys)
    (32, [0, 1, 2], True)
    """
    return list(_band_keys(sig.astype("<u4").tobytes()))


@lru_cache(maxsize=256)
def _band_keys(raw: bytes) -> tuple[BandKey, ...]:
    """Band keys by the signature's bytes: the near-duplicate pipeline computes them and
    the store, writing the same article a moment later, finds them here."""
    width = ROWS * 4
    return tuple(
        (band, _hash64(raw[band * width : (band + 1) * width])) for band in range(BANDS)
    )


def _hash64(data: bytes) -> int:
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "little", signed=True)


def encode(sig: Signature) -> str:
    """The signature as text for the item (``minhash``); ``decode`` reverses it.

    >>> sig = np.array([1, 2**32 - 1], np.uint32)
    >>> encode(sig), bool((decode(encode(sig)) == sig).all())
    ('01000000ffffffff', True)
    """
    return sig.astype("<u4").tobytes().hex()


def decode(data: str | bytes) -> Signature:
    raw = bytes.fromhex(data) if isinstance(data, str) else data
    return np.frombuffer(raw, dtype="<u4").astype(np.uint32)


@dataclass(frozen=True)
class Copy:
    """An article a new one may duplicate: its URL, signature and first-seen copy."""

    url: str
    signature: Signature
    root: int | str  # stored id, or canonical URL of a copy of this run not yet stored


def best_copy(
    url: str, sig: Signature, copies: Iterable[Copy], threshold: float
) -> tuple[Copy, float] | None:
    """The copy (other than ``url`` itself) most similar to ``sig``, if at least ``threshold``."""
    best: tuple[Copy, float] | None = None
    for copy in copies:
        if copy.url == url:
            continue
        score = similarity(sig, copy.signature)
        if score >= threshold and (best is None or score > best[1]):
            best = (copy, score)
    return best


def stored_candidates(db: Database, keys: Sequence[BandKey]) -> list[Copy]:
    """Stored articles sharing at least one LSH band with ``keys`` (an indexed search)."""
    values = ", ".join(["(?, ?)"] * len(keys))
    sql = f"""
        with k(band, hash) as (values {values})
        select distinct a.id, a.canonical_url, a.duplicate_of, m.signature
        from k join article_bands b on b.band = k.band and b.hash = k.hash
        join article_minhash m on m.article_id = b.article_id
        join articles a on a.id = b.article_id
    """
    params = [value for key in keys for value in key]
    return [
        Copy(row[1], decode(row[3]), row[2] if row[2] is not None else row[0])
        for row in db.execute(sql, params).fetchall()
    ]


def stored_signatures(db: Database, urls: list[str]) -> list[tuple[str, bytes]]:
    """(canonical URL, stored signature) for those of ``urls`` that are stored."""
    found: list[tuple[str, bytes]] = []
    for start in range(0, len(urls), 500):
        chunk = urls[start : start + 500]
        marks = ", ".join("?" * len(chunk))
        sql = (
            "select a.canonical_url, m.signature from articles a "
            f"join article_minhash m on m.article_id = a.id where a.canonical_url in ({marks})"
        )
        found += [(row[0], row[1]) for row in db.execute(sql, chunk).fetchall()]
    return found


# Storage: called by the store while it writes an article, in its transaction.


def resolve_duplicate_of(db: Database, value: int | str | None) -> int | None:
    """The stored id of the first-seen copy named by an item's ``duplicate_of``.

    An id stays as it is; a canonical URL (a copy from the same run) becomes that
    article's id, or the id it is itself a copy of.
    """
    if value is None or isinstance(value, int):
        return value
    sql = "select id, duplicate_of from articles where canonical_url = ?"
    row = db.execute(sql, [value]).fetchone()
    if row is None:
        return None
    return int(row[1] if row[1] is not None else row[0])


def late_duplicate_of(db: Database, item: dict[str, Any], threshold: float) -> int | None:
    """At write time, the first-seen stored copy of an item the pipeline found none for.

    Crawls of several sites in one process, or in several, each keep their own run
    index; what another crawl wrote since this item passed the pipeline is seen here,
    inside the store's transaction.
    """
    if item.get("duplicate_of") is not None or not item.get("minhash"):
        return None
    sig = decode(item["minhash"])
    match = best_copy(item["canonical_url"], sig, stored_candidates(db, band_keys(sig)), threshold)
    return int(match[0].root) if match is not None else None


def store_signature(db: Database, article_id: Any, minhash: str | None) -> None:
    """Write (or replace) the signature and band rows of the article with id ``article_id``."""
    article_id = int(article_id)
    conn = db.conn
    old = conn.execute(
        "select signature from article_minhash where article_id = ?", [article_id]
    ).fetchone()
    if old is not None:
        conn.executemany(
            "delete from article_bands where band = ? and hash = ? and article_id = ?",
            [(band, hashed, article_id) for band, hashed in band_keys(decode(old[0]))],
        )
        conn.execute("delete from article_minhash where article_id = ?", [article_id])
    if minhash is None:
        return
    sig = decode(minhash)
    conn.execute(
        "insert into article_minhash (article_id, signature) values (?, ?)",
        [article_id, sig.astype("<u4").tobytes()],
    )
    conn.executemany(
        "insert or ignore into article_bands (band, hash, article_id) values (?, ?, ?)",
        [(band, hashed, article_id) for band, hashed in band_keys(sig)],
    )
