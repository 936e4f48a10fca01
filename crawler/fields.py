"""The one table of the Article's fields: which a declaration may select, which the generic
extractor fills, which are watched for drift, stored, versioned and exported.

Kept free of Scrapy so that the read-side commands (search, export) load fast.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Field:
    """What one Article field is for.

    ``selectable``: a site declaration may give selectors for it; ``generic``: the
    generic extractor can fill it; ``watched``: its coverage is recorded per run and
    watched for drift; ``stored``: how the ``articles`` table keeps it (``column``,
    ``json`` text, or ``None``: not a column, or one the store computes);
    ``versioned``: kept in ``article_versions`` when a stored story changes (every stored
    field but the story's key and site, so an authors-only change keeps the old authors);
    ``exported``: written by feed exports (``scrapy crawl -O``).
    """

    name: str
    selectable: bool = False
    generic: bool = False
    watched: bool = False
    stored: str | None = "column"
    versioned: bool = False
    exported: bool = True


FIELDS: tuple[Field, ...] = (
    Field("url", versioned=True),
    Field("canonical_url"),
    Field("site"),
    Field("title", selectable=True, generic=True, watched=True, versioned=True),
    Field("authors", selectable=True, generic=True, watched=True, stored="json", versioned=True),
    Field("published", selectable=True, generic=True, watched=True, versioned=True),
    Field("modified", selectable=True, generic=True, versioned=True),
    Field("dateline_source", versioned=True),
    Field("section", selectable=True, generic=True, versioned=True),
    Field("tags", selectable=True, generic=True, stored="json", versioned=True),
    Field("language", generic=True, versioned=True),
    Field("lead", selectable=True, generic=True, versioned=True),
    Field("body", selectable=True, generic=True, watched=True, versioned=True),
    Field("image", selectable=True, generic=True, versioned=True),
    Field("provenance", stored="json", versioned=True),
    Field("fetched_at", stored=None),  # stored as first_seen / last_seen
    Field("etag", versioned=True),
    Field("last_modified", versioned=True),
    Field("redirected_from", stored=None, exported=False),  # kept in article_urls
    Field("content_hash", versioned=True),
    Field("word_count", stored=None),  # computed by the store from the body
    Field("minhash", stored=None, exported=False),  # article_minhash, article_bands
    Field("duplicate_of", stored=None),  # resolved to an id by the store
    Field("displaces", stored=None, exported=False),  # its URL was claimed by another page
    Field("archive", stored=None, exported=False),  # page to archive, then its WARC record
)


def _names(**wanted: object) -> tuple[str, ...]:
    return tuple(
        f.name for f in FIELDS if all(getattr(f, key) == value for key, value in wanted.items())
    )


SELECTABLE = _names(selectable=True)  # a declaration's [selectors] keys
GENERIC = _names(generic=True)  # what the generic extractor fills
WATCHED = _names(watched=True)  # coverage per run, drift alerts
STORED_COLUMNS = _names(stored="column")
STORED_JSON_COLUMNS = _names(stored="json")
VERSIONED_COLUMNS = _names(versioned=True)
# Fields a feed export (``scrapy crawl <site> -O articles.jsonl``) writes, in this order:
# every field but the pipelines' internal MinHash signature.
EXPORTED_FIELDS = _names(exported=True)
