"""``newsdesk merge`` and ``newsdesk dispatch``: crawling on several machines."""

from __future__ import annotations

import click

from crawler.cli.app import CONTEXT, DB_PATH_KEY, fail, main
from store import DEFAULT_PATH, ENVIRONMENT
from store.db import DatabaseError
from store.minhash import DEFAULT_THRESHOLD
from store.snapshot import ShardError

into_option = click.option(
    "--into",
    "into",
    default=DEFAULT_PATH,
    envvar=ENVIRONMENT,
    show_default=True,
    show_envvar=True,
    type=click.Path(dir_okay=False),
    help="The central database (created if missing).",
)


@main.command(context_settings=CONTEXT)
@click.argument("shards", nargs=-1, required=True, type=click.Path(dir_okay=False))
@into_option
@click.option(
    "--near-threshold",
    type=click.FloatRange(0, 1, min_open=True),
    default=DEFAULT_THRESHOLD,
    show_default=True,
    help="Similarity at which a story is linked to a copy from another shard.",
)
@click.pass_context
def merge(ctx: click.Context, shards: tuple[str, ...], into: str, near_threshold: float) -> None:
    """Merge node shards (each node's database) into the central database.

    Only what is new since the previous merge of each shard is read (it is remembered in
    the central database), so merging again changes nothing. Each shard is read from a
    consistent snapshot, so a node may still be writing it; a shard is never changed. A
    missing, damaged or foreign shard: one line, exit 1, nothing merged.

    Example: newsdesk merge /srv/shards/node1.db /srv/shards/node2.db --into output/news.db
    """
    from store.merge import merge as merge_shards

    ctx.meta[DB_PATH_KEY] = into
    try:
        reports = merge_shards(into, list(shards), near_threshold)
    except (ShardError, DatabaseError) as exc:
        raise fail(str(exc)) from None
    for report in reports:
        click.echo(report.line())
