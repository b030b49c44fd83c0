"""Indicator tables whose cells run together with no separator (checker/extract/glued.py)."""
from __future__ import annotations

from decimal import Decimal

from checker.derive import derive
from checker.evaluate import evaluate_document
from checker.extract import extract
from checker.extract.glued import glued_indicator_tables
from checker.model import Document, Line

HEADER = "一级指标二级指标三级指标分值年度指标值全年实际值得分"


def lines(text: str) -> list[Line]:
    return [Line(1, t) for t in text.splitlines()]


def rows_of(text: str) -> list[list[str]]:
    return [row for table in glued_indicator_tables(lines(text)) for row in table.rows[1:]]


def test_rows_split_the_one_way_their_cells_fit():
    text = (f"绩效指标{HEADER}产出指标(60分)数量指标培训人次20≥300人次320人次20质量指标验收合格率20100%98%18"
            "时效指标完成及时性20及时及时20效益指标(30分)社会效益指标群众生活改善30显著提升显著提升30总分9088")
    rows = rows_of(text)
    assert [r[2:7] for r in rows[:-1]] == [
        ["培训人次", "20", "≥300人次", "320人次", "20"], ["验收合格率", "20", "100%", "98%", "18"],
        ["完成及时性", "20", "及时", "及时", "20"], ["群众生活改善", "30", "显著提升", "显著提升", "30"]]
    assert [r[:2] for r in rows[:-1]] == [["产出指标(60分)", "数量指标"], ["产出指标(60分)", "质量指标"],
                                          ["产出指标(60分)", "时效指标"], ["效益指标(30分)", "社会效益指标"]]
    assert rows[-1][0] == "总分" and (rows[-1][3], rows[-1][6]) == ("90", "88")


def test_facts_from_a_glued_table():
    text = f"项目支出绩效自评表\n{HEADER}产出指标(40分)数量指标培训人次20≥300人次320人次20质量指标验收合格率20100%98%18总分4038"
    facts = extract(Document("t.txt", "txt", lines(text), []))
    rows = [f for f in facts if f.kind == "indicator"]
    assert [(f.fields["name"], f.fields["weight"].value, f.fields["score"].value) for f in rows] == [
        ("培训人次", 20, 20), ("验收合格率", 20, 18)]
    [total] = [f for f in facts if f.kind == "self_evaluation"]
    assert total.fields["score_total"].value == 38


def test_a_row_that_splits_several_ways_is_left_out_and_the_table_goes_on():
    # "≥90%|5|90%|5" or "≥90%|59|0%|5": which is meant cannot be told; the rows after it are read
    header = "一级指标二级指标三级指标年度指标值分值全年实际值得分"
    text = f"{header}满意度指标服务对象满意度指标群众满意度≥90%590%5培训满意度≥95%1096%10验收合格率100%2098%18"
    assert [r[2] for r in rows_of(text)] == ["培训满意度", "验收合格率"]
    assert rows_of(f"{header}满意度指标服务对象满意度指标群众满意度≥90%590%5培训满意度≥95%1096%10") == []  # one row: no table


def test_with_a_reason_column_the_rows_say_their_reason_is_unreadable(cpack):
    """A row's reason cannot be told from the next row's name: the rows are read, their reason not, and
    no verdict is given on a missing reason (an unmet row with full marks is still an error)."""
    text = f"{HEADER}未完成原因产出指标数量指标培训人次20≥300人次250人次20质量指标验收合格率20100%98%19.6"
    rows = rows_of(text)
    assert [(r[2], r[3], r[4], r[5], r[6]) for r in rows] == [("培训人次", "20", "≥300人次", "250人次", "20"),
                                                              ("验收合格率", "20", "100%", "98%", "19.6")]
    assert all(r.reason_unreadable for r in rows)
    facts = derive(extract(Document("t.txt", "txt", lines("项目支出绩效自评表\n" + text), [])))
    rows = [f for f in facts if f.kind == "indicator"]
    assert [f.fields.get("reason_unreadable") for f in rows] == [True, True]
    found = evaluate_document(cpack, facts, "项目").findings
    assert {f.rule for f in found if f.outcome == "fired" and f.severity == "error"} == {"indicators.full-score-unmet"}
    assert "indicators.unmet-without-reason" not in {f.rule for f in found if f.outcome == "fired"}


def test_a_row_weighs_something_and_the_rows_weigh_at_most_the_full_marks():
    """Without level columns (指标名称|计量单位|指标性质|指标值|指标权重(分)|全年完成值|指标得分(分)|说明):
    "%901010010" also splits as 901|0|1001|0 (a weight of nothing), and "%0.910010" as 0.9|100|1|0 (a weight
    the row before leaves no room for); the one reading left is read."""
    header = "指标名称计量单位指标性质指标值指标权重(分)全年完成值指标得分(分)说明"
    text = f"绩效指标{header}管护任务完成率%901010010森林火灾受害率%0.910010"
    assert [(r[0], r[4], r[6]) for r in rows_of(text)] == [("管护任务完成率", "10", "10"), ("森林火灾受害率", "10", "10")]


def test_group_subtotals_trailing_units_and_words_against_figures():
    """"产出指标合计5050" is a group's marks and score (not an indicator 合计 of 5|0|5|0); "5880人" keeps its
    unit (not "5880" with 人 left to the next name); 建立|建立 is one reading, not 1|5|建立 with a figure
    against a word."""
    header = "一级指标二级指标三级指标权重指标得分（分）指标值全年完成值偏差原因分析及改进措施"
    text = (f"{header}产出指标数量指标发放补贴人数88≥5662人5880人产出指标时效指标费用结算及时性99及时及时"
            "产出指标合计1717效益指标可持续影响指标长效管理机制建立情况1515建立建立效益指标合计1515")
    rows = rows_of(text)
    assert [(r[2], r[3], r[4]) for r in rows] == [("发放补贴人数", "8", "8"), ("费用结算及时性", "9", "9"),
                                                  ("合计", "17", "17"), ("长效管理机制建立情况", "15", "15"),
                                                  ("合计", "15", "15")]
    assert [r[0] for r in rows if r[2] == "合计"] == ["产出指标", "效益指标"]


def test_a_form_states_its_total_score_with_the_unit_in_brackets():
    text = "某局2023年度部门整体绩效自评表\n部门联系人张三联系电话自评总分(分)97.93年初预算数全年预算数"
    [total] = [f for f in extract(Document("t.txt", "txt", lines(text), [])) if f.kind == "self_evaluation"]
    assert total.fields["score_total"].value == Decimal("97.93")
    # a bare 得分 with its unit in brackets is a column header, not the report's total
    text = "某局2023年度部门整体绩效自评表\n指标名称分值(分)得分(分)95"
    assert not [f for f in extract(Document("t.txt", "txt", lines(text), [])) if "score_total" in f.fields]


def test_prose_with_header_words_is_no_table():
    assert rows_of("本年度绩效指标的分值和得分情况如下：产出指标得分57分，效益指标得分28分。") == []


FUND = "资金情况(万元)全年预算数(A)全年执行数(B)分值执行率(B/A)得分年度资金总额:{row}其中:本年财政拨款"


def test_a_glued_fund_row_is_read_where_its_figures_split_one_way_or_agree():
    # 20|20|10|100.00%|10 — or 202|0|10|100.00%|10, 20201|0|10|0.00%|10 …: only the first agrees with itself
    facts = extract(Document("t.txt", "txt", lines("项目支出绩效自评表\n" + FUND.format(row="202010100.00%10")), []))
    [score] = [f for f in facts if f.kind == "execution_score"]
    assert (score.fields["weight"].value, score.fields["score"].value, score.fields["rate"].value) == (10, 10, 100)
    assert score.evidence[0].text == "年度资金总额:202010100.00%10"  # the row as printed


def test_a_glued_fund_row_that_could_hide_an_error_is_not_read():
    # "20|20|10|90.00%|10" (a rate that is not 20 ÷ 20) is one of several splits: which is meant cannot be told
    facts = extract(Document("t.txt", "txt", lines("项目支出绩效自评表\n" + FUND.format(row="20201090.00%10")), []))
    assert [f for f in facts if f.kind == "execution_score"] == []


def test_glued_rows_are_quoted_as_printed():
    text = f"{HEADER}产出指标(40分)数量指标培训人次20≥300人次320人次20质量指标验收合格率20100%98%18总分4038"
    facts = extract(Document("t.txt", "txt", lines(text), []))
    assert [f.evidence[0].text for f in facts if f.kind == "indicator"] == [
        "产出指标(40分)数量指标培训人次20≥300人次320人次20", "质量指标验收合格率20100%98%18"]


def test_a_total_row_with_its_unit_in_brackets_closes_a_glued_table():
    """"總分（分）10099.73" is the total row, not an indicator named 总分（分） split 100|9|9.7|3."""
    header = "一级指标二级指标三级指标年度指标值权重完成值指标得分（分）"
    text = f"{header}产出指标数量指标开展工作督导≥4次105次10质量指标覆盖率≥99%1099%10总分（分）2020"
    rows = rows_of(text)
    assert [r[2] for r in rows[:-1]] == ["开展工作督导", "覆盖率"] and rows[-1][0] == "总分"


def test_a_glued_fund_row_split_into_slivers_or_long_rates_is_no_reading():
    """1511.5111 | 54.7911 (a budget a sliver of another) and 7.4610100% (a rate to seven places) are cuts in
    the wrong place: the one sound split is read, though its rate is wrong (92.33 % for 97.33 %)."""
    from checker.extract.glued import _fund_splits

    fields = ["initial", "adjusted", "spent", "weight", "rate", "score"]
    assert _fund_splits("1511.511154.791123.961092.33%9.73", fields) == [
        {"initial": "1511.51", "adjusted": "1154.79", "spent": "1123.96", "weight": "10", "rate": "92.33%", "score": "9.73"}]
    assert _fund_splits("5511.476707.466707.4610100%10", ["adjusted", "spent", "weight", "rate", "score"]) == []
