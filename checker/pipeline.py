"""One report through the whole pipeline: ingest -> extract -> derive -> evaluate (review and render follow
in checker/review.py and checker/render/, for a batch in checker/batch.py)."""
from __future__ import annotations

from pathlib import Path

from .errors import InputError
from .evaluate import CompiledPack, evaluate_document
from .model import ReportError, ReportResult
from .rulebook.condition import Context, Num, UNKNOWN, _grade_band


def document_summary(facts, ctx: Context | None = None) -> dict:
    """Cover data for the findings report: what the report says about itself."""
    doc = next((f for f in facts if f.kind == "document"), None)
    info = {k: v for k, v in (doc.fields.items() if doc else []) if k in ("title", "department", "year", "report_kind")}
    if doc is not None and doc.meta.get("pages_approximate"):
        info["pages_approximate"] = True
    se = next((f for f in facts if f.kind == "self_evaluation"), None)
    if se is not None:
        score = se.fields.get("score_total")
        if score is not None:
            info["score_total"] = str(score.value)
            info["grade_band"] = _grade_band(Num(score.value, score.half_ulp, "score"), (ctx or Context()).grade_bands)
        if se.fields.get("grade_stated"):
            info["grade_stated"] = se.fields["grade_stated"]
    return info


def read_facts(path: str | Path, cache=None) -> list:
    """Ingest, extract and derive — or the cached result of exactly that for these bytes."""
    if cache is not None and Path(path).is_file():
        facts = cache.get(path)
        if facts is not None:
            return facts
    # imported here, not at the top: a cache hit needs none of the reading stages (pdfplumber,
    # pdfminer and the extractors' patterns are most of a worker's start-up)
    from .derive import derive
    from .extract import extract
    from .ingest import load

    facts = derive(extract(load(path)))
    if cache is not None:
        cache.put(path, facts)
    return facts


def check_file(path: str | Path, cpack: CompiledPack, ctx: Context | None = None, cache=None) -> ReportResult:
    source = str(path)
    try:
        facts = read_facts(path, cache)
    except InputError as exc:
        return ReportResult(source, "error", error=ReportError(exc.code, exc.message))
    summary = document_summary(facts, ctx or cpack.ctx)
    evaluation = evaluate_document(cpack, facts, summary.get("report_kind"), ctx)
    return ReportResult(source, "checked", evaluation.findings, document=summary, rules=evaluation.summaries,
                        facts=evaluation.facts, diagnostics=evaluation.diagnostics)
