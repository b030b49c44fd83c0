"""End to end through the command line: the example report, the JSON contract, bad inputs."""
import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from checker.cli import main

from conftest import EXAMPLE_PDF, EXAMPLE_TXT


def run(*args):
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


@pytest.fixture(scope="module")
def example_json():
    result = run("check", EXAMPLE_PDF, "--format", "json")
    return result.exit_code, json.loads(result.stdout)


def test_example_errors_are_exactly_the_known_ones(example_json):
    code, data = example_json
    assert code == 1
    (report,) = data["reports"]
    assert report["status"] == "checked" and "error" not in report
    errors = [f for f in report["findings"] if f["severity"] == "error"]
    assert sorted(f["rule"] for f in errors) == ["budget.adjustment-arithmetic", "budget.unit-anomaly"]
    for f in errors:
        assert "智慧白云一期项目经费" in f["subject"]
        assert f["evidence"][0]["page"] == 6 and "2655.11元" in f["evidence"][0]["text"]


def test_example_warning_and_not_evaluable_are_reported(example_json):
    _, data = example_json
    findings = data["reports"][0]["findings"]
    assert any(f["rule"] == "indicators.output-dimensions" and f["severity"] == "warning" for f in findings)
    unevaluable = [f for f in findings if f["outcome"] == "not-evaluable"]
    assert unevaluable and all(f["severity"] == "info" for f in unevaluable)


def test_contract_shape(example_json):
    _, data = example_json
    for f in data["reports"][0]["findings"]:
        assert {"rule", "severity", "subject", "message", "evidence"} <= set(f)
        assert f["severity"] in ("error", "warning", "info")
        assert all({"page", "text"} <= set(e) for e in f["evidence"])


def test_html_and_markdown_outputs(tmp_path: Path):
    result = run("check", EXAMPLE_PDF, "--format", "html", "-o", f"{tmp_path}/")
    html = (tmp_path / "baiyun-2023.findings.html").read_text(encoding="utf-8")
    assert result.exit_code == 1 and "<html lang=\"zh-CN\"" in html and "智慧白云一期项目经费" in html
    md = tmp_path / "r.md"
    run("check", EXAMPLE_PDF, "--format", "md", "-o", md)
    assert "budget.unit-anomaly" in md.read_text(encoding="utf-8")


def test_written_files_are_readable_by_others_as_the_umask_allows(tmp_path: Path):
    import os
    import stat

    old = os.umask(0o022)
    try:
        run("check", EXAMPLE_PDF, "--format", "json", "-o", tmp_path / "r.json")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "r.json").stat().st_mode) == 0o644  # not mkstemp's 0600


def make_bad_inputs(folder: Path) -> dict[str, str]:
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(folder / "encrypted.pdf"), encrypt=pdfencrypt.StandardEncryption("secret"))
    c.drawString(100, 700, "2023"), c.save()
    c = canvas.Canvas(str(folder / "blank.pdf"))
    c.showPage(), c.save()
    (folder / "empty.pdf").write_bytes(b"")
    (folder / "not-a-pdf.pdf").write_text("这不是 PDF", encoding="utf-8")
    data = EXAMPLE_PDF.read_bytes()
    (folder / "truncated.pdf").write_bytes(data[: len(data) // 3])
    return {"encrypted.pdf": "input.encrypted", "blank.pdf": "input.no-text-layer", "empty.pdf": "input.empty",
            "not-a-pdf.pdf": "input.not-pdf", "truncated.pdf": "input.bad-pdf", "missing.pdf": "input.not-found"}


def test_bad_inputs_get_codes_and_the_rest_is_still_checked(tmp_path: Path):
    expected = make_bad_inputs(tmp_path)
    args = [tmp_path / name for name in expected] + [EXAMPLE_PDF]
    result = run("check", *args, "--format", "json")
    assert result.exit_code == 2
    reports = {Path(r["source"]).name: r for r in json.loads(result.stdout)["reports"]}
    for name, code in expected.items():
        assert reports[name]["status"] == "error" and reports[name]["error"]["code"] == code
        assert reports[name]["error"]["message"] and "Traceback" not in reports[name]["error"]["message"]
    assert reports["baiyun-2023.pdf"]["status"] == "checked"


def test_gb18030_text_is_read(tmp_path: Path):
    from conftest import EXAMPLE_TXT

    gbk = tmp_path / "gbk.txt"
    gbk.write_bytes(EXAMPLE_TXT.read_text(encoding="utf-8").encode("gb18030"))
    data = json.loads(run("check", gbk, "--format", "json").stdout)
    assert {f["rule"] for f in data["reports"][0]["findings"] if f["severity"] == "error"} == {
        "budget.adjustment-arithmetic", "budget.unit-anomaly"}


def test_terminal_summary_and_folder_input(tmp_path: Path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "r.txt").write_text("某单位2023年部门整体支出绩效自评报告\n一、部门基本情况\n", encoding="utf-8")
    (tmp_path / "a" / "~$r.docx").write_bytes(b"lock")
    result = run("check", tmp_path)
    assert result.exit_code == 0 and "r.txt" in result.stdout and "~$" not in result.stdout


def test_broken_rule_pack_refuses_to_check(tmp_path: Path):
    (tmp_path / "bad.yaml").write_text("rules:\n  - id: x.y\n    severity: 严重\n", encoding="utf-8")
    result = run("check", EXAMPLE_PDF, "--rules", tmp_path)
    assert result.exit_code == 2 and "bad.yaml:3:15" in result.stderr


def test_rules_commands():
    assert run("rules", "validate").exit_code == 0
    result = run("rules", "test")
    assert result.exit_code == 0 and " passed, 0 failed" in result.stdout


def test_facts_dump():
    result = run("facts", EXAMPLE_PDF, "--format", "json")
    facts = json.loads(result.stdout)
    six = next(f for f in facts if f["kind"] == "project" and "一期" in f["subject"])
    assert six["fields"]["initial"]["written"] == "2655.11元" and six["evidence"][0]["page"] == 6
    assert six["anchor"] == "title"  # a list item's title names the project
    assert "（第6页；据列表项标题）" in run("facts", EXAMPLE_PDF).stdout


def test_explain_fired_not_fired_and_not_evaluable():
    out = run("explain", EXAMPLE_PDF, "--rule", "budget.adjustment-arithmetic").stdout
    six = out[out.index("智慧白云一期项目经费："):]
    assert "2,062.78万元 != 1,062.78万元" in six and "结论：触发（规则引擎：触发）" in six
    assert "第6页“年初预算2655.11元”" in six
    out = run("explain", EXAMPLE_PDF, "--rule", "execution.explanation-required").stdout
    assert "结论：未触发 —— “missing explanation”不成立" in out
    out = run("explain", EXAMPLE_PDF, "--rule", "indicators.count-score-match").stdout
    assert "结论：无法评估 —— 报告中未写明：rows（指标表中的指标行数）（" in out


def test_explain_puts_what_fired_first_with_its_figure_and_filters_by_subject():
    out = run("explain", EXAMPLE_PDF, "--rule", "budget.unit-anomaly").stdout
    first = out.split("\n[1] ", 1)[1].splitlines()[0]
    assert "智慧白云一期" in first and "2655.11元" in first
    assert "共检查 38 项：触发 1 项" in out
    assert out.count("用到的数据") < 10  # the passed ones after the first few are one line each
    only = run("explain", EXAMPLE_PDF, "--rule", "budget.unit-anomaly", "--subject", "政务云").stdout
    assert "智慧白云" not in only and "政务云经费" in only


def test_explain_unknown_rule_suggests():
    result = run("explain", EXAMPLE_PDF, "--rule", "budget.adjustmnt")
    assert result.exit_code == 2 and "budget.adjustment-arithmetic" in result.stderr


def test_rules_lint_clean():
    result = run("rules", "lint")
    assert result.exit_code == 0 and "发现 0 处" in result.stdout


def test_html_from_pdf_embeds_the_page_region_and_links_the_page(tmp_path: Path):
    from checker.render.snippets import NO_CJK_FONT_NOTE, system_has_cjk_font, unembedded_cid_font
    import pdfplumber

    run("check", EXAMPLE_PDF, "--format", "html", "-o", tmp_path / "r.html", "--in-process")
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    with pdfplumber.open(str(EXAMPLE_PDF)) as pdf:
        assert unembedded_cid_font(pdf.pages[5])  # the example, like many exports, does not embed its CJK font
    if system_has_cjk_font():
        assert html.count("data:image/png;base64,") >= 2  # both errors show their region of page 6
    else:  # a crop would lose every Chinese character: the quotation stands, with a note instead
        assert "data:image/png" not in html and html.count(NO_CJK_FONT_NOTE) >= 2
    assert "<mark>2655.11元</mark>" in html
    # the page link is relative to the HTML file, never a path of the reviewer's disk
    link = f"{Path(os.path.relpath(EXAMPLE_PDF, tmp_path)).as_posix()}#page=6"
    assert f'href="{link}"' in html and "file://" not in html


# ---------------------------------------------------------------- issue 13: causes named, clean exits, bad .docx

CUSTOM_RULE = """rules:
  - id: local.coverage-floor
    title: 自评覆盖率不应低于本地下限
    severity: warning
    basis: 某省《绩效自评工作通知》（示例）
    applies_to:
      fact: self_evaluation
    when: coverage_stated < profile.coverage_floor
    message: "自评覆盖率{{ coverage_stated }}低于本地下限。"
"""


def test_validation_uses_the_profile_given(tmp_path: Path):
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "local.yaml").write_text(CUSTOM_RULE, encoding="utf-8")
    profile = tmp_path / "local.yaml"
    profile.write_text("name: local\nextends: national\nparams:\n  coverage_floor: 90%\n", encoding="utf-8")
    national = run("rules", "validate", tmp_path / "rules", "--alone")
    assert national.exit_code == 2 and "profile.coverage_floor" in national.stderr
    local = run("rules", "validate", tmp_path / "rules", "--alone", "--profile", profile)
    assert local.exit_code == 0, local.stderr


def test_missing_profile_file_is_reported_as_itself(tmp_path: Path):
    result = run("check", EXAMPLE_PDF, "--profile", tmp_path / "nowhere.yaml")
    assert result.exit_code == 2
    assert str(tmp_path / "nowhere.yaml") in result.stderr and "配置中没有参数" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_missing_profiles_folder_is_named_not_cascaded(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("PERFCHECK_PROFILES", str(tmp_path / "no-profiles"))
    result = run("check", EXAMPLE_PDF, "--no-cache")
    assert result.exit_code == 2
    assert "配置目录不存在" in result.stderr and "PERFCHECK_PROFILES" in result.stderr
    assert "配置中没有参数" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_missing_rules_folder_is_named(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("PERFCHECK_RULES", str(tmp_path / "no-rules"))
    for args in (("check", EXAMPLE_PDF), ("rules", "list")):
        result = run(*args)
        assert result.exit_code == 2
        assert f"内置规则目录不存在：{tmp_path / 'no-rules'}（由环境变量 PERFCHECK_RULES 指定）" in result.stderr


def test_broken_profile_points_at_its_line(tmp_path: Path):
    profile = tmp_path / "p.yaml"
    profile.write_text("name: p\nextends: national\nparams: [1, 2\n", encoding="utf-8")
    result = run("rules", "validate", "--profile", profile)
    assert result.exit_code == 2 and f"{profile}:4:1" in result.stderr
    profile.write_text("name: p\nextends: national\nparams: [95%]\n", encoding="utf-8")
    result = run("rules", "test", "--profile", profile)
    assert result.exit_code == 2 and f"{profile}: params 下应是" in result.stderr
    profile.write_text("name: p\nextends: nationl\n", encoding="utf-8")
    result = run("check", EXAMPLE_PDF, "--profile", profile)
    assert result.exit_code == 2 and "extends: nationl" in result.stderr and "national" in result.stderr


def test_one_html_report_is_written_next_to_it(tmp_path: Path):
    report = tmp_path / "r.txt"
    report.write_text(Path(EXAMPLE_PDF).with_suffix(".txt").read_text(encoding="utf-8"), encoding="utf-8")
    result = run("check", report, "--format", "html", "--in-process")
    written = tmp_path / "r.findings.html"
    assert result.exit_code == 1 and written.is_file() and str(written) in result.stderr
    assert "<html" not in result.stdout and "budget.unit-anomaly" in result.stdout  # the summary, not the page
    to_terminal = run("check", report, "--format", "html", "-o", "-", "--in-process")
    assert to_terminal.stdout.lstrip().startswith("<!DOCTYPE html>")


def test_a_batch_without_output_folder_says_where_it_writes(tmp_path: Path, monkeypatch):
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text("某单位2023年部门整体支出绩效自评报告\n一、部门基本情况\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = run("check", "a.txt", "b.txt", "--format", "md", "--in-process")
    assert f"写入 {tmp_path / 'perfcheck-out'}" in result.stderr
    assert (tmp_path / "perfcheck-out" / "a.findings.md").is_file()


def _broken_word_files(folder: Path) -> dict[str, str]:
    import zipfile

    docx_bytes = (Path(__file__).resolve().parents[1] / "templates" / "report.docx").read_bytes()
    (folder / "truncated.docx").write_bytes(docx_bytes[: len(docx_bytes) // 3])
    with zipfile.ZipFile(folder / "plain-zip.docx", "w") as archive:
        archive.writestr("readme.txt", "hello")
    with zipfile.ZipFile(folder / "sheet.docx", "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    (folder / "text.docx").write_text("这是一段文字，不是 Word 文档", encoding="utf-8")
    (folder / "old.docx").write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + bytes(1024))
    return {"truncated.docx": "不是完整的压缩包", "plain-zip.docx": "没有 Word 文档的正文", "sheet.docx": "Excel 表格",
            "text.docx": "内容不是 Word 文档", "old.docx": "旧版 Word (.doc)"}


def test_broken_word_files_say_what_they_are(tmp_path: Path):
    expected = _broken_word_files(tmp_path)
    result = run("check", *(tmp_path / name for name in expected), "--format", "json", "--in-process")
    assert result.exit_code == 2
    reports = {Path(r["source"]).name: r for r in json.loads(result.stdout)["reports"]}
    for name, phrase in expected.items():
        error = reports[name]["error"]
        assert error["code"] == "input.bad-docx" and phrase in error["message"], (name, error)
        assert "Error" not in error["message"] and "不支持的文件类型" not in error["message"]


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc to list a session's processes")
def test_no_process_outlives_the_cli(tmp_path: Path):
    """Every child (pebble's workers, multiprocessing's resource tracker) is gone when perfcheck exits."""
    import subprocess
    import sys

    from conftest import EXAMPLE_TXT, ROOT

    inputs = [tmp_path / f"{n}.txt" for n in "ab"]
    for path in inputs:
        path.write_bytes(EXAMPLE_TXT.read_bytes())
    proc = subprocess.Popen([sys.executable, "-m", "checker.cli", "check", *map(str, inputs), "-j", "2", "--no-cache", "-q"],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True)
    _, stderr = proc.communicate(timeout=300)
    assert proc.returncode == 1, stderr
    left = [stat for stat in _process_stats() if int(stat.rsplit(")", 1)[1].split()[3]) == proc.pid]  # field 6: session
    assert not left, left


def _process_stats() -> list[str]:
    stats = []
    for entry in Path("/proc").iterdir():
        try:
            stats.append((entry / "stat").read_text()) if entry.name.isdigit() else None
        except OSError:  # ended while we looked
            pass
    return stats


def test_fail_on_warning_makes_a_warning_fail_the_run(tmp_path):
    # the example has errors; a report with only a warning: its 产出 indicators lack 时效 and 成本
    report = tmp_path / "r.txt"
    # 1655.11万元 - 592.33万元 = 1,062.78万元: the seeded slip of the example corrected
    report.write_text(EXAMPLE_TXT.read_text(encoding="utf-8").replace("2655.11元", "1655.11万元"), encoding="utf-8")
    plain = run("check", report)
    strict = run("check", report, "--fail-on", "warning")
    assert "[警告]" in plain.stdout and "[错误]" not in plain.stdout
    assert plain.exit_code == 0 and strict.exit_code == 1


def test_every_format_lists_the_same_rules(tmp_path):
    """The rules the profile ran, in SARIF, JSON, JUnit (issue 14: 40, 41 and 39 before)."""
    import xml.etree.ElementTree as ET

    for fmt, name in (("sarif", "r.sarif"), ("junit", "r.xml"), ("json", "r.json")):
        run("check", EXAMPLE_PDF, "--format", fmt, "-o", tmp_path / name)
    sarif = {r["id"] for r in json.loads((tmp_path / "r.sarif").read_text())["runs"][0]["tool"]["driver"]["rules"]}
    report = json.loads((tmp_path / "r.json").read_text())["reports"][0]
    in_json = {r["rule"] for r in report["rules"]}
    junit = {c.get("name").split(" · ")[0] for c in ET.parse(tmp_path / "r.xml").getroot().iter("testcase")}
    assert sarif == in_json == junit and len(sarif) > 30
    assert "execution.adjustment-explained" not in sarif  # switched off in the national profile


def test_times_are_the_reviewers_beijing_time_by_default(monkeypatch):
    from checker.cli import reviewer_now

    monkeypatch.delenv("PERFCHECK_TZ", raising=False)
    assert reviewer_now().utcoffset().total_seconds() == 8 * 3600
    monkeypatch.setenv("PERFCHECK_TZ", "UTC")
    assert reviewer_now().utcoffset().total_seconds() == 0


def test_word_from_pdf_embeds_the_page_crops_too(tmp_path: Path):
    import docx

    from checker.render.snippets import NO_CJK_FONT_NOTE, system_has_cjk_font

    run("check", EXAMPLE_PDF, "--format", "docx", "-o", tmp_path / "r.docx", "--in-process")
    document = docx.Document(str(tmp_path / "r.docx"))
    text = "\n".join(p.text for p in document.paragraphs)
    if system_has_cjk_font():
        assert len(document.inline_shapes) >= 2  # both errors show their region of page 6
    else:
        assert len(document.inline_shapes) == 0 and text.count(NO_CJK_FONT_NOTE) >= 2


def test_the_examples_letter_has_its_parts_one_item_for_the_slip_and_no_internal_names(tmp_path: Path, monkeypatch):
    """The printed letter (HTML) and the Word letter: parts present, the 智慧白云一期 slip one item, no rule ids or
    setting names where the department reads; without a Chinese font the crop gives way to the quotation and a note."""
    import re

    import docx

    import checker.render.snippets as snippets

    monkeypatch.setattr(snippets, "system_has_cjk_font", lambda: False)
    run("check", EXAMPLE_PDF, "--format", "html", "-o", tmp_path / "r.html", "--in-process")
    run("check", EXAMPLE_PDF, "--format", "docx", "-o", tmp_path / "r.docx", "--in-process")
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    letter = html.split('class="letter"', 1)[1].split("</section>", 1)[0]
    rows = re.findall(r'<td class="no">(\d+)</td>', letter)
    assert rows == ["1", "2"]  # the slip (two problems) and the output-dimensions warning
    assert "同一数字涉及 2 个问题" in letter and "2655.11元" in letter
    word = docx.Document(str(tmp_path / "r.docx"))
    table = word.tables[0]
    assert [r.cells[0].text for r in table.rows[1:]] == ["1", "2"]
    letter_text = "\n".join(p.text for p in word.paragraphs[: next(i for i, p in enumerate(word.paragraphs)
                                                                    if p.text.startswith("附件一"))])
    for part in ("绩效自评报告审核意见书", "广州市白云区政务服务数据管理局：", "审核范围", "日内", "（盖章）"):
        assert part in letter + letter_text, part
    internal = re.compile(r"\b[a-z]+\.[a-z][a-z0-9-]+\b|profile\.|national")
    for text in (letter, letter_text, "\n".join(c.text for r in table.rows for c in r.cells)):
        assert not internal.search(re.sub(r"<[^>]+>", "", text)), internal.search(re.sub(r"<[^>]+>", "", text))
    assert "data:image/png" not in html and html.count(snippets.NO_CJK_FONT_NOTE) >= 2
