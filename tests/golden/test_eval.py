"""``newsdesk eval``: its scores agree with the evaluation data's own scorer."""

from __future__ import annotations

import gzip
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.eval.scoring import Tally, body_scores, page_counts
from tests.conftest import FIXTURES, SHARED, assert_one_line_error, invoke

SAMPLE = FIXTURES / "eval_sample"
SCORER = SHARED / "evaldata" / "score.py"


def score_py(predictions: Path, dataset: Path) -> dict[str, object]:
    out = predictions.parent / "score.json"
    subprocess.run(
        [
            sys.executable,
            str(SCORER),
            "--pred",
            str(predictions),
            "--truth",
            str(dataset),
            "--bootstrap",
            "0",
            "--json",
            str(out),
        ],
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return json.loads(out.read_text(encoding="utf-8"))


@pytest.mark.skipif(not SCORER.exists(), reason="shared/evaldata is not beside this checkout")
@pytest.mark.parametrize("dataset", ["fundus", "trafilatura_eval"])
def test_scores_agree_with_the_reference_scorer(tmp_path: Path, dataset: str) -> None:
    predictions, ours = tmp_path / "pred", tmp_path / "ours.json"
    result = invoke(
        "eval",
        str(SAMPLE / dataset),
        "--extractor",
        "generic",
        "--json",
        str(ours),
        "--predictions",
        str(predictions),
    )
    assert result.returncode == 0, result.stderr
    assert len(list(predictions.glob("*.json"))) == 6
    mine, theirs = json.loads(ours.read_text()), score_py(predictions, SAMPLE / dataset)
    for key in ("body", "body_snippets"):
        if key in theirs:
            for metric in ("precision", "recall", "f1"):
                assert mine[key][metric] == pytest.approx(theirs[key][metric], abs=1e-9)
    assert mine["title"]["rate"] == pytest.approx(theirs["title"]["exact"], abs=1e-9)
    assert mine["date"]["rate"] == pytest.approx(theirs["date"]["match"], abs=1e-9)
    assert mine["authors"]["rate"] == pytest.approx(theirs["authors"]["exact"], abs=1e-9)


def test_body_recipe_on_hand_made_cases() -> None:
    # the scorer's documented cases: repeated text counts per occurrence (bags, not sets)
    assert page_counts("a b c d a b c d", "a b c d") == (1, 0, 4)
    assert page_counts("a b c", "a, b c") == (1, 0, 0)  # short texts are one shorter shingle
    assert page_counts("", "") == (0, 0, 0)
    scores = body_scores([page_counts("one two three four five", ""), (3, 0, 0)])
    assert (scores["precision"], scores["recall"]) == (1.0, 0.5)


def test_an_empty_prediction_scores_zero_not_an_error() -> None:
    tally = Tally()
    tally.add(
        {"id": "x", "body": "w1 w2 w3 w4 w5", "title": "T", "date": "2024-01-02", "authors": ["A"]},
        {},
    )
    summary = tally.summary()
    assert summary["body"]["recall"] == 0.0 and summary["title"]["rate"] == 0.0


def test_eval_prints_every_figure_and_the_speed() -> None:
    result = invoke("eval", str(SAMPLE / "fundus"), "--extractor", "trafilatura")
    assert result.returncode == 0, result.stderr
    for label in ("body    P", "title   exact", "date    same day", "authors exact set", "pages/s"):
        assert label in result.stdout


def test_site_extractor_uses_a_declared_site_when_its_domain_matches(tmp_path: Path) -> None:
    page = FIXTURES / "sites/eirns/20220430_nato-thinks-its-at-war-with-russia.html"
    expected = json.loads(page.with_suffix(".json").read_text(encoding="utf-8"))
    dataset = tmp_path / "one"
    dataset.mkdir()
    with gzip.open(dataset / "p1.html.gz", "wb") as handle:
        handle.write(page.read_bytes())
    truth = {
        "id": "p1",
        "url": expected["url"],
        "title": expected["title"],
        "body": expected["body"],
        "date": expected["published"],
    }
    (dataset / "truth.jsonl").write_text(json.dumps(truth) + "\n", encoding="utf-8")
    result = invoke("eval", str(dataset), "--extractor", "site")
    assert result.returncode == 0, result.stderr
    assert "F1 1.000" in result.stdout and "title   exact 1.000" in result.stdout


def test_bad_dataset_folders_are_one_line_errors(tmp_path: Path) -> None:
    assert_one_line_error(invoke("eval", str(tmp_path / "nope")), "no such dataset folder")
    assert_one_line_error(invoke("eval", str(tmp_path)), "no truth.jsonl")
    (tmp_path / "truth.jsonl").write_text('{"id": "a"}\n{broken\n')
    assert_one_line_error(invoke("eval", str(tmp_path)), "truth.jsonl:2: invalid JSON")
    (tmp_path / "truth.jsonl").write_text('{"id": "a"}\n')
    assert_one_line_error(invoke("eval", str(tmp_path)), "a.html.gz: cannot read page")


@pytest.mark.parametrize("dataset", ["fundus", "trafilatura_eval"])
def test_misses_lists_each_page_the_rates_count_as_missed(dataset: str) -> None:
    result = invoke("eval", str(SAMPLE / dataset), "--extractor", "generic",
                     "--misses", "title", "--misses", "date")  # fmt: skip
    assert result.returncode == 0, result.stderr
    truth = {json.loads(line)["id"]: json.loads(line) for line in
             (SAMPLE / dataset / "truth.jsonl").read_text().splitlines()}  # fmt: skip
    for name, label in (("title", "exact"), ("date", "same day")):
        figure = re.search(rf"^{name}\s+{label} ([\d.]+)\s+\(n=(\d+)\)", result.stdout, re.M)
        assert figure is not None, result.stdout
        rate, n = figure.groups()
        listed = re.findall(rf"^{name}\s+(\S+): got (.*), want (.*)$", result.stdout, re.M)
        assert len(listed) == round((1 - float(rate)) * int(n))
        for page, _, want in listed:
            assert want == repr(truth[page][name])
    assert "authors " not in result.stdout.split("speed")[1]  # only the fields asked for


def test_tally_names_the_fields_a_page_missed() -> None:
    truth = {"title": "Storm hits coast", "date": "2024-05-03", "authors": ["Ann Lee"]}
    predicted = {"title": "Storm hits coast", "date": "2024-05-04", "authors": "Bo Chen"}
    assert Tally().add(truth, predicted) == ["date", "authors"]


def test_outputs_that_cannot_be_written_fail_before_any_page_is_read(tmp_path: Path) -> None:
    dataset = SAMPLE / "fundus"
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder\n", encoding="utf-8")
    for args, named in (
        (["--json", str(tmp_path / "missing" / "out.json")], "missing/out.json"),
        (["--json", str(tmp_path)], str(tmp_path)),
        (["--predictions", str(blocker / "pred")], "a-file/pred"),
    ):
        result = invoke("eval", str(dataset), "--extractor", "generic", *args)
        assert result.returncode == 1 and "cannot write" in result.stderr, result.stderr
        assert named in result.stderr and "pages" not in result.stdout  # no work was done
