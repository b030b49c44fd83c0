"""Extraction: numbers and units, normalised text, facts of the example with their pages."""
from decimal import Decimal

import pytest

from checker.extract import extract
from checker.extract.numbers import chinese_int, money, parse_value
from checker.extract.textflow import normalise
from checker.ingest import load
from checker.model import Document, Line

from conftest import EXAMPLE_PDF, EXAMPLE_TXT, ROOT


def test_money_is_normalised_to_wan_with_written_unit_kept():
    q = money("2655.11", "元")
    assert q.value == Decimal("0.265511") and q.written == "2655.11元" and q.places == 6
    assert money("1,062.78", "万元").value == Decimal("1062.78")
    assert money("1.5", "亿元").value == Decimal("15000")
    assert money("358", "万元").places == 2  # 万元 figures are read to two decimals


def test_parse_value_and_chinese_numerals():
    assert parse_value("-592.33万元").value == Decimal("-592.33")
    assert parse_value("92.09%").places == 2
    assert chinese_int("十二") == 12 and chinese_int("二十三") == 23 and chinese_int("一百零五") == 105


def test_traditional_characters_read_as_simplified_but_not_simplified_ones():
    assert normalise("內設科室5個，分別是政務管理科、調查評估和統計科") == "内设科室5个，分别是政务管理科、调查评估和统计科"
    assert normalise("關於權重後") == "关于权重后"
    # characters a simplified text uses stay as written, though a traditional table lists them
    assert normalise("显著提升，乾隆年间") == "显著提升，乾隆年间"


def test_traditional_enumeration_is_counted():
    text = "一、部门基本情况\n內設科室5個，分別是政務管理科、調查評估和統計科、規劃與信息科、規劃財務科。\n"
    facts = extract(Document("t.txt", "txt", [Line(1, t) for t in text.splitlines()]))
    enum = next(f for f in facts if f.kind == "enumeration")
    assert (enum.fields["count_stated"].value, enum.fields["count_listed"].value) == (5, 4)


def test_normalise_full_width_and_spaces():
    assert normalise("年初预算 １，０６２．７８ 万元，2023 年") == "年初预算1,062.78万元，2023年"
    assert normalise("（一）部门职能") == "（一）部门职能"


def doc_of(text: str) -> Document:
    return Document("t.txt", "txt", [Line(1, l) for l in text.splitlines()])


@pytest.fixture(scope="module")
def example_facts():
    return extract(load(EXAMPLE_PDF))


def by_kind(facts, kind):
    return [f for f in facts if f.kind == kind]


def test_example_document_fact(example_facts):
    doc = by_kind(example_facts, "document")[0]
    assert doc.fields["department"] == "广州市白云区政务服务数据管理局"
    assert doc.fields["year"] == 2023 and doc.fields["report_kind"] == "部门整体"
    assert all(doc.fields[k] for k in ("has_basic_info", "has_self_evaluation", "has_problems", "has_measures"))


def test_example_projects(example_facts):
    projects = by_kind(example_facts, "project")
    assert [p.fields["ordinal"] for p in projects] == list(range(1, 9))
    six = projects[5]
    assert six.fields["name"] == "智慧白云一期项目经费"
    assert six.fields["initial"].written == "2655.11元"
    assert six.fields["adjustment"].value == Decimal("-592.33")
    assert six.fields["adjusted"].value == Decimal("1062.78")
    assert six.evidence[0].page == 6 and "2655.11元" in six.evidence[0].text
    first, second = projects[0], projects[1]
    assert first.fields["rate_stated"].value == Decimal("92.09") and first.fields["explanation"].startswith("由于")
    assert second.fields["explanation"].startswith("因本项目")
    assert "explanation" not in projects[7].fields  # 政务云经费 at 100% gives none
    assert "adjustment" not in first.fields


def test_example_budgets_and_self_evaluation(example_facts):
    budgets = {f.fields["scope"]: f for f in by_kind(example_facts, "budget")}
    assert set(budgets) == {"部门整体", "基本支出", "项目支出"}
    assert budgets["部门整体"].fields["final"].value == Decimal("16730.50")
    assert budgets["部门整体"].fields["rate_stated"].value == Decimal("98.83")
    assert budgets["基本支出"].fields["initial"].value == Decimal("1422.84")
    se = by_kind(example_facts, "self_evaluation")[0]
    assert se.fields["coverage_stated"].value == 100 and se.fields["projects_evaluated"].value == 23
    assert se.fields["score_total"].value == Decimal("98.69") and se.fields["grade_stated"] == "优"
    groups = {f.fields["name"]: f for f in by_kind(example_facts, "indicator_group")}
    assert groups["产出"].fields["dimensions"] == "数量、质量" and groups["产出"].fields["count_sum"].value == 22
    assert groups["产出"].fields["score"].value == Decimal("19.8")


def test_pdf_and_txt_give_the_same_facts(example_facts):
    def key(facts):
        return sorted((f.kind, f.subject, tuple(sorted((k, str(v)) for k, v in f.fields.items() if k != "char_count")))
                      for f in facts if f.kind not in ("amount", "figure"))
    assert key(extract(load(EXAMPLE_TXT))) == key(example_facts)


def test_every_fact_has_evidence(example_facts):
    for fact in example_facts:
        assert fact.evidence and all(e.page >= 1 and e.text for e in fact.evidence), fact


def test_other_phrasings():
    facts = extract(doc_of(
        "某县农业农村局2022年度项目支出绩效自评报告\n"
        "（一）项目支出情况\n"
        "1、高标准农田建设项目：年初预算数为1,200.00万元，追加预算300万元，调整后预算1,500万元，"
        "全年执行数1,080.00万元，执行率72%。\n"
        "2、农机购置补贴：年初预算80万元，实际支出80万元，执行率100%。\n"
        "经综合评价，项目自评得分为86.5分，评价等级为“良”。\n"
    ))
    projects = by_kind(facts, "project")
    assert [p.fields["name"] for p in projects] == ["高标准农田建设项目", "农机购置补贴"]
    assert projects[0].fields["adjustment"].value == 300 and projects[0].fields["spent"].value == 1080
    assert "explanation" not in projects[0].fields
    se = by_kind(facts, "self_evaluation")[0]
    assert se.fields["score_total"].value == Decimal("86.5") and se.fields["grade_stated"] == "良"
    assert by_kind(facts, "document")[0].fields["report_kind"] == "项目"


def test_page_furniture_is_dropped():
    doc = Document("t", "pdf", [Line(1, "一、基本情况"), Line(1, "— 1 —"), Line(2, "第 2 页 共 9 页"), Line(2, "正文")])
    from checker.extract.textflow import build_flow

    assert "1" not in build_flow(doc).text and "页" not in build_flow(doc).text


def test_corpus_excerpts_extract_without_error(corpus_dir):
    for path in sorted(corpus_dir.glob("*.txt")):
        facts = extract(load(path))
        assert by_kind(facts, "document"), path


def test_running_headers_are_dropped():
    from checker.extract.textflow import build_flow

    lines = []
    body = ["一、部门基本情况", "本局主要职责是负责全区政务服务，", "年初预算数100万元。", "二、绩效自评情况",
            "自评得分为98分。", "三、存在的主要问题", "指标设置不够细化，", "有待改进。"]
    for page in range(1, 5):
        lines += [Line(page, "某局2023年部门整体支出绩效自评报告"), Line(page, body[2 * page - 2]),
                  Line(page, body[2 * page - 1]), Line(page, f"- {page} -")]
    text = build_flow(Document("t", "pdf", lines)).text
    assert "自评报告" not in text and "年初预算数100万元。" in text and "有待改进。" in text


def test_scanned_pdf_without_ocr_names_the_package(tmp_path, monkeypatch):
    from reportlab.pdfgen import canvas

    from checker.errors import InputError
    from checker.ingest import ocr

    path = tmp_path / "scan.pdf"
    c = canvas.Canvas(str(path))
    c.rect(100, 100, 200, 200, fill=1)  # an "image" with no text
    c.showPage(), c.save()
    monkeypatch.setattr(ocr, "available", lambda: False)
    with pytest.raises(InputError) as info:
        load(path)
    assert info.value.code == "input.no-text-layer" and "tesseract-ocr-chi-sim" in info.value.message


@pytest.mark.skipif(not __import__("checker.ingest.ocr", fromlist=["x"]).available(),
                    reason="Tesseract with chi_sim not installed")
def test_scanned_page_is_read_with_ocr(tmp_path):
    import pypdfium2
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    pdf = pypdfium2.PdfDocument(str(EXAMPLE_PDF))
    image = pdf[5].render(scale=200 / 72).to_pil()
    pdf.close()
    scan = tmp_path / "scan.pdf"
    c = canvas.Canvas(str(scan), pagesize=(595, 842))
    c.drawImage(ImageReader(image), 0, 0, 595, 842)
    c.showPage(), c.save()
    facts = extract(load(scan))
    projects = {f.fields.get("ordinal"): f for f in facts if f.kind == "project"}
    assert projects[4].fields["adjusted"].value == Decimal("1551.39")
    assert projects[4].extractor == "pdf-ocr:project.entry"


def test_ocr_dotted_thousands():
    assert normalise("调整后预算 7.938.27万元") == "调整后预算7,938.27万元"
    assert normalise("版本 1.2.3") == "版本1.2.3"


# ---------------------------------------------------------------- unit slips with little context
# (seeded recall: a 万元 figure turned into 元 where its entry or sentence has at most one other figure)


def _unit_anomalies(text: str) -> list:
    """The figures budget.unit-anomaly finds (quoted as written)."""
    from checker.derive import derive
    from checker.evaluate import compile_pack, evaluate_document
    from checker.rulebook.loader import load_pack

    facts = derive(extract(doc_of(text)))
    fired = evaluate_document(compile_pack(load_pack([ROOT / "rules"])[0]), facts, "部门整体").fired
    return [f for f in facts if f.kind == "amount" and ("budget.unit-anomaly", f.fid) in fired]


@pytest.mark.parametrize("text,written", [
    # a project's 年初预算 beside its only other figure, 实际支出 in 万元
    ("本专科生奖助学金项目年初预算2596元，实际支出2595.6208万元，预算执行率99%。", "2596元"),
    # a lone figure in its sentence, among the report's 万元 budget figures
    ("2023年上级下达资金指标1080元，已全部发放。\n全年共发放3957.55万元，其中当年资金3904.82万元，上年结转资金52.73万元。"
     "\n下达市级资金指标1132.8万元，已全部发放。", "1080元"),
    # the same figure written in 万元 elsewhere in the report
    ("1、收入：792.22元。同比上年度增加189.25万元，增加31.39%。\n其中：财政拨款收入792.22万元，同比增加209.28万元。"
     "\n办公经费1万元，培训经费5万元，会议经费10.5万元。", "792.22元"),
    # a figure a project entry claimed, judged among its own sentence's figures
    ("某区2012年度项目支出绩效自评报告\n一、项目基本情况\n项目资金实际到位共计5200.5万元，超出计划8%，"
     "其中财政拨款支出380.4元，节约12%，单位自筹支出4560.1万元，超出计划5%。", "380.4元"),
    # a total alone in its sentence, its parts in the next one (其中 …)
    ("二、支出：612.35元。其中：基本支出401.2万元，公用经费30.5万元，项目支出180.65万元。"
     "\n三、三公经费：培训经费1.2万元，会议经费3.5万元，办公经费2.8万元，差旅经费4.1万元。", "612.35元"),
])
def test_unit_slip_found_with_little_context(text, written):
    assert [f.fields["value"].written for f in _unit_anomalies(text)] == [written]


def test_small_yuan_amounts_are_not_unit_slips():
    text = ("项目年初预算50万元，实际支出48万元。\n为困难户发放慰问金每户1500元，共计3000元。"
            "\n购置办公用品支出3200元。")
    assert _unit_anomalies(text) == []


def test_unit_slip_twin_need_not_be_a_budget_figure():
    text = ("2023年3月下达省级第一批指标1080万元，已全部发放，结余为0；12月下达省级第二批资金指标85.84元，未支付，结余85.84万元。"
            "\n2023年1月下达市级资金指标1132.8万元，已全部发放。")
    assert [f.fields["value"].written for f in _unit_anomalies(text)] == ["85.84元"]


def test_pdf_lines_that_reach_the_margin_wrap():
    """Line geometry from pdfplumber decides which lines go on below (checker/ingest/pdf.py)."""
    from checker.ingest.pdf import _text_lines

    def line(text, x1, size=12.0):
        return {"text": text, "x0": 75.0, "x1": x1, "top": 0.0, "bottom": size}

    class Page:  # what extract_text_lines gives for a page
        def extract_text_lines(self, **_):
            return [line("某单位2023年度部门整体支出绩效自评报告（很长的页眉在小字号下超出右边距）", 589, 9),
                    line("高标准农田建设项目年初预算数为1,200.00万元，年中追加预算", 520),
                    line("300.00万元，调整后预算1,500.00万元，全年执行数1,095.00万元，预算", 497),  # next word: 执 (1 em)
                    line("执行率73%。", 160), line("合计 | 100 | 90 |", 200),
                    line("项目名称 | 某项目 | 起止时间 | 2008-2011 | 经费 |", 505),  # "2008-2011" would not fit
                    line("2008-2011 |", 140)]

    wraps = [l.wraps for l in _text_lines(Page(), 0)]
    # the small-type running header does not set the margin; a line 1.9 em short of it still wraps
    # inside a wrapped paragraph; a row whose next cell is a number run too wide for the room wraps
    assert wraps == [False, True, True, False, False, True, False]


def test_a_transfer_payment_form_is_a_project_report():
    text = ("2022年度就业补助资金绩效目标自评表\n附件1 就业补助资金绩效目标自评表 (2022年度) 转移支付(项目)名称 就业补助资金 "
            "中央主管部门 人力资源社会保障部\n")
    facts = extract(Document("t.txt", "txt", [Line(1, t) for t in text.splitlines()]))
    assert by_kind(facts, "document")[0].fields["report_kind"] == "项目"


def test_short_lines_beside_a_ruled_table_do_not_wrap(tmp_path):
    """The right margin is the page's: two short lines under a table are not one wrapped line."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    path = tmp_path / "form.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont("STSong-Light", 12)
    left, right, y = 80, 515, 700
    for i, row in enumerate([("项目名称", "农田水利建设项目"), ("年初预算", "100.00")]):  # a ruled two-column table
        top = y - i * 24
        c.rect(left, top - 24, right - left, 24)
        c.line(250, top, 250, top - 24)
        c.drawString(left + 4, top - 17, row[0])
        c.drawString(254, top - 17, row[1])
    c.drawString(left, 620, "联系电话：12345678")  # the longer of the two: alone, it would set the margin
    c.drawString(left, 600, "填报人：张三")
    c.save()
    doc = load(path)
    assert doc.tables and [l.wraps for l in doc.lines if "填报人" in l.text or "联系电话" in l.text] == [False, False]


def _enumerations(text: str) -> list[tuple]:
    facts = extract(Document("t.txt", "txt", [Line(1, "一、部门基本情况"), Line(1, text)]))
    return [(f.fields["label"], f.fields["count_stated"].value, f.fields["count_listed"].value)
            for f in facts if f.kind == "enumeration"]


def test_names_listed_before_their_count():
    assert _enumerations("设信息和宣传科、财政事务与国库支付中心、综合股、热线管理科5个内设机构。") == [("内设机构", 5, 4)]
    assert _enumerations("局机关下设办公室、财务股和综合股共3个股室。") == [("股室", 3, 3)]
    # 建设 is no list's lead; "等5个" need not name them all
    assert _enumerations("建设甲工程、乙工程、丙工程3个项目。") == []
    assert _enumerations("包括办公室、财务股等5个股室。") == []
