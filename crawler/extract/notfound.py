"""Soft-404s: "page not found" pages served with status 200.

A site that answers a removed story with its error page and a 200 would have that
page stored as an article. :func:`soft_404` names the evidence that a page is such an
error page: a request redirected to the site's home page, or a not-found phrase in the
page's title or first heading with little text or ``noindex`` beside it.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from scrapy.http import TextResponse

#: Not-found phrases in the languages of the declared sites and their neighbours.
NOT_FOUND = re.compile(
    r"\b(?:404|page (?:not found|cannot be found|does not exist)|not found|"
    r"(?:seite|artikel) nicht gefunden|page introuvable|página no encontrada|"
    r"pagina non trovata|pagina niet gevonden|página não encontrada|"
    r"sidan hittades inte|siden blev ikke fundet|strony nie znaleziono)\b",
    re.IGNORECASE,
)
MAX_HEADING_CHARS = 120  # a not-found phrase inside a long headline is a story about one
FEW_WORDS = 150  # an error page's text, against an article's


def soft_404(response: TextResponse, words: int) -> str | None:
    """Why the page looks like a not-found page (``words``: its extracted body's), or None.

    >>> from scrapy.http import HtmlResponse
    >>> page = lambda html: HtmlResponse("https://x.test/a", body=html, encoding="utf-8")
    >>> soft_404(page("<title>Page not found | Gazette</title><p>Sorry.</p>"), 1)
    "title 'Page not found | Gazette' and 1 words"
    >>> soft_404(page("<h1>Storm hits coast</h1><p>Rain.</p>"), 300) is None
    True
    >>> soft_404(page("<h1>404: the bus route nobody rides</h1>"), 800) is None
    True
    """
    if (home := _redirected_home(response)) is not None:
        return home
    for what, text in (("title", _first(response, "//title//text()")),
                       ("heading", _first(response, "//h1//text()"))):  # fmt: skip
        if text and len(text) <= MAX_HEADING_CHARS and NOT_FOUND.search(text):
            if words < FEW_WORDS:
                return f"{what} {text!r} and {words} words"
            if _noindex(response):
                return f"{what} {text!r} and noindex"
    return None


def _first(response: TextResponse, xpath: str) -> str:
    return " ".join("".join(response.xpath(xpath).getall()[:20]).split())


def _noindex(response: TextResponse) -> bool:
    content = response.xpath('//meta[@name="robots"]/@content').get() or ""
    return "noindex" in content.lower()


def _redirected_home(response: TextResponse) -> str | None:
    redirects = response.meta.get("redirect_urls") if response.request is not None else None
    return redirected_home(str(redirects[0]), response.url) if redirects else None


def redirected_home(first: str, target: str) -> str | None:
    """Why a redirect from ``first`` to ``target`` is a soft-404: another page sent to the
    home page; else None.

    >>> redirected_home("https://x.test/news/a.html", "https://x.test/")
    'redirected from https://x.test/news/a.html to the home page'
    >>> redirected_home("https://x.test/", "https://x.test/en/"), redirected_home("http://x.test/", "https://x.test/")
    (None, None)
    """
    if urlsplit(target).path not in ("", "/") or urlsplit(first).path in ("", "/"):
        return None
    return f"redirected from {first} to the home page"
