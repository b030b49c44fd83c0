"""Indicator tables printed without rules (an Excel sheet printed as is) read from the words' places:
wrapped cells, merged level cells printed once, a table going on over the page without its header."""
from __future__ import annotations

import pytest

from checker.ingest import load

reportlab = pytest.importorskip("reportlab")


def _pdf(path, rows, page_break_after=None):
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Table, TableStyle

    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    body = ParagraphStyle("b", fontName="STSong-Light", fontSize=12, leading=18, wordWrap="CJK")
    cell = ParagraphStyle("c", fontName="STSong-Light", fontSize=10, leading=13, wordWrap="CJK")
    widths = [50, 55, 80, 45, 55, 55, 40, 80]

    def table(part):
        t = Table([[Paragraph(c, cell) for c in r] for r in part], colWidths=widths)
        t.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))  # no rules
        return t

    story = [Paragraph("三、绩效指标完成情况", body)]
    if page_break_after:
        story += [table(rows[:page_break_after]), PageBreak(), table(rows[page_break_after:])]
    else:
        story.append(table(rows))
    story.append(Paragraph("四、存在的问题：项目实施进度不均衡，资金支出集中在下半年，部分项目前期论证不充分。", body))
    SimpleDocTemplate(str(path), pagesize=A4).build(story)


HEADER = ["一级指标", "二级指标", "三级指标", "分值", "年度指标值", "实际完成值", "得分", "偏差原因分析及改进措施"]
ROWS = [["产出指标", "数量指标", "发放宣传资料", "10", "≥20000册", "20973册", "10", ""],
        ["", "质量指标", "补贴资金发放准确率", "10", "≥100%", "93%", "9.30", "部分对象不符合补助条件"],
        ["", "", "群众生产生活条件改善状况", "10", "显著提升", "基本完成", "8", "项目尚在验收阶段"],
        ["满意度指标", "服务对象满意度指标", "服务对象满意度", "10", "≥90%", "90%", "10", ""]]


def _rows(doc):
    return [r for t in doc.tables for r in t.rows]


def test_wrapped_cells_come_back_whole_in_their_rows(tmp_path):
    path = tmp_path / "t.pdf"
    _pdf(path, [HEADER] + ROWS)
    rows = _rows(load(path))
    assert rows[0] == HEADER
    assert rows[1:] == ROWS


def test_a_table_going_on_over_the_page_keeps_its_columns(tmp_path):
    path = tmp_path / "t.pdf"
    _pdf(path, [HEADER] + ROWS, page_break_after=3)
    doc = load(path)
    assert [t.page for t in doc.tables] == [1, 2]
    assert doc.tables[1].rows[0] == HEADER  # the header is repeated for the block reader, which joins the parts
    assert [r[2] for t in doc.tables for r in t.rows[1:]] == [r[2] for r in ROWS]


def test_prose_with_figures_makes_no_table(tmp_path):
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    body = ParagraphStyle("b", fontName="STSong-Light", fontSize=12, leading=18, wordWrap="CJK")
    path = tmp_path / "p.pdf"
    SimpleDocTemplate(str(path), pagesize=A4).build([Paragraph(
        "产出指标得分40分，效益指标得分28分，满意度指标得分10分；一级指标 二级指标 得分 分值 均按年度指标值和实际完成值计算。", body)])
    assert load(path).tables == []


def test_only_pages_with_header_like_lines_are_read_from_their_words():
    from checker.ingest.borderless import Borderless

    reader = Borderless()
    prose = ["五、存在的问题及原因", "部分指标得分偏低，原因是项目启动较晚，", "分值10分，得分9.8分。"]
    assert not reader.worth_reading(prose)  # 原因 / 分值 / 得分 in sentences name no column
    wrapped = ["指 度 未完成原", "年度 完", "一级 指标名 标 量 分 得 因及拟采", "二级指标 指标 成", "数量指标 ≥ 12 期 13 8 8"]
    assert reader.worth_reading(prose + wrapped)  # a header wrapped in narrow columns, read across its lines
