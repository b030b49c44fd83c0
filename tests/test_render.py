"""Render stage: JSON contract, HTML (escaped, Chinese labels), Markdown, terminal summary."""
from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest

from checker.model import Evidence, Finding, Quantity, ReportError, ReportResult, RuleSummary
from checker.render import (
    TEMPLATES_DIR,
    outcome_cn,
    severity_cn,
    sort_findings,
    status_cn,
    to_html,
    to_json,
    to_markdown,
    to_terminal,
)
from checker.render.filters import md_cell, md_quote

META = {
    "tool_version": "0.1.0",
    "pack_digest": "sha256:0f1e2d3c4b5a69788796a5b4c3d2e1f0",
    "checked_at": "2024-05-06T09:30:00+08:00",
    "profile": "guangzhou-district",
}

SCRIPT = '<script>alert("x")</script>'


def checked_result() -> ReportResult:
    info = Finding(
        rule="structure.measures", severity="info", subject="全文",
        message="建议在“改进措施”部分写明整改时限。",
        evidence=[Evidence(9, "五、改进措施")], title="改进措施宜写明时限",
        basis="《项目支出绩效评价管理办法》第二十条")
    warning = Finding(
        rule="execution.explanation-required", severity="warning", subject="项目：智慧白云一期项目经费",
        message="预算执行率 62.10% 低于 90%，但报告未说明原因。",
        evidence=[Evidence(4, f"智慧白云一期项目经费 执行率 62.10% {SCRIPT}")],
        title="执行率偏低应说明原因", basis="财预〔2020〕10号")
    error = Finding(
        rule="budget.rate", severity="error", subject="预算收支：整体",
        message="预算执行率应为 98.40%，报告写的是 98.69%。",
        evidence=[Evidence(3, "全年预算数 14,416.56 万元，决算数 14,186.10 万元"),
                  Evidence(5, "预算执行率为 98.69%")],
        title="预算执行率应与决算数 / 全年预算数一致", basis="决算数 ÷ 全年预算数 × 100%",
        expected="98.40%", actual="98.69%")
    error_b = Finding(
        rule="budget.rate", severity="error", subject="预算收支：基本支出",
        message="基本支出执行率应为 99.00%，报告写的是 100.00%。",
        evidence=[Evidence(3, "基本支出 | 2,655.11 | 2,655.11")],
        title="预算执行率应与决算数 / 全年预算数一致", basis="决算数 ÷ 全年预算数 × 100%",
        expected="99.00%", actual="100.00%")
    not_evaluable = Finding(
        rule="coverage.rate", severity="info", subject="绩效自评",
        message="无法评估“自评覆盖率应正确”：报告中未写明项目总数 | 自评项目数。",
        evidence=[], title="自评覆盖率应正确", basis="", outcome="not-evaluable")
    rules = [
        RuleSummary("budget.rate", "预算执行率应与决算数 / 全年预算数一致", "error", "fired", 3),
        RuleSummary("execution.explanation-required", "执行率偏低应说明原因", "warning", "fired", 12),
        RuleSummary("structure.measures", "改进措施宜写明时限", "info", "fired", 1),
        RuleSummary("coverage.rate", "自评覆盖率应正确", "error", "not-evaluable", 0),
        RuleSummary("score.grade-band", "自评等级应与得分所在区间一致", "error", "passed", 1),
        RuleSummary("project.only", "项目报告专用规则", "warning", "not-applicable", 0),
    ]
    return ReportResult(
        source="/data/in/baiyun-2023.pdf", status="checked",
        # deliberately unsorted, to check ordering
        findings=[info, not_evaluable, warning, error_b, error],
        document={"title": "广州市白云区某局2023年度部门整体支出绩效自评报告",
                  "department": "广州市白云区某局", "year": 2023, "report_kind": "部门整体",
                  "score_total": Quantity(Decimal("98.69"), 2, "分", "98.69分"),
                  "grade_stated": "优", "grade_band": "优"},
        rules=rules)


def error_result() -> ReportResult:
    return ReportResult(
        source="C:\\报告\\加密.pdf", status="error",
        error=ReportError("input.encrypted", "PDF 文件已加密，无法读取。请提供未加密的文件。"))


@pytest.fixture
def results():
    return [checked_result(), error_result()]


# ---------------------------------------------------------------- JSON


def test_json_contract_shape(results):
    text = to_json(results)
    data = json.loads(text)
    assert list(data) == ["reports"]
    ok, bad = data["reports"]

    assert ok["source"] == "/data/in/baiyun-2023.pdf"
    assert ok["status"] == "checked"
    assert "error" not in ok
    assert set(ok) == {"source", "status", "document", "summary", "findings", "rules"}
    assert {r["rule"]: r["status"] for r in ok["rules"]}["budget.rate"] == "fired"
    assert ok["summary"] == {"error": 2, "warning": 1, "info": 1, "not_evaluable": 1, "waived": 0}
    assert ok["document"]["department"] == "广州市白云区某局"
    assert ok["document"]["year"] == 2023
    assert ok["document"]["score_total"] == "98.69分"  # Quantity → as written

    assert bad["status"] == "error"
    assert bad["error"] == {"code": "input.encrypted", "message": "PDF 文件已加密，无法读取。请提供未加密的文件。"}
    assert bad["findings"] == []
    assert bad["summary"] == {"error": 0, "warning": 0, "info": 0, "not_evaluable": 0, "waived": 0}
    assert bad["document"] == {}


def test_json_findings_are_as_dict_and_ordered(results):
    ok = json.loads(to_json(results))["reports"][0]
    order = [(f["severity"], f["rule"], f["subject"]) for f in ok["findings"]]
    assert order == [
        ("error", "budget.rate", "预算收支：基本支出"),
        ("error", "budget.rate", "预算收支：整体"),
        ("warning", "execution.explanation-required", "项目：智慧白云一期项目经费"),
        ("info", "coverage.rate", "绩效自评"),
        ("info", "structure.measures", "全文"),
    ]
    expected = [f.as_dict() for f in sort_findings(checked_result().findings)]
    assert ok["findings"] == expected
    first = ok["findings"][0]
    assert first["expected"] == "99.00%" and first["actual"] == "100.00%"
    assert first["evidence"] == [{"page": 3, "text": "基本支出 | 2,655.11 | 2,655.11"}]
    # expected / actual are only present when the finding has them
    assert "expected" not in ok["findings"][2]
    assert ok["findings"][3]["outcome"] == "not-evaluable"


def test_json_keeps_chinese_unescaped_and_round_trips(results):
    text = to_json(results)
    assert "\\u" not in text
    assert "预算执行率应为 98.40%" in text
    assert text.startswith('{\n  "reports": [')  # indent 2
    assert json.loads(text) == json.loads(json.dumps(json.loads(text), ensure_ascii=True))


def test_sort_is_stable_for_equal_keys():
    a = Finding("r", "warning", "同一对象", "甲", [])
    b = Finding("r", "warning", "同一对象", "乙", [])
    assert [f.message for f in sort_findings([a, b])] == ["甲", "乙"]
    assert [f.message for f in sort_findings([b, a])] == ["乙", "甲"]


# ---------------------------------------------------------------- labels


def test_chinese_labels():
    assert [severity_cn(s) for s in ("error", "warning", "info")] == ["错误", "警告", "提示"]
    assert outcome_cn("not-evaluable") == "无法评估"
    assert [status_cn(s) for s in ("passed", "fired", "not-evaluable", "not-applicable")] == \
        ["通过", "发现问题", "无法评估", "不适用"]


def test_templates_dir_is_repo_templates():
    assert TEMPLATES_DIR.name == "templates"
    assert (TEMPLATES_DIR / "report.html.j2").is_file()
    assert (TEMPLATES_DIR / "report.md.j2").is_file()


# ---------------------------------------------------------------- HTML


@pytest.fixture
def html():
    return to_html(checked_result(), META)


def test_html_document_frame(html):
    assert html.lstrip().startswith("<!DOCTYPE html>")
    assert '<html lang="zh-CN">' in html
    assert '<meta charset="utf-8">' in html
    assert "@page" in html and "size: A4" in html
    # self-contained: no external stylesheets, scripts, fonts or images
    assert not re.search(r'<(link|script|img)\b', html)
    assert "http://" not in html and "https://" not in html


def test_html_header_and_meta(html):
    assert "绩效自评报告审核意见" in html
    assert "广州市白云区某局2023年度部门整体支出绩效自评报告" in html
    assert "部门整体" in html
    assert ">2023<" in html  # year shown without thousands separator
    assert "baiyun-2023.pdf" in html
    assert "2024-05-06 09:30:00" in html
    assert "perfcheck 0.1.0" in html
    assert META["pack_digest"] in html
    assert "guangzhou-district" in html


def test_html_summary_counts_and_score(html):
    strip = html.split('class="summary reviewer"', 1)[1].split("</section>", 1)[0]
    counts = dict(re.findall(r'<div class="label">(\S+?)</div><div class="num">(\d+)</div>', strip))
    assert counts == {"错误": "2", "警告": "1", "提示": "1", "无法评估": "1"}
    assert "98.69分" in strip and "优" in strip


def test_html_findings_grouped_with_labels_and_evidence(html):
    # groups in order 错误 → 警告 → 提示
    i_err = html.index("错误<span class=\"n\">（2 项）")
    i_warn = html.index("警告<span class=\"n\">（1 项）")
    i_info = html.index("提示<span class=\"n\">（1 项）")
    assert i_err < i_warn < i_info
    assert "预算执行率应为 98.40%，报告写的是 98.69%。" in html
    assert "budget.rate" in html
    for label in ("应为", "实为", "依据", "对象"):
        assert f">{label}<" in html
    assert "98.40%" in html and "98.69%" in html
    assert "第3页" in html and "第5页" in html and "第4页" in html
    assert "财预〔2020〕10号" in html


def test_html_escapes_untrusted_quote(html):
    assert SCRIPT not in html
    assert "<script" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html


def test_html_not_evaluable_and_rule_tables(html):
    ne = html.split("未能评估的检查", 1)[1].split("</section>", 1)[0]
    for header in ("规则", "对象", "原因"):
        assert f">{header}</th>" in ne
    assert "coverage.rate" in ne and "报告中未写明项目总数" in ne
    # not-evaluable findings are not shown as cards
    assert 'id="finding-5"' not in html and 'id="finding-4"' in html

    rules = html.split("规则执行情况", 1)[1].split("<tbody>", 1)[1]
    rows = re.findall(r"<tr>(.*?)</tr>", rules, re.S)
    assert len(rows) == 6
    statuses = [re.search(r'st-[\w-]+">(.*?)</span>', r).group(1) for r in rows]
    assert statuses == ["发现问题", "发现问题", "发现问题", "无法评估", "通过", "不适用"]
    assert re.search(r'<td class="num">12</td>', rules)


def test_html_error_report_shows_error_instead_of_findings():
    out = to_html(error_result(), META)
    assert "未能检查本报告" in out
    assert "input.encrypted" in out
    assert "PDF 文件已加密，无法读取。" in out
    assert "加密.pdf" in out  # basename of a Windows path
    assert 'class="summary"' not in out and "规则执行情况" not in out
    assert out.count("未识别") >= 3  # title/department/year/report kind missing


def test_html_missing_document_fields_and_meta():
    result = ReportResult(source="x.txt", status="checked", document={"pages_approximate": True},
                          findings=[Finding("a.b", "warning", "全文", "消息", [Evidence(2, "原文")])])
    out = to_html(result, {})
    assert "报告标题未识别" in out
    assert "约第2页" in out  # docx/txt page numbers are estimates
    assert "报告中未找到自评得分" in out


def test_html_sandbox_cannot_be_bypassed_by_document_fields():
    result = checked_result()
    result.document["title"] = "<b>标题</b>"
    out = to_html(result, META)
    assert "<b>标题</b>" not in out and "&lt;b&gt;标题&lt;/b&gt;" in out


# ---------------------------------------------------------------- Markdown


@pytest.fixture
def md():
    return to_markdown(checked_result(), META)


def test_markdown_content(md):
    assert md.startswith("# 绩效自评报告审核意见")
    assert "预算执行率应为 98.40%，报告写的是 98.69%。" in md
    assert "| 错误 | 警告 | 提示 | 无法评估 |" in md
    assert "| 2 | 1 | 1 | 1 |" in md
    assert "## 错误（2 项）" in md and "## 警告（1 项）" in md and "## 提示（1 项）" in md
    assert "   - 应为：98.40%" in md and "   - 实为：98.69%" in md
    assert "   > 第5页：预算执行率为 98.69%" in md
    assert "## 未能评估的检查（1 项）" in md
    assert "| `budget.rate` | 预算执行率应与决算数 / 全年预算数一致 | 错误 | 发现问题 | 3 |" in md
    assert "| 年度 | 2023 |" in md
    assert "自评得分 98.69分" in md


def test_markdown_escapes_pipes_in_cells(md):
    row = next(line for line in md.splitlines() if "coverage.rate" in line and line.startswith("|"))
    assert "项目总数 \\| 自评项目数" in row
    # unescaped pipes split the row into exactly three cells
    cells = re.split(r"(?<!\\)\|", row.strip())[1:-1]
    assert len(cells) == 3


def test_markdown_untrusted_html_is_neutralised(md):
    assert "<script>" not in md
    assert "&lt;script&gt;" in md


def test_markdown_error_report():
    out = to_markdown(error_result(), META)
    assert "## 未能检查本报告" in out
    assert "`input.encrypted`" in out
    assert "> PDF 文件已加密" in out
    assert "## 规则执行情况" not in out


def test_md_filters():
    assert md_cell("甲|乙\n丙") == "甲\\|乙<br>丙"
    assert md_quote("一\n二") == "> 一\n> 二"


# ---------------------------------------------------------------- terminal


def test_terminal_summary(results):
    out = to_terminal(results, META)
    lines = out.splitlines()
    assert lines[0] == "/data/in/baiyun-2023.pdf  已检查  错误 2 · 警告 1 · 提示 1 · 无法评估 1"
    assert lines[1] == "  [错误] budget.rate  预算收支：基本支出：基本支出执行率应为 99.00%，报告写的是 100.00%。（第3页）"
    assert lines[2] == "  [错误] budget.rate  预算收支：整体：预算执行率应为 98.40%，报告写的是 98.69%。（第3、5页）"
    assert lines[3].startswith("  [警告] execution.explanation-required  项目：智慧白云一期项目经费：")
    assert lines[3].endswith("（第4页）")
    # info findings are listed too; not-evaluable ones are named on one line
    assert lines[4] == "  [提示] structure.measures  全文：建议在“改进措施”部分写明整改时限。（第9页）"
    assert lines[5].startswith("  无法评估（报告缺少所需数据") and "coverage.rate" in lines[5]
    assert lines[6] == "C:\\报告\\加密.pdf  未能检查"
    assert lines[7] == "  [input.encrypted] PDF 文件已加密，无法读取。请提供未加密的文件。"
    assert lines[8].startswith("合计 2 份报告（未能检查 1 份）  错误 2 · 警告 1")
    assert len(lines) == 9


def test_a_finding_that_quotes_no_figure_boxes_the_words_it_shares_with_its_quotation():
    from checker.render.snippets import _needles

    finding = Finding("indicators.output-dimensions", "warning", "产出指标", "产出指标只设了数量、质量指标，缺少时效、成本指标。",
                      [Evidence(5, "（1）部门整体绩效目标产出指标完成情况，共设数量指标21个、质量指标1个。")])
    needles = _needles(finding)
    assert needles[:2] == ["产出指标", "质量指标"] and needles[-1] == "（1）部门整体绩效目"


def test_html_letter_lists_what_the_department_must_correct(html):
    letter = html.split('class="letter"', 1)[1].split("</section>", 1)[0]
    assert "绩效自评报告审核意见书" in letter and "广州市白云区某局：" in letter  # 主送: the report's department
    rows = re.findall(r'<td class="no">(\d+)</td>', letter)
    assert rows == ["1", "2", "3"]  # the two errors and the warning; the info is only in the details
    assert "单位反馈" in letter and "日内" in letter and "（盖章）" in letter
    assert "（审核单位）" in letter  # no issuer in the profile: left for the reviewer to write


def test_html_letter_takes_issuer_number_and_deadline_from_the_profile(tmp_path):
    from checker.profile import load_profile

    profile = tmp_path / "district.yaml"
    profile.write_text("name: district\nextends: national\nletter:\n  issuer: 某区财政局\n  number: 某财绩审〔2026〕3号\n"
                       "  deadline_days: 15\n", encoding="utf-8")
    letter = load_profile(str(profile)).letter
    assert letter == {"issuer": "某区财政局", "number": "某财绩审〔2026〕3号", "deadline_days": "15"}
    page = to_html(checked_result(), dict(META, letter=letter), images=False)
    part = page.split('class="letter"', 1)[1].split("</section>", 1)[0]
    assert "某财绩审〔2026〕3号" in part and "15 日内" in part and part.count("某区财政局") >= 2


def test_findings_about_one_figure_of_one_subject_are_one_letter_item():
    """The example's slip “2655.11元” breaks a unit and a sum: one item to correct, both problems listed."""
    from checker.render import letter_items

    subject = "项目：智慧白云一期项目经费"
    sum_error = Finding("budget.adjustment-arithmetic", "error", subject, "年初预算2,655.11万元（原文写作“2655.11元”）…", [Evidence(6, "q")])
    unit_error = Finding("budget.unit-anomaly", "error", subject, "“2655.11元”的单位与上下文不符，可能应为“2655.11万元”。", [Evidence(6, "q")])
    other = Finding("execution.explanation-required", "warning", subject, "预算执行率为62.1%，低于95%。", [Evidence(6, "q")])
    elsewhere = Finding("budget.unit-anomaly", "error", "项目：政务云经费", "“2655.11元”的单位与上下文不符。", [Evidence(6, "q")])
    items = letter_items([sum_error, unit_error, other, elsewhere])
    assert [len(i.findings) for i in items] == [2, 1, 1]
    assert items[0].findings == [sum_error, unit_error] and items[0].pages == [6]


def test_batch_overview_totals_charts_and_grade_disagreements():
    from checker.render.index import to_csv, to_index_html

    ok = checked_result()
    ok.document = dict(ok.document, score_total="85分", grade_stated="优", grade_band="良")
    clean = ReportResult("/in/二号.pdf", "checked", findings=[], document={"department": "某县财政局", "year": 2023})
    page = to_index_html([ok, clean], {ok.source: "a.findings.html"}, META)
    assert page.count("<svg") == 2 and "各规则发现的问题" in page and "各单位的错误" in page
    assert 'class=" mismatch"' in page or "mismatch" in page.split("<tbody>")[1]  # the stated grade disagrees
    assert "写的等级“优”，按得分应为“良”" in page
    assert "合计（2 份）" in page and "<script>" in page and 'id="filter"' in page
    assert "<script>alert" not in page  # report text is escaped, the only script is ours
    assert to_csv([ok, clean], {}).splitlines()[0].lstrip("\ufeff").startswith("源文件,单位,年度")
