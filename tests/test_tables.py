"""Tables recognised by meaning: pipe text tables, merged cells, fund and indicator blocks."""
from decimal import Decimal

from checker.derive import derive
from checker.extract import extract
from checker.extract.tables import blocks_of, fill_merged
from checker.ingest.text import pipe_tables
from checker.model import Document, Line, Table


def doc(text: str) -> Document:
    lines = [Line(1, l) for l in text.splitlines()]
    return Document("t.txt", "txt", lines, pipe_tables(lines))


FORM = """\
某县农业局2023年度项目支出绩效自评表
项目名称 | 农田水利建设项目 |
预算执行情况(10分) | 年度预算数(万元) | 年初预算 | 调整后预算数 | 预算执行数 | 预算执行率 | 权重 | 得分 | 原因 |
总额 | 100.00 | 120.00 | 96.00 | 80.00% | 10 | 10 | 工程尾款未付 |
其中:财政资金 | 100.00 | 110.00 | 90.00 | 81.82% | / | / |
单位资金 | 0.00 | 8.00 | 6.00 | 75.00% | / | / |
绩效指标(90分) | 一级指标 | 二级指标 | 三级指标 | 指标性质 | 指标值 | 度量单位 | 完成值 | 权重 | 得分 | 未完成原因分析 |
产出指标 | 数量指标 | 新建渠道长度 | ≥ | 10 | 公里 | 8 | 30 | 30 | |
产出指标 | 质量指标 | 工程验收合格率 | = | 100 | % | 100 | 20 | 20 | |
效益指标 | 社会效益指标 | 受益农户 | ≥ | 500 | 户 | 400 | 20 | 16 | 部分农户未通水 |
满意度指标 | 服务对象满意度指标 | 农户满意度 | ≥ | 90 | % | 95 | 10 | 10 | |
评价结论 | 基本完成 |
"""


def by_kind(facts, kind):
    return [f for f in facts if f.kind == kind]


def test_fund_block_aligns_the_row_label_column():
    facts = derive(extract(doc(FORM)))
    (project,) = by_kind(facts, "project")
    assert project.subject == "项目：农田水利建设项目"
    assert project.fields["initial"].value == 100 and project.fields["adjusted"].value == 120
    assert project.fields["spent"].value == 96 and project.fields["rate_stated"].value == 80
    (score,) = by_kind(facts, "execution_score")
    assert score.fields["weight"].value == 10 and score.fields["score"].value == 10
    adjusted = next(b for b in by_kind(facts, "breakdown") if "调整后预算" in b.subject)
    assert adjusted.fields["total"].value == 120 and adjusted.fields["parts_sum"].value == 118


def test_indicator_rows_and_groups():
    facts = derive(extract(doc(FORM)))
    rows = {f.fields["name"]: f for f in by_kind(facts, "indicator")}
    assert set(rows) == {"新建渠道长度", "工程验收合格率", "受益农户", "农户满意度"}
    assert rows["新建渠道长度"].fields["shortfall"].value == 2 and "reason" not in rows["新建渠道长度"].fields  # ≥10, 8
    assert rows["受益农户"].fields["formula_score"].value == Decimal("16.00")
    assert rows["农户满意度"].fields["shortfall"].value == -5  # ≥90, 95
    groups = {g.fields["name"]: g for g in by_kind(facts, "indicator_group")}
    assert groups["产出"].fields["rows_full_marks"].value == 50 and groups["产出"].fields["rows_score"].value == 50
    assert "rows" not in groups["产出"].fields  # the form states no marks of 产出: read whole or not is unknown


def test_findings_on_the_form(cpack):
    from checker.evaluate import evaluate_document

    facts = derive(extract(doc(FORM)))
    findings = evaluate_document(cpack, facts, "项目").findings
    fired = {(f.rule, f.subject) for f in findings if f.outcome == "fired"}
    assert ("indicators.full-score-unmet", "指标：新建渠道长度") in fired  # 8 of 10 km, full 30 points
    assert ("indicators.unmet-without-reason", "指标：新建渠道长度") in fired
    assert ("execution.score-formula", "预算执行率得分") in fired  # 80% of 10 points is 8, not 10
    assert any(r == "budget.breakdown-sum" and "调整后预算" in s for r, s in fired)  # 110 + 8 != 120
    assert not any(r == "indicators.unmet-without-reason" and "受益农户" in s for r, s in fired)


def test_cell_per_line_tables_and_merged_cells():
    lines = [Line(1, t) for t in ["一级指标 |", "指标名称 |", "目标值 |", "实际完成值 |", "|", "产出指标 |", "知晓率 |",
                                  "100% |", "98% |", "|", "正文"]]
    (table,) = pipe_tables(lines)
    assert table.rows == [["一级指标", "指标名称", "目标值", "实际完成值"], ["产出指标", "知晓率", "100%", "98%"]]
    assert fill_merged([["一级指标", "名称"], [None, "甲"], ["合计", None]]) == [["一级指标", "名称"], ["一级指标", "甲"], ["合计", "合计"]]


def test_prose_breakdowns():
    facts = extract(doc("某局2021年项目绩效自评报告\n项目资金总预算为2455.5万元，其中部门预算项目支出87.5万元，专项预算支出2350万元。"
                        "一批项目总投资3374.3万元(其中建筑工程3292万元)，二批项目总投资2069.51万元(其中建筑工程1975.775万元)，"
                        "合计总投资5443.81万元。"))
    breakdowns = {b.fields["label"]: b for b in by_kind(facts, "breakdown")}
    first = next(b for l, b in breakdowns.items() if "总预算" in l)
    assert first.fields["parts_sum"].value == Decimal("2437.5") and first.fields["parts_count"].value == 2
    total = next(b for l, b in breakdowns.items() if "合计" in l)
    assert total.fields["parts_sum"].value == Decimal("5443.81")  # bracketed sub-parts are not added
    assert not any("(其中" in l or "建筑工程" in b.fields.get("parts", "") for l, b in breakdowns.items())


def test_fund_table_part_rows_are_fund_sources():
    facts = derive(extract(doc(FORM)))
    sources = {f.fields["source"]: f for f in by_kind(facts, "fund_source")}
    assert set(sources) == {"财政资金", "单位资金"}
    assert sources["财政资金"].fields["adjusted"].value == 110 and sources["财政资金"].fields["spent"].value == 90
    assert str(sources["单位资金"].fields["rate_stated"]) == "75.00"
    assert sources["单位资金"].fields["table"] == "总额"


def _wrapped(text: str, width: int) -> list[Line]:
    """The lines a PDF reader gives for `text` typeset `width` characters wide (wrapping marked)."""
    out = []
    for raw in text.splitlines():
        chunks = []
        while len(raw) > width:
            cut = width
            while raw[cut - 1].isascii() and raw[cut].isascii() and raw[cut] != " " and raw[cut - 1] != " ":
                cut -= 1  # like Word: Latin and number runs are not broken
            chunks.append(raw[:cut].rstrip())
            raw = raw[cut:].lstrip()  # a break at a space takes the space
        chunks.append(raw)
        out += [Line(1, c, i < len(chunks) - 1) for i, c in enumerate(chunks)]
    return out


def test_rows_wrapped_in_a_pdf_read_as_typed():
    from checker.extract.textflow import logical_lines

    pdf = Document("t.pdf", "pdf", _wrapped(FORM, 37), [])
    assert [l.text for l in logical_lines(pdf)] == [l.strip() for l in FORM.splitlines()]
    typed, wrapped = derive(extract(doc(FORM))), derive(extract(pdf))
    for kind in ("project", "fund_source", "indicator", "execution_score"):
        assert [f.fields for f in by_kind(wrapped, kind)] == [f.fields for f in by_kind(typed, kind)], kind


def test_flattened_form_wrapped_between_two_figures():
    text = ("项目资金(万元) 年初预算数 全年预算数 全年执行数 分值 执行率 得分 年度资金总额: 50 40 30 10 75% 7.5 "
            "其中:本年财政拨款 50 40 30 上年结转资金 其他资金 年度总体目标 完成")
    cut = text.index("本年财政拨款 50 40 30") + len("本年财政拨款 50 40")  # the wrap falls between "40" and "30"
    pdf = Document("t.pdf", "pdf", [Line(1, text[:cut], True), Line(1, text[cut + 1:])], [])
    facts = derive(extract(pdf))
    (source,) = by_kind(facts, "fund_source")
    assert source.fields["source"] == "本年财政拨款"
    assert [source.fields[k].value for k in ("initial", "adjusted", "spent")] == [50, 40, 30]


def test_flattened_indicator_rows():
    text = ("绩效指标 一级指标 二级指标 三级指标 年度指标值 实际完成值 分值 得分 偏差原因分析及改进措施 产出指标(50分) 数量指标 "
            "补助村(社区)数量 =8个 8 8 8 质量指标 补助资格合规性 合规 达成预期指标 8 8 成本指标 项目总成本 ≤202.6万元 132.9 10 10 "
            "效益指标(30分) 社会效益指标 提高干部工作积极性 效果明显 达成预期指标 10 9 部分村未完成 评价结论 良好")
    facts = derive(extract(Document("t.txt", "txt", [Line(1, text)], [])))
    rows = {f.fields["name"]: f.fields for f in by_kind(facts, "indicator")}
    assert list(rows) == ["补助村(社区)数量", "补助资格合规性", "项目总成本", "提高干部工作积极性"]
    assert rows["补助村(社区)数量"]["target"].value == 8 and rows["补助村(社区)数量"]["score"].value == 8
    assert rows["补助资格合规性"]["target_text"] == "合规" and rows["补助资格合规性"]["level2"] == "质量指标"
    cost = rows["项目总成本"]
    assert cost["level1"] == "产出" and cost["level2"] == "成本指标"  # a level-2 cell under 产出
    assert cost["achieved"].unit == "万元" and cost["direction"] == "≤"
    assert rows["提高干部工作积极性"]["level1"] == "效益" and rows["提高干部工作积极性"]["reason"] == "部分村未完成"
    groups = {g.fields["name"]: g.fields for g in by_kind(facts, "indicator_group")}
    assert groups["产出"]["dimensions"] == "数量、质量、成本" and groups["产出"]["rows_full_marks"].value == 26


def test_a_form_typed_as_text_reads_the_same_from_a_typeset_pdf(tmp_path):
    """Real geometry: bench/typeset.py wraps the long rows at the margin (paragraph and font2 layouts)."""
    from checker.ingest import load
    from conftest import bench_module

    typeset = bench_module("typeset")
    typed = derive(extract(doc(FORM)))
    lines = FORM.splitlines()
    for layout in ("paragraph", "font2", "table"):
        out = tmp_path / f"form.{layout}.pdf"
        typeset.typeset(layout, lines[0], lines[1:], out)
        pdf = load(out)
        if layout == "table":  # ruled: read by pdfplumber's table finder, and not a second time as text rows
            assert pdf.tables
        else:
            assert any(l.wraps for l in pdf.lines), layout  # the long rows did wrap
        read = derive(extract(pdf))
        for kind in ("project", "fund_source", "indicator", "execution_score"):
            assert [f.fields for f in by_kind(read, kind)] == [f.fields for f in by_kind(typed, kind)], (layout, kind)


def test_cell_per_line_table_money_cells():
    cells = ["详见下表:", "序号", "项目名称", "起止时间", "安排经费(万元)", "实际支出(万元)", "自评结果", "1", "2008-2011",
             "105", "45", "60", "验收合格", "2", "2009-2011", "335.81", "12", "3", "7.5", "以上项目均已验收，结论如下所述全部合格。"]
    pages = [1] * 13 + [2] * (len(cells) - 13)  # page 2 begins with row 2, its number read as a page number
    lines = [Line(p, c) for p, c in zip(pages, cells)]
    from checker.extract.textflow import body_lines

    facts = extract(Document("t.pdf", "pdf", lines, [], page_count=2))
    amounts = [f for f in facts if f.extractor.endswith("table.cell-per-line")]
    # row numbers (1, 2, 3 in turn) and years are not amounts; "12" out of turn is
    assert [str(f.fields["value"]) for f in amounts] == ["105.00", "45.00", "60.00", "335.81", "12.00", "7.50"]
    assert all(f.fields["unit_written"] == "万元" and "label" not in f.fields for f in amounts)
    assert amounts[3].evidence[0].page == 2 and "安排经费(万元)" in amounts[0].evidence[0].text
    assert "— 2 —" not in [l.text for l in body_lines(Document("t.pdf", "pdf", lines + [Line(2, "— 2 —")], [], page_count=2))]


def test_indicator_named_for_a_count_takes_its_unit():
    lines = [Line(1, t) for t in ["一级指标 |", "三级指标 |", "年度指标值 |", "实际完成值 |", "|", "产出指标 |",
                                  "受资助学生人数 |", "14726 |", "15935 |", "|", "正文"]]
    facts = extract(Document("t.txt", "txt", lines, pipe_tables(lines)))
    (row,) = by_kind(facts, "indicator")
    assert (row.fields["target"].value, row.fields["target"].unit) == (14726, "人")
    assert row.fields["achieved"].unit == "人"


def test_a_form_as_a_word_table_reads_as_typed(tmp_path):
    """A .docx whose form is a real Word table (merged cells repeat their text in python-docx)."""
    docx = __import__("pytest").importorskip("docx")
    from checker.ingest import load

    rows, block = [], None
    for line in FORM.splitlines()[1:]:
        cells = [c.strip() for c in line.split("|")][:-1]
        if cells[0].startswith(("预算执行情况", "绩效指标")):
            block = len(rows)  # a block's header: its first cell is merged down its rows in Word
        elif cells[0].startswith("评价结论"):
            block = None
        elif block is not None:
            cells = [rows[block][0]] + cells
        rows.append(cells)
    width = max(len(r) for r in rows)
    document = docx.Document()
    document.add_paragraph(FORM.splitlines()[0])
    table = document.add_table(rows=len(rows), cols=width)
    for i, row in enumerate(rows):
        for j, text in enumerate(row):
            table.cell(i, j).text = text
    for i, row in enumerate(rows):
        if i and row[0] == rows[i - 1][0] and row[0].startswith(("预算执行情况", "绩效指标")):
            table.cell(i - 1, 0).merge(table.cell(i, 0)).text = row[0]  # vertical merge, text kept once
        if len(row) < width:  # a short row's last cell spans the rest of the row
            table.cell(i, len(row) - 1).merge(table.cell(i, width - 1)).text = row[-1]
    document.save(tmp_path / "form.docx")
    read, typed = derive(extract(load(tmp_path / "form.docx"))), derive(extract(doc(FORM)))
    for kind in ("project", "fund_source", "indicator", "execution_score"):
        assert [f.fields for f in by_kind(read, kind)] == [f.fields for f in by_kind(typed, kind)], kind


def test_indicator_rows_typed_from_the_first_column_of_a_padded_table():
    """A ruled table (or Word form) whose rows were typed from the first column, under the header's
    block-title cell, their last cells left empty: the level-1 label (产出指标 …) finds the row's start."""
    lines = FORM.splitlines()
    rows = [[c.strip() for c in line.split("|")][:-1] for line in lines[1:]]
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]  # every row padded at its end
    text = [Line(1, lines[0])] + [Line(1, "  ".join(c for c in r if c)) for r in rows]  # a PDF's text layer
    read = derive(extract(Document("t.pdf", "pdf", text, [Table(1, rows)])))
    typed = derive(extract(doc(FORM)))
    assert [f.fields for f in by_kind(read, "indicator")] == [f.fields for f in by_kind(typed, "indicator")]


def test_explain_tells_a_missing_figure_from_a_division_by_zero(pack):
    from checker.explain import explain_rule

    rule = next(r for r in pack.rules if r.id == "execution.fund-source-rate")
    text = explain_rule(rule, derive(extract(doc(FORM))), set())
    zero = text[text.index("资金来源：单位资金"):]  # 年初预算 0.00: the rate over it has no answer
    assert "pct(spent, initial) （75% != （无法计算：如除数为0））" in zero


def test_flattened_header_cells_run_together_at_a_line_break():
    from checker.extract.tables import _header_cells, space_tables

    assert _header_cells(["分值执行率", "得分", "年度资金总额:"], ["分值", "执行率", "得分"]) == ["分值", "执行率", "得分", "年度资金总额:"]
    line = Line(1, "项目资金(万元) 年初预算数 全年预算数 全年执行数 分值执行率 得分 年度资金总额: 50 40 30 10 75% 7.5 其中:本年财政拨款 50 40 30")
    (table,) = space_tables([line])
    assert table.rows[0][1:] == ["年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"]


CELL_INDICATORS = """某局2023年度项目支出绩效自评报告
一级指标
二级指标
绩效指标
权重
年度指标值
全年实际值
指标得分（分）
说明
产出指标
数量指标
完成项目个数
9
≥8个
9个
9
质量指标
验收合格率
8
≥100%
75%
6
部分工程未验收
效益指标
社会效益指标
受益群众人数
5
1000人
1072人
5
3
总分
正文又开始了，这是一段较长的文字，不再是表格。
"""


def test_an_indicator_table_copied_one_cell_per_line():
    rows = by_kind(extract(doc(CELL_INDICATORS)), "indicator")
    assert [(r.fields["level1"], r.fields["level2"], r.fields["name"]) for r in rows] == [
        ("产出", "数量指标", "完成项目个数"), ("产出", "质量指标", "验收合格率"), ("效益", "社会效益指标", "受益群众人数")]
    assert [r.fields["score"].value for r in rows] == [9, 6, 5]
    assert rows[1].fields["reason"] == "部分工程未验收" and "reason" not in rows[0].fields
    # the stray "3" after the last row does not start a row: its cells would not line up


SPACE_FORM = """财政项目支出绩效自评表
项目名称 农田水利建设项目
主管部门 某县农业局 实施单位 某县农业局
项目资金（元） 预算批复数 调整后预算 全年执行数 分值 执行率 得分 原因
年度资金总额： 1000000.00 1000000.00 900000.00 10 90% 9 上级资金于年底下达，未能在当年支出完毕
一级指标 二级指标 指标名称 指标权重（分） 年度目标值 全年实际值 指标得分（分） 偏差原因分析及改进措施
产出指标 数量指标 新建渠道长度 30 ≥10公里 8公里 24 部分工程延期
质量指标 验收合格率 20 ≥100% 100% 20
效益指标 社会效益指标 受益农户 30 ≥500户 500户 30
满意度指标 服务对象满意度指标 农户满意度 10 ≥90% 95% 10
总分 100 93
等次为优
"""


def test_a_form_typed_as_space_separated_rows():
    facts = extract(doc(SPACE_FORM))
    [project] = by_kind(facts, "project")
    assert project.fields["name"] == "农田水利建设项目" and project.fields["explanation"].startswith("上级资金")
    rows = by_kind(facts, "indicator")
    assert [r.fields["name"] for r in rows] == ["新建渠道长度", "验收合格率", "受益农户", "农户满意度"]
    assert rows[1].fields["level1"] == "产出" and rows[0].fields["reason"] == "部分工程延期"
    [se] = by_kind(facts, "self_evaluation")
    assert se.fields["score_total"].value == 93 and se.fields["grade_stated"] == "优"


def test_a_header_titled_by_the_total_rows_label_keeps_that_rows_label():
    """"年度资金总额 | 年初预算数 | …" over "年度资金总额 | 80.00 | …": the title names the total row, it is
    not a cell merged down the rows (which would put a figure in the label's place)."""
    text = """\
项目支出绩效自评表
年度资金总额 | 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分 |
年度资金总额 | 80.00 | 80.00 | 76.00 | 10 | 95.0% | 9.5 |
其中：当年财政拨款 | 80.00 | 80.00 | 76.00 | — | 95.0% | — |
"""
    [score] = by_kind(extract(doc(text)), "execution_score")
    assert (score.fields["weight"].value, score.fields["score"].value) == (10, Decimal("9.5"))


def test_a_title_repeated_atop_every_page_still_names_the_report_kind():
    pages = [[Line(p, "财政项目支出绩效自评表"), Line(p, "项目名称 | 某某补助 |" if p == 1 else "说明"), Line(p, f"- {p} -")]
             for p in (1, 2, 3)]
    lines = [line for page in pages for line in page]
    [document] = by_kind(extract(Document("t.pdf", "pdf", lines, [], page_count=3)), "document")
    assert document.fields["report_kind"] == "项目"


def test_a_total_row_with_its_unit_in_brackets_states_the_total_score():
    """"总分（分） 100 98.48" under space-separated rows, and 指标名称 as the only label column."""
    text = ("某单位2023年度项目支出绩效自评表\n"
            "指标名称 度量单位 指标性质 指标值 指标权重（分） 完成值 指标得分（分） 偏差原因分析及改进措施\n"
            "发放宣传资料 册 ≥ 20000 50 20000 50\n"
            "服务对象满意度 % ≥ 95 40 90.25 38.48 资金下达较晚\n"
            "总分（分） 100 98.48\n")
    facts = extract(Document("t.txt", "txt", [Line(1, l) for l in text.splitlines()], []))
    [total] = [f for f in facts if f.kind == "self_evaluation" and "score_total" in f.fields]
    assert total.fields["score_total"].value == Decimal("98.48")
    assert [f.fields["name"] for f in facts if f.kind == "indicator"] == ["发放宣传资料", "服务对象满意度"]


def test_a_row_whose_cells_do_not_fit_a_wrapped_header_gives_no_figures():
    """The header wrapped over lines and lost its label column's cell (年度预算（万元） and 全年（调整）预算数
    printed apart): its money columns do not line up with the row, whose rate lands in a money column."""
    from checker.extract.tables import fund_rows

    table = Table(1, [["预算批复数", "全年执行数", "分值", "执行率", "得分万元)", "预算数"],
                      ["总额", "12834.50", "13116.86", "12689.25", "10", "96.74%", "9.67"]])
    [block] = blocks_of(table)
    total, _ = fund_rows(block)
    assert not {"initial", "adjusted", "spent"} & set(total)
    # a row that ran into the next one (more cells than the header) keeps its leading money columns
    table = Table(1, [["资金来源", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
                      ["年度资金总额", "100", "120", "96", "10", "上年结转", "20", "20", "—"]])
    total, _ = fund_rows(blocks_of(table)[0])
    assert (total["initial"].value, total["spent"].value) == (100, 96)


def test_a_caption_declares_the_unit_of_a_table_whose_header_does_not():
    """"单位：万元" above a form whose header names no unit: its amounts are 万元 even where the only other
    amounts of the text are in 元 (吨水运营补助 ≤1.2元)."""
    text = ("某项目2023年度项目支出绩效自评表\n单位：万元\n"
            "| 项目资金 | 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分 |\n"
            "| 年度资金总额 | 200.00 | 210.00 | 205.80 | 10 | 98.00% | 9.80 |\n"
            "吨水运营补助标准≤1.2元，实际1.15元。\n")
    lines = [Line(1, x) for x in text.splitlines()]
    facts = extract(Document("t.txt", "txt", lines, pipe_tables(lines)))
    [project] = [f for f in facts if f.kind == "project"]
    assert (project.fields["initial"].value, project.fields["initial"].unit) == (200, "万元")
