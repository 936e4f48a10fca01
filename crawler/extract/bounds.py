"""Bounded work per page: what extraction and everything after it see of a huge page.

A page under ``DOWNLOAD_MAXSIZE`` (10 MB) can still be far larger than any article: an
8.9 MB page whose story body held 1.56M words took a crawl to 1.85 GB. Two caps, each far
above what real pages need (of the 918 saved evaluation pages, the largest is 2.2 MB of
HTML and the longest article body 37,795 characters):

- extraction sees the first :data:`MAX_EXTRACT_BYTES` of a page's HTML, cut before the
  last tag that starts under the cap (lxml closes what is left open);
- an article keeps the first :data:`MAX_BODY_CHARS` characters of its body, cut at the
  last paragraph break under the cap, so the content hash, the stored row, the FTS index
  and the search snippets see at most that (MinHash signs the same first 200,000).

Either cut is named in the article's provenance (``page_truncated``, ``body_truncated``).
"""

from __future__ import annotations

from scrapy.http import TextResponse

MAX_EXTRACT_BYTES = 4 * 1024 * 1024
MAX_BODY_CHARS = 200_000


def capped_page(
    response: TextResponse, max_bytes: int = MAX_EXTRACT_BYTES
) -> tuple[TextResponse, str | None]:
    """The page as extraction sees it, and a note when it was cut.

    >>> page = TextResponse("https://x.test/a", body=b"<p>one</p><p>two</p>", encoding="utf-8")
    >>> cut, note = capped_page(page, 14)
    >>> cut.text, note
    ('<p>one</p>', 'the first 10 of 20 bytes of HTML were extracted')
    >>> capped_page(page)[1] is None
    True
    """
    body = response.body
    if len(body) <= max_bytes:
        return response, None
    end = body.rfind(b"<", 0, max_bytes + 1)
    end = end if end > 0 else max_bytes
    note = f"the first {end} of {len(body)} bytes of HTML were extracted"
    return response.replace(body=body[:end]), note


def capped_body(body: str, max_chars: int = MAX_BODY_CHARS) -> tuple[str, str | None]:
    """The body kept, and a note when it was cut.

    >>> capped_body("First paragraph.\\n\\nSecond one, longer.", 30)
    ('First paragraph.', 'the first 16 of 37 characters of the body were kept')
    >>> capped_body("short", 30)
    ('short', None)
    """
    if len(body) <= max_chars:
        return body, None
    end = body.rfind("\n\n", 0, max_chars + 1)
    end = end if end > 0 else max_chars
    kept = body[:end].rstrip()
    return kept, f"the first {len(kept)} of {len(body)} characters of the body were kept"
