"""Selector induction and `sites check` on synthetic article pages of one template."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass

from scrapy.http import HtmlResponse

from crawler.extract.site import SiteExtractor
from crawler.sites import parse_site
from crawler.sites.onboard.agreement import body_f1
from crawler.sites.onboard.check import check_site, format_checks
from crawler.sites.onboard.induce import (
    declaration_selectors,
    induce,
    induce_samples,
    induced_site,
    sample,
)

WORDS = (
    "council harbour budget river engineers winter report minister village school "
    "railway museum farmers election storm market bridge hospital doctors festival "
    "library mayor tunnel forest coast weather court families workers factory"
).split()
NAMES = ("Ann Lee", "Omar Haddad", "Zoe Martin", "Bo Lindqvist", "Ines Costa", "Tom Weber")
SECTIONS = ("World", "Business", "Science", "Politics", "Sport")


@dataclass(frozen=True)
class Story:
    """One synthetic article: what a page of the template shows."""

    number: int
    title: str
    authors: tuple[str, ...]
    day: str
    section: str
    paragraphs: tuple[str, ...]


def story(number: int) -> Story:
    rng = random.Random(number)
    sentences = [
        " ".join(rng.choice(WORDS) for _ in range(rng.randint(9, 16))).capitalize() + "."
        for _ in range(30)
    ]
    paragraphs = tuple(" ".join(sentences[i : i + 3]) for i in range(0, 30, 3))
    return Story(
        number=number,
        title=f"{rng.choice(WORDS).capitalize()} {rng.choice(WORDS)} plan number {number} agreed",
        authors=tuple(rng.sample(NAMES, 1 + number % 2)),
        day=f"2024-03-{10 + number:02d}",
        section=SECTIONS[number % len(SECTIONS)],
        paragraphs=paragraphs,
    )


def json_ld(item: Story, byline: bool) -> str:
    """The page's JSON-LD; with ``byline``, its authors and date too."""
    data: dict[str, object] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": item.title,
        "articleSection": item.section,
    }
    if byline:
        data["author"] = [{"@type": "Person", "name": n} for n in item.authors]
        data["datePublished"] = f"{item.day}T08:30:00+00:00"
    return json.dumps(data)


def page(
    item: Story, template: str = "ledger", kicker: str = "", ld_byline: bool = False
) -> HtmlResponse:
    """A page of the ``ledger`` template, or of its ``redesign`` (other classes)."""
    title_class, body_class = (
        ("story-title", "story-body") if template == "ledger" else ("headline", "article-text")
    )
    byline = " and ".join(
        f'<a rel="author" href="/by/{i}">{n}</a>' for i, n in enumerate(item.authors)
    )
    body = "".join(f"<p>{p}</p>" for p in item.paragraphs[:5])
    body += "<h2>What happens next</h2>" + "".join(f"<p>{p}</p>" for p in item.paragraphs[5:])
    body += '<p class="share">Share this story: email | print</p>'
    html = f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{item.title} | Daily Ledger</title>
<script type="application/ld+json">{json_ld(item, ld_byline)}</script></head><body>
<nav class="menu"><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav>
<article class="story">{kicker}
<h1 class="{title_class}">{item.title}</h1>
<p class="byline">By {byline}</p>
<time class="published" datetime="{item.day}T08:30:00+00:00">{item.day}</time>
<div class="{body_class}">{body}</div></article>
<aside class="related"><h3>Read more</h3><ul><li><a href="/x">Another story</a></li></ul>
</aside>
<footer><p>Daily Ledger, all rights reserved.</p></footer></body></html>"""
    url = f"https://ledger.test/2024/03/story-{item.number}.html"
    return HtmlResponse(url=url, body=html.encode(), encoding="utf-8")


def test_induction_finds_the_templates_selectors_and_they_extract_a_new_page() -> None:
    induction = induce([page(story(n)) for n in range(4)])
    rules = induction.rules
    assert rules["title"].selectors == ("h1.story-title",)
    assert rules["body"].selectors == ("div.story-body > p:not(.share)",)
    assert rules["published"].selectors == ("time.published::attr(datetime)",)
    assert rules["authors"].selectors[0] in ("p.byline", "a[rel='author']")
    assert all((r.agreed, r.tried) == (4, 4) for r in rules.values())
    assert "4 of 4" in rules["body"].how
    assert "modified" in induction.generic  # the pages have no modified date
    fresh = page(story(9))
    article = SiteExtractor(induced_site(declaration_selectors(induction))).extract(fresh)
    expected = story(9)
    assert article["title"] == expected.title
    assert article["authors"] == list(expected.authors)
    assert article["published"].startswith(expected.day)
    assert body_f1(sample(fresh).generic["body"], article["body"]) >= 0.95
    assert "Share this story" not in article["body"]  # the generic body leaves it out too
    assert all(article["provenance"][f] == "selector" for f in ("title", "body", "authors"))


def test_authors_and_dates_the_pages_json_ld_holds_stay_with_the_generic_extractor() -> None:
    induction = induce([page(story(n), ld_byline=True) for n in range(2)])
    assert "authors" not in induction.rules and "published" not in induction.rules
    assert "JSON-LD" in induction.generic["authors"]
    assert "JSON-LD" in induction.generic["published"]
    assert "title" in induction.rules and "body" in induction.rules


def test_a_field_whose_markup_differs_across_pages_stays_generic() -> None:
    kickers = (
        '<span class="kicker">{}</span>',
        '<div class="rubric">{}</div>',
        '<a class="label" href="/s">{}</a>',
        "",
    )
    pages = [
        page(story(n), kicker=markup.format(story(n).section)) for n, markup in enumerate(kickers)
    ]
    induction = induce(pages)
    assert "section" not in induction.rules
    assert "held on 0 of 4" in induction.generic["section"]
    assert "title" in induction.rules  # the rest of the template still holds


def test_held_out_validation_rejects_a_selector_that_fits_only_the_training_page() -> None:
    first, second = story(3), story(4)  # sections Politics and Sport
    fits = page(first, kicker=f'<span class="kicker">{first.section}</span>')
    misleads = page(second, kicker='<span class="kicker">Opinion</span>')
    alone = induce([fits])
    assert alone.rules["section"].selectors[0].startswith("span.kicker")
    assert alone.rules["section"].tried == 0  # one page: nothing held out, said so
    assert "none held out" in alone.rules["section"].how
    both = induce([fits, misleads])
    assert "section" not in both.rules
    assert both.generic["section"].startswith("best selector span.kicker agreed on 1 and disa")


def test_sites_check_flags_a_selector_broken_by_a_redesign_and_proposes_one() -> None:
    old = [sample(page(story(n))) for n in range(3)]
    selectors = declaration_selectors(induce_samples(old))
    site = parse_site(
        {
            "name": "ledger",
            "domains": ["ledger.test"],
            "start_urls": ["https://ledger.test/"],
            "urls": {"article": [r"/\d{4}/\d{2}/story-\d+\.html$"]},
            "selectors": {k: list(v) for k, v in selectors.items()},
        },
        "ledger.toml",
    )
    redesigned = [page(story(n), template="redesign") for n in range(3, 7)]
    checks = {c.field: c for c in check_site(site, redesigned)}
    assert checks["title"].status == "broken" and checks["title"].matched == 0
    assert checks["title"].proposed is not None
    assert checks["title"].proposed.selectors == ("h1.headline",)
    assert checks["body"].status == "broken"
    assert checks["body"].proposed is not None
    assert checks["body"].proposed.selectors[0].startswith("div.article-text > p")
    assert checks["published"].status == "holds"  # the date markup did not change
    report = format_checks(site, list(checks.values()), len(redesigned))
    assert "broken: title, body" in report
    assert "h1.headline: same text as the generic title on 4 of 4 pages" in report
