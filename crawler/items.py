"""The Article item. What each of its fields is for: :mod:`crawler.fields`."""

from __future__ import annotations

import scrapy

from crawler.fields import EXPORTED_FIELDS

__all__ = ["EXPORTED_FIELDS", "Article"]


class Article(scrapy.Item):
    """A structured news article.

    ``provenance`` maps each filled field to the source that filled it
    (``selector``, ``dateline``, ``meta``, ...), so a reader of the database can
    tell a site selector's value from a fallback's. :data:`FIELDS` says what each
    field is for; a test keeps the two in step.
    """

    url = scrapy.Field()  # the URL fetched
    canonical_url = scrapy.Field()  # the story's key: see crawler.urls.canonicalize
    site = scrapy.Field()
    title = scrapy.Field()
    authors = scrapy.Field()  # list of names
    published = scrapy.Field()  # ISO 8601 date or datetime
    modified = scrapy.Field()
    dateline_source = scrapy.Field()  # e.g. "EIRNS" from "April 30, 2022 (EIRNS)—"
    section = scrapy.Field()
    tags = scrapy.Field()  # list
    language = scrapy.Field()
    lead = scrapy.Field()
    body = scrapy.Field()  # paragraphs joined by a blank line
    image = scrapy.Field()
    provenance = scrapy.Field()  # {field: source}
    fetched_at = scrapy.Field()
    etag = scrapy.Field()  # HTTP validators of the fetched copy, for conditional revisits
    last_modified = scrapy.Field()
    redirected_from = scrapy.Field()  # URLs that led here by redirect or meta refresh
    # Set by the pipelines.
    content_hash = scrapy.Field()
    word_count = scrapy.Field()
    minhash = scrapy.Field()  # hex MinHash signature of the body (pipelines.neardup)
    duplicate_of = scrapy.Field()  # first-seen copy: stored id, or canonical URL of this run
    displaces = scrapy.Field()  # True: another page claimed this story's URL (store.claims)
    # The page to archive (a crawler.warc.Exchange), then its WARC record {file, offset,
    # length, date}; an imported page's record from the start.
    archive = scrapy.Field()
