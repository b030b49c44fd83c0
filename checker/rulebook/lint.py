"""`perfcheck rules lint`: rules that are valid but probably not what the author meant.

* no test cases, or no case that fires / no case that passes;
* a basis that names no document (no 《》, 〔〕 or 号), or cites a repealed one (repealed.yaml) as in force;
* a condition that is never true, or always true, over the schema's value ranges — found by
  evaluating it on every combination of boundary values taken from the condition's own
  literals (the reference evaluator, three-valued: absent fields are tried too);
* two rules with the same fact kind and the same condition.
"""
from __future__ import annotations

import itertools
import re
import random
from functools import lru_cache
from importlib import resources
from dataclasses import dataclass
from decimal import Decimal

import yaml

from .condition import (
    BOOL, COUNT, MONEY, NUMERIC, PERCENT, SCORE, TEXT, UNKNOWN, Context, Literal, Num, evaluate, field_names,
    to_text, _children,
)
from .loader import Pack, Rule
from .schema import KINDS
from ..model import Quantity

RANGES = {  # plausible values of each dimension in a report
    MONEY: (Decimal("-100000"), Decimal("10000000")),
    PERCENT: (Decimal(0), Decimal(1000)),
    COUNT: (Decimal(0), Decimal(100000)),
    SCORE: (Decimal(0), Decimal(200)),
}
MAX_COMBINATIONS = 4000
DOMAIN_TEXTS = ["优", "良", "中", "差", "部门整体", "项目", "产出", "效益", "满意度", "产出、效益、满意度", "元", "万元"]


@dataclass
class LintIssue:
    rule: Rule
    message: str

    def __str__(self) -> str:
        return f"{self.rule.source}:{self.rule.line}: {self.rule.id}：{self.message}"


def _literals(node) -> list:
    out = []

    def walk(n):
        if isinstance(n, Literal):
            out.append(n.value)
        for child in _children(n):
            walk(child)

    walk(node)
    return out


def _candidates(dim: str, literals: list) -> list:
    if dim == BOOL:
        return [None, True, False]
    if dim == TEXT:
        texts = [v for v in literals if isinstance(v, str)] + DOMAIN_TEXTS
        return [None, "", "其他文字"] + texts + [t + "、时效、成本、数量" for t in texts]
    lo, hi = RANGES.get(dim, (Decimal(-1000), Decimal(1000)))
    points = {lo, hi, (lo + hi) / 2, Decimal(0), Decimal(1), Decimal(100)}
    for v in literals:
        if isinstance(v, Num) and v.dim in (dim, "number"):
            for delta in (Decimal("-1"), Decimal("-0.01"), Decimal(0), Decimal("0.01"), Decimal(1)):
                points.add(v.point + delta)
    unit = {MONEY: "万元", PERCENT: "%", SCORE: "分", COUNT: "个"}.get(dim, "")
    return [None] + [Quantity(p, 2, unit) for p in sorted(points) if lo <= p <= hi]


def _verdicts(rule: Rule) -> set:
    dims = KINDS[rule.kind].dims()
    names = sorted(field_names(rule.when) | (field_names(rule.where) if rule.where else set()))
    literals = _literals(rule.when) + (_literals(rule.where) if rule.where else [])
    options = [_candidates(dims[n], literals) for n in names]
    combos = itertools.product(*options)
    total = 1
    for o in options:
        total *= len(o)
    if total > MAX_COMBINATIONS:  # sample instead, reproducibly
        rng = random.Random(rule.id)
        combos = (tuple(rng.choice(o) for o in options) for _ in range(MAX_COMBINATIONS))
    seen = set()
    for combo in combos:
        fields = {n: v for n, v in zip(names, combo) if v is not None}
        if rule.where is not None and evaluate(rule.where, fields, dims, Context()) is not True:
            continue
        seen.add(evaluate(rule.when, fields, dims, Context()))
    return seen


def _profiles():
    from ..profile import available, load_profile

    return [load_profile(name) for name in available()]


REPEALED_NOTE = "废止"  # a basis that says the document is repealed cites it knowingly


@lru_cache(maxsize=1)
def _repealed() -> list[dict]:
    text = resources.files("checker.rulebook").joinpath("repealed.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text) or []


def repealed_citations(basis: str) -> list[str]:
    """A sentence for each repealed document the basis cites as if it were in force."""
    return [f"依据引用的{d['document']}（{d['title']}）已于{d['date']}由{d['repealed_by']}废止：请改引现行文件，"
            f"或在依据中写明“已废止”及仍引用的理由" for d in _repealed()
            if d["document"] in basis and REPEALED_NOTE not in basis]


_PLACEHOLDER = re.compile(r"\{\{.*?\}\}|\{%.*?%\}")
_INTERNAL = re.compile(r"profile\.[a-z_]+|\b[a-z]+\.[a-z][a-z0-9-]+\b|\b[a-z]+_[a-z_]+\b")


def internal_names(rule: Rule) -> list[str]:
    """Department-facing text (title, basis, message) that shows a setting's, rule's or field's name."""
    out = []
    for label, text in (("标题", rule.title), ("依据", rule.basis), ("提示", rule.message),
                        ("整改建议", getattr(rule, "fix", ""))):
        found = _INTERNAL.findall(_PLACEHOLDER.sub("", text or ""))
        if found:
            out.append(f"{label}中出现了程序内部的名称“{found[0]}”：审核意见书会原样显示给被审单位，请改用中文说明")
    return out


def lint(pack: Pack) -> list[LintIssue]:
    """Lint under the default profile's settings (substituted, as the engine sees them)."""
    from dataclasses import replace

    from .condition import substitute

    profiles = _profiles()
    national = next(p for p in profiles if p.name == "national")
    enabled_somewhere = set().union(*(p.enable for p in profiles))
    issues: list[LintIssue] = []
    by_condition: dict[tuple, Rule] = {}
    for original in pack.rules:
        rule = replace(original, when=substitute(original.when, national.params),
                       where=substitute(original.where, national.params) if original.where is not None else None)
        expects = {t.expect for t in rule.tests}
        if not rule.tests:
            issues.append(LintIssue(rule, "没有测试用例：请至少写一个触发（fire）和一个不触发（pass）的用例"))
        else:
            if "fire" not in expects:
                issues.append(LintIssue(rule, "没有触发（expect: fire）的测试用例"))
            if "pass" not in expects:
                issues.append(LintIssue(rule, "没有不触发（expect: pass）的测试用例"))
        if not any(mark in rule.basis for mark in ("《", "〔", "号", "办法", "通知", "自评表")):
            issues.append(LintIssue(rule, f"依据“{rule.basis}”没有写明文件名称或文号"))
        issues += [LintIssue(rule, message) for message in repealed_citations(rule.basis)]
        issues += [LintIssue(rule, message) for message in internal_names(rule)]
        if not rule.fix:
            issues.append(LintIssue(rule, "没有整改建议（fix）：审核意见书在每个问题下写明被审单位应如何更正"))
        verdicts = _verdicts(rule)
        decided = verdicts - {UNKNOWN}
        if True not in verdicts:
            issues.append(LintIssue(rule, f"条件在任何取值下都不会成立（永不触发）：{to_text(rule.when)}"))
        elif decided == {True}:
            issues.append(LintIssue(rule, f"条件只要能判断就总是成立（总会触发）：{to_text(rule.when)}"))
        key = (rule.kind, rule.report_kinds, to_text(rule.where) if rule.where else "", to_text(rule.when))
        if key in by_condition:
            other = by_condition[key]
            issues.append(LintIssue(rule, f"与 {other.id}（{other.source}:{other.line}）的适用对象和条件完全相同"))
        else:
            by_condition[key] = rule
        if not rule.enabled and rule.id not in enabled_somewhere:
            issues.append(LintIssue(rule, "已停用（enabled: false），也没有任何配置启用它，检查时不会运行"))
    return issues
