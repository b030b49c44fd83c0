"""Render stage: ReportResult → JSON (machine contract), HTML / Markdown (auditor's report),
plain-text terminal summary.

The JSON shape is a contract for other tools::

    {"reports": [{"source": "...", "status": "checked" | "error",
                  "error": {"code": ..., "message": ...},      # only when status is "error"
                  "document": {...},
                  "summary": {"error": N, "warning": N, "info": N, "not_evaluable": N},
                  "findings": [Finding.as_dict(), ...]}]}

Findings are ordered by severity (error, warning, info), then rule id, then subject.
Report text is untrusted: the HTML template is always autoescaped.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
import os
import re
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from markupsafe import Markup, escape
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from ..model import Finding, Quantity, ReportResult
from ..resources import bundled_dir
from .filters import (
    FILTERS,
    date_cn,
    fmt_value,
    outcome_cn,
    pages_cn,
    severity_cn,
    severity_rank,
    status_cn,
)

__all__ = [
    "TEMPLATES_DIR",
    "to_json",
    "to_html",
    "to_markdown",
    "to_terminal",
    "sort_findings",
    "summary_counts",
    "severity_cn",
    "outcome_cn",
    "status_cn",
]

_DEFAULT_TEMPLATES = bundled_dir("templates")  # the checkout's templates/, or the wheel's copy of it
TEMPLATES_DIR = Path(os.environ.get("PERFCHECK_TEMPLATES") or _DEFAULT_TEMPLATES)

SEVERITIES = ("error", "warning", "info")
META_KEYS = ("tool_version", "pack_digest", "checked_at", "profile")


# ---------------------------------------------------------------- shared helpers


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """Severity (error, warning, info), then rule id, then subject; stable otherwise."""
    return sorted(findings, key=lambda f: (severity_rank(f.severity), f.rule, f.subject))


def summary_counts(result: ReportResult) -> dict[str, int]:
    """Fired findings by severity plus the not-evaluable ones."""
    return {
        "error": result.count("error"),
        "warning": result.count("warning"),
        "info": result.count("info"),
        "not_evaluable": result.not_evaluable,
        "waived": result.waived_count,
    }


def _jsonable(value):
    if isinstance(value, Quantity):
        return fmt_value(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


# ---------------------------------------------------------------- JSON


def report_dict(result: ReportResult) -> dict:
    out: dict = {"source": result.source, "status": result.status}
    if result.status == "error":
        err = result.error
        out["error"] = {"code": err.code if err else "unknown", "message": err.message if err else ""}
    out["document"] = _jsonable(dict(result.document))
    out["summary"] = summary_counts(result)
    out["findings"] = [_jsonable(f.as_dict()) for f in sort_findings(result.findings)]
    if result.rules:  # every rule the profile ran, with what it came to (the same list as HTML, SARIF, JUnit)
        out["rules"] = [{"rule": r.rule, "title": r.title, "severity": r.severity, "status": r.status,
                         "checked": r.checked} for r in result.rules]
    if result.notices:
        out["notices"] = list(result.notices)
    if result.resolved:
        out["resolved"] = result.resolved
    return out


def dumps_indented(data) -> str:
    """`json.dumps(data, ensure_ascii=False, indent=2)`, byte for byte, but with orjson when it is
    installed: the standard library has no C encoder for indented output, and on a batch of a
    thousand reports its pure-Python one costs more than re-checking them from the cache."""
    try:
        import orjson
    except ImportError:
        return json.dumps(data, ensure_ascii=False, indent=2)
    try:
        return orjson.dumps(data, option=orjson.OPT_INDENT_2).decode("utf-8")
    except TypeError:  # what orjson refuses (lone surrogates, integers beyond 64 bits): the stdlib writes it
        return json.dumps(data, ensure_ascii=False, indent=2)


def to_json(results: list[ReportResult], notices: list[str] | None = None) -> str:
    data: dict = {"reports": [report_dict(r) for r in results]}
    if notices:
        data["notices"] = notices
    return dumps_indented(data)


# ---------------------------------------------------------------- templates


def _templates_dir() -> Path:
    env = os.environ.get("PERFCHECK_TEMPLATES")
    return Path(env) if env else TEMPLATES_DIR


_FIGURE_IN_QUOTES = re.compile(r"“([^”]*\d[^”]*)”")


def highlight(text: str, finding) -> Markup:
    """The evidence quote, escaped, with the figures the finding is about marked."""
    needles = {n for n in _FIGURE_IN_QUOTES.findall(getattr(finding, "message", "") or "")}
    actual = getattr(finding, "actual", None)
    if isinstance(actual, str) and any(ch.isdigit() for ch in actual):
        needles.add(actual)
    out = str(escape(text))
    for needle in sorted(needles, key=len, reverse=True):
        safe = str(escape(needle))
        if safe and safe in out:
            out = out.replace(safe, f"<mark>{safe}</mark>")
    return Markup(out)


@lru_cache(maxsize=4)
def _environment(directory: str) -> Environment:
    env = Environment(
        loader=FileSystemLoader(directory),
        # report.html.j2 → escaped; report.md.j2 / summary.txt.j2 → not (they use md_* filters)
        autoescape=select_autoescape(["html", "htm", "xml", "html.j2", "htm.j2"], default=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(FILTERS)
    env.filters["highlight"] = highlight
    return env


def environment() -> Environment:
    return _environment(str(_templates_dir()))


def _meta(meta: dict | None) -> dict:
    out = {key: "" for key in META_KEYS}
    out.update({k: v for k, v in (meta or {}).items() if v is not None})
    return out


_QUOTED_FIGURE = re.compile(r"“([^”]*\d[^”]*)”")


@dataclass
class LetterItem:
    """One row of the 审核意见书's 问题清单: the findings about one figure of one subject (a slip such as
    “2655.11元” that breaks a unit and a sum is one item to correct, with both problems listed)."""
    subject: str
    findings: list

    @property
    def pages(self) -> list[int]:
        return sorted({e.page for f in self.findings for e in f.evidence or [] if e.page})

    @property
    def fixes(self) -> list[str]:
        return list(dict.fromkeys(f.fix or "请核实并更正。" for f in self.findings))

    @property
    def expected(self) -> list[str]:
        return [f.expected for f in self.findings if f.expected is not None]


def letter_items(findings: list[Finding]) -> list[LetterItem]:
    """The errors and warnings the department must look into (not waived), those of one subject that quote the
    same figure taken together, in the order of the findings."""
    items: list[LetterItem] = []
    quoted: list[set[str]] = []
    for f in findings:
        if f.outcome == "not-evaluable" or f.severity not in ("error", "warning") or f.waived:
            continue
        figures = set(_QUOTED_FIGURE.findall(f.message or ""))
        home = next((i for i, item in enumerate(items) if item.subject == f.subject and figures & quoted[i]), None)
        if home is None:
            items.append(LetterItem(f.subject, [f]))
            quoted.append(figures)
        else:
            items[home].findings.append(f)
            quoted[home] |= figures
    return items


def letter_lines(doc: dict, meta: dict | None) -> dict:
    """The 审核意见书's own lines, the same in HTML and Word: number, addressee, opening (basis and scope),
    request (deadline), issuer and date; settings from the profile's letter section, blanks left to write in."""
    settings = {"issuer": "", "number": "", "deadline_days": "30", **((meta or {}).get("letter") or {})}
    we = settings["issuer"] or "我单位"
    title = doc.get("title") or "绩效自评报告"
    return {
        "number": settings["number"] or "〔　　　〕　　号",
        "addressee": doc.get("department") or "＿＿＿＿＿＿＿＿",
        "opening": f"根据《项目支出绩效评价管理办法》（财预〔2020〕10号）和财政部关于开展绩效自评工作的要求，{we}对你单位"
                   f"报送的《{title}》进行了审核。审核范围是报告所写的预算及其执行数字、绩效指标及得分、自评结论和报告结构；"
                   f"审核以报告所写为准，未核对原始凭证和账簿。",
        "request": f"请你单位自收到本意见之日起 {settings['deadline_days'] or '30'} 日内，对上表所列问题逐项核实，需要更正的"
                   f"予以更正，在“单位反馈”栏写明整改情况，连同更正后的自评报告一并报送{we}。对审核意见有异议的，"
                   f"请在同一期限内书面说明理由并附依据。",
        "issuer": settings["issuer"] or "（审核单位）",
        "date": date_cn((meta or {}).get("checked_at")),
    }


def _context(result: ReportResult, meta: dict | None) -> dict:
    findings = sort_findings(result.findings)
    fired = [f for f in findings if f.outcome != "not-evaluable"]
    doc = dict(result.document)
    return {
        "result": result,
        "meta": _meta(meta),
        "doc": doc,
        "doc_get": lambda key, grouping=True: fmt_value(doc.get(key), grouping),
        "has": lambda key: doc.get(key) not in (None, ""),
        "counts": summary_counts(result),
        "groups": [(sev, [f for f in fired if f.severity == sev]) for sev in SEVERITIES]
        + [(sev, [f for f in fired if f.severity == sev])
           for sev in sorted({f.severity for f in fired} - set(SEVERITIES))],
        "fired": fired,
        # the letter's list: what the department must look into (errors and warnings not waived)
        "letter_items": letter_items(fired),
        "letter": letter_lines(doc, meta),
        "not_evaluable": [f for f in findings if f.outcome == "not-evaluable"],
        "rules": list(result.rules),
        "approx": bool(doc.get("pages_approximate")),
    }


def to_html(result: ReportResult, meta: dict | None, images: bool = True) -> str:
    from .snippets import evidence_images

    template = environment().get_template("report.html.j2")
    shots = evidence_images(result) if images else {}
    assert template.environment.autoescape, "HTML must be autoescaped"
    return template.render(**_context(result, meta), image_of=lambda f: shots.get(id(f)),
                           page_link=source_link(result.source, (meta or {}).get("output_path")))


def source_link(source: str, output_path: str | None) -> str | None:
    """A link to the PDF relative to where the HTML is written, so it still works when both are sent
    together, and never shows the reviewer's own disk; without an output path, the PDF is taken to
    stand beside the HTML (where `check` writes it by default)."""
    from urllib.parse import quote

    path = Path(source)
    if path.suffix.lower() != ".pdf" or not path.exists():
        return None
    if output_path:
        relative = os.path.relpath(path.resolve(), Path(output_path).resolve().parent)
    else:
        relative = path.name
    return quote(Path(relative).as_posix())


def to_markdown(result: ReportResult, meta: dict | None) -> str:
    text = environment().get_template("report.md.j2").render(**_context(result, meta))
    return re.sub(r"\n{3,}", "\n\n", text)  # template whitespace only: cells never hold newlines


# ---------------------------------------------------------------- terminal


def _counts_line(counts: dict[str, int]) -> str:
    return (f"错误 {counts['error']} · 警告 {counts['warning']} · "
            f"提示 {counts['info']} · 无法评估 {counts['not_evaluable']}"
            + (f" · 已豁免 {counts['waived']}" if counts.get("waived") else ""))


def _one_line(text: str | None) -> str:
    return " ".join(str(text or "").split())


def to_terminal(results: list[ReportResult], meta: dict | None = None) -> str:
    """Compact Chinese plain-text summary: one line per report, then its errors and warnings."""
    lines: list[str] = []
    for result in results:
        if result.status == "error":
            err = result.error
            lines.append(f"{result.source}  未能检查")
            lines.append(f"  [{err.code if err else 'unknown'}] {_one_line(err.message if err else '')}")
            continue
        lines.append(f"{result.source}  已检查  {_counts_line(summary_counts(result))}")
        for f in sort_findings(result.findings):
            if f.outcome == "not-evaluable":
                continue
            where = pages_cn(f.evidence, bool(result.document.get("pages_approximate")))
            marks = ("［已豁免］" if f.waived else "") + ("［新］" if f.baseline == "new" else "")
            lines.append(f"  [{severity_cn(f.severity)}]{marks} {f.rule}  {_one_line(f.subject)}："
                         f"{_one_line(f.message)}" + (f"（{where}）" if where else ""))
        unevaluable = sorted({f.rule for f in result.findings if f.outcome == "not-evaluable"})
        if unevaluable:
            shown = "、".join(unevaluable[:5]) + (f" 等 {len(unevaluable)} 条规则" if len(unevaluable) > 5 else "")
            lines.append(f"  无法评估（报告缺少所需数据）：{shown}。详见 HTML/JSON 输出或 perfcheck explain")
        for notice in result.notices:
            lines.append(f"  注意：{notice}")
        if result.resolved:
            lines.append(f"  与基线相比已解决 {len(result.resolved)} 项：" + "；".join(
                f"{r.get('rule')} · {r.get('subject')}" for r in result.resolved[:5]))
    if len(results) > 1:
        total = {k: 0 for k in ("error", "warning", "info", "not_evaluable", "waived")}
        for result in results:
            for k, v in summary_counts(result).items():
                total[k] += v
        failed = sum(1 for r in results if r.status == "error")
        lines.append(f"合计 {len(results)} 份报告（未能检查 {failed} 份）  {_counts_line(total)}")
    return "\n".join(lines) + ("\n" if lines else "")
