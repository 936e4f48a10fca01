"""``newsdesk sites check NAME``: do a declared site's selectors still hold on its current pages?

Entry point: :func:`check_site` ``(site, responses) -> list[FieldCheck]`` with the site's
current article pages (the caller fetches them), then :func:`format_checks` for the
report. For each field of :data:`crawler.sites.onboard.induce.FIELDS`:

* the declared selectors' own value on each page (provenance ``selector``, not the
  generic fallback) is compared with the generic extractor's value, by the induction's
  rules (:func:`crawler.sites.onboard.agreement.agrees`): how many pages agreed, of how
  many tried;
* selector induction runs on the same pages, so each field also shows the selector that
  would hold now (with its held-out agreement), or why it would stay generic.

A selector that agrees on fewer than :data:`crawler.sites.onboard.induce.KEEP_SHARE` of
the pages it was tried on is reported broken; the proposal is its repair.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from scrapy.http import TextResponse

from crawler.extract.site import SiteExtractor
from crawler.sites import Site
from crawler.sites.onboard.agreement import Verdict, verdict
from crawler.sites.onboard.induce import (
    FIELDS,
    KEEP_SHARE,
    FieldRule,
    Induction,
    Sample,
    induce_samples,
    sample,
)


@dataclass(frozen=True)
class FieldCheck:
    """One field of a declared site, checked against its current pages."""

    field: str
    declared: tuple[str, ...]  # the site's selectors for the field; () when none
    agreed: int  # pages where the declared selectors' value agreed with the generic one
    tried: int  # pages where either of them had a value
    matched: int  # pages where the declared selectors gave a value at all
    proposed: FieldRule | None  # what induction finds on these pages now
    reason: str = ""  # why induction leaves the field generic, when it does

    @property
    def status(self) -> str:
        """``holds``, ``broken``, ``untested`` (no page had a value) or ``generic``.

        >>> FieldCheck("title", ("h1",), 2, 8, 8, None).status
        'broken'
        >>> FieldCheck("title", (), 0, 0, 0, None).status
        'generic'
        """
        if not self.declared:
            return "generic"
        if self.tried == 0:
            return "untested"
        return "holds" if self.agreed >= KEEP_SHARE * self.tried else "broken"


def check_site(site: Site, responses: Sequence[TextResponse]) -> list[FieldCheck]:
    """Check each field's declared selectors on ``responses`` (the site's current article
    pages) and propose the selectors that hold now."""
    samples = [sample(response, site.boilerplate) for response in responses]
    induction = induce_samples(samples, site.boilerplate)
    extractor = SiteExtractor(site)
    declared = [extractor.declared(page.response) for page in samples]
    return [field_check(name, site, samples, declared, induction) for name in FIELDS]


def field_check(
    name: str,
    site: Site,
    samples: Sequence[Sample],
    declared: Sequence[Mapping[str, Any]],
    induction: Induction,
) -> FieldCheck:
    """One field's :class:`FieldCheck` from the pages' generic and declared values."""
    marks = []
    for page, article in zip(samples, declared, strict=True):
        own = _selector_value(article, name)
        marks.append(verdict(name, page.generic.get(name), own))
    tried = [m for m in marks if m is not Verdict.NONE]
    return FieldCheck(
        field=name,
        declared=site.selectors.get(name, ()),
        agreed=tried.count(Verdict.AGREE),
        tried=len(tried),
        matched=sum(m in (Verdict.AGREE, Verdict.DIFFER) for m in marks),
        proposed=induction.rules.get(name),
        reason=induction.generic.get(name, ""),
    )


def _selector_value(article: Mapping[str, Any], name: str) -> Any:
    """The field's value when the declared selectors filled it, else ``None``."""
    provenance = article.get("provenance") or {}
    return article.get(name) if provenance.get(name) == "selector" else None


def format_checks(site: Site, checks: Sequence[FieldCheck], pages: int) -> str:
    """The check as a short report: one line per field, a second line with the proposal
    where the declared selector does not hold, and a summary line."""
    lines = [f"sites check {site.name}: {pages} current pages"]
    for check in checks:
        lines.extend(_field_lines(check))
    broken = [c.field for c in checks if c.status == "broken"]
    if broken:
        lines.append(
            f"broken: {', '.join(broken)}: replace those selectors in {site.source} "
            "with the proposals above (or remove them to use the generic extractor)"
        )
    else:
        lines.append("every declared selector holds")
    return "\n".join(lines)


def _field_lines(check: FieldCheck) -> list[str]:
    head = f"{check.field:<10} {check.status:<8}"
    if check.declared:
        shown = " | ".join(check.declared)
        head += f" {check.agreed} of {check.tried} pages agree ({check.matched} matched): {shown}"
    elif check.proposed is None:
        return [f"{head} no selector declared, none found: {check.reason}"]
    else:
        head += " no selector declared"
    if check.status == "holds" and check.proposed and check.proposed.selectors == check.declared:
        return [head]
    return [head, f"{'':<10} now:     {_proposal(check)}"]


def _proposal(check: FieldCheck) -> str:
    rule = check.proposed
    if rule is None:
        return f"generic ({check.reason})"
    return rule.how
