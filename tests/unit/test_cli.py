"""The newsdesk command line: read-side commands in this process (click's CliRunner) on the
shared crawled database; ``crawl``, which starts Scrapy, as a real subprocess."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import click
import pytest

from crawler.cli import main
from crawler.sites import load_sites
from tests.conftest import ROOT, assert_one_line_error, invoke, run_cli


def test_sites_lists_every_declared_site() -> None:
    result = invoke("sites")
    assert result.returncode == 0
    assert [line.split()[0] for line in result.stdout.splitlines()] == sorted(load_sites())


def test_search_finds_the_seed_article(crawled_db: Path) -> None:
    result = invoke("search", "European Security Treaty", "--db", str(crawled_db))
    assert result.returncode == 0, result.stderr
    first = result.stdout.splitlines()[0]
    assert "NATO Thinks It’s at War with Russia" in first
    assert "[European] [Security] [Treaty]" in result.stdout


def test_search_with_punctuation_and_operators_is_plain_text(crawled_db: Path) -> None:
    for text in ['"European Security', "Treaty NEAR(", "'; DROP TABLE articles; --"]:
        result = invoke("search", text, "--db", str(crawled_db))
        assert "Traceback" not in result.stderr
    assert invoke("search", "European Security Treaty", "--db", str(crawled_db)).returncode == 0


def test_search_without_hits_says_so(crawled_db: Path) -> None:
    result = invoke("search", "zeppelin quasar", "--db", str(crawled_db))
    assert_one_line_error(result, "No articles match 'zeppelin quasar'")


def test_search_of_nothing_says_so(crawled_db: Path) -> None:
    assert_one_line_error(invoke("search", "?!", "--db", str(crawled_db)), "nothing to search for")


def test_missing_database_is_a_clear_error(tmp_path: Path) -> None:
    missing = tmp_path / "nope.db"
    assert_one_line_error(
        invoke("search", "x", "--db", str(missing)), str(missing), "no such database"
    )
    assert not missing.exists()


def test_database_path_that_is_a_directory(tmp_path: Path) -> None:
    assert_one_line_error(run_cli("crawl", "demo", "--db", str(tmp_path)), "is a directory")


def test_file_that_is_not_a_database(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.db"
    bogus.write_text("shopping list\n" * 100)
    assert_one_line_error(invoke("search", "x", "--db", str(bogus)), str(bogus))
    assert bogus.read_text() == "shopping list\n" * 100


def test_unknown_site(tmp_path: Path) -> None:
    result = run_cli("crawl", "nosuchsite", "--db", str(tmp_path / "n.db"))
    assert_one_line_error(result, "unknown site 'nosuchsite'", "demo", "eirns")


def test_bad_setting_override(tmp_path: Path) -> None:
    result = run_cli("crawl", "demo", "--db", str(tmp_path / "n.db"), "-s", "NOEQUALS")
    assert result.returncode == 2 and "expected NAME=VALUE" in result.stderr


COMMANDS = main.list_commands(click.Context(main))


def test_every_listed_command_loads() -> None:
    for name in COMMANDS:
        assert main.get_command(click.Context(main), name) is not None, name


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(command: str) -> None:
    result = invoke(command, "-h")
    assert result.returncode == 0
    assert "Example: newsdesk " + command in result.stdout


def test_readme_documents_every_command_and_site() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for command in COMMANDS:
        assert re.search(rf"newsdesk {command}\b", readme), (
            f"README does not show `newsdesk {command}`"
        )
    for site in shipped_sites():
        assert f"`{site}`" in readme, f"README does not mention site `{site}`"


def shipped_sites() -> list[str]:
    """The sites the project ships: the declarations git tracks (a site a user has just
    added with `newsdesk sites add` is theirs, not yet the project's)."""
    listed = subprocess.run(["git", "ls-files", "crawler/sites/*.toml"], cwd=ROOT,
                            capture_output=True, text=True)  # fmt: skip
    if listed.returncode != 0:  # not a git checkout: every bundled site
        return list(load_sites())
    return [Path(path).stem for path in listed.stdout.split()]


def test_console_script_is_installed() -> None:
    assert shutil.which("newsdesk") or (Path(ROOT) / ".venv/bin/newsdesk").exists()
