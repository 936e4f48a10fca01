"""``newsdesk runs`` and ``newsdesk schedule``: the nightly crawl's history and timing."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from typing import Any

import click

from crawler.cli.app import CONTEXT, about, complete_site, db_option, fail, format_option, main
from crawler.fields import WATCHED
from crawler.ops.schedule import Schedule, install, user_unit_dir
from store.browse import recent_runs
from store.db import DatabaseError, open_db


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


def _run_line(run: dict[str, Any]) -> str:
    coverage = " ".join(
        f"{name}={_percent(run[f'coverage_{name}'])}"
        for name in WATCHED
    )
    alerts = "; ".join(json.loads(run["alerts"] or "[]"))
    return (
        f"{run['id']:>5} {run['site']:<12} {run['started_at']} {run['status']:<11} "
        f"pages {run['pages_fetched'] or 0}, new {run['articles_new'] or 0}, "
        f"updated {run['articles_updated'] or 0}, dropped {run['pages_dropped'] or 0}  "
        f"{coverage}" + (f"  ALERT {alerts}" if alerts else "")
    )


def run_record(run: dict[str, Any]) -> dict[str, Any]:
    """A ``crawl_runs`` row for JSON output: its alerts as a list.

    >>> run_record({"id": 1, "alerts": '["body coverage fell"]'})
    {'id': 1, 'alerts': ['body coverage fell']}
    """
    return {**run, "alerts": json.loads(run.get("alerts") or "[]")}


@main.command(context_settings=CONTEXT, short_help=about("runs"))
@click.argument("site", required=False, shell_complete=complete_site)
@db_option
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 10_000))
@format_option("table", "json", default="table")
def runs(site: str | None, db_path: str, limit: int, fmt: str) -> None:
    """Show the history of crawl runs (newest first), with field coverage and alerts.

    Example: newsdesk runs eirns --limit 5
    """
    try:
        rows = recent_runs(open_db(db_path, create=False), site, limit)
    except DatabaseError as exc:
        raise fail(str(exc)) from None
    if fmt == "json":
        click.echo(json.dumps([run_record(row) for row in rows], indent=2, ensure_ascii=False))
        return
    if not rows:
        click.echo("No runs recorded" + (f" for site {site!r}." if site else "."))
        return
    for row in rows:
        click.echo(_run_line(row))


@main.command(context_settings=CONTEXT, short_help=about("schedule"))
@db_option
@click.option("--time", "at", default="02:30", show_default=True, help="Local time, HH:MM.")
@click.option(
    "--install",
    "do_install",
    is_flag=True,
    help="Write the systemd user units (~/.config/systemd/user).",
)
def schedule(db_path: str, at: str, do_install: bool) -> None:
    """Print a crontab line and systemd units for a nightly `newsdesk crawl --all`.

    Example: newsdesk schedule --time 03:15 --install
    """
    executable = Path(shutil.which("newsdesk") or Path(sys.executable).parent / "newsdesk")
    try:
        plan = Schedule(Path.cwd(), executable.resolve(), db_path, at)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--time") from None
    click.echo("# crontab -e, then add:")
    click.echo(plan.crontab_line())
    for name, text in plan.systemd_units().items():
        click.echo(f"\n# {user_unit_dir() / name}\n{text}", nl=False)
    if do_install:
        for path in install(plan):
            click.echo(f"\nwrote {path}", nl=False)
        click.echo(
            "\nEnable it with: systemctl --user daemon-reload && "
            "systemctl --user enable --now newsdesk-crawl.timer"
        )
