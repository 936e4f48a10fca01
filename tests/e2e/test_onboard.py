"""``newsdesk sites add``: generated sites on 127.0.0.1 declared, then crawled, with no edit.

Each generated site (tests/onboard_sites.py) is declared by the real CLI into a
temporary sites folder, then crawled by ``newsdesk crawl``: every article must be
stored with each field equal to the generator's truth. Bad input must fail with one
line and write nothing.
"""

from __future__ import annotations

import json
import socket
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from scrapy.http import HtmlResponse

from crawler.cli import main
from crawler.demo.server import SiteServer
from crawler.extract.site import SiteExtractor
from crawler.sites import Site as Declared
from crawler.sites import load_site_file
from crawler.sites.onboard.discover import feed_links
from crawler.sites.onboard.patterns import article_rules, check, follow_rules, matching
from tests.conftest import assert_one_line_error, query, run_cli
from tests.onboard_sites import GENERATED, Site, generated, serve, write_site

FAST = ("-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False")


@dataclass
class Onboarded:
    name: str
    origin: str
    truth: Site
    sites_dir: Path
    added: subprocess.CompletedProcess[str]
    db: Path

    @property
    def declared(self) -> Declared:
        return load_site_file(self.sites_dir / f"{self.name}.toml")


@pytest.fixture(scope="module", params=sorted(GENERATED))
def onboarded(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Onboarded]:
    """A generated site declared by `sites add` and crawled by `crawl`, both through the CLI."""
    name = request.param
    tmp = tmp_path_factory.mktemp(name)
    sites_dir, db = tmp / "sites", tmp / "news.db"
    with generated(name, tmp / "www") as (origin, truth):
        added = run_cli(
            "sites", "add", origin + "/", "--name", name, "--sites-dir", str(sites_dir), *FAST
        )
        assert added.returncode == 0, added.stderr[-3000:]
        crawl = run_cli(
            "crawl", name, "--db", str(db), "-s", f"NEWSDESK_SITES_DIR={sites_dir}", *FAST
        )
        assert crawl.returncode == 0, crawl.stderr[-3000:]
        yield Onboarded(name, origin, truth, sites_dir, added, db)


def test_crawl_of_an_added_site_stores_every_article_as_generated(onboarded: Onboarded) -> None:
    rows = {row["url"]: row for row in query(onboarded.db, "select * from articles")}
    truth = {onboarded.origin + story.path: story for story in onboarded.truth.stories}
    assert set(rows) == set(truth)
    for url, story in truth.items():
        row = rows[url]
        assert row["title"] == story.title, url
        assert json.loads(row["authors"]) == story.authors, url
        assert row["published"] == story.published, url
        assert row["body"] == story.body, url
        if onboarded.truth.shows_section:
            assert row["section"] == story.section.title(), url


def test_declaration_lists_what_was_discovered(onboarded: Onboarded) -> None:
    site, origin = onboarded.declared, onboarded.origin
    expected = {
        "harbour": ((f"{origin}/rss/latest.xml",), ()),
        "valley": ((), (f"{origin}/maps/news.xml",)),
        "ridge": ((), ()),
    }
    assert (site.feeds, site.sitemaps) == expected[onboarded.name]
    assert site.start_urls[0] == origin + "/" and site.domains == ("127.0.0.1",)
    assert not any(site.is_article(url) for url in site.start_urls)
    text = (onboarded.sites_dir / f"{onboarded.name}.toml").read_text(encoding="utf-8")
    assert "# Articles: inferred from" in text and "matched 9 of 9" in text


def test_report_shows_feeds_sitemaps_pattern_and_fields(onboarded: Onboarded) -> None:
    out = onboarded.added.stdout
    assert "Article URLs: matched 9 of 9 candidate article URLs, 0 listing pages wrongly" in out
    assert ("Feeds: none" in out) == (onboarded.name != "harbour")
    assert ("Sitemaps: none" in out) == (onboarded.name != "valley")
    for field in ("title", "body", "authors", "published"):
        assert f"\n  {field} " in out
    assert f"Wrote {onboarded.sites_dir / onboarded.name}.toml" in out


def test_golden_page_gives_its_expected_article(onboarded: Onboarded) -> None:
    [expected_file] = (onboarded.sites_dir / "fixtures" / onboarded.name).glob("*.json")
    expected = json.loads(expected_file.read_text(encoding="utf-8"))
    html = expected_file.with_suffix(".html").read_bytes()
    response = HtmlResponse(url=expected["url"], body=html, encoding="utf-8")
    article = SiteExtractor(onboarded.declared).extract(response)
    for field in ("title", "published", "authors", "body"):
        assert article[field] == expected[field]
    story = next(s for s in onboarded.truth.stories if onboarded.origin + s.path == expected["url"])
    assert expected["title"] == story.title and expected["body"] == story.body


# -- Bad input ---------------------------------------------------------------------


def _page(body: str, head: str = "") -> str:
    return f"<!DOCTYPE html><html><head><title>T</title>{head}</head><body>{body}</body></html>"


ARTICLE = _page("<h1>Storm hits coast</h1>" + "<p>Waves broke over the wall for hours.</p>" * 5)
BAD_SITES = {
    "robots": (
        {"/robots.txt": ("text/plain", "User-agent: *\nDisallow: /\n"),
         "/": ("text/html", ARTICLE)},
        "robots.txt forbids newsdesk/",
    ),
    "no_articles": (
        {"/": ("text/html", _page('<p>Welcome.</p><a href="/about.html">About</a>' * 3))},
        "no article links",
    ),
    "javascript": (
        {
            "/": (
                "text/html",
                _page('<div id="app"></div><noscript>Enable JavaScript.</noscript>'
                      '<script src="/app.js"></script>'),
            )
        },
        "needs JavaScript",
    ),
    "not_html": (
        {"/": ("image/png", "\x89PNG not a page")},
        "not an HTML page (content type image/png)",
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(BAD_SITES))
def test_bad_site_is_one_line_and_writes_nothing(case: str, tmp_path: Path) -> None:
    pages, message = BAD_SITES[case]
    write_site(Site(case, pages=dict(pages)), tmp_path / "www")
    sites_dir = tmp_path / "sites"
    with serve(tmp_path / "www") as origin:
        result = run_cli("sites", "add", origin + "/", "--sites-dir", str(sites_dir), *FAST)
    assert_one_line_error(result, origin, message)
    assert not sites_dir.exists()


def test_unreachable_host_is_one_line(tmp_path: Path) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = run_cli(
        "sites", "add", f"http://127.0.0.1:{port}/", "--sites-dir", str(tmp_path), *FAST
    )
    assert_one_line_error(result, f"cannot fetch http://127.0.0.1:{port}/", "refused")
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize(
    ("args", "message", "status"),
    [  # 2: arguments that are malformed (a usage error); 1: a name already taken
        (["notaurl"], "not an http(s) URL: 'notaurl'", 2),
        (["ftp://x.test/"], "not an http(s) URL", 2),
        (["https://x.test/", "--name", "demo"], "site 'demo' already exists", 1),
        (["https://x.test/", "--name", "Bad-Name"], "--name 'Bad-Name'", 2),
        (["https://mine.test/", "--name", "mine"], "site 'mine' already exists", 1),
    ],
)
def test_bad_arguments_are_one_line_and_write_nothing(
    args: list[str], message: str, status: int, tmp_path: Path
) -> None:
    (tmp_path / "mine.toml").write_text(
        'name = "mine"\ndomains = ["mine.test"]\nfeeds = ["https://mine.test/rss"]\n'
    )
    before = sorted(tmp_path.iterdir())
    result = CliRunner().invoke(main, ["sites", "add", *args, "--sites-dir", str(tmp_path)])
    assert result.exit_code == status, result.output
    assert message in result.output and len(result.output.strip().splitlines()) == 1
    assert sorted(tmp_path.iterdir()) == before


def test_dry_run_prints_the_declaration_and_writes_nothing(tmp_path: Path) -> None:
    with generated("ridge", tmp_path / "www") as (origin, _):
        result = run_cli(
            "sites", "add", origin + "/", "--dry-run", "--sites-dir", str(tmp_path / "s"), *FAST
        )
    assert result.returncode == 0, result.stderr
    assert "name = 'site_127_0_0_1'" in result.stdout and "[urls]" in result.stdout
    assert "Wrote" not in result.stdout and not (tmp_path / "s").exists()


def test_plain_sites_still_lists_and_takes_a_sites_dir(tmp_path: Path) -> None:
    (tmp_path / "mine.toml").write_text(
        'name = "mine"\ndomains = ["mine.test"]\nfeeds = ["https://mine.test/rss"]\n'
    )
    result = CliRunner().invoke(main, ["sites", "--sites-dir", str(tmp_path)])
    assert result.exit_code == 0
    assert {"demo", "mine"} <= {line.split()[0] for line in result.output.splitlines()}


# -- URL patterns and discovery ------------------------------------------------------


def test_footer_slugs_and_sections_are_not_articles() -> None:
    links = [
        "https://x.test/world/", "https://x.test/about-us", "https://x.test/privacy-policy",
        "https://x.test/news/2026/05/04/storm-hits-the-coast.html",
        "https://x.test/news/2026/05/03/council-votes-on-the-budget.html",
    ]  # fmt: skip
    rules = article_rules([], links)
    assert matching(rules, links) == links[3:]
    assert str(check(rules, links[3:], links[:1])).startswith("matched 2 of 2")


def test_feed_entries_decide_the_article_shape() -> None:
    known = [f"https://x.test/politics/vote-on-budget-{n}" for n in (48213, 48214, 48300)]
    rules = article_rules(known, ["https://x.test/politics", "https://x.test/contact.html"])
    assert matching(rules, ["https://x.test/politics/final-score-tonight-50001"])
    assert not matching(rules, ["https://x.test/politics", "https://x.test/politics/page-2"])


def test_listing_rules_cover_sections_and_their_pages() -> None:
    rules = follow_rules(
        ["https://x.test/", "https://x.test/section.php?s=world",
         "https://x.test/section.php?s=world&page=2", "https://x.test/section.php?s=arts"]
    )  # fmt: skip
    assert matching(rules, ["https://x.test/section.php?s=arts&page=3"])
    assert not matching(rules, ["https://x.test/article.php?id=7"])


def test_feed_links_are_the_announced_feeds_only() -> None:
    head = (
        '<link rel="alternate" type="application/rss+xml" href="/rss.xml">'
        '<link rel="alternate" hreflang="de" href="/de/">'
        '<link rel="alternate" type="application/atom+xml" href="https://x.test/atom">'
    )
    page = HtmlResponse(url="https://x.test/", body=_page("", head).encode(), encoding="utf-8")
    assert feed_links(page) == ["https://x.test/rss.xml", "https://x.test/atom"]


# -- sites check ---------------------------------------------------------------------


@pytest.mark.parametrize("onboarded", ["harbour"], indirect=True)
def test_check_of_a_redesigned_site_names_the_broken_selector_and_its_repair(
    onboarded: Onboarded,
) -> None:
    folder = onboarded.sites_dir.parent / "www"
    pages = [p for p in folder.iterdir() if "news" in p.name]
    originals = {p: p.read_text(encoding="utf-8") for p in pages}
    args = ("sites", "check", "harbour", "--sites-dir", str(onboarded.sites_dir), *FAST)
    try:
        for page, text in originals.items():
            page.write_text(text.replace('class="story"', 'class="entry-content"'), "utf-8")
        result = run_cli(*args)
        as_json = run_cli(*args, "-f", "json")
    finally:
        for page, text in originals.items():
            page.write_text(text, encoding="utf-8")
    assert result.returncode == 1 and as_json.returncode == 1, result.stderr[-2000:]
    checked = json.loads(as_json.stdout)
    assert checked["broken"] == ["body"] and checked["pages"] == 8
    body_check = next(f for f in checked["fields"] if f["field"] == "body")
    assert body_check["status"] == "broken" and body_check["agreed"] == 0
    assert any("entry-content" in selector for selector in body_check["proposed"])
    lines = result.stdout.splitlines()
    body = next(i for i, line in enumerate(lines) if line.startswith("body "))
    assert "broken" in lines[body] and "0 of 8 pages agree" in lines[body]
    assert "entry-content" in lines[body + 1]
    assert lines[-1].startswith("broken: body: replace those selectors in")


def test_check_of_a_site_that_holds_exits_zero(demo_server: SiteServer) -> None:
    result = run_cli("sites", "check", "demo", "--base-url", demo_server.url, *FAST)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.startswith("sites check demo: 8 current pages")
    assert "every declared selector holds" in result.stdout


def test_check_of_an_unknown_site_is_one_line() -> None:
    result = CliRunner().invoke(main, ["sites", "check", "nosuchsite"])
    assert result.exit_code == 1 and "unknown site 'nosuchsite'" in result.output


def test_a_mirror_is_fetched_while_the_declaration_keeps_the_site_s_urls(
    demo_server: SiteServer,
) -> None:
    site = "http://loopback-ledger.test"
    result = run_cli("sites", "add", site + "/", "--base-url", demo_server.url, "--dry-run", *FAST)
    assert result.returncode == 0, result.stderr[-2000:]
    assert f"feeds = ['{site}/feed.xml']" in result.stdout
    assert f"sitemaps = ['{site}/sitemap.xml']" in result.stdout
    assert "domains = ['loopback-ledger.test']" in result.stdout
    assert "127.0.0.1" not in result.stdout.split("[urls]")[0]
