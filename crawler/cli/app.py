"""The ``newsdesk`` command group and what its commands share."""

from __future__ import annotations

import click

DEFAULT_DB = "output/news.db"
CONTEXT = {"help_option_names": ["-h", "--help"]}

db_option = click.option(
    "--db",
    "db_path",
    default=DEFAULT_DB,
    show_default=True,
    type=click.Path(dir_okay=True),
    help="SQLite database file.",
)


def fail(message: str) -> click.ClickException:
    """A one-line error for the user: printed as ``Error: message``, exit status 1."""
    return click.ClickException(message)


@click.group(context_settings=CONTEXT)
@click.version_option(package_name="newsdesk")
def main() -> None:
    """newsdesk: crawl news sites into a searchable SQLite database.

    Example: newsdesk crawl eirns && newsdesk search "security treaty"
    """
