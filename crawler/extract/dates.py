"""Date helpers for generic extraction: lenient parsing and UTC day boundaries."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime, timedelta, timezone, tzinfo

from parsel import Selector

from crawler.extract.processors import normalize_text, parse_date

# A numeric date with dots is day-first wherever it is written (31.12.2022).
_DOTTED = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})(?:,?\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?")
# CMSs that store a date without a time often save local midnight as UTC; east of
# UTC (Europe, Africa, the Middle East) that is 20:00-23:00 UTC on the day before.
_LOCAL_MIDNIGHT_UTC_HOURS = range(20, 24)
# A date shown with the headline is read from the next few lines of text only,
# each a short line (a dateline or byline, not a paragraph of the story).
_SHOWN_DATE_CHARS = 600
_SEGMENT_CHARS = 80
_EARLIEST = datetime(1995, 1, 1)
# a live ticker or live blog: its type, its markup, or a heading that names it
_LIVE_CLASSES = ("liveticker", "live-ticker", "liveblog", "live-blog")
_LIVE_XPATH = "(//*[{}])[1]".format(" or ".join(f'contains(@class, "{c}")' for c in _LIVE_CLASSES))
_LIVE_HEADINGS = {"live-ticker", "liveticker", "live ticker", "live-blog", "liveblog", "live blog"}
_DIGIT = re.compile(r"\d")


def _moment(value: str) -> datetime | None:
    if len(value) <= 10:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def _is_utc(moment: datetime | None) -> bool:
    offset = moment.utcoffset() if moment else None
    return offset is not None and offset.total_seconds() == 0


def is_utc(value: str) -> bool:
    """Whether a value is a timestamp in UTC (the ones :func:`localize` may re-express).

    >>> is_utc("2022-11-06T23:00:00Z"), is_utc("2022-11-06T23:00:00+01:00"), is_utc("2022-11-06")
    (True, False, False)
    """
    return _is_utc(_moment(value))


def page_offset(values: Iterable[str]) -> tzinfo | None:
    """The first UTC offset other than zero among a page's timestamps: its local time.

    >>> page_offset(["2022-11-06T23:00:00Z", "2022-11-07T10:00:00+01:00"])
    datetime.timezone(datetime.timedelta(seconds=3600))
    >>> page_offset(["2022-11-06", "2022-11-06T23:00:00+00:00"]) is None
    True
    """
    for value in values:
        moment = _moment(value.strip())
        if moment is not None and moment.tzinfo is not None and not _is_utc(moment):
            return moment.tzinfo
    return None


def localize(value: str, offset: tzinfo | None) -> str:
    """A UTC timestamp expressed in the page's own offset, so its calendar day is the local one.

    The instant never changes. Without a known offset, a UTC timestamp at exactly
    20:00-23:00 is read as local midnight of the next day (a date stored without
    a time, east of UTC). Other values are returned as they are.

    >>> localize("2022-11-06T23:30:00+00:00", timezone(timedelta(hours=1)))
    '2022-11-07T00:30:00+01:00'
    >>> localize("2022-11-06T23:00:00+00:00", None)
    '2022-11-07T00:00:00+01:00'
    >>> localize("2022-11-06T23:17:00+00:00", None), localize("2022-11-06", None)
    ('2022-11-06T23:17:00+00:00', '2022-11-06')
    """
    moment = _moment(value)
    if moment is None or not _is_utc(moment):
        return value
    if offset is not None:
        return moment.astimezone(offset).isoformat()
    whole_hour = moment.minute == moment.second == moment.microsecond == 0
    if whole_hour and moment.hour in _LOCAL_MIDNIGHT_UTC_HOURS:
        return moment.astimezone(timezone(timedelta(hours=24 - moment.hour))).isoformat()
    return value


def utc_near_midnight(value: str) -> bool:
    """Whether a UTC timestamp may fall on another calendar day where it was published.

    >>> utc_near_midnight("2022-11-06T23:00:00+00:00"), utc_near_midnight("2022-11-06T12:00:00Z")
    (True, False)
    >>> utc_near_midnight("2022-11-06T23:00:00+01:00"), utc_near_midnight("2022-11-06")
    (False, False)
    """
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    offset = moment.utcoffset()
    if len(value) <= 10 or offset is None or offset.total_seconds() != 0:
        return False
    return moment.hour >= 20 or moment.hour < 6


def later_by(first: str, second: str, hours: int) -> bool:
    """Whether the ISO date ``second`` is at least ``hours`` after ``first``.

    >>> later_by("2024-12-03T23:17:00+09:00", "2024-12-04T00:06:42+09:00", 12)
    False
    >>> later_by("2023-11-06T18:19:00+01:00", "2023-11-07T10:14:00+01:00", 12)
    True
    >>> later_by("2023-11-07T10:14:00+01:00", "2023-11-06T18:19:00+01:00", 12)
    False
    """
    try:
        a, b = datetime.fromisoformat(first), datetime.fromisoformat(second)
    except ValueError:
        return False
    if (a.tzinfo is None) != (b.tzinfo is None):
        a, b = a.replace(tzinfo=None), b.replace(tzinfo=None)
    return b - a >= timedelta(hours=hours)


def is_live_ticker(page: Selector, types: set[str]) -> bool:
    """Whether a page is a live ticker, whose entries are dated one by one: a JSON-LD
    ``LiveBlogPosting``, markup whose class names one, or a heading that does.

    >>> is_live_ticker(Selector(text="<h2>Live-Ticker</h2><h3>11.04 Uhr: Vote</h3>"), set())
    True
    >>> is_live_ticker(Selector(text="<h2>Live music</h2>"), {"NewsArticle"})
    False
    """
    if "LiveBlogPosting" in types or page.xpath(_LIVE_XPATH):
        return True
    headings = page.xpath("//h2 | //h3")
    return any(h.xpath("normalize-space()").get("").casefold() in _LIVE_HEADINGS for h in headings)


def adjacent_days(first: str, second: str) -> bool:
    """Whether two ISO dates are one calendar day apart.

    >>> adjacent_days("2022-11-06T23:00:00+00:00", "2022-11-07")
    True
    >>> adjacent_days("2022-11-06", "2022-11-06")
    False
    """
    try:
        a, b = date.fromisoformat(first[:10]), date.fromisoformat(second[:10])
    except ValueError:
        return False
    return abs((a - b).days) == 1


def first_written_date(texts: Iterable[str], limit: int = _SHOWN_DATE_CHARS) -> str | None:
    """The first calendar date written in ``texts``, read as a reader would.

    ``texts`` are a page's text nodes in reading order; only their first
    ``limit`` characters are read. Each node is parsed by htmldate's date
    expressions (numeric dates day-first, month names in several languages),
    between 1995 and today; its fast patterns only: the full date parser it
    falls back to in extensive mode costs about a second a line.

    >>> first_written_date(["Share", "Veröffentlicht am 19.10.2019, 10:00", "Text"])
    '2019-10-19'
    >>> first_written_date(["By Jane Doe", "March 3, 2021"]), first_written_date(["No date"])
    ('2021-03-03', None)
    >>> first_written_date(["x" * 700, "3 March 2021"]) is None
    True
    """
    from htmldate.extractors import try_date_expr  # heavy; only for pages without date metadata

    read = 0
    latest = datetime.now() + timedelta(days=1)
    for text in texts:
        if read >= limit:
            break
        read += len(text)
        segment = normalize_text(text)
        if segment and _DIGIT.search(segment) and len(segment) <= _SEGMENT_CHARS:
            if found := try_date_expr(segment, "%Y-%m-%d", False, _EARLIEST, latest):
                return str(found)
    return None


def parse_date_safely(text: str) -> str | None:
    """:func:`parse_date`, with ``None`` for anything it cannot read (never raises).

    >>> parse_date_safely("2026-11-20T19:10:00Z"), parse_date_safely("0000-00-00")
    ('2026-11-20T19:10:00+00:00', None)
    >>> parse_date_safely("10.12.2022, 07:00:03"), parse_date_safely("3.1.2022")
    ('2022-12-10T07:00:03', '2022-01-03')
    """
    cleaned = normalize_text(text)
    if cleaned is None or len(cleaned) > 64:
        return None
    if dotted := _DOTTED.fullmatch(cleaned):
        return _day_first(dotted)
    try:
        return parse_date(cleaned)
    except (ValueError, OverflowError, TypeError):
        return None


def _day_first(match: re.Match[str]) -> str | None:
    day, month, year, hour, minute, second = (int(g) if g else None for g in match.groups())
    try:
        found = date(year or 0, month or 0, day or 0)
        if hour is None:
            return found.isoformat()
        moment = datetime(found.year, found.month, found.day, hour, minute or 0, second or 0)
        return moment.isoformat()
    except ValueError:
        return None
