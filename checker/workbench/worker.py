"""What runs in a workbench worker process: every call into the rule engine.

durable_rules 2.0.28 is not thread-safe and must be called from a process's main thread, so the web
server never evaluates anything itself: it sends the pack and profile (plain picklable objects) to
one of these processes (pebble, see checker/workbench/workers.py), each of which holds the facts of
its share of the sample reports (from the fact cache) and the findings of the last few packs.

The impact of an edit is computed from the findings of the saved pack: only the rules the edit
changes are evaluated again (plus the rules whose verdict other rules depend on: `reading: as-meant`
ones and structure.looks-like-report), and their findings replace the saved pack's for those rules.
Edits of a setting every rule depends on (misreading_*, grade bands) or of those rules themselves
are evaluated in full. tests/test_workbench_impact.py checks the result is exactly a full run's.
"""
from __future__ import annotations

import hashlib
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

from ..cache import FactCache
from ..errors import InputError
from ..evaluate import NOT_A_REPORT_RULE, compile_pack, evaluate_document
from ..pipeline import document_summary, read_facts
from ..rulebook.loader import Pack
from .edits import global_signature, rule_signature
from .settings import MAX_BASELINES

_STATE: dict = {}  # per worker process


@dataclass
class DocResult:
    findings: dict = field(default_factory=dict)  # rule id -> [Finding] in evaluation order
    summaries: dict = field(default_factory=dict)  # rule id -> RuleSummary


@dataclass
class PackResult:
    order: list  # rule ids in the order evaluation lists them
    docs: dict  # source -> DocResult
    signatures: dict  # rule id -> rule_signature
    global_sig: str
    pivotal: frozenset = frozenset()  # rules other rules' verdicts depend on (see pivotal_rules)
    evaluated_rules: int = 0  # how many rules were evaluated to get it (all, or only the changed)
    evaluated_docs: int = 0


# ---------------------------------------------------------------- the sample's facts


def _sample(sources: tuple, cache_dir: str | None) -> dict:
    """Facts of this worker's reports, read once per process (from the fact cache where it has them)."""
    if _STATE.get("sources") != sources:
        cache = FactCache(Path(cache_dir)) if cache_dir else None
        facts, kinds, errors = {}, {}, {}
        for source in sources:
            try:
                items = read_facts(source, cache)
            except InputError as exc:
                errors[source] = exc.message
                continue
            facts[source] = items
            kinds[source] = document_summary(items).get("report_kind")
        _STATE.clear()
        _STATE.update(sources=sources, facts=facts, kinds=kinds, errors=errors, results=OrderedDict())
    return _STATE


def load_sample(sources: tuple, cache_dir: str | None) -> dict:
    """Worker task: read the sample; returns the reports that could not be read and their reason."""
    return dict(_sample(sources, cache_dir)["errors"])


# ---------------------------------------------------------------- evaluation


def _key(pack: Pack, profile) -> tuple:
    return (pack.digest, profile.digest, tuple(r.id for r in pack.rules))


def enabled_order(pack: Pack, profile) -> list[str]:
    """The rules evaluate_document lists, in its order (compile_pack's switches)."""
    return [r.id for r in pack.rules if (r.enabled or r.id in profile.enable) and r.id not in profile.disable]


def _group(evaluation) -> DocResult:
    out = DocResult()
    for finding in evaluation.findings:
        out.findings.setdefault(finding.rule, []).append(finding)
    for summary in evaluation.summaries:
        out.summaries[summary.rule] = summary
    return out


def _evaluate(state: dict, pack: Pack, profile) -> dict:
    cpack = compile_pack(pack, profile)
    return {source: _group(evaluate_document(cpack, items, state["kinds"][source]))
            for source, items in state["facts"].items()}


def pivotal_rules(pack: Pack) -> frozenset:
    """Rules whose verdict changes other rules' findings: `reading: as-meant` ones (the amounts they
    find are read as meant before all rules run) and structure.looks-like-report (when it fires, every
    other finding becomes not evaluable)."""
    return frozenset({r.id for r in pack.rules if r.reading == "as-meant"} | {NOT_A_REPORT_RULE})


def _signatures(pack: Pack, profile) -> dict:
    return {r.id: rule_signature(r, profile) for r in pack.rules}


def _remember(state: dict, key: tuple, result: PackResult) -> PackResult:
    results = state["results"]
    results[key] = result
    results.move_to_end(key)
    while len(results) > MAX_BASELINES:
        results.popitem(last=False)
    return result


def full_result(state: dict, pack: Pack, profile) -> PackResult:
    key = _key(pack, profile)
    if key in state["results"]:
        state["results"].move_to_end(key)
        return state["results"][key]
    docs = _evaluate(state, pack, profile)
    order = enabled_order(pack, profile)
    result = PackResult(order, docs, _signatures(pack, profile), global_signature(profile), pivotal_rules(pack),
                        len(order), len(docs))
    return _remember(state, key, result)


def changed_rules(base: PackResult, pack: Pack, profile) -> set[str] | None:
    """Ids of the rules whose findings can differ from `base`'s; None when every rule's can."""
    if global_signature(profile) != base.global_sig:
        return None
    signatures = _signatures(pack, profile)
    changed = {rid for rid in set(signatures) | set(base.signatures) if signatures.get(rid) != base.signatures.get(rid)}
    return None if changed & (pivotal_rules(pack) | base.pivotal) else changed


def edited_result(state: dict, base: PackResult, pack: Pack, profile) -> PackResult:
    """The findings of the edited pack: the saved pack's, with the changed rules evaluated again."""
    key = _key(pack, profile)
    if key in state["results"]:
        return state["results"][key]
    changed = changed_rules(base, pack, profile)
    if changed is None:
        return full_result(state, pack, profile)
    order = enabled_order(pack, profile)
    signatures = _signatures(pack, profile)
    pivotal = pivotal_rules(pack)
    if not changed:
        return PackResult(order, base.docs, signatures, base.global_sig, pivotal)
    subset = [r for r in pack.rules if r.id in changed | pivotal]
    digest = hashlib.sha256(f"{pack.digest}:{','.join(r.id for r in subset)}".encode()).hexdigest()[:12]
    partial = _evaluate(state, Pack(subset, pack.files, f"p{digest}"), profile)
    docs = {source: _merge(order, changed, base.docs[source], partial[source]) for source in partial}
    return _remember(state, key, PackResult(order, docs, signatures, base.global_sig, pivotal,
                                            sum(r.id in changed for r in subset), len(docs)))


def _merge(order: list[str], changed: set[str], base: DocResult, fresh: DocResult) -> DocResult:
    out = DocResult()
    for rule_id in order:
        source = fresh if rule_id in changed else base
        if rule_id in source.findings:
            out.findings[rule_id] = source.findings[rule_id]
        if rule_id in source.summaries:
            out.summaries[rule_id] = source.summaries[rule_id]
    return out


def flat(doc: DocResult, order: list[str]) -> tuple[list, list]:
    """A document's findings and rule summaries as evaluate_document lists them."""
    findings = [f for rid in order for f in doc.findings.get(rid, [])]
    summaries = [doc.summaries[rid] for rid in order if rid in doc.summaries]
    return findings, summaries


# ---------------------------------------------------------------- worker tasks


def _finding_dict(finding) -> dict:
    out = finding.as_dict()
    out["pages"] = sorted({e.page for e in finding.evidence})
    return out


def _matches(old: list, new: list) -> list[tuple]:
    """Pair the findings of one rule and subject: equal ones first, the rest in order."""
    old, new = list(old), list(new)
    pairs = []
    for f in list(old):
        same = next((g for g in new if g == f), None)
        if same is not None:
            old.remove(f)
            new.remove(same)
    for i in range(max(len(old), len(new))):
        pairs.append((old[i] if i < len(old) else None, new[i] if i < len(new) else None))
    return pairs


def diff_doc(before: DocResult, after: DocResult) -> list[dict]:
    """Findings that appear, disappear or change (message, severity or outcome) in one report."""
    rows = []
    for rule_id in list(dict.fromkeys([*before.findings, *after.findings])):
        old, new = before.findings.get(rule_id, []), after.findings.get(rule_id, [])
        if old == new:
            continue
        subjects = list(dict.fromkeys([f.subject for f in old] + [f.subject for f in new]))
        for subject in subjects:
            pairs = _matches([f for f in old if f.subject == subject], [f for f in new if f.subject == subject])
            for a, b in pairs:
                change = "added" if a is None else "removed" if b is None else "changed"
                rows.append({"rule": rule_id, "subject": subject, "change": change,
                             "before": _finding_dict(a) if a else None, "after": _finding_dict(b) if b else None})
    return rows


def _counts(docs: dict, order: list[str]) -> dict:
    """Per rule: fired errors, warnings, infos and not-evaluable findings over the sample."""
    out = {rid: {"error": 0, "warning": 0, "info": 0, "not-evaluable": 0, "reports": 0} for rid in order}
    for doc in docs.values():
        for rid, findings in doc.findings.items():
            if rid not in out:
                continue
            for f in findings:
                out[rid]["not-evaluable" if f.outcome == "not-evaluable" else f.severity] += 1
            out[rid]["reports"] += any(f.outcome == "fired" for f in findings)
    return out


def rule_counts(sources: tuple, cache_dir: str | None, pack: Pack, profile) -> dict:
    """Worker task: how often each rule of the saved pack fires on this worker's reports."""
    state = _sample(sources, cache_dir)
    base = full_result(state, pack, profile)
    return _counts(base.docs, base.order)


def impact(sources: tuple, cache_dir: str | None, saved: tuple, edited: tuple) -> dict:
    """Worker task: the findings that an edit makes appear, disappear or change, per report."""
    started = time.perf_counter()
    state = _sample(sources, cache_dir)
    base = full_result(state, *saved)
    unchanged = _key(*saved) == _key(*edited)
    after = base if unchanged else edited_result(state, base, *edited)
    rows = {source: diff_doc(base.docs[source], after.docs[source]) for source in base.docs}
    return {"rows": {s: r for s, r in rows.items() if r}, "evaluated_rules": 0 if unchanged else after.evaluated_rules,
            "evaluated_docs": 0 if unchanged else after.evaluated_docs, "reports": len(base.docs),
            "counts_before": _counts(base.docs, base.order), "counts_after": _counts(after.docs, after.order),
            "seconds": time.perf_counter() - started}


def findings_of(sources: tuple, cache_dir: str | None, pack: Pack, profile, source: str) -> tuple[list, list]:
    """Worker task (and tests): one report's findings and rule summaries under a pack."""
    state = _sample(sources, cache_dir)
    result = full_result(state, pack, profile)
    return flat(result.docs[source], result.order)


def edited_findings(sources: tuple, cache_dir: str | None, saved: tuple, edited: tuple) -> dict:
    """Worker task for tests: every report's findings under the edited pack as the impact view has them."""
    state = _sample(sources, cache_dir)
    base = full_result(state, *saved)
    after = edited_result(state, base, *edited)
    return {s: flat(doc, after.order) for s, doc in after.docs.items()}


def forget_edits(sources: tuple, cache_dir: str | None) -> None:
    """Worker task (benchmark): keep only the oldest remembered findings (the saved pack's), so the
    next impact of an edit is computed afresh."""
    results = _sample(sources, cache_dir)["results"]
    while len(results) > 1:
        results.popitem(last=True)


def run_rule_tests(pack: Pack, profile, only: str | None = None) -> list[dict]:
    """Worker task: the rules' own test cases (checker.ruletests), as plain data."""
    from ..ruletests import run_tests

    return [{"rule": r.rule.id, "name": r.case.name, "line": r.case.line, "ok": r.ok, "outcome": r.outcome,
             "expect": r.case.expect, "detail": r.detail.strip(), "source": r.rule.source}
            for r in run_tests(pack, only, profile)]


def report_detail(sources: tuple, cache_dir: str | None, pack: Pack, profile, source: str) -> dict:
    """Worker task: one report's facts, findings and, for every rule, why it fired or not (explain)."""
    from ..explain import explain_rule

    state = _sample(sources, cache_dir)
    if source in state["errors"]:
        return {"error": state["errors"][source]}
    items = state["facts"][source]
    cpack = compile_pack(pack, profile)
    kind = state["kinds"][source]
    evaluation = evaluate_document(cpack, items, kind)
    explained = {}
    for cr in cpack.rules:
        if kind is None or kind in cr.rule.report_kinds:
            fired = {fid for rid, fid in evaluation.fired if rid == cr.rule.id}
            explained[cr.rule.id] = explain_rule(cr.rule, evaluation.facts, fired, cpack.ctx)
    facts = [_fact_dict(f) for f in evaluation.facts if f.evidence]
    pages, placed = _pages(source, facts)
    return {"facts": facts, "placed": sorted(placed), "pages": pages, "kind": kind,
            "document": document_summary(items, cpack.ctx),
            "findings": [_finding_dict(f) for f in evaluation.findings],
            "summaries": [vars(s) for s in evaluation.summaries], "explain": explained}


def explain_one(sources: tuple, cache_dir: str | None, pack: Pack, profile, source: str, rule_id: str,
                subject: str | None) -> str:
    """Worker task: `perfcheck explain` for one report and rule under a (possibly edited) pack."""
    from ..explain import explain_rule

    state = _sample(sources, cache_dir)
    if source in state["errors"]:
        return state["errors"][source]
    cpack = compile_pack(pack, profile)
    kind = state["kinds"][source]
    evaluation = evaluate_document(cpack, state["facts"][source], kind)
    compiled = next((cr for cr in cpack.rules if cr.rule.id == rule_id), None)
    if compiled is None:
        return f"规则 {rule_id} 在此配置下未启用（或已删除）。"
    if kind is not None and kind not in compiled.rule.report_kinds:
        return f"这份报告是{kind}报告，规则 {rule_id} 只适用于{'、'.join(compiled.rule.report_kinds)}报告：不适用。"
    fired = {fid for rid, fid in evaluation.fired if rid == rule_id}
    return explain_rule(compiled.rule, evaluation.facts, fired, cpack.ctx, subject=subject)


def _pages(source: str, facts: list[dict]) -> tuple[list, set]:
    """The report's text page by page with the facts marked (read again: the cache holds facts only)."""
    from ..ingest import load
    from .reportview import pages_with_facts

    try:
        document = load(source)
    except InputError:
        return [], set()
    return pages_with_facts(document.lines, facts)


def _fact_dict(fact) -> dict:
    from ..evaluate import display

    return {"kind": fact.kind, "subject": fact.subject, "anchor": fact.anchor, "fid": fact.fid,
            "fields": {k: display(v) for k, v in fact.fields.items() if v is not None},
            "evidence": [e.as_dict() for e in fact.evidence]}
