"""Self-evaluation forms flattened to text (a cell per line, cells apart by spaces) read back into rows."""
from decimal import Decimal
from pathlib import Path

import pytest

from checker.derive import derive
from checker.extract import extract
from checker.extract.flat_forms import (count_tables, form_cells as cells_of, fund_form_tables, labelled_amounts, nature_groups,
                                        year_table_amounts)
from checker.ingest.text import pipe_tables
from checker.model import Document, Line


def doc(cells: list[str], pages: list[int] | None = None) -> Document:
    lines = [Line(p, c) for p, c in zip(pages or [1] * len(cells), cells)]
    return Document("t.txt", "txt", lines, pipe_tables(lines), page_count=max(pages or [1]))


def by_kind(facts, kind):
    return [f for f in facts if f.kind == kind]


# the 部门整体 self-evaluation table, one cell per line as web pages print it
SELF_EVALUATION = ["某县某局2023年度部门整体支出绩效自评表", "预算部门名称", "某县某局", "年度预算申请", "(万元)",
                   "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "自评得分",
                   "年度资金总额", "500.00", "620.50", "600.00", "10", "96.70%", "9.67",
                   "按收入性质分:600.00", "按支出性质分:600.00", "其中: 一般公共预算:550.00", "其中:基本支出:400.00",
                   "政府性基金拨款:", "项目支出:200.00", "其他资金:50.00", "年度总体目标", "预期目标"]


def test_fund_row_of_a_form_one_cell_per_line():
    facts = extract(doc(SELF_EVALUATION))
    [budget] = by_kind(facts, "budget")
    assert budget.anchor == "header"
    assert {k: str(v) for k, v in budget.fields.items() if k != "scope"} == {
        "initial": "500.00", "full_year": "620.50", "final": "600.00", "rate_stated": "96.70"}
    [score] = by_kind(facts, "execution_score")
    assert (score.fields["weight"].value, score.fields["score"].value) == (Decimal(10), Decimal("9.67"))


def test_a_clean_form_gives_no_error_and_a_wrong_group_one(cpack):
    from checker.evaluate import evaluate_document

    def errors(cells):
        findings = evaluate_document(cpack, derive(extract(doc(cells))), "部门整体").findings
        return {(f.rule, f.subject) for f in findings if f.outcome == "fired" and f.severity == "error"}

    assert errors(SELF_EVALUATION) == set()
    wrong = [c.replace("项目支出:200.00", "项目支出:250.00") for c in SELF_EVALUATION]
    assert errors(wrong) == {("budget.breakdown-sum", "按支出性质分")}


def test_the_fund_groups_in_pipe_rows_are_not_rows_of_the_fund_block(cpack):
    from checker.evaluate import evaluate_document

    lines = ["某县某局2023年度部门整体支出绩效自评表",
             "年度预算申请(万元) | 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 自评得分 |",
             "年度资金总额 | 500.00 | 620.50 | 600.00 | 10 | 96.70% | 9.67 |",
             "按收入性质分 | 600.00 | 按支出性质分 | 600.00 |", "其中:一般公共预算 | 550.00 | 其中:基本支出 | 400.00 |",
             "政府性基金拨款 | | 项目支出 | 200.00 |", "其他资金 | 50.00 | | |"]
    facts = derive(extract(doc(lines)))
    assert sorted(f.fields["label"] for f in by_kind(facts, "breakdown")) == ["按支出性质分", "按收入性质分"]
    findings = evaluate_document(cpack, facts, "部门整体").findings
    assert not [f for f in findings if f.outcome == "fired" and f.severity == "error"]


def test_project_form_one_cell_per_line():
    cells = ["某县2023年度项目支出绩效自评表", "项目名称", "农村道路养护项目", "主管部门", "某县交通运输局",
             "项目资金", "(万元)", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分",
             "年度资金总额", "120.00", "150.00", "142.50", "10", "95.00%", "9.5",
             "其中:当年财政拨款", "120.00", "150.00", "142.50", "—", "—", "—",
             "上年结转资金", "0", "0", "0", "其他资金", "年度总体目标", "预期目标"]
    facts = extract(doc(cells))
    [project] = by_kind(facts, "project")
    assert project.fields["name"] == "农村道路养护项目" and project.anchor == "header"
    assert [str(project.fields[k]) for k in ("initial", "adjusted", "spent", "rate_stated")] == ["120.00", "150.00", "142.50", "95.00"]
    assert [f.fields["source"] for f in by_kind(facts, "fund_source")] == ["当年财政拨款", "上年结转资金"]


def test_header_words_broken_at_a_line_end_and_rows_that_fit():
    cells = ["资金(万元)", "年初预算", "数", "全年预算数", "全年执行", "数", "分值", "执行", "率", "得分",
             "年度资金总额", "100", "120", "110", "10", "91.67%", "9.17",
             "其中:财政拨款", "100", "120", "110", "—", "—", "其他资金", "20", "10", "上年结转", "5", "—", "—"]
    [table] = fund_form_tables(cells_of([Line(1, c) for c in cells]))
    assert table.rows[0][1:] == ["年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"]
    # two figures for three money columns: which two is not known, the row is dropped
    assert [r[0] for r in table.rows[1:]] == ["年度资金总额", "其中:财政拨款", "上年结转"]


# the national 项目支出绩效自评表 as a web page prints it
PROJECT_FORM = ["某县2023年度项目支出绩效自评表", "项目名称", "农村道路养护项目", "项目资金", "(万元)",
                "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分",
                "年度资金总额", "120.00", "150.00", "142.50", "10", "95.00%", "9.5", "年度总体目标", "完成道路养护",
                "绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施",
                "产出指标", "数量指标", "养护道路里程", "≥100公里", "105公里", "40", "40",
                "效益指标", "社会效益指标", "群众出行条件改善", "显著改善", "显著改善", "30", "30",
                "满意度指标", "服务对象满意度指标", "群众满意度", "≥90%", "85%", "20", "18", "部分路段施工影响出行",
                "总分", "100", "97.5", "自评等级", "优"]


def test_a_whole_project_form_one_cell_per_line_or_on_one_line():
    """Fund block, then the indicator block under its title cell 绩效指标, the 总分 row and the grade."""
    for facts in (extract(doc(PROJECT_FORM)), extract(doc([" ".join(PROJECT_FORM)]))):  # one cell per line; one line
        indicators = by_kind(facts, "indicator")
        assert [(f.fields["level1"], f.fields["name"], str(f.fields["score"])) for f in indicators] == [
            ("产出", "养护道路里程", "40"), ("效益", "群众出行条件改善", "30"), ("满意度", "群众满意度", "18")]
        [evaluation] = by_kind(facts, "self_evaluation")
        assert str(evaluation.fields["score_total"]) == "97.5" and evaluation.fields["grade_stated"] == "优"
        [project] = by_kind(facts, "project")
        assert str(project.fields["spent"]) == "142.50"
    assert by_kind(extract(doc(PROJECT_FORM)), "indicator")[2].fields["reason"] == "部分路段施工影响出行"
    # its 分值 and 得分 are no amounts of a list copied one cell per line
    assert not [f for f in extract(doc(PROJECT_FORM)) if f.extractor.endswith("table.cell-per-line")]


def test_the_two_fund_groups_come_interleaved():
    groups = {g.name: g for g in nature_groups(cells_of([Line(1, c) for c in SELF_EVALUATION]))}
    assert groups["按收入性质分"].parts == [("一般公共预算", "550.00"), ("其他资金", "50.00")]
    assert groups["按支出性质分"].parts == [("基本支出", "400.00"), ("项目支出", "200.00")]
    breakdowns = {f.fields["label"]: f for f in by_kind(extract(doc(SELF_EVALUATION)), "breakdown")}
    assert breakdowns["按收入性质分"].fields["parts_sum"].value == Decimal("600.00")
    assert breakdowns["按支出性质分"].anchor == "label"


def test_group_labels_and_figures_in_cells_of_their_own():
    cells = ["单位:万元", "按收入性质分:", "600.00", "按支出性质分:", "600.00", "其中:一般公共预算", "550.00", "其中:基本支出",
             "400.00", "政府性基金拨款", "项目支出", "200.00", "其他资金", "50.00", "年度总体目标"]
    groups = {g.name: g.parts for g in nature_groups(cells_of([Line(1, c) for c in cells]))}
    assert groups == {"按收入性质分": [("一般公共预算", "550.00"), ("其他资金", "50.00")],
                      "按支出性质分": [("基本支出", "400.00"), ("项目支出", "200.00")]}
    # two figures after one label: the cells do not pair up
    assert nature_groups(cells_of([Line(1, c) for c in cells[:7] + ["1.00"] + cells[7:]])) == []


def test_a_group_cell_of_no_known_group_leaves_the_groups_unread():
    cells = SELF_EVALUATION[:22] + ["某种不明收入:30.00"] + SELF_EVALUATION[22:]
    assert nature_groups(cells_of([Line(1, c) for c in cells])) == []


def test_a_group_without_a_stated_unit_is_not_read():
    cells = [c for c in SELF_EVALUATION if c != "(万元)"]
    assert nature_groups(cells_of([Line(1, c) for c in cells])) == []


# the 经费控制情况 of the 基础数据表: its columns are years
CONTROL = ["经费控制情况(万元)", "2022年决算数", "2023年预算数", "2023年决算数",
           "三公经费:", "3.20", "2.00", "1.80", "1、公务用车购置和维护经费", "其中:公车购置", "公务接待 1.20", "1.00",
           "项目支出:", "300.00", "250.00", "280.00", "水费、电费、差旅费", "8.80", "13.00.", "12.64", "办公费", "1.2", "3.",
           "会议费", "1", "2", "3", "4", "楼堂馆所控制情况"]


def test_year_columns_give_amounts_and_claim_no_column():
    amounts = year_table_amounts(cells_of([Line(1, c) for c in CONTROL]))
    assert [a.cell for a in amounts] == ["3.20", "2.00", "1.80", "1.20", "1.00", "300.00", "250.00", "280.00",
                                         "8.80", "13.00", "12.64"]
    assert all(a.unit == "万元" for a in amounts) and "三公经费" in amounts[0].quote
    facts = derive(extract(doc(CONTROL)))
    assert not by_kind(facts, "budget") and not by_kind(facts, "fund_source")  # which year a cell is: not claimed
    assert len([f for f in facts if f.extractor.endswith("table.flat-form")]) == 11


def test_columns_of_last_year_and_this_year_are_a_year_table():
    cells = ["单位:万元", "上年决算数", "本年预算数", "本年决算数", "合计", "100.00", "120.00", "110.00"]
    assert fund_form_tables(cells_of([Line(1, c) for c in cells])) == []
    assert [a.cell for a in year_table_amounts(cells_of([Line(1, c) for c in cells]))] == ["100.00", "120.00", "110.00"]
    # one year's columns are fund columns
    cells = ["资金(万元)", "2023年预算数", "2023年执行数", "执行率", "合计", "100.00", "90.00", "90%"]
    [table] = fund_form_tables(cells_of([Line(1, c) for c in cells]))
    assert table.rows[0][1:] == ["预算数", "执行数", "执行率"]


def test_a_year_table_in_pipe_rows():
    lines = ["经费控制情况(万元) | 2022年决算数 | 2023年预算数 | 2023年决算数 |", "三公经费 | 3.20 | 2.00 | 1.80 |",
             "公务接待 | | 1.00 | 0.90 |"]
    assert [a.cell for a in year_table_amounts(cells_of([Line(1, t) for t in lines]))] == ["3.20", "2.00", "1.80", "1.00", "0.90"]


def test_fields_that_state_their_unit_beside_their_label():
    lines = ["项目负责人 | 张三 | 联系电话 | 12345678 |", "计划安排资金(万元) | 1088.00 | 实际到位资金(万元) | 1020.02 |",
             "支出内容 | 计划支出数(万元) | 实际支出数(万元) |", "合计 | 1088.00 | 1020.02 |", "实际支出(元) | 10,200.50 |"]
    amounts = labelled_amounts(cells_of([Line(1, t) for t in lines]))
    assert [(a.cell, a.unit) for a in amounts] == [("1088.00", "万元"), ("1020.02", "万元"), ("10,200.50", "元")]
    assert amounts[0].quote == "计划安排资金(万元)：1088.00"


def test_a_small_table_of_counts():
    cells = ["财政供养人员情况(人)", "编制数", "实际在职人数", "控制率", "46", "50", "108.70%", "经费控制情况(万元)"]
    assert [(c.label, c.cell, c.unit) for c in count_tables(cells_of([Line(1, t) for t in cells]))] == [
        ("编制数", "46", "人"), ("实际在职人数", "50", "人")]
    facts = [f for f in extract(doc(cells)) if f.kind == "figure" and f.extractor.endswith("table.flat-form")]
    assert [str(f.fields["value"].written) for f in facts] == ["46人", "50人"]
    # the rate left empty: the two counts are still the two columns that are no rate
    assert [c.cell for c in count_tables(cells_of([Line(1, t) for t in cells[:4] + ["46", "50", "经费控制情况(万元)"]]))] == ["46", "50"]
    # a count lost: which column it was cannot be told
    assert count_tables(cells_of([Line(1, t) for t in cells[:4] + ["46", "108.70%", "经费控制情况(万元)"]])) == []


def test_year_table_without_a_unit_gives_nothing():
    assert year_table_amounts(cells_of([Line(1, c) for c in CONTROL[1:]])) == []


def test_cells_apart_by_spaces_and_running_titles_between_pages():
    lines = ["某局2023年度部门整体支出绩效自评", "经费控制情况(万元) 2022年决算数 2023年预算数 2023年决算数",
             "三公经费 3.20 2.00 1.80", "1", "某局2023年度部门整体支出绩效自评", "项目支出: 300.00", "250.00 280.00", "2",
             "某局2023年度部门整体支出绩效自评", "公用经费 30.05 28.90 28.90", "3"]
    pages = [1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3]
    amounts = year_table_amounts(cells_of([Line(p, t) for p, t in zip(pages, lines)]))
    assert [a.cell for a in amounts] == ["3.20", "2.00", "1.80", "300.00", "250.00", "280.00", "30.05", "28.90", "28.90"]


def test_a_row_with_more_figures_than_columns_is_dropped():
    cells = ["年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分",
             "年度资金总额", "100", "100", "90", "10", "90%", "9", "1", "2"]
    assert fund_form_tables(cells_of([Line(1, c) for c in cells])) == []


def test_the_forms_read_the_same_from_a_typeset_pdf(tmp_path):
    """bench/typeset.py prints the cells as a PDF would (page numbers, wrapped lines, ruled tables)."""
    from checker.ingest import load
    from conftest import bench_module

    typeset = bench_module("typeset")

    def read(facts):
        return sorted((f.kind, str(sorted((k, str(v)) for k, v in f.fields.items()))) for f in facts
                      if f.extractor.endswith(("table.flat-form", "table.fund")))

    for name, cells in (("self-evaluation", SELF_EVALUATION), ("control", CONTROL)):
        typed = read(extract(doc(cells)))
        assert typed
        for layout in ("paragraph", "font2", "table"):
            out = tmp_path / f"{name}.{layout}.pdf"
            typeset.typeset(layout, cells[0], cells[1:], out)
            assert read(extract(load(out))) == typed, (name, layout)


# real documents: the forms read, and no error on a document the auditor finds clean
REAL2 = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "real2"
HELD_OUT = {"D03", "D05", "D07", "D13", "D20", "P07", "P09", "P10", "P15", "P19"}


@pytest.mark.skipif(not REAL2.is_dir(), reason="the shared corpus is not here")
def test_real_forms_give_amounts_and_balanced_groups():
    from checker.ingest import load

    read = 0
    for path in sorted(REAL2.glob("D*.txt")):
        if path.stem in HELD_OUT:
            continue
        facts = derive(extract(load(path)))
        read += len([f for f in facts if f.extractor.endswith("table.flat-form")])
        for f in facts:
            if f.extractor.endswith("table.flat-form") and f.kind == "breakdown":
                assert abs(f.fields["total"].value - f.fields["parts_sum"].value) < Decimal("0.01"), f.fields
    assert read >= 40


# a 项目 form printed to PDF and copied as text: the figures follow their header, the row labels and the
# indicator names come after them (they sat in merged or wrapped cells)
NAMELESS = ["项目支出绩效自评表", "项目名称", "某某设备购置", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率",
            "得分", "80.00", "80.00", "72.00", "10", "9", "80.00", "80.00", "72.00", "—", "年度资金总额", "(万元)",
            "一级指标", "二级指标", "三级指标", "设备采购", "年度", "指标值", "实际", "完成值", "分值", "得分",
            "≥12台", "12台", "20", "20", "100%", "98%", "20", "18", "按期", "按期", "20", "20",
            "≥90%", "95%", "30", "30", "100", "97", "数量", "产出指标", "质量指标", "验收合格率", "总分"]


def test_indicator_rows_whose_names_are_printed_elsewhere():
    facts = extract(doc(NAMELESS))
    rows = by_kind(facts, "indicator")
    assert [(str(f.fields["weight"].value), str(f.fields["score"].value)) for f in rows] == [
        ("20", "20"), ("20", "18"), ("20", "20"), ("30", "30")]
    assert rows[0].subject == "指标：表中第1行指标" and rows[0].anchor == "header"
    assert rows[2].fields["target_text"] == "按期"
    [total] = by_kind(facts, "self_evaluation")
    assert total.fields["score_total"].value == 97


def test_nameless_rows_are_read_only_when_every_cell_fits_and_a_total_holds_them():
    bare_targets = [c if c not in ("≥12台", "12台") else "12" for c in NAMELESS]  # a bare target: alignment unknown
    assert by_kind(extract(doc(bare_targets)), "indicator") == []
    over = [c if c != "97" else "99" for c in NAMELESS]  # rows' scores 88 + …: a total above its marks' sum still fits
    assert len(by_kind(extract(doc(over)), "indicator")) == 4
    short = [c if c != "100" else "80" for c in NAMELESS]  # total marks below the rows' weights: no table
    assert by_kind(extract(doc(short)), "indicator") == []


def test_a_fund_row_whose_rate_is_printed_elsewhere_keeps_its_weight_and_score():
    [score] = by_kind(extract(doc(NAMELESS)), "execution_score")
    assert (score.fields["weight"].value, score.fields["score"].value) == (Decimal(10), Decimal(9))
    wrong = [c if c != "9" else "12" for c in NAMELESS]  # a score above its weight: the cells do not fit
    assert by_kind(extract(doc(wrong)), "execution_score") == []


def test_a_header_printed_wrapped_is_no_header_to_read_by():
    """"年度预算（万 调整后预算 / 年初预算 全年执行数 分值 执行率 得分 / 元） 数": the pieces of the wrapped
    cells ("数" completes 调整后预算 into 调整后预算数) show the words' order is not the columns' order."""
    from checker.extract.flat_forms import form_cells, fund_form_tables
    from checker.model import Line

    text = ["年度预算（万 调整后预算", "年初预算 全年执行数 分值 执行率 得分", "元） 数",
            "年度资金总额 5739.23 6491.07 5826.38 10 89.76% 8.98"]
    assert fund_form_tables(form_cells([Line(1, t) for t in text])) == []
    unwrapped = ["年度预算（万元） 年初预算 调整后预算数 全年执行数 分值 执行率 得分",
                 "年度资金总额 5739.23 6491.07 5826.38 10 89.76% 8.98"]
    [table] = fund_form_tables(form_cells([Line(1, t) for t in unwrapped]))
    assert table.rows[0][1:3] == ["年初预算", "调整后预算数"]


def test_a_lists_serial_number_after_its_header_is_no_fund_row():
    """"序号 项目名称 全年预算 执行数 执行率 1 基本公共卫生服务 860.00 …": the 1 after the header is the first row's
    序号, not a 年度资金总额 of 1.00万元 (fewer figures than the header's money columns)."""
    from checker.extract.flat_forms import form_cells, nameless_fund_tables
    from checker.model import Line

    cells = form_cells([Line(1, "序号  项目名称  全年预算  执行数  执行率"), Line(1, "1  基本公共卫生服务  860.00  860.00  100.00%")])
    assert nameless_fund_tables(cells) == []
