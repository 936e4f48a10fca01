"""Generated news sites for ``newsdesk sites add``, served on 127.0.0.1.

Three small sites of clearly different templates, each article with known truth
(title, authors, published, section, body paragraphs):

- ``harbour``: date paths (``/news/2026/05/04/slug.html``), articles listed only in an
  RSS feed the home page announces; OpenGraph metadata, the byline under the headline
  as ``rel=author`` links;
- ``valley``: numeric ids (``/politics/slug-48213``), articles listed only in a news
  sitemap named by robots.txt; JSON-LD metadata, the byline under the story;
- ``ridge``: ids in the query string (``/article.php?id=7``), no feed and no sitemap:
  only listing pages (sections, with a second page each); the date in a ``<time>``
  inside the ``<article>``, authors as ``itemprop=author``.

Every page has boilerplate around the article: navigation, share lines, related
links, a footer. :func:`serve` serves a folder written by :func:`write_site` (files
named by their URL's path and query, so query-string URLs are distinct pages).
"""

from __future__ import annotations

import html
import json
import random
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import quote

SECTIONS = ("world", "business", "science")
FIRST = ("Jane", "Ben", "Hannah", "Tomas", "Aisha", "Kofi", "Mei", "Lars", "Priya", "Owen")
LAST = ("Doe", "Okafor", "Lindqvist", "Novak", "Rahman", "Mensah", "Chen", "Berg", "Iyer", "Hale")
SUBJECTS = (
    "The harbour board", "Local growers", "The county council", "Two ferry operators",
    "A team of marine biologists", "Residents of the old quarter", "The regional hospital",
    "Volunteers at the food bank", "The university's engineers", "Small shop owners",
)  # fmt: skip
VERBS = (
    "agreed on", "warned about", "published figures on", "voted against", "asked for",
    "celebrated", "questioned", "drew up plans for", "raised money for", "reported delays in",
)  # fmt: skip
OBJECTS = (
    "the new tram depot", "winter flood defences", "a four-day school week", "rent controls",
    "the river clean-up", "late-night bus routes", "a solar farm on the ridge",
    "the closure of two libraries", "the fishing quota", "a second bridge across the estuary",
)  # fmt: skip
DETAILS = (
    "according to minutes seen this week", "after months of public meetings",
    "despite objections from neighbouring towns", "with a decision expected in spring",
    "in a report running to 140 pages", "as costs rose for a third year",
)  # fmt: skip
ARTICLES_PER_SITE = 9


@dataclass
class Story:
    """One generated article and its truth."""

    ident: int
    title: str
    authors: list[str]
    published: str  # ISO 8601, as the page declares it
    section: str
    paragraphs: list[str]
    path: str = ""  # path and query on its site

    @property
    def slug(self) -> str:
        return "-".join("".join(c for c in w if c.isalnum()) for w in self.title.lower().split())

    @property
    def body(self) -> str:
        return "\n\n".join(self.paragraphs)


def _sentence(rng: random.Random) -> str:
    number = rng.randint(3, 980)
    return (
        f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} "
        f"{rng.choice(DETAILS)}, and {number} people signed a letter about it."
    )


def stories(seed: int, count: int = ARTICLES_PER_SITE) -> list[Story]:
    """``count`` articles with distinct titles, dates a day apart (newest first)."""
    rng = random.Random(seed)
    made = []
    for n in range(count):
        title = f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} ({n + 1})"
        title = title.replace("(", "").replace(")", "")
        authors = [
            f"{rng.choice(FIRST)} {LAST[(seed + n + k) % len(LAST)]}" for k in range(1 + n % 2)
        ]
        day = 28 - n
        published = f"2026-05-{day:02d}T{7 + n % 9:02d}:{(n * 7) % 60:02d}:00+00:00"
        paragraphs = [" ".join(_sentence(rng) for _ in range(3)) for _ in range(4 + n % 3)]
        made.append(
            Story(
                seed * 1000 + 101 + n * 37, title, authors, published, SECTIONS[n % 3], paragraphs
            )
        )
    return made


@dataclass
class Site:
    """A generated site: its pages by path (and query), their content types, its articles."""

    name: str
    pages: dict[str, tuple[str, str]] = field(default_factory=dict)  # path -> (type, text)
    stories: list[Story] = field(default_factory=list)
    shows_section: bool = True  # whether its pages name the article's section

    def page(self, path: str, text: str, kind: str = "text/html; charset=utf-8") -> None:
        self.pages[path] = (kind, text)


# -- Templates --------------------------------------------------------------------


def _links(items: list[tuple[str, str]]) -> str:
    return "".join(f'<li><a href="{html.escape(p)}">{html.escape(t)}</a></li>' for p, t in items)


def _page(title: str, head: str, nav: str, main: str, footer: str) -> str:
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}'
        f"</title>{head}</head><body><header><nav><ul>{nav}</ul></nav></header>"
        f"<main>{main}</main><footer>{footer}</footer></body></html>"
    )


def _paragraphs(story: Story) -> str:
    return "".join(f"<p>{html.escape(p)}</p>" for p in story.paragraphs)


def _names(authors: list[str]) -> str:
    return " and ".join(authors)


def harbour(origin: str) -> Site:
    """Date paths; only an RSS feed; OpenGraph metadata; byline under the headline."""
    site = Site("harbour", stories=stories(1))
    nav = _links([("/", "Home"), *((f"/{s}/", s.title()) for s in SECTIONS)])
    footer = (
        "<p>© 2026 Harbour Herald</p><ul>"
        + _links([("/about-us", "About us"), ("/privacy-policy", "Privacy policy")])
        + "</ul>"
    )
    for story in site.stories:
        day = story.published[:10].replace("-", "/")
        story.path = f"/news/{day}/{story.slug}.html"
    for story in site.stories:
        related = _links([(s.path, s.title) for s in site.stories if s is not story][:3])
        head = (
            f'<meta property="og:title" content="{html.escape(story.title)}">'
            f'<meta property="og:site_name" content="Harbour Herald">'
            f'<meta property="article:published_time" content="{story.published}">'
            f'<meta property="article:section" content="{story.section.title()}">'
        )
        byline = " and ".join(f'<a rel="author" href="/about-us">{a}</a>' for a in story.authors)
        main = (
            f'<article><h1 class="headline">{html.escape(story.title)}</h1>'
            f'<p class="byline">By {byline}</p><div class="story">{_paragraphs(story)}</div>'
            f'<p class="share">Share this story: Facebook · X · Email</p></article>'
            f"<aside><h2>Related</h2><ul>{related}</ul></aside>"
        )
        site.page(story.path, _page(f"{story.title} | Harbour Herald", head, nav, main, footer))
    feed_head = f'<link rel="alternate" type="application/rss+xml" href="{origin}/rss/latest.xml">'
    teasers = _links([(s.path, s.title) for s in site.stories[:5]])
    home = f"<h2>Latest</h2><ul>{teasers}</ul>"
    site.page("/", _page("Harbour Herald", feed_head, nav, home, footer))
    for section in SECTIONS:
        listed = _links([(s.path, s.title) for s in site.stories if s.section == section])
        site.page(f"/{section}/", _page(section.title(), "", nav, f"<ul>{listed}</ul>", footer))
    site.page("/about-us", _page("About us", "", nav, "<p>We report on the harbour.</p>", footer))
    site.page("/rss/latest.xml", _rss(origin, site.stories), "application/rss+xml")
    return site


def _rss(origin: str, items: list[Story]) -> str:
    entries = "".join(
        f"<item><title>{html.escape(s.title)}</title><link>{origin}{s.path}</link>"
        f"<pubDate>{_rfc822(s.published)}</pubDate></item>"
        for s in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Harbour Herald</title><link>{origin}/</link>{entries}</channel></rss>"
    )


def _rfc822(iso: str) -> str:
    from datetime import datetime
    from email.utils import format_datetime

    return format_datetime(datetime.fromisoformat(iso))


def valley(origin: str) -> Site:
    """Numeric ids; only a news sitemap named in robots.txt; JSON-LD; byline under the story."""
    site = Site("valley", stories=stories(2))
    for story in site.stories:
        story.path = f"/{story.section}/{story.slug}-{story.ident}"
    nav = _links([("/", "Front page"), *((f"/{s}", s.title()) for s in SECTIONS)])
    footer = _links([("/contact.html", "Contact"), ("/terms.html", "Terms")])
    for story in site.stories:
        ld = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": story.title,
            "datePublished": story.published,
            "author": [{"@type": "Person", "name": a} for a in story.authors],
            "articleSection": story.section.title(),
            "publisher": {"@type": "Organization", "name": "Valley Voice"},
        }
        head = f'<script type="application/ld+json">{json.dumps(ld)}</script>'
        more = _links([(s.path, s.title) for s in site.stories if s.section == story.section])
        main = (
            f'<div class="share-bar">Share · Tweet · Print</div><div class="article-wrap">'
            f"<h1>{html.escape(story.title)}</h1>"
            f'<div class="article-text">{_paragraphs(story)}</div>'
            f'<div class="credits">Reporting by {_names(story.authors)}</div></div>'
            f'<section class="more"><h3>More from {story.section}</h3><ul>{more}</ul></section>'
        )
        site.page(story.path, _page(f"{story.title} - Valley Voice", head, nav, main, footer))
    site.page("/", _page("Valley Voice", "", nav, "<p>Today's paper.</p>" + _top(site, 4), footer))
    for section in SECTIONS:
        listed = _links([(s.path, s.title) for s in site.stories if s.section == section])
        site.page(f"/{section}", _page(section.title(), "", nav, f"<ul>{listed}</ul>", footer))
    site.page(
        "/robots.txt", f"User-agent: *\nAllow: /\nSitemap: {origin}/maps/news.xml\n", "text/plain"
    )
    urls = "".join(
        f"<url><loc>{origin}{s.path}</loc><news:news><news:publication_date>{s.published}"
        f"</news:publication_date></news:news></url>"
        for s in site.stories
    )
    site.page(
        "/maps/news.xml",
        '<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/'
        'sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
        f"{urls}</urlset>",
        "application/xml",
    )
    return site


def _top(site: Site, count: int) -> str:
    return "<ul>" + _links([(s.path, s.title) for s in site.stories[:count]]) + "</ul>"


def ridge(origin: str) -> Site:
    """Ids in the query string; only listing pages; dates in <time>, itemprop authors."""
    site = Site("ridge", stories=stories(3), shows_section=False)
    for story in site.stories:
        story.path = f"/article.php?id={story.ident}"
    nav = _links([("/", "Home"), *((f"/section.php?s={s}", s.title()) for s in SECTIONS)])
    footer = "<p>Ridge Courier, 1 Mill Lane.</p>" + _links([("/about.html", "About")])
    for story in site.stories:
        authors = ", ".join(f'<span itemprop="author">{a}</span>' for a in story.authors)
        main = (
            f"<article><h1>{html.escape(story.title)}</h1>"
            f'<div class="meta">{authors} · <time datetime="{story.published}">'
            f"{story.published[:10]}</time></div>{_paragraphs(story)}"
            f'<p class="tools">Share: email | print</p></article>'
            f'<div class="also"><b>Read also:</b> <a href="{site.stories[0].path}">'
            f"{html.escape(site.stories[0].title)}</a></div>"
        )
        site.page(story.path, _page(f"{story.title} — Ridge Courier", "", nav, main, footer))
    site.page("/", _page("Ridge Courier", "", nav, "<h2>Top stories</h2>" + _top(site, 3), footer))
    for section in SECTIONS:
        listed = [s for s in site.stories if s.section == section]
        for number, chunk in enumerate((listed[:2], listed[2:]), 1):
            query = f"s={section}" + (f"&page={number}" if number > 1 else "")
            more = f'<a href="/section.php?s={section}&amp;page=2">Older stories</a>'
            main = "<ul>" + _links([(s.path, s.title) for s in chunk]) + "</ul>"
            main += more if number == 1 else ""
            site.page(f"/section.php?{query}", _page(section.title(), "", nav, main, footer))
    site.page("/about.html", _page("About", "", nav, "<p>A paper since 1881.</p>", footer))
    site.page("/robots.txt", "User-agent: *\nDisallow: /admin/\n", "text/plain")
    return site


GENERATED: dict[str, Callable[[str], Site]] = {"harbour": harbour, "valley": valley, "ridge": ridge}


# -- Serving ----------------------------------------------------------------------


def write_site(site: Site, folder: Path) -> None:
    """Write the site's pages into ``folder``, each file named by its quoted path and query."""
    folder.mkdir(parents=True, exist_ok=True)
    types = {}
    for path, (kind, text) in site.pages.items():
        name = quote(path, safe="")
        (folder / name).write_text(text, encoding="utf-8")
        types[name] = kind
    (folder / ".types.json").write_text(json.dumps(types), encoding="utf-8")


class PageHandler(BaseHTTPRequestHandler):
    """Serves ``folder/<quoted path and query>`` with its recorded content type; else 404."""

    folder: Path

    def do_GET(self) -> None:
        name = quote(self.path, safe="")
        page = self.folder / name
        types = json.loads((self.folder / ".types.json").read_text(encoding="utf-8"))
        if name not in types or not page.is_file():
            self.send_error(404)
            return
        body = page.read_bytes()
        self.send_response(200)
        self.send_header("Content-Type", types[name])
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""


@contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve ``folder`` on a free port of 127.0.0.1 (in a thread); yields the origin."""
    handler = type("Handler", (PageHandler,), {"folder": folder})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@contextmanager
def generated(name: str, folder: Path) -> Iterator[tuple[str, Site]]:
    """Serve the generated site ``name`` from ``folder``; yields its origin and its truth."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / ".types.json").write_text("{}", encoding="utf-8")
    with serve(folder) as origin:
        site = GENERATED[name](origin)
        write_site(site, folder)
        yield origin, site
