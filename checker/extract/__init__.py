"""Extract stage: Document -> facts, each with evidence {page, quoted text}."""
from __future__ import annotations

from ..model import Document, Fact
from .facts import (
    Extraction, complete_form_project, explain_projects, extract_amounts, extract_budgets, extract_document, extract_execution_score,
    extract_indicator_groups, extract_score_parts,
    extract_projects, extract_self_evaluation, extract_tables, extract_breakdowns, find_project_text, extract_sum_lines, extract_figures, extract_products, extract_enumerations,
    document_tables, extract_cell_tables, own_project_name,
)
from .prose_indicators import prose_indicators
from .textflow import Flow, build_flow

EXTRACTOR_VERSION = "4"  # bump when extraction output changes (keys the fact cache)


def extract(doc: Document) -> list[Fact]:
    flow = build_flow(doc)
    out = Extraction()
    document = extract_document(flow)
    out.facts.append(document)
    tables = document_tables(doc)
    kind = document.fields.get("report_kind")
    extract_tables(tables, flow, out, kind)
    if not any(f.kind == "indicator" for f in out.facts):  # no indicator table: rows written as prose
        out.facts.extend(prose_indicators(flow))
    # what the prose says of single projects, found first: the budget reader leaves that text alone
    own_name = own_project_name(flow, tables)
    projects = find_project_text(flow, kind, any(f.kind == "project" for f in out.facts), own_name)
    extract_projects(out, projects)
    complete_form_project(flow, out, kind, own_name)
    explain_projects(flow, out, kind)
    extract_budgets(flow, out, projects)
    extract_self_evaluation(flow, out)
    extract_indicator_groups(flow, out)
    extract_execution_score(flow, out)
    extract_score_parts(flow, out)
    extract_breakdowns(flow, out)
    extract_sum_lines(flow, out)
    extract_products(flow, out)
    extract_enumerations(flow, out)
    extract_amounts(flow, out)  # last: links amounts to the fields read above
    extract_cell_tables(doc, flow, out)
    extract_figures(flow, out)
    for fid, fact in enumerate(out.facts, 1):
        fact.fid = fid
        fact.extractor = f"{doc.media}:{fact.extractor}"  # which reader, then which extractor
    document.meta["mentions"] = out.mentions  # for the derive stage's "stated twice" check
    document.meta["pages_approximate"] = doc.pages_approximate
    return out.facts


__all__ = ["extract", "build_flow", "Flow", "EXTRACTOR_VERSION"]
