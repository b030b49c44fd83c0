"""Word (.docx) 审核意见 for one report, filled into templates/report.docx with docxtpl.

The template is an ordinary Word document with Jinja2 tags, so auditors can restyle it in
Word (letterhead, fonts, wording) without touching code; templates/make_docx_template.py
rebuilds the stock one. Its content mirrors report.html.j2: document fields, checked-at,
tool version and rule pack digest, a conclusion with the counts, notices, the findings by
severity (错误 / 警告 / 提示) with waivers and baseline marks, the not-evaluable checks, the
rule table, the findings resolved since the baseline, and a signature block.

Report text is untrusted: every value is autoescaped by docxtpl (``autoescape=True``) and
stripped of characters XML cannot carry, so a quote with ``<`` or ``&`` stays text and the
document stays valid.
"""
from __future__ import annotations

import re
from datetime import datetime, timezone
from io import BytesIO
from pathlib import Path

from docxtpl import DocxTemplate
from jinja2 import Environment, StrictUndefined

from ..model import Finding, ReportResult
from . import _meta, _templates_dir, letter_items, letter_lines, sort_findings, summary_counts
from .junit import waiver_note
from .filters import (
    FILTERS,
    UNKNOWN,
    basename,
    date_cn,
    datetime_cn,
    fmt_value,
    page_cn,
    report_status_cn,
    severity_cn,
    status_cn,
)

__all__ = ["to_docx", "docx_context", "TEMPLATE_NAME"]

TEMPLATE_NAME = "report.docx"

# XML 1.0 cannot carry these even escaped; \a and \f would also be turned into paragraph /
# page breaks by docxtpl. \t and \n are kept (tab, line break).
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _text(value) -> str:
    if value is None:
        return ""
    return _XML_INVALID.sub("", str(value)).replace("\r\n", "\n").replace("\r", "\n")


def _field(doc: dict, key: str, grouping: bool = True) -> str:
    value = doc.get(key)
    return UNKNOWN if value in (None, "") else _text(fmt_value(value, grouping))


def _finding(f: Finding, no: int, approximate: bool) -> dict:
    compare = f.expected is not None or f.actual is not None
    return {
        "no": no,
        "rule": _text(f.rule),
        "title": _text(f.title or f.rule),
        "severity": severity_cn(f.severity),
        "subject": _text(f.subject) or "全文",
        "message": _text(f.message),
        "compare": compare,
        "expected": _text(f.expected) if f.expected is not None else "—",
        "actual": _text(f.actual) if f.actual is not None else "—",
        "basis": _text(f.basis),
        "fix": _text(getattr(f, "fix", "") or ""),
        "waiver": _text(waiver_note(f) or ""),
        "marks": ("［已豁免］" if waiver_note(f) else "")
        + {"new": "［新增］", "unchanged": "［与上次相同］"}.get(getattr(f, "baseline", None) or "", ""),
        "quotes": [{"page": page_cn(e.page, approximate), "text": _text(e.text)} for e in f.evidence or []],
        "image": None,  # the page crop, added by to_docx
        "image_note": "",
    }


def _summary(counts: dict[str, int], fired: list[Finding]) -> str:
    waived = sum(1 for f in fired if waiver_note(f))
    if fired:
        text = (f"共发现问题 {len(fired)} 项：错误 {counts['error']} 项、警告 {counts['warning']} 项、"
                f"提示 {counts['info']} 项")
        text += f"，另有 {waived} 项已豁免。" if waived else "。"
    else:
        text = "按所执行的规则，未发现问题。"
    if counts["not_evaluable"]:
        text += f"另有 {counts['not_evaluable']} 项检查因报告缺少所需数据而无法评估，请人工核对。"
    return text


def _score_line(doc: dict) -> str:
    has = lambda key: doc.get(key) not in (None, "")  # noqa: E731
    if not (has("score_total") or has("grade_stated")):
        return ""
    parts = [f"报告自评得分：{_field(doc, 'score_total') if has('score_total') else '未写明'}",
             f"所写等级：{_field(doc, 'grade_stated') if has('grade_stated') else '未写明'}"]
    if has("grade_band"):
        parts.append(f"按得分应为：{_field(doc, 'grade_band')}")
    return "；".join(parts) + "。"


def docx_context(result: ReportResult, meta: dict | None) -> dict:
    """The values the Word template is filled with (all display strings, Chinese labels)."""
    m = _meta(meta)
    doc = dict(result.document)
    approximate = bool(doc.get("pages_approximate"))
    findings = sort_findings(result.findings)
    fired = [f for f in findings if f.outcome != "not-evaluable"]
    not_evaluable = [f for f in findings if f.outcome == "not-evaluable"]
    numbered, n = {}, 0
    entries: dict[int, dict] = {}  # id(finding) -> its entry, for the page crops (to_docx)
    for sev in ("error", "warning", "info"):
        numbered[sev] = []
        for f in fired:
            if f.severity == sev:
                n += 1
                numbered[sev].append(entries.setdefault(id(f), _finding(f, n, approximate)))
    # unknown severities are shown with the infos rather than dropped
    for f in fired:
        if f.severity not in ("error", "warning", "info"):
            n += 1
            numbered["info"].append(entries.setdefault(id(f), _finding(f, n, approximate)))
    err = result.error
    return {
        "doc": {
            "title": _field(doc, "title"),
            "department": _field(doc, "department"),
            "year": _field(doc, "year", grouping=False),
            "report_kind": _field(doc, "report_kind"),
            "source": _text(result.source),
            "source_name": _text(basename(result.source)) or UNKNOWN,
            "status": report_status_cn(result.status),
        },
        "meta": {
            "tool_version": _text(m.get("tool_version")) or "未知",
            "pack_digest": _text(m.get("pack_digest")) or "未知",
            "checked_at": _text(datetime_cn(m.get("checked_at"))),
            "profile": _text(m.get("profile")) or "默认",
        },
        "failed": result.status == "error",
        "error_code": _text(err.code if err else "unknown"),
        "error_message": _text(err.message if err and err.message else "未提供错误说明。"),
        "summary": _summary(summary_counts(result), fired),
        "notices": [_text(n) for n in getattr(result, "notices", None) or []],
        "resolved": [{"no": i, "rule": _text(r.get("rule")), "subject": _text(r.get("subject")),
                      "message": _text(r.get("message"))}
                     for i, r in enumerate(getattr(result, "resolved", None) or [], start=1)
                     if isinstance(r, dict)],
        "score_line": _text(_score_line(doc)),
        "errors": numbered["error"],
        "warnings": numbered["warning"],
        "infos": numbered["info"],
        "not_evaluable": [_finding(f, i, approximate) for i, f in enumerate(not_evaluable, start=1)],
        "rules": [{"rule": _text(r.rule), "title": _text(r.title), "severity": severity_cn(r.severity),
                   "status": status_cn(r.status), "checked": r.checked} for r in result.rules],
        "approx_note": "源文件无实际分页，页码为估算；" if approximate else "",
        "letter": {k: _text(v) for k, v in letter_lines(doc, m).items()},
        "_entries": entries,
        "letter_items": [_letter_item(item, i, approximate) for i, item in enumerate(letter_items(fired), start=1)],
    }


def _letter_item(item, no: int, approximate: bool) -> dict:
    def problem(f: Finding) -> str:
        return f"{f.message}（依据：{f.basis}）" if f.basis else f.message

    if len(item.findings) == 1:
        text = f"{item.subject}：{problem(item.findings[0])}"
    else:
        parts = "".join(f"（{i}）{problem(f)}" for i, f in enumerate(item.findings, start=1))
        text = f"{item.subject}：同一数字涉及 {len(item.findings)} 个问题：{parts}"
    return {
        "no": no,
        "page": "、".join(page_cn(p, approximate) for p in item.pages[:2]) or "—",
        "problem": _text(text),
        "expected": _text("；".join(item.expected)) or "—",
        "fix": _text("".join(item.fixes)),
    }


def template_path() -> Path:
    return _templates_dir() / TEMPLATE_NAME


def _environment() -> Environment:
    env = Environment(autoescape=True, undefined=StrictUndefined)
    env.filters.update(FILTERS)
    return env


CROP_WIDTH_MM = 150  # a page crop across the text width


def _add_page_images(tpl, result: ReportResult, context: dict) -> None:
    """Each finding's page crop (as in the HTML) under its quotations, or the note that replaces a crop
    that could not show its Chinese text."""
    import base64

    from docx.shared import Mm
    from docxtpl import InlineImage

    from .snippets import evidence_images

    entries = context.pop("_entries")
    for key, shot in evidence_images(result).items():
        entry = entries.get(key)
        if entry is None:
            continue
        if shot.startswith("data:image/png;base64,"):
            data = base64.b64decode(shot.split(",", 1)[1])
            entry["image"] = InlineImage(tpl, BytesIO(data), width=Mm(CROP_WIDTH_MM))
        else:
            entry["image_note"] = _text(shot)


def to_docx(result: ReportResult, meta: dict | None) -> bytes:
    """The 审核意见 for one report as .docx bytes (not written anywhere)."""
    tpl = DocxTemplate(str(template_path()))
    context = docx_context(result, meta)
    _add_page_images(tpl, result, context)
    tpl.render(context, jinja_env=_environment(), autoescape=True)
    core = tpl.docx.core_properties
    if context["doc"]["title"] != UNKNOWN:
        core.subject = context["doc"]["title"][:255]
    core.keywords = f"perfcheck {context['meta']['tool_version']}; {context['meta']['pack_digest']}"[:255]
    core.comments = f"由 perfcheck {context['meta']['tool_version']} 自动生成，供审核人员复核。"
    core.last_modified_by = "perfcheck"
    checked = (meta or {}).get("checked_at")
    if checked:
        try:
            moment = datetime.fromisoformat(str(checked))
        except ValueError:
            moment = None
        if moment is not None:  # core properties are written as UTC ("Z")
            utc = moment.astimezone(timezone.utc).replace(tzinfo=None)
            core.created = core.modified = utc
    out = BytesIO()
    tpl.save(out)
    return out.getvalue()
