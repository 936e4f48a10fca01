"""A small client of scrapyd's HTTP API (schedule.json, listjobs.json, job logs).

Only what ``newsdesk dispatch`` needs, over the standard library: a job is scheduled with
its settings and spider arguments, jobs are listed by state, and a finished job's stats
are read from the end of its log (Scrapy dumps them there when a crawl ends; a job killed
before that has none).
"""

from __future__ import annotations

import ast
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

TIMEOUT = 30
_STATS_START = "Dumping Scrapy stats:\n"
_LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", re.MULTILINE)
_DATETIME = re.compile(r"datetime\.datetime\([^()]*\)")


class NodeError(Exception):
    """A node cannot be reached or refused a request; the message names it."""


@dataclass(frozen=True)
class Job:
    """A job as ``listjobs.json`` lists it."""

    id: str
    spider: str
    state: str  # pending | running | finished
    pid: int | None = None
    log_url: str | None = None


@dataclass(frozen=True)
class Scrapyd:
    """One scrapyd node: its name in the nodes file and its URL."""

    name: str
    url: str
    project: str = "newsdesk"

    def _call(self, path: str, data: list[tuple[str, str]] | None = None) -> Any:
        url = urllib.parse.urljoin(self.url, path)
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with urllib.request.urlopen(url, body, timeout=TIMEOUT) as response:
                answer = json.load(response)
        except (OSError, ValueError) as exc:
            raise NodeError(f"node {self.name} ({self.url}): {exc}") from None
        if answer.get("status") != "ok":
            raise NodeError(f"node {self.name} ({self.url}): {answer.get('message', answer)}")
        return answer

    def schedule(self, spider: str, settings: dict[str, str], args: dict[str, str]) -> str:
        """Schedule a crawl of ``spider``; its job id."""
        data = [("project", self.project), ("spider", spider)]
        data += [("setting", f"{name}={value}") for name, value in settings.items()]
        data += list(args.items())
        return str(self._call("schedule.json", data)["jobid"])

    def jobs(self) -> list[Job]:
        """Every job of the project the node knows: pending, running and finished."""
        answer = self._call(f"listjobs.json?project={urllib.parse.quote(self.project)}")
        return [
            Job(entry["id"], entry["spider"], state, entry.get("pid"), entry.get("log_url"))
            for state in ("pending", "running", "finished")
            for entry in answer.get(state, [])
        ]

    def log(self, job: Job) -> str | None:
        """The job's log, or None when the node keeps none."""
        if not job.log_url:
            return None
        try:
            url = urllib.parse.urljoin(self.url, job.log_url)
            with urllib.request.urlopen(url, timeout=TIMEOUT) as response:
                return bytes(response.read()).decode("utf-8", "replace")
        except (urllib.error.HTTPError, OSError):
            return None


def stats_of(log: str) -> dict[str, Any] | None:
    """The stats Scrapy dumped at the end of a crawl's log; None for a crawl that did not end.

    >>> log = '''2026-01-02 03:04:05 [scrapy.statscollectors] INFO: Dumping Scrapy stats:
    ... {'finish_reason': 'finished',
    ...  'finish_time': datetime.datetime(2026, 1, 2, tzinfo=datetime.timezone.utc),
    ...  'newsdesk/run_status': 'finished'}
    ... 2026-01-02 03:04:05 [scrapy.core.engine] INFO: Spider closed (finished)'''
    >>> stats_of(log)["newsdesk/run_status"], stats_of("killed before the end")
    ('finished', None)
    """
    start = log.rfind(_STATS_START)
    if start < 0:
        return None
    text = log[start + len(_STATS_START) :]
    end = _LOG_LINE.search(text)
    text = _DATETIME.sub("None", text[: end.start()] if end else text)
    try:
        stats = ast.literal_eval(text.strip())
    except (ValueError, SyntaxError):
        return None
    return stats if isinstance(stats, dict) else None
