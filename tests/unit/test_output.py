"""One output convention on every command: ``-f/--format`` with JSON wherever data is
printed, ``--sites-dir`` wherever sites are read, usage errors exit 2, site names complete
in the shell, progress on a terminal only, and no Scrapy loaded to list the commands."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import click
import pytest

from crawler.cli import main
from crawler.cli.app import COMMANDS
from tests.conftest import FIXTURES, ROOT, assert_one_line_error, invoke, query, run_cli

EVAL_SAMPLE = FIXTURES / "eval_sample" / "fundus"


def data_commands(db: Path) -> dict[str, list[str]]:
    """Each command that prints data, with arguments that give it something to print."""
    return {
        "search": ["search", "harbour", "--db", str(db)],
        "show": ["show", "1", "--db", str(db)],
        "stats": ["stats", "--db", str(db)],
        "runs": ["runs", "--db", str(db)],
        "sites": ["sites"],
        "export": ["export", "--db", str(db)],
        "eval": ["eval", str(EVAL_SAMPLE), "--extractor", "trafilatura"],
    }


@pytest.mark.parametrize("command", ["search", "show", "stats", "runs", "sites", "export", "eval"])
def test_every_data_command_prints_json(crawled_db: Path, command: str) -> None:
    result = invoke(*data_commands(crawled_db)[command], "-f", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data, f"{command} -f json printed nothing"


def test_json_says_what_the_text_says(crawled_db: Path) -> None:
    runs = json.loads(invoke("runs", "--db", str(crawled_db), "-f", "json").stdout)
    assert [run["id"] for run in runs] == [
        row["id"] for row in query(crawled_db, "select id from crawl_runs order by id desc")
    ]
    assert all(isinstance(run["alerts"], list) for run in runs)
    sites = json.loads(invoke("sites", "--format", "json").stdout)
    listed = [line.split()[0] for line in invoke("sites").stdout.splitlines()]
    assert [site["name"] for site in sites] == listed
    articles = json.loads(invoke("export", "--db", str(crawled_db), "-f", "json").stdout)
    lines = invoke("export", "--db", str(crawled_db), "-f", "jsonl").stdout.splitlines()
    assert articles == [json.loads(line) for line in lines]
    scores = json.loads(invoke("eval", str(EVAL_SAMPLE), "--extractor", "trafilatura",
                               "-f", "json").stdout)  # fmt: skip
    text = invoke("eval", str(EVAL_SAMPLE), "--extractor", "trafilatura").stdout
    assert f"{scores['pages']} pages" in text
    assert f"F1 {scores['body']['f1']:.3f}" in text


def test_every_command_that_reads_sites_takes_sites_dir() -> None:
    context = click.Context(main)
    for name in ("crawl", "sites", "import", "reextract", "eval"):
        options = {opt for p in main.get_command(context, name).params for opt in p.opts}
        assert "--sites-dir" in options, name


def test_arguments_that_do_not_fit_exit_2_on_one_line(tmp_path: Path) -> None:
    db = str(tmp_path / "n.db")
    for args, needle in (
        (["crawl", "--db", db], "give a SITE to crawl"),
        (["crawl", "--all", "demo", "--db", db], "give --all alone"),
        (["crawl", "demo", "--url", "http://x.test/a", "--db", db], "not both"),
        (["crawl", "--url", "ftp://x.test/a", "--db", db], "--url: not an http(s) URL"),
        (["crawl", "demo", "--base-url", "localhost:8000", "--db", db], "--base-url"),
        (["crawl", "demo", "-s", "DOWNLOAD_TIMEOUT=soon", "--db", db], "expected a number"),
        (["sites", "add", "example.com", "--dry-run"], "URL: not an http(s) URL"),
        (["sites", "add", "http://x.test/", "--name", "Bad Name"], "a site name is"),
    ):
        result = invoke(*args)
        assert result.returncode == 2, (args, result.stderr)
        assert_one_line_error(result, needle)
    assert not Path(db).exists()


def test_the_command_list_loads_no_command(tmp_path: Path) -> None:
    """`newsdesk --help` and `crawl -h` import neither Scrapy nor any command module that
    is not asked for: they answer at once."""
    probe = (
        "import sys\n"
        "from crawler.cli import main\n"
        "try:\n"
        "    main(sys.argv[1:], prog_name='newsdesk')\n"
        "except SystemExit:\n"
        "    pass\n"
        "loaded = sorted(m for m in sys.modules if m == 'scrapy' or m.startswith('crawler.cli.'))\n"
        "print('LOADED', ' '.join(loaded), file=sys.stderr)\n"
    )
    for args in (["--help"], ["crawl", "-h"], ["sites", "add", "-h"], ["import", "-h"]):
        ran = subprocess.run([sys.executable, "-c", probe, *args], cwd=ROOT,
                             capture_output=True, text=True, timeout=60)  # fmt: skip
        loaded = set(ran.stderr.split("LOADED", 1)[1].split())
        assert "scrapy" not in loaded, args
        if args == ["--help"]:
            assert loaded == {"crawler.cli.app"}, loaded
    listed = run_cli("--help").stdout
    for name, (_, line) in COMMANDS.items():
        assert f"{name} " in listed and line in " ".join(listed.split()), name


def test_site_names_complete_in_the_shell() -> None:
    env = {**os.environ, "_NEWSDESK_COMPLETE": "bash_complete",
           "COMP_WORDS": "newsdesk crawl de", "COMP_CWORD": "2"}  # fmt: skip
    newsdesk = [sys.executable, "-c", "from crawler.cli import main; main(prog_name='newsdesk')"]
    ran = subprocess.run(newsdesk, env=env, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert ran.returncode == 0, ran.stderr
    assert "plain,demo" in ran.stdout.splitlines()
    env["COMP_WORDS"], env["COMP_CWORD"] = "newsdesk sites check ei", "3"
    ran = subprocess.run(newsdesk, env=env, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert ran.stdout.splitlines() == ["plain,eirns"]


def on_a_terminal(args: list[str]) -> tuple[int, str]:
    """Run ``newsdesk ARGS`` with stderr on a pseudo-terminal (stdout to a pipe); its exit
    status and what the terminal showed."""
    leader, follower = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "crawler", *args], cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=follower)  # fmt: skip
    os.close(follower)
    shown = bytearray()
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the other end closed
            break
        if not chunk:
            break
        shown += chunk
    process.communicate(timeout=120)
    os.close(leader)
    return process.returncode, shown.decode("utf-8", "replace")


def test_long_work_shows_progress_on_a_terminal_only(crawled_db: Path, tmp_path: Path) -> None:
    total = query(crawled_db, "select count(*) as n from articles")[0]["n"]
    status, shown = on_a_terminal(["export", "--db", str(crawled_db), "-o", str(tmp_path / "a")])
    assert status == 0 and f"{total}/{total}" in shown and "Exporting" in shown
    status, shown = on_a_terminal(["eval", str(EVAL_SAMPLE), "--extractor", "trafilatura",
                                   "-o", str(tmp_path / "scores.json")])  # fmt: skip
    pages = json.loads((tmp_path / "scores.json").read_text())["pages"]
    assert status == 0 and f"{pages}/{pages}" in shown and "Scoring fundus" in shown
    piped = run_cli("export", "--db", str(crawled_db), "-o", str(tmp_path / "b"))
    assert piped.stderr.strip() == f"{total} articles written to {tmp_path / 'b'}"


def test_show_finds_the_https_form_of_a_stored_http_url(crawled_db: Path) -> None:
    stored = query(crawled_db, "select id, canonical_url from articles limit 1")[0]
    assert stored["canonical_url"].startswith("http://")
    https = "https://" + stored["canonical_url"].removeprefix("http://")
    shown = json.loads(invoke("show", https, "--db", str(crawled_db), "-f", "json").stdout)
    assert shown["article"]["id"] == stored["id"]
