"""Options that choose articles, shared by ``search``, ``export`` and ``stats``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from store.query import Filters, QueryError, parse_when

F = TypeVar("F", bound=Callable[..., Any])


class SearchSyntaxError(click.ClickException):
    """Search text that is not valid syntax: ``Error: ...`` and exit status 2."""

    exit_code = 2


def when_callback(end: bool) -> Callable[[click.Context, click.Parameter, str | None], str | None]:
    def convert(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            return parse_when(value, end=end)
        except QueryError as exc:
            raise click.BadParameter(str(exc)) from None

    return convert


site_option = click.option(
    "--site", "sites", multiple=True, metavar="NAME", help="Only this site (repeatable)."
)
since_option = click.option(
    "--since",
    callback=when_callback(False),
    metavar="WHEN",
    help="Published at or after: 2026-11-01, 2026-11-01T08:00 or an age (12h, 7d, 2w).",
)
until_option = click.option(
    "--until",
    callback=when_callback(True),
    metavar="WHEN",
    help="Published before (a date: through that day).",
)


def filter_options(command: F) -> F:
    """Add --site, --since, --until, --author and --lang to ``command``."""
    for option in (
        click.option("--lang", "language", metavar="CODE", help="Language code, e.g. en."),
        click.option("--author", metavar="NAME", help="An author's name or part of it."),
        until_option,
        since_option,
        site_option,
    ):
        command = option(command)
    return command


def make_filters(
    sites: tuple[str, ...],
    since: str | None,
    until: str | None,
    author: str | None,
    language: str | None,
) -> Filters:
    return Filters(sites=sites, since=since, until=until, author=author, language=language)
