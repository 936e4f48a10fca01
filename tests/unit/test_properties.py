"""Property-based tests (hypothesis) of the text processors, the URL canonicaliser and the
search query builder: no exception on any input, idempotence, invariance.

CI runs the ``ci`` profile (a few thousand cases in all). For a longer local run:

    NEWSDESK_HYPOTHESIS_PROFILE=long .venv/bin/python -m pytest tests/unit/test_properties.py

(``long``: 50 times as many examples per property.)
"""

from __future__ import annotations

import hashlib
import os
import re
import sqlite3
import unicodedata
from datetime import UTC, date, datetime
from email.utils import format_datetime

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from crawler.extract.processors import (
    compile_boilerplate,
    drop_boilerplate,
    normalize_text,
    parse_date,
    parse_dateline,
    split_authors,
    strip_byline,
    unique,
)
from crawler.middlewares import charset
from crawler.middlewares.retryafter import retry_after_seconds
from crawler.urls import TRACKING_PARAMS, canonicalize, rebase, strip_tracking
from pipelines.dedup import content_hash
from store import minhash
from store.query import QueryError, fts_query

settings.register_profile("ci", max_examples=250, deadline=None)
settings.register_profile(
    "long", max_examples=12_500, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("NEWSDESK_HYPOTHESIS_PROFILE", "ci"))

# Text as pages deliver it: any Unicode, with extra weight on whitespace, zero-width,
# control and combining characters.
TRICKY = st.sampled_from(
    list(" \t\n\r\x0b\x0c\xa0\u2000\u2028\u200b\u200d\ufeff\u00ad\x00\x01\x1f\x7f\u0301\u0308")
)
TEXT = st.text(st.one_of(st.characters(), TRICKY), max_size=80)


# -- text processors -----------------------------------------------------------


@given(TEXT)
def test_normalize_text_is_idempotent_and_clean(text: str) -> None:
    cleaned = normalize_text(text)
    if cleaned is None:
        return
    assert normalize_text(cleaned) == cleaned
    assert cleaned == cleaned.strip() and "  " not in cleaned
    assert unicodedata.is_normalized("NFC", cleaned)
    assert not re.search("[\u200b\u200d\ufeff\u00ad\x00-\x08\x0e-\x1b\x7f]", cleaned)


@given(st.text(st.sampled_from(" a\t\n\x00\x08\x0b\x0e\x1c\x1f\x7f\x85\xa0\xad\u0301\u200b"
                               "\u2028\u2060\u3000\ufeffe")))  # fmt: skip
def test_normalize_text_is_its_regular_expression_definition(text: str) -> None:
    """Deleting with str.translate and splitting on str.split()'s whitespace is what the
    regular expressions said (zero-width and control characters out, \\s+ as one space)."""
    zero_width = "[\u200b\u200c\u200d\u2060\ufeff\u00ad\x00-\x08\x0e-\x1b\x7f]"
    expected = unicodedata.normalize("NFC", re.sub(zero_width, "", text))
    assert normalize_text(text) == (re.sub(r"\s+", " ", expected).strip() or None)


@given(st.lists(st.text(st.characters(blacklist_categories=["Cs"]), min_size=1), max_size=4),
       TEXT)  # fmt: skip
def test_boilerplate_drops_exactly_the_listed_lines(lines: list[str], other: str) -> None:
    context = {"boilerplate": compile_boilerplate([re.escape(line) for line in lines])}
    for line in lines:
        assert drop_boilerplate(line, context) is None
    if all(other.strip().casefold() != line.strip().casefold() for line in lines):
        kept = drop_boilerplate(other, context)
        assert kept in (other, None)  # None only when a pattern's own whitespace matched


@given(TEXT)
def test_byline_processors_never_fail(text: str) -> None:
    stripped = strip_byline(text)
    assert text.endswith(stripped)
    for name in split_authors(stripped):
        assert name and name == name.strip()
        assert not set(name) & {",", ";", "&"}


@given(st.lists(st.integers(0, 5)))
def test_unique_keeps_first_occurrences_in_order(values: list[int]) -> None:
    kept = unique(values)
    assert kept == sorted(set(values), key=values.index)
    assert unique(kept) == kept


@settings(max_examples=max(60, settings.default.max_examples // 4))  # dateparser is slow
@given(TEXT)
def test_parse_date_never_fails_and_returns_iso_or_none(text: str) -> None:
    parsed = parse_date(text)
    if parsed is not None:
        (date if len(parsed) == 10 else datetime).fromisoformat(parsed)
        assert parse_date(parsed) == parsed


@given(st.datetimes(min_value=datetime(1000, 1, 1), timezones=st.just(UTC)) | st.dates())
def test_iso_dates_round_trip(value: datetime | date) -> None:
    assert parse_date(value.isoformat()) == value.isoformat()


@given(TEXT)
def test_parse_dateline_never_fails(text: str) -> None:
    found = parse_dateline(text)
    if found is not None:
        date.fromisoformat(found[0])


# -- canonical URLs ---------------------------------------------------------------

LABEL = st.from_regex(r"[a-z][a-z0-9-]{0,10}[a-z0-9]", fullmatch=True)
SEGMENT = st.from_regex(r"[A-Za-z0-9._~-]{1,12}", fullmatch=True)
KEY = st.from_regex(r"[a-z][a-z0-9]{0,6}", fullmatch=True).filter(
    lambda key: not TRACKING_PARAMS.match(key)
)


@st.composite
def urls(draw: st.DrawFn) -> tuple[str, str, str, list[tuple[str, str]]]:
    """(scheme, host, path, query pairs) of an ordinary article URL."""
    scheme = draw(st.sampled_from(["http", "https"]))
    host = ".".join(draw(st.lists(LABEL, min_size=2, max_size=3)))
    path = "/" + "/".join(draw(st.lists(SEGMENT, max_size=4)))
    query = draw(st.lists(st.tuples(KEY, SEGMENT), max_size=3, unique_by=lambda kv: kv[0]))
    return scheme, host, path, query


def build(scheme: str, host: str, path: str, query: list[tuple[str, str]]) -> str:
    text = "&".join(f"{key}={value}" for key, value in query)
    return f"{scheme}://{host}{path}" + (f"?{text}" if text else "")


TRACKERS = st.lists(
    st.tuples(st.sampled_from(["utm_source", "utm_medium", "fbclid", "gclid", "ref", "smid"]),
              SEGMENT), max_size=3)  # fmt: skip


@given(urls(), TRACKERS, st.text(max_size=10), st.booleans(), st.booleans(), st.booleans())
def test_canonical_url_is_stable_under_tracking_fragment_case_www_and_port(
    parts: tuple[str, str, str, list[tuple[str, str]]],
    trackers: list[tuple[str, str]],
    fragment: str,
    upper: bool,
    www: bool,
    port: bool,
) -> None:
    scheme, host, path, query = parts
    base = canonicalize(build(scheme, host, path, query))
    assert canonicalize(base) == base
    variant_host = ("www." if www else "") + (host.upper() if upper else host)
    if port:
        variant_host += ":443" if scheme == "https" else ":80"
    variant = build(scheme.upper() if upper else scheme, variant_host, path, query + trackers)
    assert canonicalize(f"{variant}#{fragment}") == base
    assert "#" not in base and not any(f"{key}=" in base for key, _ in trackers)


@given(st.text(max_size=60) | st.builds(lambda s: "http://" + s, st.text(max_size=40)))
@example("HTTP://\\/0")  # no host once w3lib has turned the backslash into a slash
def test_canonicalize_and_strip_tracking_never_fail(text: str) -> None:
    assert canonicalize(canonicalize(text)) == canonicalize(text)
    stripped = strip_tracking(text)
    assert strip_tracking(stripped) == stripped


@given(urls(), urls())
def test_rebase_to_a_mirror_and_back_is_the_identity(
    site: tuple[str, str, str, list[tuple[str, str]]],
    mirror: tuple[str, str, str, list[tuple[str, str]]],
) -> None:
    declared, served = f"{site[0]}://{site[1]}", f"{mirror[0]}://{mirror[1]}:8123"
    url = build(*site)
    assert rebase(rebase(url, declared, served), served, declared) == url


# -- search and deduplication --------------------------------------------------------


@given(TEXT)
def test_any_search_text_is_a_valid_fts5_query_or_a_clear_error(text: str) -> None:
    try:
        query = fts_query(text)
    except QueryError as error:  # unclosed quote, dangling operator, no word: says which
        assert str(error) and "\n" not in str(error)
        return
    connection = sqlite3.connect(":memory:")
    connection.execute("create virtual table t using fts5(body)")
    connection.execute("insert into t values ('hello world')")
    connection.execute("select * from t where t match ?", [query]).fetchall()
    connection.close()


@given(st.lists(st.text(st.characters(categories=["L", "N"]), min_size=1), min_size=1))
def test_content_hash_ignores_spacing_and_punctuation(words: list[str]) -> None:
    text = " ".join(words)
    assert content_hash(text) == content_hash("  " + ",\n ".join(words) + "!")


@given(TEXT | st.text(st.characters(max_codepoint=127)))
def test_words_and_content_hash_are_their_regular_expression_definitions(text: str) -> None:
    """The ASCII fast path finds what \\w+ finds; the hash is of the text with each run of
    non-word characters made one space, stripped (what is stored must not change)."""
    assert minhash.words(text) == re.findall(r"\w+", text)
    spaced = re.sub(r"\W+", " ", text.casefold()).strip()
    assert content_hash(text) == hashlib.sha256(spaced.encode("utf-8")).hexdigest()


@given(st.binary(max_size=64) | st.text(max_size=64))
def test_retry_after_never_fails_and_never_asks_for_a_negative_wait(value: bytes | str) -> None:
    wait = retry_after_seconds(value)
    assert wait is None or wait >= 0


HTTP_DATES = st.datetimes(datetime(1970, 1, 1), datetime(9999, 1, 1), timezones=st.just(UTC))


@given(HTTP_DATES, HTTP_DATES)
def test_retry_after_http_dates_are_read_to_the_second(when: datetime, now: datetime) -> None:
    header = format_datetime(when, usegmt=True)  # an HTTP-date has whole seconds
    expected = max(0.0, (when.replace(microsecond=0) - now).total_seconds())
    assert retry_after_seconds(header, now=now) == expected


@given(st.binary(max_size=400), st.integers(1, 9))
@example("\u00e9\U0001f600\u201c".encode() * 30 + b"\xff\xfe", 7)
def test_utf8_damage_in_slices_counts_what_one_whole_decode_counts(body: bytes, size: int) -> None:
    # Slices so small that characters are split between them, as at 64 KiB on large pages.
    text = body.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    whole = (bad, sum(1 for char in text if not char.isascii()) - bad)
    assert charset._utf8_damage(body, slice_bytes=size) == whole
