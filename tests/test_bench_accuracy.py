"""Smoke test of bench/extraction_accuracy.py: runs, renders its table, gives ratios.

No recall figure is asserted: extraction is improved concurrently; the bench measures it.
"""
from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "real"
EXCERPTS = ["001", "027"]  # prose money/counts; a pipe table with rates


def _bench():
    path = REPO / "bench" / "extraction_accuracy.py"
    spec = importlib.util.spec_from_file_location("extraction_accuracy", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def measured(tmp_path_factory):
    if not CORPUS.is_dir() or not all((CORPUS / f"{n}.txt").exists() for n in EXCERPTS):
        pytest.skip("development corpus ../shared/corpus/real not present")
    bench = _bench()
    outcomes = bench.run(CORPUS, ["txt", "paragraph"], EXCERPTS, tmp_path_factory.mktemp("bench"))
    return bench, outcomes


def test_every_excerpt_and_layout_is_measured(measured):
    _, outcomes = measured
    assert {(o.excerpt, o.layout) for o in outcomes} == {(n, l) for n in EXCERPTS for l in ("txt", "paragraph")}
    assert all(o.truth for o in outcomes), "truth files yield numeric figures"
    assert all(o.error is None for o in outcomes), [o.error for o in outcomes if o.error]
    assert all(o.pages >= 1 for o in outcomes if o.layout == "paragraph")


def test_table_has_the_expected_columns(measured):
    bench, outcomes = measured
    report = bench.render(outcomes, CORPUS)
    header = "| field type | truth figures | found | recall | extracted structured figures | correct | precision |"
    assert report.count(header) == 2  # one table per layout
    for layout in ("txt", "paragraph"):
        assert f"## Layout `{layout}`" in report
    assert re.search(r"\| \*\*overall\*\* \| \d+ \| \d+ \| \d+\.\d%", report)


def test_recall_and_precision_are_ratios(measured):
    bench, outcomes = measured
    for layout, rows in bench.tally(outcomes).items():
        recall, precision = bench.recall_precision(rows)
        assert isinstance(recall, float) and 0.0 <= recall <= 1.0, (layout, recall)
        assert precision is None or 0.0 <= precision <= 1.0, (layout, precision)
