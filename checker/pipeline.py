"""One report through the whole pipeline: ingest -> extract -> derive -> evaluate."""
from __future__ import annotations

import importlib
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


# The reading stages are imported on first use: a cache hit needs none of them (pdfplumber,
# pdfminer and the extractors' patterns are most of a worker's start-up). Module attributes,
# so tests can still replace them.
_STAGES = {"load": "checker.ingest", "extract": "checker.extract", "derive": "checker.derive"}


def __getattr__(name: str):
    if name not in _STAGES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = globals()[name] = getattr(importlib.import_module(_STAGES[name]), name)
    return value


def _stage(name: str):
    return globals().get(name) or __getattr__(name)


def read_facts(path: str | Path, cache=None) -> list:
    """Ingest, extract and derive — or the cached result of exactly that for these bytes."""
    if cache is not None and Path(path).is_file():
        facts = cache.get(path)
        if facts is not None:
            return facts
    facts = _stage("derive")(_stage("extract")(_stage("load")(path)))
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
                        facts=facts, diagnostics=evaluation.diagnostics)
