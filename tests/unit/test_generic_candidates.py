"""Generic extraction: which of a page's title, date and author candidates wins."""

from __future__ import annotations

from typing import Any

from scrapy.http import HtmlResponse

from crawler.extract.generic import GenericPage, fill

URL = "https://www.coastline-courier.test/2026/11/story.html"
PARAGRAPH = "<p>The harbour board met on Tuesday evening and agreed to reopen the ferry slip.</p>"


def extract(html: str, url: str = URL) -> dict[str, Any]:
    article: dict[str, Any] = {}
    fill(article, GenericPage(HtmlResponse(url=url, body=html.encode())), ("title",
         "authors", "published"))
    return article


def news_article(**fields: str) -> str:
    pairs = ", ".join(f'"{name}": "{value}"' for name, value in fields.items())
    return f'<script type="application/ld+json">{{"@type": "NewsArticle", {pairs}}}</script>'


def test_text_for_screen_readers_is_not_part_of_the_headline() -> None:
    html = f"""<html><head><title>Ferry slip to reopen | Courier</title></head><body>
    <h1>Ferry slip to reopen<span class="element-invisible"> | Coastline Courier</span></h1>
    {PARAGRAPH}</body></html>"""
    assert extract(html)["title"] == "Ferry slip to reopen"


def test_a_kicker_element_the_headline_lacks_is_not_read_as_a_cut_title() -> None:
    # og:title is the kicker alone: it starts the heading, yet the heading is not its full form
    html = f"""<html><head>{news_article(headline="Ferry slip to reopen soon")}
    <meta property="og:title" content="Island transport: what changes in 2027"></head><body>
    <h1><span class="roofline">Island transport: what changes in 2027</span>
    Ferry slip to reopen soon</h1>{PARAGRAPH}</body></html>"""
    assert extract(html)["title"] == "Ferry slip to reopen soon"


def test_a_subtitle_inside_the_heading_is_not_part_of_the_title() -> None:
    html = f"""<html><head>{news_article(headline="Ferry slip to reopen soon")}</head>
    <body><h1><span>Ferry slip to reopen soon</span>
    <small>after nine years</small></h1>{PARAGRAPH}</body></html>"""
    assert extract(html)["title"] == "Ferry slip to reopen soon"


def test_the_share_title_written_as_the_heading_is_keeps_its_typography() -> None:
    head = """<meta property="og:title" content="Ferry slip - open again">
    <title>Ferry slip – open again | Coastline Courier</title>"""
    body = f"<h1>Coastline Courier</h1><h2>Ferry slip – open again</h2>{PARAGRAPH}"
    html = f"<html><head>{head}</head><body>{body}</body></html>"
    assert extract(html)["title"] == "Ferry slip – open again"
    # the article's own JSON-LD headline keeps its own typography
    with_ld = html.replace("<head>", "<head>" + news_article(headline="Ferry slip - open again"))
    assert extract(with_ld)["title"] == "Ferry slip - open again"


def test_a_one_word_heading_that_starts_the_page_title_is_the_title() -> None:
    html = f"""<html><head><title>Harbour:Ferries – Islandwiki</title></head><body>
    <h1>Harbour:Ferries</h1><h1>Ferries</h1>{PARAGRAPH}</body></html>"""
    assert extract(html)["title"] == "Harbour:Ferries"


def test_the_modified_day_does_not_move_a_timestamp_near_midnight() -> None:
    html = """<html><head>
    <meta property="article:published_time" content="2022-12-21T05:49:28+00:00">
    <meta property="article:modified_time" content="2022-12-20T16:55:21+00:00">
    </head><body><h1>Ferry slip to reopen</h1><p>Updated 20.12.2022</p>
    <p>The harbour board met on Tuesday evening and agreed to reopen the slip.</p></body></html>"""
    assert extract(html)["published"][:10] == "2022-12-21"


def test_a_share_title_written_as_another_heading_beats_a_topic_h1() -> None:
    html = f"""<html><head>
    <meta property="og:title" content="Save for retirement with your employer">
    <title>Workplace pensions (WP) - when do they pay? - Courier</title></head><body>
    <h1>Workplace pensions</h1><h2>Save for retirement with your employer</h2>{PARAGRAPH}
    </body></html>"""
    assert extract(html)["title"] == "Save for retirement with your employer"
    # the h1 stays the title when a metadata title agrees with it
    agreed = html.replace("<title>Workplace pensions (WP) - when do they pay? - Courier",
                          "<title>Workplace pensions")
    assert extract(agreed)["title"] == "Workplace pensions"


def test_the_outlet_written_before_an_authors_name_is_not_part_of_it() -> None:
    for byline in ("coastline-courier - Ana Ruiz", "Coastline-Courier-Expertin Ana Ruiz"):
        html = f"""<html><head><meta name="author" content="{byline}"></head><body>
        <h1>Ferry slip to reopen</h1>{PARAGRAPH}</body></html>"""
        assert extract(html)["authors"] == ["Ana Ruiz"]


def test_a_link_saying_all_posts_by_an_author_is_no_second_author() -> None:
    html = f"""<html><body><h1>Ferry slip to reopen</h1>
    <span class="byline"><a rel="author" href="/author/ana">ana_ruiz</a></span>
    <a rel="author" href="/author/ana">All posts by ana_ruiz →</a>{PARAGRAPH}</body></html>"""
    assert extract(html)["authors"] == ["ana_ruiz"]
    # a full name beside the surname alone is still the author
    full = html.replace("All posts by ana_ruiz →", "Ana Ruiz").replace(">ana_ruiz<", ">Ruiz<")
    assert extract(full)["authors"] == ["Ruiz", "Ana Ruiz"]


def test_the_date_under_the_headline_beats_a_generic_date_meta_tag() -> None:
    html = f"""<html><head><meta name="date" content="2020-04-29T11:52:23"></head><body>
    <h1>Ferry slip to reopen</h1><p>Stand: 28.04.2020 18:00 Uhr</p>{PARAGRAPH}</body></html>"""
    assert extract(html)["published"] == "2020-04-28"
    named = html.replace('name="date"', 'property="article:published_time"')
    assert extract(named)["published"] == "2020-04-29T11:52:23"


def test_a_kicker_label_the_metadata_writes_apart_is_not_part_of_the_title() -> None:
    html = f"""<html><head>
    <meta property="og:title" content="Ferry slip to reopen soon - Harbour board vote">
    <title>Harbour board vote: Ferry slip to reopen soon</title></head><body>
    <h1><span class="label">Harbour board vote</span> <span>Ferry slip to reopen soon</span>
    </h1>{PARAGRAPH}</body></html>"""
    assert extract(html)["title"] == "Ferry slip to reopen soon"
    # a heading that writes "Kicker: Headline" itself is the title as it stands
    written = html.replace('"label">Harbour board vote<', '"label">Harbour board vote:<')
    assert extract(written)["title"] == "Harbour board vote: Ferry slip to reopen soon"


def test_the_update_shown_under_the_headline_dates_the_page() -> None:
    head = news_article(datePublished="2021-03-16T16:16:10Z", dateModified="2021-03-20T14:00:17Z")
    html = f"""<html><head>{head}</head><body><h1>Ferry slip to reopen</h1>
    <p>By Ann Lee</p><p>20. März 2021 - 15:00</p>{PARAGRAPH}</body></html>"""
    assert extract(html)["published"][:10] == "2021-03-20"
    # a correction made within hours of publishing does not date the page
    early = html.replace("2021-03-20T14:00:17Z", "2021-03-17T01:20:00Z")
    early = early.replace("20. März", "17. März")
    assert extract(early)["published"][:10] == "2021-03-16"
    # a live ticker shows its latest entry's day and is dated by its first
    entries = "<h2>Live-Ticker</h2><h3>14:00 Uhr: Board votes</h3>"
    ticker = html.replace(PARAGRAPH, entries + PARAGRAPH)
    assert extract(ticker)["published"][:10] == "2021-03-16"
    blog = html.replace('"NewsArticle"', '"LiveBlogPosting"')
    assert extract(blog)["published"][:10] == "2021-03-16"


def test_a_headline_in_the_breadcrumb_gives_way_to_the_storys_own_heading() -> None:
    # the <h1> in the breadcrumb trail repeats the search-engine title the share card has
    html = f"""<html><head>{news_article(headline="Ferry slip to reopen in spring")}
    <meta property="og:title" content="Harbour news: ferry slip reopens, what changes"></head>
    <body><nav><ul><li><a href="/news/">News</a></li>
    <li><h1>Harbour news: ferry slip reopens, what changes</h1></li></ul></nav>
    <hgroup><span>Harbour board</span><h2>Ferry slip to reopen in spring</h2></hgroup>
    {PARAGRAPH}</body></html>"""
    assert extract(html)["title"] == "Ferry slip to reopen in spring"
    # an <h1> outside the navigation is the headline its metadata agrees with
    plain = html.replace("<li><h1>", "<li></li></ul></nav><h1>")
    plain = plain.replace("</h1></li></ul></nav>", "</h1>")
    assert extract(plain)["title"] == "Harbour news: ferry slip reopens, what changes"
