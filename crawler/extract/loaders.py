"""ArticleLoader: composes the text processors for each Article field.

What an itemloaders ``ItemLoader`` with ``MapCompose`` input processors and ``TakeFirst``,
``Join`` and ``Compose(unique)`` output processors gives, computed directly: the loader's
per-call lookups (processor by field name, the signature of every function checked for a
``loader_context`` argument, an item adapter) cost more than the processors themselves
on a declared site's page (``tests/unit/test_processors.py`` holds the two equal).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import partial
from typing import Any

from crawler.extract.processors import (
    drop_boilerplate,
    normalize_text,
    parse_date,
    split_authors,
    strip_byline,
    unique,
)
from crawler.items import Article

Processor = Callable[[Any], Any]


def take_first(values: list[Any]) -> Any:
    """The first value that is neither ``None`` nor empty text (itemloaders' ``TakeFirst``).

    >>> take_first([None, "", "a", "b"]), take_first([])
    ('a', None)
    """
    for value in values:
        if value is not None and value != "":
            return value
    return None


def join_paragraphs(values: list[str]) -> str:
    return "\n\n".join(values)


def map_compose(processors: tuple[Processor, ...], values: Iterable[Any]) -> list[Any]:
    """Each processor on each value in turn (itemloaders' ``MapCompose``): ``None`` drops
    a value, a list stands for its items.

    >>> map_compose((str.strip, lambda v: v.split() or None), [" a b ", "  "])
    ['a', 'b']
    """
    result = list(values)
    for processor in processors:
        processed: list[Any] = []
        for value in result:
            output = processor(value)
            if isinstance(output, list):
                processed += output
            elif output is not None:
                processed.append(output)
        result = processed
    return result


class ArticleLoader:
    """Collect an :class:`Article`'s values field by field.

    Single-valued fields keep their first non-empty value; ``body`` keeps every
    paragraph that is not boilerplate (the site's compiled ``boilerplate``), joined by a
    blank line; ``authors`` and ``tags`` keep each name once. Dates are read in the
    site's ``language``.
    """

    def __init__(self, boilerplate: re.Pattern[str] | None, language: str | None) -> None:
        context = {"boilerplate": boilerplate, "language": language}
        text = (normalize_text, partial(drop_boilerplate, loader_context=context))
        date = (normalize_text, partial(parse_date, loader_context=context))
        self.inputs: dict[str, tuple[Processor, ...]] = {
            "title": text,
            "lead": text,
            "body": text,
            "authors": (normalize_text, strip_byline, split_authors),
            "published": date,
            "modified": date,
        }
        self.values: dict[str, list[Any]] = {}

    def add_value(self, field: str, value: Any) -> None:
        """Add a value (text, or a list of texts) through the field's input processors."""
        values = value if isinstance(value, list) else [] if value is None else [value]
        processed = map_compose(self.inputs.get(field, (normalize_text,)), values)
        if processed:
            self.values.setdefault(field, []).extend(processed)

    def get_collected_values(self, field: str) -> list[Any]:
        return self.values.get(field, [])

    def get_output_value(self, field: str) -> Any:
        """The field's value from what was collected (``None``: no value)."""
        values = self.values.get(field, [])
        if field == "body":
            return join_paragraphs(values)
        if field in ("authors", "tags"):
            return unique(values)
        return take_first(values)

    def load_item(self) -> Article:
        """An article with each collected field's value."""
        article = Article()
        for field in self.values:
            value = self.get_output_value(field)
            if value is not None:
                article[field] = value
        return article
