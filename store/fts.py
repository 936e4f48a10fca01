"""What a user types into a search box, as a safe FTS5 query.

Plain text just works: every word must appear, and punctuation (``'``, ``;``,
``(``, ``-``, a lone ``*``) is only a separator. A small advanced syntax is
understood on top of that:

- ``"two words"``: the words as a phrase, in that order;
- ``OR``, ``AND``, ``NOT`` (upper case) between two terms: boolean operators;
- ``word*`` or ``"a phrase"*``: prefix search.

At most :data:`MAX_TERMS` words in all (each word of a phrase counts): FTS5's ranking
and snippets grow with the number of terms (500 took half a minute).

Each word reaches FTS5 inside double quotes, so FTS5's own syntax (``NEAR(``,
column filters, ``^``) is never interpreted. Input that the syntax above cannot
read (an unclosed ``"``, an operator without a term on both sides) raises
:class:`QuerySyntaxError` with a message saying what to change.
"""

from __future__ import annotations

import re

OPERATORS = frozenset({"OR", "AND", "NOT"})
MAX_TERMS = 32
WORD = re.compile(r"\w+")
TOKEN = re.compile(
    r'"(?P<phrase>[^"]*)"(?P<phrase_star>\*)?'
    r'|(?P<quote>")'
    r"|(?P<word>\w+)(?P<star>\*)?"
)


class QueryError(ValueError):
    """A search the database cannot run; the message says why."""


class QuerySyntaxError(QueryError):
    """The search text is not valid search syntax; the message says how to fix it."""


def fts_query(text: str) -> str:
    """Turn what a user typed into a safe FTS5 query.

    >>> fts_query('European Security Treaty')
    '"European" "Security" "Treaty"'
    >>> fts_query("'; DROP TABLE articles; --")
    '"DROP" "TABLE" "articles"'
    >>> fts_query('"security treaty" OR nato* NOT russia')
    '"security treaty" OR "nato"* NOT "russia"'
    >>> fts_query("NEAR(storm flood)")
    '"NEAR" "storm" "flood"'
    >>> fts_query('"European Security')
    Traceback (most recent call last):
    ...
    store.fts.QuerySyntaxError: unclosed " in '"European Security': close the phrase \
or search without quotes
    """
    parts: list[str] = []
    for match in TOKEN.finditer(text):
        if match["quote"]:
            raise QuerySyntaxError(
                f"unclosed \" in {text!r}: close the phrase or search without quotes"
            )
        if match["word"] in OPERATORS:
            _check_operator_position(text, parts, match["word"])
            parts.append(match["word"])
        elif match["word"]:
            parts.append(f'"{match["word"]}"' + (match["star"] or ""))
        elif words := WORD.findall(match["phrase"]):
            parts.append(f'"{" ".join(words)}"' + (match["phrase_star"] or ""))
    if parts and parts[-1] in OPERATORS:
        raise QuerySyntaxError(_operator_message(text, parts[-1]))
    if not parts:
        raise QuerySyntaxError(f"nothing to search for in {text!r}: give at least one word")
    _check_term_count(parts)
    return " ".join(parts)


def _check_term_count(parts: list[str]) -> None:
    """Refuse a query of more than :data:`MAX_TERMS` words.

    >>> _check_term_count(['"a b"', "OR", '"c"'])
    >>> _check_term_count(['"w"'] * 33)
    Traceback (most recent call last):
    ...
    store.fts.QuerySyntaxError: too many search terms (33 words): at most 32 are searched for
    """
    count = sum(len(WORD.findall(part)) for part in parts if part not in OPERATORS)
    if count > MAX_TERMS:
        raise QuerySyntaxError(
            f"too many search terms ({count} words): at most {MAX_TERMS} are searched for"
        )


def _check_operator_position(text: str, parts: list[str], operator: str) -> None:
    if not parts or parts[-1] in OPERATORS:
        raise QuerySyntaxError(_operator_message(text, operator))


def _operator_message(text: str, operator: str) -> str:
    return (
        f"{operator} needs a search term on each side in {text!r} "
        f"(write it in lower case to search for the word)"
    )
