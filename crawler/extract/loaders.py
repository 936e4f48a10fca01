"""ArticleLoader: composes the text processors for each Article field."""

from __future__ import annotations

from itemloaders.processors import Compose, Join, MapCompose, TakeFirst
from scrapy.loader import ItemLoader

from crawler.extract.processors import (
    drop_boilerplate,
    normalize_text,
    parse_date,
    split_authors,
    strip_byline,
    unique,
)
from crawler.items import Article


class ArticleLoader(ItemLoader):
    """Load an :class:`Article`; pass the site's compiled boilerplate as ``boilerplate``.

    Single-valued fields keep their first non-empty value; ``body`` keeps every
    paragraph that is not boilerplate, joined by a blank line.
    """

    default_item_class = Article
    default_input_processor = MapCompose(normalize_text)
    default_output_processor = TakeFirst()

    title_in = MapCompose(normalize_text, drop_boilerplate)
    lead_in = MapCompose(normalize_text, drop_boilerplate)
    body_in = MapCompose(normalize_text, drop_boilerplate)
    body_out = Join("\n\n")
    authors_in = MapCompose(normalize_text, strip_byline, split_authors)
    authors_out = Compose(unique)
    tags_in = MapCompose(normalize_text)
    tags_out = Compose(unique)
    published_in = MapCompose(normalize_text, parse_date)
    modified_in = MapCompose(normalize_text, parse_date)
