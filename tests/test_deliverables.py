"""Auditor deliverables through the CLI: waivers, baseline, batch index, resume, custom templates."""
import csv
import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from checker.cli import main

from conftest import EXAMPLE_PDF, EXAMPLE_TXT

WAIVERS = """\
waivers:
  - rule: budget.unit-anomaly
    subject: 项目：智慧白云一期项目经费
    reason: 已与单位核实，系“万元”误写为“元”
    approved_by: 王审核
    expires: 2099-06-30
  - rule: coverage.self-evaluation
    subject: 绩效自评
    reason: 不会匹配
    approved_by: 李科长
"""


def run(*args):
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def findings(data, rule):
    return [f for f in data["reports"][0]["findings"] if f["rule"] == rule and f["outcome"] == "fired"]


def test_waiver_marks_the_finding_and_the_exit_code_follows_the_rest(tmp_path: Path):
    waivers = tmp_path / "w.yaml"
    waivers.write_text(WAIVERS, encoding="utf-8")
    result = run("check", EXAMPLE_PDF, "--format", "json", "--waivers", waivers, "--in-process")
    data = json.loads(result.stdout)
    (anomaly,) = findings(data, "budget.unit-anomaly")
    assert anomaly["waived"] and anomaly["waiver"]["approved_by"] == "王审核"
    assert data["reports"][0]["summary"]["waived"] == 1 and data["reports"][0]["summary"]["error"] == 1
    assert result.exit_code == 1  # the adjustment error is not waived
    assert any("未匹配" in n for n in data["notices"])
    # waive both errors: exit 0
    waivers.write_text(WAIVERS + """\
  - rule: budget.adjustment-arithmetic
    subject: 项目：智慧白云一期项目经费
    reason: 同上
    approved_by: 王审核
""", encoding="utf-8")
    assert run("check", EXAMPLE_PDF, "--waivers", waivers, "--in-process").exit_code == 0


def test_expired_waiver_does_not_apply_and_says_so(tmp_path: Path):
    waivers = tmp_path / "w.yaml"
    waivers.write_text(WAIVERS.replace("2099-06-30", "2020-01-01"), encoding="utf-8")
    result = run("check", EXAMPLE_PDF, "--format", "json", "--waivers", waivers, "--in-process")
    data = json.loads(result.stdout)
    assert not findings(data, "budget.unit-anomaly")[0].get("waived")
    assert any("已过期" in n for n in data["reports"][0]["notices"])


def test_bad_waiver_file_is_a_clear_error(tmp_path: Path):
    waivers = tmp_path / "w.yaml"
    waivers.write_text("waivers:\n  - rule: a.b\n    expires: 明年\n", encoding="utf-8")
    result = run("check", EXAMPLE_PDF, "--waivers", waivers, "--in-process")
    assert result.exit_code == 2 and "w.yaml:2" in result.stderr and "缺少" in result.stderr


def test_baseline_marks_new_unchanged_and_resolved(tmp_path: Path):
    before = tmp_path / "before.txt"
    before.write_text(EXAMPLE_TXT.read_text(encoding="utf-8").replace("完成预算的 98.83%", "完成预算的 96.83%"),
                      encoding="utf-8")
    baseline = tmp_path / "baseline.json"
    baseline.write_text(run("check", before, "--format", "json", "--in-process").stdout, encoding="utf-8")
    data = json.loads(run("check", EXAMPLE_TXT, "--format", "json", "--baseline", baseline, "--in-process").stdout)
    report = data["reports"][0]
    assert {f["baseline"] for f in report["findings"] if f["outcome"] == "fired"} == {"unchanged"}
    assert [r["rule"] for r in report["resolved"]] == ["budget.completion-rate"]


def test_batch_writes_documents_index_and_resumes(tmp_path: Path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(EXAMPLE_PDF, inputs / "a.pdf")
    shutil.copy(EXAMPLE_TXT, inputs / "b.txt")
    (inputs / "broken.pdf").write_text("not a pdf", encoding="utf-8")
    out = tmp_path / "out"
    result = run("check", inputs, "--format", "html", "-o", f"{out}/", "-q")
    assert result.exit_code == 2
    assert (out / "a.findings.html").exists() and (out / "b.findings.html").exists()
    rows = list(csv.DictReader((out / "index.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert [r["源文件"].rsplit("/", 1)[-1] for r in rows] == ["a.pdf", "b.txt", "broken.pdf"]
    assert rows[0]["错误"] == "2" and rows[0]["单位"] == "广州市白云区政务服务数据管理局" and "未能检查" in rows[2]["状态"]
    assert "a.findings.html" in (out / "index.html").read_text(encoding="utf-8")
    # resume: finished reports are not checked again (their records are reused)
    (out / "a.findings.html").unlink()
    again = run("check", inputs, "--format", "html", "-o", f"{out}/", "-q", "--resume")
    assert (out / "a.findings.html").exists() and "错误 2" in again.stdout


def test_custom_template_is_sandboxed(tmp_path: Path):
    template = tmp_path / "brief.txt.j2"
    template.write_text("{{ doc.department }}：{% for f in fired %}{{ f.rule }};{% endfor %}", encoding="utf-8")
    out = run("check", EXAMPLE_PDF, "--template", template, "--in-process").stdout
    assert out.startswith("广州市白云区政务服务数据管理局：budget.adjustment-arithmetic;")
    evil = tmp_path / "evil.txt.j2"
    evil.write_text("{{ result.__class__.__init__.__globals__ }}", encoding="utf-8")
    result = run("check", EXAMPLE_PDF, "--template", evil, "--in-process")
    assert result.exit_code == 2 and "模板出错" in result.stderr


def test_docx_sarif_junit_files(tmp_path: Path):
    import docx
    import xml.etree.ElementTree as ET

    run("check", EXAMPLE_PDF, "--format", "docx", "-o", tmp_path / "r.docx", "--in-process")
    text = "\n".join(p.text for p in docx.Document(str(tmp_path / "r.docx")).paragraphs)
    assert "智慧白云一期项目经费" in text and "审核人" in text
    run("check", EXAMPLE_PDF, "--format", "sarif", "-o", tmp_path / "r.sarif", "--in-process")
    sarif = json.loads((tmp_path / "r.sarif").read_text(encoding="utf-8"))
    assert {r["ruleId"] for r in sarif["runs"][0]["results"] if r.get("level") == "error"} == {
        "budget.adjustment-arithmetic", "budget.unit-anomaly"}
    run("check", EXAMPLE_PDF, "--format", "junit", "-o", tmp_path / "r.xml", "--in-process")
    root = ET.parse(tmp_path / "r.xml").getroot()
    assert sum(int(s.get("failures")) for s in root.iter("testsuite")) == 2
