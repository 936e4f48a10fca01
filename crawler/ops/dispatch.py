"""``newsdesk dispatch``: every nightly site crawled as a scrapyd job on its node.

Each site goes to its node (:mod:`crawler.ops.nodes`); a site whose job is still pending
or running there is skipped (the counterpart of ``crawl --all``'s lock). The jobs are
polled until they end; one that ended without finishing (killed: its log has no final
stats, or the crawl was shut down) is scheduled once more. Each site's result is read from
the stats its job logged, so the summary is the one ``crawl --all`` prints.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from crawler import stats as keys
from crawler.ops.nodes import Node, Nodes
from crawler.ops.run import CrawlResult
from crawler.ops.scrapyd import Job, NodeError, Scrapyd, stats_of

UNREACHABLE_POLLS = 3  # a node that fails this many polls in a row has lost its jobs


@dataclass(frozen=True)
class Options:
    """What every job gets: Scrapy settings, spider arguments; how often to poll, retry."""

    settings: dict[str, str] = field(default_factory=dict)
    args: dict[str, str] = field(default_factory=dict)
    poll: float = 5.0
    retries: int = 1


@dataclass
class Attempt:
    site: str
    node: Node
    job: str
    number: int = 1


@dataclass(frozen=True)
class Outcome:
    """One site's end: its crawl result, or why it was not crawled now (``skipped``)."""

    site: str
    node: str
    result: CrawlResult | None = None
    skipped: str | None = None


def failed(site: str, why: str) -> CrawlResult:
    """A result for a site whose crawl produced no stats of its own."""
    return CrawlResult(site, {keys.RUN_STATUS: "failed", keys.ALERTS: [why]})


class Dispatch:
    """Schedules, polls and retries the jobs of one dispatch."""

    def __init__(
        self,
        nodes: Nodes,
        assignment: dict[str, Node],
        options: Options,
        sleep: Callable[[float], None] = time.sleep,
        report: Callable[[str], None] = lambda line: None,
    ) -> None:
        self.clients = {n.name: Scrapyd(n.name, n.url, nodes.project) for n in nodes.nodes.values()}
        self.assignment = assignment
        self.options = options
        self.sleep = sleep
        self.report = report
        self.waiting: dict[str, Attempt] = {}  # job id -> attempt
        self.outcomes: dict[str, Outcome] = {}
        self.misses: dict[str, int] = {}  # node -> polls failed in a row

    def run(self) -> list[Outcome]:
        busy = self._busy()
        for site, node in sorted(self.assignment.items()):
            if node.name not in busy:
                continue  # the node is down: its sites failed in _busy
            if site in busy[node.name]:
                why = f"job {busy[node.name][site]} is still running on {node.name}"
                self.outcomes[site] = Outcome(site, node.name, skipped=why)
            else:
                self._schedule(site, node, 1)
        while self.waiting:
            self.sleep(self.options.poll)
            for name in sorted({a.node.name for a in self.waiting.values()}):
                self._poll(name)
        return [self.outcomes[site] for site in sorted(self.outcomes)]

    def _busy(self) -> dict[str, dict[str, str]]:
        """Per reachable node, its pending and running jobs by spider."""
        busy: dict[str, dict[str, str]] = {}
        for name, client in self.clients.items():
            try:
                jobs = client.jobs()
            except NodeError as exc:
                for site, node in self.assignment.items():
                    if node.name == name:
                        self.outcomes[site] = Outcome(site, name, failed(site, str(exc)))
                continue
            busy[name] = {j.spider: j.id for j in jobs if j.state != "finished"}
        return busy

    def _schedule(self, site: str, node: Node, number: int) -> None:
        settings = {"NEWSDESK_DB_PATH": node.shard, **self.options.settings}
        if node.sites_dir:
            settings["NEWSDESK_SITES_DIR"] = node.sites_dir
        try:
            job = self.clients[node.name].schedule(site, settings, self.options.args)
        except NodeError as exc:
            self._end(site, node.name, failed(site, str(exc)))
            return
        self.waiting[job] = Attempt(site, node, job, number)
        self.report(f"{site}: job {job} on {node.name}")

    def _poll(self, name: str) -> None:
        try:
            jobs = {job.id: job for job in self.clients[name].jobs()}
        except NodeError as exc:
            self.misses[name] = self.misses.get(name, 0) + 1
            if self.misses[name] >= UNREACHABLE_POLLS:
                for attempt in self._attempts_on(name):
                    self._end(attempt.site, name, failed(attempt.site, str(exc)))
            return
        self.misses[name] = 0
        for attempt in self._attempts_on(name):
            job = jobs.get(attempt.job)
            if job is None or job.state == "finished":
                self._ended(attempt, job)

    def _attempts_on(self, name: str) -> list[Attempt]:
        return [a for a in list(self.waiting.values()) if a.node.name == name]

    def _ended(self, attempt: Attempt, job: Job | None) -> None:
        """A job left the node's queue: its result, or once more when it did not finish."""
        del self.waiting[attempt.job]
        log = self.clients[attempt.node.name].log(job) if job is not None else None
        stats = stats_of(log) if log is not None else None
        if stats is not None and stats.get(keys.RUN_STATUS) != "interrupted":
            self._end(attempt.site, attempt.node.name, CrawlResult(attempt.site, stats))
            return
        why = f"job {attempt.job} on {attempt.node.name} ended without finishing"
        if attempt.number <= self.options.retries:
            self.report(f"{attempt.site}: {why}; scheduling it again")
            self._schedule(attempt.site, attempt.node, attempt.number + 1)
            return
        result = failed(attempt.site, f"{why} ({attempt.number} attempts)")
        result.stats[keys.RUN_STATUS] = "interrupted"
        self._end(attempt.site, attempt.node.name, result)

    def _end(self, site: str, node: str, result: CrawlResult) -> None:
        self.outcomes[site] = Outcome(site, node, result)
