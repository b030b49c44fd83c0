"""The workbench's impact view: re-evaluating only the rules an edit changes gives exactly the findings
of a full run of the edited pack (evaluate.py has a document-level step, `reading: as-meant` and the
not-a-report collapse, that a partial run must respect), and it re-evaluates only what it must
(a count, not a time: the benchmark is bench/workbench_impact.py)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import EXAMPLE_TXT, ROOT
from checker.evaluate import compile_pack, evaluate_document
from checker.pipeline import document_summary, read_facts
from checker.workbench import worker
from checker.workbench.edits import Edit, find_block, block_text, load_edited, set_profile_params, splice

SAMPLE = tuple(sorted([str(EXAMPLE_TXT), *map(str, (ROOT / "tests" / "variants").glob("*.txt"))]))


@pytest.fixture
def folders(tmp_path, monkeypatch):
    rules, profiles = tmp_path / "rules", tmp_path / "profiles"
    shutil.copytree(ROOT / "rules", rules)
    shutil.copytree(ROOT / "profiles", profiles)
    monkeypatch.setenv("PERFCHECK_PROFILES", str(profiles))
    worker._STATE.clear()
    return rules, profiles


def _full(pack, profile) -> dict:
    cpack = compile_pack(pack, profile)
    out = {}
    for source in SAMPLE:
        facts = read_facts(source)
        evaluation = evaluate_document(cpack, facts, document_summary(facts).get("report_kind"))
        out[source] = (evaluation.findings, evaluation.summaries)
    return out


def _edited(rules: Path, profile: Path, edit: Edit):
    saved = load_edited(rules, profile, Edit())
    edited = load_edited(rules, profile, edit)
    assert saved.ok and edited.ok, (saved.problems, edited.problems, edited.profile_error)
    return (saved.pack, saved.profile), (edited.pack, edited.profile)


def _rule_edit(rules: Path, name: str, rule_id: str, change) -> Edit:
    text = (rules / name).read_text(encoding="utf-8")
    block = find_block(text, rule_id)
    return Edit(rule_files={name: splice(text, block, change(block_text(text, block)))})


EDITS = {
    "threshold 90%": lambda r, p: Edit(profile_text=set_profile_params(
        (p / "national.yaml").read_text(encoding="utf-8"), {"explanation_threshold": "90%"})),
    "message": lambda r, p: _rule_edit(r, "execution.yaml", "execution.explanation-required",
                                       lambda t: t.replace("但该项目下没有说明原因", "但未说明原因")),
    "severity": lambda r, p: _rule_edit(r, "indicators.yaml", "indicators.output-dimensions",
                                        lambda t: t.replace("severity: warning", "severity: error", 1)),
    "disabled": lambda r, p: _rule_edit(r, "budget.yaml", "budget.adjustment-arithmetic",
                                        lambda t: t.replace("    severity: error\n", "    severity: error\n    enabled: false\n", 1)),
    "as-meant rule": lambda r, p: Edit(profile_text=set_profile_params(
        (p / "national.yaml").read_text(encoding="utf-8"), {"unit_far_orders": "3.5"})),
    "misreading (global)": lambda r, p: Edit(profile_text=set_profile_params(
        (p / "national.yaml").read_text(encoding="utf-8"), {"misreading_min_findings": "2个"})),
}


@pytest.mark.parametrize("name", list(EDITS))
def test_partial_re_evaluation_is_exactly_a_full_run(folders, name):
    rules, profiles = folders
    saved, edited = _edited(rules, profiles / "national.yaml", EDITS[name](rules, profiles))
    partial = worker.edited_findings(SAMPLE, None, saved, edited)
    assert partial == _full(*edited)


def test_a_threshold_edit_re_evaluates_only_the_rules_that_read_it(folders):
    rules, profiles = folders
    saved, edited = _edited(rules, profiles / "national.yaml", EDITS["threshold 90%"](rules, profiles))
    result = worker.impact(SAMPLE, None, saved, edited)
    readers = [r.id for r in saved[0].rules if "explanation_threshold" in worker.rule_signature(r, saved[1])]
    assert result["evaluated_rules"] == len(readers) and 0 < len(readers) < len(saved[0].rules) // 4
    assert result["evaluated_docs"] == len(SAMPLE)
    # nothing changed: nothing evaluated again
    again = worker.impact(SAMPLE, None, saved, saved)
    assert again["evaluated_rules"] == 0 and again["rows"] == {}


def test_a_global_setting_is_evaluated_in_full(folders):
    rules, profiles = folders
    saved, edited = _edited(rules, profiles / "national.yaml", EDITS["misreading (global)"](rules, profiles))
    result = worker.impact(SAMPLE, None, saved, edited)
    assert result["evaluated_rules"] == len(worker.enabled_order(*edited))


def test_lowering_the_threshold_removes_the_example_findings_between_90_and_95(folders):
    rules, profiles = folders
    example = str(EXAMPLE_TXT)
    saved, edited = _edited(rules, profiles / "national.yaml", EDITS["threshold 90%"](rules, profiles))
    rows = worker.impact(SAMPLE, None, saved, edited)["rows"]
    changes = {(r["rule"], r["change"]) for rows_ in rows.values() for r in rows_}
    assert changes, "a 95 → 90 % threshold changes something on the sample"
    assert all(change in ("removed", "changed") for _, change in changes)
    assert all(rule.startswith("execution.") for rule, _ in changes)
    assert example in rows or rows
