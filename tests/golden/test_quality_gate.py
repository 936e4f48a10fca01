"""Quality gate: generic extraction on a committed sample of real pages stays above its floors."""

from __future__ import annotations

import tomllib
from typing import Any

import pytest

from crawler.eval.evaluate import evaluate
from tests.conftest import FIXTURES, ROOT

FLOORS = tomllib.loads((ROOT / "tests" / "quality_floors.toml").read_text(encoding="utf-8"))
SAMPLE = FIXTURES / "eval_sample"


def figure(scores: dict[str, Any], name: str) -> float:
    """A floor's name -> the measured figure: body_f1, snippets_f1, title, date, authors."""
    if name == "body_f1":
        return float(scores["body"]["f1"])
    if name == "snippets_f1":
        return float(scores["body_snippets"]["f1"])
    return float(scores[name]["rate"])


@pytest.mark.parametrize("dataset", sorted(FLOORS))
def test_generic_extraction_stays_above_its_floors(dataset: str) -> None:
    report = evaluate(SAMPLE / dataset, "generic")
    assert report.pages == 6 and report.failures == 0
    below = {
        name: (round(figure(report.scores, name), 3), floor)
        for name, floor in FLOORS[dataset].items()
        if figure(report.scores, name) < floor
    }
    assert not below, f"{dataset}: below the floor (measured, floor): {below}"


def test_every_sample_dataset_has_floors() -> None:
    assert sorted(p.name for p in SAMPLE.iterdir() if p.is_dir()) == sorted(FLOORS)
