"""Date helpers for generic extraction: lenient parsing and UTC day boundaries."""

from __future__ import annotations

from datetime import date, datetime

from crawler.processors import normalize_text, parse_date


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


def parse_date_safely(text: str) -> str | None:
    """:func:`parse_date`, with ``None`` for anything it cannot read (never raises).

    >>> parse_date_safely("2026-11-20T19:10:00Z"), parse_date_safely("0000-00-00")
    ('2026-11-20T19:10:00+00:00', None)
    """
    cleaned = normalize_text(text)
    if cleaned is None or len(cleaned) > 64:
        return None
    try:
        return parse_date(cleaned)
    except (ValueError, OverflowError, TypeError):
        return None
