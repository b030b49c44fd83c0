"""Run the test cases that each rule carries beside it (`perfcheck rules test`).

Each case is one fact of the rule's kind, evaluated through the real engine exactly as a
report would be; the expected outcome is fire, pass or not-evaluable.
"""
from __future__ import annotations

from dataclasses import dataclass

from .evaluate import compile_pack, evaluate_document
from .model import Evidence, Fact
from .rulebook.loader import Pack, Rule, RuleTest

OUTCOME_CN = {"fire": "触发", "pass": "通过（不触发）", "not-evaluable": "无法评估"}


@dataclass
class CaseResult:
    rule: Rule
    case: RuleTest
    outcome: str  # what happened: fire | pass | not-evaluable
    message: str
    ok: bool
    detail: str = ""


def run_case(cpack, rule: Rule, case: RuleTest) -> CaseResult:
    fact = Fact(rule.kind, "测试对象", dict(case.facts), [Evidence(1, "（测试用例）")], "test", fid=1)
    result = evaluate_document(cpack, [fact], case.report_kind or rule.report_kinds[0])
    mine = [f for f in result.findings if f.rule == rule.id]
    if any(f.outcome == "fired" for f in mine):
        outcome = "fire"
    elif any(f.outcome == "not-evaluable" for f in mine):
        outcome = "not-evaluable"
    else:
        outcome = "pass"
    message = next((f.message for f in mine if f.outcome == "fired"), "")
    ok, detail = outcome == case.expect, ""
    if not ok:
        detail = f"期望：{OUTCOME_CN[case.expect]}\n实际：{OUTCOME_CN[outcome]}" + (f"（{mine[0].message}）" if mine else "")
    elif case.message_contains and case.message_contains not in message:
        ok = False
        detail = f"提示信息中应包含：{case.message_contains}\n实际提示信息：{message}"
    if result.diagnostics:
        ok = False
        detail += "\n" + "\n".join(result.diagnostics)
    return CaseResult(rule, case, outcome, message, ok, detail)


def run_tests(pack: Pack, only: str | None = None, profile=None) -> list[CaseResult]:
    """Each rule's cases, under `profile` (default national); rules it switches off are skipped."""
    cpack = compile_pack(pack, profile)
    results = []
    for compiled in cpack.rules:
        rule = compiled.rule
        if only and rule.id != only:
            continue
        for case in rule.tests:
            results.append(run_case(cpack, rule, case))
    return results
