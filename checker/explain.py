"""`perfcheck explain REPORT --rule ID`: why a rule fired, did not fire, or could not be evaluated.

For every fact the rule looks at: the figures it used (with page and quotation), the value
of each part of the condition, and the verdict — with the part that decided it.
"""
from __future__ import annotations

from .evaluate import display, missing_fields, rule_context
from .rulebook.condition import (
    UNKNOWN, And, Compare, Context, Exists, Field, In, Node, Not, Or, evaluate, field_names, to_text,
)
from .rulebook.loader import SEVERITIES, Rule
from .rulebook.schema import KINDS, field_label

MARK = {True: "✓ 是", False: "✗ 否"}


def _verdict_text(value) -> str:
    return "？ 无法判断" if value is UNKNOWN else MARK[bool(value)]


def _value_text(value, node: Node | None = None, fields: dict | None = None) -> str:
    """A value as the report gives it; unknown because a figure is missing, or because every figure is
    there but the arithmetic has no answer (a rate over a budget of 0)."""
    if value is not UNKNOWN:
        return display(value)
    if node is not None and fields is not None and all(fields.get(n) is not None for n in field_names(node)):
        return "（无法计算：如除数为0）"
    return "（报告未写明）"


def _lines(node: Node, fields: dict, dims: dict, ctx: Context, depth: int = 0) -> list[str]:
    pad = "    " * depth
    verdict = evaluate(node, fields, dims, ctx)
    if isinstance(node, (And, Or)):
        word = "全部成立" if isinstance(node, And) else "任一成立"
        out = [f"{pad}{_verdict_text(verdict)}  以下{word}："]
        for item in node.items:
            out.extend(_lines(item, fields, dims, ctx, depth + 1))
        return out
    if isinstance(node, Not):
        return [f"{pad}{_verdict_text(verdict)}  并非：", *_lines(node.operand, fields, dims, ctx, depth + 1)]
    detail = ""
    if isinstance(node, Compare):
        left = evaluate(node.left, fields, dims, ctx)
        right = evaluate(node.right, fields, dims, ctx)
        detail = f"（{_value_text(left, node.left, fields)} {node.op} {_value_text(right, node.right, fields)}）"
    elif isinstance(node, In):
        detail = f"（{_value_text(evaluate(node.operand, fields, dims, ctx), node.operand, fields)}）"
    elif isinstance(node, Field):
        detail = f"（{_value_text(evaluate(node, fields, dims, ctx), node, fields)}）"
    elif isinstance(node, Exists):
        detail = "（报告写明了）" if fields.get(node.name) is not None else "（报告未写明）"
    return [f"{pad}{_verdict_text(verdict)}  {to_text(node)} {detail}"]


def _deciding_part(node: Node, fields: dict, dims: dict, ctx: Context, want) -> str:
    """The first leaf whose value explains the verdict (False for 'did not fire')."""
    if isinstance(node, (And, Or)):
        for item in node.items:
            if evaluate(item, fields, dims, ctx) is want:
                return _deciding_part(item, fields, dims, ctx, want)
    return to_text(node)


FULL_NOT_FIRED = 3  # instances that passed, shown in full before the rest go one line each


def _headline(rule: Rule, fact, used: list[str]) -> str:
    """The figures an instance is about, for its heading (the amount, the score …)."""
    printed = [n for n, v in fact.fields.items() if getattr(v, "written", "")]  # figures as the report prints them
    names = [n for n in used if n in printed]
    if not names:  # a rule that reads computed measures or yes/no fields: the fact's own figure (an amount's value)
        names = printed[:1] or [n for n in used if fact.fields.get(n) is not None
                                and not isinstance(fact.fields[n], (bool, str))]
    shown = [getattr(fact.fields[n], "written", "") or _value_text(fact.fields[n]) for n in names]  # as printed
    return "：" + "、".join(shown[:3]) if shown else ""


def _outcome(rule: Rule, fact, fired_fids: set[int], dims, ctx) -> str:
    """fired | not-evaluable | passed | not-applicable — the order instances are shown in."""
    if rule.where is not None:
        applies = evaluate(rule.where, fact.fields, dims, ctx)
        if applies is UNKNOWN:
            return "not-evaluable"
        if applies is not True:
            return "not-applicable"
    if fact.fid in fired_fids:
        return "fired"
    verdict = evaluate(rule.when, fact.fields, dims, ctx)
    return "not-evaluable" if verdict is UNKNOWN else "fired" if verdict is True else "passed"


OUTCOME_ORDER = ("fired", "not-evaluable", "passed", "not-applicable")
OUTCOME_CN = {"fired": "触发", "not-evaluable": "无法评估", "passed": "未触发", "not-applicable": "不适用"}


def explain_rule(rule: Rule, facts: list, fired_fids: set[int], ctx: Context | None = None,
                 subject: str | None = None, full: bool = False) -> str:
    """Why the rule fired, passed or could not be judged on each fact it looks at: the fired ones first,
    each with the figures it is about; `subject` keeps the instances whose subject or quotation has it."""
    doc = next((f for f in facts if f.kind == "document"), None)
    about = "约" if doc is not None and doc.meta.get("pages_approximate") else ""
    ctx = rule_context(rule, ctx or Context())
    dims = KINDS[rule.kind].dims()
    kind_label = KINDS[rule.kind].label
    out = [
        f"规则 {rule.id}：{rule.title}（{SEVERITIES[rule.severity]}）",
        f"定义于 {rule.source}:{rule.line}",
        f"依据：{rule.basis}",
        f"适用：{kind_label}" + (f"，且 {rule.where_text}" if rule.where is not None else ""),
        f"条件：{rule.when_text}",
        "",
    ]
    mine = [f for f in facts if f.kind == rule.kind]
    if not mine:
        out.append(f"结论：无法评估 —— 报告中没有找到{kind_label}信息。")
        return "\n".join(out)
    if subject:
        mine = [f for f in mine if subject in f.subject or any(subject in e.text for e in f.evidence)]
        if not mine:
            out.append(f"没有对象的名称或原文含“{subject}”。")
            return "\n".join(out)
    used = sorted(field_names(rule.when) | (field_names(rule.where) if rule.where else set()))
    outcomes = {id(f): _outcome(rule, f, fired_fids, dims, ctx) for f in mine}
    mine.sort(key=lambda f: OUTCOME_ORDER.index(outcomes[id(f)]))
    counts = [f"{OUTCOME_CN[o]} {n} 项" for o in OUTCOME_ORDER if (n := sum(v == o for v in outcomes.values()))]
    out.append(f"共检查 {len(mine)} 项：{'，'.join(counts)}。" + ("" if full else "（触发和无法评估的逐项说明在前；--full 显示全部细节）"))
    out.append("")
    quiet = 0
    for i, fact in enumerate(mine, 1):
        pages = "、".join(str(e.page) for e in fact.evidence) or "?"
        head = f"[{i}] {fact.subject}{_headline(rule, fact, used)}（{about}第{pages}页）"
        outcome = outcomes[id(fact)]
        if not full and outcome in ("passed", "not-applicable"):
            quiet += 1
            if quiet > FULL_NOT_FIRED:
                out.append(f"{head} —— {OUTCOME_CN[outcome]}")
                continue
        out.append(head)
        out.extend(_instance(rule, fact, used, fired_fids, dims, ctx, about))
    return "\n".join(out).rstrip() + "\n"


def _instance(rule: Rule, fact, used: list[str], fired_fids: set[int], dims, ctx, about: str) -> list[str]:
    out = []
    for ev in fact.evidence[:1]:
        out.append(f"    原文：“{ev.text}”")
    out.append("    用到的数据：")
    for name in used:
        value = fact.fields.get(name)
        shown = _value_text(UNKNOWN if value is None else value)
        ev = fact.field_evidence.get(name)
        where = f"  ← {about}第{ev.page}页“{ev.text}”" if ev and value is not None else ""
        out.append(f"      {name}（{field_label(rule.kind, name)}）= {shown}{where}")
    if rule.where is not None:
        applies = evaluate(rule.where, fact.fields, dims, ctx)
        out.append(f"    适用条件：{_verdict_text(applies)}  {rule.where_text}")
        if applies is not True:
            out.append("    结论：不适用 —— 适用条件不成立，本规则不检查这一项。" if applies is False else
                       "    结论：无法评估 —— 无法判断是否适用。")
            out.append("")
            return out
    out.append("    条件求值：")
    out.extend("      " + line for line in _lines(rule.when, fact.fields, dims, ctx))
    verdict = evaluate(rule.when, fact.fields, dims, ctx)
    engine = "触发" if fact.fid in fired_fids else "未触发"
    if verdict is True:
        out.append(f"    结论：触发（规则引擎：{engine}）")
    elif verdict is False:
        part = _deciding_part(rule.when, fact.fields, dims, ctx, False)
        out.append(f"    结论：未触发 —— “{part}”不成立（规则引擎：{engine}）")
    else:
        missing = [f"{n}（{field_label(rule.kind, n)}）" for n in missing_fields(rule, fact)]
        out.append(f"    结论：无法评估 —— 报告中未写明：{'、'.join(missing)}（规则引擎：{engine}）")
    out.append("")
    return out
