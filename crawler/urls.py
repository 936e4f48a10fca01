"""Canonical URLs: the key under which a story is stored."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from urllib.parse import urlsplit, urlunsplit

from w3lib.url import canonicalize_url

TRACKING_PARAMS = re.compile(
    r"^(?:utm_\w+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|yclid|_ga|igshid|"
    r"ocid|cmpid|ito|at_medium|at_campaign|ref|ref_src|smid|share)$",
    re.IGNORECASE,
)


def strip_tracking(url: str) -> str:
    """Remove tracking query parameters (``utm_*``, ``fbclid``, ...).

    >>> strip_tracking("https://x.test/a?id=3&utm_source=nl&fbclid=z")
    'https://x.test/a?id=3'
    >>> strip_tracking("http://[broken/?utm_source=x")  # no URL: left as it is
    'http://[broken/?utm_source=x'
    """
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if not parts.query:
        return url
    keep = [p for p in parts.query.split("&") if not TRACKING_PARAMS.match(p.split("=", 1)[0])]
    return urlunsplit(parts._replace(query="&".join(keep)))


@lru_cache(maxsize=4096)  # an article's URL is canonicalised by several steps, each in turn
def canonicalize(url: str) -> str:
    """Canonical form of an article URL.

    Lower-case scheme and host, no ``www.``, no default port, no fragment, no
    tracking parameters, sorted query, no trailing slash after a file path.

    >>> canonicalize("HTTPS://WWW.Example.com:443/News/a.html/?utm_source=x&b=2&a=1#top")
    'https://example.com/News/a.html?a=1&b=2'
    >>> canonicalize("http://example.com")
    'http://example.com/'

    A string that is no valid http(s) URL (another scheme, no host, a port out of
    range, a broken IPv6 host) comes back as given: this never raises.

    >>> canonicalize("http://example.com:99999/a"), canonicalize("mailto:desk@example.com")
    ('http://example.com:99999/a', 'mailto:desk@example.com')
    """
    try:
        parts = urlsplit(url)
        if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
            return url
        return _canonicalize(url) or url
    except ValueError:
        return url


def _canonicalize(url: str) -> str | None:
    """``None`` when the URL has no host once w3lib has normalised it (``http://\\/0``)."""
    url = canonicalize_url(strip_tracking(url), keep_fragments=False)
    parts = urlsplit(url)
    if not parts.hostname:
        return None
    host = (parts.hostname or "").lower().removeprefix("www.")
    port = parts.port
    if port and (parts.scheme, port) not in (("http", 80), ("https", 443)):
        host = f"{host}:{port}"
    path = parts.path or "/"
    if len(path) > 1 and path.endswith("/") and "." in path.rstrip("/").rsplit("/", 1)[-1]:
        path = path.rstrip("/")
    return urlunsplit((parts.scheme.lower(), host, path, parts.query, ""))


def rebase(url: str, served_origin: str, declared_origin: str) -> str:
    """Map a URL fetched from a mirror (e.g. the demo server) to the site's declared origin.

    >>> rebase("http://127.0.0.1:8123/news/a.html", "http://127.0.0.1:8123", "https://ledger.test")
    'https://ledger.test/news/a.html'
    >>> rebase("https://other.test/a", "http://127.0.0.1:8123", "https://ledger.test")
    'https://other.test/a'
    """
    if served_origin and url.startswith(served_origin.rstrip("/") + "/"):
        return declared_origin.rstrip("/") + url[len(served_origin.rstrip("/")) :]
    return url


def in_domains(url: str, domains: Iterable[str]) -> bool:
    """Whether the URL's host is one of ``domains`` or below one (any port).

    A URL that does not parse (a broken port or IPv6 host) is in none.

    >>> in_domains("https://news.x.test/a", ["x.test"])
    True
    >>> in_domains("http://127.0.0.1:8000/", ["127.0.0.1"])
    True
    >>> in_domains("https://notx.test/", ["x.test"]), in_domains("http://[::1", ["x.test"])
    (False, False)
    """
    try:
        parts = urlsplit(url)
        host, _ = parts.hostname or "", parts.port
    except ValueError:
        return False
    return any(host == d or host.endswith("." + d) for d in domains)


def check_url(url: str, where: str) -> None:
    """Raise ``ValueError`` unless ``url`` is an absolute http(s) URL.

    >>> check_url("ftp://x.test/a", "--url")
    Traceback (most recent call last):
    ...
    ValueError: --url: not an http(s) URL: 'ftp://x.test/a'
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{where}: not an http(s) URL: {url!r}")
