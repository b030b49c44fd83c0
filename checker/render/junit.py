"""JUnit XML output, for CI dashboards that show test results (Jenkins, GitLab, Azure …).

One ``<testsuite>`` per report (name = the source path as given), and in it:

* one ``<testcase classname="perfcheck.<area>" name="<rule id> · <subject>">`` per rule ×
  subject that produced findings, where area is the rule id's first part ("budget");
  - a fired error → ``<failure type="error">`` with the message, 应为 / 实为, 依据 and the
    quoted evidence;
  - fired warnings and infos do not fail the build: the testcase passes and the findings are
    listed in its ``<system-out>`` — unless the check ran with ``--fail-on warning``
    (meta ``fail_on``), when a fired warning is a ``<failure type="warning">`` too;
  - only not-evaluable findings → ``<skipped>`` with the reason;
  - a waived error (see `waiver_note`) passes, with the waiver in ``<system-out>``;
* every other rule the profile ran is a testcase too, so the rules are the same in every format:
  passed → a passing testcase ("<rule id> · 全部检查对象"), not applicable to this report or not
  evaluable without a finding → ``<skipped>`` with the reason;
* a report that could not be checked: a single testcase with ``<error>``.

The counts (tests, failures, errors, skipped) are computed from the elements written, on
each ``<testsuite>`` and summed on the ``<testsuites>`` root.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from ..model import Finding, ReportResult
from . import sort_findings
from .filters import fmt_value, page_cn, severity_cn

__all__ = ["to_junit", "waiver_note"]

# characters XML 1.0 cannot carry at all, even escaped
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _clean(text) -> str:
    return _XML_INVALID.sub("", str(text if text is not None else ""))


def _area(rule_id: str) -> str:
    return (rule_id or "").split(".", 1)[0] or "rules"


def waiver_note(finding: Finding) -> str | None:
    """"理由（批准人：…，有效期至 …）" for a waived finding, None otherwise.

    Reads the optional attributes a review stage sets — ``waiver`` (dict with reason,
    approved_by, expires), ``waived`` (bool or text), ``status == "waived"`` — defensively,
    so findings without them work too. Shared by the SARIF and Word renderers."""
    waiver = getattr(finding, "waiver", None)
    waived = getattr(finding, "waived", None)
    if not (waiver or waived or getattr(finding, "status", None) == "waived"):
        return None
    if isinstance(waiver, dict):
        reason = str(waiver.get("reason") or "").strip() or "已豁免"
        extra = []
        if waiver.get("approved_by"):
            extra.append(f"批准人：{waiver['approved_by']}")
        if waiver.get("expires"):
            extra.append(f"有效期至 {waiver['expires']}")
        return reason + (f"（{'，'.join(extra)}）" if extra else "")
    if isinstance(waived, str) and waived.strip():
        return waived.strip()
    return "已豁免"


def _details(f: Finding, approximate: bool) -> list[str]:
    lines = [f"问题：{f.message}"]
    if f.expected is not None or f.actual is not None:
        lines.append(f"应为：{f.expected if f.expected is not None else '—'}；"
                     f"实为：{f.actual if f.actual is not None else '—'}")
    if f.basis:
        lines.append(f"依据：{f.basis}")
    for e in f.evidence or []:
        lines.append(f"原文（{page_cn(e.page, approximate)}）：{e.text}")
    return lines


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs) -> ET.Element:
    el = ET.SubElement(parent, tag, {k: _clean(v) for k, v in attrs.items()})
    if text is not None:
        el.text = _clean(text)
    return el


FAILING = {"error": ("error",), "warning": ("error", "warning")}  # --fail-on -> severities that fail a testcase


def _case(suite: ET.Element, rule: str, subject: str, findings: list[Finding], approximate: bool,
          fail_on: str = "error") -> None:
    case = _sub(suite, "testcase", classname=f"perfcheck.{_area(rule)}", name=f"{rule} · {subject}")
    fired = [f for f in findings if f.outcome != "not-evaluable"]
    failing = [f for f in fired if f.severity in FAILING[fail_on] and not waiver_note(f)]
    out: list[str] = []
    if failing:
        first = failing[0]
        body = "\n\n".join("\n".join(_details(f, approximate)) for f in failing)
        kind = "error" if any(f.severity == "error" for f in failing) else "warning"
        _sub(case, "failure", body, type=kind, message=f"{first.subject}：{first.message}")
    elif not fired:
        reason = "；".join(f.message for f in findings) or "无法评估"
        _sub(case, "skipped", message=reason)
    for f in fired:
        if any(f is g for g in failing):
            continue
        waiver = waiver_note(f)
        label = severity_cn(f.severity)
        out.append(f"[{label}]" + (f"[已豁免：{waiver}]" if waiver else "") + f" {f.subject}：{f.message}")
        out.extend("  " + line for line in _details(f, approximate)[1:])
    if fired:  # not-evaluable findings next to fired ones are shown, not counted
        for f in findings:
            if f.outcome == "not-evaluable":
                out.append(f"[无法评估] {f.subject}：{f.message}")
    if out:
        _sub(case, "system-out", "\n".join(out))


def _suite(result: ReportResult, meta: dict) -> ET.Element:
    suite = ET.Element("testsuite", {"name": _clean(result.source)})
    props = ET.SubElement(suite, "properties")
    for name, value in (("perfcheck.version", meta.get("tool_version")),
                        ("perfcheck.pack_digest", meta.get("pack_digest")),
                        ("perfcheck.profile", meta.get("profile")),
                        ("perfcheck.checked_at", meta.get("checked_at")),
                        ("report.status", result.status),
                        *((f"report.{k}", result.document.get(k))
                          for k in ("title", "department", "year", "report_kind"))):
        if value not in (None, ""):
            _sub(props, "property", name=name, value=fmt_value(value, grouping=False))
    if result.status == "error":
        err = result.error
        code = err.code if err else "unknown"
        message = err.message if err and err.message else "未提供错误说明。"
        case = _sub(suite, "testcase", classname="perfcheck.report", name=f"检查报告 · {result.source}")
        _sub(case, "error", f"[{code}] {message}", type=code, message=message)
        return suite

    approximate = bool(result.document.get("pages_approximate"))
    groups: dict[tuple[str, str], list[Finding]] = {}
    for f in sort_findings(result.findings):
        groups.setdefault((f.rule, f.subject), []).append(f)
    for (rule, subject), findings in groups.items():
        _case(suite, rule, subject, findings, approximate, meta.get("fail_on") or "error")
    reported = {rule for rule, _ in groups}
    for summary in result.rules:
        if summary.rule in reported:
            continue
        case = _sub(suite, "testcase", classname=f"perfcheck.{_area(summary.rule)}",
                    name=f"{summary.rule} · 全部检查对象")
        if summary.status == "passed":
            _sub(case, "system-out", f"{summary.title}：通过（检查对象 {summary.checked} 个）")
        else:
            _sub(case, "skipped", message=f"{summary.title}：{SKIPPED_CN.get(summary.status, summary.status)}")
    return suite


SKIPPED_CN = {"not-applicable": "不适用于本报告", "not-evaluable": "无法评估（报告缺少所需数据）"}


def _count(suite: ET.Element) -> dict[str, int]:
    cases = suite.findall("testcase")
    return {
        "tests": len(cases),
        "failures": sum(len(c.findall("failure")) for c in cases),
        "errors": sum(len(c.findall("error")) for c in cases),
        "skipped": sum(len(c.findall("skipped")) for c in cases),
    }


def to_junit(results: list[ReportResult], meta: dict | None) -> str:
    """JUnit XML (text, UTF-8 declared) for the reports."""
    meta = meta or {}
    root = ET.Element("testsuites", {"name": "perfcheck"})
    total = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for i, result in enumerate(results):
        suite = _suite(result, meta)
        counts = _count(suite)
        for key, value in counts.items():
            suite.set(key, str(value))
            total[key] += value
        suite.set("id", str(i))
        root.append(suite)
    for key, value in total.items():
        root.set(key, str(value))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
