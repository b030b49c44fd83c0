"""Indicators written in prose where the report has no indicator table."""
from __future__ import annotations

from decimal import Decimal

from checker.derive import derive
from checker.evaluate import evaluate_document
from checker.extract import extract
from checker.model import Document, Line

TEXT = """某区2023年生活垃圾分类处理项目绩效自评报告
三、绩效指标完成情况
（一）产出指标（分值30分，得分30分）
1.数量指标：新建分类投放点，目标值≥120个，实际建成126个，分值15分，得15分。
2.质量指标：生活垃圾回收利用率目标≥35%，实际完成33.2%，未完成年度目标，分值15分，得{score}分。偏差原因：再生资源价格下行。
（二）效益指标。生态效益指标：原生垃圾零填埋，目标实现，实际已实现，分值20分，得20分。
"""


def facts_of(text: str):
    return derive(extract(Document("t.txt", "txt", [Line(1, l) for l in text.splitlines()])))


def test_each_clause_is_a_row_of_its_group():
    facts = facts_of(TEXT.format(score="13"))
    rows = {f.fields["name"]: f.fields for f in facts if f.kind == "indicator"}
    assert set(rows) == {"新建分类投放点", "生活垃圾回收利用率", "原生垃圾零填埋"}
    assert (rows["新建分类投放点"]["level1"], rows["新建分类投放点"]["level2"]) == ("产出", "数量指标")
    assert rows["生活垃圾回收利用率"]["target"].value == 35 and rows["生活垃圾回收利用率"]["score"].value == 13
    assert rows["生活垃圾回收利用率"]["reason"] == "偏差原因：再生资源价格下行"
    assert (rows["原生垃圾零填埋"]["level1"], rows["原生垃圾零填埋"]["achieved_text"]) == ("效益", "已实现")
    group = next(f for f in facts if f.kind == "indicator_group" and f.fields["name"] == "产出")
    assert (group.fields["rows_full_marks"].value, group.fields["rows_score"].value) == (30, 28)


def test_an_unmet_row_given_full_marks_is_an_error(cpack):
    findings = evaluate_document(cpack, facts_of(TEXT.format(score="15")), "项目").findings
    fired = [(f.rule, f.subject) for f in findings if f.outcome == "fired" and f.severity == "error"]
    assert ("indicators.full-score-unmet", "指标：生活垃圾回收利用率") in fired
    clean = evaluate_document(cpack, facts_of(TEXT.format(score="14")), "项目").findings
    assert not [f for f in clean if f.outcome == "fired" and f.rule == "indicators.full-score-unmet"]


def test_prose_rows_do_not_double_a_table():
    """A report with an indicator table reads its rows from the table; the prose that repeats them is not
    read a second time."""
    table = ("\n| 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 |\n"
             "| 产出指标 | 数量指标 | 新建分类投放点 | ≥120个 | 126个 | 15 | 15 |\n")
    from checker.ingest.text import pipe_tables

    lines = [Line(1, l) for l in (TEXT.format(score="13") + table).splitlines()]
    facts = derive(extract(Document("t.txt", "txt", lines, pipe_tables(lines))))
    assert [f.fields["name"] for f in facts if f.kind == "indicator"] == ["新建分类投放点"]
