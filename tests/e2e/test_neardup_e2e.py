"""End to end: one story republished on two loopback sites, crawled with the real CLI."""

from __future__ import annotations

import asyncio
import html
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from crawler.demo.server import SiteServer
from tests.conftest import FIXTURES, LOOPBACK, run_cli

ARTICLES = {
    entry["source"]: entry
    for entry in json.loads((FIXTURES / "neardup" / "articles.json").read_text("utf-8"))["articles"]
}
STORY = ARTICLES["fundus/uk_TheGuardian_2024_02_24"]["body"].split("\n\n")
OTHER = ARTICLES["fundus/us_Reuters_2023_05_16"]["body"].split("\n\n")

SITE_TOML = """
name = "{name}"
title = "{name} news"
domains = ["{name}.test"]
start_urls = ["http://{name}.test/{name}/"]

[urls]
article = ['^/{name}/[\\w-]+\\.html$']
follow = ['^/{name}/$']

[selectors]
title = ["h1"]
body = ["div.story > p"]
"""


def page(headline: str, paragraphs: list[str], chrome: str) -> str:
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    return (
        f"<html><head><title>{html.escape(headline)}</title></head><body>"
        f"<header>{chrome} · Home · World · Business</header>"
        f"<h1>{html.escape(headline)}</h1><div class='story'>{body}</div>"
        f"<footer>© {chrome}. All rights reserved.</footer></body></html>"
    )


def write_site(root: Path, name: str, pages: dict[str, str]) -> None:
    folder = root / "www" / name
    folder.mkdir(parents=True)
    links = "".join(f"<li><a href='/{name}/{slug}'>{slug}</a></li>" for slug in pages)
    (folder / "index.html").write_text(f"<html><body><ul>{links}</ul></body></html>", "utf-8")
    for slug, text in pages.items():
        (folder / slug).write_text(text, "utf-8")
    (root / "sites" / f"{name}.toml").write_text(SITE_TOML.format(name=name), "utf-8")


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, SiteServer]]:
    """A wire service with the story, and a partner with two copies of it and another story."""
    root = tmp_path_factory.mktemp("neardup-sites")
    (root / "sites").mkdir()
    write_site(root, "wire", {"fire.html": page("Valencia fire toll rises", STORY, "Wire")})
    partner_header = "Republished from our wire partner."
    partner_footer = "Read more stories like this in our daily newsletter, free every morning."
    write_site(
        root,
        "partner",
        {
            "copy.html": page(
                "Ten dead in Valencia blaze", [partner_header, *STORY, partner_footer], "Partner"
            ),
            "short-copy.html": page("Valencia: last victim found", STORY[:-1], "Partner"),
            "other.html": page("Nepal crash inquiry", OTHER, "Partner"),
        },
    )
    (root / "www" / "robots.txt").write_text("User-agent: *\nAllow: /\n", "utf-8")
    with SiteServer(root / "www") as server:
        yield root, server


def crawl(site: str, db: Path, root: Path, server: SiteServer) -> None:
    result = run_cli(
        "crawl", site, "--db", str(db), "--base-url", server.url,
        "-s", f"NEWSDESK_SITES_DIR={root / 'sites'}", *LOOPBACK,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]


def stored(db: Path) -> dict[str, tuple[int, int | None]]:
    """canonical URL -> (id, duplicate_of)."""
    connection = sqlite3.connect(db)
    try:
        sql = "select canonical_url, id, duplicate_of from articles"
        return {url: (id_, dup) for url, id_, dup in connection.execute(sql)}
    finally:
        connection.close()


def test_copies_in_one_crawl_link_one_to_the_other(
    tmp_path: Path, sites: tuple[Path, SiteServer]
) -> None:
    db = tmp_path / "news.db"
    crawl("partner", db, *sites)
    rows = stored(db)
    copy, short = (
        rows["http://partner.test/partner/copy.html"],
        rows["http://partner.test/partner/short-copy.html"],
    )
    # Whichever the crawl met first is the original; the other points at it.
    assert sorted([copy[1] == short[0], short[1] == copy[0]]) == [False, True]
    assert rows["http://partner.test/partner/other.html"][1] is None


def test_copies_link_to_the_story_stored_by_an_earlier_crawl(
    tmp_path: Path, sites: tuple[Path, SiteServer]
) -> None:
    db = tmp_path / "news.db"
    crawl("wire", db, *sites)
    crawl("partner", db, *sites)
    rows = stored(db)
    original, _ = rows["http://wire.test/wire/fire.html"]
    assert rows["http://wire.test/wire/fire.html"][1] is None
    assert rows["http://partner.test/partner/copy.html"][1] == original
    assert rows["http://partner.test/partner/short-copy.html"][1] == original
    assert rows["http://partner.test/partner/other.html"][1] is None
    assert_duplicates_link_in_datasette(db, original, rows)


def assert_duplicates_link_in_datasette(
    db: Path, original: int, rows: dict[str, tuple[int, int | None]]
) -> None:
    """Each article's page in Datasette (with the shipped plugin) links copies and original."""
    datasette_app = pytest.importorskip("datasette.app", reason="datasette is not installed")
    app = datasette_app.Datasette([str(db)])

    async def page(article_id: int) -> str:
        response = await app.client.get(f"/news/articles/{article_id}")
        assert response.status_code == 200
        return str(response.text)

    copy_id = rows["http://partner.test/partner/copy.html"][0]
    original_page, copy_page = asyncio.run(page(original)), asyncio.run(page(copy_id))
    assert "<h2>Copies of this story</h2>" in original_page
    assert f'href="/news/articles/{copy_id}"' in original_page
    assert "<h2>Duplicate of</h2>" in copy_page
    assert f'href="/news/articles/{original}"' in copy_page
