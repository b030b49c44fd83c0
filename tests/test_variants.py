"""Reports in other layouts, phrasings and units than the example, each with seeded problems.

project-prose.txt: a 项目 report in prose — a 73% rate with no reason, level-1 indicator counts
8 + 3 + 2 that do not make the stated 12, and 92.5 points called 良.
department-yuan-table.txt: a 部门整体 report kept in 元 with a project table — 708,000.00万元 among
元 figures, coverage 91.67%, 86 points called 优, a 78.13% project without reason, a project
spending above its budget, and 暂无 problems although there are deviations."""
from pathlib import Path

import pytest

from checker.derive import derive
from checker.evaluate import evaluate_document
from checker.extract import extract
from checker.ingest import load
from checker.pipeline import document_summary

HERE = Path(__file__).parent / "variants"

EXPECTED = {
    # a 部门整体 report whose budget is a table: 基本 515 + 项目 325 = 840, but 整体 决算 850
    "department-fund-table.txt": {("budget.total-composition", "部门整体决算数")},
    # a 项目支出绩效自评表 as a text table: 80% execution given the full 10 points and no reason;
    # two indicators that missed their targets but got full marks
    "project-form-table.txt": {
        ("execution.explanation-required", "项目：乡村道路养护项目"),
        ("execution.score-formula", "预算执行率得分"),
        ("indicators.full-score-unmet", "指标：养护道路里程"),
        ("indicators.full-score-unmet", "指标：每公里养护成本"),
        ("indicators.score-formula", "指标：养护道路里程"),
        ("indicators.score-formula", "指标：每公里养护成本"),
        ("indicators.unmet-without-reason", "指标：养护道路里程"),
    },
    # 120 × 300元 = 36,000元 written "3.6元" (unit slip); 50 × 2000元 = 10万元 written "12万元" (wrong)
    "per-head-totals.txt": {
        ("budget.unit-anomaly", "第1页金额"),
        ("budget.product-arithmetic", "数量×单价"),
    },
    "project-prose.txt": {
        ("execution.explanation-required", "项目：高标准农田建设项目"),
        ("indicators.count-score-match", "全部绩效指标"),
        ("score.grade-band", "绩效自评"),
    },
    "department-yuan-table.txt": {
        ("budget.unit-anomaly", "项目支出"),
        ("coverage.self-evaluation", "绩效自评"),
        ("score.grade-band", "绩效自评"),
        ("execution.explanation-required", "项目：基本公共卫生服务"),
        ("execution.over-100", "项目：疾病预防控制"),
        ("execution.spend-within-budget", "项目：疾病预防控制"),
        ("structure.problems-not-empty", "某县卫生健康局2022年度部门整体支出绩效自评报告"),
    },
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_variant_findings(cpack, name):
    facts = derive(extract(load(HERE / name)))
    result = evaluate_document(cpack, facts, document_summary(facts).get("report_kind"))
    fired = {(f.rule, f.subject) for f in result.findings if f.outcome == "fired"}
    assert fired == EXPECTED[name]
