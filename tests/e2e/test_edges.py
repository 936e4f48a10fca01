"""Bad input at the edges: each mistake is one clear line on stderr and a non-zero exit.

(Site declarations, unknown sites, a --db that is a directory, a missing database and
-s without '=' are covered in tests/unit/test_cli.py and tests/unit/test_sites.py.)
``crawl`` runs as a real process; the read-side commands run in this process (CliRunner).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import FIXTURES, assert_one_line_error, invoke, run_cli

BAD_DECLARATION = (FIXTURES / "faultsites" / "faulty.toml").read_text(encoding="utf-8")


@pytest.fixture
def bad_sites(tmp_path: Path) -> Path:
    """A sites folder whose one declaration has a mistake in ``domains``."""
    folder = tmp_path / "sites"
    folder.mkdir()
    text = BAD_DECLARATION.replace('domains = ["faulty.test"]', "domains = 3")
    (folder / "faulty.toml").write_text(text, encoding="utf-8")
    return folder


@pytest.mark.parametrize("all_sites", [False, True], ids=["one-site", "all"])
def test_crawl_with_a_bad_declaration_names_file_site_and_field(
    tmp_path: Path, bad_sites: Path, all_sites: bool
) -> None:
    which = ["--all"] if all_sites else ["demo"]
    result = run_cli("crawl", *which, "--db", str(tmp_path / "n.db"),
                     "-s", f"NEWSDESK_SITES_DIR={bad_sites}")  # fmt: skip
    assert_one_line_error(result, str(bad_sites / "faulty.toml"), "'faulty'", "'domains'")


@pytest.mark.parametrize(
    ("args", "needles"),
    [
        (["-s", "DOWNLOAD_TIMEOUT=soon"], ["-s DOWNLOAD_TIMEOUT=soon", "expected a number"]),
        (["-s", "NEWSDESK_STORE_BATCH_SIZE=x"], ["NEWSDESK_STORE_BATCH_SIZE=x", "a number"]),
        (["-s", "ROBOTSTXT_OBEY=maybe"], ["ROBOTSTXT_OBEY=maybe", "expected true or false"]),
        (["--base-url", "not-a-url"], ["--base-url not-a-url", "http(s) URL"]),
        (["--base-url", "http://127.0.0.1:99999"], ["--base-url", "out of range"]),
        (["--log-file", "/proc/no/such/crawl.log"], ["/proc/no/such/crawl.log", "cannot write"]),
        (["-s", "NEWSDESK_SITES_DIR=/no/such/sites"], ["/no/such/sites", "does not exist"]),
    ],
    ids=["timeout", "batch-size", "boolean", "base-url", "port", "log-file", "sites-dir"],
)
def test_bad_crawl_options_are_one_line_errors(
    tmp_path: Path, args: list[str], needles: list[str]
) -> None:
    db = tmp_path / "n.db"
    result = run_cli("crawl", "demo", "--db", str(db), *args)
    assert_one_line_error(result, *needles)


@pytest.mark.parametrize("command", [["search", "anything"], ["runs"]])
def test_a_database_path_that_is_a_directory_or_not_a_database(
    tmp_path: Path, command: list[str]
) -> None:
    assert_one_line_error(invoke(*command, "--db", str(tmp_path)), "is a directory")
    bogus = tmp_path / "notes.db"
    bogus.write_bytes(b"\x00\xff not sqlite " * 200)
    assert_one_line_error(invoke(*command, "--db", str(bogus)), str(bogus))


# FTS5 syntax, quotes, emoji and scripts, a 50,000-character word, control characters.
# tests/unit/test_properties.py runs thousands more through the query builder and FTS5.
HOSTILE = [
    "NEAR(european security) OR title:NATO*",
    '"unbalanced AND OR NOT',
    "🦆 Treaty حبر",
    "x" * 50_000,
    "\x01\x02\x7f",
]


def test_hostile_search_strings_answer_or_say_why_in_one_line(crawled_db: Path) -> None:
    for text in HOSTILE:
        result = invoke("search", text, "--db", str(crawled_db))
        assert "Traceback" not in result.stderr + result.stdout
        if result.returncode:  # 1: no match; 2: not valid search syntax (an unclosed ")
            assert result.returncode in (1, 2) and len(result.stderr.strip().splitlines()) == 1
        else:
            assert result.stdout.startswith("[")
    assert invoke("search", "treaty", "--db", str(crawled_db)).returncode == 0


@pytest.mark.parametrize("option", ["--since=99999999999d", "--until=9999-12-31"])
def test_times_out_of_range_are_errors_not_tracebacks(crawled_db: Path, option: str) -> None:
    result = invoke("search", "treaty", "--db", str(crawled_db), option)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "Error: Invalid value for '--" in result.stderr
