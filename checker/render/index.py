"""Batch summary: one row per report (unit, year, kind, score, grade, counts, link), HTML and CSV."""
from __future__ import annotations

import csv
import io
from pathlib import Path

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


def to_index_html(results: list[ReportResult], links: dict[str, str], meta: dict) -> str:
    template = environment().get_template("index.html.j2")
    return template.render(rows=rows(results, links), columns=COLUMNS, meta=meta,
                           total=len(results), failed=sum(r.status == "error" for r in results))
