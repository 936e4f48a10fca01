"""Generated news: varied article texts, a static site of them, and Article items.

Texts are drawn from a Zipf-like distribution over a synthetic vocabulary, so word
frequencies look like prose and two articles share common words but few phrases.
A share of the articles are republished copies of earlier ones (a different first
line and footer), so the near-duplicate path does real work.
"""

from __future__ import annotations

import html
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from crawler.items import Article

SITE_NAME = "benchsite"
DOMAIN = "bench.test"
ORIGIN = f"http://{DOMAIN}"
PER_LISTING = 50
COPY_SHARE = 0.05  # republished copies among the articles

SITE_TOML = f"""
name = "{SITE_NAME}"
title = "Generated benchmark site"
domains = ["{DOMAIN}"]
start_urls = ["{ORIGIN}/"]
language = "en"
boilerplate = ['Share this article\\b.*', 'Back to top']

[urls]
article = ['^/news/\\d+/[\\w-]+\\.html$']
follow = ['^/$', '^/list/\\d+\\.html$']

[selectors]
title = ["h1.headline"]
body = ["div.story-body > p"]
authors = ["p.byline .author"]
published = ["time.published::attr(datetime)"]
section = ["p.section-label"]
lead = ["meta[name='description']::attr(content)"]
"""

_SYLLABLES = "ka lo mi ter ran sol vek u dra po lin est ar ni mo sa tel ri gon ba".split()


def _vocabulary(size: int, rng: random.Random) -> list[str]:
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choices(_SYLLABLES, k=rng.randint(1, 4))))
    return sorted(words)


@dataclass
class Writer:
    """Draws sentences, paragraphs and stories from one seeded generator."""

    seed: str = "7"

    def __post_init__(self) -> None:
        self.words = np.array(_vocabulary(5000, random.Random(0)), dtype=object)
        self.rng = random.Random(self.seed)
        self.draw = np.random.default_rng(int.from_bytes(self.seed.encode(), "little"))
        weights = np.cumsum(1 / np.arange(1, len(self.words) + 1))
        self.cumulative = weights / weights[-1]

    def _words(self, count: int) -> list[str]:
        ranks = np.searchsorted(self.cumulative, self.draw.random(count))
        return list(self.words[np.minimum(ranks, len(self.words) - 1)])

    def sentence(self) -> str:
        return " ".join(self._words(self.rng.randint(8, 22))).capitalize() + "."

    def paragraph(self) -> str:
        lengths = [self.rng.randint(8, 22) for _ in range(self.rng.randint(2, 5))]
        words = self._words(sum(lengths))
        sentences, at = [], 0
        for length in lengths:
            sentences.append(" ".join(words[at : at + length]).capitalize() + ".")
            at += length
        return " ".join(sentences)

    def story(self) -> tuple[str, list[str]]:
        """A headline and 5-12 paragraphs (about 250-700 words)."""
        title = self.sentence().rstrip(".")
        return title, [self.paragraph() for _ in range(self.rng.randint(5, 12))]


@dataclass(frozen=True)
class Story:
    number: int
    title: str
    paragraphs: list[str]

    @property
    def path(self) -> str:
        slug = "-".join(self.title.lower().split()[:6])
        return f"/news/{self.number // 1000}/{slug}-{self.number}.html"


def stories(count: int, seed: int = 7, start: int = 0) -> Iterator[Story]:
    """``count`` stories numbered from ``start``; about ``COPY_SHARE`` of them republish
    an earlier one of the same call."""
    writer = Writer(f"{seed}:{start}")
    recent: list[Story] = []
    for number in range(start, start + count):
        if recent and writer.rng.random() < COPY_SHARE:
            source = writer.rng.choice(recent)
            intro = f"From our partners at the wire service, story {number}."
            paragraphs = [intro, *source.paragraphs[:-1]]
            story = Story(number, f"{source.title} (update)", paragraphs)
        else:
            title, paragraphs = writer.story()
            story = Story(number, title, paragraphs)
        recent = [*recent[-99:], story]
        yield story


def article_page(story: Story) -> str:
    body = "\n".join(f"<p>{html.escape(p)}</p>" for p in story.paragraphs)
    title = html.escape(story.title)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title} | Bench Daily</title>
<meta name="description" content="{html.escape(story.paragraphs[0][:150])}">
<link rel="canonical" href="{ORIGIN}{story.path}"></head>
<body><header><a href="/">Bench Daily</a> <nav><a href="/">Home</a></nav></header>
<main><p class="section-label">World</p><h1 class="headline">{title}</h1>
<p class="byline">By <span class="author">Staff Writer</span>
<time class="published" datetime="2026-01-{1 + story.number % 28:02d}">Jan 2026</time></p>
<div class="story-body">
{body}
<p>Share this article on social media</p>
</div><p><a href="#top">Back to top</a></p></main>
<footer>Bench Daily, a generated site for benchmarks.</footer></body></html>
"""


def write_site(folder: Path, count: int, seed: int = 7) -> list[str]:
    """Write a site of ``count`` articles under ``folder``; returns the article paths.

    ``/`` links every listing page; each listing page links ``PER_LISTING`` articles.
    """
    paths: list[str] = []
    for story in stories(count, seed):
        target = folder / story.path.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(article_page(story), encoding="utf-8")
        paths.append(story.path)
    (folder / "list").mkdir(parents=True, exist_ok=True)
    listings = [paths[i : i + PER_LISTING] for i in range(0, len(paths), PER_LISTING)]
    for number, chunk in enumerate(listings):
        links = "\n".join(f'<li><a href="{p}">{p}</a></li>' for p in chunk)
        (folder / "list" / f"{number}.html").write_text(_listing(links), encoding="utf-8")
    links = "\n".join(
        f'<li><a href="/list/{n}.html">page {n}</a></li>' for n in range(len(listings))
    )
    (folder / "index.html").write_text(_listing(links), encoding="utf-8")
    (folder / "robots.txt").write_text("User-agent: *\nAllow: /\n", encoding="utf-8")
    return paths


def _listing(links: str) -> str:
    return f"<!DOCTYPE html><html><body><h1>Bench Daily</h1><ul>\n{links}\n</ul></body></html>"


def write_declaration(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{SITE_NAME}.toml"
    path.write_text(SITE_TOML, encoding="utf-8")
    return path


def items(count: int, seed: int = 7, start: int = 0) -> Iterator[Article]:
    """Article items as the spider yields them, for driving the pipelines directly."""
    for story in stories(count, seed, start):
        url = f"{ORIGIN}{story.path}"
        yield Article(
            url=url,
            canonical_url=url,
            site=SITE_NAME,
            title=story.title,
            body="\n\n".join(story.paragraphs),
            authors=["Staff Writer"],
            published=f"2026-01-{1 + story.number % 28:02d}",
            language="en",
            provenance={"title": "selector", "body": "selector"},
            fetched_at="2026-01-30T00:00:00+00:00",
        )
