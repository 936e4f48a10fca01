"""A site that declares no sitemaps is searched for them in its robots.txt."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import query, run_cli
from tests.onboard_sites import generated

DECLARATION = """
name = "valley"
domains = ["127.0.0.1"]
start_urls = ["{origin}/"]
{robots}
[urls]
article = ['^/\\w+/[\\w-]+-\\d+$']
"""


@pytest.mark.parametrize(("robots", "stored"), [("", 9), ("robots_sitemaps = false", 4)])
def test_a_sitemap_named_only_in_robots_txt_is_read(
    tmp_path: Path, robots: str, stored: int
) -> None:
    # The home page links 4 of the 9 stories; only robots.txt names the news sitemap.
    sites, db = tmp_path / "sites", tmp_path / "news.db"
    sites.mkdir()
    with generated("valley", tmp_path / "site") as (origin, truth):
        text = DECLARATION.format(origin=origin, robots=robots)
        (sites / "valley.toml").write_text(text, encoding="utf-8")
        result = run_cli("crawl", "valley", "--db", str(db), "--sites-dir", str(sites),
                         "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False")  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    titles = {row["title"] for row in query(db, "select title from articles")}
    assert len(titles) == stored and titles <= {story.title for story in truth.stories}
    assert query(db, "select count(*) from dropped_pages")[0][0] == 0
