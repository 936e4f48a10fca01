"""The ``newsdesk`` command group and what its commands share."""

from __future__ import annotations

import importlib
import shutil
import sqlite3
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click
import click.shell_completion

from store import DEFAULT_PATH, ENVIRONMENT

CONTEXT = {"help_option_names": ["-h", "--help"]}

F = TypeVar("F", bound=Callable[..., Any])
DB_PATH_KEY = "newsdesk.db_path"  # in click's context meta: the database a command uses


def _remember_db(ctx: click.Context, param: click.Parameter, value: str) -> str:
    ctx.meta[DB_PATH_KEY] = value
    return value


def database_option(
    flag: str, dest: str, help: str, dir_okay: bool = True
) -> Callable[[F], F]:
    """An option naming the SQLite database a command uses (default output/news.db, or
    NEWSDESK_DB_PATH), remembered for the one-line error of a damaged file."""
    return click.option(
        flag,
        dest,
        default=DEFAULT_PATH,
        envvar=ENVIRONMENT,
        show_default=True,
        show_envvar=True,
        type=click.Path(dir_okay=dir_okay),
        callback=_remember_db,
        help=help,
    )


db_option = database_option("--db", "db_path", "SQLite database file.")


sites_dir_option = click.option(
    "--sites-dir", type=click.Path(file_okay=False), help="Extra folder of site declarations."
)
base_url_option = click.option(
    "--base-url", help="Fetch the site from this mirror, e.g. http://127.0.0.1:8000."
)
overrides_option = click.option(
    "-s",
    "--set",
    "overrides",
    multiple=True,
    metavar="NAME=VALUE",
    help="Override a Scrapy setting (repeatable).",
)


def format_option(*choices: str, default: str | None = None) -> Callable[[F], F]:
    """``-f/--format``: how every command that prints data prints it (``json`` is always one
    of the choices). Without ``default``: the first choice on a terminal, the second when
    piped (see :func:`resolve_format`)."""
    where = default or f"{choices[0]} on a terminal, {choices[1]} otherwise"
    return click.option(
        "-f",
        "--format",
        "fmt",
        type=click.Choice(choices),
        default=default,
        help=f"Output format [default: {where}].",
    )


def resolve_format(fmt: str | None, choices: Sequence[str]) -> str:
    """The format asked for, or the default for where stdout goes."""
    if fmt:
        return fmt
    return choices[0] if sys.stdout.isatty() else choices[1]


def complete_site(
    ctx: click.Context, param: click.Parameter, incomplete: str
) -> list[click.shell_completion.CompletionItem]:
    """Shell completion of a declared site's name (with --sites-dir if given before it)."""
    from crawler.sites import SiteError, load_sites

    try:
        sites = load_sites(ctx.params.get("sites_dir"))
    except (SiteError, OSError):
        return []
    return [
        click.shell_completion.CompletionItem(name, help=site.title)
        for name, site in sorted(sites.items())
        if name.startswith(incomplete)
    ]


def invoked_as(argv0: str | None = None) -> str:
    """How to run newsdesk again, for advice that works as printed: ``newsdesk`` when that
    is the program on PATH, else the path this one was started by (e.g. ``.venv/bin/newsdesk``
    before the virtual environment is activated).

    >>> invoked_as("python -m crawler")
    'newsdesk'
    """
    script = Path(argv0 if argv0 is not None else sys.argv[0])
    if script.name != "newsdesk":
        return "newsdesk"
    on_path = shutil.which("newsdesk")
    if on_path and Path(on_path).resolve() == script.resolve():
        return "newsdesk"
    return str(script)


def fail(message: str) -> click.ClickException:
    """A one-line error for the user: printed as ``Error: message``, exit status 1."""
    return click.ClickException(message)


class UsageFailure(click.ClickException):
    """Arguments that do not fit together or a malformed option value: ``Error: message``
    on one line, exit status 2 (click's status for usage errors)."""

    exit_code = 2


def usage_error(message: str) -> UsageFailure:
    return UsageFailure(message)


# Each command: its module, imported only when the command runs (`newsdesk search` need not
# load Scrapy; `newsdesk --help` loads none of them), and its line in `newsdesk --help`.
# A module registers its commands on `main` when imported, with `short_help=about(name)`.
COMMANDS = {
    "crawl": ("crawler.cli.crawl", "Crawl a site, every nightly site (--all), or article URLs."),
    "sites": ("crawler.cli.sites", "List the declared sites; add or check one."),
    "demo": ("crawler.cli.demo", "Crawl the bundled offline demo site and show what was stored."),
    "dispatch": ("crawler.cli.nodes", "Run the nightly sites as jobs on scrapyd nodes."),
    "eval": ("crawler.cli.eval", "Score extraction on saved pages with their truth."),
    "import": ("crawler.cli.archive", "Import the article pages of WARC files (e.g. CC-NEWS)."),
    "merge": ("crawler.cli.nodes", "Merge node shards into the central database."),
    "reextract": ("crawler.cli.archive", "Extract archived pages again with the current sites."),
    "export": ("crawler.cli.export", "Export articles as JSON Lines, JSON or CSV."),
    "runs": ("crawler.cli.nightly", "The history of crawl runs, with coverage and alerts."),
    "schedule": ("crawler.cli.nightly", "Crontab line and systemd units for the nightly crawl."),
    "search": ("crawler.cli.search", "Full-text search, best matches first."),
    "serve": ("crawler.cli.serve", "Browse and search the database in Datasette."),
    "show": ("crawler.cli.browse", "One article in full, by id or URL."),
    "stats": ("crawler.cli.browse", "Articles per site and per day, and the latest runs."),
}


def about(name: str) -> str:
    """The line ``newsdesk --help`` shows for the command ``name``."""
    return COMMANDS[name][1]


class LazyGroup(click.Group):
    """A click group whose commands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> Any:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            importlib.import_module(COMMANDS[cmd_name][0])
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list of ``--help`` from :data:`COMMANDS`, importing no command."""
        rows = [(name, about(name)) for name in self.list_commands(ctx) if name in COMMANDS]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; an SQLite error it did not expect (a damaged file found
        halfway through a query) is one line naming the database, not a traceback."""
        try:
            return super().invoke(ctx)
        except sqlite3.DatabaseError as exc:
            from store.db import database_error

            path = Path(ctx.meta.get(DB_PATH_KEY) or DEFAULT_PATH)
            raise fail(database_error(path, exc)) from None


@click.group(cls=LazyGroup, context_settings=CONTEXT)
@click.version_option(package_name="newsdesk")
def main() -> None:
    """newsdesk: crawl news sites into a searchable SQLite database.

    Example: newsdesk crawl eirns && newsdesk search "security treaty"
    """
