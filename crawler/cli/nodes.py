"""``newsdesk merge`` and ``newsdesk dispatch``: crawling on several machines."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

import click

from crawler.cli.app import (
    CONTEXT,
    about,
    base_url_option,
    database_option,
    fail,
    format_option,
    main,
    overrides_option,
    sites_dir_option,
)
from store.db import DatabaseError
from store.minhash import DEFAULT_THRESHOLD
from store.snapshot import ShardError

into_option = database_option(
    "--into", "into", "The central database (created if missing).", dir_okay=False
)


@main.command(context_settings=CONTEXT, short_help=about("merge"))
@click.argument("shards", nargs=-1, required=True, type=click.Path(dir_okay=False))
@into_option
@click.option(
    "--near-threshold",
    type=click.FloatRange(0, 1, min_open=True),
    default=DEFAULT_THRESHOLD,
    show_default=True,
    help="Similarity at which a story is linked to a copy from another shard.",
)
@format_option("text", "json", default="text")
@click.pass_context
def merge(
    ctx: click.Context, shards: tuple[str, ...], into: str, near_threshold: float, fmt: str
) -> None:
    """Merge node shards (each node's database) into the central database.

    Only what is new since the previous merge of each shard is read (it is remembered in
    the central database), so merging again changes nothing. Each shard is read from a
    consistent snapshot, so a node may still be writing it; a shard is never changed. A
    missing, damaged or foreign shard: one line, exit 1, nothing merged.

    Example: newsdesk merge /srv/shards/node1.db /srv/shards/node2.db --into output/news.db
    """
    from store.merge import merge as merge_shards

    try:
        reports = merge_shards(into, list(shards), near_threshold)
    except (ShardError, DatabaseError) as exc:
        raise fail(str(exc)) from None
    if fmt == "json":
        click.echo(json.dumps([asdict(report) for report in reports], indent=2))
        return
    for report in reports:
        click.echo(report.line())


@main.command(context_settings=CONTEXT, short_help=about("dispatch"))
@click.argument("nodes_file", metavar="NODES.toml", type=click.Path(dir_okay=False))
@base_url_option
@click.option(
    "--poll",
    type=click.FloatRange(0.05),
    default=5.0,
    show_default=True,
    help="Seconds between looks at the nodes' jobs.",
)
@sites_dir_option
@overrides_option
@format_option("text", "json", default="text")
def dispatch(
    nodes_file: str,
    base_url: str | None,
    poll: float,
    sites_dir: str | None,
    overrides: tuple[str, ...],
    fmt: str,
) -> None:
    """Crawl every nightly site as a scrapyd job on its node, and wait for them.

    Each site goes to the node chosen by a stable hash of its name (adding a node moves
    about 1/N of the sites), unless the nodes file pins it. A site whose job is still
    running is skipped; a job that ends without finishing (killed) is run once more.
    Prints one line per site as `crawl --all` does, and exits non-zero when a site
    failed or is degraded. -s NAME=VALUE settings go to every job; --sites-dir is where
    the nightly sites are read here (each node reads its own sites_dir).

    Example: newsdesk dispatch nodes.toml && newsdesk merge /srv/shards/*.db
    """
    from crawler.cli.checks import check_base_url, parse_overrides
    from crawler.cli.crawl import echo_result
    from crawler.ops.dispatch import Dispatch, Options
    from crawler.ops.nodes import NodesError, load_nodes
    from crawler.ops.run import project_settings
    from crawler.sites import SiteError
    from crawler.spiders.loader import declared_sites

    check_base_url(base_url)
    settings = parse_overrides(overrides, project_settings())
    local = settings | ({"NEWSDESK_SITES_DIR": sites_dir} if sites_dir else {})
    try:
        nodes = load_nodes(nodes_file)
        sites = [name for name, s in declared_sites(project_settings(local)).items() if s.nightly]
        nodes.check_pins(sites)
    except (NodesError, SiteError) as exc:
        raise fail(str(exc)) from None
    args = {"base_url": base_url} if base_url else {}
    report = lambda line: click.echo(line, err=True)  # noqa: E731
    options = Options(settings, args, poll)
    outcomes = Dispatch(nodes, nodes.assign(sites), options, report=report).run()
    ok = all(o.result.ok for o in outcomes if o.result is not None)
    if fmt == "json":
        click.echo(json.dumps([outcome_record(o) for o in outcomes], indent=2))
    for outcome in outcomes if fmt == "text" else ():
        if outcome.result is None:
            click.echo(f"{outcome.site}: skipped; {outcome.skipped}")
        else:
            echo_result(outcome.result)
    if not ok:
        raise SystemExit(1)


def outcome_record(outcome: Any) -> dict[str, Any]:
    """A site's line of ``dispatch -f json``: the crawl summary, or why it was skipped."""
    if outcome.result is None:
        return {"site": outcome.site, "status": "skipped", "reason": outcome.skipped}
    return dict(outcome.result.summary())
