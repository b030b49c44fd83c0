"""Scoring tables (部门整体支出绩效评价指标体系及得分): levels with their own 分值 / 得分 columns, the parts
(决策 / 过程 / 产出 / 效益) as groups, and the flavours they are published in — pipe rows, columns aligned
with spaces (OCR spacing inside cells), tabs with merged cells left empty, one cell per line with empty
lines kept. The readers are tried on every flavour; the figures must come out the same."""
from __future__ import annotations

from decimal import Decimal

import pytest

from checker.derive import derive
from checker.evaluate import evaluate_document
from checker.extract import extract
from checker.ingest.text import pipe_tables
from checker.model import Document, Line

TITLE = "某县农业农村局2023年度部门整体支出绩效自评表"
ROWS = [  # 一级, 分值, 二级, 三级, 分值, 得分
    ("决策", "20", "目标设定", "绩效目标合理性", "10", "10"),
    ("", "", "", "绩效指标明确性", "10", "9.5"),
    ("过程", "30", "资金管理", "预算执行率", "15", "14"),
    ("", "", "组织实施", "管理制度健全性", "15", "15"),
    ("产出", "30", "产出数量", "重点任务完成率", "30", "28"),
    ("效益", "20", "满意度", "服务对象满意度", "20", "19"),
]
HEADER = ("一级指标", "分值", "二级指标", "三级指标", "分值", "得分")
CLOSING = "经自评，本部门整体支出绩效自评得分95.5分，等级为优。"


def document(text: str) -> Document:
    lines = [Line(1, line) for line in text.splitlines()]
    return Document("t.txt", "txt", lines, pipe_tables(lines))


def pipe_text(rows=ROWS) -> str:
    body = "\n".join("| " + " | ".join(r) + " |" for r in (HEADER, *rows))
    return f"{TITLE}\n{body}\n{CLOSING}\n"


def _width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def aligned_text(rows=ROWS, ocr: bool = False) -> str:
    """Columns aligned with spaces for a fixed-width eye (a Chinese character two columns); with `ocr`,
    stray single spaces inside names and figures."""
    widths = [14, 6, 12, 20, 6, 6]

    def line(cells):
        out = ""
        for cell, w in zip(cells, widths):
            out += cell + " " * max(w - _width(cell), 2)
        return out.rstrip()

    body = [line(HEADER)]
    for r in rows:
        cells = list(r)
        if ocr:
            cells[3] = cells[3][:2] + " " + cells[3][2:]
            cells[4] = " ".join(cells[4]) if len(cells[4]) == 2 else cells[4]
        body.append(line(cells))
    return f"{TITLE}\n" + "\n".join(body) + f"\n\n{CLOSING}\n"


def tab_text(rows=ROWS) -> str:
    return f"{TITLE}\n" + "\n".join("\t".join(r) for r in (HEADER, *rows)) + f"\n{CLOSING}\n"


def grid_text(rows=ROWS) -> str:
    """One cell per line, empty cells kept as empty lines (a web page's table copied as text)."""
    cells = [*HEADER] + [c for r in rows for c in r]
    return f"{TITLE}\n\n" + "\n".join(cells) + f"\n\n{CLOSING}\n"


FLAVOURS = {"pipe": pipe_text, "aligned": aligned_text, "aligned-ocr": lambda: aligned_text(ocr=True),
            "tabs": tab_text, "grid": grid_text}


def facts_of(text: str):
    return derive(extract(document(text)))


@pytest.mark.parametrize("flavour", sorted(FLAVOURS))
def test_every_flavour_gives_the_parts_and_the_rows(flavour):
    facts = facts_of(FLAVOURS[flavour]())
    groups = {f.fields["name"]: (f.fields["full_marks"].value, f.fields.get("rows_score").value)
              for f in facts if f.kind == "indicator_group"}
    assert groups == {"决策": (20, Decimal("19.5")), "过程": (30, 29), "产出": (30, 28), "效益": (20, 19)}
    rows = {f.fields["name"]: (f.fields["weight"].value, f.fields["score"].value) for f in facts if f.kind == "indicator"}
    assert rows["绩效指标明确性"] == (10, Decimal("9.5")) and len(rows) == 6
    se = next(f for f in facts if f.kind == "self_evaluation")
    assert (se.fields["parts_full_marks"].value, se.fields["parts_score"].value) == (100, Decimal("95.5"))


def test_execution_rate_inside_a_part_is_an_indicator_of_it():
    """过程's 预算执行率 row is one of its indicators (scored by its 评分标准), not the form's execution block."""
    facts = facts_of(pipe_text())
    assert not [f for f in facts if f.kind == "execution_score"]
    assert next(f for f in facts if f.kind == "indicator" and f.fields["name"] == "预算执行率").fields["level1"] == "过程"


def test_a_column_that_names_its_level_belongs_to_it():
    """"一级得分" after the rows' 得分 is the part's score, whatever column it stands in."""
    header = "| 一级指标 | 一级分值 | 三级指标 | 三级分值 | 得分 | 一级得分 |"
    rows = ["| 决策 | 20 | 绩效目标合理性 | 10 | 9 | 18 |", "| | | 绩效指标明确性 | 10 | 9 | |",
            "| 产出 | 80 | 重点任务完成率 | 80 | 76 | 76 |"]
    facts = facts_of(f"{TITLE}\n{header}\n" + "\n".join(rows) + "\n")
    groups = {f.fields["name"]: (f.fields["full_marks"].value, f.fields["score"].value)
              for f in facts if f.kind == "indicator_group"}
    assert groups == {"决策": (20, 18), "产出": (80, 76)}
    assert {f.fields["name"]: f.fields["score"].value for f in facts if f.kind == "indicator"} == {
        "绩效目标合理性": 9, "绩效指标明确性": 9, "重点任务完成率": 76}


def test_a_table_of_the_parts_alone():
    """"一级指标 | 分值 | 得分" rows are the parts; a part named for execution but not its rate is a part."""
    text = (f"{TITLE}\n| 一级指标 | 分值 | 得分 |\n| 预算编制 | 10 | 9 |\n| 预算执行 | 30 | 28.5 |\n| 产出 | 40 | 38 |\n"
            "| 效益 | 20 | 18 |\n| 合计 | 100 | 93.5 |\n")
    facts = facts_of(text)
    assert not [f for f in facts if f.kind in ("indicator", "execution_score")]
    se = next(f for f in facts if f.kind == "self_evaluation")
    assert (se.fields["parts_full_marks"].value, se.fields["parts_score"].value, se.fields["score_total"].value) == (
        100, Decimal("93.5"), Decimal("93.5"))


def test_a_header_wrapped_over_two_rows():
    text = (f"{TITLE}\n| 一级 | 二级 | 三级 | 分 | 得 |\n| 指标 | 指标 | 指标 | 值 | 分 |\n"
            "| 决策 | 目标设定 | 绩效目标合理性 | 20 | 19 |\n| 产出 | 产出数量 | 重点任务完成率 | 80 | 78 |\n")
    facts = facts_of(text)
    assert {f.fields["name"]: f.fields["score"].value for f in facts if f.kind == "indicator"} == {
        "绩效目标合理性": 19, "重点任务完成率": 78}


def test_a_part_whose_rows_do_not_add_up_is_an_error(cpack):
    header = "| 一级指标 | 分值 | 得分 | 三级指标 | 分值 | 得分 |"
    body = ["| 决策 | 20 | 18 | 绩效目标合理性 | 10 | 10 |", "| | | | 绩效指标明确性 | 10 | 9.5 |",
            "| 产出 | 80 | 76 | 重点任务完成率 | 80 | 76 |"]
    text = f"{TITLE}\n{header}\n" + "\n".join(body) + "\n"
    findings = evaluate_document(cpack, facts_of(text), "部门整体").findings
    fired = [(f.rule, f.subject) for f in findings if f.outcome == "fired" and f.severity == "error"]
    assert fired == [("indicators.group-sum", "决策指标")]
    assert "各项指标得分合计却是19.5分" in next(f.message for f in findings if f.rule == "indicators.group-sum"
                                                and f.outcome == "fired")


def test_clean_scoring_table_gives_no_finding(cpack):
    findings = evaluate_document(cpack, facts_of(pipe_text()), "部门整体").findings
    assert [f.rule for f in findings if f.outcome == "fired" and f.severity in ("error", "warning")] == []


def test_a_fund_block_written_as_a_list_of_fields(tmp_path):
    """A form saved as Markdown: "# 标题", then "- 年初预算数（万元）：1800.00" … "- 得分：9.60" — the fields of
    the fund block, one per line, are the block's one row; the title names the project, not the unit."""
    from checker.ingest import load

    path = tmp_path / "form.txt"
    path.write_text("# 某县基本公共卫生服务项目2023年度绩效自评\n\n- 项目名称：基本公共卫生服务项目\n"
                    "- 主管部门：某县卫生健康委员会\n- 年初预算数（万元）：1800.00\n- 全年预算数（万元）：1900.00\n"
                    "- 全年执行数（万元）：1824.00\n- 分值：10\n- 执行率：96.00%\n- 得分：9.60\n", encoding="utf-8")
    facts = derive(extract(load(path)))
    doc = next(f for f in facts if f.kind == "document")
    assert (doc.fields["report_kind"], doc.fields["department"]) == ("项目", "某县卫生健康委员会")
    project = next(f for f in facts if f.kind == "project")
    assert project.fields["name"] == "基本公共卫生服务项目"
    assert (project.fields["adjusted"].value, project.fields["spent"].value) == (1900, 1824)
    execution = next(f for f in facts if f.kind == "execution_score")
    assert (execution.fields["weight"].value, execution.fields["score"].value) == (10, Decimal("9.60"))
