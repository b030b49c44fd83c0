"""A department's budget stated across the sub-sections of one section, the parts of a total written
"全年预算中基本支出…", and a one-project form whose 说明 line states the adjustment."""
from __future__ import annotations

from checker.derive import derive
from checker.evaluate import evaluate_document
from checker.extract import extract
from checker.ingest.text import pipe_tables
from checker.model import Document, Line


def facts_of(text: str):
    lines = [Line(1, line) for line in text.splitlines()]
    return derive(extract(Document("t.txt", "txt", lines, pipe_tables(lines))))


def errors(cpack, facts, kind):
    return [(f.rule, f.subject) for f in evaluate_document(cpack, facts, kind).findings
            if f.outcome == "fired" and f.severity == "error"]


DEPARTMENT = """某市司法局2023年度部门整体支出绩效自评报告
二、部门整体支出管理及使用情况
（一）预算安排情况：年初预算1,720.60万元，其中基本支出1,300.60万元、项目支出420.00万元；年中追加
130.00万元，全年预算数1,850.60万元。
（二）预算执行情况：全年决算支出1,776.58万元，预算执行率96.00%。全年预算中基本支出1,310.60万元，项目支出540.00万元。
四、自评结论
2023年我局全年预算数{full_year}万元，决算数1,776.58万元。
"""


def test_sub_sections_of_a_department_section_state_one_budget():
    """（一）/（二） name no scope: they stand in 二、部门整体支出…, whose scope they take, and together state
    the department's budget; "全年预算中基本支出" is a part of it, not a second full-year budget."""
    facts = facts_of(DEPARTMENT.format(full_year="1,850.60"))
    budget = next(f for f in facts if f.kind == "budget" and f.fields["scope"] == "部门整体")
    assert {k: str(budget.fields[k]) for k in ("initial", "adjustment", "full_year", "final", "rate_stated")} == {
        "initial": "1,720.60", "adjustment": "130.00", "full_year": "1,850.60", "final": "1,776.58",
        "rate_stated": "96.00"}
    assert budget.anchor == "header"
    assert not [f for f in facts if f.kind == "figure_repeat" and f.fields["first"] != f.fields["second"]]


def test_the_same_budget_stated_differently_in_two_sections(cpack):
    facts = facts_of(DEPARTMENT.format(full_year="1,865.60"))
    assert ("budget.figures-consistent", "部门整体全年预算数") in errors(cpack, facts, "部门整体")
    assert errors(cpack, facts_of(DEPARTMENT.format(full_year="1,850.60")), "部门整体") == []


FORM = """2023年度项目支出绩效自评表
项目名称 | 动物疫病强制免疫补助 | 主管部门 | 某市农业农村局 |
项目资金（万元） | 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分 |
年度资金总额 | 200.00 | {full_year} | 218.50 | 10 | {rate} | 9.50 |
说明：本项目年初预算200.00万元，年中因秋防疫苗采购需要追加40.00万元，全年预算数{full_year}万元。
"""


def test_a_form_note_adds_the_adjustment_to_the_form_row(cpack):
    facts = facts_of(FORM.format(full_year="230.00", rate="95.00%"))
    project = next(f for f in facts if f.kind == "project")
    assert str(project.fields["adjustment"]) == "40.00" and str(project.fields["adjusted"]) == "230.00"
    assert ("budget.adjustment-arithmetic", "项目：动物疫病强制免疫补助") in errors(cpack, facts, "项目")
    clean = facts_of(FORM.format(full_year="240.00", rate="91.04%"))
    assert "budget.adjustment-arithmetic" not in {r for r, _ in errors(cpack, clean, "项目")}


def test_a_note_that_disagrees_with_the_row_adds_nothing():
    """The prose states another initial budget: which is right is not the adjustment's to say."""
    text = FORM.format(full_year="230.00", rate="95.00%").replace("本项目年初预算200.00", "本项目年初预算210.00")
    project = next(f for f in facts_of(text) if f.kind == "project")
    assert "adjustment" not in project.fields
