"""The ``newsdesk`` command group and what its commands share."""

from __future__ import annotations

import importlib
import shutil
import sqlite3
import sys
from pathlib import Path
from typing import Any

import click

from store import DEFAULT_PATH, ENVIRONMENT

CONTEXT = {"help_option_names": ["-h", "--help"]}

DB_PATH_KEY = "newsdesk.db_path"  # in click's context meta: the database a command uses


def _remember_db(ctx: click.Context, param: click.Parameter, value: str) -> str:
    ctx.meta[DB_PATH_KEY] = value
    return value


db_option = click.option(
    "--db",
    "db_path",
    default=DEFAULT_PATH,
    envvar=ENVIRONMENT,
    show_default=True,
    show_envvar=True,
    type=click.Path(dir_okay=True),
    callback=_remember_db,
    help="SQLite database file.",
)


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


# Each command's module, imported only when the command runs: `newsdesk search` need not
# load Scrapy. A module registers its commands on `main` when imported.
COMMAND_MODULES = {
    "crawl": "crawler.cli.crawl",
    "sites": "crawler.cli.sites",
    "demo": "crawler.cli.demo",
    "dispatch": "crawler.cli.nodes",
    "eval": "crawler.cli.eval",
    "import": "crawler.cli.archive",
    "merge": "crawler.cli.nodes",
    "reextract": "crawler.cli.archive",
    "export": "crawler.cli.export",
    "runs": "crawler.cli.nightly",
    "schedule": "crawler.cli.nightly",
    "search": "crawler.cli.search",
    "serve": "crawler.cli.serve",
    "show": "crawler.cli.browse",
    "stats": "crawler.cli.browse",
}


class LazyGroup(click.Group):
    """A click group whose commands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *COMMAND_MODULES})

    def get_command(self, ctx: click.Context, cmd_name: str) -> Any:
        if cmd_name not in self.commands and cmd_name in COMMAND_MODULES:
            importlib.import_module(COMMAND_MODULES[cmd_name])
        return super().get_command(ctx, cmd_name)

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
