"""Small formatting helpers shared by the templates and the terminal summary.

Everything here is pure: text in, text out. Report text is untrusted, so nothing in this
module marks anything as safe HTML; escaping is left to Jinja2's autoescape (HTML) or to
the Markdown filters below.
"""
from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal

from ..model import Evidence, Quantity, format_decimal

SEVERITY_CN = {"error": "错误", "warning": "警告", "info": "提示"}
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
OUTCOME_CN = {"fired": "发现问题", "not-evaluable": "无法评估"}
STATUS_CN = {
    "passed": "通过",
    "fired": "发现问题",
    "not-evaluable": "无法评估",
    "not-applicable": "不适用",
}
REPORT_STATUS_CN = {"checked": "已检查", "error": "未能检查"}
UNKNOWN = "未识别"


def severity_cn(severity: str | None) -> str:
    """error→错误, warning→警告, info→提示; anything else is shown as written."""
    return SEVERITY_CN.get(severity or "", severity or "")


def outcome_cn(outcome: str | None) -> str:
    """not-evaluable→无法评估, fired→发现问题."""
    return OUTCOME_CN.get(outcome or "", outcome or "")


def status_cn(status: str | None) -> str:
    """Rule status: passed→通过, fired→发现问题, not-evaluable→无法评估, not-applicable→不适用."""
    return STATUS_CN.get(status or "", status or "")


def report_status_cn(status: str | None) -> str:
    return REPORT_STATUS_CN.get(status or "", status or "")


def severity_rank(severity: str | None) -> int:
    return SEVERITY_ORDER.get(severity or "", len(SEVERITY_ORDER))


def fmt_value(value, grouping: bool = True) -> str:
    """A document field as a reader expects it: Quantity as written, Decimal without
    exponent, bool as 是/否, missing as 未识别."""
    if value is None or value == "":
        return UNKNOWN
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Quantity):
        if value.written:
            return value.written
        text = format_decimal(value.value, value.places) if grouping else str(value.value)
        return text + value.unit
    if isinstance(value, Decimal):
        return f"{value:,f}" if grouping else f"{value:f}"
    return str(value)


def basename(path: str | None) -> str:
    """File name of a path given on any OS (handles both / and \\)."""
    if not path:
        return ""
    return re.split(r"[\\/]", str(path).rstrip("\\/"))[-1] or str(path)


def _timestamp(text: str | None, shown) -> str:
    """An ISO timestamp shown by `shown(moment)`; no text is 未知, unparsable text is shown unchanged."""
    if not text:
        return UNKNOWN
    try:
        moment = datetime.fromisoformat(str(text))
    except ValueError:
        return str(text)
    return shown(moment)


def date_cn(text: str | None) -> str:
    """ISO timestamp → 2026年12月2日 (the date of a letter)."""
    return _timestamp(text, lambda m: f"{m.year}年{m.month}月{m.day}日")


def _with_offset(moment: datetime) -> str:
    out = moment.strftime("%Y-%m-%d %H:%M:%S")
    offset = moment.strftime("%z") if moment.tzinfo is not None else ""
    return out + (f"（UTC{offset[:3]}:{offset[3:]}）" if offset else "")


def datetime_cn(text: str | None) -> str:
    """ISO timestamp → 2024-05-01 10:20:30（UTC+08:00）."""
    return _timestamp(text, _with_offset)


def pages_cn(evidence: list[Evidence] | None, approximate: bool = False) -> str:
    """第3页 / 第3、5页 for a finding's evidence; empty when there is none."""
    pages = sorted({e.page for e in evidence or [] if e.page})
    if not pages:
        return ""
    prefix = "约第" if approximate else "第"
    return prefix + "、".join(str(p) for p in pages) + "页"


def page_cn(page: int | None, approximate: bool = False) -> str:
    if not page:
        return "页码未知"
    return ("约第" if approximate else "第") + f"{page}页"


# ---------------------------------------------------------------- Markdown

_MD_HTML = str.maketrans({"<": "&lt;", ">": "&gt;"})


def md_inline(text) -> str:
    """Untrusted text inside a Markdown paragraph or list item: keep it on one line and stop
    raw HTML (Markdown passes tags through) from being interpreted."""
    if text is None:
        return ""
    text = str(text).translate(_MD_HTML)
    return re.sub(r"\s*\r?\n\s*", " ", text).strip()


def md_cell(text) -> str:
    """Untrusted text inside a Markdown table cell: escape | and turn newlines into <br>."""
    if text is None:
        return ""
    text = str(text).replace("\\", "\\\\").translate(_MD_HTML).replace("|", "\\|")
    return re.sub(r"\r?\n", "<br>", text).strip()


def md_quote(text) -> str:
    """Untrusted text as a Markdown blockquote body: every line gets the "> " prefix."""
    if text is None:
        return "> "
    lines = str(text).translate(_MD_HTML).splitlines() or [""]
    return "\n".join("> " + line if line.strip() else ">" for line in lines)


FILTERS = {
    "severity_cn": severity_cn,
    "outcome_cn": outcome_cn,
    "status_cn": status_cn,
    "report_status_cn": report_status_cn,
    "fmt_value": fmt_value,
    "basename": basename,
    "datetime_cn": datetime_cn,
    "date_cn": date_cn,
    "pages_cn": pages_cn,
    "page_cn": page_cn,
    "md_inline": md_inline,
    "md_cell": md_cell,
    "md_quote": md_quote,
}
