"""Generic extraction, the body: what main-text extraction lets through is cut."""

from __future__ import annotations

import json
from typing import Any

from scrapy.http import HtmlResponse

from crawler.extract.body import finish
from crawler.extract.generic import GenericPage, fill

URL = "https://www.coastline-courier.test/2026/11/ferry.html"
SENTENCES = [
    "The harbour board met on Tuesday evening and agreed to reopen the old ferry slip.",
    "Its chair said the long wait was over for the island villages along the coast.",
    "The first crossing would run in the spring once the ramp had been rebuilt and tested.",
    "Fares will stay at last year's level until the end of the summer season at least.",
]
STORY = "".join(f"<p>{sentence}</p>" for sentence in SENTENCES)


def body_of(html: str) -> str:
    article: dict[str, Any] = {}
    fill(article, GenericPage(HtmlResponse(url=URL, body=html.encode())), ("body",))
    body: str = article["body"]
    return body


def between_paragraphs(block: str) -> str:
    """A page whose story has ``block`` after its second paragraph."""
    return page("".join(f"<p>{s}</p>{block if i == 1 else ''}" for i, s in enumerate(SENTENCES)))


def page(content: str) -> str:
    return f"<html><body><h1>Ferry slip to reopen</h1><article>{content}</article></body></html>"


def test_the_story_given_twice_is_read_once() -> None:
    # as main-text extraction returns a page that holds its story twice (a print copy)
    extracted = "\n".join([*SENTENCES, "Print edition", *SENTENCES])
    assert finish(extracted, None) == "\n\n".join([*SENTENCES, "Print edition"])


def test_a_long_paragraph_repeated_alone_stays() -> None:
    chorus = (
        "Monday: one cup of oats, half a cup of berries, two boiled eggs and a glass of milk, "
        "then a walk along the harbour wall before the first ferry leaves the slip."
    )
    html = page(f"<p>{chorus}</p>{STORY}<p>{chorus}</p>")
    assert body_of(html).split("\n\n") == [chorus, *SENTENCES, chorus]


def test_a_timestamp_shown_as_text_is_not_body() -> None:
    body = body_of(page(f'{STORY}<div itemprop="dateCreated">2026-11-19T07:23:12+01:00</div>'))
    assert "2026-11-19" not in body


def test_a_labelled_teaser_between_paragraphs_is_not_body() -> None:
    link = '<a href="/2026/11/bridge.html">Harbour bridge to close in March</a>'
    teaser = f"<p>You might also like » {link}</p>"
    body = body_of(between_paragraphs(teaser))
    assert body.split("\n\n") == SENTENCES


def test_a_teaser_in_capitals_between_paragraphs_is_not_body() -> None:
    link = '<a href="/2026/11/bridge.html"><strong>HARBOUR BRIDGE TO CLOSE IN MARCH</strong></a>'
    teaser = f"<p>{link}</p>"
    body = body_of(between_paragraphs(teaser))
    assert body.split("\n\n") == SENTENCES


def test_a_paragraph_in_capitals_that_links_nowhere_stays() -> None:
    shout = "THE VOTE ON THE FERRY SLIP WAS UNANIMOUS"
    body = body_of(page(f"{STORY}<p>{shout}</p><p>{SENTENCES[0]} Again.</p>"))
    assert shout in body.split("\n\n")


def test_follow_and_comment_prompts_are_not_body() -> None:
    prompts = (
        "<p>Follow the Courier on Instagram, Facebook and X.</p><p>Tell us what YOU think...</p>"
    )
    assert body_of(page(STORY + prompts)).split("\n\n") == SENTENCES


def test_the_tag_list_after_the_story_is_not_body() -> None:
    tags = (
        "<p>Tags</p><p>ferry, harbour board, island villages</p>"
        "<p>Comments that insult other readers will not be approved.</p>"
    )
    assert body_of(page(STORY + tags)).split("\n\n") == SENTENCES


def test_a_newsletter_offer_is_not_body() -> None:
    offer = "<p>Get the Courier's harbour newsletter in your inbox every Friday morning.</p>"
    assert body_of(page(STORY + offer)).split("\n\n") == SENTENCES


def test_a_pictures_caption_in_the_json_ld_text_is_not_body() -> None:
    figure = "<figure><img src='/slip.jpg'><figcaption>The slip at low tide.</figcaption></figure>"
    story = "".join(f"<p>{s}</p>{figure if i == 1 else ''}" for i, s in enumerate(SENTENCES))
    ld = json.dumps({"@type": "NewsArticle", "headline": "Ferry slip", "articleBody": story})
    html = f"""<html><head><script type="application/ld+json">{ld}</script></head>
    <body><h1>Ferry slip</h1><article>{story}</article></body></html>"""
    assert body_of(html).split("\n\n") == SENTENCES


def test_two_linked_headlines_after_the_story_are_not_body() -> None:
    # the publisher's own copy of the text (JSON-LD) ends with them; the page links them
    links = [("/2026/11/bridge.html", "Harbour bridge to close"), ("/tides.html", "Tides change")]
    teasers = "".join(f"<p>{text}</p>" for _, text in links)
    ld = json.dumps({"@type": "NewsArticle", "headline": "Slip", "articleBody": STORY + teasers})
    more = "".join(f'<li><a href="{href}">{text}</a></li>' for href, text in links)
    html = f"""<html><head><script type="application/ld+json">{ld}</script></head>
    <body><h1>Ferry slip</h1><article>{STORY}</article><ul>{more}</ul></body></html>"""
    assert body_of(html).split("\n\n") == SENTENCES


def test_an_affiliate_disclosure_is_not_body() -> None:
    disclosure = "<p>If you buy something through links in this story, we may earn a fee.</p>"
    assert body_of(page(disclosure + STORY)).split("\n\n") == SENTENCES


def test_the_standfirst_above_the_json_ld_text_is_kept() -> None:
    lead = "The island villages get their ferry back by spring, the board decided."
    ld = json.dumps({"@type": "NewsArticle", "headline": "Ferry slip", "articleBody": STORY})
    html = f"""<html><head><script type="application/ld+json">{ld}</script></head>
    <body><article><h1>Ferry slip</h1><p class="lead"><strong>{lead}
    </strong></p>{STORY}</article></body></html>"""
    article: dict[str, Any] = {}
    fill(article, GenericPage(HtmlResponse(url=URL, body=html.encode())), ("body",))
    assert article["provenance"]["body"] == "json-ld"
    assert article["body"].split("\n\n") == [lead, *SENTENCES]


def test_credit_and_paywall_lines_are_not_body() -> None:
    lines = (
        "<p>Photo: Harbour Board archive</p>"
        "<p>Already a subscriber? Log in to read the full story.</p>"
        "<p>Last modified: 19 November 2026</p>"
    )
    assert body_of(page(STORY + lines)).split("\n\n") == SENTENCES


def test_a_sentence_about_photos_stays() -> None:
    line = "<p>Photos of the slip were shown to the board.</p>"
    assert body_of(page(STORY + line)).endswith("Photos of the slip were shown to the board.")


def test_a_related_heading_that_ends_the_body_is_not_body() -> None:
    heading = "<p>Top-Themen bei Coastline Courier</p>"
    assert body_of(page(STORY + heading)).split("\n\n") == SENTENCES


MORE = [
    "Work on the ramp starts next week and the contractor expects to finish it by February.",
    "Villagers on the island said they had waited eleven years for the crossing to come back.",
    "The board will publish the new timetable in the harbour office once it is agreed.",
]


def split_story(between: str = "") -> str:
    """A story in two containers of one kind, an advertisement row (and ``between``) apart."""
    box = '<div class="story-body grid-item">{}</div>'
    return (
        '<html><body><h1>Ferry slip to reopen</h1><main><div class="grid">'
        f'{box.format(STORY)}<aside class="rail"><div class="ad"></div></aside></div>'
        f'<div class="ad-row"><span>Advertisement</span></div>{between}<div class="grid">'
        f"{box.format(''.join(f'<p>{s}</p>' for s in MORE))}</div></main></body></html>"
    )


def test_the_rest_of_a_story_split_by_an_advertisement_is_kept() -> None:
    assert body_of(split_story()).split("\n\n") == [*SENTENCES, *MORE]


def test_the_next_post_on_a_list_of_posts_is_not_body() -> None:
    assert body_of(split_story("<h2>Lighthouse keeper retires</h2>")).split("\n\n") == SENTENCES


def test_markdown_json_ld_text_loses_to_the_page_text() -> None:
    source = "\n\n".join([*SENTENCES[:2], "+++dropcap", *SENTENCES[2:]])
    source = source.replace("ferry slip", "[ferry slip](https://www.coastline-courier.test/slip)")
    ld = json.dumps({"@type": "NewsArticle", "headline": "Ferry slip", "articleBody": source})
    html = f"""<html><head><script type="application/ld+json">{ld}</script></head>
    <body><article><h1>Ferry slip</h1>{STORY}</article></body></html>"""
    assert body_of(html).split("\n\n") == SENTENCES


def test_the_pages_own_address_shown_as_text_is_not_body() -> None:
    shown = f'<div itemprop="url">{URL}</div>'
    assert body_of(page(shown + STORY)).split("\n\n") == SENTENCES


def test_a_related_heading_and_its_teasers_between_paragraphs_are_not_body() -> None:
    teasers = (
        '<p><a href="/2026/11/bridge.html">Harbour bridge to close in March</a> [VIDEO]</p>'
        '<p><a href="/2026/11/tides.html">Tide tables change for the winter</a></p>'
    )
    body = body_of(between_paragraphs(f"<p><strong>Don't miss</strong></p>{teasers}"))
    assert body.split("\n\n") == SENTENCES


def test_a_further_reading_label_that_ends_the_body_is_not_body() -> None:
    assert body_of(page(STORY + "<p>Mehr Themen:</p>")).split("\n\n") == SENTENCES


def test_a_labelled_teaser_opening_with_a_question_mark_is_not_body() -> None:
    link = '<a href="/2026/11/slip.html">¿Qué pasa con el muelle?</a>'
    body = body_of(between_paragraphs(f"<p><strong>PUEDES VER:</strong> {link}</p>"))
    assert body.split("\n\n") == SENTENCES


def test_a_teaser_whose_link_holds_its_label_is_not_body() -> None:
    teaser = (
        '<a class="read-more" href="/2026/11/bridge.html"><span>Also on courier.test</span>'
        "<span>Harbour bridge to close in March</span></a>"
    )
    assert body_of(between_paragraphs(teaser)).split("\n\n") == SENTENCES


def test_an_unrendered_shortcode_is_not_body() -> None:
    shortcode = '<p>[button link="/tips/" type="big"] Send us YOUR ferry photos[/button]</p>'
    assert body_of(page(STORY + shortcode)).split("\n\n") == SENTENCES
