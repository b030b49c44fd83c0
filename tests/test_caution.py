"""Saying less when unsure: anchoring, one notice for a rule that fires everywhere, not-a-report.

Errors rest only on anchored facts; a misreading must not become twenty errors.
"""
from __future__ import annotations

from decimal import Decimal

import pytest

from checker.derive import derive
from checker.evaluate import INFERRED_NOTE, evaluate_document
from checker.extract import extract
from checker.extract.numbers import money
from checker.model import Document, Fact, Line


def doc_of(text: str) -> Document:
    return Document("t.txt", "txt", [Line(1, line) for line in text.splitlines()])


def pipe_doc(text: str) -> Document:
    """A text with "|" tables, read as the text reader reads them."""
    from checker.ingest.text import pipe_tables

    lines = [Line(1, line) for line in text.splitlines()]
    return Document("t.txt", "txt", lines, pipe_tables(lines))


def fired(findings, rule=None):
    return [f for f in findings if f.outcome == "fired" and (rule is None or f.rule == rule)]


def run(cpack, facts, kind="部门整体"):
    return evaluate_document(cpack, facts, kind).findings


def _repeat(i: int, anchor: str = "label") -> Fact:
    label = f"部门整体年初预算数{i}"
    return Fact("figure_repeat", label, {"label": label, "first": money("100", "万元"), "second": money("120", "万元")},
                [], "t", fid=100 + i, anchor=anchor)


def test_an_error_on_an_inferred_fact_is_only_a_warning(cpack):
    findings = run(cpack, [_repeat(1, anchor="inferred")])
    [f] = fired(findings, "budget.figures-consistent")
    assert f.severity == "warning" and f.message.endswith(INFERRED_NOTE)
    [g] = fired(run(cpack, [_repeat(1)]), "budget.figures-consistent")
    assert g.severity == "error" and INFERRED_NOTE not in g.message


def test_a_rule_firing_on_many_figures_is_one_notice(cpack):
    findings = run(cpack, [_repeat(i) for i in range(8)])
    [notice] = fired(findings, "budget.figures-consistent")
    assert notice.severity == "info" and "8处" in notice.message and "人工核对" in notice.message
    few = fired(run(cpack, [_repeat(i) for i in range(3)]), "budget.figures-consistent")
    assert len(few) == 3 and all(f.severity == "error" for f in few)


def test_the_same_finding_twice_is_reported_once(cpack):
    twins = [_repeat(1), _repeat(1)]
    twins[1].fid = 999
    assert len(fired(run(cpack, twins), "budget.figures-consistent")) == 1


def test_a_text_that_is_no_report_gets_one_warning_and_no_arithmetic(cpack):
    text = "会议纪要\n今天讨论了食堂菜单。\n采购大米120元，采购面粉80万元，采购油5元。\n下次会议下周举行。\n"
    facts = derive(extract(doc_of(text)))
    evaluation = evaluate_document(cpack, facts, None)
    assert [f.rule for f in fired(evaluation.findings) if f.severity != "info"] == ["structure.looks-like-report"]
    assert [s.rule for s in evaluation.summaries if s.status == "fired"] == ["structure.looks-like-report"]


def test_a_report_is_not_taken_for_something_else(cpack):
    text = ("某局2023年度部门整体支出绩效自评报告\n一、部门基本情况\n"
            "部门整体年初预算数1,000.00万元，全年预算数1,200.00万元，决算数1,150.00万元，完成率95.83%。\n")
    facts = derive(extract(doc_of(text)))
    assert not fired(run(cpack, facts), "structure.looks-like-report")


def test_a_budget_sentence_without_a_scope_word_is_inferred_and_a_project_sentence_is_no_budget():
    text = ("某局2023年度部门整体支出绩效自评报告\n"
            "一是加强管理。该项目年初预算200.00万元，全年预算180.00万元，实际支出170.00万元。\n"
            "年初预算500.00万元，全年预算520.00万元，实际支出510.00万元。\n"
            "部门整体年初预算数1,000.00万元，全年预算数1,200.00万元，决算数1,150.00万元。\n")
    budgets = [f for f in extract(doc_of(text)) if f.kind == "budget"]
    # the sentence that names its scope wins over the one that only sits in the department's text
    assert [(b.fields["initial"].value, b.anchor) for b in budgets] == [(1000, "label")]
    doc = next(f for f in extract(doc_of(text)) if f.kind == "document")
    labels = {label for label, _, _ in doc.meta["mentions"]}
    assert labels == {"部门整体年初预算数", "部门整体全年预算数", "部门整体决算数"}


def _tables_doc(text: str) -> Document:
    from checker.ingest.text import pipe_tables

    lines = [Line(1, line) for line in text.splitlines()]
    return Document("t.txt", "txt", lines, pipe_tables(lines))


INDICATORS = """\
某局2023年度部门整体支出绩效自评报告
一级指标 | 二级指标 | 三级指标 | 指标值 | 完成值 | 分值 | 得分 |
产出指标 | 数量指标 | 培训人次 | 100 | 100 | 20 | 20 |
产出指标 | 质量指标 | 合格率 | 95% | 96% | 10 | 9 |
{total} |
"""


def test_a_sections_total_row_is_not_the_reports_total_score():
    section = extract(_tables_doc(INDICATORS.format(total="合计 | | | | | 30 | 29")))
    assert not [f for f in section if f.kind == "self_evaluation"]
    whole = extract(_tables_doc(INDICATORS.format(total="合计 | | | | | 100 | 92")))
    [score] = [f for f in whole if f.kind == "self_evaluation"]
    assert score.fields["score_total"].value == 92 and score.anchor == "header"


FUNDS = """\
某局2023年度部门整体支出绩效自评报告
资金来源(万元) | 年初预算数 | 全年预算数 | 全年执行数 |
合计 | 100.00 | 120.00 | 110.00 |
{second}"""


def test_with_several_fund_tables_none_is_taken_for_the_departments_budget_for_sure():
    one = extract(_tables_doc(FUNDS.format(second="")))
    [budget] = [f for f in one if f.kind == "budget"]
    assert budget.anchor == "header"
    two = extract(_tables_doc(FUNDS.format(second="说明\n资金来源(万元) | 年初预算数 | 全年预算数 | 全年执行数 |\n合计 | 50.00 | 60.00 | 55.00 |\n")))
    assert {f.anchor for f in two if f.kind == "budget"} == {"inferred"}
    doc = next(f for f in two if f.kind == "document")
    assert doc.meta["mentions"] == []  # no figures-consistent errors between two tables' totals


def _breakdown_findings(cpack, text: str):
    facts = derive(extract(doc_of(text)))
    return [f for f in facts if f.kind == "breakdown"], fired(run(cpack, facts), "budget.breakdown-sum")


def test_a_list_of_some_projects_under_a_total_is_not_an_error(cpack):
    """其中 often names only the larger items: their sum falling short of the total proves nothing."""
    [b], found = _breakdown_findings(cpack, "一、部门基本情况\n项目支出500万元，其中甲工程100万元，乙工程200万元。\n")
    assert b.fields["complete"] is False and found == []


def test_parts_of_one_partition_must_add_up(cpack):
    [b], [f] = _breakdown_findings(cpack, "一、部门基本情况\n全年支出800万元，其中基本支出300万元，项目支出400万元。\n")
    assert b.fields["complete"] is True and f.severity == "error"


@pytest.mark.parametrize("text, complete", [
    # fund sources are an open division: a 其中 naming two of them may leave out 上年结转 or 事业收入
    ("收入预算1000万元，其中一般公共预算拨款800万元，政府性基金100万元。", False),
    # the self-evaluation form's three sources are all of them
    ("年度资金总额100万元，其中财政拨款60万元，上年结转20万元，其他资金10万元。", True),
])
def test_only_a_closed_division_named_in_full_is_complete(cpack, text, complete):
    [b], found = _breakdown_findings(cpack, "一、基本情况\n" + text + "\n")
    assert b.fields["complete"] is complete and [f.severity for f in found] == (["error"] if complete else [])


def test_a_total_said_to_be_of_n_classes_is_complete_with_n_parts(cpack):
    text = "一、部门基本情况\n本局主要有甲支出、乙支出二类支出，总预算100万元，其中甲支出50万元，乙支出40万元。\n"
    [b], [f] = _breakdown_findings(cpack, text)
    assert b.fields["complete"] is True and f.severity == "error"
    [b], found = _breakdown_findings(cpack, text.replace("二类", "三类"))
    assert b.fields["complete"] is False and found == []


def test_parts_above_their_total_are_an_error_even_if_not_all_listed(cpack):
    _, [f] = _breakdown_findings(cpack, "一、部门基本情况\n项目支出500万元，其中甲工程300万元，乙工程260万元。\n")
    assert f.severity == "error"


@pytest.mark.parametrize("text, outer", [
    ("收入合计1200万元，其中：财政拨款收入1000万元，其中一般公共预算800万元、政府性基金200万元；事业收入150万元；"
     "其他收入50万元。", "财政拨款收入、事业收入"),
    ("全年支出900万元，其中基本支出500万元，其中人员经费400万元、公用经费100万元；项目支出400万元。", "基本支出、项目支出"),
    ("全年支出900万元，其中基本支出500万元，其中人员经费400万元、公用经费50万元；项目支出400万元。", None),
])
def test_a_part_broken_down_again_without_brackets_is_no_error(cpack, text, outer):
    """A second 其中 inside a list opens the sub-parts of the amount before it: they are not parts of the
    total (their own breakdown is checked). The list goes on after the ； that closes the sub-list only where
    the sub-parts add up to their amount, and only with a sibling of its first part (基本支出 … 项目支出)."""
    facts = derive(extract(doc_of("一、部门基本情况\n" + text + "\n")))
    lists = {f.fields["parts"]: f for f in facts if f.kind == "breakdown"}
    assert (outer in lists) if outer else not any(p.startswith("基本支出、") for p in lists)
    found = fired(run(cpack, facts), "budget.breakdown-sum")
    assert [f.subject for f in found] == (["“基本支出”的构成"] if "公用经费50" in text else [])


def test_a_list_that_goes_on_after_its_sub_list_is_checked(cpack):
    text = "一、部门基本情况\n全年支出1000万元，其中基本支出500万元，其中人员经费400万元、公用经费100万元；项目支出400万元。\n"
    [f] = fired(run(cpack, derive(extract(doc_of(text)))), "budget.breakdown-sum")
    assert f.severity == "error" and "900.00万元" in f.message


def test_the_departments_mid_year_adjustment_is_checked_where_nothing_else_makes_up_the_year(cpack):
    """"…部门预算X万元（…）；年中追加预算Y万元；全年预算数为Z万元": clauses after a ； go on with the statement
    of the clause before them. With 上年结转 in the same part the full year is more than X + Y: no verdict."""
    text = ("某局2023年度部门整体支出绩效自评报告\n一、部门预算执行情况\n2023年本局年初批复部门预算3,000.00万元（基本支出2,000.00万元，项目支出1,000.00万元）；"
            "年中追加预算500.00万元；全年预算数为3,600.00万元。\n")
    facts = derive(extract(doc_of(text)))
    [budget] = [f for f in facts if f.kind == "budget"]
    assert budget.fields["adjustment"].value == 500 and budget.anchor != "inferred"
    [f] = fired(run(cpack, facts), "budget.overall-adjustment-arithmetic")
    assert f.severity == "error" and "3,500.00万元" in f.message
    carried = text.replace("。\n", "。其中上年结转资金100.00万元。\n")
    assert fired(run(cpack, derive(extract(doc_of(carried)))), "budget.overall-adjustment-arithmetic") == []


def test_a_change_beside_a_part_is_not_a_part_but_a_carried_over_fund_is(cpack):
    [b], _ = _breakdown_findings(
        cpack, "一、部门基本情况\n全年收入900万元，其中财政拨款600万元，较上年增加50万元，上年结转资金300万元。\n")
    assert b.fields["parts_count"].value == 2 and b.fields["parts_sum"].value == 900


def test_printed_parts_are_held_to_their_printed_total_within_one_rounding(cpack):
    """A total and its parts as printed: 0.03万元 off on five parts is an error (as auditors read it)."""
    text = "一、部门基本情况\n全年收入为财政拨款20.00万元、上年结转20.00万元、事业收入20.00万元、经营收入20.00万元、其他收入20.00万元，合计100.03万元。\n"
    _, [f] = _breakdown_findings(cpack, text)
    assert f.severity == "error"
    assert _breakdown_findings(cpack, text.replace("100.03", "100.01"))[1] == []


@pytest.mark.parametrize("sentence, weight, score", [
    ("经自评，得分91.2分。其中：预算执行率得分9.1分（权重10分），产出指标得分47.1分（权重50分），效益指标得分25分（权重30分），"
     "满意度指标得分10分（权重10分）。", 10, "9.1"),
    ("经自评，得分96.5分。其中产出指标得分48分（分值50分），效益指标得分29分（分值30分），满意度指标得分10分（分值10分），"
     "预算执行率分值10分，得分9.5分。", 10, "9.5"),
])
def test_the_execution_score_is_read_up_to_the_next_part(cpack, sentence, weight, score):
    """The execution block's marks and score are its own: not the next part's 得分 (47.1 of 产出指标)."""
    facts = derive(extract(doc_of("某项目2023年度项目支出绩效自评报告\n三、自评结论\n" + sentence + "\n")))
    [execution] = [f for f in facts if f.kind == "execution_score"]
    assert (execution.fields["weight"].value, str(execution.fields["score"].value)) == (weight, score)
    assert [f.rule for f in fired(run(cpack, facts, "项目")) if f.severity == "error"] == []


def test_a_department_statement_read_across_its_clauses(cpack):
    """The department's own name anchors its statement; the clauses after a ；, a 其中 list or a 。 in the
    same paragraph go on with it (the rate after a 其中 list is the total's, not the last part's); a rate
    that is a threshold ("执行率未达到95%") is no stated rate."""
    text = ("XX县应急管理局2024年度部门整体支出绩效自评报告\n二、资金投入及使用情况\n"
            "2024年度XX县应急管理局年初预算数1000.00万元，其中基本支出预算600.00万元，项目支出400.00万元；"
            "年中压减预算100.00万元，调整后全年预算900.00万元。全年执行数810.00万元，其中：基本支出500.00万元，"
            "项目支出310.00万元，预算执行率90.00%。预算执行率未达到95%，由于项目按合同进度付款。\n")
    facts = derive(extract(doc_of(text)))
    [budget] = [f for f in facts if f.kind == "budget" and f.fields["scope"] == "部门整体"]
    assert {k: str(v.value) for k, v in budget.fields.items() if k != "scope"} == {
        "initial": "1000.00", "adjustment": "-100.00", "full_year": "900.00", "final": "810.00", "rate_stated": "90.00"}
    assert budget.anchor == "label" and [f for f in fired(run(cpack, facts)) if f.severity == "error"] == []


def test_a_project_a_table_lists_is_explained_by_a_sentence_naming_it(cpack):
    text = ("XX县卫生健康局2022年度部门整体支出绩效评价报告\n二、项目支出情况\n"
            "| 项目名称 | 年初预算数 | 全年预算数 | 全年执行数 | 执行率 |\n"
            "| 疫情防控经费 | 800.00 | 1,100.00 | 1,012.50 | 92.05% |\n"
            "| 医疗卫生机构能力建设 | 600.00 | 600.00 | 541.35 | 90.23% |\n"
            "疫情防控经费执行率未达到95%，主要原因是部分物资采购合同尚未到期结算。\n")
    facts = derive(extract(pipe_doc(text)))
    found = fired(run(cpack, facts), "execution.explanation-required")
    assert [f.subject for f in found] == ["项目：医疗卫生机构能力建设"]  # the other is explained after the table


@pytest.mark.parametrize("adjustments", [
    "年中追加预算420.00万元，调减预算76.80万元",
    "年中追加预算420.00万元；年中调减预算76.80万元",
    "年中调整预算343.20万元（追加420.00万元，调减76.80万元）",
])
def test_an_increase_and_a_decrease_in_one_statement_add_up(cpack, adjustments):
    text = (f"某局2023年度部门整体支出绩效自评报告\n一、部门预算情况\n2023年本局年初预算数为3,256.80万元。{adjustments}，"
            "全年预算数为3,600.00万元。\n")
    facts = derive(extract(doc_of(text)))
    [budget] = [f for f in facts if f.kind == "budget"]
    assert budget.fields["adjustment"].value == Decimal("343.20") and budget.fields["full_year"].value == 3600
    assert [f for f in fired(run(cpack, facts)) if f.severity == "error"] == []


@pytest.mark.parametrize("statement, total", [
    ("经自评，预算执行率得分9.00分（分值10分），产出指标得分42.60分（分值50分），效益指标得分25.00分（分值30分），"
     "满意度指标得分9.00分（分值10分），自评得分85.60分，评价等次为“良”。", "85.6"),
    ("预算执行（20分）得19.20分；产出指标（40分）得37.50分；效益指标（30分）得26.80分；满意度指标（10分）得9.10分。"
     "综合自评得分92.60分，评价等级为优。", "92.6"),
])
def test_the_total_score_is_the_named_one_and_the_parts_are_read_across_semicolons(cpack, statement, total):
    facts = derive(extract(doc_of("某项目2023年度项目支出绩效自评报告\n三、自评结论\n" + statement + "\n")))
    [se] = [f for f in facts if f.kind == "self_evaluation"]
    assert se.fields["score_total"].value == Decimal(total)
    assert se.fields["parts_full_marks"].value == 100 and se.fields["parts_score"].value == Decimal(total)
    assert [f for f in fired(run(cpack, facts, "项目")) if f.severity == "error"] == []


def test_an_execution_score_in_prose_is_held_to_the_projects_stated_rate(cpack):
    text = ("某项目2023年度项目支出绩效自评报告\n一、项目资金情况\n该项目年初预算400.00万元，实际支出374.00万元，预算执行率93.50%。"
            "主要原因是部分合同尾款未到支付期。\n三、自评结论\n本项目预算执行率分值10分，得分9.50分；产出指标分值50分，得分48.00分；"
            "效益指标分值30分，得分28.00分；满意度指标分值10分，得分9.00分。自评总分94.50分，自评等级为优。\n")
    facts = derive(extract(doc_of(text)))
    [f] = fired(run(cpack, facts, "项目"), "execution.score-formula")
    assert "9.35分" in f.message


def test_a_forms_note_explains_its_rate_but_a_flattened_header_does_not(cpack):
    """"说明：…预算执行率偏低的原因是…" under a one-project form explains the form's rate; the header words
    偏差原因分析 in a long run of flattened cells do not."""
    form = ("2023年度项目支出绩效自评表\n项目名称\t职业技能提升培训补贴项目\n"
            "项目资金（万元）\t\t年初预算数\t全年预算数\t全年执行数\t分值\t执行率\t得分\n"
            "\t年度资金总额\t300.00\t280.00\t252.00\t10\t90.00%\t9.00\n")
    note = "说明：预算执行率偏低的原因是部分培训机构申报材料不全，资金未能在年内拨付。\n"
    lines = lambda t: [Line(1, x) for x in t.splitlines()]  # noqa: E731
    found = fired(run(cpack, derive(extract(Document("t.txt", "txt", lines(form + note), []))), "项目"),
                  "execution.explanation-required")
    assert found == []
    header_run = "一级指标二级指标三级指标年度指标值实际完成值分值得分偏差原因分析及改进措施全年执行数" * 6 + "。\n"
    found = fired(run(cpack, derive(extract(Document("t.txt", "txt", lines(form + header_run), []))), "项目"),
                  "execution.explanation-required")
    assert len(found) == 1


def test_a_list_introduced_by_zhuyao_baokuo_is_a_breakdown(cpack):
    text = ("某局2023年度部门整体支出绩效自评报告\n一、部门基本情况\n项目支出1,250.00万元主要包括：公共文化服务体系建设经费"
            "420.00万元、全域旅游宣传推广经费380.00万元、全民健身赛事活动经费296.00万元、农村广播电视维护经费210.00万元。\n")
    [f] = fired(run(cpack, derive(extract(doc_of(text)))), "budget.breakdown-sum")
    assert "1,306.00万元" in f.message
    fine = text.replace("420.00万元", "364.00万元")
    assert fired(run(cpack, derive(extract(doc_of(fine)))), "budget.breakdown-sum") == []


def test_a_table_read_whole_counts_its_groups_rows_and_a_note_names_the_unmet_indicator(cpack):
    """The rows' marks with the execution row's make up the 合计 row's 100: the table was read whole, so its
    groups' rows are counted (产出 6 rows against 5 in the text); the 预算执行率 row is the execution block,
    no indicator; "偏差说明：群众满意度略低于目标值，主要原因是…" explains the unmet row."""
    rows = [["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"]]
    rows += [["产出指标", "数量指标", f"建设内容{i}", "≥1处", "1处", "10" if i < 4 else "5", "10" if i < 4 else "5"]
             for i in range(6)]
    rows += [["效益指标", "社会效益指标", "锻炼人数比例", "≥40%", "41.5%", "30", "30"],
             ["满意度指标", "服务对象满意度指标", "群众满意度", "≥90%", "89%", "10", "9.89"],
             ["预算执行率", "", "", "100%", "100%", "10", "10"], ["合计", "", "", "", "", "100", "99.89"]]
    text = ("某项目2023年度项目支出绩效自评报告\n二、绩效目标设定情况\n本项目共设置绩效指标7个，其中产出指标5个、效益指标1个、"
            "满意度指标1个。\n" + "\n".join(" | ".join(r) for r in rows) +
            "\n偏差说明：群众满意度略低于目标值，主要原因是部分设施周边照明不足。\n")
    facts = derive(extract(pipe_doc(text)))
    assert [f.fields["weight"].value for f in facts if f.kind == "execution_score"] == [10]
    assert "预算执行率" not in {f.fields.get("level1") for f in facts if f.kind == "indicator"}
    found = fired(run(cpack, facts, "项目"))
    assert [(f.rule, f.subject) for f in found] == [("indicators.count-score-match", "产出指标")]


@pytest.mark.parametrize("entry", [
    "（一）城区道路保洁项目：全年预算980.00万元，实际支出970.20万元，执行率99.00%。",
    "（一）城区道路保洁项目\n全年预算980.00万元，实际支出970.20万元，执行率99.00%。",
])
def test_projects_under_parenthesised_ordinals(cpack, entry):
    """（一）/（二） entries name projects as 1. / 一是 do; a section title under such an ordinal (部门整体…,
    topics listed with 、) is none; 年中追加项目支出 is what was added to the department's budget."""
    second = entry.replace("（一）", "（二）").replace("城区道路保洁", "生活垃圾分类").replace("980.00", "620.00") \
        .replace("970.20", "527.00").replace("99.00%。", "85.00%。因设备尾款未付。")
    text = ("某局2023年度部门整体支出绩效自评报告\n（一）部门整体支出规模、使用方向和主要内容\n"
            "2023年年初预算4,560.00万元。年中追加项目支出340.00万元，全年预算数4,900.00万元。\n"
            f"三、项目支出执行情况\n{entry}\n{second}\n")
    facts = derive(extract(doc_of(text)))
    assert [f.fields["name"] for f in facts if f.kind == "project"] == ["城区道路保洁项目", "生活垃圾分类项目"]
    [budget] = [f for f in facts if f.kind == "budget"]
    assert budget.fields["scope"] == "部门整体" and budget.fields["adjustment"].value == 340
    assert [f for f in fired(run(cpack, facts)) if f.severity == "error"] == []


def test_a_reason_column_headed_by_its_question_and_a_note_above_the_table(cpack):
    """"执行率低于95%的原因" is the reason column; a note above the table naming the project ("…主要是校舍
    维修改造项目中…尾款185.00万元未支付") explains it; a score table after the list ("评价维度 | 分值 | 得分")
    is no part of it (投入 | 20 | 18.80 is no project)."""
    text = ("某局2023年度部门整体支出绩效自评报告\n二、项目支出情况\n"
            "项目支出完成率低于95%，主要是校舍维修改造项目中3所学校的维修工程于12月底完工，尾款185.00万元未支付。\n"
            "| 项目名称 | 全年预算 | 执行数 | 执行率 | 执行率低于95%的原因 |\n"
            "| 校舍维修改造 | 1,850.00 | 1,665.00 | 90.00% | |\n"
            "| 客运站场改造 | 1,200.00 | 1,068.00 | 89.00% | 工程变更设计，部分工程量未完成结算 |\n"
            "| 评价维度 | 分值 | 得分 | |\n| 投入 | 20 | 18.80 | |\n")
    facts = derive(extract(pipe_doc(text)))
    assert [f.fields["name"] for f in facts if f.kind == "project"] == ["校舍维修改造", "客运站场改造"]
    assert fired(run(cpack, facts), "execution.explanation-required") == []


@pytest.mark.parametrize("target, achieved, met", [("不超过预算", "未超预算", True), ("不发生", "未发生", True),
                                                   ("按期完成", "未完成", False)])
def test_a_result_in_words_with_a_negation_that_keeps_the_limit(target, achieved, met):
    from checker.derive import measure_indicators

    fact = Fact("indicator", "成本控制", {"name": "成本控制", "target_text": target, "achieved_text": achieved}, [], "t")
    measure_indicators([fact])
    assert fact.fields["met_in_words"] is met


def test_an_amount_in_yi_yuan_is_no_unit_slip(cpack):
    text = ("某局2023年度部门整体支出绩效自评报告\n一、部门基本情况\n全年预算数1,250.00万元，实际支出1,200.00万元，"
            "实现旅游综合收入152亿元。\n")
    assert fired(run(cpack, derive(extract(doc_of(text)))), "budget.unit-anomaly") == []


def test_coverage_counts_written_as_projects_of_which_some_were_evaluated(cpack):
    text = ("某局2023年度部门整体支出绩效自评报告\n三、绩效自评工作开展情况\n本部门2023年共有项目支出13个，"
            "其中12个项目开展了绩效自评，自评覆盖率100%。\n")
    found = fired(run(cpack, derive(extract(doc_of(text)))), "coverage.recompute")
    assert len(found) == 1 and "92.31%" in found[0].message


@pytest.mark.parametrize("note", [
    "三、偏差原因分析\n预算执行率91.00%，未达95%，原因是2座公厕暂缓改造。",
    "执行率未达95%原因：其中18.00万元设备质保金按合同约定在质保期满后支付。",
    "未支付的21.40万元为工程质保金和设备尾款，待竣工验收后支付。",
])
def test_a_project_reports_reason_stands_anywhere_in_it(cpack, note):
    text = ("某项目2023年度项目支出绩效自评报告\n一、项目资金情况\n该项目年初预算200.00万元，全年预算200.00万元，"
            "实际支出182.00万元，预算执行率91.00%。\n" + note + "\n")
    assert fired(run(cpack, derive(extract(doc_of(text))), "项目"), "execution.explanation-required") == []
    bare = text.replace(note, "二、绩效目标完成情况\n各项指标均已完成。")
    assert len(fired(run(cpack, derive(extract(doc_of(bare))), "项目"), "execution.explanation-required")) == 1


def test_an_entry_takes_no_figure_of_a_clause_that_names_another_project(cpack):
    """"四是乙项目，…实际支出218.00万元。" then "上述项目…甲项目执行率83.77%": 83.77 % is 甲's, not 乙's; and 甲's
    reason given after the list ("甲项目执行率83.77%，原因是…") explains it."""
    text = ("某局2023年度部门整体支出绩效自评报告\n三、项目支出情况\n"
            "2023年我局共实施项目2个，具体为：一是高标准农田建设项目，全年预算860.00万元，实际支出720.45万元；"
            "二是乡村振兴示范村创建项目，全年预算230.00万元，实际支出218.00万元。\n"
            "高标准农田建设项目执行率83.77%，原因是部分标段延期验收；乡村振兴示范村创建项目执行率94.78%，原因是结算审计尚未完成。\n")
    facts = derive(extract(doc_of(text)))
    found = [f for f in fired(run(cpack, facts)) if f.severity == "error"]
    assert found == []


def test_a_grade_word_inside_a_phrase_or_a_count_of_projects_by_grade_is_not_the_reports(cpack):
    text = ("某局2023年度部门整体支出绩效自评报告\n四、自评结论\n我局2023年度部门整体支出绩效自评得分91.2分，自评等级为“优”。\n"
            "（六）项目自评结果汇总。7个项目自评结果中，自评等级为“优”的5个；自评等级为“良”的2个。自评为“良”的项目主要在时效上扣分。\n")
    facts = derive(extract(doc_of(text)))
    [se] = [f for f in facts if f.kind == "self_evaluation"]
    assert se.fields["grade_stated"] == "优" and se.fields["grades_stated"] == "优"
    assert [f.rule for f in fired(run(cpack, facts)) if f.rule.startswith("score.")] == []
