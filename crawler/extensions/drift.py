"""Drift: is tonight's run of a site much worse than its own recent runs?"""

from __future__ import annotations

from dataclasses import dataclass, field
from statistics import median

from crawler.fields import WATCHED


@dataclass(frozen=True)
class DriftRules:
    """``min_runs`` earlier runs are needed before judging; a field whose coverage
    falls by ``drop`` (absolute, 0..1) below its median is an alert. Coverage is only
    judged on runs that extracted at least ``min_articles`` articles (an incremental
    run that met two new articles says little)."""

    min_runs: int
    drop: float
    history: int
    min_articles: int


@dataclass
class RunFigures:
    """What one run of a site met: article pages seen, and the share of extracted
    articles that had each field (``None`` when nothing was extracted)."""

    articles_seen: int
    coverage: dict[str, float | None] = field(default_factory=dict)
    articles_extracted: int = 0
    # Share filled by the site's own declaration (selectors, dateline), not by the
    # generic fallback: a redesign shows here even when the fallback rescues the field.
    declared: dict[str, float | None] = field(default_factory=dict)


def assess(current: RunFigures, history: list[RunFigures], rules: DriftRules) -> list[str]:
    """Alerts for ``current`` against earlier runs of the same site (newest first).

    >>> rules = DriftRules(min_runs=3, drop=0.3, history=10, min_articles=5)
    >>> good = [RunFigures(10, {"title": 1.0, "authors": 0.9}, 10) for _ in range(3)]
    >>> assess(RunFigures(10, {"title": 1.0, "authors": 0.2}, 10), good, rules)
    ['authors coverage 20% (usually 90%)']
    >>> assess(RunFigures(10, {"title": 1.0, "authors": 0.0}, 2), good, rules)
    []
    >>> assess(RunFigures(0, {}), good, rules)
    ['no article pages found (usually 10)']
    >>> assess(RunFigures(0, {}), good[:2], rules)
    []
    >>> usual = [RunFigures(10, {"title": 1.0}, 10, {"title": 1.0}) for _ in range(3)]
    >>> assess(RunFigures(10, {"title": 1.0}, 10, {"title": 0.0}), usual, rules)
    ['title found by the site selectors 0% (usually 100%)']
    """
    history = history[: rules.history]
    if len(history) < rules.min_runs:
        return []
    alerts = []
    usual_seen = median(run.articles_seen for run in history)
    if current.articles_seen == 0 and usual_seen > 0:
        alerts.append(f"no article pages found (usually {usual_seen:g})")
    if current.articles_extracted < rules.min_articles:
        return alerts
    judged = [run for run in history if run.articles_extracted >= rules.min_articles]
    for name in WATCHED:
        for label, now, earlier in (
            ("coverage", current.coverage.get(name), [run.coverage.get(name) for run in judged]),
            ("found by the site selectors", current.declared.get(name),
             [run.declared.get(name) for run in judged]),
        ):  # fmt: skip
            alert = _fell(now, [c for c in earlier if c is not None], rules)
            if alert:
                alerts.append(f"{name} {label} {alert}")
    return alerts


def _fell(now: float | None, earlier: list[float], rules: DriftRules) -> str | None:
    """How a share fell against its usual level, or None when it did not."""
    if now is None or len(earlier) < rules.min_runs:
        return None
    usual = median(earlier)
    return f"{now:.0%} (usually {usual:.0%})" if usual - now >= rules.drop else None
