"""Small pure text processors that the article loader composes.

Each takes one value and returns the cleaned value, or ``None`` to drop it
(itemloaders' ``MapCompose`` skips ``None``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

# Zero-width characters, and control characters that are not whitespace (stray bytes):
# deleted by str.translate.
_ZERO_WIDTH = dict.fromkeys(
    [0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0xAD, *range(0x09), *range(0x0E, 0x1C), 0x7F]
)
_BYLINE_PREFIX = re.compile(r"^(?:written\s+)?by[:\s]+", re.IGNORECASE)
_AUTHOR_SEPARATORS = re.compile(r"\s*(?:,|;|&|\band\b|\bund\b)\s*", re.IGNORECASE)
_DATELINE = re.compile(
    r"^(?P<date>[A-Z][a-z]{2,8}\.?\s+\d{1,2},\s+\d{4})\s*"
    r"\((?P<source>[^)]{1,40})\)\s*[\u2014\u2013-]+"
)
_MONTH_DATE_FORMATS = ("%B %d, %Y", "%b %d, %Y", "%b. %d, %Y")


def normalize_text(text: str) -> str | None:
    """Normalise Unicode (NFC, no zero-width or control characters), collapse whitespace.

    Returns ``None`` for text that is empty once cleaned.

    >>> normalize_text("  Back\\u00a0to \\n top\\u200b ")
    'Back to top'
    >>> normalize_text("Cafe\\u0301")
    'Café'
    >>> normalize_text(" \\n\\t ") is None, normalize_text("e\\u200b\\u0301\\x01")
    (True, 'é')
    """
    text = unicodedata.normalize("NFC", text.translate(_ZERO_WIDTH))
    return " ".join(text.split()) or None  # str.split() splits where the regex \s matches


def compile_boilerplate(patterns: Iterable[str]) -> re.Pattern[str]:
    """Compile boilerplate patterns into one regex matching a *whole* line.

    >>> bool(compile_boilerplate(["Back to top", "Share this.*"]).fullmatch("share this article"))
    True
    >>> compile_boilerplate([]).fullmatch("anything") is None
    True
    """
    alternatives = "|".join(f"(?:{p})" for p in patterns) or "(?!)"
    return re.compile(rf"\s*(?:{alternatives})\s*", re.IGNORECASE)


def drop_boilerplate(line: str, loader_context: dict[str, Any]) -> str | None:
    """Drop a line that is entirely boilerplate for the page's site.

    The site's compiled patterns are in the loader context under ``boilerplate``.

    >>> ctx = {"boilerplate": compile_boilerplate(["Go to home page", "Back to top.*"])}
    >>> drop_boilerplate("Back to top    Go to home page clear", ctx) is None
    True
    >>> drop_boilerplate("He went back to top form.", ctx)
    'He went back to top form.'
    """
    pattern: re.Pattern[str] | None = loader_context.get("boilerplate")
    if pattern is not None and pattern.fullmatch(line):
        return None
    return line


def strip_byline(text: str) -> str:
    """Remove a leading "By" from a byline.

    >>> strip_byline("By Jane Doe and Omar Haddad")
    'Jane Doe and Omar Haddad'
    >>> strip_byline("Bylines Weekly")
    'Bylines Weekly'
    """
    return _BYLINE_PREFIX.sub("", text, count=1)


def split_authors(text: str) -> list[str]:
    """Split a byline into author names on commas, semicolons, "&" and "and".

    >>> split_authors("Jane Doe, Ann Lee and Zoë Martínez")
    ['Jane Doe', 'Ann Lee', 'Zoë Martínez']
    >>> split_authors("")
    []
    """
    return [name.strip() for name in _AUTHOR_SEPARATORS.split(text) if name.strip()]


def unique(values: list[Any]) -> list[Any]:
    """Keep the first occurrence of each value, in order.

    >>> unique(["Jane Doe", "Ann Lee", "Jane Doe"])
    ['Jane Doe', 'Ann Lee']
    """
    return list(dict.fromkeys(values))


def parse_date(text: str, loader_context: dict[str, Any] | None = None) -> str | None:
    """Parse a date or datetime to ISO 8601; a bare date stays a date.

    ISO strings and common English forms are read directly; anything else goes
    to dateparser, in the page's ``language`` when the loader context names one
    (guessing among all languages costs seconds on first use, and a crawl's
    downloads wait meanwhile). Unreadable text gives ``None``.

    >>> parse_date("2026-11-18T07:45:00+00:00")
    '2026-11-18T07:45:00+00:00'
    >>> parse_date("2022-04-30")
    '2022-04-30'
    >>> parse_date("April 30, 2022")
    '2022-04-30'
    >>> parse_date("not a date") is None, parse_date("3 March 2021", {"language": "en"})
    (True, '2021-03-03')
    """
    text = text.strip()
    try:
        if len(text) == 10:
            return date.fromisoformat(text).isoformat()
        return datetime.fromisoformat(text.replace("Z", "+00:00")).isoformat()
    except ValueError:
        pass
    for fmt in _MONTH_DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    language = str((loader_context or {}).get("language") or "").split("-")[0].lower()
    return _parse_date_fuzzy(text, [language] if language else None)


def _parse_date_fuzzy(text: str, languages: list[str] | None) -> str | None:
    import dateparser  # slow to import; only needed for unusual formats

    settings = {"STRICT_PARSING": True}
    try:
        parsed = dateparser.parse(text, languages=languages, settings=settings)
    except ValueError:  # a language dateparser does not know: let it guess
        parsed = dateparser.parse(text, settings=settings)
    if parsed is None:
        return None
    if parsed.tzinfo is None and parsed.time() == datetime.min.time():
        return str(parsed.date().isoformat())
    return str(parsed.isoformat())


def parse_dateline(paragraph: str) -> tuple[str, str] | None:
    """Read a wire-style dateline at the start of a paragraph: (ISO date, source).

    >>> parse_dateline("April 30, 2022 (EIRNS)\\u2014In an April 29 interview, ...")
    ('2022-04-30', 'EIRNS')
    >>> parse_dateline("In an April 29 interview") is None
    True
    """
    match = _DATELINE.match(paragraph)
    if match is None:
        return None
    published = parse_date(match["date"])
    if published is None:
        return None
    return published, match["source"].strip()
