"""Generated news sites for the several-machines tests: ``count`` sites under one folder (each
under its own path, so one loopback server mirrors them all), with copies across sites.

Site ``k`` (``sitek.test``) has ``ARTICLES`` stories. Its first story republishes the
second story of site ``k-1`` under a new first line (a near-duplicate), its last story is
the third story of site ``k-2`` word for word (a syndicated copy), and its listing links one
story twice, once with a tracking query (one story, two URLs).
"""

from __future__ import annotations

import html
from pathlib import Path

from bench.generate import Writer

ARTICLES = 6
DECLARATION = """name = "site{k}"
title = "Generated site {k}"
domains = ["site{k}.test"]
start_urls = ["http://site{k}.test/s{k}/"]
robots_sitemaps = false

[urls]
article = ['^/s{k}/news/[\\w-]+\\.html$']
follow = ['^/s{k}/$']

[selectors]
title = ["h1.headline"]
body = ["div.story-body > p"]
published = ["time::attr(datetime)"]
"""


def stories(count: int, articles: int = ARTICLES) -> list[list[tuple[str, list[str]]]]:
    """Per site, its (title, paragraphs) stories, copies included."""
    writer = Writer("nodes")
    sites = [[writer.story() for _ in range(articles)] for _ in range(count)]
    for k in range(count):
        title, paragraphs = sites[k - 1][1]
        sites[k][0] = (f"{title}, reported", [f"Reported by site {k} from wires.", *paragraphs])
        if count > 2:
            sites[k][-1] = sites[k - 2][2]
    return sites


def page(k: int, title: str, paragraphs: list[str], canonical: str, day: int) -> str:
    body = "\n".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>{html.escape(title)}</title><link rel="canonical" href="{canonical}"></head>
<body><h1 class="headline">{html.escape(title)}</h1>
<time datetime="2026-11-{day:02d}">November {day}</time>
<div class="story-body">{body}</div><footer>Site {k}</footer></body></html>"""


def write_sites(folder: Path, sites_dir: Path, count: int, articles: int = ARTICLES) -> list[str]:
    """The sites' pages under ``folder`` and declarations in ``sites_dir``; the site names."""
    sites_dir.mkdir(parents=True, exist_ok=True)
    (folder / "robots.txt").parent.mkdir(parents=True, exist_ok=True)
    (folder / "robots.txt").write_text("User-agent: *\nAllow: /\n", encoding="utf-8")
    for k, site in enumerate(stories(count, articles)):
        links = []
        for n, (title, paragraphs) in enumerate(site):
            path = f"/s{k}/news/story-{n}.html"
            target = folder / path.lstrip("/")
            target.parent.mkdir(parents=True, exist_ok=True)
            text = page(k, title, paragraphs, f"http://site{k}.test{path}", 1 + n % 28)
            target.write_text(text, encoding="utf-8")
            links.append(f'<a href="{path}">{html.escape(title)}</a>')
        links.append(f'<a href="/s{k}/news/story-1.html?utm_source=front">again</a>')
        listing = f"<!DOCTYPE html><html><body>{'<br>'.join(links)}</body></html>"
        (folder / f"s{k}" / "index.html").write_text(listing, encoding="utf-8")
        (sites_dir / f"site{k}.toml").write_text(DECLARATION.format(k=k), encoding="utf-8")
    return [f"site{k}" for k in range(count)]
