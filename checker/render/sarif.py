"""SARIF 2.1.0 output: one run of the "perfcheck" tool over every report checked.

Mapping (see the OASIS SARIF 2.1.0 specification):

* each rule id that appears in a finding (plus any rule passed in ``rules``) becomes a
  ``reportingDescriptor`` in ``tool.driver.rules``: shortDescription = title,
  fullDescription / help = basis (依据), defaultConfiguration.level from the severity
  (error → error, warning → warning, info → note);
* each fired finding becomes a ``result`` with that level; its message is
  "对象：问题". A report is a PDF (or docx/txt) and has pages, not lines, so a location's
  ``region`` gives **the page number as ``startLine``** (the estimated page for .docx/.txt,
  flagged ``pageApproximate`` in the region's property bag) and the quotation as its
  ``snippet``: code-scanning tools can place and show every result. The location's message
  says the same in words ("第6页：原文") and its property bag holds ``page`` and ``snippet``;
  further evidence goes to ``relatedLocations``;
* a not-evaluable finding is no result at all (it is not a problem the department has; the
  reviewer's annex and the JSON list it): the run's property bag counts them
  (``notEvaluable``);
* a waived finding (``waiver`` / ``waived``, read defensively) keeps its level and gets an
  external, accepted ``suppression`` whose justification is the waiver's reason; a
  finding's ``baseline`` ("new" / "unchanged") becomes its ``baselineState``;
* a report that could not be checked (status "error") becomes an error
  ``toolExecutionNotification`` in ``invocations[0]``, and ``executionSuccessful`` is false.

``partialFingerprints["perfcheck/v1"]`` is the finding's fingerprint (checker.review: rule
id + normalised subject + the figures quoted in the message, not page numbers), so the same
problem keeps its fingerprint across runs and matches the JSON output and the baseline.
"""
from __future__ import annotations

import hashlib
import json
import re
from datetime import datetime, timezone
from urllib.parse import quote

from ..model import Finding, ReportResult
from ..review import fingerprint as _review_fingerprint
from . import sort_findings
from .filters import page_cn
from .junit import waiver_note

__all__ = ["to_sarif", "fingerprint", "artifact_uri", "SARIF_SCHEMA_URI", "FINGERPRINT_KEY"]

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
FINGERPRINT_KEY = "perfcheck/v1"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
BASELINE_STATES = ("new", "unchanged")  # Finding.baseline values that are SARIF baselineStates

_DRIVE = re.compile(r"^[A-Za-z]:/")


# ---------------------------------------------------------------- helpers


def fingerprint(finding: Finding, occurrence: int = 1) -> str:
    """Stable hash of rule id + normalised subject + the figures in the message: the
    finding's own ``fingerprint`` when the review stage set one, else computed the same way.

    `occurrence` (2, 3, ...) separates findings of one report that would otherwise share a
    fingerprint; the first keeps the plain one."""
    base = getattr(finding, "fingerprint", "") or _review_fingerprint(finding)
    if occurrence > 1:
        return hashlib.sha256(f"{base}#{occurrence}".encode("utf-8")).hexdigest()[:len(base)]
    return base


def artifact_uri(source: str) -> str:
    """The report path as a URI reference: "/" separators, non-ASCII percent-encoded.

    Relative paths stay relative (as given); a Windows drive path becomes a file: URI so
    that "C:" is not read as a URI scheme."""
    path = str(source or "").replace("\\", "/")
    if _DRIVE.match(path):
        return "file:///" + quote(path, safe="/:")
    if path.startswith("//"):  # UNC share
        return "file:" + quote(path, safe="/")
    return quote(path, safe="/")


def _utc(text) -> str | None:
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(str(text))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.astimezone()  # naive: local time of the machine that checked
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _rule_level(severity: str | None) -> str:
    return LEVELS.get(severity or "", "warning")


# ---------------------------------------------------------------- rules


def _descriptor(rule_id: str, title: str, severity: str | None, basis: str) -> dict:
    title = title or rule_id
    out = {
        "id": rule_id,
        "shortDescription": {"text": title},
        "fullDescription": {"text": basis or title},
        "help": {"text": f"依据：{basis}" if basis else title},
        "defaultConfiguration": {"level": _rule_level(severity)},
        "properties": {"tags": [rule_id.split(".", 1)[0]]},
    }
    if severity:
        out["properties"]["severity"] = severity
    return out


def _descriptors(results: list[ReportResult], rules) -> list[dict]:
    """Every rule id in a finding, plus the `rules` passed in; richest information wins:
    a passed-in Rule, then a RuleSummary, then the findings themselves."""
    info: dict[str, dict] = {}

    def merge(rule_id, title=None, severity=None, basis=None, strong=False):
        if not rule_id:
            return
        entry = info.setdefault(rule_id, {"title": "", "severity": None, "basis": ""})
        for key, value in (("title", title), ("severity", severity), ("basis", basis)):
            if value and (strong or not entry[key]):
                entry[key] = value

    wanted: set[str] = set()
    for rule in rules or []:
        rule_id = getattr(rule, "id", None) or getattr(rule, "rule", None)
        wanted.add(rule_id)
        merge(rule_id, getattr(rule, "title", None), getattr(rule, "severity", None),
              getattr(rule, "basis", None), strong=True)
    for result in results:
        for f in result.findings:
            wanted.add(f.rule)
        for summary in result.rules:
            if summary.rule in wanted:
                merge(summary.rule, summary.title, summary.severity)
        for f in result.findings:
            # a not-evaluable finding is always "info": it says nothing about the rule's level
            merge(f.rule, f.title, f.severity if f.outcome == "fired" else None, f.basis)
    return [_descriptor(rid, info[rid]["title"], info[rid]["severity"], info[rid]["basis"])
            for rid in sorted(r for r in wanted if r)]


# ---------------------------------------------------------------- results


def _location(uri: str, index: int, evidence=None, loc_id: int | None = None,
              approximate: bool = False) -> dict:
    """A place in the report. The official schema requires a region to have startLine,
    charOffset or byteOffset, none of which a PDF page quote has, so the quote goes in the
    location's message and property bag (``page``, ``snippet``) instead of a region."""
    loc: dict = {}
    if loc_id is not None:
        loc["id"] = loc_id
    loc["physicalLocation"] = {"artifactLocation": {"uri": uri, "index": index}}
    if evidence is not None:
        where = page_cn(evidence.page, approximate) if evidence.page else ""
        text = evidence.text or ""
        loc["message"] = {"text": f"{where}：{text}" if where else text}
        props: dict = {"snippet": text}
        if evidence.page:
            props["page"] = evidence.page
            region: dict = {"startLine": evidence.page}  # the page: see the module's docstring
            if text:
                region["snippet"] = {"text": text}
            if approximate:
                region["properties"] = {"pageApproximate": True}
            loc["physicalLocation"]["region"] = region
        loc["properties"] = props
    return loc


def _result(f: Finding, uri: str, index: int, rule_index: int, occurrence: int,
            approximate: bool) -> dict:
    out: dict = {"ruleId": f.rule}
    if rule_index >= 0:
        out["ruleIndex"] = rule_index
    out["kind"] = "fail"
    out["level"] = LEVELS.get(f.severity, "warning")
    out["message"] = {"text": f"{f.subject}：{f.message}" if f.subject else f.message}
    evidence = list(f.evidence or [])
    out["locations"] = [_location(uri, index, evidence[0] if evidence else None,
                                  approximate=approximate)]
    if len(evidence) > 1:
        out["relatedLocations"] = [_location(uri, index, e, loc_id=i, approximate=approximate)
                                   for i, e in enumerate(evidence[1:], start=1)]
    out["partialFingerprints"] = {FINGERPRINT_KEY: fingerprint(f, occurrence)}
    waiver = waiver_note(f)
    if waiver:
        out["suppressions"] = [{"kind": "external", "status": "accepted", "justification": waiver}]
    baseline = getattr(f, "baseline", None)
    if baseline in BASELINE_STATES:
        out["baselineState"] = baseline
    props: dict = {"subject": f.subject, "severity": f.severity, "outcome": f.outcome}
    if f.title:
        props["title"] = f.title
    if f.expected is not None:
        props["expected"] = f.expected
    if f.actual is not None:
        props["actual"] = f.actual
    pages = sorted({e.page for e in evidence if e.page})
    if pages:
        props["pages"] = pages
        if approximate:
            props["pagesApproximate"] = True
    out["properties"] = props
    return out


def to_sarif(results: list[ReportResult], meta: dict | None, rules=None) -> str:
    """SARIF 2.1.0 log (JSON text) for the reports; `rules` (objects with .id, .title,
    .severity, .basis — e.g. the loaded rule pack) adds descriptors for rules that did
    not fire."""
    meta = meta or {}
    descriptors = _descriptors(results, rules)
    rule_index = {d["id"]: i for i, d in enumerate(descriptors)}

    driver: dict = {"name": "perfcheck", "language": "zh-CN", "rules": descriptors}
    if meta.get("tool_version"):
        driver["version"] = str(meta["tool_version"])
    if meta.get("information_uri") or meta.get("informationUri"):
        driver["informationUri"] = str(meta.get("information_uri") or meta.get("informationUri"))

    artifacts, sarif_results, notifications = [], [], []
    not_evaluable = 0
    for index, result in enumerate(results):
        uri = artifact_uri(result.source)
        artifacts.append({"location": {"uri": uri},
                          "description": {"text": str(result.source)},
                          "roles": ["analysisTarget"]})
        if result.status == "error":
            err = result.error
            code = err.code if err else "unknown"
            text = err.message if err and err.message else "未提供错误说明。"
            notifications.append({
                "level": "error",
                "message": {"text": f"未能检查 {result.source}：{text}"},
                "descriptor": {"id": code},
                "locations": [_location(uri, index)],
                "properties": {"code": code, "source": str(result.source)},
            })
            continue
        approximate = bool(result.document.get("pages_approximate"))
        seen: dict[str, int] = {}
        for f in sort_findings(result.findings):
            if f.outcome == "not-evaluable":
                not_evaluable += 1
                continue
            base = fingerprint(f)
            seen[base] = seen.get(base, 0) + 1
            sarif_results.append(_result(f, uri, index, rule_index.get(f.rule, -1), seen[base], approximate))

    invocation: dict = {"executionSuccessful": not notifications}
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    end = _utc(meta.get("checked_at"))
    if end:
        invocation["endTimeUtc"] = end

    run: dict = {
        "tool": {"driver": driver},
        "invocations": [invocation],
        "artifacts": artifacts,
        "results": sarif_results,
        "columnKind": "unicodeCodePoints",
    }
    props = {name: str(meta[key])
             for key, name in (("pack_digest", "packDigest"), ("profile", "profile"), ("checked_at", "checkedAt"))
             if meta.get(key)}
    props["notEvaluable"] = not_evaluable
    run["properties"] = props
    log = {"$schema": SARIF_SCHEMA_URI, "version": SARIF_VERSION, "runs": [run]}
    return json.dumps(log, ensure_ascii=False, indent=2) + "\n"
