"""Nightly scheduling: a crontab line and systemd user units for ``newsdesk crawl --all``."""

from __future__ import annotations

import os
import re
import shlex
from dataclasses import dataclass
from pathlib import Path

_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
UNIT = "newsdesk-crawl"


@dataclass(frozen=True)
class Schedule:
    """What to run, where and when."""

    workdir: Path  # the crawl runs here, so output/ lands beside the project
    executable: Path  # the newsdesk console script
    db_path: str
    at: str = "02:30"  # local time, HH:MM

    def __post_init__(self) -> None:
        if not _TIME.match(self.at):
            raise ValueError(f"--time must be HH:MM (24-hour), got {self.at!r}")

    @property
    def hhmm(self) -> str:
        hour, minute = self.at.split(":")
        return f"{int(hour):02d}:{minute}"

    @property
    def command(self) -> str:
        return f"{shlex.quote(str(self.executable))} crawl --all --db {shlex.quote(self.db_path)}"

    def crontab_line(self) -> str:
        """One crontab line.

        >>> Schedule(Path("/srv/nd"), Path("/srv/nd/.venv/bin/newsdesk"), "output/news.db",
        ...          "3:05").crontab_line()
        '5 3 * * * cd /srv/nd && mkdir -p output/logs && /srv/nd/.venv/bin/newsdesk crawl --all \
--db output/news.db >> output/logs/cron.log 2>&1'
        """
        hour, minute = (int(part) for part in self.at.split(":"))
        workdir = shlex.quote(str(self.workdir))
        log = "output/logs/cron.log"
        return (
            f"{minute} {hour} * * * cd {workdir} && mkdir -p output/logs && "
            f"{self.command} >> {log} 2>&1"
        )

    def systemd_units(self) -> dict[str, str]:
        """A oneshot service and the timer that starts it nightly, by file name."""
        service = f"""[Unit]
Description=newsdesk nightly crawl of every site
After=network-online.target
Wants=network-online.target

[Service]
Type=oneshot
WorkingDirectory={self.workdir}
ExecStart={self.command}
Nice=10
"""
        timer = f"""[Unit]
Description=Run the newsdesk crawl every night at {self.hhmm}

[Timer]
OnCalendar=*-*-* {self.hhmm}:00
Persistent=true
RandomizedDelaySec=300

[Install]
WantedBy=timers.target
"""
        return {f"{UNIT}.service": service, f"{UNIT}.timer": timer}


def user_unit_dir() -> Path:
    """Where systemd looks for the current user's units."""
    config = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(config) / "systemd" / "user"


def install(schedule: Schedule, directory: Path | None = None) -> list[Path]:
    """Write the systemd user units; returns the files written."""
    directory = directory or user_unit_dir()
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in schedule.systemd_units().items():
        path = directory / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
