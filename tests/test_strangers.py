"""The independent testers' reports (bench/strangers): a regression gate against bench/stranger_gates.json.

No error on a clean report, no false error on a seeded one, and at least as many seeded problems found as
recorded: a drop fails. (bench/stranger_reports.py prints what changed; re-record after an improvement.)
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"
sys.path.insert(0, str(BENCH))

import stranger_reports as sr  # noqa: E402


@pytest.fixture(scope="module")
def results(cpack):
    return sr.measure(cpack)


@pytest.mark.parametrize("name", sorted(json.loads((BENCH / "stranger_gates.json").read_text(encoding="utf-8"))))
def test_stranger_reports_hold_their_recorded_figures(results, name):
    gates = json.loads((BENCH / "stranger_gates.json").read_text(encoding="utf-8"))[name]
    now = sr.figures(results[name])
    assert now["clean_with_error"] == 0, sr.report({name: results[name]})
    assert now["false_errors"] <= gates["false_errors"], sr.report({name: results[name]})
    assert now["found"] >= gates["found"], sr.report({name: results[name]})


def test_score_tables_read_hold_their_recorded_figures():
    """Every printed score of the testers' scoring tables (bench/score_readings.py): no kind read less than
    recorded in bench/score_gates.json, and no more indicator rows read that the tables do not hold."""
    import score_readings as scr

    gates = json.loads((BENCH / "score_gates.json").read_text(encoding="utf-8"))
    results = scr.measure(sorted(gates))
    for name, recorded in gates.items():
        now = scr.figures(results[name])
        drops = [k for k in scr.KINDS if now[k]["found"] < recorded[k]["found"]]
        assert drops == [] and now["extra_rows"] <= recorded["extra_rows"], scr.report({name: results[name]}, details=True)
