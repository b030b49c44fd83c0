"""Indicator tables read for the genre: columns by header meaning, the text flavours (pipe rows with an
empty first cell or a wrapped cell, space-separated rows with an empty unit cell, one cell per line with
page furniture between the cells), tables continued over a page, words of partial completion, and the
per-group count compared with the table's rows only when the table was read whole."""
from __future__ import annotations

from checker.derive import derive
from checker.extract import extract
from checker.ingest.text import pipe_tables
from checker.model import Document, Line, Table
from checker.extract.tables import (blocks_of, cell_indicator_tables, classify_header, indicator_facts, join_continued,
                                    space_row_tables)


def _indicators(table: Table) -> list[dict]:
    return [f.fields for b in blocks_of(table) if b.kind == "indicator" for f in indicator_facts(b, "")
            if f.kind == "indicator"]


def _lines(texts: list[str], page: int = 1) -> list[Line]:
    return [Line(page, t) for t in texts]


def test_header_words_after_a_qualifier_name_their_column():
    block = classify_header(["一级指标", "二级指标", "三级指标", "年度目标值", "全年完成值", "分值", "自评得分", "说明"])
    assert block.kind == "indicator"
    assert block.columns["target"] == 3 and block.columns["score"] == 6 and block.columns["reason"] == 7


def test_fund_header_keeps_its_longest_word():
    block = classify_header(["项目", "年初预算数", "调整后预算数", "全年执行数", "执行率"])
    assert block.columns["initial"] == 1 and block.columns["adjusted"] == 2


def test_pipe_row_starting_with_a_bar_has_an_empty_first_cell():
    rows = ["一级指标 | 二级指标 | 三级指标 | 指标值 | 分值 | 完成值 | 得分 | 未完成原因分析 |",
            "产出指标 | 数量指标 | 开展工作督导 | ≥4次 | 8 | 5次 | 8 | |",
            "| 质量指标 | 补贴资金发放准确率 | ≥100% | 8 | 93% | 7.44 | 部",
            "分对象不符合补助条件 |"]
    table = pipe_tables(_lines(rows))[0]
    assert table.rows[2][:2] == ["", "质量指标"]
    found = _indicators(table)
    assert [f["name"] for f in found] == ["开展工作督导", "补贴资金发放准确率"]
    assert found[1]["level1"] == "产出" and found[1]["reason"] == "部分对象不符合补助条件"


def test_markdown_rows_lose_their_edge_bars():
    table = pipe_tables(_lines(["| 一级指标 | 三级指标 | 指标值 | 完成值 | 分值 | 得分 |",
                                "| 产出指标 | 开展工作督导 | 4次 | 5次 | 8 | 8 |"]))[0]
    assert table.rows[1][0] == "产出指标"


def test_space_rows_with_an_empty_unit_cell_and_level_cells_left_out():
    lines = _lines(["一级指标 二级指标 绩效指标 度量单位 指标性质 指标值 分值 完成值 指标得分（分） 偏差原因分析及改进措施",
                    "产出指标 数量指标 完成项目个数 个 ≥ 8 6 7 5.25 资金下达较晚",
                    "时效指标 费用结算及时性 定性 及时 7 及时 7",
                    "满意度指标 服务对象满意度指标 服务对象满意度 % ≥ 90 20 90 20"])
    found = _indicators(space_row_tables(lines)[0])
    assert [(f["name"], f["level1"], str(f["weight"].value)) for f in found] == [
        ("完成项目个数", "产出", "6"), ("费用结算及时性", "产出", "7"), ("服务对象满意度", "满意度", "20")]
    assert found[0]["reason"] == "资金下达较晚" and found[1]["target_text"] == "及时"


def test_cells_one_per_line_with_a_page_number_between_and_a_score_at_the_next_page_top():
    page1 = ["一级指标", "二级指标", "三级指标", "指标值", "完成值", "分值", "得分", "产出指标", "数量指标",
             "开展业务培训", "≥12期", "13期", "— 1 —"]
    page2 = ["6", "6", "发放补贴人数", "5662人", "5662人", "7", "7", "满意度指标", "服务对象满意度指标", "服务对象满意度",
             "≥90%", "90%", "10", "10", "2"]
    page3 = ["二、存在的问题", "3"]
    found = _indicators(cell_indicator_tables(_lines(page1, 1) + _lines(page2, 2) + _lines(page3, 3))[0])
    assert [(f["name"], str(f["weight"].value), str(f["score"].value)) for f in found] == [
        ("开展业务培训", "6", "6"), ("发放补贴人数", "7", "7"), ("服务对象满意度", "10", "10")]


def test_a_table_continued_with_its_header_repeated_is_one_block():
    header = ["一级指标", "二级指标", "三级指标", "指标值", "分值", "完成值", "得分"]
    first = Table(1, [header, ["产出指标", "数量指标", "开展工作督导", "4次", "8", "5次", "8"]])
    second = Table(2, [header, ["", "成本指标", "项目成本控制数", "≤20万元", "8", "20万元", "8"]])
    third = Table(3, [["", "", "结余率", "≤5%", "8", "5%", "8"]])
    joined = join_continued([first, second, third])
    assert len(joined) == 1
    assert [f["level1"] for f in _indicators(joined[0])] == ["产出", "产出", "产出"]


def _facts(text: str):
    return derive(extract(Document("r.txt", "txt", [Line(1, t) for t in text.split("\n")], pipe_tables(
        [Line(1, t) for t in text.split("\n")]))))


REPORT = """某局2023年度部门整体支出绩效自评报告
一、绩效指标完成情况
共设置绩效指标3个，其中产出指标2个（数量指标1个、时效指标1个），满意度指标1个（服务对象满意度指标1个）。
一级指标 | 二级指标 | 三级指标 | 指标值 | 分值 | 完成值 | 得分 |
产出指标 | 数量指标 | 开展工作督导 | ≥4次 | 20 | 5次 | 20 |
| 时效指标 | 费用结算及时性 | 及时 | 20 | 基本完成 | 16 |
{subtotal}
满意度指标 | 服务对象满意度指标 | 服务对象满意度 | ≥90% | 10 | 90% | 10 |
"""


def _group(facts, name):
    return next(f for f in facts if f.kind == "indicator_group" and f.fields.get("name") == name)


def test_partly_done_falls_short_of_a_target_in_words():
    facts = _facts(REPORT.format(subtotal=""))
    row = next(f for f in facts if f.kind == "indicator" and f.fields["name"] == "费用结算及时性")
    assert row.fields["met_in_words"] is False


def test_group_counts_are_compared_with_the_rows_only_when_the_table_was_read_whole():
    unknown = _group(_facts(REPORT.format(subtotal="")), "产出")
    assert unknown.fields["count_sum"].value == 2 and "rows" not in unknown.fields  # marks not stated
    whole = _group(_facts(REPORT.format(subtotal="产出指标合计 | | | | 40 | | 36 |")), "产出")
    assert whole.fields["full_marks"].value == 40 and whole.fields["rows"].value == 2
    short = _group(_facts(REPORT.format(subtotal="产出指标合计 | | | | 60 | | 56 |")), "产出")
    assert "rows" not in short.fields  # a row of the group was not read: its count is not compared


def test_pipe_rows_go_on_over_a_page_break_with_its_furniture_and_wrapped_header():
    lines = [Line(1, "一级指标 | 二级指标 | 三级指标 | 指标值 | 分值 | 完成值 | 得分"), Line(1, "| 偏差原因分析及改进措施 |"),
             Line(1, "产出指标 | 数量指标 | 开展工作督导 | ≥4次 | 8 | 5次 | 8 | |"),
             Line(1, "第 1 页"), Line(2, "某局2023年度部门整体支出绩效自评报告"),
             Line(2, "满意度指标 | 服务对象满意度指标 | 服务对象满意度 | ≥90% | 5 | 90% |"), Line(2, "5 | |")]
    (table,) = pipe_tables(lines)
    assert table.rows[0][-1] == "偏差原因分析及改进措施"
    found = _indicators(table)
    assert [(f["name"], str(f["score"].value)) for f in found] == [("开展工作督导", "8"), ("服务对象满意度", "5")]
