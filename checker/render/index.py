"""Batch summary: one row per report (unit, year, kind, score, grade, counts, link), HTML and CSV.

The HTML is an overview to look at before reading: totals, bar charts (inline SVG, no network) of the rules that
fire most and of the units with the most errors, the reports whose stated grade disagrees with their score
highlighted, and a table that sorts by any column and filters as one types (a few lines of inline script)."""
from __future__ import annotations

import csv
import io
from collections import Counter
from pathlib import Path

from markupsafe import Markup, escape

from ..model import ReportResult
from . import environment, summary_counts

COLUMNS = ["源文件", "单位", "年度", "类型", "自评得分", "所写等级", "按得分等级", "状态", "错误", "警告", "提示", "无法评估", "已豁免", "审核意见"]


def rows(results: list[ReportResult], links: dict[str, str]) -> list[dict]:
    out = []
    for r in results:
        counts = summary_counts(r)
        doc = r.document
        out.append({
            "源文件": r.source, "单位": doc.get("department", ""), "年度": doc.get("year", ""),
            "类型": doc.get("report_kind", ""), "自评得分": doc.get("score_total", ""),
            "所写等级": doc.get("grade_stated", ""), "按得分等级": doc.get("grade_band", ""),
            "状态": "已检查" if r.status == "checked" else f"未能检查（{r.error.code if r.error else ''}）",
            "错误": counts["error"], "警告": counts["warning"], "提示": counts["info"],
            "无法评估": counts["not_evaluable"], "已豁免": counts["waived"], "审核意见": links.get(r.source, ""),
        })
    return out


def to_csv(results: list[ReportResult], links: dict[str, str]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows(rows(results, links))
    return "\ufeff" + buffer.getvalue()  # BOM: Excel opens UTF-8 Chinese correctly


CHART_BARS = 12  # the longest bars shown; the rest are in the table
BAR_HEIGHT, LABEL_WIDTH, BAR_WIDTH = 22, 260, 360  # pixels of the inline SVG charts


def bar_chart(counts: Counter, title: str, colour: str) -> Markup:
    """A horizontal bar chart as inline SVG (labels escaped), the largest CHART_BARS counts."""
    top = counts.most_common(CHART_BARS)
    if not top:
        return Markup(f'<p class="empty">{escape(title)}：无。</p>')
    most = top[0][1]
    height = BAR_HEIGHT * len(top) + 8
    bars = []
    for i, (label, n) in enumerate(top):
        y = 4 + i * BAR_HEIGHT
        width = max(2, round(BAR_WIDTH * n / most))
        short = label if len(label) <= 18 else label[:17] + "…"
        bars.append(f'<text x="{LABEL_WIDTH - 6}" y="{y + 15}" text-anchor="end">{escape(short)}<title>{escape(label)}</title></text>'
                    f'<rect x="{LABEL_WIDTH}" y="{y + 3}" width="{width}" height="{BAR_HEIGHT - 6}" fill="{colour}"/>'
                    f'<text x="{LABEL_WIDTH + width + 5}" y="{y + 15}">{n}</text>')
    svg = (f'<svg class="chart" role="img" aria-label="{escape(title)}" width="{LABEL_WIDTH + BAR_WIDTH + 50}" '
           f'height="{height}" xmlns="http://www.w3.org/2000/svg">{"".join(bars)}</svg>')
    return Markup(f'<figure><figcaption>{escape(title)}</figcaption>{svg}</figure>')


def _grade_disagrees(row: dict) -> bool:
    return bool(row["所写等级"]) and bool(row["按得分等级"]) and row["所写等级"] != row["按得分等级"]


def to_index_html(results: list[ReportResult], links: dict[str, str], meta: dict) -> str:
    table = rows(results, links)
    fired = [f for r in results for f in r.findings
             if f.outcome == "fired" and f.severity in ("error", "warning") and not f.waived]
    by_rule = Counter(f.title or f.rule for f in fired)
    by_unit = Counter((r.document.get("department") or "（单位未识别）")
                      for r in results for f in r.findings
                      if f.outcome == "fired" and f.severity == "error" and not f.waived)
    totals = {c: sum(int(row[c] or 0) for row in table) for c in ("错误", "警告", "提示", "无法评估", "已豁免")}
    template = environment().get_template("index.html.j2")
    return template.render(
        rows=table, columns=COLUMNS, meta=meta, totals=totals,
        total=len(results), failed=sum(r.status == "error" for r in results),
        with_errors=sum(1 for row in table if row["错误"]),
        disagree=[row for row in table if _grade_disagrees(row)], grade_disagrees=_grade_disagrees,
        rule_chart=bar_chart(by_rule, "各规则发现的问题（错误和警告）", "#b3261e"),
        unit_chart=bar_chart(by_unit, "各单位的错误", "#7a5c00"))
